"""Named graphs served at their names: content, negotiation, headers, paging, the HTML page."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask.testing import FlaskClient
from pyoxigraph import Literal, NamedNode, RdfFormat, parse
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from werkzeug.test import TestResponse

from speechld.mapper import source_key
from speechld.rdf import ntriples
from speechld.store import EmbeddedStore
from speechld.web import create_app

from .paths import SEED
from .webdata import BASE, local_path

PROV = Namespace("http://www.w3.org/ns/prov#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SEED_GRAPH = f"{BASE}graph/{source_key(SEED.resolve().as_uri())}"
PROLIFIC_GRAPH = f"{BASE}graph/prolific"
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples; charset=utf-8",
    "rdf": "application/rdf+xml; charset=utf-8",
    "nq": "application/n-quads; charset=utf-8",
    "trig": "application/trig; charset=utf-8",
}


def vary(response: TestResponse) -> set[str]:
    return {name.strip() for name in response.headers.get("Vary", "").split(",")}


def stored(store: EmbeddedStore, graph: str) -> Graph:
    """The named graph's content as the store holds it."""
    text = ntriples(store.triples(graph=NamedNode(graph)))
    return Graph().parse(data=text, format="nt")


def served(client: FlaskClient, path: str, fmt: str = "turtle") -> Graph:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return Graph().parse(data=response.data, format=fmt)


@pytest.mark.parametrize("graph", [SEED_GRAPH, f"{BASE}graph/fixture", f"{BASE}graph/vocabulary"])
def test_a_graph_uri_answers_the_graphs_own_triples(
    client: FlaskClient, web_data: EmbeddedStore, graph: str
) -> None:
    expected = stored(web_data, graph)
    assert len(expected) > 3
    assert isomorphic(served(client, local_path(graph)), expected)


def test_a_source_pages_graph_holds_its_provenance(client: FlaskClient) -> None:
    graph = served(client, local_path(SEED_GRAPH) + ".ttl")
    name, activity = URIRef(SEED_GRAPH), URIRef(SEED_GRAPH + "#ingest")
    assert (name, RDF.type, PROV.Entity) in graph
    assert graph.value(name, PROV.wasGeneratedBy) == activity
    assert (activity, RDF.type, PROV.Activity) in graph
    software = graph.value(activity, PROV.wasAssociatedWith)
    assert str(software).startswith(f"{BASE}id/software/speechld-")


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_dataset_formats_name_the_graph(
    client: FlaskClient, web_data: EmbeddedStore, fmt: str
) -> None:
    response = client.get(f"{local_path(SEED_GRAPH)}.{fmt}")
    assert response.headers["Content-Type"] == MEDIA_TYPES[fmt]
    quads = list(parse(response.data, format=RdfFormat.from_extension(fmt)))
    assert {str(q.graph_name) for q in quads} == {f"<{SEED_GRAPH}>"}
    graph = Graph().parse(data=ntriples(q.triple for q in quads), format="nt")
    assert isomorphic(graph, stored(web_data, SEED_GRAPH))


# Accept header (None: no header) -> suffix of the variant served, None for 406.
@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        (None, "ttl"),
        ("*/*", "html"),
        (FIREFOX, "html"),
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "rdf"),
        ("application/n-quads", "nq"),
        ("application/trig", "trig"),
        ("application/trig, text/turtle;q=0.5", "trig"),
        ("image/png", None),
    ],
)
def test_a_graph_uri_negotiates(
    client: FlaskClient, accept: str | None, suffix: str | None
) -> None:
    path = local_path(SEED_GRAPH)
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert "Accept" in vary(response)
    if suffix is None:
        assert response.status_code == 406
        assert "application/trig" in response.text
        return
    assert response.status_code == 200
    assert response.headers["Content-Type"] == MEDIA_TYPES[suffix]
    assert response.headers["Content-Location"] == f"{path}.{suffix}"


@pytest.mark.parametrize("suffix", list(MEDIA_TYPES))
def test_format_urls_of_a_graph_ignore_accept(client: FlaskClient, suffix: str) -> None:
    response = client.get(f"{local_path(SEED_GRAPH)}.{suffix}", headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == MEDIA_TYPES[suffix]
    assert "Content-Location" not in response.headers
    assert "Accept" not in vary(response)


def test_a_graph_has_the_headers_of_a_document(client: FlaskClient) -> None:
    path = local_path(SEED_GRAPH)
    response = client.get(path + ".ttl")
    links = response.headers["Link"]
    for suffix, media_type in (("html", "text/html"), ("nq", "application/n-quads")):
        assert f'<{path}.{suffix}>; rel="alternate"; type="{media_type}"' in links
    assert 'rel="next"' not in links
    etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    assert client.get(path + ".ttl", headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path + ".ttl", headers={"If-Modified-Since": modified}).status_code == 304
    head = client.head(path + ".ttl")
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == etag


@pytest.mark.parametrize(
    "path",
    ["/graph/no-such-graph", "/graph/no-such-graph.ttl", "/graph/a%3Eb", "/graph/shared?page=2"],
)
def test_an_unknown_graph_is_404_with_the_usual_error_page(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": FIREFOX})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "home page" in response.text


def test_a_large_graph_comes_in_pages(web_data: EmbeddedStore) -> None:
    size = 40
    client = create_app({"STORE": web_data, "BASE": BASE, "GRAPH_PAGE_SIZE": size}).test_client()
    path = local_path(PROLIFIC_GRAPH)
    whole = stored(web_data, PROLIFIC_GRAPH)
    pages = -(-len(whole) // size)
    assert pages >= 3
    joined = Graph()
    for page in range(1, pages + 1):
        query = f"?page={page}" if page > 1 else ""
        response = client.get(f"{path}.ttl{query}")
        assert response.status_code == 200
        graph = Graph().parse(data=response.data, format="turtle")
        here = URIRef(f"{PROLIFIC_GRAPH}{query}")
        following = graph.value(here, HYDRA.next)
        if page < pages:
            assert str(following) == f"{PROLIFIC_GRAPH}?page={page + 1}"
            assert f'<{path}.ttl?page={page + 1}>; rel="next"' in response.headers["Link"]
        else:
            assert following is None and 'rel="next"' not in response.headers["Link"]
        graph.remove((None, HYDRA.next, None))
        graph.remove((None, HYDRA.previous, None))
        assert len(graph) <= size
        joined += graph
    assert isomorphic(joined, whole)
    assert client.get(f"{path}.ttl?page={pages + 1}").status_code == 404
    html = client.get(f"{path}.html?page=2").text
    assert (
        f'rel="prev" href="{path}.html"' in html and f'rel="next" href="{path}.html?page=3"' in html
    )


def test_graph_page_shows_its_provenance_and_links_its_resources(client: FlaskClient) -> None:
    path = local_path(SEED_GRAPH)
    page = client.get(path, headers={"Accept": FIREFOX}).text
    assert "<h2>Provenance</h2>" in page
    assert f'<a href="{path}#ingest">Ingest of {SEED.name} (a local file)</a>' in page
    assert '<h3 id="ingest">' in page  # where the activity's URI lands
    assert '<a href="/id/person/anna-ljunggren" lang="">Anna Ljunggren</a>' in page
    assert '<a href="/id/speech/' in page and "Anna Ljunggren (Main speech)</a></h3>" in page
    assert 'href="/id/software/speechld-' in page
    assert f'<a href="{path}.trig" type="application/trig">TriG</a>' in page


def test_the_activity_uris_the_software_page_links_to_resolve(client: FlaskClient) -> None:
    software = client.get("/list/software").text
    start = software.index('href="/id/software/') + len('href="')
    thing = software[start : software.index('"', start)]
    page = client.get(thing.replace("/id/", "/doc/", 1) + ".html").text
    assert f'href="{local_path(SEED_GRAPH)}#ingest"' in page
    graph = client.get(local_path(SEED_GRAPH), headers={"Accept": FIREFOX})
    assert graph.status_code == 200 and 'id="ingest"' in graph.text


def test_graph_page_shows_dates_readably_with_the_machine_value_kept(
    client: FlaskClient, web_data: EmbeddedStore
) -> None:
    page = client.get(local_path(SEED_GRAPH), headers={"Accept": FIREFOX}).text
    activity, ended = NamedNode(SEED_GRAPH + "#ingest"), NamedNode(str(PROV.endedAtTime))
    found = web_data.triples(activity, graph=NamedNode(SEED_GRAPH))
    (stamp,) = [t.object for t in found if t.predicate == ended]
    assert isinstance(stamp, Literal)
    lexical = stamp.value  # as stored: 2026-12-07T00:59:23Z
    moment = datetime.fromisoformat(lexical)
    shown = f"{moment.day} {moment:%B %Y}, {moment:%H:%M} UTC"
    assert f'<time datetime="{lexical}">{shown}</time>' in page
    assert "xsd:dateTime" not in page
    assert page.count(f'<time datetime="{lexical}">') >= 2  # the graph's own dates too
