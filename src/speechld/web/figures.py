"""Figures of the whole dataset (counts, kinds of things, example URIs), computed once per
change of the data; queries that bind nothing, then Python for the string work the store
does slowly."""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import multiprocessing
import os
from array import array
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import datetime
from itertools import accumulate
from pathlib import Path
from typing import Any, overload

from flask import current_app
from pyoxigraph import NamedNode

from speechld.store import GraphStore, is_remote, open_store
from speechld.vocab import SLD
from speechld.web import views
from speechld.web.describe import summaries
from speechld.web.store import base, cached, generation, get_store, last_modified

SHOWN = 50  # things of each kind listed on the home page
FIGURES = "figures"  # directory of an on-disk store where its counts are kept

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
    kinds: dict[str, Members]
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


class Members(Sequence[str]):
    """The URIs of one kind in URI order, held as one string and offsets: a million URIs
    take tens of MB this way, not the hundreds a list of strings would.

    >>> m = Members("http://x/id/person/", ["http://x/id/person/a", "http://x/id/person/bo"])
    >>> len(m), m[1], list(m[0:5])
    (2, 'http://x/id/person/bo', ['http://x/id/person/a', 'http://x/id/person/bo'])
    """

    def __init__(self, prefix: str, uris: Sequence[str]) -> None:
        self._prefix = prefix
        self._keys = "".join(u[len(prefix) :] for u in uris)
        self._ends = array("Q", accumulate(len(u) - len(prefix) for u in uris))

    def parts(self) -> dict[str, object]:
        """What the members are made of, as JSON values (see from_parts)."""
        ends = base64.b64encode(self._ends.tobytes()).decode("ascii")
        return {"prefix": self._prefix, "keys": self._keys, "ends": ends}

    @classmethod
    def from_parts(cls, parts: dict[str, Any]) -> Members:
        """The members that parts() gave."""
        members = cls(str(parts["prefix"]), [])
        members._keys = str(parts["keys"])
        members._ends = array("Q", base64.b64decode(parts["ends"]))
        return members

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        start = self._ends[index - 1] if index else 0
        return self._prefix + self._keys[start : self._ends[index]]


@dataclass(frozen=True)
class Counts:
    """What counting the whole dataset gives: the catalogue's lists and the statistics."""

    entities: int
    kinds: dict[str, Members]
    examples: tuple[str, ...]
    triples: int
    classes: tuple[tuple[str, int], ...]
    properties: tuple[tuple[str, int], ...]


def count(store: GraphStore, prefix: str) -> Counts:
    """Count the dataset: every query over all of it that the figures need."""
    uris = sorted(u for row in store.select(TYPED) if (u := str(row["s"].value)).startswith(prefix))
    by_kind: dict[str, list[str]] = {}
    for uri in uris:
        if kind := kind_of(uri, prefix):
            by_kind.setdefault(kind, []).append(uri)
    properties = tuple((str(r["p"].value), int(r["n"].value)) for r in store.select(PROPERTIES))
    return Counts(
        len(uris),
        {k: Members(f"{prefix}{k}/", v) for k, v in by_kind.items()},
        tuple(str(row["s"].value) for row in store.select(EXAMPLES)),
        sum(n for _, n in properties),
        tuple((str(r["c"].value), int(r["n"].value)) for r in store.select(CLASSES)),
        properties,
    )


def to_json(counts: Counts) -> str:
    """The counts as a JSON document (see from_json)."""
    fields = {f.name: getattr(counts, f.name) for f in dataclass_fields(counts)}
    fields["kinds"] = {k: m.parts() for k, m in counts.kinds.items()}
    return json.dumps(fields)


def from_json(text: str) -> Counts:
    """The counts that to_json() wrote."""
    fields = json.loads(text)
    return Counts(
        fields["entities"],
        {k: Members.from_parts(parts) for k, parts in fields["kinds"].items()},
        tuple(fields["examples"]),
        fields["triples"],
        tuple((c, n) for c, n in fields["classes"]),
        tuple((p, n) for p, n in fields["properties"]),
    )


def _count_apart(location: str, prefix: str) -> Counts:
    """count() in a process of its own: what _count_in_child() runs."""
    store = open_store(location, read_only=True)
    try:
        return count(store, prefix)
    finally:
        store.close()


def _count_in_child(location: str, prefix: str) -> Counts:
    """count() in a short-lived process, whose peak memory is given back when it ends."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(_count_apart, location, prefix).result()


def _count_shared(directory: Path, stamp: float, location: str, prefix: str) -> Counts:
    """The counts of one version of an on-disk store, made by one server process (under a
    lock) and read by the others from a file beside the store's data."""
    key = hashlib.sha256(prefix.encode("utf-8")).hexdigest()[:8]
    path = directory / f"{stamp:.6f}-{key}.json"
    directory.mkdir(exist_ok=True)
    with (directory / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process counting: wait for its file
        if path.is_file():
            try:
                return from_json(path.read_text(encoding="utf-8"))
            except (ValueError, KeyError, TypeError):  # damaged, or of another release
                pass
        counts = _count_in_child(location, prefix)
        partial = path.with_suffix(".part")
        partial.write_text(to_json(counts), encoding="utf-8")
        os.replace(partial, path)
        for old in directory.glob("*.json"):
            if old != path:
                old.unlink(missing_ok=True)
    return counts


def _count_now() -> Counts:
    """Count the dataset now: apart from the web process where the store can be opened
    again (on disk or remote), once for all the server's processes where it is on disk."""
    prefix = base() + "id/"
    location = current_app.config["STORE"]
    if not isinstance(location, str) or location == ":memory:":
        return count(get_store(), prefix)
    stamp = generation()
    if stamp is None or is_remote(location):
        return _count_in_child(location, prefix)
    try:
        return _count_shared(Path(location) / FIGURES, stamp, location, prefix)
    except OSError:  # a store directory the server may not write to: count alone
        return _count_in_child(location, prefix)


def figures() -> tuple[Catalogue, Statistics]:
    """The catalogue and the statistics, counted together once per change of the data."""

    def compute() -> tuple[Catalogue, Statistics]:
        found = _count_now()
        shown = {k: named(v[:SHOWN]) for k, v in found.kinds.items() if k != "speech"}
        things = Catalogue(
            found.entities,
            found.kinds,
            found.examples,
            shown | {"examples": named(found.examples)},
        )
        return things, Statistics(found.triples, found.classes, found.properties, last_modified())

    return cached("figures", compute)


def catalogue() -> Catalogue:
    """The things of the dataset, by kind."""
    return figures()[0]


def kinds() -> list[Kind]:
    """Every kind of thing under /id/ with its count."""
    found = catalogue().kinds
    return [
        Kind(k, KIND_NAMES.get(k, k.capitalize()), len(found[k]))
        for k in sorted(found, key=kind_order)
    ]


def members(kind: str) -> Sequence[str]:
    """The URIs of every thing of a kind, in URI order."""
    return catalogue().kinds.get(kind, ())


def statistics() -> Statistics:
    """The dataset's figures for VoID and the home page."""
    return figures()[1]
