"""The interface every graph store implements, whatever its backend."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple, Protocol

from pyoxigraph import QueryBoolean, QuerySolutions, QueryTriples, RdfFormat, Triple

QueryResult = QuerySolutions | QueryBoolean | QueryTriples


class SourceGraph(NamedTuple):
    """The whole content of one source page's named graph, as N-Triples text."""

    graph: str
    ntriples: str


class GraphStore(Protocol):
    """A quad store holding one named graph per source page.

    Queries see the union of the named graphs as their default graph, unless the query
    names its own dataset (FROM, FROM NAMED) or the caller gives one (SPARQL 1.1 Protocol
    `default-graph-uri` / `named-graph-uri`), which then wins over the query's.
    """

    def replace(self, graphs: Iterable[SourceGraph]) -> None:
        """Replace each named graph by its new content, all or nothing."""

    def query(
        self,
        query: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """The result of any SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE).

        With default_graph or named_graphs (graph IRIs), the dataset is exactly those graphs:
        the one not given is empty. base_iri resolves relative IRIs the query does not BASE.
        """

    def select(self, query: str) -> QuerySolutions:
        """The solutions of a SELECT query."""

    def construct(self, query: str) -> list[Triple]:
        """The triples of a CONSTRUCT or DESCRIBE query."""

    def dump(self, format: RdfFormat) -> Iterator[bytes]:
        """The whole dataset serialised in chunks, in constant memory."""

    def is_empty(self) -> bool:
        """Whether the store holds no triple at all."""

    def close(self) -> None:
        """Release the store (its files, lock or connections)."""
