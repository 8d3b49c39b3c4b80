"""Parsers: a page's text in, a Speech record out; one module per input form."""

from __future__ import annotations

import json

from speechld.errors import ParseError
from speechld.parse import export, pagetext
from speechld.record import Speech

__all__ = ["parse_page"]


def parse_page(text: str, source: str) -> Speech:
    """A Speech from one page's text, whatever its form; ParseError names what failed.

    Pages that are readable but not single speeches raise NotASpeech, a ParseError.
    """
    if not text.strip():
        raise ParseError(source, "the page is empty")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ParseError(source, "the text is not valid Unicode (a lone surrogate)") from error
    if holds_json_lines(text):
        raise ParseError(source, "the file holds JSON lines: name it .jsonl to read each line")
    if export.looks_like(text):
        return export.parse(text, source)
    return pagetext.parse(text, source)


def holds_json_lines(text: str) -> bool:
    """Whether a page's text is JSON lines of pages (a .jsonl file under another name).

    >>> holds_json_lines('{"url": "https://x/", "text": "..."}\\n{"url": "https://y/"}')
    True
    >>> holds_json_lines("{Anna} (Indlæg)")
    False
    """
    first = text.lstrip().partition("\n")[0]
    if not first.startswith("{"):
        return False
    try:
        line = json.loads(first)
    except ValueError:
        return False
    return isinstance(line, dict) and "text" in line
