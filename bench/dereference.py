"""Dereferencing through a live `speechld serve`, on a synthetic corpus: prints medians.

    python -m bench.dereference [--speeches N] [--requests R]

Builds a store of N synthetic speeches (mapped by speechld's own mapper, 800 speakers),
starts `speechld serve` on it without its access log, then asks R random URIs of each
kind over one kept-alive connection (body read) and prints the median and 95th
percentile per workload. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import http.client
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from speechld.ingest import dataset_graph, source_graph
from speechld.record import Speech
from speechld.store import EmbeddedStore
from speechld.vocab import Minter, slug

INGESTED = datetime(2026, 1, 1, tzinfo=UTC)  # one fixed ingest time: stable documents

SPEAKERS = 800
TEXT = "Tak for ordet. Vi skal samarbejde om dette i Norden. " * 12


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def build(path: Path, speeches: int, base: str) -> None:
    """A store of synthetic speeches, written in batches."""
    store = EmbeddedStore(path)
    mint = Minter(base)
    batch = [dataset_graph(mint)]
    start = datetime(2010, 1, 1, 10, 0)
    for i in range(speeches):
        speech = Speech(
            id=f"{i:016x}",
            source=f"https://www.norden.org/da/speech/{i}",
            number=i % 300,
            speaker=f"Speaker {i % SPEAKERS}",
            type_label="Replik",
            role="Socialdemokratisk gruppe",
            date=start + timedelta(hours=i),
            language="da",
            paragraphs=(TEXT,) * 5,
        )
        batch.append(source_graph(speech, mint, INGESTED))
        if len(batch) >= 2000:
            store.replace(batch)
            batch = []
    store.replace(batch)
    store.close()


def timings(connection: http.client.HTTPConnection, paths: list[str], accept: str) -> list[float]:
    """Seconds per request, body read."""
    found = []
    for path in paths:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        response.read()
        found.append(time.perf_counter() - started)
        if response.status not in {200, 303}:
            raise SystemExit(f"{path}: {response.status}")
    return found


def main() -> None:
    """Build, serve, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speeches", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        started = time.perf_counter()
        build(store, args.speeches, base)
        print(f"{args.speeches} speeches stored in {time.perf_counter() - started:.1f} s")
        command = [sys.executable, "-m", "speechld", "serve", "--store", str(store)]
        command += ["--port", str(port), "--no-access-log"]
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            pick = random.Random(1)
            speeches = [f"{pick.randrange(args.speeches):016x}" for _ in range(args.requests)]
            persons = [slug(f"Speaker {pick.randrange(SPEAKERS)}") for _ in range(args.requests)]
            workloads = [
                ("speech URI, 303", [f"/id/speech/{s}" for s in speeches], "text/turtle"),
                ("speech document, Turtle", [f"/doc/speech/{s}.ttl" for s in speeches], "*/*"),
                (
                    "speech document, negotiated",
                    [f"/doc/speech/{s}" for s in speeches],
                    "text/turtle",
                ),
                ("speech document, JSON-LD", [f"/doc/speech/{s}.jsonld" for s in speeches], "*/*"),
                ("speech page, HTML", [f"/doc/speech/{s}.html" for s in speeches], "text/html"),
                ("person document, Turtle", [f"/doc/person/{p}.ttl" for p in persons], "*/*"),
            ]
            timings(connection, [w[1][0] for w in workloads], "*/*")  # warm up
            for name, paths, accept in workloads:
                found = sorted(timings(connection, paths, accept))
                median = statistics.median(found) * 1000
                p95 = found[int(len(found) * 0.95) - 1] * 1000
                print(f"{name:32} median {median:6.2f} ms   p95 {p95:6.2f} ms")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
