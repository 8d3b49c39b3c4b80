"""RDF documents: a description's triples, the document's own metadata, serialised per format."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Triple, serialize
from rdflib import RDF
from rdflib.namespace import FOAF

from speechld.formats import QUADS, Format
from speechld.web.terms import PREFIXES, jsonld_context

HYDRA = PREFIXES["hydra"]
VOID = PREFIXES["void"]
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
) -> list[Triple]:
    """What a document says of itself: its topic, its dataset and its neighbouring pages."""
    return [
        Triple(_n(doc), _n(str(RDF.type)), _n(str(FOAF.Document))),
        Triple(_n(doc), _n(str(FOAF.primaryTopic)), _n(topic)),
        Triple(_n(doc), _n(VOID + "inDataset"), _n(dataset)),
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


def jsonld(triples: Iterable[Triple], context_url: str) -> bytes:
    """Compact JSON-LD under our context, which the document names by its URL.

    Written here rather than by rdflib, which rewrites literals on the way (a dateTime's
    `Z` becomes `+00:00`): every literal keeps its lexical form exactly. The document is
    flat, one node per subject in `@graph`, blank nodes named `_:...`.
    """
    compact = Compactor.of(jsonld_context()["@context"])
    nodes: dict[str, dict[str, list[Any]]] = {}
    for t in triples:
        node = nodes.setdefault(_id(t.subject), {})
        if t.predicate.value == TYPE and isinstance(t.object, NamedNode):
            key, value = "@type", compact.vocab(t.object.value)
        else:
            key, value = compact.entry(t.predicate.value, t.object)
        values = node.setdefault(key, [])
        if value not in values:
            values.append(value)
    graph = [
        {"@id": subject} | {k: vs[0] if len(vs) == 1 else vs for k, vs in node.items()}
        for subject, node in nodes.items()
    ]
    data = {"@context": context_url, "@graph": graph}
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _id(term: object) -> str:
    """A node's @id: its IRI, or `_:name` for a blank node."""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, NamedNode):
        return term.value
    raise TypeError(f"JSON-LD has no node for {term!r}")


@dataclass(frozen=True)
class Compactor:
    """Short names from a JSON-LD context: class terms, and property terms by their coercion."""

    prefixes: dict[str, str]  # namespace IRI -> prefix
    classes: dict[str, str]  # class IRI -> term
    properties: dict[str, dict[str | None, str]]  # property IRI -> {its @type or None: term}

    @classmethod
    def of(cls, context: dict[str, Any]) -> Compactor:
        """The compactor of a context of prefixes, `term: "prefix:name"` and term objects."""
        namespaces = {k: v for k, v in context.items() if isinstance(v, str) and ":" not in k}
        namespaces = {k: v for k, v in namespaces.items() if v.endswith(("/", "#"))}

        def expand(curie: str) -> str:
            prefix, _, rest = curie.partition(":")
            return namespaces[prefix] + rest if prefix in namespaces else curie

        classes: dict[str, str] = {}
        properties: dict[str, dict[str | None, str]] = {}
        for term, value in context.items():
            if isinstance(value, str) and term not in namespaces:
                classes.setdefault(expand(value), term)
            elif isinstance(value, dict) and "@id" in value:
                coercion = value.get("@type")
                kind = coercion if coercion == "@id" or coercion is None else expand(coercion)
                properties.setdefault(expand(value["@id"]), {}).setdefault(kind, term)
        return cls({v: k for k, v in namespaces.items()}, classes, properties)

    def curie(self, iri: str) -> str:
        """The IRI as prefix:name where a prefix fits, else the IRI."""
        for namespace, prefix in self.prefixes.items():
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def vocab(self, iri: str) -> str:
        """A class (or datatype) as its term, else prefix:name."""
        return self.classes.get(iri) or self.curie(iri)

    def entry(self, predicate: str, obj: object) -> tuple[str, Any]:
        """The key and value of one statement: the term whose coercion fits the object, a
        bare string where the coercion says it all, else the explicit form."""
        terms = self.properties.get(predicate, {})
        if isinstance(obj, NamedNode | BlankNode):
            if "@id" in terms:
                return terms["@id"], _id(obj)
            return terms.get(None) or self.curie(predicate), {"@id": _id(obj)}
        if not isinstance(obj, Literal):
            raise TypeError(f"JSON-LD has no value for {obj!r}")
        datatype = obj.datatype.value if obj.datatype else STRING
        if obj.language:
            value: dict[str, str] = {"@value": obj.value, "@language": obj.language}
            return terms.get(None) or self.curie(predicate), value
        kind = None if datatype == STRING else datatype
        if kind in terms:
            return terms[kind], obj.value
        value = {"@value": obj.value} | ({"@type": self.vocab(datatype)} if kind else {})
        return terms.get(None) or self.curie(predicate), value


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
