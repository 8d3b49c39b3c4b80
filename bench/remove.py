"""Removal benchmark: pages removed per second and peak memory, from a store of N pages.

    .venv/bin/python -m bench.remove --speeches 20000

Ingests N synthetic pages (bench/synthetic.py) into a new embedded store, untimed, then
times `speechld.remove.remove` of the first tenth of them and then of the rest, each in
a fresh process so that each peak memory is its own: a removal's cost must follow the
pages removed, not the size of the store they are removed from.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import tempfile
import time
from pathlib import Path

from bench.ingest import BASE, peak_mib, write_input
from speechld.ingest import ingest
from speechld.remove import remove
from speechld.store import EmbeddedStore


def removal(store: Path, source: Path, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Remove the pages of one input from the store; report (sources, seconds, MiB)."""
    started = time.perf_counter()
    opened = EmbeddedStore(store)
    done = remove(opened, [str(source)])
    opened.close()
    out.put((len(done.sources), time.perf_counter() - started, peak_mib()[0]))


def measure(store: Path, source: Path) -> tuple[int, float, float]:
    """A removal's figures, measured in a fresh process."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=removal, args=(store, source, queue))
    process.start()
    figures: tuple[int, float, float] = queue.get()
    process.join()
    return figures


def main() -> None:
    """Build the store, remove a tenth of its pages and then the rest, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speeches", type=int, default=20_000, help="pages in the store")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="speechld-bench-"))
    try:
        whole = write_input(directory / "pages.jsonl", args.speeches, mixed=True)
        lines = whole.read_text(encoding="utf-8").splitlines(keepends=True)
        tenth = len(lines) // 10
        first, rest = directory / "first.jsonl", directory / "rest.jsonl"
        first.write_text("".join(lines[:tenth]), encoding="utf-8")
        rest.write_text("".join(lines[tenth:]), encoding="utf-8")
        store = EmbeddedStore(directory / "store")
        ingest(store, [whole], BASE)
        store.close()
        print(f"store of {args.speeches:,} pages; removing from it:")
        print(f"{'removed':<28} {'pages':>8} {'seconds':>8} {'pages/s':>8} {'peak MiB':>9}")
        for name, source in (("the first tenth", first), ("the rest", rest)):
            count, seconds, mib = measure(directory / "store", source)
            print(f"{name:<28} {count:>8,} {seconds:>8.1f} {count / seconds:>8,.0f} {mib:>9,.0f}")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
