"""Removing sources from the store: each source page's named graph dropped whole."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Literal
from rdflib.namespace import DCTERMS

from speechld.errors import SpeechldError, StoreError, shown
from speechld.ingest import BATCH, TERMS, prune_shared
from speechld.inputs import STDIN, Page, decoded, read_items
from speechld.mapper import source_key
from speechld.store import GraphStore, SourceGraph, dataset_base
from speechld.store.base import (
    CONTENT_DIGEST,
    DATE_TIME,
    GRAPH_PATH,
    INVALIDATED,
    REMOVED,
    in_chunks,
)
from speechld.vocab import Minter, normal_url

# A URI's scheme: two letters at least, so that a path is never taken for one.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")

# The page graphs whose source (dcterms:source, an IRI or a name) starts with a prefix.
SOURCES_UNDER = (
    "SELECT ?g ?source WHERE {{ GRAPH ?g {{ ?g <{p}> ?source }} "
    "FILTER(STRSTARTS(STR(?g), {graphs}) && STRSTARTS(STR(?source), {prefix})) }}"
)


# The speeches some graphs give, each with any former speech it replaces (an edited page's:
# its URI leads to its successor while a graph, ?h, names it so).
GIVES = (
    "SELECT DISTINCT ?g ?s ?old ?h WHERE {{ VALUES ?g {{ {graphs} }} "
    "GRAPH ?g {{ ?s a <{speech}> }} OPTIONAL {{ GRAPH ?h {{ ?s <{replaces}> ?old }} }} }}"
)
# The graphs that give these speeches, or a speech that replaces one of them. The speeches
# are listed in each branch of the union: listed once outside it, Oxigraph evaluated the
# union over every speech in the store and joined after (6.6 s for 100 speeches at 20,000,
# against 2 ms).
GIVEN_OR_SUCCEEDED = (
    "SELECT DISTINCT ?old ?h WHERE {{ "
    "{{ VALUES ?old {{ {speeches} }} GRAPH ?h {{ ?old a <{speech}> }} }} UNION "
    "{{ VALUES ?old {{ {speeches} }} "
    "GRAPH ?x {{ ?new <{replaces}> ?old }} GRAPH ?h {{ ?new a <{speech}> }} }} }}"
)


@dataclass(frozen=True)
class Named:
    """The sources one argument names: exactly these, and any whose name starts with `under`."""

    exact: frozenset[str]
    under: str | None = None


@dataclass
class Removal:
    """What a removal dropped (or, dry, would drop)."""

    sources: list[str]  # the sources whose graphs went, sorted
    pruned: int = 0  # shared descriptions (speakers, sittings) no page names any more


def named(argument: str) -> Named:
    """The sources an argument names: a URI or a source's name as such (a file: URL also
    any file under it); a path also the sources ingesting it gives (if it exists) and any
    file once read under it."""
    if argument == STDIN:
        return Named(frozenset(read_sources([argument])))
    path = Path(argument)
    # A name not valid UTF-8 (bytes of another encoding, from the shell) names no source:
    # a path so named is still taken by its file: URI.
    valid = argument == shown(argument)
    itself = frozenset([argument]) if valid else frozenset()
    if _SCHEME.match(argument) and not path.exists():  # a file: URL names a folder's too
        folder = valid and argument.startswith("file:")
        # As ingest names a page's URL; as given too, for graphs stored before it did.
        return Named(
            itself | {normal_url(a) for a in itself}, argument.rstrip("/") + "/" if folder else None
        )
    uri = path.resolve().as_uri()
    given = read_sources([path]) if path.exists() else set()
    return Named(itself | {uri} | given, uri + "/")


def read_sources(paths: Iterable[str | Path]) -> set[str]:
    """The sources of the pages these inputs give, read as an ingest reads them."""
    return {page.source for item in read_items(paths) if isinstance(page := decoded(item), Page)}


def matching(store: GraphStore, mint: Minter, name: Named) -> dict[str, str]:
    """The graph of each source in the store that an argument names, by source."""
    graphs = {str(mint.graph(source_key(source))): source for source in name.exact}
    stored = store.digests(list(graphs))
    found = {
        source: graph for graph, source in graphs.items() if stored.get(graph, REMOVED) != REMOVED
    }
    if name.under is not None:
        query = SOURCES_UNDER.format(
            p=DCTERMS.source, graphs=Literal(mint.base + GRAPH_PATH), prefix=Literal(name.under)
        )
        found.update((row["source"].value, row["g"].value) for row in store.select(query))
    return found


@dataclass
class Left:
    """What a removed page's graph leaves behind: the speeches gone with it, and the links
    from its speeches that other pages still give to the former speeches they replace."""

    gone: set[str] = field(default_factory=set)
    links: set[tuple[str, str]] = field(default_factory=set)


def left_by(store: GraphStore, graphs: Sequence[str], removed: set[str]) -> dict[str, Left]:
    """What each of these graphs leaves behind, the removed graphs all gone: a speech it
    gives, or a former speech one of them replaces, is gone unless another graph gives it
    or a speech that replaces it."""
    given: dict[str, set[str]] = {}
    formers: dict[str, set[str]] = {}
    own: dict[str, set[tuple[str, str]]] = {}
    names = " ".join(f"<{g}>" for g in graphs)
    for row in store.select(GIVES.format(graphs=names, **TERMS)):
        graph, speech, old = row["g"].value, row["s"].value, row["old"]
        given.setdefault(graph, set()).add(speech)
        if old is not None:
            formers.setdefault(graph, set()).add(old.value)
            if row["h"].value == graph:
                own.setdefault(graph, set()).add((speech, old.value))
    named = set().union(*given.values(), *formers.values())
    kept = set()
    for chunk in in_chunks(sorted(named)):
        listed = " ".join(f"<{s}>" for s in chunk)
        rows = store.select(GIVEN_OR_SUCCEEDED.format(speeches=listed, **TERMS))
        kept |= {row["old"].value for row in rows if row["h"].value not in removed}
    left = {}
    for graph in graphs:
        gone = (given.get(graph, set()) | formers.get(graph, set())) - kept
        links = {(new, old) for new, old in own.get(graph, set()) if new in kept}
        left[graph] = Left(gone, links)
    return left


def left_behind(graph: str, left: Left, when: datetime) -> SourceGraph:
    """What a removed page's graph says once its page is gone: that it, and the speeches
    gone with it, were invalidated then (their URIs answer 410 Gone), and which former
    speeches its speeches that live on replaced (their URIs still lead to them)."""
    stamp = f'"{when.isoformat().replace("+00:00", "Z")}"^^<{DATE_TIME}>'
    subjects = [graph, *sorted(left.gone)]
    lines = [f"<{s}> <{INVALIDATED}> {stamp} .\n" for s in subjects]
    lines.append(f'<{graph}> <{CONTENT_DIGEST}> "{REMOVED}" .\n')
    lines += [f"<{new}> <{DCTERMS.replaces}> <{old}> .\n" for new, old in sorted(left.links)]
    return SourceGraph(graph, "".join(lines))


def remove(
    store: GraphStore,
    arguments: Sequence[str],
    *,
    dry_run: bool = False,
    hold: Callable[[], AbstractContextManager[None]] = nullcontext,
    progress: Callable[[int, int], None] | None = None,
) -> Removal:
    """Replace the graph of every source the arguments name by what it leaves behind (that
    it, and the speeches gone with it, are gone, and since when; see left_by), BATCH graphs a
    transaction (a transaction holds its changes in memory), then drop what no page names
    any more.

    An argument that names no source in the store is an error, raised before anything
    is removed. The writes run within `hold` (which may keep stop signals out);
    `progress` hears how many graphs of how many are gone after each transaction.
    """
    base = dataset_base(store)
    if base is None:
        raise SpeechldError("the store holds no speechld data: there is nothing to remove")
    mint = Minter(base)
    graphs: dict[str, str] = {}
    missing: list[str] = []
    for argument in arguments:
        if not argument.strip():  # as a path, the working directory: never meant
            raise SpeechldError(f"{argument!r}: an empty source names no page")
        found = matching(store, mint, named(argument))
        missing += [] if found else [argument]
        graphs.update(found)
    if missing:  # all named at once: a rerun of a removal killed part-way names several
        these = "this source" if len(missing) == 1 else "these sources"
        raise SpeechldError(
            f"{', '.join(map(shown, missing))}: the store holds no page of {these}; "
            "nothing was removed"
        )
    removal = Removal(sorted(graphs))
    if not dry_run:
        with hold():
            names = sorted(graphs.values())
            removed, when = set(names), datetime.now(UTC).replace(microsecond=0)
            for done, chunk in enumerate(in_chunks(names, BATCH)):
                left = left_by(store, chunk, removed)
                gone = [left_behind(g, left[g], when) for g in chunk]
                store.replace(gone, publish=False)
                if progress is not None:
                    progress(min((done + 1) * BATCH, len(names)), len(names))
            removal.pruned = prune_shared(store, mint)
            try:
                store.publish()
            except StoreError as error:
                raise StoreError(
                    f"{len(graphs)} source{'s' * (len(graphs) != 1)} removed, but readers (serve, "
                    f"stats, query) see them until the next ingest or removal: {error}"
                ) from error
    return removal
