"""Ingest benchmark: speeches per second and peak memory, embedded store vs. rdflib baseline.

    .venv/bin/python -m bench.ingest --speeches 100000

Generates N realistic synthetic pages (bench/synthetic.py) and runs, each in a fresh
process so that each peak memory is its own:

- embedded: `speechld.ingest.ingest` into a new on-disk Oxigraph store, with worker
  processes (the `speechld ingest` default) and with one process, at N/10 and at N
  pages, to show whether memory grows with N;
- parse+map: the same parsing and mapping with no store, the ceiling of the pipeline;
- rdflib: the same parse-and-map path into a plain in-memory rdflib Graph (baseline).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from bench.synthetic import page, pages
from speechld import __version__
from speechld.errors import ParseError
from speechld.ingest import convert, ingest
from speechld.inputs import Page
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


def items(count: int, mixed: bool) -> Iterator[tuple[str, str]]:
    """(source, text) of the synthetic pages, generated as they are consumed."""
    for item in pages(count, form=None if mixed else "export"):
        yield item.source, item.text


def peak_mib() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child, in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def run_embedded(count: int, mixed: bool, jobs: int) -> int:
    """Ingest into a new embedded store; the number of speeches stored."""
    directory = Path(tempfile.mkdtemp(prefix="speechld-bench-"))
    try:
        store = EmbeddedStore(directory / "store")
        summary = ingest(store, [], BASE, jobs=jobs, items=items(count, mixed))
        store.close()
        return summary.stored
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def run_parse_map(count: int, mixed: bool) -> int:
    """Parse and map to N-Triples, store nothing; the number of speeches."""
    mint = Minter(BASE)
    now = datetime.now(UTC)
    return sum(
        1
        for source, text in items(count, mixed)
        if convert(Page(source, text, source), mint, now)[0] == "stored"
    )


def run_rdflib(count: int, mixed: bool) -> int:
    """Parse and map into one in-memory rdflib Graph; the number of speeches."""
    from rdflib import Graph

    graph = Graph()
    mint = Minter(BASE)
    now = datetime.now(UTC)
    stored = 0
    for source, text in items(count, mixed):
        try:
            speech = parse_page(text, source)
        except ParseError:
            continue
        for triple in page_graph(speech, mint, now, __version__)[1]:
            graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
        stored += 1
    return stored


def scenario(name: str, count: int, mixed: bool, jobs: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Run one scenario and report (speeches, seconds, own MiB, child MiB)."""
    started = time.perf_counter()
    if name == "embedded":
        stored = run_embedded(count, mixed, jobs)
    elif name == "parse+map":
        stored = run_parse_map(count, mixed)
    else:
        stored = run_rdflib(count, mixed)
    seconds = time.perf_counter() - started
    out.put((stored, seconds, *peak_mib()))


def measure(name: str, count: int, mixed: bool, jobs: int) -> tuple[int, float, float, float]:
    """A scenario's figures, measured in a fresh process."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=scenario, args=(name, count, mixed, jobs, queue))
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
    print(f"{count:,} synthetic pages; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}")
    runs = [
        ("embedded", count // 10, args.jobs),
        ("embedded", count, args.jobs),
        ("embedded", count, 1),
        ("parse+map", count, 1),
        ("rdflib", count, 1),
    ]
    print(f"{'scenario':<28}{'speeches':>10}{'seconds':>9}{'speeches/s':>12}{'peak MiB':>10}")
    rates: dict[str, float] = {}
    for name, n, jobs in runs:
        stored, seconds, own, child = measure(name, n, mixed, jobs)
        label = f"{name} (jobs={jobs})" if name == "embedded" else name
        rate = stored / seconds
        rates.setdefault(name if n == count else f"{name}/10", rate)
        peak = f"{own:.0f}" + (f"+{child:.0f}" if child else "")
        print(f"{label:<28}{stored:>10,}{seconds:>9.1f}{rate:>12,.0f}{peak:>10}", flush=True)
    print(f"embedded / rdflib baseline: {rates['embedded'] / rates['rdflib']:.1f}x")
    print("peak MiB: this process (+ its largest worker process)")


if __name__ == "__main__":
    main()
