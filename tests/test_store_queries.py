"""The queries ingest and remove send, read as the SPARQL 1.1 algebra reads them: a store that
follows its letter (Jena) must answer them as Oxigraph and Virtuoso do."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from speechld import ingest, remove

G = "<http://example.org/graph/1>"
SHARED = "http://example.org/graph/shared"
X = "<http://example.org/id/x>"
QUERIES = {
    "ingest FORMER": ingest.FORMER.format(graphs=G, **ingest.TERMS),
    "ingest GIVEN": ingest.GIVEN.format(speeches=X),
    "ingest STALE_SUCCESSORS": ingest.STALE_SUCCESSORS,
    "ingest ORPHANS": ingest.ORPHANS.format(shared=SHARED),
    "ingest DROP_ORPHANS": "SELECT * WHERE " + ingest.ORPHANED.format(shared=SHARED),
    "ingest UNWRITTEN": "ASK " + ingest.UNWRITTEN.format(shared=SHARED),  # DROP_UNWRITTEN's
    "ingest REVIVED": ingest.REVIVED,
    "remove SOURCES_UNDER": remove.SOURCES_UNDER.format(p=X[1:-1], graphs='"g"', prefix='"s"'),
    "remove GIVES": remove.GIVES.format(graphs=G, **ingest.TERMS),
    "remove GIVEN_OR_SUCCEEDED": remove.GIVEN_OR_SUCCEEDED.format(speeches=X, **ingest.TERMS),
}


def variables(node: object) -> Iterator[Variable]:
    """Every variable an algebra expression names."""
    if isinstance(node, Variable):
        yield node
    elif isinstance(node, CompValue):
        for value in node.values():
            yield from variables(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from variables(value)


def unbound_graph_filters(node: object, graphs: frozenset[Variable] = frozenset()) -> list[str]:
    """Filters inside GRAPH ?g that name ?g, which is not bound there (SPARQL 1.1, 18.2.2)."""
    found: list[str] = []
    if isinstance(node, CompValue):
        if node.name == "Graph" and isinstance(node.term, Variable):
            graphs = graphs | {node.term}
        if node.name == "Filter":
            inner = node.p if isinstance(node.p, CompValue) else {}
            bound = dict.get(inner, "_vars") or set()  # CompValue's own get() is another
            found += [f"?{v}" for v in set(variables(node.expr)) & graphs if v not in bound]
        for value in node.values():
            found += unbound_graph_filters(value, graphs)
    elif isinstance(node, list | tuple):
        for value in node:
            found += unbound_graph_filters(value, graphs)
    return found


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_no_filter_names_a_graph_variable_where_it_is_unbound(name: str) -> None:
    algebra = translateQuery(parseQuery(QUERIES[name])).algebra
    assert unbound_graph_filters(algebra) == [], QUERIES[name]


def test_the_check_finds_the_filter_jena_empties() -> None:
    query = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o FILTER(?s != ?g) } }"
    assert unbound_graph_filters(translateQuery(parseQuery(query)).algebra) == ["?g"]


def test_every_query_of_ingest_and_remove_is_checked() -> None:
    written = {
        f"{module.__name__.rsplit('.', 1)[-1]} {name}"
        for module in (ingest, remove)
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, str) and value.lstrip().startswith("SELECT")
    }
    assert written <= set(QUERIES), sorted(written - set(QUERIES))
