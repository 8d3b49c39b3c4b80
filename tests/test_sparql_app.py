"""The endpoint inside an app made by create_app, through Flask's test client."""

from __future__ import annotations

from pathlib import Path

from speechld.sparql.execute import CHUNK
from speechld.sparql.pool import InlineExecutor, WorkerPool
from speechld.store import EmbeddedStore, SourceGraph
from speechld.web import create_app, sparql

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
