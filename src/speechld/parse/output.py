"""How `speechld parse` shows a Speech: the JSON line of the contract, or a readable summary."""

from __future__ import annotations

import json

from speechld.record import Speech

# The keys of a JSON line, in order; the contract of `speechld parse --format json`.
KEYS = (
    "id",
    "uri",
    "number",
    "speaker",
    "type",
    "type_label",
    "role",
    "party_group",
    "date",
    "language",
    "text",
    "translations",
    "source",
    "status",
    "function",
    "external_speaker",
    "type_conflict",
    "type_label_language",
)


def as_json(speech: Speech, uri: str) -> dict[str, object]:
    """The JSON object of a speech, with exactly the KEYS."""
    return {
        "id": speech.id,
        "uri": uri,
        "number": speech.number,
        "speaker": speech.speaker,
        "type": speech.type,
        "type_label": speech.type_label,
        "role": speech.role,
        "party_group": speech.party_group,
        "date": speech.date.isoformat() if speech.date else None,
        "language": speech.language,
        "text": speech.text,
        "translations": [{"language": t.language, "text": t.text} for t in speech.translations],
        "source": speech.source,
        "status": speech.status,
        "function": speech.function,
        "external_speaker": speech.external_speaker,
        "type_conflict": speech.type_conflict,
        "type_label_language": speech.type_label_language,
    }


def json_line(speech: Speech, uri: str) -> str:
    """One line of JSON for a speech, UTF-8 text unescaped."""
    return json.dumps(as_json(speech, uri), ensure_ascii=False)


def _or_dash(value: object) -> str:
    return "-" if value is None or value == "" else str(value)


def summary(speech: Speech, uri: str, width: int = 72) -> str:
    """A few readable lines about a speech, for people at a terminal."""
    number = f"{speech.number}. " if speech.number is not None else ""
    label = f" ({speech.type_label})" if speech.type_label else ""
    guest = " [external speaker]" if speech.external_speaker else ""
    opening = speech.paragraphs[0] if speech.paragraphs else ""
    if len(opening) > width:
        opening = opening[: width - 1].rstrip() + "…"
    translations = ", ".join(t.language for t in speech.translations)
    language = speech.language + (f" (translations: {translations})" if translations else "")
    rows = [
        ("uri", uri),
        ("type", speech.type),
        ("role", speech.role),
        ("group", speech.party_group),
        ("function", speech.function),
        ("date", speech.date.isoformat() if speech.date else None),
        ("language", language),
        ("source", speech.source),
        ("text", f"{opening} [{len(speech.text)} characters]"),
    ]
    head = f"{number}{speech.speaker or '(no speaker named)'}{label}{guest}"
    return "\n".join([head, *(f"  {name:<9}{_or_dash(value)}" for name, value in rows)])
