"""The one format table: media types, file suffixes and serialisers of every format served."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat


@dataclass(frozen=True)
class Format:
    """A serialisation format and every name it goes by."""

    name: str  # CLI --format and ?format= value
    media_type: str
    suffix: str  # document URL suffix and dump file suffix, without the dot
    rdf: RdfFormat | None = None  # for graphs and datasets
    results: QueryResultsFormat | None = None  # for SELECT / ASK results
    iri: str | None = None  # the W3C format IRI (http://www.w3.org/ns/formats/...)
    also: tuple[str, ...] = ()  # other names clients use for it in `format=`
    aliases: tuple[str, ...] = ()  # other media types a client may ask for it by
    dump: bool = False  # serialised chunks concatenate into one document: fit for dumps
    title: str = ""  # the name people know it by
    file_type: str | None = None  # the EU's file type code (DCAT-AP's dcterms:format)

    @property
    def content_type(self) -> str:
        """The Content-Type header value, with a charset for text formats."""
        binary = self.media_type in {"application/sparql-results+json", "application/ld+json"}
        return self.media_type if binary else f"{self.media_type}; charset=utf-8"


# Order matters: for graphs, `*/*` and a missing Accept pick the first one a caller offers.
W3C = "http://www.w3.org/ns/formats/"
GRAPH_FORMATS: tuple[Format, ...] = (
    Format(
        "turtle",
        "text/turtle",
        "ttl",
        RdfFormat.TURTLE,
        iri=W3C + "Turtle",
        also=("n3",),
        aliases=("application/x-turtle", "text/n3"),
        dump=True,
        title="Turtle",
        file_type="RDF_TURTLE",
    ),
    Format(
        "jsonld",
        "application/ld+json",
        "jsonld",
        RdfFormat.JSON_LD,
        iri=W3C + "JSON-LD",
        also=("json-ld", "json"),
        aliases=("application/json",),
        title="JSON-LD",
        file_type="JSON_LD",
    ),
    Format(
        "ntriples",
        "application/n-triples",
        "nt",
        RdfFormat.N_TRIPLES,
        iri=W3C + "N-Triples",
        aliases=("text/plain",),
        dump=True,
        title="N-Triples",
        file_type="RDF_N_TRIPLES",
    ),
    Format(
        "rdfxml",
        "application/rdf+xml",
        "rdf",
        RdfFormat.RDF_XML,
        iri=W3C + "RDF_XML",
        also=("rdf+xml", "xml"),
        aliases=("application/xml", "text/xml"),
        title="RDF/XML",
        file_type="RDF_XML",
    ),
    Format(
        "nquads",
        "application/n-quads",
        "nq",
        RdfFormat.N_QUADS,
        iri=W3C + "N-Quads",
        dump=True,
        title="N-Quads",
        file_type="RDF_N_QUADS",
    ),
    Format(
        "trig",
        "application/trig",
        "trig",
        RdfFormat.TRIG,
        iri=W3C + "TriG",
        title="TriG",
        file_type="RDF_TRIG",
    ),
)
RESULT_FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        "application/sparql-results+json",
        "srj",
        results=QueryResultsFormat.JSON,
        iri=W3C + "SPARQL_Results_JSON",
        aliases=("application/json",),
    ),
    Format(
        "xml",
        "application/sparql-results+xml",
        "srx",
        results=QueryResultsFormat.XML,
        iri=W3C + "SPARQL_Results_XML",
        aliases=("application/xml", "text/xml"),
    ),
    Format(
        "csv", "text/csv", "csv", results=QueryResultsFormat.CSV, iri=W3C + "SPARQL_Results_CSV"
    ),
    Format(
        "tsv",
        "text/tab-separated-values",
        "tsv",
        results=QueryResultsFormat.TSV,
        iri=W3C + "SPARQL_Results_TSV",
    ),
)
HTML = Format("html", "text/html", "html", aliases=("application/xhtml+xml",), title="HTML")
DUMP_FORMATS: tuple[Format, ...] = tuple(f for f in GRAPH_FORMATS if f.dump)
QUADS = frozenset({RdfFormat.N_QUADS, RdfFormat.TRIG})  # the formats that name graphs
# A resource's document is one graph, in HTML first: `*/*` and browsers get the page.
DOCUMENT_FORMATS: tuple[Format, ...] = (HTML, *(f for f in GRAPH_FORMATS if f.rdf not in QUADS))
# A named graph's document is a graph, and also a dataset of that one graph (N-Quads, TriG).
NAMED_GRAPH_FORMATS: tuple[Format, ...] = (
    *DOCUMENT_FORMATS,
    *(f for f in GRAPH_FORMATS if f.rdf in QUADS),
)

BY_NAME: dict[str, Format] = {f.name: f for f in (*GRAPH_FORMATS, *RESULT_FORMATS, HTML)}
BY_SUFFIX: dict[str, Format] = {f.suffix: f for f in (*GRAPH_FORMATS, HTML)}
BY_MEDIA_TYPE: dict[str, Format] = {
    f.media_type: f for f in (*GRAPH_FORMATS, *RESULT_FORMATS, HTML)
}


def by_name(name: str) -> Format:
    """The format a user names, e.g. on the command line.

    >>> by_name("turtle").media_type
    'text/turtle'
    """
    return BY_NAME[name]


def lookup(value: str, offered: Iterable[Format]) -> Format | None:
    """The offered format a `format=` value names: by name, suffix, media type or other name.

    >>> lookup("json", GRAPH_FORMATS).name, lookup("application/rdf+xml", GRAPH_FORMATS).name
    ('jsonld', 'rdfxml')
    >>> lookup("text/xml", RESULT_FORMATS).name
    'xml'
    """
    value = value.strip().lower()
    return next(
        (f for f in offered if value in {f.name, f.suffix, f.media_type, *f.also, *f.aliases}),
        None,
    )
