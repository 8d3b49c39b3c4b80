"""The ingest pipeline: input files -> parser -> mapper -> store, one named graph per source."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from speechld import __version__
from speechld.errors import NotASpeech, ParseError, SpeechldError
from speechld.inputs import DEFAULT_LIMIT, speeches
from speechld.mapper import page_graph
from speechld.rdf import ntriples
from speechld.record import Speech
from speechld.schemes import vocabulary_graph
from speechld.store import GraphStore, SourceGraph
from speechld.vocab import Minter


@dataclass
class Summary:
    """What an ingest did: counts, and one message per page skipped or input failed."""

    read: int = 0
    stored: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)
    skips: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.read} read, {self.stored} stored, {self.skipped} skipped, "
            f"{len(self.failed)} failed"
        )


def source_graph(speech: Speech, mint: Minter, ingested: datetime) -> SourceGraph:
    """The named graph of the speech's source page, ready for the store."""
    graph, triples = page_graph(speech, mint, ingested, __version__)
    return SourceGraph(str(graph), ntriples(triples))


BASE_QUERY = """SELECT ?space WHERE {
  ?dataset a <http://rdfs.org/ns/void#Dataset> ; <http://rdfs.org/ns/void#uriSpace> ?space
} LIMIT 1"""


def stored_base(store: GraphStore) -> str | None:
    """The base under which a store's URIs were minted, or None for a new store."""
    for row in store.select(BASE_QUERY):
        space = str(row["space"].value)
        return space.removesuffix("id/")
    return None


def resolve_base(store: GraphStore, requested: str | None, default: str) -> str:
    """The base to mint under: the store's own; a different requested base is an error."""
    requested = requested if requested is None or requested.endswith("/") else requested + "/"
    existing = stored_base(store)
    if existing and requested and existing != requested:
        raise SpeechldError(
            f"the store's URIs are minted under {existing}, not {requested}: "
            "use that base, or a new store for the new one"
        )
    return existing or requested or default


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
    store: GraphStore, paths: Iterable[str | Path], base: str, limit: int = DEFAULT_LIMIT
) -> Summary:
    """Parse, map and store every page under the paths; bad pages are counted, not fatal."""
    mint = Minter(base)
    ingested = datetime.now(UTC).replace(microsecond=0)
    summary = Summary()
    batch: list[SourceGraph] = [dataset_graph(mint), vocabulary_graph(mint)]
    for item in speeches(paths, limit):
        summary.read += 1
        if isinstance(item, NotASpeech):
            summary.skipped += 1
            summary.skips.append(str(item))
        elif isinstance(item, ParseError):
            summary.failed.append(str(item))
        else:
            batch.append(source_graph(item, mint, ingested))
    store.replace(batch)
    summary.stored = len(batch) - 2
    return summary
