"""Parsers: a page's text in, a Speech record out; one module per input form."""

from __future__ import annotations

from speechld.errors import ParseError
from speechld.parse import export
from speechld.record import Speech


def parse_page(text: str, source: str) -> Speech:
    """A Speech from one page's text, whatever its form; ParseError names what failed."""
    if not text.strip():
        raise ParseError(source, "the page is empty")
    if export.looks_like(text):
        return export.parse(text, source)
    raise ParseError(source, "the page is in no form speechld reads")
