"""The endpoint's guards on a live server: time limit, concurrency, row cap, size, SERVICE.

The server runs with small limits so that each guard trips quickly; every wait is bounded.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from speechld.sparql.execute import Job
from speechld.sparql.worker import error_kind

from .conftest import LiveServer, start_server, stop_server
from .oxigraph import Oxigraph
from .paths import SEED
from .virtuoso import Virtuoso

TIMEOUT = 2.0  # the server's query time limit, seconds
MAX_ROWS = 3
# A cross product of the seed speech's ~17 triples, eight times over: hours of work.
PATTERNS = " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(8))
DEAD_SERVICE = "http://127.0.0.1:1/sparql"  # allowed, and nothing listens there
EXPENSIVE = f"SELECT (COUNT(*) AS ?n) WHERE {{ {PATTERNS} }}"
ANSWERS = {  # a SPARQL service's answer, in the format the caller accepts
    b"json": (
        b"application/sparql-results+json",
        b'{"head":{"vars":["x"]},"results":{"bindings":'
        b'[{"x":{"type":"literal","value":"remote"}}]}}',
    ),
    b"xml": (
        b"application/sparql-results+xml",
        b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        b'<head><variable name="x"/></head><results><result><binding name="x">'
        b"<literal>remote</literal></binding></result></results></sparql>",
    ),
}


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection; optionally answers SPARQL."""

    def __init__(self, answer: bool, html: bool = False) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.answer = answer
        self.html = html  # answer a web page, not a SPARQL result
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with conn:
                if self.answer:
                    conn.settimeout(5)
                    request = conn.recv(65536).lower()
                    kind = b"json" if b"sparql-results+json" in request else b"xml"
                    media_type, body = ANSWERS[kind]
                    if self.html:
                        media_type, body = b"text/html", b"<!doctype html><p>Not SPARQL</p>"
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
                        b"Connection: close\r\n\r\n" % (media_type, len(body)) + body
                    )

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture(scope="module")
def refusing() -> Iterator[Listener]:
    listener = Listener(answer=False)
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def allowed() -> Iterator[Listener]:
    listener = Listener(answer=True)
    yield listener
    listener.close()


@pytest.fixture(scope="module", params=["embedded", "virtuoso", "oxigraph"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, allowed: Listener
) -> Iterator[LiveServer]:
    """`speechld serve` on the bundled speech, with small limits and one allowed SERVICE,
    over each store backend: the guards are the endpoint's, whatever the store."""
    directory = tmp_path_factory.mktemp("guards")
    store: Path | str = directory / "store"
    env = {"SPEECHLD_QUERY_QUEUE_WAIT": "1"}
    if request.param != "embedded":
        remote: Virtuoso | Oxigraph = request.getfixturevalue(request.param)
        remote.clear()  # serve loads the bundled speech into an empty store
        store = remote.settings.query_url
        env.update(remote.env())
    live = start_server(
        store,
        "--query-timeout", str(TIMEOUT),
        "--max-rows", str(MAX_ROWS),
        "--max-concurrent-queries", "2",
        "--workers", "1",  # one web worker: the limit of 2 is all its own
        "--max-query-size", "2000",
        "--service-allow", allowed.url,
        "--service-allow", DEAD_SERVICE,
        env=env,
        log_dir=directory,
    )  # fmt: skip
    yield live
    stop_server(live)
    shutil.rmtree(directory, ignore_errors=True)


MEMORY = 512  # MiB a query worker may take here


def sparql(server: LiveServer, query: str, **headers: str) -> requests.Response:
    return requests.get(f"{server.url}sparql", params={"query": query}, headers=headers, timeout=60)


def workers(server: LiveServer) -> set[int]:
    """The process ids of the server's query workers (Linux: read from /proc)."""
    parents: dict[int, int] = {}
    spawned = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:  # the process ended meanwhile
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        if b"spawn_main" in command:
            spawned.add(int(entry.name))

    def descends(pid: int) -> bool:
        while pid in parents and pid != server.process.pid:
            pid = parents[pid]
        return pid == server.process.pid

    return {pid for pid in spawned if descends(pid)}


def wait_for_workers(server: LiveServer, count: int) -> set[int]:
    deadline = time.monotonic() + 20
    while (found := workers(server)) and len(found) != count and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def timed(call: object, *args: object) -> tuple[float, requests.Response]:
    started = time.monotonic()
    response = call(*args)  # type: ignore[operator]
    return time.monotonic() - started, response


def test_an_expensive_query_is_stopped_while_others_are_answered(server: LiveServer) -> None:
    assert sparql(server, "ASK {}").status_code == 200  # the workers are up
    before = wait_for_workers(server, 2)
    assert len(before) == 2
    with ThreadPoolExecutor(1) as pool:
        expensive = pool.submit(timed, sparql, server, EXPENSIVE)
        time.sleep(0.3)
        checks = 0
        while not expensive.done() and checks < 100:  # ends with the expensive query
            took, quick = timed(sparql, server, "SELECT ?s WHERE { ?s a ?type } LIMIT 1")
            assert quick.status_code == 200 and took < 1.5
            took, home = timed(requests.get, server.url)
            assert home.status_code == 200 and took < 1.5
            checks += 1
            time.sleep(0.2)
        took, stopped = expensive.result(timeout=TIMEOUT + 30)
    assert checks >= 3  # the others were answered all along, not just after
    assert stopped.status_code == 504
    assert f"limit of {TIMEOUT:g} s" in stopped.text
    assert TIMEOUT <= took < TIMEOUT + 5
    # the worker that ran it is gone, and a fresh one took its place
    after = wait_for_workers(server, 2)
    assert len(after) == 2 and len(before & after) == 1
    assert sparql(server, "ASK { ?s ?p ?o }").json()["boolean"] is True


@pytest.mark.parametrize("given", ["environment", "option"])
def test_a_query_asking_more_memory_than_allowed_is_refused_and_the_server_goes_on(
    tmp_path: Path, given: str
) -> None:
    # on the embedded store, whose queries the workers run (a remote store runs its own)
    env = {"SPEECHLD_QUERY_MEMORY": str(MEMORY)} if given == "environment" else {}
    option = ["--query-memory", str(MEMORY)] if given == "option" else []
    server = start_server(tmp_path / "store", "--workers", "1", *option, env=env)
    try:
        answered_within_memory(server)
    finally:
        stop_server(server)


def answered_within_memory(server: LiveServer) -> None:
    """A query asking gigabytes is the query's error; the next query is answered."""
    seed = 'REPLACE("' + "a" * 500 + '", "", "' + "b" * 500 + '")'  # 250 kB
    doublings = " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(13))
    query = f"SELECT (STRLEN(?x13) AS ?n) WHERE {{ BIND({seed} AS ?x0) {doublings} }}"  # 2 GB
    response = sparql(server, query)
    assert response.status_code == 400, response.text
    assert "more memory than this endpoint allows" in response.text
    assert sparql(server, "ASK {}").status_code == 200


def test_a_query_no_acceptable_format_fits_is_406_without_running(server: LiveServer) -> None:
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ {EXPENSIVE} }} ?s ?p ?o }}"
    for query, accept in ((EXPENSIVE, "text/turtle"), (construct, "text/csv")):
        refused = sparql(server, query, Accept=accept)
        assert refused.status_code == 406, refused.text  # not the time limit's 504
        assert "formats available" in refused.text


def test_too_many_queries_at_once_get_503_with_retry_after(server: LiveServer) -> None:
    wait_for_workers(server, 2)
    with ThreadPoolExecutor(2) as pool:
        running = [pool.submit(sparql, server, EXPENSIVE) for _ in range(2)]
        time.sleep(0.5)
        took, turned_away = timed(sparql, server, "ASK {}")
        assert turned_away.status_code == 503
        assert turned_away.headers["Retry-After"] == "1"
        assert "all 2 query workers of this server process stayed busy" in turned_away.text
        assert 1 <= took < 3  # it waited its turn for the configured second
        assert [r.result(timeout=TIMEOUT + 30).status_code for r in running] == [504, 504]
    wait_for_workers(server, 2)
    assert sparql(server, "ASK {}").status_code == 200


def test_queries_waiting_for_workers_leave_a_thread_to_the_other_requests(
    server: LiveServer,
) -> None:
    # 4 threads (serve's default), 2 query workers: 2 queries run, 1 waits, the next is
    # turned away at once, and the fourth thread stays free for documents and pages
    wait_for_workers(server, 2)
    with ThreadPoolExecutor(3) as pool:
        running = [pool.submit(sparql, server, EXPENSIVE) for _ in range(2)]
        time.sleep(0.5)
        waiting = pool.submit(timed, sparql, server, "ASK {}")
        time.sleep(0.2)
        took, refused = timed(sparql, server, "ASK {}")
        assert refused.status_code == 503 and took < 0.5, refused.text
        assert "the 3 requests this server process takes queries from" in refused.text
        assert refused.headers["Retry-After"] == "1"
        took, home = timed(requests.get, server.url)
        assert home.status_code == 200 and took < 0.5
        assert waiting.result(timeout=10)[1].status_code == 503  # no worker within its second
        assert [r.result(timeout=TIMEOUT + 30).status_code for r in running] == [504, 504]
    wait_for_workers(server, 2)
    assert sparql(server, "ASK {}").status_code == 200


ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"


@pytest.mark.parametrize(
    ("accept", "count"),
    [
        ("application/sparql-results+json", lambda b: len(json.loads(b)["results"]["bindings"])),
        ("application/sparql-results+xml", lambda b: b.count(b"<result>")),
        ("text/tab-separated-values", lambda b: len(b.splitlines()) - 1),
    ],
)
def test_a_result_is_cut_at_the_row_cap_and_says_so(
    server: LiveServer, accept: str, count: object
) -> None:
    response = sparql(server, ALL, Accept=accept)
    assert response.status_code == 200
    assert response.headers["X-SPARQL-MaxRows"] == str(MAX_ROWS)
    assert "X-SPARQL-MaxRows" in response.headers["Access-Control-Expose-Headers"]
    assert count(response.content) == MAX_ROWS  # type: ignore[operator]
    if "json" in accept:
        assert response.json()["head"]["truncated"]["maxRows"] == MAX_ROWS
    small = sparql(server, ALL + f" LIMIT {MAX_ROWS}", Accept=accept)
    assert "X-SPARQL-MaxRows" not in small.headers
    assert count(small.content) == MAX_ROWS  # type: ignore[operator]


def test_construct_is_cut_too(server: LiveServer) -> None:
    response = sparql(server, "CONSTRUCT WHERE { ?s ?p ?o }", Accept="application/n-triples")
    assert response.headers["X-SPARQL-MaxRows"] == str(MAX_ROWS)
    lines = response.text.splitlines()
    assert len([line for line in lines if not line.startswith("#")]) == MAX_ROWS
    assert lines[-1].startswith("# result truncated")


def test_a_request_over_the_size_limit_is_413(server: LiveServer) -> None:
    query = "ASK {}" + " " * 2500
    response = requests.post(
        f"{server.url}sparql",
        data=query,
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert response.status_code == 413 and "2000 bytes" in response.text
    got = requests.get(f"{server.url}sparql", params={"query": query}, timeout=30)
    assert got.status_code == 414 and "POST" in got.text


def test_a_chunked_body_over_the_size_limit_is_413_not_cut(server: LiveServer) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    body = ("#" * (2000 - len(query) - 1) + "\n" + query + "00").encode()  # cut: LIMIT 10
    headers = {"Content-Type": "application/sparql-query"}
    url = f"{server.url}sparql"
    response = requests.post(url, data=iter([body]), headers=headers, timeout=30)
    assert response.request.headers["Transfer-Encoding"] == "chunked"
    assert response.status_code == 413 and "2000 bytes" in response.text
    small = requests.post(url, data=iter([b"ASK {}"]), headers=headers, timeout=30)
    assert small.status_code == 200 and small.json()["boolean"] is True


SERVICE_QUERIES = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{url}> {{ ?a ?p ?o }} }} }}",
    "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "PREFIX r: <{base}> SELECT * WHERE {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?a ?b ?c .SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?a ?b ?c .service <{url}> {{ ?s ?p ?o }} }}",
    # a local name's escaped # or ' (PN_LOCAL_ESC) is no comment or string
    "PREFIX ex: <http://ex.org/>\nASK {{ OPTIONAL {{ ?s ex:a\\# ?o }} SERVICE <{url}> {{}} }}",
    "PREFIX ex: <http://ex.org/>\nASK {{ ?s ex:a\\' ?o . SERVICE SILENT <{url}> {{}} }} # '",
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_service_off_the_allow_list_makes_no_request(
    server: LiveServer, refusing: Listener, template: str
) -> None:
    query = template.format(url=refusing.url, base=refusing.url.removesuffix("sparql"))
    response = sparql(server, query)
    assert response.status_code in (400, 403), response.text
    if response.status_code == 403:
        assert "SERVICE" in response.text
    time.sleep(0.5)  # a connection, had one been made, would have been accepted by now
    assert refusing.connections == 0


def test_a_service_answering_a_web_page_is_the_query_s_error_on_the_command_line(
    tmp_path: Path,
) -> None:
    store, page = tmp_path / "store", Listener(answer=True, html=True)
    command = [sys.executable, "-m", "speechld"]
    try:
        ingested = subprocess.run([*command, "ingest", "--store", str(store), str(SEED)])
        assert ingested.returncode == 0
        query = f"SELECT * WHERE {{ SERVICE <{page.url}> {{ ?s ?p ?o }} }}"
        done = subprocess.run(
            [*command, "query", "--store", str(store), query],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        page.close()
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "Error: the query failed: " in done.stderr and "text/html" in done.stderr


def test_a_service_answering_no_sparql_result_is_the_call_s_failure() -> None:
    job = Job("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    unreadable = RuntimeError("Unsupported Content-Type returned by service: text/html")
    assert error_kind(unreadable, job) == "service"  # 502 from the endpoint, not the store's 503
    assert error_kind(unreadable, Job("SELECT * WHERE { ?s ?p ?o }")) == "failed"


def test_service_on_the_allow_list_is_called(server: LiveServer, allowed: Listener) -> None:
    before = allowed.connections
    response = sparql(server, f"SELECT ?x WHERE {{ SERVICE <{allowed.url}> {{ ?x ?p ?o }} }}")
    assert response.status_code == 200, response.text
    assert allowed.connections == before + 1
    if isinstance(server.store, Path):  # a remote store rewrites the query it sends on
        remote = [{"x": {"type": "literal", "value": "remote"}}]
        assert response.json()["results"]["bindings"] == remote


def test_a_service_that_does_not_answer_is_502_not_the_store(server: LiveServer) -> None:
    response = sparql(server, f"SELECT ?x WHERE {{ SERVICE <{DEAD_SERVICE}> {{ ?x ?p ?o }} }}")
    assert response.status_code == 502, response.text
    assert "a SERVICE call of the query failed" in response.text
    assert "Retry-After" not in response.headers
    assert sparql(server, "ASK { ?s ?p ?o }").json()["boolean"] is True  # the store is well


def test_the_service_description_tells_the_limits(server: LiveServer, allowed: Listener) -> None:
    description = requests.get(
        f"{server.url}sparql", headers={"Accept": "text/turtle"}, timeout=30
    ).text
    assert "sd:BasicFederatedQuery" in description
    # a remote store's default graph is its own (Virtuoso's holds its system graphs too)
    assert ("sd:UnionDefaultGraph" in description) == isinstance(server.store, Path)
    assert f"a query may run {TIMEOUT:g} s" in description
    assert f"at most {MAX_ROWS} rows" in description
    assert allowed.url in description


# One row holding a string over a megabyte: past the size at which results are streamed.
# The seed speech's text thrice, once for each pair of its triples: a few hundred rows, cheap
# for any store (three triples at a time, thousands of rows, took Virtuoso past 2 s).
HUGE_PATTERNS = (
    "?s <https://w3id.org/speechld/ontology#speaker>/<http://xmlns.com/foaf/0.1/name> "
    '"Anna Ljunggren" . ?s <https://w3id.org/speechld/ontology#text> ?o0 . '
    + " ".join(f"?s ?p{i} ?o{i} ." for i in range(1, 3))
)
THRICE = "CONCAT(STR(?o0), STR(?o0), STR(?o0))"
HUGE = (
    f'SELECT (STRLEN(GROUP_CONCAT({THRICE}; SEPARATOR=" ")) AS ?n) '
    f'(GROUP_CONCAT({THRICE}; SEPARATOR=" ") AS ?all) '
    f"WHERE {{ {HUGE_PATTERNS} }}"
)


def test_a_streamed_result_is_gzipped_as_it_is_sent(server: LiveServer) -> None:
    url, query = f"{server.url}sparql", {"query": HUGE}
    plain = requests.get(url, params=query, headers={"Accept-Encoding": "identity"}, timeout=30)
    assert plain.headers["Transfer-Encoding"] == "chunked"
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    with requests.get(
        url, params=query, headers={"Accept-Encoding": "gzip"}, stream=True, timeout=30
    ) as zipped:
        assert zipped.headers["Content-Encoding"] == "gzip"
        sent = zipped.raw.read(decode_content=False)
    assert len(sent) < len(plain.content) // 2
    assert json.loads(gzip.decompress(sent)) == plain.json()


def test_a_result_not_read_gives_its_worker_back(server: LiveServer) -> None:
    before = wait_for_workers(server, 2)
    head = requests.head(f"{server.url}sparql", params={"query": HUGE}, timeout=30)
    assert head.status_code == 200
    with requests.get(
        f"{server.url}sparql", params={"query": HUGE}, stream=True, timeout=30
    ) as partial:
        assert partial.headers["Transfer-Encoding"] == "chunked"
        assert len(next(partial.iter_content(4096))) > 0
    full = sparql(server, HUGE)
    [row] = full.json()["results"]["bindings"]
    assert int(row["n"]["value"]) == len(row["all"]["value"]) > 1 << 20
    assert wait_for_workers(server, 2) == before  # drained and given back, not replaced


def test_a_service_managers_stop_lets_a_running_query_end_by_its_own_limit(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store"
    limit = 12  # seconds: past the 10 s a stopping server process had before it was killed
    live = start_server(store, "--query-timeout", str(limit), "--workers", "1")
    try:
        with ThreadPoolExecutor(1) as pool:
            url = f"{live.url}sparql"
            answer = pool.submit(requests.get, url, params={"query": EXPENSIVE}, timeout=60)
            time.sleep(1)  # the query is running
            os.killpg(live.process.pid, signal.SIGTERM)  # as systemd stops a service
            response = answer.result()
        # Its worker was not killed with the group (the query would have been blamed, 400):
        # the server finished the request, and the query ended at the time limit.
        assert response.status_code == 504, response.text
        assert live.process.wait(timeout=60) == 0
    finally:
        stop_server(live)


def test_a_stop_with_no_query_running_ends_every_process_without_a_kill(tmp_path: Path) -> None:
    live = start_server(tmp_path / "store", "--workers", "1")
    try:
        assert sparql(live, "ASK {}").status_code == 200  # its query workers are up
        os.killpg(live.process.pid, signal.SIGTERM)
        assert live.process.wait(timeout=60) == 0
        assert "refused to gracefully stop" not in live.output()  # no process had to be killed
    finally:
        stop_server(live)
