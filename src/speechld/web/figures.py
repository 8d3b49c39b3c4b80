"""Figures of the whole dataset (counts, kinds of things, example URIs), computed once per
change of the data; queries that bind nothing, then Python for the string work the store
does slowly."""

from __future__ import annotations

import fcntl
import hashlib
import json
import mmap
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import datetime
from itertools import accumulate
from pathlib import Path
from typing import overload

from flask import current_app
from pyoxigraph import Literal, NamedNode
from rdflib.namespace import DCTERMS

from speechld.child import in_child
from speechld.dump import write_file
from speechld.store import GraphStore, is_remote, open_store
from speechld.store.base import GRAPH_PATH
from speechld.vocab import SLD
from speechld.web import views
from speechld.web.describe import LISTED, NAMED, summaries
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

# Kinds whose lists hold only the things of one class: the party group scheme also has a
# status (non-attached) that is no party group, and `speechld stats` does not count it.
KIND_CLASSES = {"group": str(SLD.PartyGroup)}

# The typed things under the prefix: filtered by the store, which at a million speeches
# also holds two million typed graphs and ingest activities (6 s and 280 MB spared).
TYPED = "SELECT DISTINCT ?s WHERE {{ ?s a ?type FILTER(STRSTARTS(STR(?s), {prefix})) }}"
OF_CLASS = "SELECT DISTINCT ?s WHERE {{ ?s a <{cls}> }}"
# Triples are counted as the named graphs hold them (the statements of the N-Quads dump):
# de-duplicating a union of thousands of graphs would cost seconds on every change.
PROPERTIES = (
    "SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {only} }} GROUP BY ?p ORDER BY ?p"
)
CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where} }} GROUP BY ?c ORDER BY ?c"
EXAMPLES = "SELECT DISTINCT ?s WHERE {{ {where} }} LIMIT 3"
DATED_COUNT = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where} }}"
LANGUAGES = "SELECT DISTINCT ?language WHERE {{ {where} }} ORDER BY ?language"
# A remote store may hold other graphs than ours (Virtuoso's own): there the patterns are
# limited to the graphs under {base}graph/. An embedded store holds ours alone, and is
# spared the filter on every quad.
OURS = "FILTER(STRSTARTS(STR(?g), {prefix}))"


@dataclass(frozen=True)
class Kind:
    """A kind of thing in the dataset, and how many there are."""

    key: str
    name: str
    count: int


Named = list[tuple[views.Value, str | None]]  # a link's shown value, and its number and date


@dataclass(frozen=True)
class Statistics:
    """The dataset's figures, as VoID states them."""

    triples: int
    classes: tuple[tuple[str, int], ...]  # class IRI, entities
    properties: tuple[tuple[str, int], ...]  # property IRI, triples
    modified: datetime | None  # when the data counted was committed
    dated: int = 0  # speeches with a sitting (a day)
    languages: tuple[str, ...] = ()  # the languages of texts and translations, as IRIs


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
    """Resources with their names (a speech's as its page heads it) and what tells them
    apart (a speech's number and date), for a list of links."""
    store = get_store()
    found = summaries(store, [NamedNode(u) for u in uris], LISTED)
    linked = {
        o for t in found if t.predicate.value in NAMED and isinstance(o := t.object, NamedNode)
    }
    index = views.Index.of(found + summaries(store, linked))  # with speakers' and types' names
    return [(index.value(NamedNode(u)), index.detail(u)) for u in uris]


class Members(Sequence[str]):
    """The URIs of one kind in URI order, as one buffer: their number, the end offset of
    each key (the URI after the kind's prefix, UTF-8) and the keys. In bytes, or in a file
    that every server process maps: a million URIs take 24 MB, not hundreds.

    >>> m = Members.of("http://x/id/person/", ["http://x/id/person/a", "http://x/id/person/bø"])
    >>> len(m), m[1], list(m[0:5])
    (2, 'http://x/id/person/bø', ['http://x/id/person/a', 'http://x/id/person/bø'])
    """

    def __init__(self, prefix: str, buffer: bytes | mmap.mmap) -> None:
        view = memoryview(buffer)
        number = int.from_bytes(view[:8], sys.byteorder)
        keys = 8 + 8 * number
        if len(view) < keys:
            raise ValueError(f"members of {prefix}: {len(view)} bytes cannot hold {number}")
        self._prefix = prefix
        self._buffer = buffer
        self._ends = view[8:keys].cast("Q")
        self._keys = view[keys:]
        if number and self._ends[-1] != len(self._keys):
            raise ValueError(f"members of {prefix}: the keys do not end where the offsets say")

    @classmethod
    def of(cls, prefix: str, uris: Sequence[str]) -> Members:
        """The members of these URIs, all under prefix, in memory."""
        start = len(prefix)  # no list of the keys: a million of them would take 100 MB
        sizes = (len(u) - start if u.isascii() else len(u[start:].encode()) for u in uris)
        ends = array("Q", accumulate(sizes))
        keys = "".join(u[start:] for u in uris).encode("utf-8")
        count = len(ends).to_bytes(8, sys.byteorder)  # native order, as the offsets
        return cls(prefix, count + ends.tobytes() + keys)

    @classmethod
    def mapped(cls, prefix: str, path: Path) -> Members:
        """The members in a file that save() wrote, mapped read-only (shared between processes)."""
        with path.open("rb") as file:
            return cls(prefix, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))

    @property
    def prefix(self) -> str:
        """What every member's URI starts with."""
        return self._prefix

    @property
    def buffer(self) -> bytes | mmap.mmap:
        """What the members are made of, as mapped() reads it from a file."""
        return self._buffer

    def __reduce__(self) -> tuple[type[Members], tuple[str, bytes]]:
        return Members, (self._prefix, bytes(self._buffer))

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
        return self._prefix + str(self._keys[start : self._ends[index]], "utf-8")


@dataclass(frozen=True)
class Counts:
    """What counting the whole dataset gives: the catalogue's lists and the statistics."""

    entities: int
    kinds: dict[str, Members]
    examples: tuple[str, ...]
    triples: int
    classes: tuple[tuple[str, int], ...]
    properties: tuple[tuple[str, int], ...]
    dated: int  # speeches with a sitting (a day)
    languages: tuple[str, ...]  # the languages of texts and translations, as IRIs


def only(graphs: str | None) -> str:
    """A filter keeping a graph ?g whose name starts with graphs (None: any graph)."""
    return "" if graphs is None else OURS.format(prefix=Literal(graphs))


def scoped(pattern: str, graphs: str | None) -> str:
    """A pattern over the union graph, or within the named graphs under a prefix only.

    >>> scoped("?s a ?c", "http://x/graph/")
    'GRAPH ?g { ?s a ?c } FILTER(STRSTARTS(STR(?g), "http://x/graph/"))'
    """
    return pattern if graphs is None else f"GRAPH ?g {{ {pattern} }} {only(graphs)}"


def count(store: GraphStore, prefix: str) -> Counts:
    """Count the dataset: every query over all of it that the figures need."""
    graphs = None if store.union_default_graph else prefix.removesuffix("id/") + GRAPH_PATH
    properties_query = PROPERTIES.format(only=only(graphs))
    classes_query = CLASSES.format(where=scoped("?s a ?c", graphs))
    examples_query = EXAMPLES.format(where=scoped(f"?s a <{SLD.Speech}>", graphs))
    dated_query = DATED_COUNT.format(where=scoped(f"?s <{SLD.sitting}> ?day", graphs))
    # Within GRAPH ?g, not over the union: the union's DISTINCT took 13 s at a million
    # speeches, against 0.4 s.
    languages = f"GRAPH ?g {{ ?s <{DCTERMS.language}> ?language }} {only(graphs)}"
    languages_query = LANGUAGES.format(where=languages)
    rows = store.select(TYPED.format(prefix=Literal(prefix)))
    uris = sorted(str(row["s"].value) for row in rows)
    by_kind: dict[str, list[str]] = {}
    for uri in uris:
        if kind := kind_of(uri, prefix):
            by_kind.setdefault(kind, []).append(uri)
    for kind, cls in KIND_CLASSES.items():
        if kind in by_kind:
            typed = {str(row["s"].value) for row in store.select(OF_CLASS.format(cls=cls))}
            by_kind[kind] = [u for u in by_kind[kind] if u in typed]
    by_kind = {kind: found for kind, found in by_kind.items() if found}
    properties = tuple(
        (str(r["p"].value), int(r["n"].value)) for r in store.select(properties_query)
    )
    return Counts(
        len(uris),
        {k: Members.of(f"{prefix}{k}/", v) for k, v in by_kind.items()},
        tuple(str(row["s"].value) for row in store.select(examples_query)),
        sum(n for _, n in properties),
        tuple((str(r["c"].value), int(r["n"].value)) for r in store.select(classes_query)),
        properties,
        int(next(iter(store.select(dated_query)))["n"].value),
        tuple(str(row["language"].value) for row in store.select(languages_query)),
    )


def save(counts: Counts, path: Path) -> None:
    """Write the counts to a JSON file and each kind's members to a file beside it, the JSON
    last: once it is there, the whole set is (see load)."""
    fields = {f.name: getattr(counts, f.name) for f in dataclass_fields(counts)}
    fields["kinds"] = {}
    for kind, members in counts.kinds.items():
        write_file([bytes(members.buffer)], members_path(path, kind))  # mapped: the old stays
        fields["kinds"][kind] = members.prefix
    write_file([json.dumps(fields).encode("utf-8")], path)


def load(path: Path) -> Counts:
    """The counts that save() wrote, each kind's members mapped from its file."""
    fields = json.loads(path.read_text(encoding="utf-8"))
    return Counts(
        fields["entities"],
        {k: Members.mapped(prefix, members_path(path, k)) for k, prefix in fields["kinds"].items()},
        tuple(fields["examples"]),
        fields["triples"],
        tuple((c, n) for c, n in fields["classes"]),
        tuple((p, n) for p, n in fields["properties"]),
        fields["dated"],
        tuple(fields["languages"]),
    )


def members_path(path: Path, kind: str) -> Path:
    """The file of one kind's members beside the counts' JSON file."""
    return path.with_name(f"{path.stem}.{kind}.members")


def _count_apart(location: str, prefix: str) -> Counts:
    """count() on the store opened anew: what runs in a child process."""
    store = open_store(location, read_only=True)
    try:
        return count(store, prefix)
    finally:
        store.close()


def _save_apart(location: str, prefix: str, path: Path) -> None:
    """Count the store opened anew and save the counts to path."""
    save(_count_apart(location, prefix), path)


def _count_shared(directory: Path, stamp: float, location: str, prefix: str) -> Counts:
    """The counts of one version of an on-disk store, made by one server process (under a
    lock) into files beside the store's data, which every server process maps."""
    key = hashlib.sha256(prefix.encode("utf-8")).hexdigest()[:8]
    stem = f"{stamp:.6f}-{key}"
    path = directory / f"{stem}.json"
    directory.mkdir(exist_ok=True)
    with (directory / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process counting: wait for its files
        if path.is_file():
            try:
                return load(path)
            except (OSError, ValueError, KeyError, TypeError):  # damaged, or of another release
                pass
        in_child(_save_apart, location, prefix, path)
        for old in directory.iterdir():
            if old.name != ".lock" and not old.name.startswith(stem + "."):  # partial files too
                old.unlink(missing_ok=True)
        return load(path)


def _count_now() -> Counts:
    """Count the dataset now: apart from the web process where the store can be opened
    again (on disk or remote), once for all the server's processes where it is on disk."""
    prefix = base() + "id/"
    location = current_app.config["STORE"]
    if not isinstance(location, str) or location == ":memory:":
        return count(get_store(), prefix)
    stamp = generation()
    if stamp is None or is_remote(location):
        return in_child(_count_apart, location, prefix)
    try:
        return _count_shared(Path(location) / FIGURES, stamp, location, prefix)
    except OSError:  # a store directory the server may not write to: count alone
        return in_child(_count_apart, location, prefix)


def figures() -> tuple[Catalogue, Statistics]:
    """The catalogue and the statistics, counted together once per change of the data."""

    def compute() -> tuple[Catalogue, Statistics]:
        modified = last_modified()  # of the data counted: a commit during the count is later
        found = _count_now()
        shown = {k: named(v[:SHOWN]) for k, v in found.kinds.items() if k != "speech"}
        things = Catalogue(
            found.entities,
            found.kinds,
            found.examples,
            shown | {"examples": named(found.examples)},
        )
        return things, Statistics(
            found.triples, found.classes, found.properties, modified, found.dated, found.languages
        )

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
