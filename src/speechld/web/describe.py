"""What a resource's document holds, read from the store's indexes and a few small queries.

The resource's own triples and its inverse links are pattern reads; each query binds its
subjects (SELECT DISTINCT over bound patterns): the store answers those from its indexes
in a fraction of a millisecond, where joins over the union of thousands of named graphs
would cost far more.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, Triple
from rdflib import RDF, RDFS
from rdflib.namespace import DCTERMS, FOAF, SKOS

from speechld.store import GraphStore
from speechld.vocab import SLD

# The properties that name or type a linked resource: copied into the document so a
# client can show every link without another request. Inverse links also bring their
# subject's date: lists of speeches read best in time order.
SUMMARY = (RDF.type, RDFS.label, SKOS.prefLabel, FOAF.name, DCTERMS.title)
_SUMMARY = ", ".join(f"<{p}>" for p in SUMMARY)
_DATED = f"{_SUMMARY}, <{SLD.dateTime}>"
DATE = str(SLD.dateTime)

# (A second VALUES for ?p would make the store scan every triple of those properties.)
SUMMARIES = """SELECT DISTINCT ?s ?p ?o WHERE {{
  VALUES ?s {{ {subjects} }} ?s ?p ?o FILTER(?p IN ({summary}))
}}"""
PARTS = "SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {subjects} }} ?s ?p ?o }}"
BLANKS = "SELECT DISTINCT ?s ?p ?o WHERE {{ {uri} ?link ?s FILTER(isBlank(?s)) ?s ?p ?o }}"
COUNT = """SELECT (COUNT(*) AS ?n) WHERE {{
  SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {uri} FILTER(?s != {uri}) }}
}}"""


@dataclass(frozen=True)
class Description:
    """A resource's document: its triples, and which page of its inverse links they hold."""

    uri: str
    triples: list[Triple]
    inverse: list[tuple[NamedNode | BlankNode, NamedNode]]  # (subject, property) on this page
    page: int
    more: bool  # whether a next page of inverse links exists

    @property
    def found(self) -> bool:
        """Whether the store knows anything of the resource (on this page)."""
        return bool(self.triples)


def node(uri: str) -> NamedNode:
    """The IRI as a SPARQL-safe term; ValueError if it is not a valid IRI."""
    return NamedNode(uri)


def _triples(rows: QuerySolutions) -> list[Triple]:
    return [Triple(row["s"], row["p"], row["o"]) for row in rows]


def is_part(uri: str, of: str) -> bool:
    """Whether a URI names a part of a resource (`{uri}/...` or `{uri}#...`), described with it.

    >>> is_part("http://x/id/speech/1/translation/sv", "http://x/id/speech/1")
    True
    >>> is_part("http://x/id/speech/12", "http://x/id/speech/1")
    False
    """
    return uri.startswith((of + "/", of + "#"))


class Summaries:
    """Names, types and dates of resources, kept for one version of the data (bounded).

    Speeches link to few persons, groups and types; keeping their summaries spares a
    query on most dereferences.
    """

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self.version: object = None
        self.entries: OrderedDict[NamedNode, list[Triple]] = OrderedDict()
        self.lock = threading.Lock()

    def get(
        self, store: GraphStore, subjects: Iterable[NamedNode], version: object
    ) -> list[Triple]:
        """The summaries of the subjects, from the store where not kept yet."""
        found: list[Triple] = []
        missing: list[NamedNode] = []
        with self.lock:
            if version != self.version:
                self.entries.clear()
                self.version = version
            for subject in subjects:
                kept = self.entries.get(subject)
                if kept is None:
                    missing.append(subject)
                else:
                    self.entries.move_to_end(subject)
                    found += kept
        if missing:
            fetched: dict[NamedNode, list[Triple]] = {s: [] for s in missing}
            for t in summaries(store, missing, dated=True):
                fetched[t.subject].append(t)  # type: ignore[index]
            found += [t for ts in fetched.values() for t in ts]
            with self.lock:
                if version == self.version:
                    self.entries.update(fetched)
                    while len(self.entries) > self.size:
                        self.entries.popitem(last=False)
        return found


def describe(
    store: GraphStore,
    uri: str,
    page: int = 1,
    size: int = 100,
    kept: tuple[Summaries, object] | None = None,
) -> Description:
    """The resource's own triples, its parts, the names and types of what it links to,
    and a page of inverse links with the names, types and dates of their subjects
    (summaries taken from `kept`, a cache and the data's version, where given)."""
    term = node(uri)
    own = store.triples(term)
    triples = list(own)
    # Pages of inverse links follow the store's own order, stable while its data is: an
    # ORDER BY would sort every link of a resource (thousands for a type) to answer one page.
    links = store.triples(object=term, limit=size + 1, offset=(page - 1) * size)
    inverse = [
        (t.subject, t.predicate)
        for t in links
        if isinstance(t.subject, NamedNode | BlankNode) and t.subject != term
    ]
    more = len(inverse) > size
    inverse = inverse[:size]
    linked = {t.object for t in triples if isinstance(t.object, NamedNode)}
    parts = {o for o in linked if is_part(o.value, uri)}
    subjects = {s for s, _ in inverse if isinstance(s, NamedNode)}
    wanted = (linked - parts) | subjects
    if kept is not None:
        triples += kept[0].get(store, wanted, kept[1])
    else:
        triples += summaries(store, wanted, dated=True)
    if parts:
        values = " ".join(sorted(map(str, parts)))
        triples += _triples(store.select(PARTS.format(subjects=values)))
    if any(isinstance(t.object, BlankNode) for t in own):
        triples += _triples(store.select(BLANKS.format(uri=term)))
    inverse = in_order(inverse, triples)
    triples += [Triple(s, p, term) for s, p in inverse]
    return Description(uri, list(dict.fromkeys(triples)), inverse, page, more)


def in_order(
    inverse: list[tuple[NamedNode | BlankNode, NamedNode]], triples: list[Triple]
) -> list[tuple[NamedNode | BlankNode, NamedNode]]:
    """A page of inverse links in reading order: by property, latest first, then by URI."""
    dates = {
        t.subject: t.object.value
        for t in triples
        if t.predicate.value == DATE and isinstance(t.object, Literal)
    }
    ordered = sorted(inverse, key=lambda link: str(link[0]))
    ordered.sort(key=lambda link: dates.get(link[0], ""), reverse=True)
    ordered.sort(key=lambda link: link[1].value)
    return ordered


def summaries(
    store: GraphStore, subjects: Iterable[NamedNode], dated: bool = False
) -> list[Triple]:
    """The names and types (and dates, if asked) of resources, for links to them."""
    values = " ".join(sorted(set(map(str, subjects))))
    if not values:
        return []
    query = SUMMARIES.format(subjects=values, summary=_DATED if dated else _SUMMARY)
    return _triples(store.select(query))


def count_inverse(store: GraphStore, uri: str) -> int:
    """How many (subject, property) pairs link to the resource."""
    for row in store.select(COUNT.format(uri=node(uri))):
        return int(row["n"].value)
    return 0
