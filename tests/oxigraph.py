"""A private Oxigraph server (the `oxigraph` command from PyPI) for the remote-store tests:
a SPARQL 1.1 store other than Virtuoso, in memory, on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from speechld.store import RemoteSettings

SERVER = str(Path(sys.executable).with_name("oxigraph"))
NOT_INSTALLED = (
    "the oxigraph server is not installed (pip install oxigraph, a test dependency): "
    "the tests of the remote store on Oxigraph are skipped"
)


def installed() -> bool:
    """Whether the Oxigraph server command is beside this Python."""
    return shutil.which(SERVER) is not None


@dataclass
class Oxigraph:
    """A running Oxigraph server: its HTTP root and process."""

    url: str
    process: subprocess.Popen[bytes]

    @property
    def settings(self) -> RemoteSettings:
        """How speechld reaches it: /query to read, /update and /store to write."""
        return RemoteSettings(
            query_url=self.url + "query",
            update_url=self.url + "update",
            graph_store_url=self.url + "store",
        )

    def clear(self) -> None:
        """Drop every graph."""
        response = requests.post(self.url + "update", data={"update": "DROP ALL"}, timeout=60)
        response.raise_for_status()

    def env(self) -> dict[str, str]:
        """The environment a `speechld` command needs to use it as its store."""
        return {
            "SPEECHLD_STORE": self.settings.query_url,
            "SPEECHLD_UPDATE_URL": self.settings.update_url,
            "SPEECHLD_GRAPH_STORE_URL": self.settings.graph_store_url or "",
        }


def start(port: int, *, union: bool, timeout: float = 30.0) -> Oxigraph:
    """Start an in-memory Oxigraph on 127.0.0.1:port (its default graph the union of its
    named graphs, or a graph of its own) in a session of its own; wait until it answers."""
    command = [SERVER, "serve", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [*command, "--union-default-graph"] if union else command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = Oxigraph(f"http://127.0.0.1:{port}/", process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(server.url + "query", params={"query": "ASK {}"}, timeout=1)
            return server
        except requests.ConnectionError:
            if process.poll() is not None:
                raise RuntimeError(f"oxigraph exited ({process.returncode})") from None
            time.sleep(0.1)
    stop(server)
    raise RuntimeError(f"oxigraph did not answer on {server.url} within {timeout} s")


def stop(server: Oxigraph) -> None:
    """Stop the server and anything it started."""
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()
