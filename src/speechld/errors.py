"""The one error hierarchy of speechld: every failure a user can act on."""

from __future__ import annotations

import os


class SpeechldError(Exception):
    """Base of every error speechld raises on purpose."""


def shown(name: str) -> str:
    r"""A file name or argument as it can be printed: bytes that were not UTF-8 as escapes.

    >>> shown("odd/bad\udcff.txt"), shown("Sigfússon.txt"), shown("lone\ud800")
    ('odd/bad\\xff.txt', 'Sigfússon.txt', 'lone\\ud800')
    """
    try:
        return os.fsencode(name).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file name has: from text, not the system
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


class ParseError(SpeechldError):
    """A page could not be read as a speech; the message names the input and the cause."""

    def __init__(self, source: str, cause: str) -> None:
        super().__init__(f"{shown(source)}: {cause}")
        self.source = source
        self.cause = cause

    def __reduce__(self) -> tuple[type[ParseError], tuple[str, str]]:
        """Pickle by the constructor's arguments, so errors cross process boundaries."""
        return type(self), (self.source, self.cause)


class NotASpeech(ParseError):
    """A readable page that is not a single speech (a protocol, an agenda, another page)."""

    def __init__(self, source: str, kind: str) -> None:
        super().__init__(source, f"not a speech page (looks like: {kind})")
        self.kind = kind

    def __reduce__(self) -> tuple[type[NotASpeech], tuple[str, str]]:
        """Pickle by the constructor's arguments, so errors cross process boundaries."""
        return type(self), (self.source, self.kind)


class StoreError(SpeechldError):
    """The graph store could not be opened, read or written."""


class WriteRefused(StoreError):
    """The store answered a write with an error about what was sent (too large, say), not
    about itself: the pages sent alone tell which of them it refuses."""


class OutputError(SpeechldError, OSError):
    """A file or stream could not be written; the message names it and the cause."""


class QueryError(SpeechldError):
    """A SPARQL query is malformed or cannot be answered."""


class QueryRefused(QueryError):
    """A query asks for something this endpoint does not allow (an update, a SERVICE call)."""


class ServiceFailed(SpeechldError):
    """A query's SERVICE call failed: the other endpoint, not this store, did not answer."""


class QueryTimeout(SpeechldError):
    """A query ran past its time limit and was stopped."""


class Overloaded(SpeechldError):
    """Every query worker stayed busy for as long as a request may wait."""
