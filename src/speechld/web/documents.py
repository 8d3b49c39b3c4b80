"""RDF documents: a description's triples, the document's own metadata, serialised per format."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, serialize
from rdflib import RDF
from rdflib.namespace import FOAF
from rdflib.plugins.serializers.jsonld import from_rdf
from rdflib.plugins.shared.jsonld.context import Context

from speechld.formats import QUADS, Format
from speechld.rdf import graph
from speechld.web.terms import PREFIXES, jsonld_context

HYDRA = PREFIXES["hydra"]
VOID = PREFIXES["void"]
PROV_DERIVED = PREFIXES["prov"] + "wasDerivedFrom"
INTEGER = NamedNode(PREFIXES["xsd"] + "integer")
STRING = PREFIXES["xsd"] + "string"
TYPE = str(RDF.type)


def _n(iri: str) -> NamedNode:
    return NamedNode(iri)


def document_triples(
    doc: str,
    topic: str,
    dataset: str,
    *,
    next_page: str | None = None,
    previous_page: str | None = None,
    graphs: Iterable[str] = (),
) -> list[Triple]:
    """What a document says of itself: its topic, its dataset, the named graphs (a source
    page's each, whose provenance they state) it is derived from, its neighbouring pages."""
    return [
        Triple(_n(doc), _n(str(RDF.type)), _n(str(FOAF.Document))),
        Triple(_n(doc), _n(str(FOAF.primaryTopic)), _n(topic)),
        Triple(_n(doc), _n(VOID + "inDataset"), _n(dataset)),
        *(Triple(_n(doc), _n(PROV_DERIVED), _n(graph)) for graph in graphs),
        *paging_triples(doc, next_page, previous_page),
    ]


def paging_triples(page: str, next_page: str | None, previous_page: str | None) -> list[Triple]:
    """The links from one page of a document to its neighbouring pages."""
    triples = []
    if next_page:
        triples.append(Triple(_n(page), _n(HYDRA + "next"), _n(next_page)))
    if previous_page:
        triples.append(Triple(_n(page), _n(HYDRA + "previous"), _n(previous_page)))
    return triples


def collection_triples(
    collection: str,
    dataset: str,
    members: Iterable[str],
    total: int,
    view: str,
    pages: dict[str, str],
) -> list[Triple]:
    """A list of things as a Hydra collection: its total, this page's members and the
    page's view, with its first, last, next and previous pages (rel: URL)."""
    triples = [
        Triple(_n(collection), _n(str(RDF.type)), _n(HYDRA + "Collection")),
        Triple(_n(collection), _n(VOID + "inDataset"), _n(dataset)),
        Triple(_n(collection), _n(HYDRA + "totalItems"), Literal(str(total), datatype=INTEGER)),
        Triple(_n(collection), _n(HYDRA + "view"), _n(view)),
        Triple(_n(view), _n(str(RDF.type)), _n(HYDRA + "PartialCollectionView")),
    ]
    triples += [Triple(_n(view), _n(HYDRA + rel), _n(url)) for rel, url in pages.items()]
    triples += [Triple(_n(collection), _n(HYDRA + "member"), _n(uri)) for uri in members]
    return triples


def jsonld(triples: list[Triple], context_url: str) -> bytes:
    """Compact JSON-LD under our context, which the document names by its URL."""
    rdf = graph(triples)
    context = compaction(bnode_predicates(triples))
    data = from_rdf(rdf, context, auto_compact=True)  # type: ignore[no-untyped-call]
    data["@context"] = context_url
    if "@graph" in data:  # nodes in the order the document gives them: its topic first
        first = {str(node_id(t.subject)): i for i, t in reversed(list(enumerate(triples)))}
        # (an @id is an rdflib term here, whose hash is not its string's)
        data["@graph"].sort(key=lambda node: first.get(str(node.get("@id", "")), len(first)))
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


@lru_cache(maxsize=64)
def compaction(bnode_objects: frozenset[str]) -> Context:
    """Our context as rdflib compacts with it, for documents with blank node objects of
    these predicates (usually none): made once, not for each document."""
    return Context(without_id_coercion(jsonld_context()["@context"], set(bnode_objects)))


def node_id(term: object) -> str:
    """A node's @id as rdflib's JSON-LD names it: its IRI, or `_:name` for a blank node."""
    return f"_:{term.value}" if isinstance(term, BlankNode) else str(getattr(term, "value", term))


def bnode_predicates(triples: list[Triple]) -> frozenset[str]:
    """The predicates that have a blank node as object somewhere in the triples."""
    return frozenset(t.predicate.value for t in triples if isinstance(t.object, BlankNode))


def without_id_coercion(context: dict[str, Any], predicates: set[str]) -> dict[str, Any]:
    """The context with `@type: @id` dropped for the given predicates.

    rdflib's compaction drops a blank node object (and its description) when the term
    coerces to `@id`; an explicit `{"@id": "_:b"}` keeps both.
    """
    if not predicates:
        return context
    namespaces = {k: v for k, v in context.items() if isinstance(v, str)}

    def expand(iri: str) -> str:
        prefix, _, rest = iri.partition(":")
        return namespaces[prefix] + rest if prefix in namespaces else iri

    return {
        term: {k: v for k, v in value.items() if k != "@type"}
        if isinstance(value, dict) and expand(str(value.get("@id", ""))) in predicates
        else value
        for term, value in context.items()
    }


def serialize_graph(triples: list[Triple], fmt: Format, context_url: str) -> bytes:
    """The triples as a document in an RDF format (pyoxigraph, rdflib for JSON-LD)."""
    if fmt.rdf is RdfFormat.JSON_LD:
        return jsonld(triples, context_url)
    if fmt.rdf is None:
        raise ValueError(f"{fmt.name} is not an RDF format")
    return bytes(serialize(grouped(triples), format=fmt.rdf, prefixes=PREFIXES) or b"")


def serialize_named_graph(
    content: list[Triple], about: list[Triple], fmt: Format, context_url: str, name: str
) -> bytes:
    """A named graph's content and what the response says about it (paging links): in a
    dataset format (N-Quads, TriG) the content in the graph `name` and the rest in the
    default graph, else all as one graph."""
    if fmt.rdf not in QUADS:
        return serialize_graph(content + about, fmt, context_url)
    graph = NamedNode(name)
    quads = [Quad(t.subject, t.predicate, t.object, graph) for t in grouped(content)]
    quads += [Quad(t.subject, t.predicate, t.object) for t in about]
    return bytes(serialize(quads, format=fmt.rdf, prefixes=PREFIXES) or b"")


def grouped(triples: list[Triple]) -> list[Triple]:
    """The triples with each subject's together, subjects in order of first appearance,
    so Turtle and RDF/XML write each subject once."""
    by_subject: dict[object, list[Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject, []).append(t)
    return [t for group in by_subject.values() for t in group]
