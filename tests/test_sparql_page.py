"""The SPARQL page for people: a form, example queries that run, results as linked tables."""

from __future__ import annotations

import re

import pytest
import requests

from speechld.ingest import ingest
from speechld.sparql.examples import EXAMPLES
from speechld.store import GraphStore, open_store

from .conftest import LiveServer
from .paths import ROOT
from .test_serve import speech_uri

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def get(server: LiveServer, **params: str) -> requests.Response:
    return requests.get(f"{server.url}sparql", params=params, headers=BROWSER, timeout=30)


def test_the_page_has_a_form_and_every_example(live_server: LiveServer) -> None:
    page = get(live_server)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert '<textarea id="query" name="query"' in page.text
    for example in EXAMPLES:
        assert example.title in page.text
    # nothing from other sites: no script at all, stylesheets and icon from this server only
    # (the canonical link names the page's own URL, absolute as search engines want it)
    assert "<script" not in page.text
    assert re.findall(r'<link(?! rel="canonical")[^>]+href="(https?:)?//', page.text) == []
    # and it leads programs to the service description, in Turtle at the same URL
    described = re.search(r'<link rel="alternate" type="text/turtle" href="([^"]+)"', page.text)
    assert described is not None
    turtle = requests.get(
        live_server.url + described[1].lstrip("/"), headers={"Accept": "text/turtle"}, timeout=30
    )
    assert "sd:Service" in turtle.text or "ns/sparql-service-description#Service" in turtle.text


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.title for e in EXAMPLES])
def test_every_example_runs(live_server: LiveServer, example: tuple[str, str]) -> None:
    response = requests.get(
        f"{live_server.url}sparql", params={"query": example[1], "format": "json"}, timeout=30
    )
    assert response.status_code == 200, response.text
    assert "bindings" in response.json()["results"]


@pytest.fixture(scope="module")
def corpus() -> GraphStore:
    store = open_store(":memory:")
    ingest(store, [ROOT / "data"], "http://example.org/")
    return store


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.title for e in EXAMPLES])
def test_every_example_answers_on_the_corpus(corpus: GraphStore, example: tuple[str, str]) -> None:
    rows = [tuple(row) for row in corpus.select(example[1])]
    assert rows and all(row[0] is not None for row in rows)
    assert len(set(rows)) == len(rows)  # a speech read from two pages is one row


def test_a_speakers_speeches_read_from_two_pages_are_a_row_each(corpus: GraphStore) -> None:
    twice = (
        "SELECT ?name (COUNT(DISTINCT ?s) AS ?speeches) WHERE { ?s "
        "<https://w3id.org/speechld/ontology#speaker>/<http://xmlns.com/foaf/0.1/name> ?name "
        "{ SELECT ?s WHERE { GRAPH ?g { ?s a <https://w3id.org/speechld/ontology#Speech> } } "
        "GROUP BY ?s HAVING(COUNT(?g) > 1) } } GROUP BY ?name ORDER BY ?name LIMIT 3"
    )
    speakers = list(corpus.select(twice))
    assert speakers  # the corpus has speeches read from pages in two languages
    example = next(e.query for e in EXAMPLES if e.title == "Speeches by a speaker")
    for speaker in speakers:
        name = speaker["name"].value
        rows = list(corpus.select(example.replace('"Anna Ljunggren"', f'"{name}"')))
        assert len(rows) >= int(speaker["speeches"].value)
        assert len(rows) == len({row["speech"] for row in rows}), name


@pytest.mark.parametrize("title", ["Speeches by a speaker", "Speeches whose text contains a word"])
def test_examples_find_the_seed_speech_and_link_it(live_server: LiveServer, title: str) -> None:
    query = next(e.query for e in EXAMPLES if e.title == title)
    page = get(live_server, query=query)
    assert page.status_code == 200
    shown = re.search(r"(\d+) rows? ·", page.text)
    assert shown is not None, page.text
    seed = speech_uri(live_server).removeprefix(live_server.url[:-1])
    assert f'<a href="{seed}">' in page.text
    assert requests.get(live_server.url + seed[1:], headers=BROWSER, timeout=30).ok
    # the result can be downloaded in the machine formats, with the same query
    download = re.search(r'<a href="([^"]+format=csv[^"]*)">csv</a>', page.text)
    assert download is not None
    csv = requests.get(live_server.url + download[1].replace("&amp;", "&")[1:], timeout=30)
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert len(csv.text.splitlines()) == int(shown[1]) + 1


def test_ask_and_construct_as_html(live_server: LiveServer) -> None:
    ask = get(live_server, query="ASK { ?s ?p ?o }")
    assert ask.status_code == 200 and "yes (true)" in ask.text
    construct = get(live_server, query="CONSTRUCT WHERE { ?s a ?type }")
    assert construct.status_code == 200
    assert '<th scope="col">predicate</th>' in construct.text
    assert "rdf:type" in construct.text and "sld:Speech" in construct.text
    assert re.search(r"<p>[0-9]+ triples ·", construct.text)  # a graph counts triples


def test_the_form_keeps_the_dataset_the_request_named(live_server: LiveServer) -> None:
    vocabulary = f"{live_server.url}graph/vocabulary"
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    page = get(live_server, query=query, **{"default-graph-uri": vocabulary})
    assert page.status_code == 200
    form = page.text[page.text.index("<form") : page.text.index("</form>")]
    assert f'<input type="hidden" name="default-graph-uri" value="{vocabulary}">' in form
    assert f"default graph {vocabulary}" in form
    assert 'name="named-graph-uri"' not in form
    assert 'type="hidden"' not in get(live_server, query=query).text


def test_an_error_shows_on_the_page_with_the_query_kept(live_server: LiveServer) -> None:
    page = get(live_server, query="SELECT * WHERE { ?s ?p")
    assert page.status_code == 400
    assert page.headers["Content-Type"].startswith("text/html")
    assert 'role="alert"' in page.text and "error at 1:" in page.text
    assert "SELECT * WHERE { ?s ?p</textarea>" in page.text


def test_text_is_escaped(live_server: LiveServer) -> None:
    page = get(live_server, query='SELECT ?x WHERE { BIND("<b>bold</b>" AS ?x) }')
    assert page.status_code == 200
    assert "&lt;b&gt;bold&lt;/b&gt;" in page.text and "<b>bold</b>" not in page.text


@pytest.mark.parametrize(
    ("query", "linked"),
    [
        ('SELECT ?x WHERE { BIND(IRI("javascript:alert(1)") AS ?x) }', False),
        ("SELECT ?x WHERE { BIND(<data:text/html;base64,PHNjcmlwdD4=> AS ?x) }", False),
        ("CONSTRUCT { <javascript:alert(1)> <http://example.org/p> 1 } WHERE {}", False),
        ("SELECT ?x WHERE { BIND(<https://example.org/x> AS ?x) }", True),
    ],
)
def test_only_web_iris_become_links(live_server: LiveServer, query: str, linked: bool) -> None:
    page = get(live_server, query=query)
    assert page.status_code == 200
    assert 'href="javascript:' not in page.text and 'href="data:' not in page.text
    assert ('href="https://example.org/x"' in page.text) is linked


def test_a_result_too_large_for_the_page_is_offered_as_downloads(live_server: LiveServer) -> None:
    big = 'REPLACE("' + "a" * 1000 + '", "", "' + "b" * 1000 + '")'  # a million characters
    query = f"SELECT ?x WHERE {{ VALUES ?i {{ 1 2 3 4 5 }} BIND(CONCAT(STR(?i), {big}) AS ?x) }}"
    page = requests.post(
        f"{live_server.url}sparql", data={"query": query}, headers=BROWSER, timeout=60
    )
    assert page.status_code == 200
    assert "more than this page shows" in page.text and len(page.text) < 100_000
    csv = requests.post(
        f"{live_server.url}sparql", data={"query": query, "format": "csv"}, timeout=60
    )
    assert csv.status_code == 200 and len(csv.content) > 5_000_000
