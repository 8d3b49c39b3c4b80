"""What a resource's document holds, read from the store in a few queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from rdflib import RDF, RDFS
from rdflib.namespace import DCTERMS, FOAF, SKOS

from speechld.store import GraphStore
from speechld.vocab import SLD

# The properties that name or type a linked resource: copied into the document so a
# client can show every link without another request.
SUMMARY = (RDF.type, RDFS.label, SKOS.prefLabel, FOAF.name, DCTERMS.title)
_SUMMARY = " ".join(f"<{p}>" for p in SUMMARY)

OWN = """CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ {uri} ?p ?o BIND({uri} AS ?s) }}
  UNION {{ {uri} ?link ?s . VALUES ?p {{ {summary} }} ?s ?p ?o }}
  UNION {{ {uri} ?link ?s .
           FILTER(isBlank(?s) || STRSTARTS(STR(?s), {slash}) || STRSTARTS(STR(?s), {hash}))
           ?s ?p ?o }}
}}"""

INVERSE = """SELECT DISTINCT ?s ?p WHERE {{
  ?s ?p {uri} FILTER(?s != {uri})
  OPTIONAL {{ ?s <{date}> ?date }}
}} ORDER BY ?p DESC(?date) ?s LIMIT {limit} OFFSET {offset}"""

# Inverse links also bring their subject's date: lists of speeches read best in time order.
SUBJECTS = """CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  VALUES ?s {{ {subjects} }} VALUES ?p {{ {summary} <{date}> }} ?s ?p ?o
}}"""

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


def describe(store: GraphStore, uri: str, page: int = 1, size: int = 100) -> Description:
    """The resource's own triples, the names and types of what it links to, and a page of
    inverse links with the names and types of their subjects."""
    term = node(uri)
    own = store.construct(
        OWN.format(
            uri=term,
            summary=_SUMMARY,
            slash=Literal(uri + "/"),
            hash=Literal(uri + "#"),
        )
    )
    rows = store.select(
        INVERSE.format(uri=term, date=SLD.dateTime, limit=size + 1, offset=(page - 1) * size)
    )
    inverse = [(row["s"], row["p"]) for row in rows]
    more = len(inverse) > size
    inverse = inverse[:size]
    triples = own + [Triple(s, p, term) for s, p in inverse]
    triples += summaries(store, [s for s, _ in inverse if isinstance(s, NamedNode)])
    return Description(uri, list(dict.fromkeys(triples)), inverse, page, more)


def summaries(store: GraphStore, subjects: Iterable[NamedNode]) -> list[Triple]:
    """The names, types and dates of resources, for lists of links to them."""
    values = " ".join(sorted(set(map(str, subjects))))
    if not values:
        return []
    return store.construct(SUBJECTS.format(subjects=values, summary=_SUMMARY, date=SLD.dateTime))


def count_inverse(store: GraphStore, uri: str) -> int:
    """How many (subject, property) pairs link to the resource."""
    for row in store.select(COUNT.format(uri=node(uri))):
        return int(row["n"].value)
    return 0
