"""What the ontology tells the web layer: readable term names, prefixes and the JSON-LD context."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from speechld.vocab import ONTOLOGY, SCHEMA

NS = ONTOLOGY + "#"
PREFIXES: dict[str, str] = {
    "sld": NS,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": str(SCHEMA),
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "hydra": "http://www.w3.org/ns/hydra/core#",
}
# Names people know these common terms by, where the ontology does not define them.
COMMON = {
    str(RDF.type): "type",
    str(RDFS.label): "label",
    str(RDFS.comment): "comment",
    str(RDFS.seeAlso): "see also",
    str(SKOS.prefLabel): "preferred label",
    str(SKOS.altLabel): "alternative label",
    str(SKOS.inScheme): "in scheme",
    PREFIXES["foaf"] + "name": "name",
    PREFIXES["foaf"] + "Person": "Person",
    PREFIXES["foaf"] + "primaryTopic": "primary topic",
    str(DCTERMS.title): "title",
    str(DCTERMS.language): "language",
    str(DCTERMS.source): "source",
}


@dataclass(frozen=True)
class Term:
    """A class or property of the ontology, as its documentation shows it."""

    iri: str
    name: str  # local name: the anchor on the ontology page and the JSON-LD term
    kind: str  # "class", "object property", "datatype property", "property"
    label: str
    comment: str
    domain: str | None
    range: str | None


def ontology_graph() -> Graph:
    """The ontology as published (ontology/speechld.ttl), read from the package."""
    return _ontology()


@cache
def _ontology() -> Graph:
    text = files("speechld.ontology").joinpath("speechld.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


def _english(graph: Graph, subject: URIRef, predicate: URIRef) -> str:
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    for wanted in ("en", None):
        for value in values:
            if value.language == wanted:
                return str(value)
    return str(values[0]) if values else ""


KINDS = {
    OWL.Class: "class",
    RDFS.Class: "class",
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
    RDF.Property: "property",
}


@cache
def terms() -> tuple[Term, ...]:
    """Every class and property the ontology defines, classes first, then by name."""
    graph = ontology_graph()
    found: dict[str, Term] = {}
    for kind_iri, kind in KINDS.items():
        for subject in graph.subjects(RDF.type, kind_iri):
            if not isinstance(subject, URIRef) or not str(subject).startswith(NS):
                continue
            if str(subject) in found:
                continue
            domain, range_ = graph.value(subject, RDFS.domain), graph.value(subject, RDFS.range)
            found[str(subject)] = Term(
                iri=str(subject),
                name=str(subject)[len(NS) :],
                kind=kind,
                label=_english(graph, subject, RDFS.label) or str(subject)[len(NS) :],
                comment=_english(graph, subject, RDFS.comment),
                domain=str(domain) if isinstance(domain, URIRef) else None,
                range=str(range_) if isinstance(range_, URIRef) else None,
            )
    return tuple(sorted(found.values(), key=lambda t: (t.kind != "class", t.name.casefold())))


@cache
def labels() -> dict[str, str]:
    """Readable names of terms: the ontology's English labels, then the common ones."""
    return COMMON | {term.iri: term.label for term in terms()}


def curie(iri: str) -> str:
    """A term as prefix:name where a prefix fits, else the IRI itself.

    >>> curie("http://xmlns.com/foaf/0.1/Person")
    'foaf:Person'
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def label(iri: str) -> str:
    """The readable name of a term: its label, else its prefixed name."""
    return labels().get(iri) or curie(iri)


@cache
def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context of our documents: the prefixes and a term per ontology term."""
    context: dict[str, Any] = dict(PREFIXES)
    for term in terms():
        if term.kind == "class":
            context[term.name] = f"sld:{term.name}"
        elif term.kind == "object property":
            context[term.name] = {"@id": f"sld:{term.name}", "@type": "@id"}
        elif term.range and term.range.startswith(str(XSD)) and term.range != str(XSD.string):
            # a plain string needs no @type: with one, compaction would never use the term
            context[term.name] = {"@id": f"sld:{term.name}", "@type": curie(term.range)}
        else:
            context[term.name] = {"@id": f"sld:{term.name}"}
    return {"@context": context}
