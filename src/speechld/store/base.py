"""The interface every graph store implements."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple, Protocol

from pyoxigraph import QuerySolutions, Triple


class SourceGraph(NamedTuple):
    """The whole content of one source page's named graph, as N-Triples text."""

    graph: str
    ntriples: str


class GraphStore(Protocol):
    """A quad store that holds one named graph per source page; default graph = union."""

    def replace(self, graphs: Iterable[SourceGraph]) -> None:
        """Replace each named graph by its new content, all or nothing."""

    def select(self, query: str) -> QuerySolutions:
        """The solutions of a SELECT query over the union of the named graphs."""

    def construct(self, query: str) -> list[Triple]:
        """The triples of a CONSTRUCT or DESCRIBE query over the union of the named graphs."""

    def is_empty(self) -> bool:
        """Whether the store holds no triple at all."""

    def close(self) -> None:
        """Release the store (its files, lock or connections)."""
