"""The embedded on-disk store (Oxigraph), the default: nothing to install or start."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import cast

from pyoxigraph import (
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
from speechld.sparql.syntax import has_dataset_clause
from speechld.store.base import QueryResult, SourceGraph

# Written after every committed change; readers reopen when its time stamp moves.
GENERATION = "speechld-generation"
RECHECK = 1.0  # seconds between a reader's checks for new data
CHUNK = 5_000  # quads serialised at a time by dump(): its memory is about CHUNK long literals


def _serialize(batch: list[Quad] | list[Triple], format: RdfFormat, buffer: io.BytesIO) -> bytes:
    buffer.seek(0)
    buffer.truncate()
    serialize(batch, buffer, format)
    return buffer.getvalue()


class EmbeddedStore:
    """An Oxigraph store on disk (or in memory when path is None).

    Oxigraph lets one process write a store; a reader opens it read-only, which
    takes no lock, and reopens it when a writer has committed new data.
    """

    def __init__(self, path: Path | None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._lock = threading.Lock()
        self._generation = 0.0
        self._checked = 0.0
        self._store = self._open()

    def _open(self) -> Store:
        if self.path is None:
            return Store()
        try:
            if self.read_only:
                if not (self.path / "CURRENT").exists():
                    raise StoreError(f"{self.path}: no store here yet (ingest some speeches first)")
                self._generation = self._stamp()
                return Store.read_only(str(self.path))
            self.path.mkdir(parents=True, exist_ok=True)
            return Store(str(self.path))
        except OSError as error:
            raise StoreError(f"{self.path}: cannot open the store: {error}") from error

    def _stamp(self) -> float:
        assert self.path is not None
        try:
            return (self.path / GENERATION).stat().st_mtime
        except FileNotFoundError:
            return 0.0

    @property
    def store(self) -> Store:
        """The Oxigraph store, reopened first if a writer has committed since."""
        if self.read_only and time.monotonic() - self._checked > RECHECK:
            with self._lock:
                self._checked = time.monotonic()
                if self._stamp() != self._generation:
                    self._store = self._open()
        return self._store

    @property
    def generation(self) -> float:
        """When the data this store shows was committed (a time stamp); 0.0 if unknown."""
        self.store  # noqa: B018 (a read-only store reopens here if a writer has committed)
        return self._generation

    def replace(self, graphs: Iterable[SourceGraph]) -> None:
        """Replace each named graph by its new content in one transaction."""
        if self.read_only:
            raise StoreError(f"{self.path}: the store is open read-only")
        update = "".join(
            f"DROP SILENT GRAPH <{g.graph}> ;\n"
            f"INSERT DATA {{ GRAPH <{g.graph}> {{\n{g.ntriples}}} }} ;\n"
            for g in graphs
        )
        if not update:
            return
        self._store.update(update)
        self._generation = time.time()
        if self.path is not None:
            self._store.flush()
            (self.path / GENERATION).write_text(f"{self._generation}\n")

    def query(
        self,
        query: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """The result of a SPARQL query over the union of the named graphs, or the dataset given."""
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
            raise QueryError(str(error)) from error

    def select(self, query: str) -> QuerySolutions:
        """The solutions of a SELECT query over the union of the named graphs."""
        return cast(QuerySolutions, self.query(query))

    def construct(self, query: str) -> list[Triple]:
        """The triples of a CONSTRUCT or DESCRIBE query over the union of the named graphs."""
        return list(cast(QueryTriples, self.query(query)))

    def dump(self, format: RdfFormat) -> Iterator[bytes]:
        """Every quad (or, for triple formats, every triple) serialised in chunks."""
        quads = format is RdfFormat.N_QUADS or format is RdfFormat.TRIG
        buffer = io.BytesIO()
        batch: list[Quad] | list[Triple] = []
        for quad in self.store.quads_for_pattern(None, None, None, None):
            batch.append(quad if quads else quad.triple)  # type: ignore[arg-type]
            if len(batch) >= CHUNK:
                yield _serialize(batch, format, buffer)
                batch = []
        if batch:
            yield _serialize(batch, format, buffer)

    def is_empty(self) -> bool:
        """Whether the store holds no quad at all."""
        return next(iter(self.store.quads_for_pattern(None, None, None, None)), None) is None

    def close(self) -> None:
        """Close the store, releasing its lock."""
        del self._store
