"""The ingest pipeline: input files -> parser -> mapper -> store, one named graph per source."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from speechld import __version__
from speechld.errors import ParseError, SpeechldError
from speechld.mapper import page_graph
from speechld.parse import parse_page
from speechld.rdf import ntriples
from speechld.record import Speech
from speechld.schemes import vocabulary_graph
from speechld.store import GraphStore, SourceGraph
from speechld.vocab import Minter

SUFFIXES = {".txt", ".md"}


@dataclass
class Summary:
    """What an ingest did: counts, and one message per input that failed."""

    read: int = 0
    stored: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.read} read, {self.stored} stored, {self.skipped} skipped, "
            f"{len(self.failed)} failed"
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


def ingest(store: GraphStore, paths: Iterable[Path], base: str) -> Summary:
    """Parse, map and store every page under the paths; bad pages are counted, not fatal."""
    mint = Minter(base)
    ingested = datetime.now(UTC).replace(microsecond=0)
    summary = Summary()
    batch: list[SourceGraph] = [dataset_graph(mint), vocabulary_graph(mint)]
    for source, text in pages(paths):
        summary.read += 1
        try:
            batch.append(source_graph(parse_page(text, source), mint, ingested))
        except ParseError as error:
            summary.failed.append(str(error))
    store.replace(batch)
    summary.stored = len(batch) - 2
    return summary
