"""The export form: a Markdown page with `# Speaker (Type)`, the text, then `## Information`."""

from __future__ import annotations

import re

from speechld.errors import ParseError
from speechld.parse.common import TITLE, assemble, paragraphs, read_fields
from speechld.record import Speech

PAGE_BREAK = re.compile(r"^\s*-{3,}\s*$")
SENTENCE_END = tuple(".!?…:;\"'»”)")


def looks_like(text: str) -> bool:
    """Whether a page is in the export form (a `# ` title or a `## ` information heading)."""
    return bool(re.search(r"^#{1,2} \S", text, re.MULTILINE))


def rejoin(segments: list[list[str]]) -> list[str]:
    """Paragraphs of page segments, a paragraph split by a page break made whole again.

    >>> rejoin([["One.", "Two slik at de"], ["blir mindre.", "Three."]])
    ['One.', 'Two slik at de blir mindre.', 'Three.']
    """
    out: list[str] = []
    for segment in segments:
        if out and segment and not out[-1].endswith(SENTENCE_END):
            out[-1] = f"{out[-1]} {segment[0]}"
            segment = segment[1:]
        out.extend(segment)
    return out


def parse(text: str, source: str) -> Speech:
    """A Speech from a page in the export form."""
    lines = text.splitlines()
    title_at = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
    info_at = next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))
    title = TITLE.match(lines[title_at][2:]) if title_at is not None else None
    if title_at is not None and title is None:
        raise ParseError(source, f"title line is not 'Speaker (Type)': {lines[title_at][:80]!r}")
    segments: list[list[str]] = [[]]
    for line in lines[(title_at + 1 if title_at is not None else 0) : info_at]:
        if PAGE_BREAK.match(line):
            segments.append([])
        else:
            segments[-1].append(line)
    body = rejoin([paragraphs(segment) for segment in segments])
    fields = read_fields(lines[info_at + 1 :])
    return assemble(source, title, fields, body)
