"""Parsers: a page's text in, a Speech record out; one module per input form."""

from __future__ import annotations

import json
import re

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
    text = without_controls(text)
    if holds_json_lines(text):
        raise ParseError(source, "the file holds JSON lines: name it .jsonl to read each line")
    if HTML_START.match(text):
        raise ParseError(source, "an HTML page: speechld reads a page's text or its export")
    if export.looks_like(text):
        return export.parse(text, source)
    return pagetext.parse(text, source)


# The start of an HTML document: a page saved from the browser rather than its text.
HTML_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.S)


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


# Characters no speech means, most of which XML 1.0 cannot carry even escaped: C0 controls
# but tab and line ends, DEL, C1 controls and the non-characters U+FFFE and U+FFFF. The
# controls that str.splitlines reads as line ends (vertical tab, form feed, file, group
# and record separators, next line) become plain ones, so the page's lines stay as they were.
# Also the bidirectional embeddings, overrides and isolates (U+202A-E, U+2066-9): unpaired
# in a name, they turn the text after it around wherever it is shown.
_CONTROLS = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)
_LINE_ENDS = re.compile("[\x0b\x0c\x1c-\x1e\x85]")
_EITHER = re.compile(f"{_CONTROLS.pattern}|{_LINE_ENDS.pattern}")


def without_controls(text: str) -> str:
    r"""A page's text without the control characters that XML formats cannot carry, nor
    the bidirectional ones that reorder what is shown after them.

    >>> without_controls("Tak\x01 for ordet\x0bNæste")
    'Tak for ordet\nNæste'
    """
    # The usual case, printable characters and line feeds alone (every character removed
    # here is unprintable), is told by one scan in C; then one regex scan, not two.
    if text.replace("\n", " ").isprintable() or _EITHER.search(text) is None:
        return text
    return _LINE_ENDS.sub("\n", _CONTROLS.sub("", text))
