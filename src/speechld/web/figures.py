"""Figures of the whole dataset (counts, kinds of things, example URIs), computed once per
change of the data; queries that bind nothing, then Python for the string work the store
does slowly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pyoxigraph import NamedNode

from speechld.vocab import SLD
from speechld.web import views
from speechld.web.describe import summaries
from speechld.web.store import base, cached, get_store, last_modified

SHOWN = 50  # things of each kind listed on the home page

# What a kind of thing (the first path segment under /id/) is called in lists.
KIND_NAMES = {
    "speech": "Speeches",
    "person": "Persons",
    "group": "Party groups",
    "type": "Speech types",
    "function": "Functions",
    "sitting": "Sittings",
    "session": "Sessions",
}

TYPED = "SELECT DISTINCT ?s WHERE { ?s a ?type FILTER(isIRI(?s)) }"
# Triples are counted as the named graphs hold them (the statements of the N-Quads dump):
# de-duplicating a union of thousands of graphs would cost seconds on every change.
PROPERTIES = "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p ORDER BY ?p"
CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
EXAMPLES = f"SELECT ?s WHERE {{ ?s a <{SLD.Speech}> }} LIMIT 3"


@dataclass(frozen=True)
class Kind:
    """A kind of thing in the dataset, and how many there are."""

    key: str
    name: str
    count: int


Named = list[tuple[views.Value, str | None]]  # a link's shown value, and its date


@dataclass(frozen=True)
class Statistics:
    """The dataset's figures, as VoID states them."""

    triples: int
    classes: tuple[tuple[str, int], ...]  # class IRI, entities
    properties: tuple[tuple[str, int], ...]  # property IRI, triples
    modified: datetime | None  # when the data counted was committed


@dataclass(frozen=True)
class Catalogue:
    """The typed things under {base}id/: how many, each kind's in URI order, examples,
    and the first of each kind with their names (for the home page)."""

    entities: int
    kinds: dict[str, tuple[str, ...]]
    examples: tuple[str, ...]
    named: dict[str, Named]  # "examples" and each kind's first SHOWN things


def kind_of(uri: str, prefix: str) -> str | None:
    """The kind of a thing `{prefix}{kind}/{key}`; None for parts, schemes and the like.

    >>> kind_of("http://x/id/person/ann", "http://x/id/"), kind_of("http://x/id/type/", "http://x/id/")
    ('person', None)
    """
    kind, slash, key = uri[len(prefix) :].partition("/")
    return kind if slash and key and "/" not in key and "#" not in uri else None


def kind_order(key: str) -> tuple[int, str]:
    """Known kinds first, in their usual order, then the others by name."""
    known = list(KIND_NAMES)
    return (known.index(key) if key in known else len(known), key)


def named(uris: Sequence[str]) -> Named:
    """Resources with their names and dates, for a list of links."""
    index = views.Index.of(summaries(get_store(), [NamedNode(u) for u in uris], dated=True))
    return [(index.value(NamedNode(u)), index.date(u)) for u in uris]


def catalogue() -> Catalogue:
    """The things of the dataset, by kind (counted once per change of the data)."""
    prefix = base() + "id/"

    def compute() -> Catalogue:
        store = get_store()
        uris = sorted(
            u for row in store.select(TYPED) if (u := str(row["s"].value)).startswith(prefix)
        )
        by_kind: dict[str, list[str]] = {}
        for uri in uris:
            if kind := kind_of(uri, prefix):
                by_kind.setdefault(kind, []).append(uri)
        examples = tuple(str(row["s"].value) for row in store.select(EXAMPLES))
        shown = {k: named(v[:SHOWN]) for k, v in by_kind.items() if k != "speech"}
        return Catalogue(
            len(uris),
            {k: tuple(v) for k, v in by_kind.items()},
            examples,
            shown | {"examples": named(examples)},
        )

    return cached("catalogue", compute)


def kinds() -> list[Kind]:
    """Every kind of thing under /id/ with its count."""
    found = catalogue().kinds
    return [
        Kind(k, KIND_NAMES.get(k, k.capitalize()), len(found[k]))
        for k in sorted(found, key=kind_order)
    ]


def members(kind: str) -> tuple[str, ...]:
    """The URIs of every thing of a kind, in URI order."""
    return catalogue().kinds.get(kind, ())


def statistics() -> Statistics:
    """The dataset's figures for VoID and the home page (counted once per change)."""

    def compute() -> Statistics:
        store = get_store()
        properties = tuple((str(r["p"].value), int(r["n"].value)) for r in store.select(PROPERTIES))
        classes = tuple((str(r["c"].value), int(r["n"].value)) for r in store.select(CLASSES))
        return Statistics(sum(n for _, n in properties), classes, properties, last_modified())

    return cached("statistics", compute)
