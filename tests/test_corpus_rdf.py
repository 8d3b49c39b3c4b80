"""The real corpus through the real ingest path: every page graph conforms to the shapes, and
SPARQL over the store gives the counts of the table written by reading the pages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import FOAF

from speechld.ingest import ingest
from speechld.mapper import NON_ATTACHED, source_key
from speechld.store import GraphStore, open_store
from speechld.vocab import Minter

from .corpus import INPUTS, Row, distinct_speeches, speech_rows
from .handmade import readme_queries
from .paths import ROOT

BASE = "https://data.example.org/nordic/"
MINT = Minter(BASE)
SKOS = "http://www.w3.org/2004/02/skos/core#"
QUERIES = readme_queries()
SPEECHES = distinct_speeches()


@pytest.fixture(scope="module")
def store() -> Iterator[GraphStore]:
    """An in-memory store holding the whole corpus, ingested as `speechld ingest` does."""
    store = open_store(":memory:")
    summary = ingest(store, INPUTS, BASE)
    assert (summary.read, summary.stored, summary.skipped) == (131, 108, 23)
    assert summary.failed == []
    yield store
    store.close()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")


@pytest.fixture(scope="module")
def vocabulary(store: GraphStore) -> Graph:
    return stored_graph(store, str(MINT.graph("vocabulary")))


@pytest.fixture(scope="module")
def shared(store: GraphStore) -> Graph:
    return stored_graph(store, str(MINT.graph("shared")))


def rows(store: GraphStore, query: str) -> list[dict[str, str]]:
    """A query's solutions as variable -> lexical value."""
    solutions = store.select(query)
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


# --------------------------------------------------------------------------------------
# SHACL


def stored_graph(store: GraphStore, name: str) -> Graph:
    """One named graph of the store, as stored."""
    triples = store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
    text = bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    return Graph().parse(data=text.decode("utf-8"), format="nt")


@pytest.mark.parametrize("row", speech_rows(), ids=lambda row: row.source.split("norden.org")[-1])
def test_every_stored_page_graph_conforms(
    row: Row, store: GraphStore, vocabulary: Graph, shared: Graph, shapes: Graph
) -> None:
    page = stored_graph(store, str(MINT.graph(source_key(row.source_uri))))
    assert len(page) > 10, f"{row.source}: no graph stored"
    # the page's own resources, validated with the vocabulary and the shared descriptions
    # they link to (each checked once, below)
    focus: list[str | URIRef] = sorted({s for s in page.subjects() if isinstance(s, URIRef)})
    page += vocabulary
    page += shared
    conforms, _, text = validate(page, shacl_graph=shapes, inference="none", focus_nodes=focus)
    assert conforms, text


def test_the_stored_vocabulary_conforms(vocabulary: Graph, shapes: Graph) -> None:
    conforms, _, text = validate(vocabulary, shacl_graph=shapes, inference="none")
    assert conforms, text


def test_the_shared_graph_describes_each_speaker_and_sitting_once(
    store: GraphStore, shared: Graph, shapes: Graph
) -> None:
    conforms, _, text = validate(shared, shacl_graph=shapes, inference="none")
    assert conforms, text
    speakers = {
        r["p"]
        for r in rows(
            store, "SELECT DISTINCT ?p WHERE { ?s <https://w3id.org/speechld/ontology#speaker> ?p }"
        )
    }
    persons = {str(p) for p in shared.subjects(RDF.type, FOAF.Person)}
    assert speakers == persons and len(persons) > 50
    # one name each, in one graph: a join on a name meets it once
    query = (
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?p <http://xmlns.com/foaf/0.1/name> ?name } GROUP BY ?p"
    )
    assert {r["n"] for r in rows(store, query)} == {"1"}


def test_one_graph_per_speech_page_and_no_other(store: GraphStore) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    names = {r["g"] for r in rows(store, query)}
    pages = {str(MINT.graph(source_key(row.source_uri))) for row in speech_rows()}
    fixed = {str(MINT.graph(name)) for name in ("vocabulary", "dataset", "shared")}
    assert names == pages | fixed
    assert len(pages) == 108


# --------------------------------------------------------------------------------------
# The README's example queries, answered as the table says


def test_table_has_one_speech_read_from_two_pages() -> None:
    pages = Counter(row.speech_key for row in speech_rows())
    assert sum(pages.values()) == 108 and len(SPEECHES) == 107
    (key,) = [key for key, n in pages.items() if n > 1]
    sources = [row.source for row in speech_rows() if row.speech_key == key]
    assert sources == [
        "https://www.norden.org/fi/node/39732",
        "https://www.norden.org/sv/node/39732/printable/print",
    ]


def test_speeches_overall(store: GraphStore) -> None:
    query = """PREFIX sld: <https://w3id.org/speechld/ontology#>
    SELECT (COUNT(DISTINCT ?speech) AS ?speeches) (COUNT(?speech) AS ?pages) WHERE {
      ?speech a sld:Speech
    }"""
    (found,) = rows(store, query)
    assert (int(found["speeches"]), int(found["pages"])) == (len(SPEECHES), 108)


def test_speeches_per_party_group(store: GraphStore) -> None:
    expected = Counter(r.party_group for r in SPEECHES if r.party_group not in ("", NON_ATTACHED))
    found = rows(store, QUERIES["Speeches per party group"])
    assert {r["group"]: int(r["speeches"]) for r in found} == {
        str(MINT.group(key)): n for key, n in expected.items()
    }
    assert len(expected) == 5
    names = {r["group"]: r.get("name") for r in found}
    assert names[str(MINT.group("social-democratic"))] == "Social Democratic Group"
    assert all(names.values())


def test_speeches_by_non_attached_members(store: GraphStore) -> None:
    query = """PREFIX sld: <https://w3id.org/speechld/ontology#>
    SELECT DISTINCT ?speech ?group WHERE {
      ?speech sld:nonAttached true . OPTIONAL { ?speech sld:partyGroup ?group }
    }"""
    found = rows(store, query)
    expected = [r for r in SPEECHES if r.party_group == NON_ATTACHED]
    assert len(found) == len(expected) == 2
    assert all("group" not in r for r in found)


def test_all_speeches_by_michael_tetzschner(store: GraphStore) -> None:
    mine = [r for r in SPEECHES if r.speaker == "Michael Tetzschner"]
    found = rows(store, QUERIES["All speeches by Michael Tetzschner"])
    assert len(found) == len({r["speech"] for r in found}) == len(mine) == 2
    assert sorted(int(r["number"]) for r in found) == sorted(int(r.number) for r in mine)
    order = [(r.get("when", ""), int(r["number"])) for r in found]
    assert order == sorted(order)


def test_speeches_with_a_swedish_translation(store: GraphStore) -> None:
    expected = sum("sv" in r.translations.split(",") for r in SPEECHES)
    (found,) = rows(store, QUERIES["Speeches with a Swedish translation"])
    assert int(found["speeches"]) == expected == 14


def test_speeches_by_type(store: GraphStore) -> None:
    expected = Counter(r.type for r in SPEECHES if r.type)
    found = rows(store, QUERIES["Speeches by type"])
    assert {r["type"]: int(r["speeches"]) for r in found} == {
        str(MINT.type(key)): n for key, n in expected.items()
    }
    counts = [int(r["speeches"]) for r in found]
    assert counts == sorted(counts, reverse=True)
    assert all(r.get("name") for r in found)


# --------------------------------------------------------------------------------------
# People: one URI per person, across speeches, pages and ingests

PEOPLE = """PREFIX sld: <https://w3id.org/speechld/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?person ?name (COUNT(DISTINCT ?speech) AS ?speeches) WHERE {
  ?speech sld:speaker ?person . ?person foaf:name ?name
}
GROUP BY ?person ?name"""


def people(store: GraphStore) -> dict[str, tuple[str, int]]:
    """Name -> (person URI, number of speeches), failing if a name has two URIs."""
    found: dict[str, tuple[str, int]] = {}
    for row in rows(store, PEOPLE):
        assert row["name"] not in found, f"{row['name']} has two URIs"
        found[row["name"]] = (row["person"], int(row["speeches"]))
    return found


def test_one_uri_per_speaker(store: GraphStore) -> None:
    expected = Counter(r.speaker for r in SPEECHES if r.speaker)
    found = people(store)
    assert {name: n for name, (_, n) in found.items()} == expected
    uris = [uri for uri, _ in found.values()]
    assert len(set(uris)) == len(uris), "two people share a URI"


@pytest.mark.parametrize(
    ("name", "slug", "speeches"),
    [
        ("Hans Wallmark", "hans-wallmark", 3),
        ("Jorodd Asphjell", "jorodd-asphjell", 3),
        ("Høgni Hoydal", "hogni-hoydal", 4),
        ("Stefan Löfven", "stefan-lofven", 3),
    ],
)
def test_a_frequent_speaker_is_one_person(
    store: GraphStore, name: str, slug: str, speeches: int
) -> None:
    assert people(store)[name] == (f"{BASE}id/person/{slug}", speeches)
    assert sum(r.speaker == name for r in SPEECHES) == speeches


def test_uris_survive_a_reingest_and_a_new_store(store: GraphStore) -> None:
    links = """PREFIX sld: <https://w3id.org/speechld/ontology#>
    SELECT DISTINCT ?speech ?person WHERE { ?speech sld:speaker ?person }"""
    size = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    first = {(r["speech"], r["person"]) for r in rows(store, links)}
    again = open_store(":memory:")
    try:
        ingest(again, INPUTS, BASE)
        assert {(r["speech"], r["person"]) for r in rows(again, links)} == first
        before = rows(again, size)
        summary = ingest(again, INPUTS, BASE)
        assert summary.stored == 108
        assert {(r["speech"], r["person"]) for r in rows(again, links)} == first
        assert rows(again, size) == before
    finally:
        again.close()


def test_every_resource_under_the_uri_space_has_an_rdfs_label(store: GraphStore) -> None:
    unlabelled = f"""SELECT DISTINCT ?s WHERE {{
      ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}id/"))
      FILTER NOT EXISTS {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }}
    }}"""
    assert [row["s"].value for row in store.select(unlabelled)] == []
    schemes = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{SKOS}ConceptScheme> }}"
    assert int(next(iter(store.select(schemes)))["n"].value) == 3  # they were checked too
