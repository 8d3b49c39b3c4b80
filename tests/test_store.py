"""The store contract, run on every backend: embedded Oxigraph, and Virtuoso and an Oxigraph
server over HTTP."""

from __future__ import annotations

import dataclasses
import io
import threading
import time
from pathlib import Path
from typing import cast

import pyoxigraph as ox
import pytest
from bench.synthetic import pages as synthetic_pages
from rdflib import Graph
from rdflib.compare import isomorphic

from speechld.errors import QueryError, StoreError
from speechld.ingest import dataset_graph, ingest
from speechld.mapper import source_key
from speechld.parse import parse_page
from speechld.rdf import ntriples
from speechld.store import EmbeddedStore, GraphStore, RemoteSettings, RemoteStore, SourceGraph
from speechld.store.base import INGEST_TIME, WRITTEN_TWICE, GraphResult, dataset_base, query_form
from speechld.store.embedded import insert_block
from speechld.store.remote import STAMP_TTL
from speechld.store.stats import stats
from speechld.vocab import SLD, Minter

from . import virtuoso as virtuoso_server
from .conftest import free_port
from .oxigraph import Oxigraph
from .paths import SEED
from .virtuoso import Virtuoso

BASE = "https://data.example.org/"
MINT = Minter(BASE)
G1, G2, G3 = str(MINT.graph("one")), str(MINT.graph("two")), str(MINT.graph("three"))
PERSON = f"<{BASE}id/person/anna>"
SPEECH = f"<{BASE}id/speech/1>"
FOAF_PERSON = "<http://xmlns.com/foaf/0.1/Person>"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
TEXT = 'Takk, president! «Sitat» med "hermetegn", \\ og\nlinjeskift æøå Þ'


def nt(text: str) -> str:
    """A string as an N-Triples literal."""
    return ox.Literal(text).__str__()


def content(speech: str, label: str) -> str:
    """N-Triples of one small source graph."""
    return (
        f"{speech} {RDF_TYPE} <https://w3id.org/speechld/ontology#Speech> .\n"
        f"{speech} {LABEL} {nt(label)} .\n"
        f'{speech} <https://w3id.org/speechld/ontology#text> {nt(TEXT)[:-1]}"@nb .\n'
        f"{speech} <https://w3id.org/speechld/ontology#speaker> {PERSON} .\n"
        f"{PERSON} {RDF_TYPE} {FOAF_PERSON} .\n"
    )


@pytest.fixture()
def store(each_store: GraphStore) -> GraphStore:
    """An empty store of each kind."""
    return each_store


def fill(store: GraphStore) -> None:
    """The dataset graph and two source graphs sharing a person."""
    store.replace(
        [
            dataset_graph(MINT),
            SourceGraph(G1, content(SPEECH, "first")),
            SourceGraph(G2, content(f"<{BASE}id/speech/2>", "second")),
        ]
    )


def quads(store: GraphStore) -> set[ox.Quad]:
    """Every quad of the store's N-Quads dump."""
    return set(ox.parse(b"".join(store.dump(ox.RdfFormat.N_QUADS)), ox.RdfFormat.N_QUADS))


def graph_of(quad: ox.Quad) -> str:
    """The name of a quad's graph."""
    assert isinstance(quad.graph_name, ox.NamedNode)
    return quad.graph_name.value


def test_new_store_is_empty(store: GraphStore) -> None:
    assert store.is_empty()
    assert list(store.graphs()) == []
    assert dataset_base(store) is None
    assert stats(store).as_dict() == dict.fromkeys(
        ("speeches", "persons", "groups", "triples", "graphs"), 0
    )


def test_queries_see_the_union_of_the_named_graphs(store: GraphStore) -> None:
    fill(store)
    assert not store.is_empty()
    assert dataset_base(store) == BASE
    rows = store.select(f"SELECT ?s ?label WHERE {{ ?s {LABEL} ?label ; a ?t }} ORDER BY ?label")
    assert isinstance(rows, ox.QuerySolutions)
    found = [(row["s"], row["label"]) for row in rows]
    assert found == [
        (ox.NamedNode(f"{BASE}id/speech/1"), ox.Literal("first")),
        (ox.NamedNode(f"{BASE}id/speech/2"), ox.Literal("second")),
    ]
    texts = {
        row["text"]
        for row in store.select(
            "SELECT ?text WHERE { ?s <https://w3id.org/speechld/ontology#text> ?text }"
        )
    }
    assert texts == {ox.Literal(TEXT, language="nb")}
    ask = store.query(f"ASK {{ {PERSON} a {FOAF_PERSON} }}")
    assert isinstance(ask, ox.QueryBoolean) and bool(ask)
    assert not bool(store.query(f"ASK {{ {PERSON} a {RDF_TYPE} }}"))


def test_construct_gives_pyoxigraph_triples(store: GraphStore) -> None:
    fill(store)
    query = f"CONSTRUCT {{ ?s {LABEL} ?o }} WHERE {{ ?s {LABEL} ?o }}"
    triples = store.construct(query)
    assert all(isinstance(t, ox.Triple) for t in triples)
    assert {t.object for t in triples} == {ox.Literal("first"), ox.Literal("second")}
    result = store.query("# a comment\nPREFIX x: <http://x/>\n" + query)
    assert isinstance(result, GraphResult)
    assert set(result) == set(triples)
    described = store.query(f"DESCRIBE {SPEECH}")
    assert isinstance(described, GraphResult)
    assert ox.Triple(
        ox.NamedNode(f"{BASE}id/speech/1"), ox.NamedNode(LABEL[1:-1]), ox.Literal("first")
    ) in set(described)


def test_an_ingest_that_changes_nothing_leaves_the_generation_as_it_was(
    store: GraphStore,
) -> None:
    # servers go by it: a nightly rerun that changes nothing must not date every document
    # anew nor have every server count its figures again
    ingest(store, [SEED], BASE)
    time.sleep(STAMP_TTL)
    before = getattr(store, "generation", None)
    assert before
    ingest(store, [SEED], BASE)
    time.sleep(STAMP_TTL)
    assert getattr(store, "generation", None) == before
    ingest(store, [], BASE, items=[("https://example.org/new", SEED.read_text(encoding="utf-8"))])
    time.sleep(STAMP_TTL)
    assert getattr(store, "generation", 0) > before


def test_replace_is_per_graph_and_idempotent(store: GraphStore) -> None:
    fill(store)
    before = quads(store)
    fill(store)
    assert quads(store) == before
    store.replace([SourceGraph(G1, content(SPEECH, "changed"))])
    labels = {
        str(row["label"].value)
        for row in store.select(f"SELECT ?label WHERE {{ {SPEECH} {LABEL} ?label }}")
    }
    assert labels == {"changed"}
    after = quads(store)
    assert len(after) == len(before)
    assert {q for q in after if graph_of(q) != G1} == {q for q in before if graph_of(q) != G1}


def test_digests_are_those_each_graph_states_about_itself(store: GraphStore) -> None:
    digest = "<https://w3id.org/speechld/ontology#contentDigest>"
    stated = f'<{G1}> {digest} "abc" .\n'
    elsewhere = f'<{G2}> {digest} "not in its own graph" .\n'
    store.replace(
        [
            SourceGraph(G1, content(SPEECH, "first") + stated, "abc"),
            SourceGraph(G2, content(f"<{BASE}id/speech/2>", "second")),
            SourceGraph(G3, elsewhere),
        ]
    )
    missing = f"{BASE}graph/never-stored"
    assert store.digests([G1, G2, missing]) == {G1: "abc"}
    assert store.digests([]) == {}


def test_five_thousand_graphs_are_written_and_checked_at_once(store: GraphStore) -> None:
    # More graph names than Virtuoso takes in one query's VALUES block (it refuses 5,000).
    digest = "https://w3id.org/speechld/ontology#contentDigest"
    names = [str(MINT.graph(f"g{i}")) for i in range(5000)]
    graphs = [SourceGraph(g, f'<{g}> <{digest}> "d{i}" .\n', f"d{i}") for i, g in enumerate(names)]
    store.replace(graphs)
    assert store.digests(names) == {g.graph: g.digest for g in graphs}
    changed = [SourceGraph(g, f'<{g}> <{digest}> "new" .\n', "new") for g in names[:3]]
    store.replace(changed + graphs[3:])  # three held graphs replaced, the rest unchanged
    assert store.digests(names[:4]) == {**dict.fromkeys(names[:3], "new"), names[3]: "d3"}
    assert store.sizes(str(MINT.graph("")))[0] == 5000


def test_a_page_two_ingests_wrote_at_once_is_written_again_whole(virtuoso: Virtuoso) -> None:
    # A remote store has no writer's lock: two ingests may both find a page new and both
    # insert it. The embedded store's lock lets one ingest write at a time.
    virtuoso.clear()
    store = RemoteStore(virtuoso.settings)
    try:
        page = next(iter(synthetic_pages(1, 5, form="export")))
        ingest(store, [], BASE, items=[(page.source, page.text)])
        clean, name = quads(store), str(MINT.graph(source_key(page.source)))
        time = ox.NamedNode(INGEST_TIME)
        later = ox.Literal("2030-01-01T00:00:00+00:00", datatype=ox.NamedNode(XSD_DATETIME))
        content = [
            ox.Triple(q.subject, q.predicate, later if q.predicate == time else q.object)
            for q in clean
            if graph_of(q) == name
        ]
        headers = {"Content-Type": "application/sparql-update"}
        text = insert_block([SourceGraph(name, ntriples(content))])  # the other ingest's
        sent = store.http.post(store.settings.update_url, data=text.encode(), headers=headers)
        sent.raise_for_status()
        assert store.digests([name]) == {name: WRITTEN_TWICE}
        summary = ingest(store, [], BASE, items=[(page.source, page.text)])
        assert summary.unchanged == 0  # written again, whole: one ingest time
        times = f"SELECT ?t WHERE {{ GRAPH <{name}> {{ <{name}> <{INGEST_TIME}> ?t }} }}"
        assert len(list(store.select(times))) == 1
        assert len(quads(store)) == len(clean)
        assert ingest(store, [], BASE, items=[(page.source, page.text)]).unchanged == 1
    finally:
        store.close()
        virtuoso.clear()


def test_sizes_count_the_quads_and_graphs_under_a_prefix_only(store: GraphStore) -> None:
    fill(store)
    ours = {q for q in quads(store) if graph_of(q).startswith(f"{BASE}graph/")}
    foreign = "<http://elsewhere.example/s> <http://elsewhere.example/p> 1 .\n"
    store.replace([SourceGraph("http://elsewhere.example/graph", foreign)])
    assert store.sizes(f"{BASE}graph/") == (len(ours), len({graph_of(q) for q in ours}))
    assert store.sizes("http://elsewhere.example/") == (1, 1)
    assert store.sizes("http://nothing.example/") == (0, 0)


def test_triples_come_in_pages_that_join_up_to_all_of_them(store: GraphStore) -> None:
    target = ox.NamedNode(f"{BASE}id/type/reply")
    link = "<https://w3id.org/speechld/ontology#speechType>"
    lines = [f"<{BASE}id/speech/{n:03d}> {link} <{target.value}> .\n" for n in range(250)]
    many = f"<{BASE}id/person/many>"
    said = [f'{many} <http://x.example/said> "{n}" .\n' for n in range(230)]
    store.replace(
        [
            SourceGraph(G1, "".join(lines[:150]) + "".join(said)),
            SourceGraph(G2, "".join(lines[100:]) + "".join(said[:50])),  # some twice
        ]
    )
    for subject, object, total in (
        (None, target, 250),
        (ox.NamedNode(many[1:-1]), None, 230),
    ):
        whole = store.triples(subject, object)
        assert len(whole) == len(set(whole)) == total
        pages = [store.triples(subject, object, limit=100, offset=n) for n in (0, 100, 200)]
        assert [t for page in pages for t in page] == whole


def test_one_graphs_triples_come_in_pages_that_join_up_to_all_of_them(store: GraphStore) -> None:
    lines = [f'<{BASE}id/speech/{n:03d}> {LABEL} "{n}" .\n' for n in range(250)]
    store.replace([SourceGraph(G1, "".join(lines)), SourceGraph(G2, "".join(lines[:10]))])
    graph = ox.NamedNode(G1)
    whole = store.triples(graph=graph)
    assert {str(t.object) for t in whole} == {f'"{n}"' for n in range(250)}
    assert len(whole) == len(set(whole)) == 250
    pages = [store.triples(graph=graph, limit=100, offset=n) for n in (0, 100, 200)]
    assert [t for page in pages for t in page] == whole
    speech = ox.NamedNode(f"{BASE}id/speech/003")
    assert len(store.triples(speech, graph=ox.NamedNode(G2))) == 1
    assert store.triples(graph=ox.NamedNode(G3), limit=1) == []


def test_dump_round_trips(store: GraphStore) -> None:
    fill(store)
    dumped = quads(store)
    assert {graph_of(q) for q in dumped} == {G1, G2, str(MINT.graph("dataset"))}
    assert sorted(store.graphs()) == sorted({G1, G2, str(MINT.graph("dataset"))})
    union = Graph().parse(data="".join(f"{q.triple} .\n" for q in dumped), format="nt")
    turtle = Graph().parse(data=b"".join(store.dump(ox.RdfFormat.TURTLE)), format="turtle")
    ntriples = Graph().parse(data=b"".join(store.dump(ox.RdfFormat.N_TRIPLES)), format="nt")
    assert isomorphic(turtle, union) and isomorphic(ntriples, union)


def test_dumps_and_graphs_keep_to_speechlds_graphs(store: GraphStore) -> None:
    foreign = "<http://elsewhere.example/s> <http://elsewhere.example/p> 1 .\n"
    store.replace([SourceGraph("http://elsewhere.example/graph", foreign)])
    assert store.is_empty() and list(store.graphs()) == [] and quads(store) == set()
    fill(store)
    assert {graph_of(q) for q in quads(store)} == {G1, G2, str(MINT.graph("dataset"))}
    assert sorted(store.graphs()) == sorted({G1, G2, str(MINT.graph("dataset"))})
    assert not store.is_empty()
    assert bool(store.query("ASK { GRAPH <http://elsewhere.example/graph> { ?s ?p 1 } }"))


def test_a_speaker_no_page_names_any_more_leaves_the_shared_graph(store: GraphStore) -> None:
    item = next(iter(synthetic_pages(1, 7, form="export")))
    speaker = parse_page(item.text, item.source).speaker
    assert speaker
    ingest(store, [], BASE, items=[(item.source, item.text)])
    ingest(store, [], BASE, items=[(item.source, item.text.replace(speaker, "Ny Talare"))])
    names = {row["n"].value for row in store.select(NAMES)}
    assert names == {"Ny Talare"}
    assert stats(store).persons == 1


def test_an_ingest_that_changes_nothing_still_drops_what_no_page_names(store: GraphStore) -> None:
    item = next(iter(synthetic_pages(1, 7, form="export")))
    speaker = parse_page(item.text, item.source).speaker
    assert speaker
    renamed = item.text.replace(speaker, "Ny Talare")
    shared = str(MINT.graph("shared"))
    everything = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{shared}> {{ ?s ?p ?o }} }}"
    ingest(store, [], BASE, items=[(item.source, item.text)])
    before = store.construct(everything)
    ingest(store, [], BASE, items=[(item.source, renamed)])
    # An ingest killed after writing the renamed page, before its last step: the old
    # speaker is still described, and the next run finds every page unchanged.
    store.replace([SourceGraph(shared, ntriples(before + store.construct(everything)))])
    assert {row["n"].value for row in store.select(NAMES)} == {speaker, "Ny Talare"}
    assert ingest(store, [], BASE, items=[(item.source, renamed)]).unchanged == 1
    assert {row["n"].value for row in store.select(NAMES)} == {"Ny Talare"}


def test_a_spelling_no_page_writes_any_more_leaves_the_persons_names(store: GraphStore) -> None:
    item = next(iter(synthetic_pages(1, 7, form="export")))
    speaker = parse_page(item.text, item.source).speaker
    assert speaker and speaker.upper() != speaker
    shouted, other = item.text.replace(speaker, speaker.upper()), f"{item.source}-copy"
    ingest(store, [], BASE, items=[(item.source, shouted), (other, item.text)])
    spellings = f"SELECT ?n WHERE {{ ?p a <{FOAF}Person> ; ?name ?n FILTER isLiteral(?n) }}"
    assert {row["n"].value for row in store.select(spellings)} == {speaker, speaker.upper()}
    assert stats(store).persons == 1
    ingest(store, [], BASE, items=[(item.source, item.text)])  # the page corrected
    assert {row["n"].value for row in store.select(spellings)} == {speaker}  # every property
    # A page stored by a release that recorded no spelling: its speaker's names all stay.
    graph = str(MINT.graph(source_key(other)))
    content = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    older = [t for t in store.construct(content) if t.predicate.value != str(SLD.speakerName)]
    store.replace([SourceGraph(graph, ntriples(older))])
    ingest(store, [], BASE, items=[(item.source, shouted)])
    assert {row["n"].value for row in store.select(spellings)} == {speaker, speaker.upper()}


def test_bad_query_is_a_query_error(store: GraphStore) -> None:
    with pytest.raises(QueryError):
        store.query("SELEC * WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError):
        store.select("SELECT * WHERE { ?s ?p }")


FOAF = "http://xmlns.com/foaf/0.1/"
NAMES = f"SELECT ?n WHERE {{ ?p a <{FOAF}Person> ; <{FOAF}name> ?n }}"


def test_stats_count_things_and_graphs(store: GraphStore) -> None:
    ingest(store, [SEED], BASE)
    counts = stats(store)
    assert (counts.speeches, counts.persons, counts.graphs) == (
        1,
        1,
        4,
    )  # page, dataset, vocabulary, shared
    assert counts.groups == 5  # the party groups of ontology/groups.ttl
    per_graph = len([q for q in quads(store) if graph_of(q).startswith(BASE + "graph/")])
    assert counts.triples == per_graph > 10
    ingest(store, [SEED], BASE)
    assert stats(store) == counts


def test_query_form() -> None:
    assert query_form("base <http://b/> prefix : <http://x/> ask {}") == "ASK"
    with pytest.raises(QueryError):
        query_form("INSERT DATA { <http://a> <http://b> <http://c> }")


@pytest.mark.parametrize("graph_store", [True, False], ids=["graph store URL", "none"])
def test_an_oversized_graph_goes_in_requests_of_its_own(
    virtuoso: Virtuoso, graph_store: bool
) -> None:
    virtuoso.clear()
    settings = virtuoso.settings
    remote = RemoteStore(
        settings if graph_store else dataclasses.replace(settings, graph_store_url=None)
    )
    text = "Tak for ordet. " * 10_000  # 150 kB: over a request's size, and over the 64 kB
    big = content(SPEECH, text)  # literal Virtuoso's Graph Store takes
    small = [SourceGraph(g, content(PERSON, g)) for g in (G2, G3)]
    labels = f"SELECT ?label WHERE {{ GRAPH <{G1}> {{ {SPEECH} {LABEL} ?label }} }}"
    for round in range(2):  # new, then held
        remote.replace([dataset_graph(MINT), small[0], SourceGraph(G1, big), small[1]])
        assert sorted(remote.graphs()) == sorted([G1, G2, G3, str(MINT.graph("dataset"))])
        assert [row["label"].value for row in remote.select(labels)] == [text], round
    remote.close()
    virtuoso.clear()


def test_blank_nodes_are_stored(store: GraphStore) -> None:
    store.replace(
        [dataset_graph(MINT), SourceGraph(G1, f'{SPEECH} {LABEL} _:x .\n_:x {LABEL} "v" .\n')]
    )
    rows = list(store.select(f"SELECT ?b ?v WHERE {{ {SPEECH} {LABEL} ?b . ?b {LABEL} ?v }}"))
    assert len(rows) == 1 and isinstance(rows[0]["b"], ox.BlankNode)
    assert rows[0]["v"] == ox.Literal("v")
    (quad,) = [q for q in quads(store) if q.subject == ox.NamedNode(SPEECH[1:-1])]
    assert isinstance(quad.object, ox.BlankNode)


def test_remote_errors_name_the_cause(virtuoso: Virtuoso, tmp_path: Path) -> None:
    wrong = RemoteStore(dataclasses.replace(virtuoso.settings, password="wrong"))
    with pytest.raises(StoreError, match="access refused"):
        wrong.replace([SourceGraph(G1, content(SPEECH, "x"))])
    anonymous = RemoteStore(dataclasses.replace(virtuoso.settings, user=None))
    with pytest.raises(StoreError, match="401"):
        anonymous.replace([SourceGraph(G1, content(SPEECH, "x"))])
    nowhere = RemoteStore(
        RemoteSettings(
            query_url="http://127.0.0.1:9/sparql", update_url="http://127.0.0.1:9/u", retries=1
        )
    )
    with pytest.raises(StoreError, match=r"^http://127\.0\.0\.1:9/sparql: connection refused"):
        nowhere.select("SELECT * WHERE { ?s ?p ?o }")
    for remote in (wrong, anonymous, nowhere):
        remote.close()


def test_changed_pages_stay_whole_when_virtuoso_recovers_from_a_crash(tmp_path: Path) -> None:
    """Virtuoso killed after an ingest changed pages, before its next checkpoint: its
    recovery replays the writes; every page is whole, as an embedded ingest makes it."""
    if not virtuoso_server.installed():
        pytest.skip(virtuoso_server.NOT_INSTALLED)
    ports = free_port(), free_port()
    server = virtuoso_server.start(tmp_path / "db", *ports)
    try:
        pages = list(synthetic_pages(3000, 5, form="export"))  # fewer did not show the loss
        first = [(p.source, p.text) for p in pages]
        changed = [(p.source, p.text.replace(" ", "  ", 1).replace("a", "á", 5)) for p in pages]
        remote = RemoteStore(server.settings)
        ingest(remote, [], BASE, items=first)
        assert ingest(remote, [], BASE, items=changed).unchanged < 200
        remote.close()
        server.process.kill()
        server.process.wait(timeout=30)
        server = virtuoso_server.start(tmp_path / "db", *ports)
        remote = RemoteStore(server.settings)
        reference = EmbeddedStore(None)
        ingest(reference, [], BASE, items=first)
        ingest(reference, [], BASE, items=changed)
        graphs = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        sizes = {row["g"].value: row["n"].value for row in remote.select(graphs)}
        expected = {row["g"].value: row["n"].value for row in reference.select(graphs)}
        assert {g: n for g, n in sizes.items() if g.startswith(BASE + "graph/")} == expected
        remote.close()
        reference.close()
    finally:
        virtuoso_server.stop(server)


def test_graphs_and_dump_read_past_what_one_sorted_result_may_hold(virtuoso: Virtuoso) -> None:
    """Virtuoso refuses an OFFSET past 10,000 rows of a sorted result: the graph list and
    the dump must read more graphs, and more quads a chunk, than that."""
    virtuoso.clear()
    remote = RemoteStore(virtuoso.settings)
    many = [
        SourceGraph(str(MINT.graph(f"g{i:05d}")), f'<{BASE}id/speech/{i}> {LABEL} "{i}" .\n')
        for i in range(10_500)
    ]
    big = [  # 200 graphs of 60 triples: one dump chunk's query would fill a page
        SourceGraph(
            str(MINT.graph(f"b{i:03d}")),
            "".join(f'<{BASE}id/speech/b{i}> {LABEL} "{n}" .\n' for n in range(60)),
        )
        for i in range(200)
    ]
    remote.replace([dataset_graph(MINT), *big, *many])
    names = list(remote.graphs())
    assert len(names) == len(set(names)) == 1 + 200 + 10_500
    dumped = b"".join(remote.dump(ox.RdfFormat.N_QUADS))
    quads = list(ox.parse(dumped, ox.RdfFormat.N_QUADS))
    assert len(quads) == len(set(quads)) == 2 + 200 * 60 + 10_500
    remote.close()
    virtuoso.clear()


def test_answers_are_read_as_they_come_and_made_standard(store: GraphStore) -> None:
    # many chunks of a remote store's answer: Virtuoso's blank nodes and booleans made
    # standard however the chunks fall, and every row read, of SELECT results and of a
    # CONSTRUCT's triples (iterated and serialised as the embedded store's are)
    flag = "<https://w3id.org/speechld/ontology#externalSpeaker>"
    lines = "".join(f'_:b{i} {flag} "true"^^<{XSD_BOOLEAN}> .\n' for i in range(3000))
    store.replace([SourceGraph(G1, lines)])
    query = f"SELECT ?x ?b WHERE {{ GRAPH <{G1}> {{ ?x {flag} ?b }} }}"
    rows = list(cast(ox.QuerySolutions, store.query(query)))
    assert len(rows) == 3000
    assert {row["b"] for row in rows} == {ox.Literal(True)}
    assert len({row["x"] for row in rows}) == 3000
    assert all(isinstance(row["x"], ox.BlankNode) for row in rows)
    assert store.query("ASK {}")  # the next query, once the last answer is let go of
    graph = f"CONSTRUCT {{ ?x {flag} ?b }} WHERE {{ GRAPH <{G1}> {{ ?x {flag} ?b }} }}"
    triples = list(cast(ox.QueryTriples, store.query(graph)))
    assert len(triples) == 3000
    assert {t.object for t in triples} == {ox.Literal(True)}
    assert len({t.subject for t in triples}) == 3000
    written = io.BytesIO()
    cast(ox.QueryTriples, store.query(graph)).serialize(written, ox.RdfFormat.N_TRIPLES)
    assert len(set(ox.parse(written.getvalue(), ox.RdfFormat.N_TRIPLES))) == 3000
    store.release()


def test_a_remote_graph_is_read_no_further_than_asked(oxigraph: Oxigraph) -> None:
    # the endpoint sends the first rows of a large CONSTRUCT: the rest is never fetched
    store = RemoteStore(oxigraph.settings)
    try:
        values = " ".join(str(i) for i in range(400))
        query = (
            "CONSTRUCT { ?s <http://x/p> ?b } WHERE { VALUES ?a { "
            f"{values} }} VALUES ?b {{ {values} }} BIND(IRI(CONCAT('http://x/', STR(?a))) AS ?s) }}"
        )
        triples = iter(cast(ox.QueryTriples, store.query(query)))
        first = [next(triples) for _ in range(10)]
        assert all(t.predicate == ox.NamedNode("http://x/p") for t in first)
        answer = store._reading.answer  # the HTTP response being read (160,000 lines, 6 MB)
        assert answer.raw.tell() < 1_000_000
        assert sum(1 for _ in triples) == 400 * 400 - 10
    finally:
        store.release()
        store.close()


def test_each_thread_reads_its_own_answer(oxigraph: Oxigraph) -> None:
    # a store shared by threads (an app given a RemoteStore): one's next query, and its
    # letting go of its answer, leave another's answer being read alone
    store = RemoteStore(oxigraph.settings)
    try:
        values = " ".join(str(i) for i in range(300))
        query = f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} }}"
        rows = iter(cast(ox.QuerySolutions, store.query(query)))
        next(rows)

        def other() -> None:
            assert bool(store.query("ASK {}"))
            store.release()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(timeout=30)
        assert sum(1 for _ in rows) == 300 * 300 - 1
    finally:
        store.release()
        store.close()
