"""The interface every graph store implements, whatever its backend."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, NamedTuple, Protocol

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
    serialize,
)

from speechld.errors import QueryError, StoreError


class StreamedTriples:
    """A graph result read as it is iterated (a remote store's answer), serialised as
    QueryTriples is."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self._triples = iter(triples)

    def __iter__(self) -> Iterator[Triple]:
        return self._triples

    def serialize(self, output: IO[bytes], format: RdfFormat | None = None) -> None:
        """Write the triples to output in format (N-Triples if none)."""
        serialize(self._triples, output, format or RdfFormat.N_TRIPLES)


QueryResult = QuerySolutions | QueryBoolean | QueryTriples | StreamedTriples
GraphResult = QueryTriples | StreamedTriples
Subject = NamedNode | BlankNode

# The named graphs speechld writes are all `{base}graph/...` (see vocab.Minter.graph).
GRAPH_PATH = "graph/"
# IRIs in one query's VALUES block at most: Virtuoso refuses a query of 5,000.
VALUES_MAX = 1000

CONTENT_DIGEST = "https://w3id.org/speechld/ontology#contentDigest"  # sld:contentDigest
INGEST_TIME = "http://purl.org/dc/terms/modified"  # when an ingest wrote a graph
DATE_TIME = "http://www.w3.org/2001/XMLSchema#dateTime"
# When a removed page's graph, and the speeches only it gave, were taken out.
INVALIDATED = "http://www.w3.org/ns/prov#invalidatedAtTime"
# The digests and ingest times each graph states: one ingest writes one of each (two
# ingests that write a new page into a remote store at once, two). Counted by the caller:
# on Virtuoso a GROUP BY takes a third longer.
DIGESTS_QUERY = (
    "SELECT ?g ?digest ?time WHERE {{ VALUES ?g {{ {names} }} "
    "GRAPH ?g {{ ?g <{p}> ?digest }} OPTIONAL {{ GRAPH ?g {{ ?g <{time}> ?time }} }} }}"
)
# The digest reported for a graph written over twice: it matches no page's, so the next
# ingest of the page writes the graph again, whole.
WRITTEN_TWICE = ""
# The digest a removed page's graph states, SHA-256 of nothing (what the page gives now):
# it matches no page's, so an ingest of the page writes its graph again, and takes the
# speeches it had as the page's former ones.
REMOVED = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

BASE_QUERY = """SELECT ?space WHERE {
  ?dataset a <http://rdfs.org/ns/void#Dataset> ; <http://rdfs.org/ns/void#uriSpace> ?space
} LIMIT 1"""

# The dataset graph's statements looked for in any named graph, not the default graph.
IN_SOME_GRAPH = """SELECT ?space WHERE { GRAPH ?g {
  ?dataset a <http://rdfs.org/ns/void#Dataset> ; <http://rdfs.org/ns/void#uriSpace> ?space
} } LIMIT 1"""
NOT_UNION = (
    "the store's default graph is not the union of its named graphs, which speechld reads "
    "its data through: configure the store so (Oxigraph: `oxigraph serve "
    "--union-default-graph`; Fuseki: a TDB2 dataset with `tdb2:unionDefaultGraph true`; "
    "Virtuoso and GraphDB do so by default)"
)

# What comes before a query's form keyword: comments, BASE and PREFIX declarations.
_PROLOGUE = re.compile(
    r"(?:\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)*", re.IGNORECASE
)
_FORM = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


class SourceGraph(NamedTuple):
    """The whole content of one source page's named graph, as N-Triples text, and what it
    adds to the graph of descriptions that many pages share (written with it, never
    removed with it)."""

    graph: str
    ntriples: str
    digest: str = ""  # the content digest it states (sld:contentDigest), if any
    shared: str = ""  # N-Triples for the shared graph
    shared_graph: str = ""  # the shared graph's name
    subject: str = ""  # the speech the page gives, if it gives one
    origin: str = ""  # where the page was read (a file, a file's line), for messages


def shared_blocks(graphs: Iterable[SourceGraph], keyword: str = "") -> str:
    """What the graphs add to shared graphs, each line once, as one block per shared graph.

    >>> g = SourceGraph("http://g/1", "", "", "<http://s> <http://p> 1 .\\n", "http://g/shared")
    >>> print(shared_blocks([g, g._replace(graph="http://g/2")], "GRAPH "), end="")
    GRAPH <http://g/shared> {
    <http://s> <http://p> 1 .
    }
    """
    lines: dict[str, dict[str, None]] = {}
    for graph in graphs:
        if graph.shared:
            block = lines.setdefault(graph.shared_graph, {})
            block.update(dict.fromkeys(graph.shared.splitlines(keepends=True)))
    return "".join(f"{keyword}<{name}> {{\n{''.join(text)}}}\n" for name, text in lines.items())


def in_chunks(items: Sequence[str], size: int = VALUES_MAX) -> Iterator[Sequence[str]]:
    """The items, `size` at a time, for queries with a VALUES block each.

    >>> [list(c) for c in in_chunks(["a", "b", "c"], 2)]
    [['a', 'b'], ['c']]
    """
    for start in range(0, len(items), size):
        yield items[start : start + size]


def digests_query(graphs: Sequence[str]) -> str:
    """A SELECT of the content digests and ingest times these graphs state about themselves."""
    names = " ".join(f"<{g}>" for g in graphs)
    return DIGESTS_QUERY.format(names=names, p=CONTENT_DIGEST, time=INGEST_TIME)


def stated_digest(digest: str, digests: int, times: int) -> str:
    """The digest a graph states, or WRITTEN_TWICE if it states more than one digest or
    ingest time.

    >>> stated_digest("d1", 1, 1), stated_digest("d1", 2, 1), stated_digest("d1", 1, 2)
    ('d1', '', '')
    """
    return digest if digests == 1 and times <= 1 else WRITTEN_TWICE


SIZES_QUERY = """SELECT (COUNT(*) AS ?quads) (COUNT(DISTINCT ?g) AS ?graphs) WHERE {{
  GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {prefix}))
}}"""


def sizes_query(prefix: str) -> str:
    """A SELECT of the quads and the graphs under a graph name prefix."""
    return SIZES_QUERY.format(prefix=Literal(prefix))


def query_form(query: str) -> str:
    """The form of a SPARQL query, upper case: SELECT, ASK, CONSTRUCT or DESCRIBE.

    >>> query_form("PREFIX s: <http://s/> # comment\\nconstruct { ?a ?b ?c } WHERE {}")
    'CONSTRUCT'
    """
    prologue = _PROLOGUE.match(query)
    form = _FORM.match(query, prologue.end() if prologue else 0)
    if form is None:
        raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return form[1].upper()


class GraphStore(Protocol):
    """A quad store holding one named graph per source page.

    Queries see the union of the named graphs as their default graph, unless the query
    names its own dataset (FROM, FROM NAMED) or the caller gives one (SPARQL 1.1 Protocol
    `default-graph-uri` / `named-graph-uri`), which then wins over the query's.
    """

    in_process: bool  # whether reads are index lookups in this process, cheaper than a query
    # Whether a query's default graph is the union of the named graphs (so speechld's own
    # data and nothing else); a remote store's is whatever the store makes it.
    union_default_graph: bool

    @property
    def places(self) -> tuple[str, ...]:
        """Where the store is (its directory, its URLs): kept out of what the public sees."""

    def release(self) -> None:
        """Let go of what the last query's results were read from, read whole or not."""

    def replace(self, graphs: Iterable[SourceGraph], *, publish: bool = True) -> None:
        """Replace each named graph by its new content; each graph all or nothing.

        With publish=False, readers elsewhere may see the change only at the next publish().
        """

    def forget(self, graph: str, subjects: Sequence[str], *, publish: bool = True) -> None:
        """Delete what one named graph says of these subjects (IRIs)."""

    def update(self, update: str, *, publish: bool = True) -> None:
        """Run one SPARQL Update of speechld's own, atomically (one transaction, one request)."""

    def publish(self) -> None:
        """Show every change made so far to readers in other processes."""

    def digests(self, graphs: Sequence[str]) -> dict[str, str]:
        """The content digest each of these graphs states about itself, for those that do
        (WRITTEN_TWICE for a graph with two digests or ingest times: two writers)."""

    def sizes(self, prefix: str) -> tuple[int, int]:
        """The quads in the named graphs whose names start with prefix, and those graphs."""

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

    def triples(
        self,
        subject: Subject | None = None,
        object: NamedNode | Literal | None = None,
        *,
        graph: NamedNode | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Triple]:
        """The distinct triples of the union of the named graphs (or of one named graph) with
        this subject or object, in the store's own order (stable while its data is), `offset`
        skipped, `limit` at most."""

    def dump(self, format: RdfFormat) -> Iterator[bytes]:
        """speechld's whole dataset serialised in chunks, in constant memory."""

    def graphs(self) -> Iterator[str]:
        """The names of the graphs speechld wrote, in no particular order."""

    def is_empty(self) -> bool:
        """Whether the store holds no speechld data at all."""

    def close(self) -> None:
        """Release the store (its files, lock or connections)."""


def pattern_query(
    subject: Subject | None,
    object: NamedNode | Literal | None,
    limit: int | None,
    offset: int,
    graph: NamedNode | None = None,
) -> str:
    """The SELECT over the union graph, or over one named graph, that `GraphStore.triples`
    answers (DISTINCT over the union, where a triple may be in many graphs).

    >>> pattern_query(NamedNode("http://s"), None, 10, 20)
    'SELECT DISTINCT ?p ?o WHERE { <http://s> ?p ?o } LIMIT 10 OFFSET 20'
    >>> pattern_query(None, None, 5, 0, NamedNode("http://g"))
    'SELECT ?s ?p ?o WHERE { GRAPH <http://g> { ?s ?p ?o } } LIMIT 5'
    """
    s, o = subject or "?s", object or "?o"
    variables = " ".join(str(v) for v in (s, "?p", o) if str(v).startswith("?"))
    pattern = f"{s} ?p {o}"
    if graph is None:
        query = f"SELECT DISTINCT {variables} WHERE {{ {pattern} }}"
    else:
        query = f"SELECT {variables} WHERE {{ GRAPH {graph} {{ {pattern} }} }}"
    if limit is not None:
        query += f" LIMIT {limit}"
    return query + (f" OFFSET {offset}" if offset else "")


def dataset_base(store: GraphStore) -> str | None:
    """The base under which a store's URIs were minted (from its VoID graph), or None;
    StoreError if the store holds it but its default graph is not the union of its graphs."""
    for row in store.select(BASE_QUERY):
        space = str(row["space"].value)
        return space.removesuffix("id/")
    if not store.union_default_graph and any(store.select(IN_SOME_GRAPH)):
        where = store.places[0] if store.places else "the store"
        raise StoreError(f"{where}: {NOT_UNION}")
    return None


def graph_prefix(store: GraphStore) -> str | None:
    """`{base}graph/`, how the names of the graphs speechld wrote start; None before any."""
    base = dataset_base(store)
    return None if base is None else base + GRAPH_PATH
