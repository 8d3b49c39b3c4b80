"""The SPARQL 1.1 Protocol against a live server: the W3C protocol test suite's query cases
(sparql/sparql11/protocol/manifest.ttl of w3c/rdf-tests), then this endpoint's own rules.

The W3C cases load three named graphs `http://kasei.us/2009/09/sparql/data/dataN.rdf`, each
holding `<dataN.rdf> a foaf:Document`, and send each request as the manifest gives it.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.compare import isomorphic

from speechld.formats import BY_MEDIA_TYPE
from speechld.sparql.description import concurrency_text
from speechld.store import EmbeddedStore, SourceGraph
from speechld.web.serving import share

from .conftest import LiveServer, start_server, stop_server
from .test_ingest import CLI

KASEI = "http://kasei.us/2009/09/sparql/data/"
D0, D1, D2, D3 = (f"{KASEI}data{i}.rdf" for i in range(4))
FOAF_DOCUMENT = "<http://xmlns.com/foaf/0.1/Document>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
BOOLEAN = {"application/sparql-results+xml", "application/sparql-results+json"}
TABULAR = BOOLEAN | {"text/tab-separated-values", "text/csv"}
RDF = {"application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json"}
ASK_BOTH_DEFAULT = f"ASK {{ <{D1}> a ?type . <{D2}> a ?type . }}"
ASK_BOTH_NAMED = f"ASK {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
ASK_FULL = f"""ASK {{
  <{D3}> a ?type
  GRAPH ?g1 {{ <{D1}> a ?type }}
  GRAPH ?g2 {{ <{D2}> a ?type }}
}}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`speechld serve` over a store holding the W3C protocol tests' three graphs."""
    path = tmp_path_factory.mktemp("protocol") / "store"
    store = EmbeddedStore(path)
    store.replace(SourceGraph(g, f"<{g}> {TYPE} {FOAF_DOCUMENT} .\n") for g in (D1, D2, D3))
    store.close()
    live = start_server(path, "--max-concurrent-queries", "2")
    yield live
    stop_server(live)
    shutil.rmtree(path, ignore_errors=True)


@dataclass(frozen=True)
class Case:
    """One request of the W3C protocol manifest and what its response must be."""

    name: str
    method: str
    params: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    content_type: str | None = None
    status: int = 2  # the status class: 2 for 2xx, 4 for 4xx
    types: frozenset[str] = frozenset()  # acceptable response media types
    boolean: bool | None = None


W3C_CASES = [
    Case("query_get", "GET", [("query", "ASK {}"), ("default-graph-uri", D0)],
         types=frozenset(BOOLEAN), boolean=True),
    Case("query_post_form", "POST", [("default-graph-uri", D0)], b"query=ASK%20%7B%7D", FORM,
         types=frozenset(BOOLEAN), boolean=True),
    Case("query_post_direct", "POST", [], b"ASK {}", DIRECT,
         types=frozenset(BOOLEAN), boolean=True),
    Case("query_dataset_default_graphs_get", "GET",
         [("query", ASK_BOTH_DEFAULT), ("default-graph-uri", D1), ("default-graph-uri", D2)],
         types=frozenset(BOOLEAN), boolean=True),
    Case("query_dataset_default_graphs_post", "POST",
         [("default-graph-uri", D1), ("default-graph-uri", D2)], ASK_BOTH_DEFAULT.encode(), DIRECT,
         types=frozenset(BOOLEAN), boolean=True),
    Case("query_dataset_named_graphs_post", "POST",
         [("named-graph-uri", D1), ("named-graph-uri", D2)], ASK_BOTH_NAMED.encode(), DIRECT,
         types=frozenset(BOOLEAN), boolean=True),
    Case("query_dataset_named_graphs_get", "GET",
         [("query", ASK_BOTH_NAMED), ("named-graph-uri", D1), ("named-graph-uri", D2)],
         types=frozenset(BOOLEAN), boolean=True),
    Case("query_dataset_full", "POST",
         [("default-graph-uri", D3), ("named-graph-uri", D1), ("named-graph-uri", D2)],
         ASK_FULL.encode(), DIRECT, types=frozenset(BOOLEAN), boolean=True),
    # The manifest percent-encodes the `&` between the two named-graph-uri parameters, which
    # makes them one IRI and the answer false; its expected `true` needs two parameters.
    Case("query_multiple_dataset", "POST", [("named-graph-uri", D1), ("named-graph-uri", D2)],
         f"ASK FROM <{D3}> {ASK_BOTH_NAMED[4:]}".encode(), DIRECT,
         types=frozenset(BOOLEAN), boolean=True),
    Case("query_content_type_select", "POST", [("default-graph-uri", D0)],
         b"SELECT (1 AS ?value) {}", DIRECT, types=frozenset(TABULAR)),
    Case("query_content_type_ask", "POST", [("default-graph-uri", D0)], b"ASK {}", DIRECT,
         types=frozenset(BOOLEAN), boolean=True),
    Case("query_content_type_describe", "POST", [("default-graph-uri", D0)],
         b"DESCRIBE <http://example.org/>", DIRECT, types=frozenset(RDF)),
    Case("query_content_type_construct", "POST", [("default-graph-uri", D0)],
         b"CONSTRUCT { <s> <p> 1 } WHERE {}", DIRECT, types=frozenset(RDF)),
    Case("bad_query_method", "PUT", [("query", "ASK {}"), ("default-graph-uri", D0)], b"", FORM,
         status=4),
    Case("bad_multiple_queries", "GET", [("query", "ASK {}"), ("query", "SELECT * {}")], status=4),
    Case("bad_query_wrong_media_type", "POST", [], b"ASK {}", "text/plain", status=4),
    Case("bad_query_missing_form_type", "POST", [], b"query=ASK%20%7B%7D", status=4),
    Case("bad_query_missing_direct_type", "POST", [], b"ASK {}", status=4),
    Case("bad_query_non_utf8", "POST", [], "ASK {}".encode("utf-16"),
         f"{DIRECT}; charset=UTF-16", status=4),
    Case("bad_query_syntax", "GET", [("query", "ASK {")], status=4),
    # No update operation is exposed: every update case, good or bad, is refused.
    Case("update_post_form", "POST", [], b"update=CLEAR+ALL", FORM, status=4),
    Case("update_post_direct", "POST", [], b"CLEAR ALL", "application/sparql-update", status=4),
    Case("update_dataset_default_graph", "POST", [("using-graph-uri", D1)],
         f"CLEAR ALL ; INSERT DATA {{ GRAPH <{D1}> {{ <{D1}> a {FOAF_DOCUMENT} }} }}".encode(),
         "application/sparql-update", status=4),
    Case("bad_update_get", "GET", [("update", "CLEAR ALL")], status=4),
    Case("bad_multiple_updates", "POST", [], b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM,
         status=4),
    Case("bad_update_wrong_media_type", "POST", [], b"CLEAR NAMED", "text/plain", status=4),
    Case("bad_update_missing_form_type", "POST", [], b"update=CLEAR%20NAMED", status=4),
    Case("bad_update_non_utf8", "POST", [], "CLEAR NAMED".encode("utf-16"),
         "application/sparql-update; charset=UTF-16", status=4),
    Case("bad_update_syntax", "POST", [], b"update=CLEAR%20XYZ", FORM, status=4),
]  # fmt: skip


def send(server: LiveServer, case: Case) -> requests.Response:
    """Send a case's request as the manifest gives it (requests adds `Accept: */*`)."""
    headers = {"Content-Type": case.content_type} if case.content_type else {}
    return requests.request(
        case.method,
        f"{server.url}sparql",
        params=case.params,
        data=case.body,
        headers=headers,
        timeout=30,
    )


def media_type(response: requests.Response) -> str:
    return response.headers["Content-Type"].split(";")[0].strip()


@pytest.mark.parametrize("case", W3C_CASES, ids=[c.name for c in W3C_CASES])
def test_w3c_protocol_case(server: LiveServer, case: Case) -> None:
    response = send(server, case)
    assert response.status_code // 100 == case.status, response.text
    if case.status != 2:
        return
    assert media_type(response) in case.types
    if case.boolean is not None:
        fmt = ox.QueryResultsFormat.from_media_type(media_type(response))
        assert fmt is not None
        assert bool(ox.parse_query_results(response.content, fmt)) is case.boolean
    if case.types == RDF:
        Graph().parse(data=response.content, format="turtle")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ([("query", ASK_BOTH_DEFAULT)], True),  # the default graph is the union of the graphs
        ([("query", ASK_BOTH_DEFAULT), ("default-graph-uri", D1)], False),
        ([("query", ASK_BOTH_NAMED), ("default-graph-uri", D1)], False),  # no named graphs left
        ([("query", ASK_BOTH_NAMED), ("named-graph-uri", D1)], False),
        ([("query", f"ASK FROM <{D1}> {{ <{D2}> a ?type }}")], False),  # FROM is honoured
        ([("query", f"ASK FROM <{D2}> {{ <{D2}> a ?type }}")], True),
    ],
)
def test_dataset_is_exactly_what_was_asked(
    server: LiveServer, params: list[tuple[str, str]], expected: bool
) -> None:
    response = requests.get(
        f"{server.url}sparql",
        params=params,
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.json()["boolean"] is expected


SELECT = "SELECT ?doc WHERE { ?doc a ?type } ORDER BY ?doc"
CONSTRUCT = "CONSTRUCT WHERE { ?doc a ?type }"
JQUERY = "application/json, text/javascript, */*; q=0.01"  # jQuery's default for JSON
SRJ = "application/sparql-results+json"
SRX = "application/sparql-results+xml"


@pytest.mark.parametrize(
    ("query", "accept", "fmt", "expected"),
    [
        (SELECT, None, None, "application/sparql-results+json"),
        (SELECT, "*/*", None, "application/sparql-results+json"),
        (SELECT, "application/sparql-results+xml", None, "application/sparql-results+xml"),
        (SELECT, "text/csv;q=0.5, text/tab-separated-values", None, "text/tab-separated-values"),
        (SELECT, "application/sparql-results+xml, application/rdf+xml, */*", None,
         "application/sparql-results+xml"),
        (SELECT, "text/html,application/xhtml+xml,*/*;q=0.8", None, "text/html"),
        (SELECT, "text/html", "csv", "text/csv"),
        (SELECT, None, "application/sparql-results+xml", "application/sparql-results+xml"),
        (CONSTRUCT, None, None, "text/turtle"),
        (CONSTRUCT, "application/ld+json", None, "application/ld+json"),
        (CONSTRUCT, "application/n-triples;q=0.9, application/rdf+xml", None,
         "application/rdf+xml"),
        (CONSTRUCT, None, "xml", "application/rdf+xml"),
        (CONSTRUCT, None, "json", "application/ld+json"),
        (CONSTRUCT, None, "ntriples", "application/n-triples"),
        ("ASK {}", "application/sparql-results+xml", None, "application/sparql-results+xml"),
        # Parameters other than q do not stop a media range from matching.
        ("ASK {}", "application/sparql-results+json; charset=utf-8", None,
         "application/sparql-results+json"),
        (SELECT, "text/csv;charset=utf-8;q=0.5, text/tab-separated-values;charset=utf-8", None,
         "text/tab-separated-values"),
        (CONSTRUCT, "text/turtle;charset=utf-8", None, "text/turtle"),
        (CONSTRUCT, 'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"', None,
         "application/ld+json"),
        (SELECT, "text/html;level=1", None, "text/html"),
        # The media types other endpoints answer for the same formats.
        (SELECT, "application/json", None, SRJ),
        ("ASK {}", "application/xml", None, SRX),
        (SELECT, "text/xml", None, SRX),
        (SELECT, JQUERY, None, SRJ),
        (SELECT, None, "application/json", SRJ),
        (CONSTRUCT, "application/json", None, "application/ld+json"),
        (CONSTRUCT, JQUERY, None, "application/ld+json"),
        (CONSTRUCT, "text/plain", None, "application/n-triples"),
        (CONSTRUCT, "application/x-turtle", None, "text/turtle"),
        (CONSTRUCT, "text/n3", None, "text/turtle"),
        (CONSTRUCT, "application/xml", None, "application/rdf+xml"),
        # An empty `format` (SPARQLWrapper sends one) is no format at all.
        ("ASK {}", None, "", SRJ),
        (SELECT, "text/csv", "", "text/csv"),
        (CONSTRUCT, "application/n-quads", None, "application/n-quads"),
        (CONSTRUCT, "application/trig", None, "application/trig"),
        (CONSTRUCT, None, "nquads", "application/n-quads"),
        (CONSTRUCT, None, "trig", "application/trig"),
    ],
)  # fmt: skip
def test_result_format_by_accept_then_format_parameter(
    server: LiveServer, query: str, accept: str | None, fmt: str | None, expected: str
) -> None:
    params = [("query", query)] + ([("format", fmt)] if fmt is not None else [])
    headers = {"Accept": accept} if accept else {"Accept": ""}
    response = requests.get(f"{server.url}sparql", params=params, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    assert media_type(response) == expected
    assert response.headers["Content-Type"] == BY_MEDIA_TYPE[expected].content_type
    assert "Accept" in response.headers["Vary"]


def test_format_names_sparqlwrapper_sends_with_an_empty_one(server: LiveServer) -> None:
    params = [("query", SELECT), ("format", "tsv"), ("format", "")]
    response = requests.get(f"{server.url}sparql", params=params, timeout=30)
    assert response.status_code == 200, response.text
    assert media_type(response) == "text/tab-separated-values"


def test_fuseki_s_output_parameter_chooses_the_format_too(server: LiveServer) -> None:
    response = requests.get(
        f"{server.url}sparql", params={"query": SELECT, "output": "csv"}, timeout=30
    )
    assert response.status_code == 200, response.text
    assert media_type(response) == "text/csv"
    params = {"query": SELECT, "output": "text"}  # Fuseki's text table: not served, not an error
    other = requests.get(f"{server.url}sparql", params=params, timeout=30)
    assert other.status_code == 200 and media_type(other) == "application/sparql-results+json"


def test_a_query_sent_with_a_byte_order_mark_is_read_without_it(server: LiveServer) -> None:
    body = ("\ufeff" + SELECT).encode("utf-8")
    headers = {"Content-Type": "application/sparql-query", "Accept": "text/csv"}
    response = requests.post(f"{server.url}sparql", data=body, headers=headers, timeout=30)
    assert response.status_code == 200, response.text


def test_select_star_gives_the_columns_in_the_order_the_query_writes_them(
    server: LiveServer,
) -> None:
    query = "SELECT * WHERE { ?thing a ?class . BIND(STR(?class) AS ?also) } LIMIT 1"
    for accept, head in (
        ("text/csv", "thing,class,also"),
        ("text/tab-separated-values", "?thing\t?class\t?also"),
    ):
        sent = requests.get(
            f"{server.url}sparql", params={"query": query}, headers={"Accept": accept}, timeout=30
        )
        assert sent.text.splitlines()[0] == head
    result = requests.get(
        f"{server.url}sparql", params={"query": query.replace("*", "DISTINCT *")}, timeout=30
    )
    assert result.json()["head"]["vars"] == ["thing", "class", "also"]
    assert len(result.json()["results"]["bindings"]) == 1


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_a_graph_as_a_dataset_format_is_its_default_graph(server: LiveServer, fmt: str) -> None:
    url = f"{server.url}sparql"
    response = requests.get(url, params={"query": CONSTRUCT, "format": fmt}, timeout=30)
    assert response.status_code == 200, response.text
    parsed = ox.RdfFormat.from_media_type(media_type(response))
    assert parsed is not None
    quads = list(ox.parse(response.content, parsed))
    assert quads and all(q.graph_name == ox.DefaultGraph() for q in quads)
    reference = requests.get(url, params={"query": CONSTRUCT, "format": "ntriples"}, timeout=30)
    expected = {q.triple for q in ox.parse(reference.content, ox.RdfFormat.N_TRIPLES)}
    assert {q.triple for q in quads} == expected


@pytest.mark.parametrize(
    ("query", "accept", "fmt"),
    [
        (SELECT, "text/turtle", None),
        (CONSTRUCT, "application/sparql-results+json", None),
        (SELECT, None, "turtle"),
        (None, "application/sparql-results+json", None),  # the service description is RDF
        (
            SELECT,
            "application/*, application/sparql-results+json;q=0, "
            "application/sparql-results+xml;q=0",
            None,
        ),  # refused by name, not by the wildcard
    ],
)
def test_an_unacceptable_result_is_406_listing_what_is_available(
    server: LiveServer, query: str | None, accept: str | None, fmt: str | None
) -> None:
    params = ([("query", query)] if query else []) + ([("format", fmt)] if fmt else [])
    headers = {"Accept": accept} if accept else {}
    response = requests.get(f"{server.url}sparql", params=params, headers=headers, timeout=30)
    assert response.status_code == 406
    assert "available" in response.text


def test_a_compressed_body_is_415_naming_the_coding_taken(server: LiveServer) -> None:
    response = requests.post(
        f"{server.url}sparql",
        data=gzip.compress(b"ASK {}"),
        headers={"Content-Type": DIRECT, "Content-Encoding": "gzip"},
        timeout=30,
    )
    assert response.status_code == 415 and "Content-Encoding gzip" in response.text
    assert response.headers["Accept-Encoding"] == "identity"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("method", "params", "body", "content_type", "status", "message"),
    [
        ("GET", [("query", "SELECT * {")], None, None, 400, "error at 1:"),
        ("GET", [("query", "SELECT * {\n ?s foo:bar ?o }")], None, None, 400,
         "error at 2:12: the prefix foo: is not declared (add PREFIX foo: <namespace IRI>)"),
        ("GET", [("query", "ASK {} OFFSET 99999999999999999999")], None, None, 400,
         "the query offset should be a non negative integer"),
        ("GET", [("query", "ASK {}"), ("format", "yaml")], None, None, 400, "format 'yaml'"),
        # A format known, but for the other kind of result: not acceptable, not unknown.
        ("GET", [("query", SELECT), ("format", "nquads")], None, None, 406,
         "format nquads does not fit this SELECT result"),
        ("GET", [("query", CONSTRUCT), ("format", "csv")], None, None, 406,
         "format csv does not fit this CONSTRUCT or DESCRIBE result"),
        ("GET", [("format", "tsv")], None, None, 406,
         "format tsv does not fit the service description"),
        ("GET", [("query", "ASK {}"), ("default-graph-uri", "not an iri")], None, None, 400,
         "default-graph-uri"),
        ("GET", [("query", "")], None, None, 400, "empty"),
        ("POST", [("query", "ASK {}")], b"ASK {}", DIRECT, 400, "in the body"),
        ("POST", [("query", "ASK {}")], b"query=ASK%20%7B%7D", FORM, 400, "2 times"),
        ("POST", [], b"format=json", FORM, 400, "no `query`"),
        ("POST", [], b"\xff\xfe", DIRECT, 400, "UTF-8"),
        ("POST", [], b"ASK {}", "multipart/form-data; boundary=x", 415, DIRECT),
        ("GET", [("query", "INSERT DATA { <http://a> <http://b> <http://c> }")], None, None, 403,
         "SPARQL Update"),
        ("POST", [], b"update=DROP+ALL", FORM, 403, "SPARQL Update"),
        ("POST", [], b"DROP ALL", "application/sparql-update", 403, "SPARQL Update"),
        ("GET", [("query", "SELECT * { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")], None,
         None, 403, "allow-list"),
    ],
)  # fmt: skip
def test_errors_a_client_can_act_on(
    server: LiveServer,
    method: str,
    params: list[tuple[str, str]],
    body: bytes | None,
    content_type: str | None,
    status: int,
    message: str,
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = requests.request(
        method, f"{server.url}sparql", params=params, data=body, headers=headers, timeout=30
    )
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/plain")
    assert message in response.text


LATIN1 = "query=SELECT%20(%22%E9%22%20AS%20%3Fx)%20%7B%7D"  # é as Latin-1, not UTF-8


@pytest.mark.parametrize(
    ("method", "query_string", "body", "content_type"),
    [
        ("GET", LATIN1, None, None),
        ("POST", "", LATIN1.encode(), FORM),
        ("POST", "default-graph-uri=http%3A%2F%2Fexample.org%2F%E9", b"ASK {}", DIRECT),
        ("POST", "", b'SELECT ("\xe9" AS ?x) {}', DIRECT),
    ],
)
def test_a_query_not_in_utf8_is_400_not_changed(
    server: LiveServer, method: str, query_string: str, body: bytes | None, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    url = f"{server.url}sparql?{query_string}"
    response = requests.request(method, url, data=body, headers=headers, timeout=30)
    assert response.status_code == 400, response.text
    assert "not valid UTF-8" in response.text


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_query_in_utf8_keeps_its_text(server: LiveServer, method: str) -> None:
    encoded = LATIN1.replace("%E9", "%C3%A9")
    url = f"{server.url}sparql" + (f"?{encoded}" if method == "GET" else "")
    body = encoded.encode() if method == "POST" else None
    headers = {"Content-Type": FORM} if method == "POST" else {}
    response = requests.request(method, url, data=body, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["x"]["value"] == "\u00e9"


def test_a_request_over_the_size_limit_is_refused(server: LiveServer) -> None:
    padding = "#" + "x" * 140_000 + "\nASK {}"
    posted = requests.post(
        f"{server.url}sparql", data=padding, headers={"Content-Type": DIRECT}, timeout=30
    )
    assert posted.status_code == 413 and "131072 bytes" in posted.text
    # A URL of over 64 KB is refused by the HTTP layer itself, before the app reads it.
    got = requests.get(f"{server.url}sparql", params={"query": padding}, timeout=30)
    assert got.status_code == 414


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_service_description_in_every_rdf_format(
    server: LiveServer, accept: str, rdflib_format: str
) -> None:
    endpoint = f"{server.url}sparql"
    response = requests.get(endpoint, headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200
    assert media_type(response) == accept
    graph = Graph().parse(data=response.content, format=rdflib_format)
    reference = Graph().parse(
        data=requests.get(endpoint, headers={"Accept": "text/turtle"}, timeout=30).content,
        format="turtle",
    )
    assert isomorphic(graph, reference)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    service = graph.value(predicate=URIRef(sd + "endpoint"), object=URIRef(endpoint))
    assert service is not None
    features = set(graph.objects(service, URIRef(sd + "feature")))
    assert URIRef(sd + "UnionDefaultGraph") in features
    formats = {str(f) for f in graph.objects(service, URIRef(sd + "resultFormat"))}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats


def test_the_service_description_counts_queries_for_the_whole_server(server: LiveServer) -> None:
    processes = min(4, os.cpu_count() or 1)  # serve's default --workers
    each = share(2, processes)  # of --max-concurrent-queries 2
    assert each is not None
    response = requests.get(f"{server.url}sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert concurrency_text(each, processes) in response.text


def test_other_sites_may_query(server: LiveServer) -> None:
    url = f"{server.url}sparql"
    preflight = requests.options(
        url,
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=30,
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    response = requests.post(url, data="ASK {}", headers={"Content-Type": DIRECT}, timeout=30)
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_xml_keeps_a_carriage_return_in_a_literal(server: LiveServer, tmp_path: Path) -> None:
    # an XML parser reads a raw CR (or CR LF) as LF: results and RDF/XML escape it
    value = "a\r\nb\rc"
    bound = 'BIND("a\\r\\nb\\rc" AS ?l)'
    select = f"SELECT ?l WHERE {{ {bound} }}"
    construct = f"CONSTRUCT {{ <http://x/s> <http://x/p> ?l }} WHERE {{ {bound} }}"
    url = f"{server.url}sparql"
    xml = "application/sparql-results+xml"
    results = requests.get(url, params={"query": select}, headers={"Accept": xml}, timeout=30)
    assert literals(results.content) == [value]
    graph = requests.get(
        url, params={"query": construct}, headers={"Accept": "application/rdf+xml"}, timeout=30
    )
    assert list(Graph().parse(data=graph.content, format="xml").objects()) == [RdfLiteral(value)]
    store = tmp_path / "store"
    EmbeddedStore(store).close()
    written = subprocess.run(
        [*CLI, "query", "--store", str(store), "--format", "xml", select],
        capture_output=True,
        timeout=120,
        check=True,
    ).stdout
    assert literals(written) == [value]


def literals(results: bytes) -> list[str | None]:
    """The literals of SPARQL XML results, as a conforming XML parser reads them."""
    found = ElementTree.fromstring(results).iter("{http://www.w3.org/2005/sparql-results#}literal")
    return [element.text for element in found]
