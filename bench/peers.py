"""The peers of bench/serve.py: Virtuoso and rdflib-endpoint, installed where missing.

Both serve speechld's own N-Quads dump on 127.0.0.1: Virtuoso bulk-loads it with its
loader (ld_dir, rdf_loader_run), rdflib-endpoint (from PyPI, in its own virtual
environment under .bench/ in the repository) parses it into an rdflib Dataset.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from tests import virtuoso

REPO = Path(__file__).resolve().parent.parent
RDFLIB_ENDPOINT = REPO / ".bench" / "rdflib-endpoint"
RDFLIB_ENDPOINT_PACKAGE = "rdflib-endpoint[cli]"


@dataclass
class Peer:
    """A running peer: its name, SPARQL endpoint, process and how to stop it."""

    name: str
    port: int
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        """Stop the peer's process, by its id."""
        virtuoso.stop_process(self.process)


def run(command: list[str], timeout: float) -> None:
    """Run a command, failing with its output if it fails."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr}")


def ensure_virtuoso() -> str | None:
    """Install Virtuoso with apt-get where missing; None if ready, else why it is not."""
    if virtuoso.installed():
        return None
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "virtuoso-t is missing (apt-get install virtuoso-opensource, as root)"
    print("installing Virtuoso (apt-get install virtuoso-opensource) ...", flush=True)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "virtuoso-opensource"],
    ):
        done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=900)
        if done.returncode != 0:
            return f"{' '.join(command)} failed: {done.stderr[-500:]}"
    return None if virtuoso.installed() else "virtuoso-t still missing after apt-get"


def ensure_rdflib_endpoint() -> Path:
    """The rdflib-endpoint command of its own virtual environment, made where missing."""
    command = RDFLIB_ENDPOINT / "bin" / "rdflib-endpoint"
    if not command.exists():
        print(f"installing {RDFLIB_ENDPOINT_PACKAGE} into {RDFLIB_ENDPOINT} ...", flush=True)
        run([sys.executable, "-m", "venv", str(RDFLIB_ENDPOINT)], timeout=300)
        pip = str(RDFLIB_ENDPOINT / "bin" / "pip")
        run([pip, "install", "-q", RDFLIB_ENDPOINT_PACKAGE], timeout=900)
    return command


def rdflib_endpoint_version() -> str:
    """The version of rdflib-endpoint and rdflib installed in its environment."""
    python = str(RDFLIB_ENDPOINT / "bin" / "python")
    script = (
        "from importlib.metadata import version as v; "
        "print(f\"rdflib-endpoint {v('rdflib-endpoint')}, rdflib {v('rdflib')}\")"
    )
    done = subprocess.run([python, "-c", script], capture_output=True, text=True, timeout=60)
    return done.stdout.strip()


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    """Wait until a SPARQL endpoint answers ASK {}, or fail with the end of its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{url}: the server exited:\n{log.read_text(errors='replace')[-2000:]}"
            )
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=5).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def start_virtuoso(directory: Path, dump: Path, sql_port: int, http_port: int) -> Peer:
    """A Virtuoso in directory, with the N-Quads dump bulk-loaded by its own loader."""
    server = virtuoso.start(directory, sql_port, http_port)
    try:
        shutil.copyfile(dump, directory / "speechld.nq")  # the loader reads only DirsAllowed
        script = (
            f"ld_dir('{directory}', 'speechld.nq', 'urn:speechld:default'); "
            "rdf_loader_run(); checkpoint; "
            "SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;"
        )
        command = ["isql-vt", f"127.0.0.1:{sql_port}", virtuoso.USER, virtuoso.PASSWORD]
        done = subprocess.run(
            [*command, f"exec={script}"], capture_output=True, text=True, timeout=3600
        )
        if done.returncode != 0 or "Error" in done.stdout or "0 Rows." not in done.stdout:
            raise RuntimeError(f"Virtuoso's bulk load failed: {done.stdout}{done.stderr}")
        (directory / "speechld.nq").unlink()
    except BaseException:
        virtuoso.stop(server)
        raise
    return Peer("Virtuoso", http_port, server.process)


def start_rdflib_endpoint(directory: Path, dump: Path, port: int, timeout: float) -> Peer:
    """rdflib-endpoint serving the N-Quads dump (an in-memory rdflib Dataset)."""
    command = ensure_rdflib_endpoint()
    log = directory / "rdflib-endpoint.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(command), "serve", str(dump), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    peer = Peer("rdflib-endpoint", port, process)
    try:
        wait_for(f"http://127.0.0.1:{port}/", process, timeout, log)  # its endpoint is /
    except BaseException:
        peer.stop()
        raise
    return peer
