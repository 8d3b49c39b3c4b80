"""The export form: a Markdown page with `# Speaker (Type)`, the text, then `## Information`."""

from __future__ import annotations

import re

from speechld.errors import NotASpeech, ParseError
from speechld.parse.common import (
    Block,
    assemble,
    paragraphs,
    read_block,
    read_title,
    split_translations,
    trailing_block,
    untyped_title,
)
from speechld.parse.labels import is_block_heading, is_translation_heading
from speechld.record import Speech

PAGE_BREAK = re.compile(r"^\s*-{3,}\s*$")
SUBHEADING = re.compile(r"^#{2,6}\s+")
SENTENCE_END = tuple(".!?…:;\"'»”)")
HEADING = re.compile(r"^#{1,2} \S", re.MULTILINE)


def looks_like(text: str) -> bool:
    """Whether a page is in the export form (a `# ` title or a `## ` information heading).

    >>> looks_like("---\\n\\n# Anna Ljunggren (Hovedindlæg)\\n"), looks_like("Anna (Replik)")
    (True, False)
    """
    return "#" in text and HEADING.search(text) is not None  # no "#": no scan line by line


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


def unbreak(lines: list[str]) -> list[str]:
    """The paragraphs of Markdown lines, rejoined across `---` page breaks."""
    segments: list[list[str]] = [[]]
    for line in lines:
        if PAGE_BREAK.match(line):
            segments.append([])
        else:
            segments[-1].append(line)
    return rejoin([paragraphs(segment) for segment in segments])


def info_block(lines: list[str], body_at: int) -> tuple[int | None, Block | None]:
    """The `## ` heading of the information block, and the block there or ending the page;
    another `## ` heading is one of the text's own."""
    for i, line in enumerate(lines):
        if line.startswith("## ") and not is_translation_heading(line):
            block = read_block(lines, i, compact=False)
            if block.labelled:
                return i, block
            if is_block_heading(line):
                return i, trailing_block(lines, body_at)
    return None, trailing_block(lines, body_at)


def unmarked(line: str) -> str:
    """A line of the text without the marks of a Markdown heading.

    >>> unmarked("### Baggrund"), unmarked("#hashtag")
    ('Baggrund', '#hashtag')
    """
    return SUBHEADING.sub("", line) if line.startswith("##") else line


def parse(text: str, source: str) -> Speech:
    """A Speech from a page in the export form; NotASpeech for a Markdown page of another kind."""
    lines = text.splitlines()
    title_at = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
    title = read_title(lines[title_at][2:]) if title_at is not None else None
    body_at = title_at + 1 if title_at is not None else 0
    heading, block = info_block(lines, body_at)
    if title_at is not None and title is None and block is not None:
        title = untyped_title(lines[title_at][2:], block)
    if title is None and block is None:
        raise NotASpeech(source, "other")
    if title_at is not None and title is None:
        raise ParseError(source, f"title line is not 'Speaker (Type)': {lines[title_at][:80]!r}")
    end = min((i for i in (heading, block.start if block else None) if i is not None), default=None)
    original, translations = split_translations(unmarked(line) for line in lines[body_at:end])
    return assemble(
        source,
        title,
        block.fields if block else {},
        unbreak(original),
        [unbreak(part) for part in translations],
    )
