"""The dataset described in VoID and DCAT at /.well-known/void: figures, dumps, endpoint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template
from pyoxigraph import Literal, NamedNode, Triple
from rdflib import RDF, RDFS, XSD
from rdflib.namespace import DCTERMS

from speechld.dump import file_name
from speechld.formats import DOCUMENT_FORMATS, DUMP_FORMATS, NAMED_GRAPH_FORMATS, QUADS, Format
from speechld.vocab import ONTOLOGY, SHAPES, SLD
from speechld.web import terms
from speechld.web.dumps import made_file
from speechld.web.figures import Catalogue, Statistics, catalogue, statistics
from speechld.web.negotiation import fixed_document
from speechld.web.store import base

bp = Blueprint("void", __name__)

VOID = terms.PREFIXES["void"]
FOAF = terms.PREFIXES["foaf"]
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
# The EU's authority tables, which DCAT-AP catalogues (data.europa.eu) read.
EU = "http://publications.europa.eu/resource/authority/"
THEME = EU + "data-theme/GOVE"  # government and public sector
# The Nordic countries and autonomous areas, whose members speak in the Nordic Council.
SPATIAL = ("DNK", "FIN", "ISL", "NOR", "SWE", "FRO", "GRL", "ALA")
KEYWORDS = ("Nordic Council", "plenary speeches", "parliamentary debates", "Linked Open Data")
# The languages CLD2 and lingua tell apart here, by the EU's codes (its language table).
EU_LANGUAGES = {
    "da": "DAN", "sv": "SWE", "nb": "NOB", "nn": "NNO", "no": "NOR", "fi": "FIN", "is": "ISL",
    "fo": "FAO", "kl": "KAL", "en": "ENG", "de": "DEU", "fr": "FRA",
}  # fmt: skip
LOC = "http://id.loc.gov/vocabulary/"  # the ISO 639 languages speeches are linked to
VCARD = "http://www.w3.org/2006/vcard/ns#"
DATED_ENOUGH = 0.9  # share of dated speeches below which no time coverage is stated
TITLE = "Nordic Council plenary speeches"
DESCRIPTION = (
    "Plenary speeches of the Nordic Council as Linked Open Data: who spoke, in what role, "
    "for which party group, of what type, when, in which language, and what was said."
)


@dataclass(frozen=True)
class Publication:
    """Who publishes the dataset, under what licence, and whom to ask: the server's settings."""

    license: str
    publisher: str | None = None  # a name
    publisher_url: str | None = None
    contact: str | None = None  # an email address or a URL

    @property
    def contact_iri(self) -> str | None:
        """The contact as an IRI: `mailto:` for an email address."""
        if not self.contact or "://" in self.contact or self.contact.startswith("mailto:"):
            return self.contact or None
        return "mailto:" + self.contact


def publication() -> Publication:
    """The running app's publication settings."""
    config = current_app.config
    return Publication(
        config["LICENSE"],
        config.get("PUBLISHER"),
        config.get("PUBLISHER_URL"),
        config.get("CONTACT"),
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


def moment(when: datetime) -> Literal:
    """A moment as an xsd:dateTime in UTC."""
    text = when.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return Literal(text, datatype=NamedNode(str(XSD.dateTime)))


def stamp(stats: Statistics) -> str | None:
    """When the data was last changed, as an xsd:dateTime in UTC."""
    return None if stats.modified is None else str(moment(stats.modified).value)


def languages(stats: Statistics) -> list[str]:
    """The languages speeches and translations are in, as id.loc.gov IRIs; not `und`."""
    return [iri for iri in stats.languages if not iri.endswith("/und")]


def eu_language(iri: str) -> str:
    """A language as the EU's authority table names it (DCAT-AP), where it has it, else as
    the data links it.

    >>> eu_language("http://id.loc.gov/vocabulary/iso639-1/nb")
    'http://publications.europa.eu/resource/authority/language/NOB'
    """
    code = EU_LANGUAGES.get(iri.rsplit("/", 1)[-1])
    return f"{EU}language/{code}" if code else iri


def speeches(stats: Statistics) -> int:
    """The number of speeches, from the figures VoID states."""
    return dict(stats.classes).get(str(SLD.Speech), 0)


def dated_share(stats: Statistics) -> float:
    """The share of speeches that have a sitting (a day)."""
    return stats.dated / speeches(stats) if speeches(stats) else 0.0


def coverage(stats: Statistics, things: Catalogue) -> tuple[date, date] | None:
    """The days the speeches span, from the first sitting to the last; None without
    sittings, or when so many speeches are undated that the span could mislead."""
    if dated_share(stats) < DATED_ENOUGH:
        return None
    days = []
    for uri in things.kinds.get("sitting", ()):
        try:
            days.append(date.fromisoformat(uri.rstrip("/").rsplit("/", 1)[-1]))
        except ValueError:
            continue
    return (min(days), max(days)) if days else None


def dataset_jsonld(stats: Statistics, things: Catalogue, pub: Publication) -> dict[str, Any]:
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
        "license": pub.license,
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
    if tags := [iri.rsplit("/", 1)[-1] for iri in languages(stats)]:
        found["inLanguage"] = tags  # BCP 47, as the id.loc.gov IRIs end
    if pub.publisher:
        found["publisher"] = {"@type": "Organization", "name": pub.publisher}
        if pub.publisher_url:
            found["publisher"]["url"] = pub.publisher_url
    if stamp(stats):
        found["dateModified"] = stamp(stats)
    if span := coverage(stats, things):
        found["temporalCoverage"] = f"{span[0]}/{span[1]}"
    return found


def made_dumps() -> dict[str, Path]:
    """The dump files made of the data served, by format name."""
    found = {fmt.name: made_file(fmt) for fmt in DUMP_FORMATS}
    return {name: path for name, path in found.items() if path is not None}


def dump_url(fmt: Format) -> str:
    """Where a format's dump is downloaded, under the dataset base."""
    return f"{base()}dumps/{file_name(fmt)}"


def void_triples(
    stats: Statistics, things: Catalogue, pub: Publication, made: dict[str, Path]
) -> list[Triple]:
    """The VoID and DCAT description of the dataset, its catalogue and its links; the
    dumps made for the current data (by format name) with their sizes."""
    root = base()
    doc = root + ".well-known/void"
    dataset = NamedNode(doc + "#dataset")
    triples: list[Triple] = []

    def add(s: NamedNode, p: str, o: NamedNode | Literal) -> None:
        triples.append(Triple(s, NamedNode(p), o))

    def count(n: int, datatype: str = str(XSD.integer)) -> Literal:
        return Literal(str(n), datatype=NamedNode(datatype))

    add(NamedNode(doc), str(RDF.type), NamedNode(VOID + "DatasetDescription"))
    add(NamedNode(doc), str(DCTERMS.title), Literal("VoID description of " + TITLE, language="en"))
    add(NamedNode(doc), FOAF + "primaryTopic", dataset)
    add(dataset, str(RDF.type), NamedNode(VOID + "Dataset"))
    add(dataset, str(RDF.type), NamedNode(DCAT + "Dataset"))
    add(dataset, str(DCTERMS.title), Literal(TITLE, language="en"))
    add(dataset, str(RDFS.label), Literal(TITLE, language="en"))
    add(dataset, str(DCTERMS.description), Literal(DESCRIPTION, language="en"))
    license_node = NamedNode(pub.license)
    add(dataset, str(DCTERMS.license), license_node)
    add(dataset, str(DCTERMS.source), NamedNode(SOURCE))
    for keyword in KEYWORDS:
        add(dataset, DCAT + "keyword", Literal(keyword, language="en"))
    add(dataset, DCAT + "theme", NamedNode(THEME))
    for country in SPATIAL:
        add(dataset, str(DCTERMS.spatial), NamedNode(f"{EU}country/{country}"))
    for language in languages(stats):
        add(dataset, str(DCTERMS.language), NamedNode(eu_language(language)))
    if span := coverage(stats, things):
        period = NamedNode(doc + "#period")
        add(dataset, str(DCTERMS.temporal), period)
        add(period, str(RDF.type), NamedNode(str(DCTERMS.PeriodOfTime)))
        add(period, DCAT + "startDate", Literal(str(span[0]), datatype=NamedNode(str(XSD.date))))
        add(period, DCAT + "endDate", Literal(str(span[1]), datatype=NamedNode(str(XSD.date))))
    triples += agents(doc, dataset, pub)
    add(dataset, str(DCTERMS.conformsTo), NamedNode(ONTOLOGY))  # the vocabulary it is in
    add(dataset, str(DCTERMS.conformsTo), NamedNode(SHAPES))  # and the shapes it keeps to
    add(NamedNode(ONTOLOGY), str(RDFS.seeAlso), NamedNode(root + "ontology"))  # served here
    add(NamedNode(SHAPES), str(RDFS.seeAlso), NamedNode(root + "shapes"))
    if stats.modified is not None:
        add(dataset, str(DCTERMS.modified), moment(stats.modified))
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
        held = (
            "every source page's named graph, with its provenance"
            if fmt.rdf in QUADS
            else "the union of the source pages' named graphs"
        )
        add(
            distribution,
            str(DCTERMS.description),
            Literal(f"The whole dataset: {held}.", language="en"),
        )
        add(distribution, DCAT + "downloadURL", url)
        add(distribution, DCAT + "accessURL", url)
        add(distribution, DCAT + "mediaType", NamedNode(IANA + fmt.media_type))
        add(distribution, DCAT + "compressFormat", NamedNode(IANA + "application/gzip"))
        add(distribution, str(DCTERMS.license), license_node)
        if fmt.file_type:
            add(distribution, str(DCTERMS.format), NamedNode(f"{EU}file-type/{fmt.file_type}"))
        if (file := made.get(fmt.name)) is not None:
            try:
                found = file.stat()
            except FileNotFoundError:  # a newer version's made meanwhile: this one is gone
                continue
            add(distribution, DCAT + "byteSize", count(found.st_size, str(XSD.nonNegativeInteger)))
            if stats.modified is not None:  # the data it holds, as its Last-Modified says
                add(distribution, str(DCTERMS.modified), moment(stats.modified))
    service = NamedNode(doc + "#sparql")
    endpoint = NamedNode(root + "sparql")
    add(dataset, DCAT + "distribution", NamedNode(doc + "#sparql-distribution"))
    add(NamedNode(doc + "#sparql-distribution"), str(RDF.type), NamedNode(DCAT + "Distribution"))
    add(NamedNode(doc + "#sparql-distribution"), DCAT + "accessURL", endpoint)
    add(NamedNode(doc + "#sparql-distribution"), DCAT + "accessService", service)
    add(NamedNode(doc + "#sparql-distribution"), str(DCTERMS.license), license_node)
    add(
        NamedNode(doc + "#sparql-distribution"),
        str(DCTERMS.description),
        Literal("The dataset through its SPARQL 1.1 query endpoint.", language="en"),
    )
    add(service, str(RDF.type), NamedNode(DCAT + "DataService"))
    add(service, str(DCTERMS.title), Literal("SPARQL 1.1 endpoint", language="en"))
    add(service, DCAT + "endpointURL", endpoint)
    add(service, DCAT + "endpointDescription", endpoint)  # its SPARQL service description
    add(service, str(DCTERMS.license), license_node)
    add(service, DCAT + "servesDataset", dataset)
    add(service, str(DCTERMS.conformsTo), NamedNode("https://www.w3.org/TR/sparql11-protocol/"))
    catalog = NamedNode(doc + "#catalog")
    add(catalog, str(RDF.type), NamedNode(DCAT + "Catalog"))
    add(catalog, str(DCTERMS.title), Literal(TITLE, language="en"))
    add(catalog, str(DCTERMS.description), Literal(DESCRIPTION, language="en"))
    add(catalog, FOAF + "homepage", NamedNode(root))
    add(catalog, DCAT + "dataset", dataset)
    add(catalog, DCAT + "service", service)
    add(catalog, str(DCTERMS.license), license_node)
    add(catalog, str(DCTERMS.language), NamedNode(f"{EU}language/ENG"))  # of its description
    add(catalog, DCAT + "themeTaxonomy", NamedNode(f"{EU}data-theme"))
    if stats.modified is not None:
        add(catalog, str(DCTERMS.modified), moment(stats.modified))
    if pub.publisher:
        add(catalog, str(DCTERMS.publisher), publisher_node(doc))
    links = dict(stats.properties).get(str(DCTERMS.language), 0)
    if links:  # each speech's and translation's language, an id.loc.gov IRI
        linkset = NamedNode(doc + "#languages")
        add(dataset, VOID + "subset", linkset)
        add(linkset, str(RDF.type), NamedNode(VOID + "Linkset"))
        add(linkset, VOID + "subjectsTarget", dataset)
        schemes = {iri.rsplit("/", 1)[0] for iri in stats.languages}
        target = NamedNode(schemes.pop() if len(schemes) == 1 else LOC)
        add(linkset, VOID + "objectsTarget", target)  # ISO 639-1's, where every one is
        add(target, str(RDF.type), NamedNode(VOID + "Dataset"))
        add(linkset, VOID + "linkPredicate", NamedNode(str(DCTERMS.language)))
        add(linkset, VOID + "triples", count(links))
    return triples


def publisher_node(doc: str) -> NamedNode:
    """The publisher, described in the VoID document."""
    return NamedNode(doc + "#publisher")


def agents(doc: str, dataset: NamedNode, pub: Publication) -> list[Triple]:
    """Who publishes the dataset and whom to ask about it, where the server was told."""
    found: list[Triple] = []
    if pub.publisher:
        publisher = publisher_node(doc)
        found += [
            Triple(dataset, NamedNode(str(DCTERMS.publisher)), publisher),
            Triple(publisher, NamedNode(str(RDF.type)), NamedNode(FOAF + "Organization")),
            Triple(publisher, NamedNode(FOAF + "name"), Literal(pub.publisher)),
        ]
        if pub.publisher_url:
            found.append(
                Triple(publisher, NamedNode(FOAF + "homepage"), NamedNode(pub.publisher_url))
            )
    if pub.contact_iri:
        contact = NamedNode(doc + "#contact")
        link = "hasEmail" if pub.contact_iri.startswith("mailto:") else "hasURL"
        found += [
            Triple(dataset, NamedNode(DCAT + "contactPoint"), contact),
            Triple(contact, NamedNode(str(RDF.type)), NamedNode(VCARD + "Kind")),
            Triple(contact, NamedNode(VCARD + "fn"), Literal(pub.publisher or TITLE)),
            Triple(contact, NamedNode(VCARD + link), NamedNode(pub.contact_iri)),
        ]
    return found


@bp.get("/.well-known/void", defaults={"suffix": None})
@bp.get("/.well-known/void.<suffix>")
def void(suffix: str | None) -> Response:
    """The VoID and DCAT description, in the negotiated format or the one its suffix names."""
    stats, pub = statistics(), publication()

    def page(formats: list[tuple[Format, str]]) -> str:
        things = catalogue()
        return render_template(
            "void.html",
            stats=stats,
            entities=things.entities,
            examples=things.named["examples"],
            vocabularies=vocabularies(stats),
            source=SOURCE,
            license=pub.license,
            license_name=licence_name(pub.license),
            publication=pub,
            speeches=speeches(stats),
            span=coverage(stats, things),
            jsonld=dataset_jsonld(stats, things, pub),
            dumps=[(f, dump_url(f)) for f in DUMP_FORMATS],
            formats=formats,
            label=terms.label,
            curie=terms.curie,
            title=TITLE,
            description=DESCRIPTION,
            base=base(),
            prefix=prefix,
        )

    return fixed_document(
        "The VoID description",
        "void.void",
        suffix,
        page,
        lambda: void_triples(stats, catalogue(), pub, made_dumps()),
    )
