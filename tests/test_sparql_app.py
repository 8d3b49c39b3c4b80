"""The endpoint inside an app made by create_app, through Flask's test client."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from speechld.sparql.execute import CHUNK
from speechld.sparql.pool import InlineExecutor, WorkerPool
from speechld.store import EmbeddedStore, SourceGraph
from speechld.web import create_app, sparql

from .webdata import BASE

GRAPH = "http://example.org/graph/1"
NTRIPLES = "".join(
    f'<http://example.org/s{i}> <http://example.org/label> "thing {i}" .\n' for i in range(30)
)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PATTERNS = " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(8))
EXPENSIVE = f"SELECT (COUNT(*) AS ?n) WHERE {{ {PATTERNS} }}"  # 30 ** 8 solutions


def count(response_json: dict[str, dict[str, list[dict[str, dict[str, str]]]]]) -> int:
    return int(response_json["results"]["bindings"][0]["n"]["value"])


def test_an_app_over_an_open_store_answers_in_process() -> None:
    store = EmbeddedStore(None)
    store.replace([SourceGraph(GRAPH, NTRIPLES)])
    app = create_app({"STORE": store, "BASE": "http://example.org/"})
    try:
        response = app.test_client().get("/sparql", query_string={"query": COUNT})
        assert response.status_code == 200
        assert count(response.get_json()) == 30
        assert isinstance(sparql.executor(app), InlineExecutor)
    finally:
        sparql.close(app)
        store.close()


def test_an_app_over_a_store_location_runs_queries_in_workers(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.replace([SourceGraph(GRAPH, NTRIPLES)])
    store.close()
    app = create_app(
        {"STORE": str(tmp_path / "store"), "SPARQL_TIMEOUT": 1, "SPARQL_MAX_CONCURRENT": 1}
    )
    client = app.test_client()
    try:
        assert isinstance(sparql.executor(app), WorkerPool)
        assert count(client.get("/sparql", query_string={"query": COUNT}).get_json()) == 30
        stopped = client.get("/sparql", query_string={"query": EXPENSIVE})
        assert stopped.status_code == 504
        assert "limit of 1 s" in stopped.get_data(as_text=True)
        again = client.get("/sparql", query_string={"query": COUNT})  # a new worker answers
        assert count(again.get_json()) == 30
    finally:
        sparql.close(app)


def test_results_of_one_chunk_and_of_many_come_whole_from_the_workers(tmp_path: Path) -> None:
    many = "".join(
        f'<http://example.org/s{i}> <http://example.org/label> "thing {i}" .\n' for i in range(3000)
    )
    store = EmbeddedStore(tmp_path / "store")
    store.replace([SourceGraph(GRAPH, many)])
    store.close()
    app = create_app({"STORE": str(tmp_path / "store"), "SPARQL_MAX_CONCURRENT": 1})
    client = app.test_client()
    everything = "SELECT ?s ?o WHERE { ?s ?p ?o }"
    try:
        for _ in range(2):  # the one worker serves each kind of result in turn
            big = client.get("/sparql", query_string={"query": everything})
            assert len(big.get_data()) > 2 * CHUNK
            rows = big.get_json()["results"]["bindings"]
            assert {row["o"]["value"] for row in rows} == {f"thing {i}" for i in range(3000)}
            assert count(client.get("/sparql", query_string={"query": COUNT}).get_json()) == 3000
    finally:
        sparql.close(app)


LIMIT = 200  # SPARQL_MAX_QUERY_BYTES of the apps below
# A query whose first LIMIT bytes are a query too: cut there, `LIMIT 1000` would read `LIMIT 10`.
CUT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10"
LONG = "#" * (LIMIT - len(CUT) - 1) + "\n" + CUT + "00"


def small_app() -> tuple[Flask, EmbeddedStore]:
    """An app over an in-memory store, with a size limit of LIMIT bytes."""
    store = EmbeddedStore(None)
    store.replace([SourceGraph(GRAPH, NTRIPLES)])
    app = create_app(
        {"STORE": store, "BASE": "http://example.org/", "SPARQL_MAX_QUERY_BYTES": LIMIT}
    )
    return app, store


def chunked(content_type: str, body: bytes) -> dict[str, Any]:
    """The WSGI environ of a POST whose body's length is not declared (Transfer-Encoding:
    chunked), as a server that reads such bodies hands it on."""
    environ = EnvironBuilder(
        "/sparql", method="POST", input_stream=io.BytesIO(body), content_type=content_type
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    environ["wsgi.input_terminated"] = True
    return environ


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/sparql-query", LONG.encode()),
        ("application/x-www-form-urlencoded", b"query=" + quote(LONG).encode()),
    ],
)
def test_a_body_of_unknown_length_over_the_size_limit_is_413(
    content_type: str, body: bytes
) -> None:
    assert LONG.encode()[:LIMIT].decode().endswith("LIMIT 10") and LONG.endswith("LIMIT 1000")
    app, store = small_app()
    try:
        response = Response.from_app(app, chunked(content_type, body), buffered=True)
        assert response.status_code == 413, response.get_data(as_text=True)
        assert f"{LIMIT} bytes" in response.get_data(as_text=True)
        short = Response.from_app(app, chunked("application/sparql-query", b"ASK {}"))
        assert short.status_code == 200 and b'"boolean":true' in short.get_data()
    finally:
        sparql.close(app)
        store.close()


SD_ENDPOINT = URIRef("http://www.w3.org/ns/sparql-service-description#endpoint")
VOID_ENDPOINT = URIRef("http://rdfs.org/ns/void#sparqlEndpoint")


@pytest.mark.parametrize(
    "accept", ["text/turtle", "application/ld+json", "application/rdf+xml", "application/trig"]
)
def test_the_service_description_is_the_same_bytes_each_time(
    client: FlaskClient, accept: str
) -> None:
    headers = {"Accept": accept}
    first, second = (client.get("/sparql", headers=headers) for _ in range(2))
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    assert first.headers["ETag"] == second.headers["ETag"]
    again = client.get("/sparql", headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    head = client.head("/sparql", headers=headers)
    assert head.headers["Content-Length"] == str(len(first.get_data()))


def endpoints(client: FlaskClient, headers: dict[str, str]) -> tuple[str, str]:
    """The endpoint the service description names, and the one VoID names."""
    described = client.get("/sparql", headers={"Accept": "text/turtle", **headers})
    void = client.get("/.well-known/void", headers={"Accept": "text/turtle", **headers})
    sd = Graph().parse(data=described.get_data(), format="turtle")
    dataset = Graph().parse(data=void.get_data(), format="turtle")
    [described_endpoint] = sd.objects(None, SD_ENDPOINT)
    [void_endpoint] = dataset.objects(None, VOID_ENDPOINT)
    return str(described_endpoint), str(void_endpoint)


def test_the_service_description_names_the_endpoint_under_the_base(client: FlaskClient) -> None:
    described, void = endpoints(client, {"Host": "elsewhere.example"})
    assert described == void == BASE + "sparql"


def test_the_service_description_names_the_endpoint_behind_a_proxy() -> None:
    store = EmbeddedStore(None)
    app = create_app({"STORE": store, "PROXIES": 1})
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "data.example"}
    try:
        described, void = endpoints(app.test_client(), forwarded)
        assert described == void == "https://data.example/sparql"
    finally:
        sparql.close(app)
        store.close()


def test_the_limits_count_queries_for_the_whole_server() -> None:
    store = EmbeddedStore(None)
    app = create_app({"STORE": store, "WORKERS": 3, "SPARQL_MAX_CONCURRENT": 2})
    client = app.test_client()
    said = "6 queries run at once (2 in each of 3 server processes)"
    try:
        assert said in client.get("/sparql", headers={"Accept": "text/turtle"}).text
        assert said in client.get("/sparql", headers={"Accept": "text/html"}).text
    finally:
        sparql.close(app)
        store.close()


def test_a_process_runs_no_more_queries_than_its_threads_less_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SPEECHLD_QUERY_TIMEOUT", "")  # empty: unset, not an error
    store = EmbeddedStore(None)
    config = {"STORE": store, "WORKERS": 2, "THREADS": 2, "SPARQL_MAX_CONCURRENT": 4}
    app = create_app(config)
    try:
        said = "2 queries run at once (1 in each of 2 server processes)"  # not 4 in each
        assert said in app.test_client().get("/sparql", headers={"Accept": "text/turtle"}).text
        assert sparql.state(app).limits.timeout == 30.0
    finally:
        sparql.close(app)
        store.close()


CROSS = "SELECT * WHERE { ?a ?p ?o . ?b ?q ?r . ?c ?x ?y }"  # 30 ** 3 rows


@pytest.mark.parametrize(
    ("max_rows", "said"),
    [
        (None, "this table shows at most 1000 rows; the endpoint returns at most 10000 rows"),
        (0, "this table shows at most 1000 rows; the endpoint returns every row"),
        (20000, "this table shows at most 1000 rows; the endpoint returns at most 20000 rows"),
        (500, "this endpoint returns at most 500 rows per query"),
    ],
)
def test_a_cut_table_says_which_cap_cut_it(max_rows: int | None, said: str) -> None:
    store = EmbeddedStore(None)
    store.replace([SourceGraph(GRAPH, NTRIPLES)])
    app = create_app({"STORE": store, "SPARQL_MAX_ROWS": max_rows})
    try:
        page = app.test_client().get(
            "/sparql", query_string={"query": CROSS}, headers={"Accept": "text/html"}
        )
        assert page.status_code == 200
        assert said in page.text
        rows = page.text.count("<tr>") - 1  # the header's
        assert rows == min(max_rows or 1000, 1000)
    finally:
        sparql.close(app)
        store.close()
