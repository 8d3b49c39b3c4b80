"""Deterministic speech identifiers, the same for every page variant of one speech."""

from __future__ import annotations

import hashlib
import unicodedata

PREFIX = 160  # characters of normalised text that take part in the identity


def _norm(value: str) -> str:
    folded = unicodedata.normalize("NFKC", value).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def speech_id(number: int | None, speaker: str | None, text: str) -> str:
    """A 16-hex-digit id from the speech number, the speaker and the start of the text.

    Labels, page language, page URL and truncation do not take part, so the same
    speech read from any variant of its page gets the same id.

    >>> a = speech_id(19, "Stefan Löfven", "Trevligt att få ett replikskifte med…")
    >>> a == speech_id(19, "STEFAN  LÖFVEN", "Trevligt att få ett replikskifte med"), len(a)
    (True, 16)
    """
    head = _norm(text[: 4 * PREFIX])  # enough for PREFIX letters and digits in any real speech
    if len(head) < PREFIX and len(text) > 4 * PREFIX:
        head = _norm(text)
    key = "\x1f".join((str(number or ""), _norm(speaker or ""), head[:PREFIX]))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
