"""Serving side by side: speechld vs Virtuoso vs rdflib-endpoint on the same synthetic speeches.

    .venv/bin/python -m bench.serve [--speeches 20000] [--requests 300] [--rounds 3]
                                    [--skip-virtuoso] [--skip-rdflib] [--only-speechld]
                                    [--server-args '--threads 8'] [--store PATH]

Builds a speechld store of N synthetic speeches (bench/synthetic.py, parsed and mapped
by speechld, bulk-loaded as N-Quads), dumps it as N-Quads and starts on 127.0.0.1:
`speechld serve` on the store, Virtuoso with the dump bulk-loaded (installed with
apt-get where missing, as root) and rdflib-endpoint with the dump (installed from PyPI
into .bench/rdflib-endpoint where missing). Then, round by round, each system in turn:

- dereference: R random speech URIs at concurrency 1 and 4 (threads, each with its own
  kept-alive connection). speechld through the URI itself (Accept: text/turtle, the 303
  followed, the document read); the peers through the SPARQL query
  `CONSTRUCT { <uri> ?p ?o } WHERE { <uri> ?p ?o }` (Turtle), which holds the resource's
  own triples, a subset of speechld's document;
- SPARQL (results as JSON, on each /sparql): a speaker's speeches, speeches per type,
  texts containing a word; and pyoxigraph's own time for the same query and JSON
  serialisation in this process, on a read-only snapshot of the same store;
- a full N-Triples dump: speechld's /dumps/speechld.nt.gz (gzipped by the server), the
  peers' `CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }` (speechld's graphs) as N-Triples.

Before timing it checks that the systems agree (terms and counts, not bytes). Prints
median, p95 and requests per second per workload and system, with the ratio of
speechld's figure to each other's, and the speechld server's memory. Every loop is
bounded in count and time; everything started is stopped, on Ctrl-C too.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psutil
import pyoxigraph as ox
from tests.virtuoso import stop_process

from bench import peers
from bench.synthetic import pages
from speechld.ingest import dataset_graph, outcomes, with_digest
from speechld.inputs import Page
from speechld.schemes import vocabulary_graph
from speechld.store import EmbeddedStore, SourceGraph
from speechld.store.snapshots import publish
from speechld.vocab import SLD, Minter

BASE = "http://127.0.0.1:5000/"  # the URIs' base; the servers listen on free ports
INGESTED = datetime(2026, 1, 1, tzinfo=UTC)  # one fixed ingest time: stable documents
LOAD_CHUNK = 5_000  # graphs per bulk_load call while building the store
SPEAKER = "Anna Haarder"
WORD = "Klima"
PREFIXES = (
    f"PREFIX sld: <{SLD}> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
)
QUERIES = {
    "sparql: a speaker's speeches": PREFIXES
    + "SELECT DISTINCT ?s ?label WHERE { ?s sld:speaker ?p . "
    f'?p foaf:name "{SPEAKER}" . ?s rdfs:label ?label }}',
    "sparql: speeches per type": PREFIXES + "SELECT ?type (COUNT(?s) AS ?n) "
    "WHERE { ?s sld:typeLabel ?type } GROUP BY ?type",
    "sparql: texts containing a word": PREFIXES + "SELECT (COUNT(?t) AS ?n) "
    f'WHERE {{ ?s sld:text ?t FILTER(CONTAINS(STR(?t), "{WORD}")) }}',
}
CONSTRUCT = "CONSTRUCT {{ <{uri}> ?p ?o }} WHERE {{ <{uri}> ?p ?o }}"
DUMP_QUERY = (  # speechld's graphs only: Virtuoso keeps graphs of its own
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
    f'FILTER(STRSTARTS(STR(?g), "{BASE}graph/")) }}'
)
JSON_RESULTS = "application/sparql-results+json"
TIMEOUT = 600.0  # seconds for any one request

Rows = list[tuple[tuple[str, str], ...]]  # SELECT results as sorted (variable, value) rows


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def nquads(graph: SourceGraph, shared: set[str]) -> str:
    """A source graph's N-Triples as N-Quads in that graph, with the lines it adds to the
    shared graph that `shared` (the lines written so far, updated) does not hold yet."""
    lines = graph.ntriples.splitlines()
    text = "".join(f"{line[:-1]}<{graph.graph}> .\n" for line in lines if line)
    new = [line for line in graph.shared.splitlines() if line and line not in shared]
    shared.update(new)
    return text + "".join(f"{line[:-1]}<{graph.shared_graph}> .\n" for line in new)


def build(path: Path, count: int, jobs: int) -> int:
    """A speechld store of `count` synthetic speeches, bulk-loaded; the pages stored."""
    mint = Minter(BASE)
    store = ox.Store(str(path))
    fixed = [("stored", with_digest(g)) for g in (dataset_graph(mint), vocabulary_graph(mint))]
    items = (Page(p.source, p.text, p.source) for p in pages(count))
    chunk: list[str] = []
    shared: set[str] = set()  # lines of the shared graph written so far
    stored = 0
    for kind, graph in chain(fixed, outcomes(items, mint.base, INGESTED, jobs)):
        if kind != "stored" or not isinstance(graph, SourceGraph):
            continue
        if "_:" in graph.ntriples:
            raise SystemExit("a synthetic page has blank nodes: they would merge in bulk_load")
        chunk.append(nquads(graph, shared))
        stored += 1
        if len(chunk) >= LOAD_CHUNK:
            store.bulk_load("".join(chunk).encode(), format=ox.RdfFormat.N_QUADS)
            chunk = []
            print(f"\r  {stored - 2:,} speeches stored", end="", flush=True)
    store.bulk_load("".join(chunk).encode(), format=ox.RdfFormat.N_QUADS)
    store.optimize()
    publish(store, path)
    del store
    print()
    return stored - 2


def speech_uris(local: ox.Store) -> list[str]:
    """Every speech URI in the store, once each (a speech can come from several pages), sorted."""
    query = f"SELECT DISTINCT ?s WHERE {{ ?s a <{SLD.Speech}> }}"
    rows = local.query(query, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    return sorted(row["s"].value for row in rows)


def store_counts(local: ox.Store) -> tuple[int, int]:
    """The quads of the named graphs and the distinct triples of their union."""
    quads = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    found = []
    for query in (quads, distinct):
        rows = local.query(query, use_default_graph_as_union=True)
        assert isinstance(rows, ox.QuerySolutions)
        found.append(int(next(iter(rows))["n"].value))
    return found[0], found[1]


def rows_of(body: bytes) -> Rows:
    """SPARQL JSON results as sorted rows of (variable, value): terms, not bytes."""
    bindings = json.loads(body)["results"]["bindings"]
    return sorted(tuple(sorted((k, v["value"]) for k, v in b.items())) for b in bindings)


def triples_about(body: bytes, uri: str) -> set[tuple[str, str, str]]:
    """The triples of a Turtle document whose subject is uri, as strings of terms."""
    found = ox.parse(body, ox.RdfFormat.TURTLE, base_iri=uri)
    return {
        (str(t.subject), str(t.predicate), str(t.object)) for t in found if t.subject.value == uri
    }


class Connection:
    """One kept-alive HTTP connection to a server on 127.0.0.1."""

    def __init__(self, port: int, endpoint: str) -> None:
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        self.endpoint = endpoint

    def get(self, path: str, accept: str, expect: int = 200) -> http.client.HTTPResponse:
        """The response to a GET (its body still to read), failing on another status."""
        self.http.request("GET", path, headers={"Accept": accept})
        response = self.http.getresponse()
        if response.status != expect:
            raise RuntimeError(f"GET {path[:200]}: {response.status} {response.read()[:300]!r}")
        return response

    def sparql(self, query: str, accept: str) -> bytes:
        """The body of a SPARQL query's answer."""
        return self.get(f"{self.endpoint}?" + urlencode({"query": query}), accept).read()


@dataclass
class System:
    """One system under test: how it dereferences, answers SPARQL and dumps."""

    name: str
    port: int = 0
    process: psutil.Process | None = None
    local: ox.Store | None = None  # pyoxigraph in this process: SPARQL only
    endpoint: str = "/sparql"  # the path of its SPARQL endpoint

    def connect(self) -> Connection | None:
        """A new connection (None for the in-process store)."""
        return Connection(self.port, self.endpoint) if self.local is None else None

    def dereference(self, connection: Connection | None, uri: str) -> bytes:
        """The Turtle describing one speech URI."""
        assert connection is not None
        if self.name == "speechld":
            redirect = connection.get(urlsplit(uri).path, "text/turtle", expect=303)
            redirect.read()
            location = urlsplit(redirect.headers["Location"])
            path = location.path + (f"?{location.query}" if location.query else "")
            return connection.get(path, "text/turtle").read()
        return connection.sparql(CONSTRUCT.format(uri=uri), "text/turtle")

    def select(self, connection: Connection | None, query: str) -> bytes:
        """A SELECT query's results as SPARQL JSON."""
        if self.local is not None:
            rows = self.local.query(query, use_default_graph_as_union=True)
            assert isinstance(rows, ox.QuerySolutions)
            return rows.serialize(format=ox.QueryResultsFormat.JSON) or b""
        assert connection is not None
        return connection.sparql(query, JSON_RESULTS)

    def dump(self, connection: Connection | None) -> int:
        """Read a full N-Triples dump; the number of triples (lines) in it."""
        assert connection is not None
        if self.name == "speechld":
            response = connection.get("/dumps/speechld.nt.gz", "*/*")
            inflate = zlib.decompressobj(31)
            lines = 0
            while chunk := response.read(1 << 16):
                lines += inflate.decompress(chunk).count(b"\n")
            return lines + inflate.flush().count(b"\n")
        path = f"{self.endpoint}?" + urlencode({"query": DUMP_QUERY})
        response = connection.get(path, "application/n-triples")
        lines = 0
        while chunk := response.read(1 << 16):
            lines += chunk.count(b"\n")
        return lines


@dataclass
class Figures:
    """Times of one workload on one system, over every round."""

    latencies: list[float] = field(default_factory=list)
    done: int = 0
    wall: float = 0.0
    extra: list[float] = field(default_factory=list)  # dumps: triples each time

    def add(self, latencies: list[float], wall: float) -> None:
        """Add one round's figures."""
        self.latencies += latencies
        self.done += len(latencies)
        self.wall += wall

    @property
    def median(self) -> float:
        """Median seconds."""
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p95(self) -> float:
        """95th percentile seconds."""
        ordered = sorted(self.latencies)
        return ordered[max(0, int(len(ordered) * 0.95) - 1)] if ordered else float("nan")

    @property
    def rate(self) -> float:
        """Completed per second of wall time."""
        return self.done / self.wall if self.wall else float("nan")


def load(
    system: System,
    work: Callable[[Connection | None, str], object],
    items: list[str],
    concurrency: int,
    budget: float,
) -> tuple[list[float], float]:
    """Run work on the items from `concurrency` threads (one connection each) within budget s.

    Returns the seconds of each completed item and the wall time of the whole.
    """
    pending: Iterator[str] = iter(items)
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[BaseException] = []
    started = time.perf_counter()
    deadline = started + budget

    def worker() -> None:
        connection = system.connect()
        try:
            while time.perf_counter() < deadline and not errors:
                with lock:
                    item = next(pending, None)
                if item is None:
                    return
                begun = time.perf_counter()
                work(connection, item)
                took = time.perf_counter() - begun
                with lock:
                    latencies.append(took)
        except BaseException as error:  # reported by the caller
            errors.append(error)
        finally:
            if connection is not None:
                connection.http.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(budget + TIMEOUT)
    wall = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{system.name}: {errors[0]}") from errors[0]
    return latencies, wall


def tree_rss(process: psutil.Process) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        with suppress(psutil.Error):
            total += member.memory_info().rss
    return total


def peak_rss(process: psutil.Process, stop: threading.Event, peak: list[int]) -> None:
    """Sample the resident memory of a server's process tree every 20 ms; keep the peak."""
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], tree_rss(process))
        except psutil.Error:
            return
        stop.wait(0.02)


def rss_mib(process: psutil.Process) -> tuple[float, float]:
    """Resident memory of a process and of its descendants (web and SPARQL workers), in MiB."""
    own = process.memory_info().rss / 2**20
    children = sum(c.memory_info().rss for c in process.children(recursive=True)) / 2**20
    return own, children


def tree_pss_mib(process: psutil.Process) -> float:
    """Proportional set size of a process tree, in MiB: its memory with the pages the
    processes share (libraries, the store's files) counted once, not once per process."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        with suppress(psutil.Error):
            total += member.memory_full_info().pss
    return total / 2**20


def check(
    systems: list[System], uris: list[str], queries: dict[str, str]
) -> tuple[list[str], set[tuple[str, str]]]:
    """Ask each system the same questions once: the problems found, and the (query, system)
    pairs that failed (a server's time limit, say), not to be asked again."""
    problems: list[str] = []
    failed: set[tuple[str, str]] = set()
    reference = systems[0]
    connections = {s.name: s.connect() for s in systems}
    try:
        for uri in uris:
            answers = {
                s.name: triples_about(s.dereference(connections[s.name], uri), uri)
                for s in systems
                if s.local is None
            }
            for name, answer in answers.items():
                if answer != answers[reference.name]:
                    problems.append(f"{name} describes {uri} otherwise ({len(answer)} triples)")
        for title, query in queries.items():
            rows: dict[str, Rows] = {}
            for system in systems:
                try:
                    rows[system.name] = rows_of(system.select(connections[system.name], query))
                except RuntimeError as error:
                    problems.append(f"{title}: {system.name} failed: {error}"[:400])
                    failed.add((title, system.name))
            if reference.name not in rows:
                continue
            for name, found in rows.items():
                if found != rows[reference.name]:
                    problems.append(f"{title}: {name} answers {found[:3]}...")
            print(f"  {title}: {len(rows[reference.name])} rows, e.g. {rows[reference.name][:2]}")
    finally:
        for connection in connections.values():
            if connection is not None:
                connection.http.close()
    return problems, failed


def print_table(results: dict[str, dict[str, Figures]], names: list[str]) -> None:
    """One line per workload and system, with speechld's figure over the system's."""
    print(
        f"\n{'workload':34}{'system':23}{'median ms':>10}{'p95 ms':>9}{'req/s':>9}"
        f"{'n':>6}  speechld / system: median, req/s"
    )
    for workload, by_system in results.items():
        ours = by_system.get("speechld")
        for name in names:
            figures = by_system.get(name)
            if figures is None or not figures.done:
                continue
            ratio = ""
            if ours is not None and ours.done and name != "speechld":
                ratio = f"  {ours.median / figures.median:6.2f}x  {ours.rate / figures.rate:6.2f}x"
            print(
                f"{workload:34}{name:23}{figures.median * 1000:10.2f}{figures.p95 * 1000:9.2f}"
                f"{figures.rate:9.1f}{figures.done:6}{ratio}"
            )


def main() -> None:
    """Build, start, check, measure round by round, print, stop."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speeches", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=300, help="URIs per round and system")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--queries", type=int, default=5, help="runs per query, round, system (0: no SPARQL)"
    )
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per batch at most")
    parser.add_argument("--skip-virtuoso", action="store_true")
    parser.add_argument("--skip-rdflib", action="store_true")
    parser.add_argument("--only-speechld", action="store_true", help="no peers at all")
    parser.add_argument("--skip-dump", action="store_true")
    parser.add_argument("--server-args", default="", help="more options for speechld serve")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="build processes")
    parser.add_argument("--store", type=Path, help="keep the store here (reused if present)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, interrupt)  # stop what was started, as on Ctrl-C
    load1, load5, _ = os.getloadavg()
    print(f"{os.cpu_count()} cores, load average {load1:.2f} (1 min) {load5:.2f} (5 min)")
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="speechld-serve-")))
        run(args, work, stack)
    load1, load5, _ = os.getloadavg()
    print(f"load average at the end {load1:.2f} (1 min) {load5:.2f} (5 min)")


def run(args: argparse.Namespace, work: Path, stack: ExitStack) -> None:
    """Everything main does between its lines on the load; stack stops what it starts."""
    path: Path = args.store or work / "store"
    started = time.perf_counter()
    if args.store is None or not (path / "speechld-generation").exists():
        print(f"building a store of {args.speeches:,} synthetic speeches in {path} ...")
        count = build(path, args.speeches, args.jobs)
        print(f"{count:,} speeches stored in {time.perf_counter() - started:.1f} s")
    snapshot = EmbeddedStore(path, read_only=True)
    stack.callback(snapshot.close)
    local = snapshot.store
    uris = speech_uris(local)
    quads, distinct = store_counts(local)
    print(f"{len(uris):,} speeches, {quads:,} quads, {distinct:,} distinct triples")
    pick = random.Random(8)

    port = free_port()
    command = [sys.executable, "-m", "speechld", "serve", "--store", str(path)]
    command += ["--port", str(port), "--no-access-log", *shlex.split(args.server_args)]
    log = stack.enter_context((work / "speechld.log").open("wb"))
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    stack.callback(stop_tree, server)
    peers.wait_for(f"http://127.0.0.1:{port}/sparql", server, 120, work / "speechld.log")
    speechld = System("speechld", port, psutil.Process(server.pid))
    systems = [speechld, System("pyoxigraph in-process", local=local)]

    want_virtuoso = not (args.skip_virtuoso or args.only_speechld)
    want_rdflib = not (args.skip_rdflib or args.only_speechld)
    if want_virtuoso or want_rdflib:
        dump = work / "speechld.nq"
        subprocess.run(
            [sys.executable, "-m", "speechld", "dump", "--store", str(path), "-o", str(dump)],
            check=True,
            timeout=3600,
        )
    if want_virtuoso:
        missing = peers.ensure_virtuoso()
        if missing:
            print(f"Virtuoso skipped: {missing}")
        else:
            begun = time.perf_counter()
            peer = peers.start_virtuoso(work / "virtuoso", dump, free_port(), free_port())
            stack.callback(peer.stop)
            print(f"Virtuoso loaded in {time.perf_counter() - begun:.1f} s")
            systems.append(System("Virtuoso", peer.port, psutil.Process(peer.process.pid)))
    if want_rdflib:
        begun = time.perf_counter()
        peer = peers.start_rdflib_endpoint(work, dump, free_port(), timeout=3600)
        stack.callback(peer.stop)
        print(f"{peers.rdflib_endpoint_version()} loaded in {time.perf_counter() - begun:.1f} s")
        process = psutil.Process(peer.process.pid)
        systems.append(System("rdflib-endpoint", peer.port, process, endpoint="/"))

    names = [s.name for s in systems]
    print("checking that the systems agree ...")
    queries = QUERIES if args.queries > 0 else {}
    problems, failed = check(systems, pick.sample(uris, min(10, len(uris))), queries)
    for problem in problems:
        print(f"  PROBLEM: {problem}")
    own, children = rss_mib(speechld.process)  # type: ignore[arg-type]
    print(
        f"speechld server RSS before the rounds: {own:.0f} MiB (+ {children:.0f} in workers; "
        f"{tree_pss_mib(speechld.process):.0f} MiB PSS in all)"  # type: ignore[arg-type]
    )

    results: dict[str, dict[str, Figures]] = {}
    dumps: dict[str, list[tuple[float, int, int]]] = {}
    servers = [s for s in systems if s.local is None]
    for round_number in range(args.rounds):
        print(f"round {round_number + 1} of {args.rounds} ...", flush=True)
        order = servers[round_number % len(servers) :] + servers[: round_number % len(servers)]
        sample = pick.sample(uris, min(args.requests, len(uris)))
        for concurrency in (1, 4):
            title = f"dereference, concurrency {concurrency}"
            for system in order:
                latencies, wall = load(system, system.dereference, sample, concurrency, args.budget)
                results.setdefault(title, {}).setdefault(system.name, Figures()).add(
                    latencies, wall
                )
        for title, query in queries.items():
            for system in [*order, systems[1]]:
                if (title, system.name) in failed:  # it failed once: not asked again
                    continue
                latencies, wall = load(
                    system, system.select, [query] * args.queries, 1, args.budget
                )
                results.setdefault(title, {}).setdefault(system.name, Figures()).add(
                    latencies, wall
                )
        if not args.skip_dump:
            for system in order:
                dumps.setdefault(system.name, []).append(measure_dump(system))
    browse(speechld, len(uris))
    own, children = rss_mib(speechld.process)  # type: ignore[arg-type]
    pss = tree_pss_mib(speechld.process)  # type: ignore[arg-type]
    print_table(results, names)
    print(
        f"\n{'full N-Triples dump':34}{'system':23}{'seconds':>10}{'triples':>12}"
        f"{'triples/s':>12}{'peak RSS MiB':>14}"
    )
    expected = {"speechld": quads}
    for name in names:
        if name not in dumps:
            continue
        seconds = statistics.median(d[0] for d in dumps[name])
        triples = dumps[name][-1][1]
        peak = max(d[2] for d in dumps[name]) / 2**20
        note = "" if triples == expected.get(name, distinct) else "  (expected "
        note += f"{expected.get(name, distinct):,})" if note else ""
        print(
            f"{'':34}{name:23}{seconds:10.2f}{triples:12,}{triples / seconds:12,.0f}"
            f"{peak:14.0f}{note}"
        )
    print(
        f"\nspeechld server RSS after the rounds and its home, VoID and list pages: {own:.0f} "
        f"MiB (+ {children:.0f} MiB in its "
        f"worker processes, web and SPARQL; {pss:.0f} MiB PSS in all); dump peak RSS is each "
        "server's whole process tree"
    )
    print(
        "notes: medians over all rounds; req/s = completed / wall time of each batch; the "
        "client runs on the same cores. speechld's dump is gzipped by the server (and counts "
        "every quad's triple); the peers' dumps are CONSTRUCT results (distinct triples)."
    )
    if problems:
        print(f"{len(problems)} disagreements between systems (see above)")


PAGES = ["/", "/.well-known/void", "/list/person", "/list/group", "/list/sitting"]


def browse(system: System, speeches: int) -> None:
    """Visit speechld's pages for people: home, VoID, and lists, speeches first to last."""
    connection = Connection(system.port, system.endpoint)
    last = max(1, -(-speeches // 100))  # list pages hold 100 things each
    lists = [f"/list/speech?page={n}" for n in sorted({1, (last + 1) // 2, last})]
    for path in [*PAGES, *lists]:
        connection.get(path, "text/html").read()


def measure_dump(system: System) -> tuple[float, int, int]:
    """One full dump: seconds, triples, and the peak RSS of the server meanwhile."""
    assert system.process is not None
    stop = threading.Event()
    peak = [0]
    sampler = threading.Thread(target=peak_rss, args=(system.process, stop, peak), daemon=True)
    sampler.start()
    connection = system.connect()
    assert connection is not None
    try:
        begun = time.perf_counter()
        triples = system.dump(connection)
        seconds = time.perf_counter() - begun
    finally:
        stop.set()
        sampler.join(5)
        connection.http.close()
    return seconds, triples, peak[0]


def interrupt(signum: int, frame: object) -> None:
    """Turn a signal into KeyboardInterrupt, so that every finally block runs."""
    raise KeyboardInterrupt(f"signal {signum}")


def stop_tree(server: subprocess.Popen[bytes]) -> None:
    """Stop the speechld server, then any of its worker processes it left, by their ids."""
    try:
        children = psutil.Process(server.pid).children(recursive=True)
    except psutil.Error:
        children = []
    stop_process(server)
    for child in children:
        try:
            child.terminate()
            child.wait(10)
        except psutil.Error:
            pass


if __name__ == "__main__":
    main()
