"""Ingest benchmark: speeches per second and peak memory, embedded store vs. rdflib baseline.

    .venv/bin/python -m bench.ingest --speeches 100000

Writes N realistic synthetic pages (bench/synthetic.py) to a JSON-lines input file
first, untimed, then runs, each in a fresh process so that each peak memory is its own
and each reading that file as `speechld ingest` does:

- embedded: `speechld.ingest.ingest` into a new on-disk Oxigraph store, with worker
  processes (the `speechld ingest` default) and with one process, at N/10 and at N
  pages, to show whether memory grows with N;
- parse+map: the same reading, parsing and mapping with no store, the ceiling of the
  pipeline;
- rdflib: the same reading, parsing and mapping into a plain in-memory rdflib Graph
  (baseline; the mapper's pyoxigraph terms become rdflib terms on the way).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.synthetic import jsonl_line, page, pages
from speechld import __version__
from speechld.errors import ParseError
from speechld.ingest import convert, ingest
from speechld.inputs import read_inputs
from speechld.mapper import page_graph
from speechld.parse import parse_page
from speechld.rdf import from_ox
from speechld.store import EmbeddedStore
from speechld.vocab import Minter

BASE = "http://127.0.0.1:5000/"


def forms_supported() -> str | None:
    """None if this build reads both input forms, else a note saying it reads only one."""
    sample = page(2, form="page-text")
    try:
        parse_page(sample.text, sample.source)
    except ParseError:
        return "note: this build has no page-text parser; every page is in the export form"
    return None


def write_input(path: Path, count: int, mixed: bool) -> Path:
    """A JSON-lines input file of `count` synthetic pages, written one page at a time."""
    with path.open("w", encoding="utf-8") as out:
        for item in pages(count, form=None if mixed else "export"):
            out.write(jsonl_line(item) + "\n")
    return path


def peak_mib() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def run_embedded(source: Path, jobs: int) -> int:
    """Ingest into a new embedded store; the number of speeches stored."""
    directory = Path(tempfile.mkdtemp(prefix="speechld-bench-"))
    try:
        store = EmbeddedStore(directory / "store")
        summary = ingest(store, [source], BASE, jobs=jobs)
        store.close()
        return summary.stored
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def run_parse_map(source: Path) -> int:
    """Read, parse and map to N-Triples, store nothing; the number of speeches."""
    mint = Minter(BASE)
    now = datetime.now(UTC)
    return sum(1 for item in read_inputs([source]) if convert(item, mint, now)[0] == "stored")


def run_rdflib(source: Path) -> int:
    """Read, parse and map into one in-memory rdflib Graph; the number of speeches."""
    from rdflib import Graph

    graph = Graph()
    mint = Minter(BASE)
    now = datetime.now(UTC)
    stored = 0
    for item in read_inputs([source]):
        if isinstance(item, ParseError):
            continue
        try:
            speech = parse_page(item.text, item.source)
        except ParseError:
            continue
        for triple in page_graph(speech, mint, now, __version__).triples:
            graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
        stored += 1
    return stored


def scenario(name: str, source: Path, jobs: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Run one scenario and report (speeches, seconds, own MiB, child MiB)."""
    started = time.perf_counter()
    if name == "embedded":
        stored = run_embedded(source, jobs)
    elif name == "parse+map":
        stored = run_parse_map(source)
    else:
        stored = run_rdflib(source)
    seconds = time.perf_counter() - started
    out.put((stored, seconds, *peak_mib()))


def measure(name: str, source: Path, jobs: int) -> tuple[int, float, float, float]:
    """A scenario's figures, measured in a fresh process."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=scenario, args=(name, source, jobs, queue))
    process.start()
    figures: tuple[int, float, float, float] = queue.get()
    process.join()
    return figures


def main() -> None:
    """Run every scenario and print one line of figures for each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speeches", type=int, default=100_000, help="pages to generate")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parse processes")
    args = parser.parse_args()
    count: int = args.speeches
    note = forms_supported()
    if note:
        print(note)
    mixed = note is None
    directory = Path(tempfile.mkdtemp(prefix="speechld-bench-input-"))
    try:
        started = time.perf_counter()
        inputs = {n: write_input(directory / f"{n}.jsonl", n, mixed) for n in (count // 10, count)}
        megabytes = inputs[count].stat().st_size / 2**20
        print(
            f"{count:,} synthetic pages ({megabytes:,.0f} MiB of JSON lines, written in "
            f"{time.perf_counter() - started:.1f} s); {os.cpu_count()} cores; "
            f"load {os.getloadavg()[0]:.1f}"
        )
        report(inputs, count, args.jobs)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def report(inputs: dict[int, Path], count: int, jobs: int) -> None:
    """Measure every scenario on the input files and print one line of figures for each."""
    runs = [
        ("embedded", count // 10, jobs),
        ("embedded", count, jobs),
        ("embedded", count, 1),
        ("parse+map", count, 1),
        ("rdflib", count, 1),
    ]
    print(f"{'scenario':<28}{'speeches':>10}{'seconds':>9}{'speeches/s':>12}{'peak MiB':>10}")
    rates: dict[str, float] = {}
    for name, n, processes in runs:
        stored, seconds, own, child = measure(name, inputs[n], processes)
        label = f"{name} (jobs={processes})" if name == "embedded" else name
        rate = stored / seconds
        rates.setdefault(name if n == count else f"{name}/10", rate)
        peak = f"{own:.0f}" + (f"+{child:.0f}" if child else "")
        print(f"{label:<28}{stored:>10,}{seconds:>9.1f}{rate:>12,.0f}{peak:>10}", flush=True)
    print(f"embedded / rdflib baseline: {rates['embedded'] / rates['rdflib']:.1f}x")
    print("peak MiB: this process (+ its largest worker process)")


if __name__ == "__main__":
    main()
