"""The client libraries people use, against a live `speechld serve` with the seed speech."""

from __future__ import annotations

from typing import Any

import pytest
from pyld import jsonld  # type: ignore[import-untyped]
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import FOAF, XSD
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from speechld.vocab import SLD

from .conftest import LiveServer

PREFIXES = f"PREFIX sld: <{SLD}>\nPREFIX foaf: <{FOAF}>\n"
# The seed speech: the bundled data's only speech by its speaker.
SEED = 'sld:speaker/foaf:name "Anna Ljunggren"'
BY_SPEAKER = (
    PREFIXES
    + """SELECT ?speech ?number ?name WHERE {
  ?speech a sld:Speech ; sld:speechNumber ?number ; sld:speaker/foaf:name ?name .
  FILTER(?name = "Anna Ljunggren")
}"""
)


def wrapper(server: LiveServer, query: str, fmt: str, method: str = GET) -> SPARQLWrapper:
    """A SPARQLWrapper set up for one query."""
    client = SPARQLWrapper(f"{server.url}sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


@pytest.mark.parametrize(
    ("method", "request_method"), [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]
)
def test_sparqlwrapper_select_json(
    live_server: LiveServer, method: str, request_method: str
) -> None:
    client = wrapper(live_server, BY_SPEAKER, JSON, method)
    client.setRequestMethod(request_method)
    result: Any = client.queryAndConvert()
    [row] = result["results"]["bindings"]
    assert row["name"]["value"] == "Anna Ljunggren"
    assert row["number"] == {"type": "literal", "datatype": str(XSD.integer), "value": "211"}
    assert row["speech"]["value"].startswith(f"{live_server.url}id/speech/")


def test_sparqlwrapper_select_xml_csv_tsv(live_server: LiveServer) -> None:
    xml: Any = wrapper(live_server, BY_SPEAKER, XML).queryAndConvert()
    names = [n.firstChild.data for n in xml.getElementsByTagName("literal")]
    assert "Anna Ljunggren" in names and "211" in names
    for fmt, separator in ((CSV, ","), (TSV, "\t")):
        text = wrapper(live_server, BY_SPEAKER, fmt).queryAndConvert()
        assert isinstance(text, bytes)
        header, row = text.decode().splitlines()
        assert header.replace("?", "").split(separator) == ["speech", "number", "name"]
        assert "Anna Ljunggren" in row


def test_sparqlwrapper_ask(live_server: LiveServer) -> None:
    query = PREFIXES + 'ASK { ?p foaf:name "Anna Ljunggren" }'
    assert wrapper(live_server, query, JSON).queryAndConvert() == {"head": {}, "boolean": True}
    missing = PREFIXES + 'ASK { ?p foaf:name "Nobody at all" }'
    assert wrapper(live_server, missing, JSON).queryAndConvert() == {"head": {}, "boolean": False}


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, JSONLD])
def test_sparqlwrapper_construct_and_describe(live_server: LiveServer, fmt: str) -> None:
    query = PREFIXES + f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s a sld:Speech ; {SEED} ; ?p ?o }}"
    result: Any = wrapper(live_server, query, fmt).queryAndConvert()
    graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle")
    speech = graph.value(predicate=RDF.type, object=SLD.Speech)
    assert speech is not None
    assert graph.value(speech, SLD.speechNumber) == Literal(211, datatype=XSD.integer)
    described: Any = wrapper(live_server, f"DESCRIBE <{speech}>", fmt).queryAndConvert()
    described = (
        described
        if isinstance(described, Graph)
        else Graph().parse(data=described, format="turtle")
    )
    assert (speech, SLD.speechNumber, Literal(211, datatype=XSD.integer)) in described


def test_sparqlwrapper_sees_a_malformed_query_as_such(live_server: LiveServer) -> None:
    with pytest.raises(QueryBadFormed, match="error at"):
        wrapper(live_server, "SELECT * WHERE { ?s ?p", JSON).query()


def test_rdflib_sparqlstore_reads_the_speech(live_server: LiveServer) -> None:
    store = SPARQLStore(f"{live_server.url}sparql")
    try:
        graph = Graph(store=store)
        rows = graph.query(
            PREFIXES + f"SELECT ?s ?n WHERE {{ ?s a sld:Speech ; sld:speechNumber ?n ; {SEED} }}"
        )
        [(speech, number)] = [tuple(row) for row in rows]  # type: ignore[arg-type]
        assert number == Literal(211, datatype=XSD.integer)
        assert isinstance(speech, URIRef)
        speaker = graph.value(speech, SLD.speaker)
        assert graph.value(speaker, FOAF.name) == Literal("Anna Ljunggren")
        properties = {p for p, _ in graph.predicate_objects(speech)}
        assert {RDF.type, SLD.speaker, SLD.text, SLD.speechNumber} <= properties
        assert (speech, RDF.type, SLD.Speech) in graph
        assert graph.query(PREFIXES + "ASK { ?s a sld:Speech }").askAnswer is True
    finally:
        store.close()


@pytest.mark.parametrize("path", ["id/speech/3bf58de9457631b3", ".well-known/void", "ontology"])
def test_pyld_loads_a_document_by_its_uri(live_server: LiveServer, path: str) -> None:
    # pyld reads a response's Link header as one link per relation: two rel="alternate"
    # links made every JSON-LD document unloadable
    expanded: Any = jsonld.expand(live_server.url + path)
    assert expanded
    if path.startswith("id/"):
        (speech,) = [n for n in expanded if n["@id"] == live_server.url + path]
        assert speech["@type"] == [str(SLD.Speech)]
