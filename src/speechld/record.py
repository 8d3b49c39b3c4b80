"""The Speech record: the one model shared by parsers, mapper and everything downstream."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Translation:
    """A translation of a speech's text, as published under a translation heading."""

    language: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        """The translation as one string, paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True, slots=True)
class Speech:
    """One plenary speech as read from a source page; no RDF, no I/O."""

    id: str
    source: str
    number: int | None
    speaker: str | None
    type_label: str | None
    role: str | None
    # When: a datetime (local, no time zone) if the page gives the time, else a date.
    date: datetime | date | None
    language: str
    paragraphs: tuple[str, ...]
    # Keys (skos:notation) of the concepts in ontology/types.ttl, groups.ttl, functions.ttl.
    type: str | None = None
    party_group: str | None = None
    function: str | None = None
    # The title's type key, when it differs from the type field's (the field wins).
    type_conflict: str | None = None
    # The language of type_label, when the type scheme's labels tell it; else None.
    type_label_language: str | None = None
    translations: tuple[Translation, ...] = ()
    external_speaker: bool = False
    # The state of the record as the page gives it ("Waiting for transcription"), if it does.
    status: str | None = None

    @property
    def text(self) -> str:
        """The speech's own text, paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)
