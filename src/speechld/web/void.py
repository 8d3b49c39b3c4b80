"""The dataset described in VoID and DCAT at /.well-known/void: figures, dumps, endpoint."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from flask import Blueprint, Response, current_app, render_template, url_for
from pyoxigraph import Literal, NamedNode, Triple
from rdflib import RDF, RDFS, XSD
from rdflib.namespace import DCTERMS

from speechld.dump import file_name
from speechld.formats import DOCUMENT_FORMATS, DUMP_FORMATS, HTML, NAMED_GRAPH_FORMATS, Format
from speechld.vocab import ONTOLOGY
from speechld.web import terms
from speechld.web.documents import serialize_graph
from speechld.web.figures import Catalogue, Statistics, catalogue, statistics
from speechld.web.negotiation import negotiate, suffixed, with_alternates
from speechld.web.store import base

bp = Blueprint("void", __name__)

VOID = terms.PREFIXES["void"]
DCAT = terms.PREFIXES["dcat"]
IANA = "https://www.iana.org/assignments/media-types/"
FEATURES = "http://www.w3.org/ns/formats/"
FEATURE_NAMES = {
    "turtle": "Turtle",
    "jsonld": "JSON-LD",
    "ntriples": "N-Triples",
    "rdfxml": "RDF_XML",
    "nquads": "N-Quads",
    "trig": "TriG",
}
SOURCE = "https://www.norden.org/"
LICENCE_NAMES = {
    "https://creativecommons.org/licenses/by/4.0/": "Creative Commons Attribution 4.0 (CC BY 4.0)",
    "https://creativecommons.org/publicdomain/zero/1.0/": "CC0 1.0 (public domain dedication)",
    "https://opendatacommons.org/licenses/odbl/1-0/": "Open Database License (ODbL) 1.0",
}
TITLE = "Nordic Council plenary speeches"
DESCRIPTION = (
    "Plenary speeches of the Nordic Council as Linked Open Data: who spoke, in what role, "
    "for which party group, of what type, when, in which language, and what was said."
)


def vocabulary(iri: str) -> str:
    """The namespace a term belongs to, as VoID names vocabularies.

    >>> vocabulary("http://xmlns.com/foaf/0.1/Person"), vocabulary(ONTOLOGY + "#Speech")
    ('http://xmlns.com/foaf/0.1/', 'https://w3id.org/speechld/ontology')
    """
    if "#" in iri:
        return iri.split("#", 1)[0]
    return iri.rsplit("/", 1)[0] + "/"


def vocabularies(stats: Statistics) -> list[str]:
    """The vocabularies the data uses, ours among them, by namespace."""
    used = {vocabulary(c) for c, _ in stats.classes} | {vocabulary(p) for p, _ in stats.properties}
    return sorted(used | {ONTOLOGY})


def prefix(namespace: str) -> str | None:
    """The prefix our documents give a vocabulary, if any.

    >>> prefix("http://www.w3.org/2000/01/rdf-schema"), prefix("http://example.org/v/")
    ('rdfs', None)
    """
    if namespace == ONTOLOGY:
        return "sld"
    found = [p for p, ns in terms.PREFIXES.items() if ns.rstrip("#/") == namespace.rstrip("#/")]
    return found[0] if found else None


def licence_name(uri: str) -> str:
    """A licence as people name it, else its URI.

    >>> licence_name("http://creativecommons.org/licenses/by/4.0")
    'Creative Commons Attribution 4.0 (CC BY 4.0)'
    """
    key = "https://" + uri.split("://", 1)[-1].rstrip("/") + "/"
    return LICENCE_NAMES.get(key, uri)


def stamp(stats: Statistics) -> str | None:
    """When the data was last changed, as an xsd:dateTime in UTC."""
    if stats.modified is None:
        return None
    return stats.modified.astimezone(UTC).isoformat().replace("+00:00", "Z")


def coverage(things: Catalogue) -> str | None:
    """The days the speeches span, from the first sitting to the last, as an ISO 8601
    interval; None without sittings."""
    days = []
    for uri in things.kinds.get("sitting", ()):
        try:
            days.append(date.fromisoformat(uri.rstrip("/").rsplit("/", 1)[-1]))
        except ValueError:
            continue
    return f"{min(days)}/{max(days)}" if days else None


def dataset_jsonld(stats: Statistics, things: Catalogue, license_uri: str) -> dict[str, Any]:
    """The dataset as schema.org describes datasets for search engines, from the figures
    and dumps its VoID states."""
    root = base()
    found: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": root + ".well-known/void#dataset",
        "name": TITLE,
        "description": DESCRIPTION,
        "url": root,
        "license": license_uri,
        "isAccessibleForFree": True,
        "isBasedOn": SOURCE,
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f"{fmt.title} dump, gzipped",
                "encodingFormat": fmt.media_type,
                "contentUrl": dump_url(fmt),
            }
            for fmt in DUMP_FORMATS
        ],
    }
    if stamp(stats):
        found["dateModified"] = stamp(stats)
    if coverage(things):
        found["temporalCoverage"] = coverage(things)
    return found


def dump_url(fmt: Format) -> str:
    """Where a format's dump is downloaded, under the dataset base."""
    return f"{base()}dumps/{file_name(fmt)}"


def void_triples(stats: Statistics, things: Catalogue, license_uri: str) -> list[Triple]:
    """The VoID and DCAT description of the dataset."""
    root = base()
    doc = root + ".well-known/void"
    dataset = NamedNode(doc + "#dataset")
    triples: list[Triple] = []

    def add(s: NamedNode, p: str, o: NamedNode | Literal) -> None:
        triples.append(Triple(s, NamedNode(p), o))

    def count(n: int) -> Literal:
        return Literal(str(n), datatype=NamedNode(str(XSD.integer)))

    add(NamedNode(doc), str(RDF.type), NamedNode(VOID + "DatasetDescription"))
    add(NamedNode(doc), str(DCTERMS.title), Literal("VoID description of " + TITLE, language="en"))
    add(NamedNode(doc), terms.PREFIXES["foaf"] + "primaryTopic", dataset)
    add(dataset, str(RDF.type), NamedNode(VOID + "Dataset"))
    add(dataset, str(RDF.type), NamedNode(DCAT + "Dataset"))
    add(dataset, str(DCTERMS.title), Literal(TITLE, language="en"))
    add(dataset, str(RDFS.label), Literal(TITLE, language="en"))
    add(dataset, str(DCTERMS.description), Literal(DESCRIPTION, language="en"))
    add(dataset, str(DCTERMS.license), NamedNode(license_uri))
    add(dataset, str(DCTERMS.source), NamedNode(SOURCE))
    add(dataset, str(DCTERMS.conformsTo), NamedNode(ONTOLOGY))  # the vocabulary it is in
    modified = stamp(stats)
    if modified is not None:
        moment = Literal(modified, datatype=NamedNode(str(XSD.dateTime)))
        add(dataset, str(DCTERMS.modified), moment)
    add(dataset, DCAT + "landingPage", NamedNode(root))
    add(dataset, VOID + "uriSpace", Literal(root + "id/"))
    add(dataset, VOID + "sparqlEndpoint", NamedNode(root + "sparql"))
    add(dataset, VOID + "triples", count(stats.triples))
    add(dataset, VOID + "entities", count(things.entities))
    add(dataset, VOID + "classes", count(len(stats.classes)))
    add(dataset, VOID + "properties", count(len(stats.properties)))
    for example in things.examples:
        add(dataset, VOID + "exampleResource", NamedNode(example))
    for namespace in vocabularies(stats):
        add(dataset, VOID + "vocabulary", NamedNode(namespace))
    for fmt in dict.fromkeys((*DOCUMENT_FORMATS, *NAMED_GRAPH_FORMATS, *DUMP_FORMATS)):
        if fmt.name in FEATURE_NAMES:
            add(dataset, VOID + "feature", NamedNode(FEATURES + FEATURE_NAMES[fmt.name]))
    for i, (cls, n) in enumerate(stats.classes, 1):
        partition = NamedNode(f"{doc}#class-{i}")
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", NamedNode(cls))
        add(partition, VOID + "entities", count(n))
    for i, (prop, n) in enumerate(stats.properties, 1):
        partition = NamedNode(f"{doc}#property-{i}")
        add(dataset, VOID + "propertyPartition", partition)
        add(partition, VOID + "property", NamedNode(prop))
        add(partition, VOID + "triples", count(n))
    for fmt in DUMP_FORMATS:
        url = NamedNode(dump_url(fmt))
        distribution = NamedNode(f"{doc}#dump-{fmt.suffix}")
        add(dataset, VOID + "dataDump", url)
        add(dataset, DCAT + "distribution", distribution)
        add(distribution, str(RDF.type), NamedNode(DCAT + "Distribution"))
        add(distribution, str(DCTERMS.title), Literal(f"{fmt.title} dump, gzipped", language="en"))
        add(distribution, DCAT + "downloadURL", url)
        add(distribution, DCAT + "accessURL", url)
        add(distribution, DCAT + "mediaType", NamedNode(IANA + fmt.media_type))
        add(distribution, DCAT + "compressFormat", NamedNode(IANA + "application/gzip"))
        add(distribution, str(DCTERMS.license), NamedNode(license_uri))
    service = NamedNode(doc + "#sparql")
    endpoint = NamedNode(root + "sparql")
    add(dataset, DCAT + "distribution", NamedNode(doc + "#sparql-distribution"))
    add(NamedNode(doc + "#sparql-distribution"), str(RDF.type), NamedNode(DCAT + "Distribution"))
    add(NamedNode(doc + "#sparql-distribution"), DCAT + "accessURL", endpoint)
    add(NamedNode(doc + "#sparql-distribution"), DCAT + "accessService", service)
    add(service, str(RDF.type), NamedNode(DCAT + "DataService"))
    add(service, str(DCTERMS.title), Literal("SPARQL 1.1 endpoint", language="en"))
    add(service, DCAT + "endpointURL", endpoint)
    add(service, DCAT + "servesDataset", dataset)
    add(service, str(DCTERMS.conformsTo), NamedNode("https://www.w3.org/TR/sparql11-protocol/"))
    return triples


@bp.get("/.well-known/void", defaults={"suffix": None})
@bp.get("/.well-known/void.<suffix>")
def void(suffix: str | None) -> Response:
    """The VoID and DCAT description, in the negotiated format or the one its suffix names."""
    fmt = suffixed("The VoID description", "void", suffix)
    chosen = fmt or negotiate()
    stats = statistics()
    if chosen is HTML:
        things, license_uri = catalogue(), current_app.config["LICENSE"]
        body = render_template(
            "void.html",
            stats=stats,
            entities=things.entities,
            examples=things.named["examples"],
            vocabularies=vocabularies(stats),
            source=SOURCE,
            license=license_uri,
            license_name=licence_name(license_uri),
            jsonld=dataset_jsonld(stats, things, license_uri),
            dumps=[(f, dump_url(f)) for f in DUMP_FORMATS],
            formats=[(f, url_for("void.void", suffix=f.suffix)) for f in DOCUMENT_FORMATS],
            label=terms.label,
            curie=terms.curie,
            title=TITLE,
            description=DESCRIPTION,
            base=base(),
            prefix=prefix,
        )
        response = Response(body, content_type=HTML.content_type)
    else:
        triples = void_triples(stats, catalogue(), current_app.config["LICENSE"])
        body_bytes = serialize_graph(triples, chosen, base() + "context.jsonld")
        response = Response(body_bytes, content_type=chosen.content_type)
    return with_alternates(response, "void.void", fmt, chosen)
