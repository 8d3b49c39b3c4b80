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
from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, SKOS

from speechld.store import GraphStore
from speechld.vocab import SLD

# The properties that name or type a linked resource: copied into the document so a
# client can show every link without another request. Inverse links also bring what a
# list of speeches shows of each (date, number, type, speaker, role), and an activity
# the source it read.
Summary = tuple[URIRef, ...]
SUMMARY: Summary = (RDF.type, RDFS.label, SKOS.prefLabel, FOAF.name, DCTERMS.title)
DATED = (*SUMMARY, SLD.dateTime, DCTERMS.date)
LISTED = (
    *DATED,
    SLD.speechNumber,
    SLD.speaker,
    SLD.speakerName,
    SLD.speechType,
    SLD.typeLabel,
    SLD.speakerRole,
    PROV.used,
)
# Up to this many resources (a speech's document misses at most its source page in the
# kept summaries), an in-process store reads their summaries from its indexes, a resource
# at a time: for one, 19 us against a query's 61 where the store says nothing of it, 35
# against 75 for a person; beyond two speeches, whose texts are read too, the query wins.
FEW = 2
SHOWN = {ps: frozenset(NamedNode(str(p)) for p in ps) for ps in (SUMMARY, DATED, LISTED)}
# Linked from a listed subject, and named in its row: the speaker and the speech type.
NAMED = (str(SLD.speaker), str(SLD.speechType))
# A speech is dated by its moment, or by its day alone where the page gives no time.
DATES, NUMBER = {str(SLD.dateTime), str(DCTERMS.date)}, str(SLD.speechNumber)
# A scheme's link to its top concepts is no link a reader of the concept's page follows:
# the concept names its scheme itself (skos:topConceptOf, skos:inScheme).
HIDDEN = NamedNode(str(SKOS.hasTopConcept))
# Up to this many links (a person's speeches, a sitting's), a resource's pages are in
# reading order across all of them: reading and sorting them takes about 9 ms for the 575
# speeches of a person in a store of 100,000, bounded by this however large the data.
# Above it (a speech type, a party group), pages are in the store's order, each sorted
# within itself: sorting the 38,570 speeches of one type at 100,000 in the store takes
# 1.8 s a page, and grows with the data.
ORDERED_MAX = 1000

# (A second VALUES for ?p would make the store scan every triple of those properties.)
# CONSTRUCT, not SELECT: the store hands over triples, which is 40% faster than rows
# made into triples here (5.6 to 3.5 ms for the 100 speeches on a person's page); it
# may give a triple stated in two graphs twice, kept once where it is read.
SUMMARIES = """CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  VALUES ?s {{ {subjects} }} ?s ?p ?o FILTER(?p IN ({summary}))
}}"""
PARTS = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {subjects} }} ?s ?p ?o }}"
BLANKS = "SELECT DISTINCT ?s ?p ?o WHERE {{ {uri} ?link ?s FILTER(isBlank(?s)) ?s ?p ?o }}"
_NOT_HIDDEN = f"?s != {{uri}} && ?p != <{SKOS.hasTopConcept}>"
COUNT = (
    "SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {uri} FILTER("
    + _NOT_HIDDEN
    + ") }} }}"
)
# Every link with its subject's date and number, sorted here: an ORDER BY (with the
# GROUP BY that a speech in two graphs needs) takes five times as long in the store.
ORDERED = (
    "SELECT ?s ?p ?d ?n WHERE {{ ?s ?p {uri} FILTER("
    + _NOT_HIDDEN
    + f") OPTIONAL {{{{ ?s <{SLD.dateTime}>|<{DCTERMS.date}> ?d }}}}"
    + f" OPTIONAL {{{{ ?s <{SLD.speechNumber}> ?n }}}}"
    + " }}"
)
GRAPHS = "SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {uri} ?p ?o }} }} ORDER BY ?g LIMIT 20"


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
            for t in summaries(store, missing, LISTED):
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
    inverse, more, sorted_all = inverse_links(store, term, page, size)
    linked = {t.object for t in triples if isinstance(t.object, NamedNode)}
    parts = {o for o in linked if is_part(o.value, uri)}
    subjects = {s for s, _ in inverse if isinstance(s, NamedNode)}

    def summarised(wanted: set[NamedNode]) -> list[Triple]:
        if kept is not None:
            return kept[0].get(store, wanted, kept[1])
        return summaries(store, wanted, LISTED)

    triples += summarised((linked - parts) | subjects)
    named = {
        t.object
        for t in triples
        if t.subject in subjects and t.predicate.value in NAMED and isinstance(t.object, NamedNode)
    }
    triples += summarised(named - linked - subjects - {term})
    if parts:
        values = " ".join(sorted(map(str, parts)))
        triples += store.construct(PARTS.format(subjects=values))
    if any(isinstance(t.object, BlankNode) for t in own):
        triples += _triples(store.select(BLANKS.format(uri=term)))
    if inverse and not sorted_all:
        inverse = in_order(inverse, triples)
    triples += [Triple(s, p, term) for s, p in inverse]
    return Description(uri, list(dict.fromkeys(triples)), inverse, page, more)


def source_graphs(store: GraphStore, uri: str) -> tuple[str, ...]:
    """The named graphs the resource's own triples come from (the first 20)."""
    return tuple(row["g"].value for row in store.select(GRAPHS.format(uri=node(uri))))


Link = tuple[NamedNode | BlankNode, NamedNode]


def inverse_links(
    store: GraphStore, term: NamedNode, page: int, size: int
) -> tuple[list[Link], bool, bool]:
    """A page of the (subject, property) pairs linking to the resource, whether more
    follow, and whether they are already in reading order across all pages.

    Links that fit on one page (a speech's: most documents) are read from the index
    alone, to be sorted with their summaries; up to ORDERED_MAX (a person's speeches,
    a sitting's) all are read with their dates and numbers and sorted here; beyond (a
    speech type, a party group), pages follow the store's own order, stable while its
    data is (an ORDER BY would sort every link of a type).
    """
    offset = (page - 1) * size
    found: list[tuple[object, object]]
    first = store.triples(object=term, limit=size + 1)
    sorted_all = len(first) > size and not store.triples(object=term, limit=1, offset=ORDERED_MAX)
    if len(first) <= size:
        found = [(t.subject, t.predicate) for t in first] if page == 1 else []
    elif sorted_all:
        found = reading_order(store, term)[offset : offset + size + 1]
    else:
        links = first if page == 1 else store.triples(object=term, limit=size + 1, offset=offset)
        found = [(t.subject, t.predicate) for t in links]
    inverse = [
        (s, p)
        for s, p in found[:size]
        if isinstance(s, NamedNode | BlankNode) and isinstance(p, NamedNode)
        if s != term and p != HIDDEN
    ]
    return inverse, len(found) > size, sorted_all


def reading_order(store: GraphStore, term: NamedNode) -> list[tuple[object, object]]:
    """Every link to the resource in reading order, read with its subject's date and number."""
    known: dict[tuple[object, object], tuple[str | None, int]] = {}
    for row in store.select(ORDERED.format(uri=term)):
        date, number = row["d"], row["n"]
        link = (row["s"], row["p"])
        old_date, old_number = known.get(link, (None, 0))
        known[link] = (
            min(filter(None, (old_date, date.value if date else None)), default=None),
            old_number or _number(number.value if number else None),
        )
    return sorted(known, key=lambda k: reading_key(k[0], k[1], *known[k]))


def in_order(
    inverse: list[tuple[NamedNode | BlankNode, NamedNode]], triples: list[Triple]
) -> list[tuple[NamedNode | BlankNode, NamedNode]]:
    """A page of inverse links in reading order: by property, then by date (undated last)
    and number, then by URI."""
    dates: dict[object, str] = {}
    numbers: dict[object, int] = {}
    for t in triples:
        if not isinstance(t.object, Literal):
            continue
        if t.predicate.value in DATES:
            dates[t.subject] = min(dates.get(t.subject, t.object.value), t.object.value)
        elif t.predicate.value == NUMBER:
            numbers[t.subject] = _number(t.object.value)
    return sorted(
        inverse, key=lambda k: reading_key(k[0], k[1], dates.get(k[0]), numbers.get(k[0], 0))
    )


def reading_key(
    subject: object, predicate: object, date: str | None, number: int
) -> tuple[str, bool, str, int, str]:
    """Where a link goes in reading order: by property, date (undated last), number, URI."""
    return (str(predicate), date is None, date or "", number, str(subject))


def _number(text: str | None) -> int:
    return int(text) if text and text.lstrip("+-").isdigit() else 0


def summaries(
    store: GraphStore, subjects: Iterable[NamedNode], summary: Summary = SUMMARY
) -> list[Triple]:
    """The triples of resources through the properties of a summary (SUMMARY: names and
    types; DATED: and dates; LISTED: all a list of speeches shows), for links to them."""
    wanted = sorted(set(subjects), key=str)
    if not wanted:
        return []
    if store.in_process and len(wanted) <= FEW:
        return [t for s in wanted for t in store.triples(s) if t.predicate in SHOWN[summary]]
    values = " ".join(map(str, wanted))
    query = SUMMARIES.format(subjects=values, summary=", ".join(f"<{p}>" for p in summary))
    return list(dict.fromkeys(store.construct(query)))  # each once, however many graphs


def count_inverse(store: GraphStore, uri: str) -> int:
    """How many (subject, property) pairs link to the resource."""
    for row in store.select(COUNT.format(uri=node(uri))):
        return int(row["n"].value)
    return 0
