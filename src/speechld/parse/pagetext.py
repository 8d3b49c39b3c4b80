"""The page-text form: a speech page's text, information block first, title and header optional.

A page is a speech when it has a `[N. ]Name (Type)` title, an information block, or
(headless) a translation heading; protocols and agendas are told apart before the
headless case. Every other page is not a speech.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from speechld.errors import NotASpeech, ParseError
from speechld.parse.common import (
    Title,
    assemble,
    is_short_value,
    looks_like_name,
    next_filled,
    read_block,
    read_title,
    split_translations,
    trailing_block,
    untyped_title,
)
from speechld.parse.concepts import vocabulary
from speechld.parse.labels import AGENDA_HEADINGS, PRESIDING, is_translation_heading
from speechld.record import Speech

# "1.1." or "13.1.": a numbered item of a debate listing.
AGENDA_ITEM = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3})+\.?")
# "21. Sessionens afslutning": a protocol opens with its agenda item, no "(Type)".
PROTOCOL_ITEM = re.compile(r"[0-9]{1,3}\.[ \t]+[^()\s][^()]{0,200}")
# "Præsidenten: ...", "Præsident:: NAME": a speaker turn of a protocol.
TURN = re.compile(rf"^[ \t]*(?:{'|'.join(PRESIDING)})[ \t]*:", re.IGNORECASE | re.MULTILINE)


def non_speech_kind(text: str, first: str) -> str | None:
    """'agenda' or 'protocol' if a page without title or block is one, else None.

    >>> non_speech_kind("Agenda\\n14.03.23", "Agenda"), non_speech_kind("", "2. Nordic Summit")
    ('agenda', 'protocol')
    """
    if " ".join(first.casefold().split()).rstrip(":") in AGENDA_HEADINGS:
        return "agenda"
    if AGENDA_ITEM.fullmatch(first):
        return "agenda"
    if PROTOCOL_ITEM.fullmatch(first) or TURN.search(text):
        return "protocol"
    return None


def headless_head(lines: Sequence[str], start: int) -> tuple[str | None, str | None, int]:
    """Speaker and role from the first lines of a page with no title or block, if named."""
    i = next_filled(lines, start)
    if i >= len(lines) or not looks_like_name(lines[i].strip()):
        return None, None, start
    following = lines[i + 1].strip() if i + 1 < len(lines) else ""
    if following and is_short_value(following, 120) and not is_translation_heading(following):
        return lines[i].strip(), " ".join(following.split()), i + 2
    return lines[i].strip(), None, i + 1


def page_title(lines: Sequence[str], start: int) -> Title | None:
    """The page's title; "Name (Thing)" with an unknown type, or "Name" with none, counts
    only before a block."""
    title = read_title(lines[start])
    if title is not None and vocabulary("type").key_of(title.type_label):
        return title
    block = read_block(lines, start + 1, compact=True)
    if title is None:
        return untyped_title(lines[start], block)
    return title if block.labelled else None


def parse(text: str, source: str) -> Speech:
    """A Speech from a page in the page-text form; NotASpeech for any other page."""
    lines = text.splitlines()
    start = next_filled(lines, 0)
    if start == len(lines):
        raise ParseError(source, "the page is empty")
    title = page_title(lines, start)
    block = read_block(lines, start + 1 if title else start, compact=True)
    fields, at = block.fields, block.end
    speaker = role = None
    if not block.labelled or not (title or block.fields):  # empty labels alone are no block
        if title is None and (kind := non_speech_kind(text, lines[start].strip())):
            raise NotASpeech(source, kind)
        trailing = trailing_block(lines, at)
        if trailing:
            fields, lines = trailing.fields, lines[: trailing.start]
        elif title is None and not any(is_translation_heading(line) for line in lines):
            raise NotASpeech(source, "other")
        elif title is None:
            speaker, role, at = headless_head(lines, at)
    original, translations = split_translations(lines[at:])
    return assemble(
        source,
        title,
        fields,
        _paragraphs(original),
        [_paragraphs(part) for part in translations],
        role,
        speaker,
    )


def _paragraphs(lines: Sequence[str]) -> list[str]:
    """Each non-blank line of page text is a paragraph of its own."""
    return [" ".join(line.split()) for line in lines if line.strip()]
