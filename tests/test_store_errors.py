"""Bad store locations and failing disks or servers: a clear error, and nothing stored lost."""

from __future__ import annotations

import http.server
import json
import os
import re
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast
from urllib.parse import parse_qs

import pyoxigraph as ox
import pytest
import requests
from bench.synthetic import pages as synthetic_pages
from pyoxigraph import QuerySolutions
from urllib3.exceptions import IncompleteRead, ProtocolError

from speechld.errors import QueryError, StoreError
from speechld.store import EmbeddedStore, RemoteSettings, RemoteStore, SourceGraph, open_store
from speechld.store.base import NOT_UNION
from speechld.store.directory import MARKER
from speechld.store.remote import unreachable
from speechld.store.stats import stats

from .conftest import free_port
from .oxigraph import Oxigraph
from .paths import ROOT, SEED
from .virtuoso import Virtuoso

CLI = [sys.executable, "-m", "speechld"]
SELECT = "SELECT * WHERE { ?s ?p ?o }"
LABEL = '<http://x/id/speech/1> <http://www.w3.org/2000/01/rdf-schema#label> "one" .\n'
ANSWER = {"head": {"vars": ["s"]}, "results": {"bindings": []}}
SMALL_BATCHES = ("ingest", "--jobs", "1", "--batch", "100")  # many commits, so some succeed
PAGES = 1200  # synthetic pages: some megabytes of store, more than the limits below allow


def speechld(
    *args: str,
    cwd: Path = ROOT,
    preexec_fn: Callable[[], None] | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a speechld command (with these environment variables too); what it printed and
    its exit status."""
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        preexec_fn=preexec_fn,
        env={**os.environ, **env} if env else None,
    )


def refused(done: subprocess.CompletedProcess[str], *words: str) -> str:
    """The one error line of a command that failed as it should, with all the words in it."""
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, done.stderr
    for word in words:
        assert word in errors[0], done.stderr
    return errors[0]


def write_pages(directory: Path, count: int) -> Path:
    """`count` synthetic pages as files in a new directory."""
    directory.mkdir()
    for index, item in enumerate(synthetic_pages(count, 3, form="export")):
        (directory / f"{index:06d}.md").write_text(item.text, encoding="utf-8")
    return directory


def speeches(store: Path) -> int:
    """How many speeches `speechld stats` counts in a store."""
    done = speechld("stats", "--store", str(store), "--format", "json")
    assert done.returncode == 0, done.stderr
    count: int = json.loads(done.stdout)["speeches"]
    return count


def mount(*args: str) -> None:
    """Run mount (or umount, as the first argument) and fail on an error."""
    command = ["umount", *args[1:]] if args[0] == "umount" else ["mount", *args]
    subprocess.run(command, check=True, capture_output=True, timeout=30)


@contextmanager
def tmpfs(directory: Path, size: str) -> Iterator[Path]:
    """A small file system of its own at directory, unmounted at the end; a skip if not root."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    directory.mkdir()
    try:
        mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory))
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.skip(f"cannot mount a tmpfs here: {error}")
    try:
        yield directory
    finally:
        mount("umount", str(directory))


def small_files() -> None:
    """In a child process: files may not grow past 1 MB (EFBIG, not a signal, past it)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


# 1. Locations that look like URLs


@pytest.mark.parametrize(
    "location", ["ftp://example.org/sparql", "http//example.org/sparql", "https//example.org/x"]
)
def test_a_location_like_a_url_is_refused_and_creates_nothing(
    location: str, tmp_path: Path
) -> None:
    done = speechld("ingest", "--store", location, str(SEED), cwd=tmp_path)
    refused(done, f"{location}: not a store location", "http://")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(StoreError, match="not a store location"):
        open_store(location, read_only=True)


def test_an_upper_case_http_url_is_a_remote_store(tmp_path: Path) -> None:
    location = f"HTTP://127.0.0.1:{free_port()}/sparql"
    remote = open_store(location)
    assert isinstance(remote, RemoteStore)
    remote.close()
    done = speechld("ingest", "--store", location, str(SEED), cwd=tmp_path)
    refused(done, f"{location}: connection refused")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("location", "cause"),
    [
        ("http://[::1/sparql", "Invalid IPv6 URL"),
        ("http://127.0.0.1:99999/sparql", "the port is not a number from 0 to 65535"),
        ("http://127.0.0.1:abc/sparql", "the port is not a number"),
        ("http:///sparql", "no host"),
        ("http://my host/sparql", "a space in it"),
    ],
)
def test_a_malformed_store_url_is_refused_before_anything_is_read(
    location: str, cause: str, tmp_path: Path
) -> None:
    for command in (["stats"], ["ingest", str(SEED)]):
        done = speechld(*command, "--store", location, cwd=tmp_path)
        refused(done, f"{location}: not a valid store URL", cause)
    assert list(tmp_path.iterdir()) == []


def test_update_and_graph_store_urls_are_checked_before_anything_is_read(tmp_path: Path) -> None:
    store = f"http://127.0.0.1:{free_port()}/sparql"
    for option, url in (("--update-url", "notaurl"), ("--graph-store-url", "ftp://x/up")):
        done = speechld("ingest", "--store", store, option, url, str(tmp_path / "none"))
        refused(done, f"{url}: not a valid store URL: not an http:// or https:// URL")


def test_a_url_pasted_with_spaces_is_still_a_remote_store(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    refused(speechld("ingest", "--store", f" {url} ", str(SEED), cwd=tmp_path), url)
    assert list(tmp_path.iterdir()) == []


def test_a_password_in_a_store_url_is_never_shown(tmp_path: Path) -> None:
    url = f"http://ann:s3cret@127.0.0.1:{free_port()}/sparql"
    line = refused(speechld("stats", "--store", url), "connection refused")
    assert "s3cret" not in line and "127.0.0.1" in line
    malformed = "http://ann:s3cret@127.0.0.1:abc/sparql"
    line = refused(speechld("stats", "--store", malformed), "http://ann:***@127.0.0.1:abc/")
    assert "s3cret" not in line


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SPEECHLD_STORE_TIMEOUT", "0"),
        ("SPEECHLD_STORE_CONNECT_TIMEOUT", "-3"),
        ("SPEECHLD_STORE_REQUEST_BYTES", "1.5"),
        ("SPEECHLD_STORE_TIMEOUT", "abc"),
    ],
)
def test_a_bad_number_for_the_remote_store_names_its_variable(variable: str, value: str) -> None:
    done = subprocess.run(
        [*CLI, "stats", "--store", f"http://127.0.0.1:{free_port()}/sparql"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, variable: value},
    )
    refused(done, f"{variable}={value!r}: expected a positive number of")


def test_credentials_in_the_update_url_are_used(virtuoso: Virtuoso, tmp_path: Path) -> None:
    settings = virtuoso.settings
    user, password = settings.user or "", settings.password or ""
    update = settings.update_url.replace("://", f"://{user}:{password}@", 1)
    env = {**os.environ, **virtuoso.env(), "SPEECHLD_UPDATE_URL": update}
    del env["SPEECHLD_STORE_USER"], env["SPEECHLD_STORE_PASSWORD"]
    done = subprocess.run(
        [*CLI, "ingest", str(SEED)], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "1 read, 1 stored" in done.stdout
    virtuoso.clear()


# 2. A disk that fills up while an ingest writes


# 2. A disk that fills up while an ingest writes


def test_a_full_disk_stops_the_ingest_with_its_cause_and_loses_nothing(tmp_path: Path) -> None:
    pages = write_pages(tmp_path / "pages", PAGES)
    bad = pages / "0-bad.txt"  # read first: its error line is still given
    bad.write_bytes(b"\x00\x01binary")
    with tmpfs(tmp_path / "disk", "4m") as disk:
        store = disk / "store"
        done = speechld(*SMALL_BATCHES, "--store", str(store), str(pages))
        refused(done, f"{store}: cannot write to the store: no space left on device")
        assert "stopped after: " in done.stderr
        assert f"error: {bad}: binary content" in done.stderr, done.stderr
        bad.unlink()
        mount("-o", "remount,size=64m", str(disk))
        assert speechld("ingest", "--store", str(store), str(pages)).returncode == 0
        assert speeches(store) == PAGES


def test_a_write_error_stops_the_ingest_with_its_cause_and_loses_nothing(tmp_path: Path) -> None:
    pages = write_pages(tmp_path / "pages", PAGES)
    store = tmp_path / "store"
    done = speechld(*SMALL_BATCHES, "--store", str(store), str(pages), preexec_fn=small_files)
    refused(done, f"{store}: cannot write to the store: file too large")
    stopped = [line for line in done.stderr.splitlines() if line.startswith("stopped after: ")]
    assert len(stopped) == 1 and " stored" in stopped[0]
    assert speechld("ingest", "--store", str(store), str(pages)).returncode == 0
    assert speeches(store) == PAGES


# 3. Directories that are not speechld's


def test_a_directory_of_other_files_is_left_alone(tmp_path: Path) -> None:
    other = tmp_path / "other"
    (other / "sub").mkdir(parents=True)
    (other / "notes.txt").write_text("mine\n")
    (other / "config.json").write_text("{}\n")
    before = sorted(p.name for p in other.rglob("*"))
    for read_only in (False, True):
        with pytest.raises(StoreError, match="not a speechld store and not empty") as error:
            EmbeddedStore(other, read_only=read_only)
        assert str(other) in str(error.value) and "notes.txt" in str(error.value)
    refused(speechld("ingest", "--store", str(other), str(SEED)), str(other), "not a speechld")
    assert sorted(p.name for p in other.rglob("*")) == before


def test_a_plain_oxigraph_store_is_refused_until_marked_as_speechlds(tmp_path: Path) -> None:
    path = tmp_path / "oxigraph"
    foreign = ox.Quad(ox.NamedNode("http://o/s"), ox.NamedNode("http://o/p"), ox.Literal("o"))
    plain = ox.Store(str(path))
    plain.add(foreign)
    plain.flush()
    del plain
    with pytest.raises(StoreError, match=f"did not write .*empty file {re.escape(str(path))}/"):
        EmbeddedStore(path)
    refused(speechld("ingest", "--store", str(path), str(SEED)), str(path), "Oxigraph store")
    (path / MARKER).touch()
    assert speechld("ingest", "--store", str(path), str(SEED)).returncode == 0
    store = EmbeddedStore(path, read_only=True)
    try:
        assert foreign in set(store.store.quads_for_pattern(None, None, None))
        assert speechld("stats", "--store", str(path)).returncode == 0
        dumped = b"".join(store.dump(ox.RdfFormat.N_QUADS))
        assert b"http://o/" not in dumped and b"/id/speech/" in dumped
    finally:
        store.close()


def test_a_new_or_empty_directory_becomes_a_store(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for name in ("empty", "new/deeper"):
        store = EmbeddedStore(tmp_path / name)
        store.replace([SourceGraph("http://x/graph/1", LABEL)])
        store.close()
        assert (tmp_path / name / MARKER).read_text().strip()


# 4. A file where a store directory should be


def test_a_file_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_text("hi\n")
    commands = [
        ["stats"],
        ["query", SELECT],
        ["dump"],
        ["ingest", str(SEED)],
    ]
    for command in commands:
        done = speechld(command[0], "--store", str(path), *command[1:])
        refused(done, f"{path} is a file, not a store directory")
    with pytest.raises(StoreError, match="not a directory"):
        EmbeddedStore(path / "store")
    refused(speechld("stats", "--store", str(path / "store")), f"store: {path} is a file, not a")
    assert path.read_text() == "hi\n"


# 5. Why a store cannot be opened for writing


def test_a_second_writer_is_told_another_ingest_writes(tmp_path: Path) -> None:
    first = EmbeddedStore(tmp_path / "store")
    try:
        with pytest.raises(StoreError, match="another ingest or removal is writing to it"):
            EmbeddedStore(tmp_path / "store")
    finally:
        first.close()


def chmod(mode: str, directory: Path) -> None:
    """Change the mode of a directory and everything in it."""
    subprocess.run(["chmod", "-R", mode, str(directory)], check=True)


@contextmanager
def unwritable(directory: Path) -> Iterator[Callable[[], None]]:
    """A directory and what makes it unwritable: a read-only remount as root, else chmod."""
    if os.geteuid() != 0:
        directory.mkdir()
        try:
            yield lambda: chmod("a-w", directory)
        finally:
            chmod("u+w", directory)
        return
    with tmpfs(directory, "16m"):
        try:
            yield lambda: mount("-o", "remount,ro", str(directory))
        finally:
            mount("-o", "remount,rw", str(directory))


# Root reads any directory: the commands run without that power, as any other user would.
UNPRIVILEGED = (
    [
        "setpriv",
        "--bounding-set=-dac_override,-dac_read_search",
        "--inh-caps=-dac_override,-dac_read_search",
    ]
    if os.geteuid() == 0
    else []
)


@pytest.mark.parametrize("command", [["stats"], ["query", "ASK {}"], ["ingest", "-"], ["dump"]])
def test_a_store_directory_that_cannot_be_read_is_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    store = tmp_path / "store"
    EmbeddedStore(store).close()
    store.chmod(0)
    try:
        done = subprocess.run(
            [*UNPRIVILEGED, sys.executable, "-m", "speechld", *command, "--store", str(store)],
            capture_output=True,
            text=True,
            input="",
            timeout=60,
        )
    finally:
        store.chmod(0o755)
    assert (done.returncode, done.stderr) == (
        1,
        f"Error: {store}: cannot read the store directory: permission denied\n",
    )


def test_an_unwritable_store_is_refused_with_the_plain_cause(tmp_path: Path) -> None:
    with unwritable(tmp_path / "disk") as freeze:
        root = tmp_path / "disk" / "store"
        EmbeddedStore(root).close()
        freeze()
        for path in (root, root.parent / "new"):
            with pytest.raises(StoreError) as error:
                EmbeddedStore(path)
            message = str(error.value)
            assert message.startswith(f"{path}: cannot "), message
            assert "read-only file system" in message or "permission denied" in message
            assert "another ingest" not in message


# 6. Remote stores that are not there, or overloaded


def test_an_unreachable_store_fails_at_once_and_says_why() -> None:
    for url, cause in (
        (f"http://127.0.0.1:{free_port()}/sparql", "connection refused"),
        ("http://nowhere.invalid/sparql", "host not found"),
    ):
        remote = RemoteStore(RemoteSettings(query_url=url, update_url=url))
        started = time.monotonic()
        with pytest.raises(StoreError) as error:
            remote.select(SELECT)
        assert time.monotonic() - started < 3
        assert str(error.value).startswith(f"{url}: {cause}")
        assert "HTTPConnectionPool" not in str(error.value)
        remote.close()


def test_a_damaged_snapshot_pointer_is_named_and_the_next_ingest_mends_it(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert speechld("ingest", "--store", str(store), str(SEED)).returncode == 0
    (store / MARKER).write_text("garbage\n", encoding="utf-8")
    refused(speechld("stats", "--store", str(store)), f"{store}: the snapshot readers open")
    assert speechld("ingest", "--store", str(store), str(SEED)).returncode == 0
    assert speeches(store) == 1


def test_a_store_missing_its_files_is_called_damaged(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert speechld("ingest", "--store", str(store), str(SEED)).returncode == 0
    for table in store.glob("*.sst"):
        table.unlink()
    refused(speechld("ingest", "--store", str(store), str(SEED)), f"{store}: the store is damaged")


# A stand-in store's answer: status, media type, body, and any other headers.
Answer = tuple[int, str, bytes] | tuple[int, str, bytes, dict[str, str]]


class Answering(http.server.BaseHTTPRequestHandler):
    """A stand-in for a store: answers the n-th POST as `answers` says (the last answer
    for every later one), and stays quiet."""

    answers: tuple[Answer, ...] = ()
    requests = 0
    body = b""  # the last request's

    def do_POST(self) -> None:
        """Count the request and answer it."""
        type(self).requests += 1
        type(self).body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status, media_type, body, *more = self.answers[min(self.requests, len(self.answers)) - 1]
        self.send_response(status)
        for name, value in (more[0] if more else {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet."""


@contextmanager
def answering(*answers: Answer) -> Iterator[tuple[str, type[Answering]]]:
    """A stand-in store on 127.0.0.1 giving these answers: its URL and its handler class."""
    handler = type("Answers", (Answering,), {"answers": answers, "requests": 0, "body": b""})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", handler
    finally:
        server.shutdown()
        server.server_close()


EMPTY_RESULT = (200, "application/sparql-results+json", json.dumps(ANSWER).encode())


def test_an_https_url_of_a_plain_http_store_says_so(oxigraph: Oxigraph) -> None:
    url = oxigraph.settings.query_url.replace("http://", "https://", 1)
    done = speechld("stats", "--store", url, env={"SPEECHLD_STORE_CONNECT_TIMEOUT": "1"})
    refused(done, f"{url}: no TLS answer within 1 s (does the store speak plain HTTP?")


@pytest.mark.parametrize(
    "busy",
    [(503, "text/plain", b"", {"Retry-After": "1"}), (429, "text/plain", b""), (502, "", b"")],
)
def test_an_overloaded_store_is_tried_again_after_a_while(busy: Answer) -> None:
    with answering(busy, busy, EMPTY_RESULT) as (url, handler):
        remote = RemoteStore(RemoteSettings(query_url=url, update_url=url))
        started = time.monotonic()
        assert list(remote.select(SELECT)) == []
        assert handler.requests == 3
        assert time.monotonic() - started >= 0.5  # backed off before the third try
        remote.close()


@pytest.mark.parametrize(
    "late",
    [(503, "text/plain", b"Query timed out"), (504, "text/plain", b"Gateway Timeout")],
)
def test_a_query_the_store_gave_up_on_is_not_sent_again(late: Answer) -> None:
    # Fuseki answers a query past its time limit 503 (no Retry-After); a proxy that waited
    # too long, 504: the query would take as long again
    with answering(late, EMPTY_RESULT) as (url, handler):
        remote = RemoteStore(RemoteSettings(query_url=url, update_url=url))
        with pytest.raises(StoreError, match=late[2].decode()):
            remote.select(SELECT)
        assert handler.requests == 1
        remote.close()


def test_a_deadlocked_request_is_sent_again() -> None:
    deadlock = (500, "text/plain", b"Virtuoso 40001 Error SR172: Transaction deadlocked")
    with answering(deadlock, deadlock, EMPTY_RESULT) as (url, handler):
        remote = RemoteStore(RemoteSettings(query_url=url, update_url=url))
        assert list(remote.select(SELECT)) == []
        assert handler.requests == 3
        remote.close()


def test_a_url_that_is_no_sparql_endpoint_is_named() -> None:
    page = (200, "text/html; charset=utf-8", b"<html><body>Welcome</body></html>")
    with answering(page) as (url, _):
        refused(speechld("stats", "--store", url), f"{url}: the answer to a query is not")
        line = refused(speechld("dump", "--store", url, "-o", os.devnull), url)
        assert "'text/html'" in line and "is this a SPARQL endpoint?" in line


def test_a_refused_query_gives_the_store_s_words_whole() -> None:
    words = "SP030: bad query near <http://example.org/a> for Sigrún"
    with answering((400, "text/plain", words.encode())) as (url, _):  # UTF-8, unsaid
        remote = RemoteStore(RemoteSettings(query_url=url, update_url=url))
        with pytest.raises(QueryError) as error:
            remote.select(SELECT)
        assert str(error.value) == f"{url} refused the query: {words}"
        remote.close()


def test_a_page_the_remote_store_refuses_fails_alone_naming_its_file(
    virtuoso: Virtuoso, tmp_path: Path
) -> None:
    virtuoso.clear()
    pages = write_pages(tmp_path / "pages", 2)
    big = pages / "big.txt"
    text = SEED.read_text(encoding="utf-8")
    big.write_text(text, encoding="utf-8")
    env = {**os.environ, **virtuoso.env()}
    ingest = [*CLI, "ingest", "--max-page-size", "20000000", str(pages)]
    assert subprocess.run(ingest, capture_output=True, timeout=300, env=env).returncode == 0
    remote = RemoteStore(virtuoso.settings)
    held = (  # what the page's graph holds
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
        "GRAPH ?g { ?g <http://purl.org/dc/terms/source> ?source } "
        'FILTER(STRENDS(STR(?source), "/big.txt")) }'
    )
    before = sorted(map(str, remote.construct(held)))
    assert len(before) > 10
    words = "Menneskehandel er grenseoverskridende"
    big.write_text(text.replace(words, "Tak for ordet. " * 800_000 + words, 1), encoding="utf-8")
    done = subprocess.run(  # 12 MB: Virtuoso refuses a request that large
        ingest, capture_output=True, text=True, timeout=300, env=env
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"{big}: " in done.stderr and "update refused (500)" in done.stderr
    assert "(the store keeps what it held)" in done.stderr
    assert "3 read, 2 stored (2 unchanged), 0 skipped, 1 failed" in done.stdout + done.stderr
    assert stats(remote).speeches == 3  # the page's former version with the others
    assert sorted(map(str, remote.construct(held))) == before
    remote.close()
    virtuoso.clear()


def test_a_store_that_refuses_every_write_stops_the_ingest(
    virtuoso: Virtuoso, tmp_path: Path
) -> None:
    virtuoso.clear()
    pages = write_pages(tmp_path / "pages", 5)
    env = {**os.environ, **virtuoso.env(), "SPEECHLD_UPDATE_URL": virtuoso.settings.query_url}
    done = subprocess.run(  # Virtuoso's /sparql refuses updates from anyone (SR186)
        [*CLI, "ingest", str(pages)], capture_output=True, text=True, timeout=300, env=env
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "update refused (500)" in errors[0], done.stderr
    assert "stopped after: " in done.stderr
    virtuoso.clear()


def test_a_store_whose_default_graph_is_not_the_union_is_named_with_the_fix(
    plain_oxigraph: Oxigraph, tmp_path: Path
) -> None:
    env = plain_oxigraph.env()
    url = plain_oxigraph.settings.query_url
    first = speechld("ingest", str(SEED), env=env)
    assert first.returncode == 1  # the pages went in, but nothing would find them
    assert f"the pages are stored, but {url}: {NOT_UNION}" in first.stderr, first.stderr
    for command in (["stats"], ["dump", "-o", str(tmp_path / "dump.nq")], ["ingest", str(SEED)]):
        again = speechld(*command, env=env)
        assert again.returncode == 1 and f"{url}: {NOT_UNION}" in again.stderr, command
        assert "Traceback" not in again.stderr
    served = speechld("serve", "--port", "1", env=env)  # refused before it listens
    assert served.returncode == 1 and NOT_UNION in served.stderr, served.stderr
    assert not (tmp_path / "dump.nq").exists() or (tmp_path / "dump.nq").stat().st_size == 0


def test_an_answer_the_store_breaks_off_is_its_error_not_a_traceback(oxigraph: Oxigraph) -> None:
    # Oxigraph answers 200, streams, and ends the body with its message when a SERVICE fails
    query = f"SELECT ?s WHERE {{ SERVICE <http://127.0.0.1:{free_port()}/sparql> {{ ?s ?p ?o }} }}"
    for name in ("json", "tsv"):
        done = speechld("query", query, "--format", name, env=oxigraph.env())
        refused(done, "the answer broke off")


def test_results_unreadable_from_their_start_are_one_error_line() -> None:
    nonsense = (200, "application/sparql-results+json", b'{"nonsense": true}')
    with answering(nonsense, nonsense, nonsense) as (url, _):
        done = speechld("query", "--store", url, "SELECT * WHERE { ?s ?p ?o }")
        refused(done, url, "unreadable query results")


def test_a_base_goes_to_the_store_only_for_a_query_with_a_relative_iri() -> None:
    # the store's syntax errors then give the columns of the query as written
    with answering(EMPTY_RESULT) as (url, handler):
        remote = RemoteStore(RemoteSettings(query_url=url, update_url=url))
        relative = ("SELECT * WHERE { ?s ?p <a> }", "SELECT (IRI('a') AS ?a) WHERE {}")
        for query, based in ((relative[0], True), (relative[1], True), (SELECT, False)):
            list(cast(QuerySolutions, remote.query(query, base_iri="http://x.example/sparql")))
            sent = parse_qs(handler.body.decode())["query"][0]
            assert sent.startswith("BASE <http://x.example/sparql> ") is based, sent
        remote.close()


def test_a_retry_after_of_an_hour_is_waited_for_half_a_minute_at_most() -> None:
    busy = (503, "text/plain", b"", {"Retry-After": "3600"})
    with answering(busy, EMPTY_RESULT) as (url, handler):
        remote = RemoteStore(RemoteSettings(query_url=url, update_url=url))
        started = time.monotonic()
        assert list(remote.select(SELECT)) == []
        assert handler.requests == 2 and 29 < time.monotonic() - started < 60
        remote.close()


def test_an_answer_broken_off_is_said_so_not_that_the_store_did_not_answer() -> None:
    inner = IncompleteRead(1024, 1213)  # a dump's answer, cut by the store or a proxy
    cut = requests.exceptions.ChunkedEncodingError(ProtocolError("Connection broken", inner))
    assert unreachable(cut, 60, 5) == "the store's answer broke off after 1024 bytes"
