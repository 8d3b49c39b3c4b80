"""Ingest: idempotent per-source replace, survival of a killed ingest, live servers, the CLI."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from bench.synthetic import pages as synthetic_pages
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from speechld.formats import by_name
from speechld.ingest import ingest
from speechld.store import EmbeddedStore
from speechld.store.snapshots import current
from speechld.web import create_app

from .conftest import start_server, stop_server
from .paths import ROOT, SEED
from .virtuoso import Virtuoso

CLI = [sys.executable, "-m", "speechld"]
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
ENDING = "Og helt til slutt: takk for en god debatt."


def write_pages(directory: Path, count: int, seed: int = 0) -> Path:
    """`count` synthetic export-form pages as files in a new directory."""
    directory.mkdir(parents=True)
    for index, item in enumerate(synthetic_pages(count, seed, form="export")):
        (directory / f"{index:06d}.md").write_text(item.text, encoding="utf-8")
    return directory


def run(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> str:
    """Run a speechld command, fail on a non-zero exit, return what it printed."""
    done = subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def graph_name(quad: ox.Quad) -> str:
    """A quad's graph name as a string."""
    assert isinstance(quad.graph_name, ox.NamedNode)
    return quad.graph_name.value


def store_quads(path: Path) -> set[ox.Quad]:
    """Every quad of an embedded store, opened (and published) as its writer."""
    store = EmbeddedStore(path)
    try:
        dumped = b"".join(store.dump(ox.RdfFormat.N_QUADS))
    finally:
        store.close()
    return set(ox.parse(dumped, ox.RdfFormat.N_QUADS))


# Provenance that records when an ingest ran: equal content, other times.
INGEST_TIMES = {
    "http://www.w3.org/ns/prov#generatedAtTime",
    "http://www.w3.org/ns/prov#endedAtTime",
    "http://purl.org/dc/terms/modified",
}
WHEN = ox.Literal("ingest time")


def by_graph(quads: set[ox.Quad]) -> dict[str, set[ox.Quad]]:
    """Quads grouped by their graph, ingest times made equal."""
    groups: dict[str, set[ox.Quad]] = {}
    for quad in quads:
        if quad.predicate.value in INGEST_TIMES:
            quad = ox.Quad(quad.subject, quad.predicate, WHEN, quad.graph_name)
        groups.setdefault(graph_name(quad), set()).add(quad)
    return groups


def wait_for_snapshots(
    store: Path, count: int, process: subprocess.Popen[str] | subprocess.Popen[bytes]
) -> None:
    """Wait (a minute at most) until an ingest has published `count` snapshots of the store,
    or has ended."""
    seen: set[str] = set()
    deadline = time.monotonic() + 60
    while len(seen) < count and time.monotonic() < deadline and process.poll() is None:
        name = current(store) if store.exists() else None
        if name is not None:
            seen.add(name)
        time.sleep(0.01)


def test_killed_ingest_leaves_whole_sources_and_a_rerun_completes_it(tmp_path: Path) -> None:
    # Enough pages for the ingest to outlast its first publication (once a second).
    inputs = write_pages(tmp_path / "pages", 6000)
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    run("ingest", "--store", str(clean), str(inputs))
    expected = by_graph(store_quads(clean))
    assert len(expected) == 6003  # every page, the dataset, vocabulary and shared graphs
    shared = next(g for g in expected if g.endswith("/graph/shared"))

    process = subprocess.Popen(
        [*CLI, "ingest", "--store", str(killed), "--batch", "200", str(inputs)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        cwd=ROOT,
    )
    # The snapshot of the opened store, then one published part-way through.
    wait_for_snapshots(killed, 2, process)
    time.sleep(random.uniform(0, 0.3))
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the ingest ended before it was killed"

    partial = by_graph(store_quads(killed))
    assert 1 < len(partial) < len(expected), "the kill did not land part-way"
    for graph, content in partial.items():
        if graph == shared:  # what the pages stored so far share: some of it, nothing else
            assert content <= expected[graph]
            continue
        assert content == expected[graph], f"{graph} is half-written"

    run("ingest", "--store", str(killed), str(inputs))
    assert by_graph(store_quads(killed)) == expected


def numbered_lines(path: Path, count: int) -> Path:
    """A JSON-lines file of `count` real pages from data/pages.jsonl, each its own URL."""
    pages = (ROOT / "data" / "pages.jsonl").read_text(encoding="utf-8").splitlines()
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            item = json.loads(pages[number % len(pages)])
            out.write(json.dumps({"url": f"{item['url']}?n={number}", "text": item["text"]}))
            out.write("\n")
    return path


INTERRUPTED = re.compile(
    r"speechld: the ingest was interrupted after (\d+) pages read: (\d+) stored, the rest "
    r"not \(every source is as it was or wholly new; the same ingest again completes it\) "
    r"\((SIGINT|SIGTERM)\)"
)


@contextmanager
def parallel_ingest(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path, Path]]:
    """An ingest of 30,000 pages by two workers, in a process group of its own (as a
    terminal's job has), once its workers parse (after two publications: the first pages
    are parsed inline); it and its workers killed if left running."""
    source = numbered_lines(tmp_path / "pages.jsonl", 30_000)
    store = tmp_path / "store"
    process = subprocess.Popen(
        [*CLI, "ingest", "--store", str(store), "--jobs", "2", "--batch", "200", str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        cwd=ROOT,
    )
    try:
        wait_for_snapshots(store, 3, process)
        yield process, store, source
    finally:
        if process.poll() is None:
            workers = children(process.pid)
            os.killpg(process.pid, signal.SIGKILL)
            for pid in workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            process.communicate(timeout=30)


def children(pid: int) -> list[int]:
    """The live worker processes a process started (not its resource tracker), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()  # state, parent, ...
            worker = b"spawn_main" in (stat.parent / "cmdline").read_bytes()
            if int(fields[1]) == pid and fields[0] != "Z" and worker:
                found.append(int(stat.parent.name))
    return found


def stopped(err: str, store: Path) -> re.Match[str]:
    """The line an interrupted ingest ends with, after the pages it skipped (no traceback,
    no warning); the store holds what it says it stored."""
    *skips, line = err.splitlines()
    assert all(s.startswith("skipped: ") for s in skips), skips
    found = INTERRUPTED.fullmatch(line)
    assert found is not None, line
    pages = [g for g in by_graph(store_quads(store)) if re.search("/graph/[0-9a-f]{16}$", g)]
    assert len(pages) == int(found[2])  # what was committed, and only that
    return found


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_a_parallel_ingest_at_once_and_says_what_it_stored(
    tmp_path: Path, signum: signal.Signals, status: int
) -> None:
    with parallel_ingest(tmp_path) as (process, store, _):
        sent = time.monotonic()
        os.killpg(process.pid, signum)
        time.sleep(0.05)
        os.killpg(process.pid, signum)  # impatient: a second Ctrl-C
        out, err = process.communicate(timeout=60)
        took = time.monotonic() - sent
    assert (process.returncode, out) == (status, ""), err
    assert took < 10
    found = stopped(err, store)
    read, stored, name = int(found[1]), int(found[2]), found[3]
    assert name == signum.name and 0 < stored <= read < 30_000


def test_an_interrupted_ingest_still_names_the_inputs_it_found_bad(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"url": "https://example.org/1"}\nnot json\n', encoding="utf-8")
    source = numbered_lines(tmp_path / "pages.jsonl", 30_000)
    store = tmp_path / "store"
    command = [*CLI, "ingest", "--store", str(store), "--batch", "200", str(bad), str(source)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        wait_for_snapshots(store, 3, process)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)
    assert process.returncode == 130 and out == "", err  # a stopped ingest tells on stderr
    *found, last = err.splitlines()
    first, second = [line for line in found if line.startswith("error:")]
    assert first.startswith(f"error: {bad}:1: ") and 'no "text" string' in first
    assert second.startswith(f"error: {bad}:2: ")
    assert INTERRUPTED.fullmatch(last) is not None, last


def test_sigterm_to_every_process_of_an_ingest_stops_it_in_order(tmp_path: Path) -> None:
    # a service manager stops a service so: every process at once, the workers too, which
    # hung the ingest when a worker died sending its pages
    with parallel_ingest(tmp_path) as (process, store, _):
        workers = children(process.pid)
        assert len(workers) >= 2, "no workers to signal"
        for pid in workers:
            os.kill(pid, signal.SIGTERM)
        time.sleep(0.5)
        assert sorted(children(process.pid)) == sorted(workers)  # a worker waits for its parent
        sent = time.monotonic()
        os.kill(process.pid, signal.SIGTERM)
        out, err = process.communicate(timeout=60)
        took = time.monotonic() - sent
    assert (process.returncode, out) == (143, ""), err
    assert took < 10
    stopped(err, store)


def test_a_worker_killed_from_outside_stops_the_ingest_with_an_error(tmp_path: Path) -> None:
    with parallel_ingest(tmp_path) as (process, store, source):
        os.kill(children(process.pid)[0], signal.SIGKILL)  # the system's OOM killer, say
        out, err = process.communicate(timeout=60)
    assert (process.returncode, out) == (1, ""), err
    assert "Traceback" not in err
    assert err.startswith("Error: a worker process parsing the pages ended unexpectedly"), err
    assert "stopped after: " in err
    rerun = run("ingest", "--store", str(store), str(source))  # completes it
    stored = re.search(r"30000 read, (\d+) stored \((\d+) unchanged\)", rerun)
    assert stored is not None and 0 < int(stored[2]) < int(stored[1]), rerun
    counts = json.loads(run("stats", "--store", str(store), "--format", "json"))
    assert counts["graphs"] == int(stored[1]) + 3  # with the dataset, vocabulary, shared


def test_ctrl_c_stops_an_ingest_that_waits_for_standard_input(tmp_path: Path) -> None:
    store = tmp_path / "store"
    process = subprocess.Popen(
        [*CLI, "ingest", "--store", str(store), "-"],
        stdin=subprocess.PIPE,  # open, and nothing comes
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while not (store.exists() and current(store)) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.5)  # reading by now
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate(timeout=30)
    assert (process.returncode, out) == (130, "")
    found = INTERRUPTED.fullmatch(err.rstrip("\n"))
    assert found is not None, err
    assert found.groups() == ("0", "0", "SIGINT")


def test_an_unexpected_error_fails_its_page_alone_naming_the_error() -> None:
    # Ready (source, text) pairs skip the readers' checks: the mapper meets a bad IRI.
    page = SEED.read_text(encoding="utf-8")
    store = EmbeddedStore(None)
    items = [("http://x/%zz", page), ("https://www.norden.org/da/node/1", page)]
    summary = ingest(store, [], "http://example.org/", items=items)
    assert (summary.read, summary.stored) == (2, 1)
    assert summary.failed == [
        "http://x/%zz (http://x/%zz): unexpected error ValueError: "
        "Invalid IRI percent encoding '%zz'"
    ]


def test_reingesting_the_corpus_twice_leaves_stats_identical(tmp_path: Path) -> None:
    corpus = [ROOT / "data"]
    store = tmp_path / "store"
    outputs, counts = [], []
    for _ in range(2):
        done = subprocess.run(
            [*CLI, "ingest", "--store", str(store), *map(str, corpus)],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout.split(" in ")[0])
        counts.append(json.loads(run("stats", "--store", str(store), "--format", "json")))
    stored = outputs[0].split(" stored")[0].split()[-1]
    assert outputs[1] == outputs[0].replace(" stored,", f" stored ({stored} unchanged),")
    assert counts[0] == counts[1] and counts[0]["speeches"] >= 100


def test_bad_json_lines_are_named_whichever_process_decodes_them(tmp_path: Path) -> None:
    lines = [json.dumps({"url": p.source, "text": p.text}) for p in synthetic_pages(620)]
    lines[2] = '{"url": "https://www.norden.org/da/speech/x", "text": '  # read in this process
    lines[549] = '{"url": "not a url", "text": "Tak."}'  # past INLINE: a worker decodes it
    source = tmp_path / "pages.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = subprocess.run(
        [*CLI, "ingest", "--store", str(tmp_path / "store"), "--jobs", "2", str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 1
    assert done.stdout.startswith("620 read, 618 stored, 0 skipped, 2 failed")
    assert done.stderr.splitlines() == [
        f"error: {source}:3: malformed JSON at column 55: Expecting value",
        f"error: {source}:550: the \"url\" is not an absolute URL: 'not a url'",
    ]


def test_reingest_changes_nothing_and_a_changed_page_replaces_its_triples(
    tmp_path: Path,
) -> None:
    inputs = write_pages(tmp_path / "pages", 40)
    store = tmp_path / "store"
    first = run("ingest", "--store", str(store), str(inputs), str(SEED))
    assert first.startswith("41 read, 41 stored, 0 skipped, 0 failed")
    counts = json.loads(run("stats", "--store", str(store), "--format", "json"))
    before = store_quads(store)
    again = run("ingest", "--store", str(store), str(inputs), str(SEED))
    assert again.startswith("41 read, 41 stored (41 unchanged), 0 skipped, 0 failed")
    assert json.loads(run("stats", "--store", str(store), "--format", "json")) == counts
    assert store_quads(store) == before  # ingest times included: nothing was rewritten

    page = inputs / "000000.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("\n\n## ", f"\n\n{ENDING}\n\n## ", 1),
        encoding="utf-8",
    )
    run("ingest", "--store", str(store), str(page))
    after = store_quads(store)
    changed = {graph_name(q) for q in before ^ after}
    assert len(changed) == 1
    (graph,) = changed
    assert len(by_graph(after)) == len(by_graph(before))
    assert ENDING in "".join(str(q.object) for q in after if graph_name(q) == graph)
    assert ENDING not in "".join(str(q.object) for q in before if graph_name(q) == graph)


def test_a_source_read_twice_is_stored_once_and_counted_as_repeated(tmp_path: Path) -> None:
    seed = SEED.relative_to(ROOT)
    pages = "data/pages.jsonl"  # 107 speeches, 23 other pages
    store = tmp_path / "store"
    args = ["--batch", "40", str(seed), str(seed), f"./{seed}", pages, pages]
    out = run("ingest", "--store", str(store), *args)
    assert out.startswith("263 read, 108 stored, 109 repeated, 46 skipped, 0 failed in ")
    counts = json.loads(run("stats", "--store", str(store), "--format", "json"))
    # A graph per source, and the dataset, vocabulary and shared graphs; two pages of
    # pages.jsonl (two URLs) are one speech.
    assert (counts["graphs"], counts["speeches"]) == (108 + 3, 107)
    again = run("ingest", "--store", str(store), *args)
    assert again.startswith("263 read, 108 stored (108 unchanged), 109 repeated, 46 skipped")


def test_a_page_url_written_another_way_is_the_same_source(tmp_path: Path) -> None:
    text = (ROOT / "data/pages.jsonl").read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    page = next(line for line in lines if line["kind"] == "speech")
    url = page["url"]  # scheme and host in capitals, the default port, escapes
    scheme, rest = url.split("://")
    host, path = rest.split("/", 1)
    port = 443 if scheme == "https" else 80
    odd = f"{scheme.upper()}://{host.upper()}:{port}/%{ord(path[0]):x}{path[1:]}"
    files = []
    for name, written in (("plain", url), ("odd", odd)):
        files.append(tmp_path / f"{name}.jsonl")
        files[-1].write_text(json.dumps({**page, "url": written}) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    run("ingest", "--store", str(store), str(files[0]))
    assert run("ingest", "--store", str(store), str(files[1])).startswith(
        "1 read, 1 stored (1 unchanged)"
    )
    assert json.loads(run("stats", "--store", str(store), "--format", "json"))["graphs"] == 4
    assert run("remove", "--store", str(store), odd).startswith("removed 1 source")


def test_same_counts_on_virtuoso_as_embedded(tmp_path: Path, virtuoso: Virtuoso) -> None:
    virtuoso.clear()
    inputs = write_pages(tmp_path / "pages", 30)
    store = tmp_path / "store"
    run("ingest", "--store", str(store), str(inputs), str(SEED))
    embedded = json.loads(run("stats", "--store", str(store), "--format", "json"))
    env = virtuoso.env()
    for _ in range(2):
        out = run("ingest", str(inputs), str(SEED), env=env)
        assert out.startswith("31 read, 31 stored")
        assert json.loads(run("stats", "--format", "json", env=env)) == embedded
    # every page, the dataset and the vocabulary graph
    assert embedded["speeches"] == 31 and embedded["graphs"] == 34  # and 3 not of a page
    virtuoso.clear()


def test_ingest_while_serving(tmp_path: Path) -> None:
    store = tmp_path / "store"
    server = start_server(store)
    try:
        inputs = write_pages(tmp_path / "pages", 25)
        parsed = [
            json.loads(line)
            for line in run("parse", "--format", "json", str(inputs)).split("\n")
            if line
        ]
        paths = [item["uri"].split("/", 3)[3] for item in parsed]
        assert len(paths) == 25
        assert requests.get(server.url + paths[-1], timeout=10).status_code == 404
        before = json.loads(run("stats", "--store", str(store), "--format", "json"))
        run("ingest", "--store", str(store), str(inputs))
        # Every worker process of the server moves to the new data within seconds.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if all(requests.get(server.url + path, timeout=10).ok for path in paths):
                break
            time.sleep(0.2)
        assert all(requests.get(server.url + path, timeout=10).ok for path in paths)
        counts = json.loads(run("stats", "--store", str(store), "--format", "json"))
        assert counts["speeches"] == before["speeches"] + 25
        out = run("query", "--store", str(store), "ASK { ?s a ?t }", "--format", "json")
        assert json.loads(out)["boolean"] is True
    finally:
        stop_server(server)


def on_terminal(*args: str) -> tuple[bytes, bytes]:
    """Run a speechld command whose stderr is a terminal; what it wrote to stdout and to
    the terminal. Fails on a non-zero exit."""
    main, terminal = pty.openpty()
    process = subprocess.Popen([*CLI, *args], stdout=subprocess.PIPE, stderr=terminal, cwd=ROOT)
    os.close(terminal)
    shown = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert process.wait(timeout=30) == 0, shown
    assert process.stdout is not None
    out = process.stdout.read()
    process.stdout.close()
    return out, shown


def test_quiet_without_a_terminal_and_a_progress_line_on_one(tmp_path: Path) -> None:
    inputs = write_pages(tmp_path / "pages", 5)
    quiet = subprocess.run(
        [*CLI, "ingest", "--store", str(tmp_path / "a"), str(inputs)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert quiet.stdout.startswith("5 read, 5 stored")

    out, shown = on_terminal("ingest", "--store", str(tmp_path / "b"), str(inputs))
    assert out.startswith(b"5 read, 5 stored")
    assert b"5 read, 5 stored, 0 failed" in shown and b"pages/s" in shown


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store holding the seed speech."""
    store = tmp_path_factory.mktemp("seeded") / "store"
    run("ingest", "--store", str(store), str(SEED))
    return store


SELECT = "SELECT ?s ?label WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> ; ?p ?label }"
CONSTRUCT = "CONSTRUCT WHERE { ?s a <http://xmlns.com/foaf/0.1/Person> ; ?p ?o }"


@pytest.mark.parametrize(
    ("name", "check"),
    [
        # the seed's speaker: two types, rdfs:label, foaf:name, schema:name
        ("json", lambda out: len(json.loads(out)["results"]["bindings"]) == 5),
        ("xml", lambda out: out.count("<result>") == 5),
        ("csv", lambda out: out.splitlines()[0] == "s,label" and len(out.splitlines()) == 6),
        ("tsv", lambda out: out.splitlines()[0] == "?s\t?label"),
    ],
)
def test_query_results_formats(seeded: Path, name: str, check: object) -> None:
    out = run("query", "--store", str(seeded), SELECT, "--format", name)
    assert callable(check) and check(out), out


@pytest.mark.parametrize("name", ["turtle", "ntriples", "nquads", "jsonld", "rdfxml"])
def test_query_graph_formats(seeded: Path, name: str) -> None:
    out = run("query", "--store", str(seeded), CONSTRUCT, "--format", name)
    reference = Graph().parse(data=run("query", "--store", str(seeded), CONSTRUCT), format="turtle")
    fmt = by_name(name).rdf
    assert fmt is not None
    if name == "nquads":  # rdflib reads N-Quads only into a deprecated ConjunctiveGraph
        out = "".join(f"{quad.triple} .\n" for quad in ox.parse(out, fmt))
        fmt = ox.RdfFormat.N_TRIPLES
    parsed = Graph().parse(data=out, format=RDFLIB_FORMATS[fmt.media_type])
    assert len(parsed) == len(reference) == 5  # the two types, rdfs:label, foaf:name, schema:name
    assert isomorphic(parsed, reference)


@pytest.mark.parametrize(
    ("query", "fmt", "message"),
    [
        (SELECT, "turtle", "--format turtle is for graphs"),
        (CONSTRUCT, "csv", "--format csv is for SELECT/ASK results"),
        ("SELEC * WHERE {}", "json", "error"),
    ],
)
def test_query_errors_are_clear(seeded: Path, query: str, fmt: str, message: str) -> None:
    done = subprocess.run(
        [*CLI, "query", "--store", str(seeded), query, "--format", fmt],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode != 0
    assert message in done.stderr.lower() or message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_stats_text_and_missing_store(seeded: Path, tmp_path: Path) -> None:
    text = run("stats", "--store", str(seeded))
    assert [line.split()[0] for line in text.splitlines()] == [
        "speeches",
        "persons",
        "groups",
        "triples",
        "graphs",
    ]
    done = subprocess.run(
        [*CLI, "stats", "--store", str(tmp_path / "nothing")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 1 and "no store here yet" in done.stderr


def test_a_second_writer_is_refused_clearly(tmp_path: Path) -> None:
    store = tmp_path / "store"
    EmbeddedStore(store).close()
    ingest_seed = ["ingest", "--store", str(store), str(SEED)]
    writer = EmbeddedStore(store)
    try:
        refused = [
            subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60, cwd=ROOT)
            for args in (ingest_seed, ["remove", "--store", str(store), str(SEED)])
        ]
    finally:
        writer.close()
    for done in refused:
        assert done.returncode == 1
        assert "another ingest or removal is writing to it" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_serve_refuses_a_base_other_than_the_stores_clearly(seeded: Path) -> None:
    done = subprocess.run(
        [*CLI, "serve", "--store", str(seeded), "--base", "http://other.example/"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 1
    assert "the store's URIs are minted under http://" in done.stderr
    assert "not http://other.example/" in done.stderr and "Traceback" not in done.stderr


# The same speech read from two pages, in Danish and in Swedish.
DANISH, SWEDISH = (f"https://www.norden.org/{lang}/speech/seed" for lang in ("da", "sv"))


def seed_and_edited() -> tuple[str, str]:
    """The seed page, and the same page with its opening edited: a speech of another id."""
    text = SEED.read_text(encoding="utf-8")
    opening = next(line for line in text.splitlines() if line.startswith("Menneskehandel"))
    return text, text.replace(opening, "Kjære president. " + opening, 1)


def test_a_source_read_twice_in_one_batch_is_stored_as_last_read() -> None:
    # its first reading as stored already, its second changed: the second is stored
    base, source = "http://example.org/", "https://www.norden.org/no/speech/seed"
    text, edited = seed_and_edited()
    store = EmbeddedStore(None)
    ingest(store, [], base, items=[(source, text)])
    (old,) = speeches(store)
    ingest(store, [], base, items=[(source, text), (source, edited)])
    (new,) = speeches(store)
    assert new != old
    rows = store.select(f"SELECT ?old WHERE {{ <{new}> <{DCTERMS.replaces}> ?old }}")
    assert [row["old"].value for row in rows] == [old]
    store.close()


def test_a_page_whose_speech_became_another_links_the_old_speech_to_the_new() -> None:
    base, source = "http://example.org/", "https://www.norden.org/no/speech/seed"
    text, edited = seed_and_edited()
    store = EmbeddedStore(None)
    ingest(store, [], base, items=[(source, text)])
    (old,) = speeches(store)
    for _ in range(2):  # the second time, nothing changes
        ingest(store, [], base, items=[(source, edited)])
        (new,) = speeches(store)
        assert new != old
        successors = store.select(f"SELECT ?s WHERE {{ ?s <{DCTERMS.replaces}> <{old}> }}")
        assert [row["s"].value for row in successors] == [new]
    ingest(store, [], base, items=[(source, edited.replace("Kjære", "Ærede", 1))])
    (newest,) = speeches(store)
    replaced = store.select(f"SELECT ?old WHERE {{ <{newest}> <{DCTERMS.replaces}> ?old }}")
    assert sorted(row["old"].value for row in replaced) == sorted([old, new])
    client = create_app({"STORE": store, "BASE": base}).test_client()
    for former in (old, new):  # the successor's URI, however old the one asked for
        moved = client.get(former.removeprefix(base[:-1]), headers={"Accept": "text/turtle"})
        assert moved.status_code == 301
        assert moved.headers["Location"] == newest.removeprefix(base[:-1])
        document = former.removeprefix(base[:-1]).replace("/id/", "/doc/", 1)
        for suffix in ("", ".ttl", ".html"):  # its document too, in the format asked for
            moved = client.get(document + suffix)
            assert moved.status_code == 301
            assert (
                moved.headers["Location"]
                == newest.removeprefix(base[:-1]).replace("/id/", "/doc/", 1) + suffix
            )
    assert client.get(newest.removeprefix(base[:-1])).status_code == 303
    assert client.get(newest.removeprefix(base[:-1]).replace("/id/", "/doc/", 1)).status_code == 200
    store.close()


def test_a_speech_another_page_still_gives_is_replaced_by_none() -> None:
    base, (text, edited) = "http://example.org/", seed_and_edited()
    store = EmbeddedStore(None)
    ingest(store, [], base, items=[(DANISH, text), (SWEDISH, text)])
    (old,) = speeches(store)
    ingest(store, [], base, items=[(DANISH, edited)])
    assert old in speeches(store) and len(speeches(store)) == 2
    replaces = f"SELECT ?new ?old WHERE {{ ?new <{DCTERMS.replaces}> ?old }}"
    assert not list(store.select(replaces))  # the Swedish page still gives the old speech
    client = create_app({"STORE": store, "BASE": base}).test_client()
    assert client.get(old.removeprefix(base[:-1])).status_code == 303
    ingest(store, [], base, items=[(SWEDISH, edited)])  # now no page gives it
    (new,) = speeches(store)
    rows = store.select(replaces)
    assert [(row["new"].value, row["old"].value) for row in rows] == [(new, old)]
    store.close()


def test_a_replaced_speech_that_a_later_page_gives_again_is_replaced_by_none() -> None:
    base, (text, edited) = "http://example.org/", seed_and_edited()
    store = EmbeddedStore(None)
    ingest(store, [], base, items=[(DANISH, text)])
    (old,) = speeches(store)
    # The edited page comes in one batch, a page still giving the old speech in the next.
    ingest(store, [], base, batch=1, items=[(DANISH, edited), (SWEDISH, text)])
    assert old in speeches(store) and len(speeches(store)) == 2
    assert not list(store.select(f"SELECT ?new WHERE {{ ?new <{DCTERMS.replaces}> ?old }}"))
    client = create_app({"STORE": store, "BASE": base}).test_client()
    assert client.get(old.removeprefix(base[:-1])).status_code == 303
    store.close()


def speeches(store: EmbeddedStore) -> list[str]:
    query = "SELECT DISTINCT ?s WHERE { ?s a <https://w3id.org/speechld/ontology#Speech> }"
    rows = store.select(query)
    return [row["s"].value for row in rows]
