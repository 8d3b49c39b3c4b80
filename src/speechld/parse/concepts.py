"""The SKOS vocabularies of ontology/ (speech types, party groups, functions) as lookup tables."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

SKOS = "http://www.w3.org/2004/02/skos/core#"
LABELS = (f"{SKOS}prefLabel", f"{SKOS}altLabel", f"{SKOS}hiddenLabel")
# The vocabularies' IRIs are relative; any base resolves them for reading the labels.
READING_BASE = "http://speechld.invalid/"
FILES = {"type": "types.ttl", "group": "groups.ttl", "function": "functions.ttl"}
_ARTICLE = re.compile(r"^(?:den|det|the)\s+")


def normalise(label: str) -> str:
    """A label folded for lookup: case, spacing and a trailing colon do not count.

    >>> normalise("  Svar  på Replik: ")
    'svar på replik'
    """
    return " ".join(label.casefold().split()).rstrip(":").strip()


@dataclass(frozen=True)
class Vocabulary:
    """One concept scheme: its keys (skos:notation) and every label of every concept."""

    name: str
    keys: tuple[str, ...]
    labels: Mapping[str, str]
    # The language tags of every label, by its normalised form ("replik": da and sv).
    languages: Mapping[str, frozenset[str]]

    def key_of(self, label: str | None) -> str | None:
        """The key of the concept a label names, or None.

        >>> vocabulary("type").key_of("Huvudinlägg"), vocabulary("type").key_of("Erindi")
        ('main-speech', 'speech')
        """
        return self.labels.get(normalise(label)) if label else None

    def language_of(self, label: str | None) -> str | None:
        """The language of a label of the scheme, or None when it is not one or when several
        languages share it (Replik is Danish and Swedish: which one a page meant is unknown).

        >>> types = vocabulary("type")
        >>> types.language_of("Hovedindlæg"), types.language_of("Replik"), types.language_of("x")
        ('da', None, None)
        """
        languages = self.languages.get(normalise(label), frozenset()) if label else frozenset()
        return next(iter(languages)) if len(languages) == 1 else None

    def phrases(self) -> list[tuple[str, str]]:
        """(label, key) pairs for finding labels inside a longer text, longest first.

        A leading article ("Den", "the") is dropped: "Den Konservative Gruppe" is
        found in "Konservative Gruppes talsperson" too.
        """
        found = {_ARTICLE.sub("", label): key for label, key in self.labels.items()}
        return sorted(found.items(), key=lambda item: (-len(item[0]), item[0]))


def read_vocabulary(name: str, turtle: bytes) -> Vocabulary:
    """A Vocabulary from the Turtle text of a concept scheme; conflicting labels are an error."""
    from pyoxigraph import RdfFormat, parse

    scheme = f"{READING_BASE}id/{name}/"
    notation: dict[str, str] = {}
    labels: dict[str, list[tuple[str, str]]] = {}
    in_scheme: set[str] = set()
    for triple in parse(turtle, format=RdfFormat.TURTLE, base_iri=READING_BASE):
        subject, predicate = triple.subject.value, triple.predicate.value
        if predicate == f"{SKOS}notation":
            notation[subject] = triple.object.value
        elif predicate in LABELS:
            label = triple.object
            language = getattr(label, "language", None) or ""
            labels.setdefault(subject, []).append((label.value, language))
        elif predicate == f"{SKOS}inScheme" and triple.object.value == scheme:
            in_scheme.add(subject)
    table: dict[str, str] = {}
    languages: dict[str, set[str]] = {}
    for concept in sorted(in_scheme):
        key = notation.get(concept)
        if key is None:
            raise ValueError(f"{name} vocabulary: {concept} has no skos:notation")
        for label, language in labels.get(concept, []):
            other = table.setdefault(normalise(label), key)
            if other != key:
                raise ValueError(f"{name} vocabulary: label {label!r} names {other} and {key}")
            if language:
                languages.setdefault(normalise(label), set()).add(language.lower())
    keys = tuple(notation[c] for c in sorted(in_scheme))
    return Vocabulary(name, keys, table, {k: frozenset(v) for k, v in languages.items()})


@cache
def vocabulary(name: str) -> Vocabulary:
    """The named vocabulary ('type', 'group' or 'function'), read once per process."""
    turtle = files("speechld.ontology").joinpath(FILES[name]).read_bytes()
    return read_vocabulary(name, turtle)
