"""Pieces shared by the parsers of every input form: titles, field values, dates."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from speechld.errors import ParseError
from speechld.record import Speech

# "[N. ]Name (Type)": the number and the name are optional.
TITLE = re.compile(
    r"^\s*(?:(?P<number>\d{1,4})\.\s*)?(?P<name>[^()\n]*?)\s*\((?P<type>[^()\n]+)\)\s*$"
)
DATE = re.compile(
    r"^\s*(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{2}|\d{4})"
    r"(?:\s+(?P<H>\d{1,2})[:.](?P<M>\d{2}))?\s*$"
)
LINK = re.compile(r"^\[(?P<text>[^\]]*)\]\([^)]*\)$")


def parse_date(value: str) -> datetime | None:
    """A page's `DD.MM.YY HH:MM` date as a datetime, or None if it is not one.

    >>> parse_date("31.10.12 18:58")
    datetime.datetime(2012, 10, 31, 18, 58)
    >>> parse_date("soon") is None
    True
    """
    match = DATE.match(value)
    if not match:
        return None
    year = int(match["y"])
    year += 2000 if year < 100 else 0
    try:
        return datetime(
            year, int(match["m"]), int(match["d"]), int(match["H"] or 0), int(match["M"] or 0)
        )
    except ValueError:
        return None


def clean_value(value: str) -> str:
    """A field value without Markdown link syntax and surrounding space.

    >>> clean_value("[Anna Ljunggren](#)")
    'Anna Ljunggren'
    """
    value = value.strip()
    match = LINK.match(value)
    return match["text"].strip() if match else value


def paragraphs(lines: Iterable[str]) -> list[str]:
    """Lines grouped into paragraphs at blank lines, inner whitespace collapsed."""
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            out.append(" ".join(current))
            current = []
    if current:
        out.append(" ".join(current))
    return [" ".join(p.split()) for p in out]


def read_fields(lines: Iterable[str]) -> dict[str, str]:
    """The information block's label/value lines as a field -> value mapping.

    A label directly followed by another label has no value and is left out.

    >>> read_fields(["Ræðunúmer", "211", "Gerð", "Hovedindlæg", "Person", "Dato", "31.10.12"])
    {'number': '211', 'type': 'Hovedindlæg', 'date': '31.10.12'}
    """
    from speechld.parse.labels import field_of

    fields: dict[str, str] = {}
    current: str | None = None
    for line in lines:
        if not line.strip():
            continue
        field = field_of(line)
        if field is not None:
            current = field
        elif current is not None and current not in fields:
            fields[current] = clean_value(line)
    return fields


def assemble(
    source: str, title: re.Match[str] | None, fields: dict[str, str], body: list[str]
) -> Speech:
    """A Speech from a page's title, information fields and text paragraphs."""
    from speechld.parse.identity import speech_id
    from speechld.parse.language import identify

    if not body:
        raise ParseError(source, "the page has no speech text")
    number_text = fields.get("number") or (title["number"] if title else None)
    number = int(number_text) if number_text and number_text.isdigit() else None
    external = fields.get("external_speaker")
    speaker = external or fields.get("speaker") or (title["name"].strip() if title else "")
    type_label = fields.get("type") or (title["type"].strip() if title else None)
    date = parse_date(fields["date"]) if fields.get("date") else None
    text = "\n\n".join(body)
    return Speech(
        id=speech_id(number, speaker or None, text),
        source=source,
        number=number,
        speaker=speaker or None,
        type_label=type_label or None,
        role=fields.get("role") or None,
        date=date,
        language=identify(text),
        paragraphs=tuple(body),
        external_speaker=bool(external),
    )
