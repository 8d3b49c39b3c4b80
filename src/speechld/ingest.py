"""The ingest pipeline: input files -> parser -> mapper -> store, one named graph per source."""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from multiprocessing.pool import AsyncResult
from pathlib import Path

from speechld.errors import NotASpeech, ParseError, SpeechldError
from speechld.mapper import source_key, speech_triples
from speechld.parse import parse_page
from speechld.rdf import ntriples
from speechld.record import Speech
from speechld.store import GraphStore, SourceGraph, dataset_base
from speechld.vocab import Minter

SUFFIXES = {".txt", ".md"}
BATCH = 1000  # sources per store transaction (embedded) or per group of update requests
INLINE = 500  # pages parsed in this process before worker processes are worth starting
WINDOW = 2000  # pages handed to the workers at a time; two windows are in flight
CHUNKSIZE = 50  # pages per task sent to a worker


@dataclass
class Summary:
    """What an ingest did: counts, time taken, and one message per input that failed."""

    read: int = 0
    stored: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Pages read per second."""
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def __str__(self) -> str:
        return (
            f"{self.read} read, {self.stored} stored, {self.skipped} skipped, "
            f"{len(self.failed)} failed in {self.seconds:.1f} s ({self.rate:,.0f} pages/s)"
        )


def pages(paths: Iterable[Path]) -> Iterator[tuple[str, str]]:
    """(source, text) for every speech file named or found under a named directory."""
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and found.suffix in SUFFIXES:
                    yield found.resolve().as_uri(), found.read_text(encoding="utf-8")
        else:
            yield path.resolve().as_uri(), path.read_text(encoding="utf-8")


def source_graph(speech: Speech, mint: Minter) -> SourceGraph:
    """The named graph of the speech's source page, ready for the store."""
    graph = mint.graph(source_key(speech.source))
    return SourceGraph(str(graph), ntriples(speech_triples(speech, mint)))


# What became of one page: ("stored", graph), ("skipped", message) or ("failed", message).
Outcome = tuple[str, SourceGraph | str]


def convert(page: tuple[str, str], mint: Minter) -> Outcome:
    """Parse and map one page; a page that is not a speech is skipped, a bad one failed."""
    source, text = page
    try:
        return "stored", source_graph(parse_page(text, source), mint)
    except NotASpeech as error:
        return "skipped", str(error)
    except ParseError as error:
        return "failed", str(error)


_worker_mint: Minter | None = None


def _start_worker(base: str) -> None:
    global _worker_mint
    _worker_mint = Minter(base)


def _convert_in_worker(page: tuple[str, str]) -> Outcome:
    assert _worker_mint is not None
    return convert(page, _worker_mint)


def outcomes(items: Iterator[tuple[str, str]], base: str, jobs: int) -> Iterator[Outcome]:
    """The outcome of every page, in input order, parsed by `jobs` processes when many.

    The inputs are read as the work goes: at most a few windows of pages are in memory.
    """
    mint = Minter(base)
    for page in islice(items, INLINE):
        yield convert(page, mint)
    rest = next(items, None)
    if rest is None:
        return
    if jobs <= 1:
        for page in chain([rest], items):
            yield convert(page, mint)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(jobs, initializer=_start_worker, initargs=(base,)) as pool:
        pending: deque[AsyncResult[list[Outcome]]] = deque()
        remaining = chain([rest], items)
        while window := list(islice(remaining, WINDOW)):
            pending.append(pool.map_async(_convert_in_worker, window, CHUNKSIZE))
            if len(pending) >= 2:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def resolve_base(store: GraphStore, requested: str | None, default: str) -> str:
    """The base to mint under: the store's own; a different requested base is an error."""
    requested = requested if requested is None or requested.endswith("/") else requested + "/"
    existing = dataset_base(store)
    if existing and requested and existing != requested:
        raise SpeechldError(
            f"the store's URIs are minted under {existing}, not {requested}: "
            "use that base, or a new store for the new one"
        )
    return existing or requested or default


stored_base = dataset_base  # the name the rest of speechld knows it by


def dataset_graph(mint: Minter) -> SourceGraph:
    """The graph that names the dataset and the URI space it mints under."""
    dataset = f"<{mint.base}.well-known/void#dataset>"
    void = "http://rdfs.org/ns/void#"
    return SourceGraph(
        str(mint.graph("dataset")),
        f"{dataset} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{void}Dataset> .\n"
        f'{dataset} <{void}uriSpace> "{mint.base}id/" .\n',
    )


def ingest(
    store: GraphStore,
    paths: Iterable[Path],
    base: str,
    *,
    batch: int = BATCH,
    jobs: int = 1,
    progress: Callable[[Summary], None] | None = None,
    items: Iterable[tuple[str, str]] | None = None,
) -> Summary:
    """Parse, map and store every page, `batch` sources per transaction.

    Each source's graph is replaced whole, so ingesting again changes nothing and an
    interrupted ingest leaves every source as it was or as it is now. Bad pages are
    counted, not fatal. `items` replaces reading the paths with ready (source, text) pairs.
    """
    started = time.monotonic()
    mint = Minter(base)
    summary = Summary()
    pending: list[SourceGraph] = [dataset_graph(mint)]
    stream = iter(items) if items is not None else pages(paths)
    described = False  # whether the dataset graph has been stored

    def commit() -> None:
        nonlocal described
        store.replace(pending)
        summary.stored += len(pending) - (0 if described else 1)
        described = True
        pending.clear()

    for kind, value in outcomes(stream, mint.base, jobs):
        summary.read += 1
        if kind == "stored":
            assert isinstance(value, SourceGraph)
            pending.append(value)
            if len(pending) >= batch:
                commit()
        elif kind == "skipped":
            summary.skipped += 1
        else:
            summary.failed.append(str(value))
        if progress is not None:
            summary.seconds = time.monotonic() - started
            progress(summary)
    if pending:
        commit()
    summary.seconds = time.monotonic() - started
    return summary
