"""Shared fixtures: real pages, temporary stores and live `speechld serve` processes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from speechld.store import EmbeddedStore, GraphStore, RemoteStore
from speechld.web import create_app

from . import oxigraph as oxigraph_server
from . import virtuoso as virtuoso_server
from .virtuoso import Virtuoso
from .webdata import BASE, PAGE_SIZE, web_store


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """A running `speechld serve` process."""

    url: str
    store: Path | str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        """What the server printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_server(
    store: Path | str,
    *args: str,
    timeout: float = 30.0,
    env: dict[str, str] | None = None,
    log_dir: Path | None = None,
    cwd: Path | None = None,
) -> LiveServer:
    """Start `speechld serve` on a free port and wait until it answers.

    `store` is an embedded store's directory or a remote store's URL (then give `env`
    with its credentials and `log_dir` for the server's log); `cwd`, where it runs (by
    the installed command, as a user starts it, not `python -m`).
    """
    port = free_port()
    program = (
        [str(Path(sys.executable).with_name("speechld"))]
        if cwd
        else [sys.executable, "-m", "speechld"]
    )
    command = [
        *program,
        "serve",
        "--store",
        str(store),
        "--port",
        str(port),
        *args,
    ]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    environment.pop("SPEECHLD_BASE", None)
    place = log_dir or Path(store).parent
    if str(store).startswith(("http://", "https://")):  # its dumps beside the log, not in ~
        environment.setdefault("SPEECHLD_DUMP_CACHE", str(place / f"dumps-{port}"))
    log = place / f"serve-{port}.log"
    with log.open("wb") as out:  # a session of its own: stop_server ends every process in it
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LiveServer(f"http://127.0.0.1:{port}/", store, process, log)
    url = server.url
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"speechld serve exited ({process.returncode}):\n{server.output()}")
        try:
            requests.get(url, timeout=1)
            return server
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"speechld serve did not answer on {url} within {timeout} s")


def stop_server(server: LiveServer) -> None:
    """Stop a server started by start_server, and every process it started: a web worker
    left behind by a main process that had to be killed would serve on, orphaned."""
    with suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        server.process.wait(timeout=10)
    with suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`speechld serve` over a new temporary store, which it fills with the bundled data."""
    store = tmp_path_factory.mktemp("live") / "store"
    server = start_server(store)
    yield server
    stop_server(server)
    shutil.rmtree(store, ignore_errors=True)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    """A private Virtuoso on 127.0.0.1 for the whole session; skips if it is not installed."""
    if not virtuoso_server.installed():
        pytest.skip(virtuoso_server.NOT_INSTALLED)
    directory = tmp_path_factory.mktemp("virtuoso")
    server = virtuoso_server.start(directory, free_port(), free_port())
    yield server
    virtuoso_server.stop(server)
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def oxigraph() -> Iterator[oxigraph_server.Oxigraph]:
    """A private in-memory Oxigraph for the whole session, its default graph the union of
    its named graphs; skips if it is not installed."""
    if not oxigraph_server.installed():
        pytest.skip(oxigraph_server.NOT_INSTALLED)
    server = oxigraph_server.start(free_port(), union=True)
    yield server
    oxigraph_server.stop(server)


@pytest.fixture()
def plain_oxigraph() -> Iterator[oxigraph_server.Oxigraph]:
    """A new, empty Oxigraph whose default graph is a graph of its own, as by default."""
    if not oxigraph_server.installed():
        pytest.skip(oxigraph_server.NOT_INSTALLED)
    server = oxigraph_server.start(free_port(), union=False)
    yield server
    oxigraph_server.stop(server)


@pytest.fixture(scope="module")
def web_data() -> Iterator[EmbeddedStore]:
    """An in-memory store of the seed and the web fixtures, one per test module."""
    store = web_store()
    yield store
    store.close()


@pytest.fixture(scope="module")
def web_app(web_data: EmbeddedStore) -> Flask:
    """The app over web_data, its lists paged by PAGE_SIZE."""
    return create_app({"STORE": web_data, "BASE": BASE, "PAGE_SIZE": PAGE_SIZE})


@pytest.fixture()
def client(web_app: Flask) -> FlaskClient:
    """A test client of web_app (test modules with other data define their own)."""
    return web_app.test_client()


@pytest.fixture(params=["embedded", "virtuoso", "oxigraph"])
def each_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each kind: embedded on disk, and the session's Virtuoso (holding
    only its own system graphs) and Oxigraph server, cleared."""
    if request.param == "embedded":
        embedded = EmbeddedStore(tmp_path / "store")
        yield embedded
        embedded.close()
        return
    server: Virtuoso | oxigraph_server.Oxigraph = request.getfixturevalue(request.param)
    server.clear()
    remote = RemoteStore(server.settings)
    yield remote
    remote.close()
    server.clear()
