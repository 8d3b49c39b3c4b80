"""Deterministic speech identifiers, the same for every page variant of one speech."""

from __future__ import annotations

import hashlib
import re
import unicodedata

PREFIX = 160  # characters of normalised text that take part in the identity
NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() and "_"


def _norm(value: str) -> str:
    return NOT_ALNUM.sub("", unicodedata.normalize("NFKC", value).casefold())


def speech_id(number: int | None, speaker: str | None, text: str) -> str:
    """A 16-hex-digit id from the speech number, the speaker and the start of the text.

    Labels, page language, page URL and truncation do not take part, so the same
    speech read from any variant of its page gets the same id.

    >>> a = speech_id(19, "Stefan Löfven", "Trevligt att få ett replikskifte med…")
    >>> a == speech_id(19, "STEFAN  LÖFVEN", "Trevligt att få ett replikskifte med"), len(a)
    (True, 16)
    """
    # A short start of the text usually holds PREFIX letters and digits, and some to spare
    # (the last ones may change with the characters that follow); failing that, more.
    head = _norm(text[: 3 * PREFIX // 2])
    if len(head) <= PREFIX + 8:
        head = _norm(text[: 4 * PREFIX])
        if len(head) < PREFIX and len(text) > 4 * PREFIX:
            head = _norm(text)
    key = "\x1f".join((str(number or ""), _norm(speaker or ""), head[:PREFIX]))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
