"""The ontology served at {base}ontology: a documentation page and the RDF formats."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import pyoxigraph as ox
from flask import Blueprint, Response, render_template
from pyoxigraph import Triple
from rdflib import OWL, RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS
from werkzeug.exceptions import NotFound

from speechld.formats import Format
from speechld.rdf import to_ox
from speechld.schemes import scheme_files, scheme_triples
from speechld.vocab import ONTOLOGY, SHAPES
from speechld.web import terms
from speechld.web.negotiation import fixed_document, split_suffix
from speechld.web.store import base
from speechld.web.views import language_name
from speechld.web.void import licence_name

bp = Blueprint("ontology", __name__)


@cache
def ontology_triples() -> tuple[Triple, ...]:
    """The ontology's triples, in a stable order."""
    graph = terms.ontology_graph()
    return tuple(
        sorted(
            (Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph),  # type: ignore[arg-type]
            key=str,
        )
    )


# How a term relates to terms of other vocabularies (and of ours), as its page names it.
ALIGNMENTS = (
    (RDFS.subClassOf, "Subclass of"),
    (OWL.equivalentClass, "Same class as"),
    (RDFS.subPropertyOf, "Subproperty of"),
    (OWL.equivalentProperty, "Same property as"),
    (OWL.inverseOf, "Inverse of"),
    (SKOS.exactMatch, "Exact match"),
    (SKOS.closeMatch, "Close match"),
    (SKOS.broadMatch, "Broader match"),
    (SKOS.narrowMatch, "Narrower match"),
    (SKOS.relatedMatch, "Related match"),
    (RDFS.seeAlso, "See also"),
)


@dataclass(frozen=True)
class Details:
    """What the ontology page shows of a term besides its label, comment, domain and range."""

    names: tuple[tuple[str, str, str], ...]  # (language tag, language, label), not English
    alignments: tuple[tuple[str, tuple[str, ...]], ...]  # (relation, target IRIs)
    notes: tuple[str, ...]  # editorial notes, in English


@dataclass(frozen=True)
class Scheme:
    """A concept scheme of the dataset, and the class of its concepts."""

    iri: str
    label: str
    member_class: str | None


@cache
def details() -> dict[str, Details]:
    """Each term's labels in other languages, alignments and notes, by IRI."""
    graph = terms.ontology_graph()
    found: dict[str, Details] = {}
    for term in terms.terms():
        subject = URIRef(term.iri)
        names = sorted(
            (o.language, language_name(o.language) or o.language, str(o))
            for o in graph.objects(subject, RDFS.label)
            if isinstance(o, Literal) and o.language and o.language != "en"
        )
        alignments = tuple(
            (
                name,
                tuple(sorted(str(o) for o in graph.objects(subject, p) if isinstance(o, URIRef))),
            )
            for p, name in ALIGNMENTS
        )
        notes = tuple(
            str(o)
            for o in graph.objects(subject, SKOS.editorialNote)
            if isinstance(o, Literal) and o.language in {"en", None}
        )
        found[term.iri] = Details(tuple(names), tuple(a for a in alignments if a[1]), notes)
    return found


def prefixed(iri: str) -> str:
    """An IRI as prefix:name: under our documents' prefixes, else those the ontology file
    declares, else as is.

    >>> prefixed("http://purl.org/linkedpolitics/vocabulary/eu/plenary/Speech")
    'lpv_eu:Speech'
    >>> prefixed("http://schema.org/Organization")
    'schema:Organization'
    """
    ours = terms.curie(iri)
    if ours != iri:
        return ours
    found = [
        (len(str(ns)), f"{prefix}:{iri[len(str(ns)) :]}")
        for prefix, ns in terms.ontology_graph().namespaces()
        if prefix and iri.startswith(str(ns)) and len(iri) > len(str(ns))
    ]
    return max(found)[1] if found else iri


@cache
def schemes(root: str) -> tuple[Scheme, ...]:
    """The dataset's concept schemes (speech types, party groups, functions) under a base."""
    quads = scheme_triples(root, scheme_files())
    of_type = ox.NamedNode(str(RDF.type))
    in_scheme = ox.NamedNode(str(SKOS.inScheme))
    pref_label = ox.NamedNode(str(SKOS.prefLabel))
    found = []
    for q in quads:
        if q.predicate != of_type or q.object != ox.NamedNode(str(SKOS.ConceptScheme)):
            continue
        scheme = q.subject
        labels = [
            x.object.value
            for x in quads
            if x.subject == scheme
            and x.predicate == pref_label
            and isinstance(x.object, ox.Literal)
            and x.object.language == "en"
        ]
        members = {x.subject for x in quads if x.predicate == in_scheme and x.object == scheme}
        classes = sorted(
            x.object.value
            for x in quads
            if x.subject in members
            and x.predicate == of_type
            and isinstance(x.object, ox.NamedNode)
            and x.object.value.startswith(terms.NS)
        )
        iri = scheme.value if isinstance(scheme, ox.NamedNode) else str(scheme)
        found.append(Scheme(iri, labels[0] if labels else iri, classes[0] if classes else None))
    return tuple(sorted(found, key=lambda s: s.label))


def metadata() -> dict[str, str]:
    """The ontology's title, description and version, for its page."""
    graph = terms.ontology_graph()
    subject = next(iter(graph.subjects(RDF.type, OWL.Ontology)), None)
    found: dict[str, str] = {"iri": ONTOLOGY}
    if subject is not None:
        for key, predicate in (
            ("title", DCTERMS.title),
            ("description", DCTERMS.description),
            ("version", OWL.versionInfo),
            ("license", DCTERMS.license),
            ("modified", DCTERMS.modified),
            ("creator", DCTERMS.creator),
            ("version_iri", OWL.versionIRI),
            ("prior", OWL.priorVersion),
        ):
            value = graph.value(subject, predicate)
            if value is not None:
                found[key] = str(graph.value(value, FOAF.name) or value)  # an agent by name
    return found


def changes() -> list[str]:
    """The ontology's change notes, the newest version's first."""
    notes = terms.ontology_graph().objects(URIRef(ONTOLOGY), SKOS.changeNote)
    return sorted((str(n) for n in notes), key=note_version, reverse=True)


def note_version(note: str) -> tuple[int, ...]:
    """The version a change note is about, from its opening "0.4.0:".

    >>> note_version("0.10.0: more"), note_version("no version")
    ((0, 10, 0), ())
    """
    return tuple(int(part) for part in re.findall(r"[0-9]+", note.partition(":")[0]))


@bp.get("/ontology", defaults={"suffix": None})
@bp.get("/ontology.<suffix>")
def ontology(suffix: str | None) -> Response:
    """The ontology in the negotiated format or the one its suffix names."""

    def page(formats: list[tuple[Format, str]]) -> str:
        meta, all_terms = metadata(), terms.terms()
        return render_template(
            "ontology.html",
            meta=meta,
            license_name=licence_name(meta["license"]) if "license" in meta else None,
            classes=[t for t in all_terms if t.kind == "class"],
            properties=[t for t in all_terms if t.kind != "class"],
            details=details(),
            changes=changes(),
            schemes=schemes(base()),
            label=terms.label,
            curie=prefixed,
            namespace=terms.NS,
            formats=formats,
        )

    return fixed_document(
        "The ontology", "ontology.ontology", suffix, page, lambda: list(ontology_triples())
    )


@cache
def shapes_text() -> str:
    """The SHACL shapes as published (ontology/shapes.ttl), comments and all."""
    return files("speechld.ontology").joinpath("shapes.ttl").read_text(encoding="utf-8")


@bp.get("/shapes", defaults={"suffix": None})
@bp.get("/shapes.<suffix>")
def shapes(suffix: str | None) -> Response:
    """The SHACL shapes of the published data: in RDF, or for people as their Turtle."""
    return fixed_document(
        "The shapes",
        "ontology.shapes",
        suffix,
        lambda formats: render_template(
            "shapes.html", text=shapes_text(), iri=SHAPES, formats=formats
        ),
        lambda: list(ox.parse(shapes_text().encode("utf-8"), format=ox.RdfFormat.TURTLE)),
    )


@bp.get("/ontology/<version>")
def versioned(version: str) -> Response:
    """The ontology at its version IRI's path: the current version, as at /ontology; 404
    naming the current version for any other."""
    number, fmt = split_suffix(version)
    current = metadata().get("version")
    if number != current:
        raise NotFound(
            f"Version {number[:20]} of the ontology is not served here: the current version, "
            f"{current}, is at {base()}ontology and at {base()}ontology/{current}."
        )
    return ontology(fmt.suffix if fmt else None)
