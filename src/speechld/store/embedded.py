"""The embedded on-disk store (Oxigraph), the default: nothing to install or start."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from itertools import islice
from pathlib import Path
from typing import cast

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    Triple,
    serialize,
)

from speechld.errors import QueryError, StoreError
from speechld.sparql.syntax import has_dataset_clause, in_written_order, readable_error
from speechld.store import memory
from speechld.store.base import (
    CONTENT_DIGEST,
    QueryResult,
    SourceGraph,
    Subject,
    graph_prefix,
    in_chunks,
    pattern_query,
    shared_blocks,
    stated_digest,
)
from speechld.store.directory import cause, check, claim, is_locked
from speechld.store.snapshots import Lease, collect, current, open_leased, open_snapshot
from speechld.store.snapshots import publish as publish_snapshot

RECHECK = 0.1  # seconds between a reader's checks for a newer snapshot and of its memory
GRACE = 300.0  # seconds a reader keeps a superseded snapshot for queries still running on it
TIDY = 30.0  # seconds between an idle reader's moves to the newest snapshot and clean-ups
CHUNK = 5_000  # quads serialised at a time by dump(): its memory is about CHUNK long literals
# Lines (triples) per bulk load: below Oxigraph's bulk batch of 1,000,000 quads, a bulk load
# is one RocksDB ingestion of SST files into every index at once, which is atomic.
BULK_LINES = 500_000
DIGEST = NamedNode(CONTENT_DIGEST)


def _serialize(batch: list[Quad] | list[Triple], format: RdfFormat, buffer: io.BytesIO) -> bytes:
    buffer.seek(0)
    buffer.truncate()
    serialize(batch, buffer, format)
    return buffer.getvalue()


def batch_update_text(graphs: Iterable[SourceGraph]) -> str:
    """One SPARQL Update replacing many graphs: one DELETE for all, then one INSERT DATA.

    Oxigraph runs it twice as fast as a DROP and an INSERT per graph.

    >>> print(batch_update_text([SourceGraph("http://g/1", "<http://s> <http://p> 1 .\\n")]))
    DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { VALUES ?g { <http://g/1> } GRAPH ?g { ?s ?p ?o } } ;
    INSERT DATA {
    GRAPH <http://g/1> {
    <http://s> <http://p> 1 .
    }
    }
    """
    graphs = latest(graphs)
    if not graphs:
        return ""
    return f"{delete_text([g.graph for g in graphs])} ;\n{insert_block(graphs)}"


def delete_text(graphs: Iterable[str]) -> str:
    """One SPARQL Update deleting every quad of these graphs (a store may keep them listed).

    >>> print(delete_text(["http://g/1"]))
    DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { VALUES ?g { <http://g/1> } GRAPH ?g { ?s ?p ?o } }
    """
    names = " ".join(f"<{g}>" for g in graphs)
    return (
        f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ VALUES ?g {{ {names} }} "
        "GRAPH ?g { ?s ?p ?o } }"
    )


def forget_text(graph: str, subjects: Iterable[str]) -> str:
    """One SPARQL Update deleting what a named graph says of these subjects.

    >>> print(forget_text("http://g/s", ["http://x/1"]))  # doctest: +NORMALIZE_WHITESPACE
    DELETE { GRAPH <http://g/s> { ?x ?p ?o } } WHERE { VALUES ?x { <http://x/1> }
    GRAPH <http://g/s> { ?x ?p ?o } }
    """
    names = " ".join(f"<{s}>" for s in subjects)
    return (
        f"DELETE {{ GRAPH <{graph}> {{ ?x ?p ?o }} }} WHERE {{ VALUES ?x {{ {names} }} "
        f"GRAPH <{graph}> {{ ?x ?p ?o }} }}"
    )


def insert_block(graphs: list[SourceGraph]) -> str:
    """One INSERT DATA of graphs the store does not hold yet, and what they add to shared ones.

    >>> print(insert_block([SourceGraph("http://g/1", "<http://s> <http://p> 1 .\\n")]))
    INSERT DATA {
    GRAPH <http://g/1> {
    <http://s> <http://p> 1 .
    }
    }
    """
    body = "".join(f"GRAPH <{g.graph}> {{\n{g.ntriples}}}\n" for g in graphs)
    return f"INSERT DATA {{\n{body}{shared_blocks(graphs, 'GRAPH ')}}}"


def _distinct(triples: Iterable[Triple]) -> Iterator[Triple]:
    seen: set[Triple] = set()
    for triple in triples:
        if triple not in seen:
            seen.add(triple)
            yield triple


def trig_text(graphs: list[SourceGraph]) -> str:
    """The graphs as one TriG document, each N-Triples text in its graph's block, then
    what they add to shared graphs.

    >>> print(trig_text([SourceGraph("http://g/1", "<http://s> <http://p> 1 .\\n")]), end="")
    <http://g/1> {
    <http://s> <http://p> 1 .
    }
    """
    return "".join(f"<{g.graph}> {{\n{g.ntriples}}}\n" for g in graphs) + shared_blocks(graphs)


def bulk_batches(graphs: list[SourceGraph]) -> Iterator[list[SourceGraph]]:
    """The graphs in runs of at most about BULK_LINES lines, each graph whole in one run."""
    run: list[SourceGraph] = []
    lines = 0
    for graph in graphs:
        size = graph.ntriples.count("\n") + 1
        if run and lines + size > BULK_LINES:
            yield run
            run, lines = [], 0
        run.append(graph)
        lines += size
    if run:
        yield run


def latest(graphs: Iterable[SourceGraph]) -> list[SourceGraph]:
    """The graphs, each name once with its last content (a source named twice in a batch)."""
    return list({g.graph: g for g in graphs}.values())


class EmbeddedStore:
    """An Oxigraph store on disk (or in memory when path is None).

    One process writes the store; after each commit (or, in a long ingest, every few
    commits) it publishes a snapshot. A reader
    opens the newest snapshot read-only, takes no lock that stops the writer, and
    moves to a newer snapshot within RECHECK seconds of its publication.
    """

    in_process = True
    union_default_graph = True

    def __init__(self, path: Path | None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only and path is not None
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        self._lease: Lease | None = None
        self._retired: list[tuple[float, Lease]] = []
        self._budget = memory.budget() if self.read_only else None
        self._reopened = time.monotonic()  # when the current snapshot was opened
        self._rest = memory.REST  # seconds before the next reopening for memory
        self._judging = False  # whether the last reopening for memory is yet to be judged
        self._dipped = False  # whether the memory went under budget since that reopening
        self._generation = 0.0
        self._unpublished = False
        self._failed = False  # a write failed (and said so): closing need not say it again
        self._store = self._open()
        self._closed = threading.Event()
        if self.read_only:
            threading.Thread(target=self._tidy, name="speechld-snapshots", daemon=True).start()

    def _tidy(self) -> None:
        """Every TIDY seconds, even with no request: move to the newest snapshot, give up
        those superseded GRACE seconds ago, and remove the older ones no process holds
        (else they, and the files they keep, stayed until the next ingest)."""
        while not self._closed.wait(TIDY):
            with suppress(StoreError, OSError, AttributeError):  # AttributeError: closed since
                self.store  # noqa: B018 (a reader moves to the newest snapshot here)
                with self._lock:
                    held = self._lease.snapshot if self._lease is not None else None
                if held is not None:
                    collect(held.parent, keep=held.name, writer=False)

    def _open(self) -> Store:
        if self.path is None:
            return Store()
        if self.read_only:
            check(self.path)
            store, self._lease = open_snapshot(self.path)
            return store
        claim(self.path)
        try:
            store = Store(str(self.path))
        except OSError as error:
            why = "another ingest or removal is writing to it" if is_locked(error) else cause(error)
            raise StoreError(f"{self.path}: cannot open the store for writing: {why}") from error
        except RuntimeError as error:  # RocksDB's Corruption: a file of the store is missing
            raise StoreError(f"{self.path}: the store is damaged: {error}") from error
        publish_snapshot(store, self.path)
        return store

    def release(self) -> None:
        """Nothing to let go of: results are read from the store in this process."""

    @property
    def places(self) -> tuple[str, ...]:
        """The store's directory, if it has one."""
        return () if self.path is None else (str(self.path),)

    @property
    def where(self) -> str:
        """The store's directory, or ':memory:', for messages."""
        return ":memory:" if self.path is None else str(self.path)

    @property
    def store(self) -> Store:
        """The Oxigraph store; for a reader, the newest snapshot (checked every RECHECK s)."""
        if self.read_only and time.monotonic() - self._checked > RECHECK:
            with self._lock:
                now = time.monotonic()
                if now - self._checked > RECHECK:
                    self._refresh(now)
                    self._checked = now
        return self._store

    @property
    def generation(self) -> float:
        """When the data this store shows was committed (a time stamp); 0.0 if unknown."""
        self.store  # noqa: B018 (a reader moves to the newest snapshot here)
        if self._lease is not None:
            return int(self._lease.snapshot.name) / 1e9
        return self._generation

    def _refresh(self, now: float) -> None:
        """Move to a newer snapshot, or open this one afresh if the process holds more
        memory than its budget even with the free memory given back."""
        assert self.path is not None and self._lease is not None
        name = current(self.path)
        afresh = self._reopen_for_memory(now)
        if name is not None and name != self._lease.snapshot.name:
            store, lease = open_snapshot(self.path)
            self._retired.append((now, self._lease))
            self._store, self._lease, self._reopened = store, lease, now
        elif afresh:  # the same snapshot, under the same lease
            self._store = open_leased(self._lease)
            self._reopened, self._judging = now, True
        while self._retired and now - self._retired[0][0] > GRACE:
            self._retired.pop(0)[1].release()

    def _reopen_for_memory(self, now: float) -> bool:
        """Whether to open the snapshot afresh for memory: over budget, and not too soon
        after the last time (the longer if the memory has not gone under since)."""
        held = None if self._budget is None else memory.held(self._budget)
        if held is None or self._budget is None:
            return False
        if held <= self._budget:
            self._dipped = True
            return False
        if now - self._reopened <= self._rest:
            return False
        if self._judging:
            self._rest, self._judging = memory.rest_after(self._rest, self._dipped), False
            if now - self._reopened <= self._rest:
                return False
        self._dipped = False
        return True

    def replace(self, graphs: Iterable[SourceGraph], *, publish: bool = True) -> None:
        """Replace each named graph by its new content, each all or nothing, then publish.

        Graphs that hold no quad yet are bulk loaded (SST files ingested at once, about
        three times faster than a transaction); the others are replaced in one transaction.
        Our own N-Triples are valid, so the bulk loader skips validating them again.
        """
        if self.read_only:
            raise StoreError(f"{self.path}: the store is open read-only")
        graphs = latest(graphs)
        if not graphs:
            return
        empty = {g.graph for g in graphs if self._holds_nothing(g.graph)}
        new = [g for g in graphs if g.graph in empty]
        changed = batch_update_text(g for g in graphs if g.graph not in empty)
        with self._writing(publish):
            if changed:
                self._store.update(changed)
            for run in bulk_batches(new):
                self._store.bulk_load(trig_text(run), format=RdfFormat.TRIG, lenient=True)

    def forget(self, graph: str, subjects: Sequence[str], *, publish: bool = True) -> None:
        """Delete what one named graph says of these subjects, in one transaction."""
        if self.read_only:
            raise StoreError(f"{self.path}: the store is open read-only")
        if subjects:
            with self._writing(publish):
                self._store.update(
                    " ;\n".join(forget_text(graph, chunk) for chunk in in_chunks(subjects))
                )

    def update(self, update: str, *, publish: bool = True) -> None:
        """Run one SPARQL Update of speechld's own, in one transaction."""
        if self.read_only:
            raise StoreError(f"{self.path}: the store is open read-only")
        with self._writing(publish):
            self._store.update(update)

    @contextmanager
    def _writing(self, publish: bool) -> Iterator[None]:
        """Name the store and the cause of a write that fails; after one that succeeds, a
        new generation (published, if asked)."""
        try:
            yield
        except SyntaxError as error:
            raise StoreError(f"the store refused the update: {error}") from error
        except OSError as error:
            self._failed = True
            raise StoreError(f"{self.where}: cannot write to the store: {cause(error)}") from error
        self._generation = time.time()
        self._unpublished = True
        if publish:
            self.publish()

    def publish(self) -> None:
        """Show what was written to readers in other processes: a new snapshot, if any."""
        if self._unpublished and self.path is not None and not self.read_only:
            self._generation = int(publish_snapshot(self._store, self.path)) / 1e9
        self._unpublished = False

    def digests(self, graphs: Sequence[str]) -> dict[str, str]:
        """The content digest each of these graphs states about itself, from the indexes
        (WRITTEN_TWICE for one with two digests; its lock lets one ingest write at a time,
        so no graph here gets two ingest times, and they are not looked up)."""
        found = {}
        store = self.store
        for name in graphs:
            graph = NamedNode(name)
            if not store.contains_named_graph(graph):  # a point lookup, cheaper than a scan
                continue
            digests = {
                q.object.value
                for q in store.quads_for_pattern(graph, DIGEST, None, graph)
                if isinstance(q.object, Literal)
            }
            if digests:
                found[name] = stated_digest(min(digests), len(digests), 1)
        return found

    def sizes(self, prefix: str) -> tuple[int, int]:
        """The quads in the named graphs under prefix, and those graphs: the store's own
        count less the quads of the other graphs (usually none), not a query over all."""
        store = self.store
        ours, others = 0, 0
        for graph in store.named_graphs():
            if isinstance(graph, NamedNode) and graph.value.startswith(prefix):
                ours += 1
            else:
                others += sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
        others += sum(1 for _ in store.quads_for_pattern(None, None, None, DefaultGraph()))
        return len(store) - others, ours

    def _holds_nothing(self, graph: str) -> bool:
        # Every quad's graph is in Oxigraph's list of graphs (a graph emptied by an
        # update may stay listed, and then takes the transaction: still right).
        return not self._store.contains_named_graph(NamedNode(graph))

    def query(
        self,
        query: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """The result of a SPARQL query over the union of the named graphs, or the dataset given."""
        query = in_written_order(query, base_iri)
        try:
            if default_graph is not None or named_graphs is not None:
                return self.store.query(
                    query,
                    base_iri=base_iri,
                    default_graph=[NamedNode(g) for g in default_graph or ()],
                    named_graphs=[NamedNode(g) for g in named_graphs or ()],
                )
            # Oxigraph's union flag would override the query's own FROM: set it only without one.
            union = not has_dataset_clause(query)
            return self.store.query(query, base_iri=base_iri, use_default_graph_as_union=union)
        except SyntaxError as error:
            message = readable_error(query, str(error))
            raise QueryError(f"the query is not valid SPARQL: {message}") from error
        except OSError as error:
            raise StoreError(f"the query failed: {error}") from error

    def select(self, query: str) -> QuerySolutions:
        """The solutions of a SELECT query over the union of the named graphs."""
        return cast(QuerySolutions, self.query(query))

    def construct(self, query: str) -> list[Triple]:
        """The triples of a CONSTRUCT or DESCRIBE query over the union of the named graphs."""
        return list(cast(QueryTriples, self.query(query)))

    def triples(
        self,
        subject: Subject | None = None,
        object: NamedNode | Literal | None = None,
        *,
        graph: NamedNode | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Triple]:
        """The distinct triples with this subject or object (in one graph, if given), read
        from the store's indexes; past the first page by a query, which skips the offset
        natively (in the same order)."""
        if offset and not isinstance(subject, BlankNode):
            rows = self.select(pattern_query(subject, object, limit, offset, graph))
            return [Triple(subject or row["s"], row["p"], object or row["o"]) for row in rows]
        quads = self.store.quads_for_pattern(subject, None, object, graph)
        distinct = _distinct(quad.triple for quad in quads)
        return list(islice(distinct, offset, None if limit is None else offset + limit))

    def _ours(self, store: Store) -> Iterator[NamedNode]:
        """The named graphs speechld wrote, those under `{base}graph/` (none before any)."""
        prefix = graph_prefix(self)
        if prefix is None:
            return
        for graph in store.named_graphs():
            if isinstance(graph, NamedNode) and graph.value.startswith(prefix):
                yield graph

    def dump(self, format: RdfFormat) -> Iterator[bytes]:
        """The quads (or, for triple formats, the triples) of speechld's graphs, in chunks."""
        store = self.store
        held = self._lease.copy() if self._lease is not None else None
        try:
            quads = format is RdfFormat.N_QUADS or format is RdfFormat.TRIG
            buffer = io.BytesIO()
            batch: list[Quad] | list[Triple] = []
            for graph in self._ours(store):
                for quad in store.quads_for_pattern(None, None, None, graph):
                    batch.append(quad if quads else quad.triple)  # type: ignore[arg-type]
                    if len(batch) >= CHUNK:
                        yield _serialize(batch, format, buffer)
                        batch = []
            if batch:
                yield _serialize(batch, format, buffer)
        finally:
            if held is not None:
                held.release()

    def graphs(self) -> Iterator[str]:
        """The names of the graphs speechld wrote."""
        for graph in self._ours(self.store):
            yield graph.value

    def is_empty(self) -> bool:
        """Whether no graph speechld wrote holds a quad."""
        store = self.store
        return not any(
            next(iter(store.quads_for_pattern(None, None, None, graph)), None) is not None
            for graph in self._ours(store)
        )

    def close(self) -> None:
        """Close the store, publishing what was written, releasing its lock or its snapshots
        (even if publishing fails, which after a failed write is no news)."""
        self._closed.set()
        try:
            self.publish()
        except StoreError:
            if not self._failed:
                raise
        finally:
            for _, held in self._retired:
                held.release()
            self._retired.clear()
            if self._lease is not None:
                self._lease.release()
            del self._store
