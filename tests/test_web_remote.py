"""Serving a remote store: validators it can give, and a store that is down or hung answered
with 503s that say why (naming the store in the log only), on a private Virtuoso the tests
stop and freeze."""

from __future__ import annotations

import gzip
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from rdflib import DCTERMS, Graph

from speechld.ingest import ingest
from speechld.store import RemoteStore
from speechld.store import remote as remote_module
from speechld.store.remote import STAMP_TTL
from speechld.web import create_app
from speechld.web.dumps import STREAMS_RETRY, BrokenOff
from speechld.web.errors import RETRY_AFTER
from speechld.web.serving import not_broken_off

from . import virtuoso as virtuoso_server
from .conftest import LiveServer, free_port, start_server, stop_server
from .paths import ROOT, SEED
from .test_dump import fetch, made
from .virtuoso import Virtuoso
from .webdata import BASE, local_path, seed_speech

PAGES = ROOT / "data" / "pages.jsonl"
STORE_TIMEOUT = 3  # seconds the server waits for the store's answer
QUERY_TIMEOUT = 2  # seconds a SPARQL query may run
DUMPS = ["speechld.nq.gz", "speechld.nt.gz", "speechld.ttl.gz"]


@pytest.fixture()
def own_virtuoso(tmp_path: Path) -> Iterator[Virtuoso]:
    """A Virtuoso of this test's own, which it may stop or freeze."""
    if not virtuoso_server.installed():
        pytest.skip(virtuoso_server.NOT_INSTALLED)
    server = virtuoso_server.start(tmp_path / "virtuoso", free_port(), free_port())
    yield server
    if server.process.poll() is None:
        virtuoso_server.thaw(server)
        virtuoso_server.stop(server)


def serve(store: Virtuoso, log_dir: Path) -> LiveServer:
    """`speechld serve` over the store (which it fills with the bundled speech)."""
    env = {**store.env(), "SPEECHLD_STORE_TIMEOUT": str(STORE_TIMEOUT)}
    return start_server(
        store.settings.query_url,
        "--workers",
        "1",
        "--query-timeout",
        str(QUERY_TIMEOUT),
        env=env,
        log_dir=log_dir,
    )


def a_speech(store: Virtuoso) -> str:
    """The path of a speech the server serves, asked of the store itself: the server's
    endpoint has a short time limit, which a cold first query on a busy machine may pass."""
    remote = RemoteStore(store.settings)
    try:
        uri = seed_speech(remote)
    finally:
        remote.close()
    return uri.split("/", 3)[3]


def unavailable(response: requests.Response, url: str, *words: str) -> None:
    """Check a 503 that gives the cause and says when to try again, and keeps the store's
    URL (its host, its port) to the server's log."""
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == str(RETRY_AFTER)
    assert url not in response.text and "the data store" in response.text, response.text
    for word in words:
        assert word in response.text, response.text


def test_a_remote_store_is_dated_by_speechlds_last_write(virtuoso: Virtuoso) -> None:
    virtuoso.clear()
    store = RemoteStore(virtuoso.settings)
    try:
        ingest(store, [SEED], BASE)
        written = datetime.now(UTC).replace(microsecond=0)
        client = create_app({"STORE": store, "BASE": BASE}).test_client()
        path = local_path(seed_speech(store)).replace("/id/", "/doc/", 1)
        turtle = {"Accept": "text/turtle"}
        first = client.get(path, headers=turtle)
        assert first.status_code == 200 and first.last_modified is not None
        assert abs((first.last_modified - written).total_seconds()) <= 2
        dated = first.headers["Last-Modified"]
        assert client.get(path, headers={**turtle, "If-Modified-Since": dated}).status_code == 304
        tag = first.headers["ETag"]
        assert client.get(path, headers={**turtle, "If-None-Match": tag}).status_code == 304
        void = Graph().parse(data=client.get("/.well-known/void.ttl").text, format="turtle")
        assert DCTERMS.modified in set(void.predicates())
        time.sleep(1.1)  # the next write is a second later, as HTTP dates go
        ingest(store, [PAGES], BASE)
        time.sleep(STAMP_TTL)  # a reader asks the store again after that
        later = client.get(path, headers={**turtle, "If-Modified-Since": dated})
        assert later.status_code == 200 and later.last_modified is not None
        assert later.last_modified > first.last_modified
        # a store written around speechld (or by a release before this one) tells no date
        store._update(f"DROP SILENT GRAPH <{BASE}store>")
        time.sleep(STAMP_TTL)
        undated = client.get(path, headers=turtle)
        assert undated.status_code == 200 and "Last-Modified" not in undated.headers
    finally:
        store.close()
        virtuoso.clear()


def test_dumps_read_from_a_remote_store_are_few_at_once(virtuoso: Virtuoso) -> None:
    # each download of a store with no dump file (this one tells no date, as one written
    # around speechld) reads the whole store: a third at once waits, and a slot is free
    # again once a download is closed, finished or not
    virtuoso.clear()
    store = RemoteStore(virtuoso.settings)
    try:
        ingest(store, [SEED], BASE)
        store._update(f"DROP SILENT GRAPH <{BASE}store>")
        client = create_app({"STORE": store, "BASE": BASE}).test_client()
        first, second = (client.get(f"/dumps/{n}", buffered=False) for n in DUMPS[:2])
        assert first.status_code == second.status_code == 200
        refused = client.get(f"/dumps/{DUMPS[2]}")
        assert refused.status_code == 503
        assert refused.headers["Retry-After"] == str(STREAMS_RETRY)
        assert "try again later" in refused.text
        first.close()  # a client gone part-way
        whole = client.get(f"/dumps/{DUMPS[2]}")
        assert whole.status_code == 200 and gzip.decompress(whole.data)
        second.close()
        assert client.get(f"/dumps/{DUMPS[0]}").status_code == 200
    finally:
        store.close()
        virtuoso.clear()


def test_a_dated_remote_store_s_dumps_are_made_once_as_files(
    virtuoso: Virtuoso, tmp_path: Path
) -> None:
    # as an embedded store's: made once for the store's date, then served from the file
    # (ranges, validators), not read from the store for every download
    virtuoso.clear()
    store = RemoteStore(virtuoso.settings)
    try:
        ingest(store, [SEED], BASE)
        location = virtuoso.settings.query_url
        config = {"STORE": location, "BASE": BASE, "DUMP_CACHE": str(tmp_path / "dumps")}
        client = create_app(config).test_client()
        url = "/dumps/speechld.nq.gz"
        status, first, body = fetch(client, url)  # sent as the file is made
        assert status == 200 and "ETag" in first
        whole = made(client, url)
        assert gzip.decompress(whole) == gzip.decompress(body)
        assert fetch(client, url, Range="bytes=0-9")[::2] == (206, whole[:10])
        assert fetch(client, url, **{"If-None-Match": first["ETag"]})[0] == 304
        assert [p.name for p in (tmp_path / "dumps").iterdir() if p.is_dir()] != []
    finally:
        store.close()
        virtuoso.clear()


def test_the_stores_own_syntax_error_keeps_the_querys_line_and_not_the_stores_url(
    virtuoso: Virtuoso,
) -> None:
    store = RemoteStore(virtuoso.settings)
    try:
        client = create_app({"STORE": store, "BASE": BASE}).test_client()
        query = "SELECT * WHERE {\n  ?s ?p ?o .\n  ?s <a> ?x ?y }"
        response = client.get("/sparql", query_string={"query": query})
        assert response.status_code == 400
        assert virtuoso.settings.query_url not in response.text, response.text
        assert "the data store refused the query" in response.text
        assert "line 3" in response.text, response.text  # where the query has it
    finally:
        store.close()


def test_a_store_that_is_down_is_503_with_retry_after_everywhere(
    own_virtuoso: Virtuoso, tmp_path: Path
) -> None:
    server = serve(own_virtuoso, tmp_path)
    try:
        speech = a_speech(own_virtuoso)
        void = requests.get(server.url + ".well-known/void.ttl", timeout=60)
        assert void.status_code == 200
        virtuoso_server.stop(own_virtuoso)
        time.sleep(STAMP_TTL)  # past the time the server keeps the store's date
        # what the server has counted it still answers (the figures wait for the store)
        again = requests.get(server.url + ".well-known/void.ttl", timeout=30)
        assert (again.status_code, again.text) == (200, void.text)
        url = own_virtuoso.settings.query_url
        for path in (
            speech,
            speech.replace("id/", "doc/", 1),
            "sparql?query=ASK%20%7B%7D",
            "dumps/speechld.nq.gz",
        ):
            response = requests.get(server.url + path, timeout=30, allow_redirects=False)
            unavailable(response, url, "connection refused")
        head = requests.head(server.url + "dumps/speechld.nt.gz", timeout=30)  # as its GET
        assert head.status_code == 503 and "Retry-After" in head.headers
        assert "Traceback" not in server.output() and url in server.output()
    finally:
        stop_server(server)


def test_a_store_that_does_not_answer_is_503_naming_it(
    own_virtuoso: Virtuoso, tmp_path: Path
) -> None:
    server = serve(own_virtuoso, tmp_path)
    url = own_virtuoso.settings.query_url
    try:
        speech = a_speech(own_virtuoso)
        virtuoso_server.freeze(own_virtuoso)
        try:
            started = time.monotonic()
            response = requests.get(server.url + speech, timeout=60, allow_redirects=False)
            assert server.process.poll() is None, server.output()  # the answer is its
            assert virtuoso_server.frozen(own_virtuoso), "Virtuoso ran again before the answer"
            unavailable(response, url, f"did not answer within {STORE_TIMEOUT} s")
            assert time.monotonic() - started < STORE_TIMEOUT + 5
            response = requests.get(f"{server.url}sparql?query=ASK%20%7B%7D", timeout=60)
            unavailable(response, url, "did not answer within")
            assert "limit of" not in response.text  # the store's failure, not the query's
        finally:
            virtuoso_server.thaw(own_virtuoso)
        again = requests.get(f"{server.url}sparql?query=ASK%20%7B%7D", timeout=60)
        assert again.status_code == 200 and again.json()["boolean"] is True
    finally:
        stop_server(server)


def test_a_dump_the_store_fails_midway_breaks_off_logged_in_one_line(
    own_virtuoso: Virtuoso, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store = RemoteStore(own_virtuoso.settings)
    try:
        ingest(store, [SEED, PAGES], BASE)
        monkeypatch.setattr(remote_module, "DUMP_GRAPHS", 5)  # many requests, small chunks
        monkeypatch.setattr(remote_module, "CHUNK", 50)
        client = create_app({"STORE": store, "BASE": BASE}).test_client()
        response = client.get("/dumps/speechld.nq.gz", buffered=False)
        assert response.status_code == 200
        chunks = iter(response.response)
        assert next(chunks)
        virtuoso_server.stop(own_virtuoso)
        with caplog.at_level(logging.ERROR), pytest.raises(BrokenOff):
            for _ in chunks:
                pass
        [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
        message = record.getMessage()
        assert message.startswith("dump speechld.nq.gz broke off after ")
        assert "connection refused" in message and record.exc_info is None
    finally:
        store.close()


def test_granians_traceback_of_a_dump_broken_off_is_left_out() -> None:
    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("_granian.utils", logging.ERROR, "", 0, message, (), None)

    broken = "Application callable raised an exception\nTraceback ...\nBrokenOff: x.nq.gz"
    assert not not_broken_off(record(broken))
    assert not_broken_off(record(broken.replace("BrokenOff", "RuntimeError")))
