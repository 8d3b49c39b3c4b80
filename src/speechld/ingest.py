"""The ingest pipeline: inputs -> parser -> mapper -> store, one named graph per source page."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from itertools import chain, islice
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TypeVar

from pyoxigraph import NamedNode
from rdflib.namespace import DCTERMS, FOAF, RDFS

from speechld import __version__
from speechld.errors import NotASpeech, ParseError, SpeechldError, StoreError, WriteRefused
from speechld.inputs import DEFAULT_LIMIT, Item, Page, decoded, read_items
from speechld.mapper import page_graph
from speechld.parse import parse_page
from speechld.rdf import ntriples
from speechld.record import Speech
from speechld.schemes import vocabulary_graph
from speechld.store import GraphStore, SourceGraph, dataset_base
from speechld.store.base import INVALIDATED, in_chunks
from speechld.store.embedded import latest
from speechld.vocab import SCHEMA, SLD, Minter

BATCH = 1000  # sources per store transaction (embedded) or per group of update requests
MAX_JOBS = 256  # worker processes at most
INLINE = 500  # pages parsed in this process before worker processes are worth starting
CHUNKSIZE = 50  # pages per task sent to a worker
IN_FLIGHT = 80  # tasks handed to the workers at a time
PUBLISH_EVERY = 1.0  # seconds between the new data's publications to readers during an ingest
T = TypeVar("T")


@dataclass
class Summary:
    """What an ingest did: counts, time taken, one message per page skipped or input failed."""

    read: int = 0
    stored: int = 0  # sources, each once however often it was read
    unchanged: int = 0  # of the stored: already in the store with the same content
    repeated: int = 0  # pages whose source was read before in the same run
    skipped: int = 0
    failed: list[str] = field(default_factory=list)
    skips: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Pages read per second."""
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def __str__(self) -> str:
        same = f" ({self.unchanged} unchanged)" if self.unchanged else ""
        again = f", {self.repeated} repeated" if self.repeated else ""
        return (
            f"{self.read} read, {self.stored} stored{same}{again}, {self.skipped} skipped, "
            f"{len(self.failed)} failed in {self.seconds:.1f} s ({self.rate:.0f} pages/s)"
        )


class Interrupted(SpeechldError):
    """An ingest stopped on request before its end; its summary says what it had stored."""

    def __init__(self, summary: Summary) -> None:
        super().__init__(
            f"the ingest was interrupted after {summary.read} pages read: "
            f"{summary.stored} stored, the rest not (every source is as it was or wholly new; "
            "the same ingest again completes it)"
        )
        self.summary = summary


class Stopper:
    """SIGINT (Ctrl-C) and SIGTERM made one KeyboardInterrupt, held back while a commit runs."""

    def __init__(self) -> None:
        self.signum = 0  # the first stop signal received, if any
        self.raised = False
        self.holding = 0

    @property
    def name(self) -> str:
        """The signal's name, such as SIGINT."""
        return signal.Signals(self.signum).name

    def handle(self, signum: int, frame: object) -> None:
        """Note the signal; interrupt now, unless a commit runs (then at its end)."""
        self.signum = self.signum or signum
        if not self.holding:
            self.interrupt()

    def interrupt(self) -> None:
        """Raise KeyboardInterrupt for the first signal, once: more do not disturb the stop."""
        if self.signum and not self.raised:
            self.raised = True
            raise KeyboardInterrupt

    @contextmanager
    def held(self) -> Iterator[None]:
        """Let no stop signal interrupt the block; one that came interrupts at its end."""
        self.holding += 1
        try:
            yield
        finally:
            self.holding -= 1
        if not self.holding:
            self.interrupt()

    def catching(self) -> AbstractContextManager[None]:
        """Handle SIGINT and SIGTERM so while the block runs (in the main thread); once one
        came, ignore more after it (the process is stopping, and says how it stopped)."""
        return stop_signals_handled(self.handle, then_ignored=lambda: bool(self.signum))


@contextmanager
def stop_signals_handled(
    handler: Callable[[int, object], None] | int,
    then_ignored: Callable[[], bool] = lambda: False,
) -> Iterator[None]:
    """Handle SIGINT and SIGTERM by handler (or ignore them: SIG_IGN) while the block runs,
    in the main thread; the previous handlers after, or none if then_ignored() says so."""
    previous = {number: signal.signal(number, handler) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, restored in previous.items():
            signal.signal(number, signal.SIG_IGN if then_ignored() else restored)


class Writer:
    """Commits batches of graphs one at a time in a thread of its own, while the next batch
    is parsed: the store's native code releases the GIL as it writes.

    One batch at most waits while another is written. A commit is never cut short: the
    ingest's signals reach its own thread alone, and stop() lets the batch being written
    finish (dropping the one that waits).
    """

    def __init__(self, commit: Callable[[list[SourceGraph], set[str]], None]) -> None:
        self._commit = commit
        self._batches: queue.Queue[tuple[list[SourceGraph], set[str]] | None] = queue.Queue(1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="speechld-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (batch := self._batches.get()) is not None:
            if self._error is None:
                try:
                    self._commit(*batch)
                except BaseException as error:  # raised again in the ingest's thread
                    self._error = error

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def put(self, graphs: list[SourceGraph], new: set[str]) -> None:
        """Hand over a batch (its graphs, and those read for the first time); waits while
        another batch waits; raises the error of a commit that failed."""
        self._raise()
        self._batches.put((graphs, new))

    def finish(self) -> None:
        """Wait until every batch handed over is written; raise a failed commit's error."""
        self.stop(drop=False)
        self._raise()

    def stop(self, drop: bool = True) -> None:
        """End the thread once the batch being written is written (and the waiting one,
        unless dropped)."""
        if not self._thread.is_alive():
            return
        if drop:
            with suppress(queue.Empty):
                self._batches.get_nowait()
        self._batches.put(None)
        self._thread.join()


def source_graph(speech: Speech, mint: Minter, ingested: datetime) -> SourceGraph:
    """The named graph of the speech's source page, ready for the store."""
    graph = page_graph(speech, mint, ingested, __version__)
    shared = str(mint.graph("shared"))
    return SourceGraph(
        graph.name.value,
        ntriples(graph.triples),
        graph.digest,
        ntriples(graph.shared),
        shared,
        str(mint.speech(speech.id)),
    )


def replaced(store: GraphStore, graphs: list[SourceGraph], publish: bool) -> list[tuple[str, str]]:
    """Write the graphs; if the store refuses the batch, each alone: (graph, message) for
    each it refuses, the message naming where the page was read. If it refuses the first
    two alone as well, it refuses anything (a wrong update URL, say): that is raised."""
    try:
        store.replace(graphs, publish=publish)
        return []
    except WriteRefused as error:
        if len(graphs) == 1:
            return [(graphs[0].graph, f"{graphs[0].origin or graphs[0].graph}: {error}")]
        refusal = error
    refused: list[tuple[str, str]] = []
    for number, graph in enumerate(graphs, 1):
        refused += replaced(store, [graph], publish)
        if number == 2 and len(refused) == 2:
            raise refusal
    return refused


def with_digest(graph: SourceGraph) -> SourceGraph:
    """A graph of fixed content (dataset, vocabulary) stating the digest of its text."""
    digest = hashlib.sha256(graph.ntriples.encode("utf-8")).hexdigest()
    line = f'<{graph.graph}> <{SLD.contentDigest}> "{digest}" .\n'
    return SourceGraph(graph.graph, graph.ntriples + line, digest)


def unchanged(store: GraphStore, graphs: list[SourceGraph]) -> tuple[set[str], set[str]]:
    """The graphs the store already holds with the same content digest, and those it holds
    with another."""
    stored = store.digests([g.graph for g in graphs if g.digest])
    same = {g.graph for g in graphs if g.digest and stored.get(g.graph) == g.digest}
    return same, set(stored) - same


# The speeches a page's graph gave before, or gave until the page was removed, and those
# they had replaced. (A filter on ?g goes outside GRAPH ?g, where SPARQL binds it: Jena
# follows the letter there, and inside it the filter removed every row.)
FORMER = (
    "SELECT DISTINCT ?g ?old WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ "
    "{{ ?old a <{speech}> }} UNION {{ ?new <{replaces}> ?old }} "
    "UNION {{ ?old <{invalidated}> ?when }} }} FILTER(?old != ?g) }}"
)
# The terms these queries (and remove's) name.
TERMS = {"speech": SLD.Speech, "replaces": DCTERMS.replaces, "invalidated": INVALIDATED}
# The pages that give those speeches.
GIVEN = (
    "SELECT DISTINCT ?old ?h WHERE {{ VALUES ?old {{ {speeches} }} "
    f"GRAPH ?h {{{{ ?old a <{SLD.Speech}> }}}} }}}}"
)


def with_successors(
    store: GraphStore, graphs: list[SourceGraph], changed: set[str]
) -> list[SourceGraph]:
    """The graphs, a changed page's stating that its speech replaces the one(s) the page
    gave before where its speech is another now (its opening was edited, say): the old URI
    keeps answering, with a link to its successor. A speech that another page still gives
    (the same speech read from a page in another language) is replaced by none."""
    if not changed:
        return graphs
    former: dict[str, set[str]] = {}
    for chunk in in_chunks(sorted(changed)):
        names = " ".join(f"<{g}>" for g in chunk)
        for row in store.select(FORMER.format(graphs=names, **TERMS)):
            former.setdefault(row["g"].value, set()).add(row["old"].value)
    olds = set().union(*former.values()) - {g.subject for g in graphs}
    for chunk in in_chunks(sorted(olds)):
        for row in store.select(GIVEN.format(speeches=" ".join(f"<{old}>" for old in chunk))):
            if row["h"].value not in changed:  # another page still gives it
                olds.discard(row["old"].value)
    return [replacing(g, former.get(g.graph, set()) & olds) for g in graphs]


# Graphs saying their speech replaces one that a page gives after all, and that speech.
STALE_SUCCESSORS = (
    "SELECT DISTINCT ?g ?old WHERE { { SELECT DISTINCT ?g ?old WHERE { GRAPH ?g "
    f"{{ ?new <{DCTERMS.replaces}> ?old }} }} }} "
    f"FILTER EXISTS {{ GRAPH ?h {{ ?old a <{SLD.Speech}> }} }} }}"
)
GRAPH_CONTENT = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
REPLACES = NamedNode(str(DCTERMS.replaces))


def drop_stale_successors(store: GraphStore) -> int:
    """Drop the links from a speech to one it replaced that a page gives after all (a page
    read in a later batch, or an ingest stopped between batches); the graphs mended."""
    stale: dict[str, set[NamedNode]] = {}
    for row in store.select(STALE_SUCCESSORS):
        stale.setdefault(row["g"].value, set()).add(row["old"])
    mended = []
    for name, olds in stale.items():
        content = store.construct(GRAPH_CONTENT.format(graph=name))
        kept = [t for t in content if not (t.predicate == REPLACES and t.object in olds)]
        mended.append(SourceGraph(name, ntriples(kept)))
    store.replace(mended, publish=False)
    return len(mended)


def replacing(graph: SourceGraph, former: set[str]) -> SourceGraph:
    """The graph with its speech stating that it replaces each of the former speeches."""
    if not (graph.subject and former):
        return graph
    lines = "".join(f"<{graph.subject}> <{DCTERMS.replaces}> <{old}> .\n" for old in sorted(former))
    return graph._replace(ntriples=graph.ntriples + lines)


# What became of one page: ("stored", graph), ("skipped", message) or ("failed", message).
Outcome = tuple[str, SourceGraph | str]


def convert(item: Item, mint: Minter, ingested: datetime) -> Outcome:
    """Parse and map one page; a page that is not a speech is skipped, a bad one failed.

    An unexpected error (a bug, not a bad page) fails that page alone, named with the
    error, and the run goes on.
    """
    try:
        return convert_page(decoded(item), mint, ingested)
    except Exception as error:
        where = item.source if isinstance(item, ParseError) else item.where
        return "failed", f"{where}: unexpected error {type(error).__name__}: {error}"


def convert_page(page: Page | ParseError, mint: Minter, ingested: datetime) -> Outcome:
    """Parse and map one decoded page."""
    if isinstance(page, ParseError):
        return "failed", str(page)
    try:
        graph = source_graph(parse_page(page.text, page.source), mint, ingested)
        return "stored", graph._replace(origin=page.where)
    except NotASpeech as error:
        return "skipped", str(NotASpeech(page.where, error.kind))
    except ParseError as error:
        return "failed", str(ParseError(page.where, error.cause))


_worker: tuple[Minter, datetime] | None = None
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _start_worker(base: str, ingested: datetime) -> None:
    """Ready a worker process: deaf to the ingest's stop signals, gone with its parent.

    Ctrl-C and a SIGTERM to the process group, or to every process of the ingest (as a
    service manager stops one), stop the parent alone, which then ends the workers (a
    SIGKILL). The worker starts with the signals held (see `_signals_held`): any sent to
    it before it had a process group of its own are dropped here.
    """
    global _worker
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    os.setpgrp()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    _worker = Minter(base), ingested


def _exit_with_parent() -> None:
    """End this worker as soon as the process that started it has ended, however it ended."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        wait([parent.sentinel])
        os._exit(1)


def _convert_in_worker(items: list[Item]) -> list[Outcome]:
    assert _worker is not None
    return [convert(item, *_worker) for item in items]


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back SIGINT and SIGTERM from this thread, and from the processes it starts."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def in_workers(
    items: Iterator[Item], base: str, ingested: datetime, jobs: int
) -> Iterator[Outcome]:
    """The outcome of every page, in input order, parsed by up to `jobs` worker processes.

    Chunks of pages go to the workers in turn (each started with its first chunk), at most
    IN_FLIGHT at a time, each worker on a pipe of its own: a worker that dies (killed from
    outside, say) is an error at once, even mid-message, where a shared queue waits for
    the rest of its message for good. Closing the generator early ends the workers.
    """
    context = multiprocessing.get_context("spawn")
    workers: list[tuple[BaseProcess, Connection]] = []
    try:
        pending: deque[Connection] = deque()
        for turn, chunk in enumerate(iter(lambda: list(islice(items, CHUNKSIZE)), [])):
            if len(workers) < jobs:
                mine, theirs = context.Pipe()
                with _signals_held():  # the worker starts with them held (see _start_worker)
                    process = context.Process(target=_work, args=(theirs, base, ingested))
                    process.start()
                theirs.close()  # this end is the worker's alone: its death ends the pipe
                workers.append((process, mine))
            conn = workers[turn % jobs][1]
            _exchange(partial(conn.send, chunk))
            pending.append(conn)
            if len(pending) >= IN_FLIGHT:
                yield from _exchange(pending.popleft().recv)
        while pending:
            yield from _exchange(pending.popleft().recv)
    finally:
        for worker, conn in workers:
            conn.close()
            worker.kill()  # what it still had to parse is not wanted
            worker.join()


def _exchange(step: Callable[[], T]) -> T:
    """A message sent to or received from a worker; its death a SpeechldError."""
    try:
        return step()
    except (EOFError, OSError) as error:
        raise SpeechldError(
            "a worker process parsing the pages ended unexpectedly (killed from outside, or "
            "by the system for want of memory); the pages stored so far are whole, and the "
            "same ingest again completes it"
        ) from error


def _work(conn: Connection, base: str, ingested: datetime) -> None:
    """A worker process: parse each chunk its parent sends and send back the outcomes,
    until the parent closes the pipe. Chunks are read as they come, in a thread of their
    own, so that the parent sending a chunk never waits for this worker sending outcomes
    (each waiting for the other)."""
    _start_worker(base, ingested)
    chunks: queue.SimpleQueue[list[Item] | None] = queue.SimpleQueue()

    def read() -> None:
        with suppress(EOFError, OSError):
            while True:
                chunks.put(conn.recv())
        chunks.put(None)

    threading.Thread(target=read, daemon=True).start()
    with suppress(OSError):  # the parent gone: nothing to send to
        while (chunk := chunks.get()) is not None:
            conn.send(_convert_in_worker(chunk))


def outcomes(items: Iterator[Item], base: str, ingested: datetime, jobs: int) -> Generator[Outcome]:
    """The outcome of every page, in input order, parsed by `jobs` processes when many.

    The inputs are read as the work goes: at most a few thousand pages are in memory.
    """
    mint = Minter(base)
    for item in islice(items, INLINE):
        yield convert(item, mint, ingested)
    rest = next(items, None)
    if rest is None:
        return
    if jobs <= 1:
        for item in chain([rest], items):
            yield convert(item, mint, ingested)
        return
    yield from in_workers(chain([rest], items), base, ingested, jobs)


# What the shared graph says of resources no page names any more: counted, then deleted by
# one update that asks again, so that a page a concurrent ingest writes in between keeps
# its speaker's description.
ORPHANED = """{{
  GRAPH <{shared}> {{ ?x ?p ?o }} FILTER(isIRI(?x))
  FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?link ?x }} FILTER(?g != <{shared}>) }}
}}"""
ORPHANS = f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {ORPHANED}"
DROP_ORPHANS = f"DELETE {{{{ GRAPH <{{shared}}> {{{{ ?x ?p ?o }}}} }}}} WHERE {ORPHANED}"


# A person's spellings that no page writes (of a person with others: every page's spelling
# is stated, so a person spelled one way is spelled as a page writes), unless some page
# names the person without writing the name (one stored before sld:speakerName). They go
# in one update, which a concurrent ingest cannot write a spelling into the middle of; an
# ASK first spares a rerun that changes nothing a write (and its new date).
UNWRITTEN = f"""{{{{
  GRAPH <{{shared}}> {{{{
    ?x a <{FOAF.Person}> ; <{FOAF.name}> ?n , ?other FILTER(?other != ?n) }}}}
  FILTER NOT EXISTS {{{{ GRAPH ?g {{{{ ?s <{SLD.speakerName}> ?n ; <{SLD.speaker}> ?x }}}} }}}}
  FILTER NOT EXISTS {{{{ GRAPH ?h {{{{
    ?t <{SLD.speaker}> ?x FILTER NOT EXISTS {{{{ ?t <{SLD.speakerName}> ?any }}}} }}}} }}}}
}}}}"""
DROP_UNWRITTEN = (
    f"DELETE {{{{ GRAPH <{{shared}}> {{{{ ?x <{FOAF.name}> ?n ; <{SCHEMA.name}> ?n ; "
    f"<{RDFS.label}> ?n }}}} }}}} WHERE {UNWRITTEN}"
)


def prune_shared(store: GraphStore, mint: Minter) -> int:
    """Drop from the shared graph what no page names any more (a speaker's name corrected
    to another person's, say) and the spellings of a name that no page writes any more;
    the number of resources whose description went."""
    shared = str(mint.graph("shared"))
    orphans = int(next(iter(store.select(ORPHANS.format(shared=shared))))["n"].value)
    if orphans:
        store.update(DROP_ORPHANS.format(shared=shared), publish=False)
    if store.query(f"ASK {UNWRITTEN.format(shared=shared)}"):
        store.update(DROP_UNWRITTEN.format(shared=shared), publish=False)
    return orphans


# What removed pages' graphs still say of speeches a page gives again.
REVIVED = f"""SELECT DISTINCT ?g ?s WHERE {{
  GRAPH ?g {{ ?s <{INVALIDATED}> ?when }} FILTER(?s != ?g)
  FILTER EXISTS {{ GRAPH ?h {{ ?s a <{SLD.Speech}> }} }}
}}"""


def revive_given(store: GraphStore) -> int:
    """Drop the removal records of speeches some page gives again (one with another
    source, say); the number of records dropped."""
    records: dict[str, list[str]] = {}
    for row in store.select(REVIVED):
        records.setdefault(row["g"].value, []).append(row["s"].value)
    for graph, speeches in sorted(records.items()):
        store.forget(graph, sorted(speeches), publish=False)
    return sum(map(len, records.values()))


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
    dataset = f"<{mint.dataset()}>"
    void = "http://rdfs.org/ns/void#"
    return SourceGraph(
        str(mint.graph("dataset")),
        f"{dataset} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{void}Dataset> .\n"
        f'{dataset} <{void}uriSpace> "{mint.base}id/" .\n',
    )


def ingest(
    store: GraphStore,
    paths: Iterable[str | Path],
    base: str,
    limit: int = DEFAULT_LIMIT,
    *,
    batch: int = BATCH,
    jobs: int = 1,
    progress: Callable[[Summary], None] | None = None,
    items: Iterable[tuple[str, str]] | None = None,
    stop: Stopper | None = None,
) -> Summary:
    """Parse, map and store every page, `batch` sources per transaction, then publish.

    Each source's graph is replaced whole, and left alone if its content digest says it
    is already stored as it is: ingesting again changes nothing, and an interrupted
    ingest leaves every source as it was or as it is now. Bad pages are
    counted, not fatal. `items` replaces reading the paths with ready (source, text) pairs.
    Batches are committed in a thread of their own while the next is parsed.
    Interrupted (KeyboardInterrupt), it lets the batch being committed finish and raises
    Interrupted, having committed no more; `stop` holds its signals back while the
    ingest's last writes run.
    """
    started = time.monotonic()
    mint = Minter(base)
    ingested = datetime.now(UTC).replace(microsecond=0)
    summary = Summary()
    pending = [with_digest(dataset_graph(mint)), with_digest(vocabulary_graph(mint))]
    seen: set[int] = set()  # the hash of every page's graph name so far: 60 bytes a source
    first: set[str] = set()  # the graphs of the pending pages read for the first time
    published = time.monotonic()
    stream: Iterator[Item] = (
        (Page(source, text, source) for source, text in items)
        if items is not None
        else read_items(paths, limit)
    )

    def commit(graphs: list[SourceGraph], new: set[str]) -> None:
        nonlocal published
        graphs = latest(graphs)  # a source read twice in the batch: its last reading
        same, changed = unchanged(store, graphs)
        due = time.monotonic() - published >= PUBLISH_EVERY
        fresh = [g for g in graphs if g.graph not in same]
        written = with_successors(store, fresh, changed)
        refused = replaced(store, written, due)
        summary.failed += [message for _, message in refused]
        published = time.monotonic() if due else published
        summary.stored += len(new - {graph for graph, _ in refused})
        summary.unchanged += len(same & new)

    hold = stop.held if stop is not None else nullcontext
    writer = Writer(commit)
    try:
        with closing(outcomes(stream, mint.base, ingested, jobs)) as results:
            for kind, value in results:
                summary.read += 1
                if kind == "stored":
                    assert isinstance(value, SourceGraph)
                    if hash(value.graph) in seen:  # the last one read is stored
                        summary.repeated += 1
                    else:
                        seen.add(hash(value.graph))
                        first.add(value.graph)
                    pending.append(value)
                    if len(pending) >= batch:
                        writer.put(pending, first)
                        pending, first = [], set()
                elif kind == "skipped":
                    summary.skipped += 1
                    summary.skips.append(str(value))
                else:
                    summary.failed.append(str(value))
                if progress is not None:
                    summary.seconds = time.monotonic() - started
                    progress(summary)
        if pending:  # the last pages, or only the dataset and vocabulary graphs
            writer.put(pending, first)
        writer.finish()
        with hold():
            drop_stale_successors(store)
            # Even when no page changed: an ingest killed before this step left them.
            prune_shared(store, mint)
            revive_given(store)
        store.publish()
        try:  # a store whose default graph hides what was written: said now, not later
            dataset_base(store)
        except StoreError as error:
            raise StoreError(f"the pages are stored, but {error}") from error
    except KeyboardInterrupt:
        writer.stop()
        summary.seconds = time.monotonic() - started
        raise Interrupted(summary) from None
    finally:
        writer.stop()
    summary.seconds = time.monotonic() - started
    return summary
