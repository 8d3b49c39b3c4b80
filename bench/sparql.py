"""SPARQL endpoint vs pyoxigraph in-process, on a synthetic corpus: prints one line per workload.

    python -m bench.sparql [--speeches N] [--runs R]

Builds a store of N synthetic speeches (mapped by speechld's own mapper), starts
`speechld serve` on it, then times each query both ways: the endpoint over HTTP (a kept-alive
connection, body read) and pyoxigraph's own query + serialisation in this process. Prints the
median times and their ratio; nothing is asserted.
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
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox

from bench.peers import wait_for
from speechld.ingest import dataset_graph, source_graph
from speechld.record import Speech
from speechld.store import EmbeddedStore
from speechld.vocab import Minter

INGESTED = datetime(2026, 1, 1, tzinfo=UTC)  # one fixed ingest time: stable documents

BASE = "http://127.0.0.1:5000/"
PREFIXES = """PREFIX sld: <https://w3id.org/speechld/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
WORKLOADS = {
    "speeches per type": "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s sld:typeLabel ?type } "
    "GROUP BY ?type ORDER BY DESC(?n)",
    "speeches by a speaker": 'SELECT ?s ?date WHERE { ?s sld:speaker/foaf:name "Speaker 7" ; '
    "sld:dateTime ?date } ORDER BY ?date",
    "text contains a word": 'SELECT ?s WHERE { ?s sld:text ?t FILTER(CONTAINS(?t, "word77")) }',
    "10,000 labels": "SELECT ?s ?label WHERE { ?s rdfs:label ?label } LIMIT 10000",
    "one speech, all properties": "SELECT ?p ?o WHERE { <{speech}> ?p ?o }",
}
TYPES = ["Hovedindlæg", "Replik", "Svar på replik", "Main speech", "Andsvar"]
WORDS = [f"word{i}" for i in range(500)]


def synthetic(count: int, seed: int = 7) -> list[Speech]:
    """Speeches with varied speakers, types, roles, dates and texts of a few hundred words."""
    rng = random.Random(seed)
    start = datetime(2010, 1, 1, 9, 0)
    return [
        Speech(
            id=f"{i:016x}",
            source=f"https://www.norden.org/speech/{i}",
            number=i % 300,
            speaker=f"Speaker {i % 400}",
            type_label=TYPES[i % len(TYPES)],
            role=f"Group {i % 8} talsperson",
            date=start + timedelta(minutes=37 * i),
            language="da",
            paragraphs=tuple(" ".join(rng.choices(WORDS, k=60)) for _ in range(4)),
        )
        for i in range(count)
    ]


def build(path: Path, count: int) -> str:
    """A store of `count` synthetic speeches; returns one speech's URI."""
    mint = Minter(BASE)
    store = EmbeddedStore(path)
    speeches = synthetic(count)
    for at in range(0, count, 2000):
        store.replace(source_graph(s, mint, INGESTED) for s in speeches[at : at + 2000])
    store.replace([dataset_graph(mint)])
    store.close()
    return str(mint.speech(speeches[count // 2].id))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def median(runs: int, work: Callable[[], object]) -> float:
    """The median wall time of `runs` calls, after one warm-up call."""
    work()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speeches", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store"
        started = time.perf_counter()
        speech = build(path, args.speeches)
        print(f"built {args.speeches} speeches in {time.perf_counter() - started:.1f} s")
        port = free_port()
        log = (Path(tmp) / "serve.log").open("wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "speechld", "serve", "--store", str(path), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            endpoint = f"http://127.0.0.1:{port}/sparql"
            wait_for(endpoint, server, 30, Path(tmp) / "serve.log")
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            local = ox.Store.read_only(str(path))
            print(f"{'workload':30} {'in-process':>12} {'endpoint':>12} {'ratio':>7}")
            for name, body in WORKLOADS.items():
                query = PREFIXES + body.replace("{speech}", speech)

                def in_process(q: str = query) -> bytes:
                    result = local.query(q, use_default_graph_as_union=True)
                    assert isinstance(result, ox.QuerySolutions)
                    return result.serialize(format=ox.QueryResultsFormat.JSON) or b""

                def over_http(q: str = query) -> bytes:
                    headers = {"Accept": "application/sparql-results+json"}
                    connection.request("GET", "/sparql?" + urlencode({"query": q}), headers=headers)
                    response = connection.getresponse()
                    body = response.read()
                    if response.status != 200:
                        raise SystemExit(f"{response.status}: {body[:300]!r}")
                    return body

                inside = median(args.runs, in_process)
                served = median(args.runs, over_http)
                print(
                    f"{name:30} {inside * 1000:10.1f}ms {served * 1000:10.1f}ms "
                    f"{served / inside:6.2f}x"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()


if __name__ == "__main__":
    main()
