"""The Linked Data server through Flask's test client: documents, pages, paging, HTTP."""

from __future__ import annotations

import gzip
import html
import re
import time
from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskClient
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import FOAF, SKOS
from rdflib.term import Node
from werkzeug.test import TestResponse

from speechld.ingest import source_graph as page_source_graph
from speechld.record import Speech
from speechld.schemes import vocabulary_graph
from speechld.store import EmbeddedStore
from speechld.store.stats import stats
from speechld.vocab import SLD, Minter
from speechld.web import create_app

from .webdata import (
    BASE,
    PAGE_SIZE,
    SPEAKER_COUNT,
    local_path,
    repo_file,
    seed_speech,
    source_graph,
    web_store,
)

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
FIXTURE_SPEECH = f"{BASE}id/speech/fixture-1"
PROLIFIC = f"{BASE}id/person/per-many"


def turtle(client: FlaskClient, path: str) -> Graph:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.text
    return Graph().parse(data=response.data, format="turtle")


def doc(uri: str, suffix: str = "", page: int = 1) -> str:
    """The local path of a thing's document."""
    path = local_path(uri).replace("/id/", "/doc/", 1) + suffix
    return path + (f"?page={page}" if page > 1 else "")


# --- what a document holds -------------------------------------------------------------


def test_speech_document_holds_its_triples_and_names_what_it_links_to(
    client: FlaskClient,
) -> None:
    graph = turtle(client, doc(FIXTURE_SPEECH, ".ttl"))
    speech = URIRef(FIXTURE_SPEECH)
    assert (speech, RDF.type, SLD.Speech) in graph
    assert graph.value(speech, SLD.speechNumber) == Literal(12)
    person = URIRef(f"{BASE}id/person/maria-holm")
    assert (person, RDF.type, FOAF.Person) in graph
    assert str(graph.value(person, FOAF.name)) == "Maria Holm"
    group = URIRef(f"{BASE}id/group/ngv")
    assert Literal("Nordic Green Left", lang="en") in set(graph.objects(group, SKOS.prefLabel))
    assert (URIRef(f"{BASE}id/type/reply"), RDF.type, SKOS.Concept) in graph
    # the translation is a part of the speech: its text comes with the speech's document
    translation = URIRef(f"{FIXTURE_SPEECH}/translation/sv")
    assert graph.value(translation, SLD.translatedText) == Literal(
        "Tack för ordet, och mera.", lang="sv"
    )
    finnish = [
        o
        for o in graph.objects(None, SLD.translatedText)
        if isinstance(o, Literal) and o.language == "fi"
    ]
    assert finnish == [Literal("Kiitos puheenvuorosta.", lang="fi")]
    # what the document says of itself
    document = URIRef(BASE + doc(FIXTURE_SPEECH)[1:])
    assert graph.value(document, FOAF.primaryTopic) == speech


def test_linked_things_bring_names_not_their_whole_description(client: FlaskClient) -> None:
    graph = turtle(client, doc(FIXTURE_SPEECH, ".ttl"))
    group = URIRef(f"{BASE}id/group/ngv")
    assert graph.value(group, SKOS.inScheme) is None


def test_person_document_pages_its_inverse_links(client: FlaskClient) -> None:
    person = URIRef(PROLIFIC)
    seen: list[Node] = []
    page, pages = 1, 0
    while page and pages < 10:
        pages += 1
        response = client.get(doc(PROLIFIC, ".ttl", page))
        assert response.status_code == 200
        graph = Graph().parse(data=response.data, format="turtle")
        speeches = list(graph.subjects(SLD.speaker, person))
        assert len(speeches) <= PAGE_SIZE
        assert all(graph.value(s, RDF.type) == SLD.Speech for s in speeches)
        assert all(graph.value(s, SLD.speechNumber) is not None for s in speeches)
        seen += speeches
        document = URIRef(BASE + doc(PROLIFIC, "", page)[1:])
        following = graph.value(document, HYDRA.next)
        links = response.headers["Link"]
        if following is None:
            assert 'rel="next"' not in links
            page = 0
        else:
            assert str(following) == BASE + doc(PROLIFIC, "", page + 1)[1:]
            assert f'<{doc(PROLIFIC, ".ttl", page + 1)}>; rel="next"' in links
            page += 1
    assert pages == -(-SPEAKER_COUNT // PAGE_SIZE)
    assert len(seen) == len(set(seen)) == SPEAKER_COUNT


def test_page_past_the_end_is_404_and_a_bad_page_400(client: FlaskClient) -> None:
    last = -(-SPEAKER_COUNT // PAGE_SIZE)
    assert client.get(doc(PROLIFIC, ".ttl", last + 1)).status_code == 404
    assert client.get(doc(PROLIFIC, ".ttl") + "?page=zero").status_code == 400
    assert client.get(doc(PROLIFIC, ".ttl") + "?page=0").status_code == 400
    assert client.get(doc(PROLIFIC, ".ttl") + "?page=²").status_code == 400
    assert client.get(doc(PROLIFIC, ".ttl") + "?page=000").status_code == 400


@pytest.mark.parametrize("page", ["18446744073709551615", "9" * 5000, "1000000001"])
def test_a_page_far_past_the_end_is_404_not_an_error(client: FlaskClient, page: str) -> None:
    for path in (doc(PROLIFIC, ".ttl"), doc(PROLIFIC, ".html"), "/list/speech"):
        response = client.get(f"{path}?page={page}")
        assert response.status_code == 404, (path, response.text[:200])
        assert page[:40] in response.text and len(response.text) < 5000


def test_scheme_uri_lists_its_concepts(client: FlaskClient) -> None:
    response = client.get("/id/group/", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/doc/group/.ttl"
    graph = turtle(client, response.headers["Location"])
    assert (URIRef(f"{BASE}id/group/ngv"), SKOS.inScheme, URIRef(f"{BASE}id/group/")) in graph


def test_jsonld_is_compact_under_our_published_context(client: FlaskClient) -> None:
    response = client.get(doc(FIXTURE_SPEECH, ".jsonld"))
    assert response.headers["Content-Type"] == "application/ld+json"
    data = response.get_json()
    assert data["@context"] == BASE + "context.jsonld"
    nodes = {n["@id"]: n for n in data["@graph"]}
    speech = nodes[FIXTURE_SPEECH]
    assert speech["speaker"] == f"{BASE}id/person/maria-holm"
    assert speech["@type"] == "Speech"
    # numbers and truth values as JSON's own, which plain JSON clients sort and test right
    assert speech["speechNumber"] == 12
    guest = client.get(doc(f"{BASE}id/speech/fixture-2", ".jsonld")).get_json()["@graph"][0]
    assert (guest["externalSpeaker"], guest["nonAttached"]) == (True, True)
    context = client.get("/context.jsonld")
    assert context.status_code == 200
    assert context.get_json()["@context"]["speaker"] == {"@id": "sld:speaker", "@type": "@id"}


# --- HTML ----------------------------------------------------------------------------


def test_speech_page_reads_like_the_original(client: FlaskClient) -> None:
    page = client.get(doc(FIXTURE_SPEECH, ".html")).text
    assert '<h1 id="title">Maria Holm (Reply)</h1>' in page
    # the title tells two speeches of one speaker and type apart
    assert "<title>Maria Holm (Reply), speech 12, 30 October 2019, 10:15 · speechld</title>" in page
    assert '<a href="/id/person/maria-holm" lang="">Maria Holm</a>' in page
    assert '<a href="/id/group/ngv">Nordic Green Left</a>' in page
    assert '<dd><a href="/id/type/reply">Reply</a> (<span lang="">Replik</span>)</dd>' in page
    assert '<dd><span lang="">Nordisk Grøn Venstre</span></dd>' in page  # the role as published
    assert "30 October 2019, 10:15" in page
    assert "<dd>Danish</dd>" in page
    assert "<p>Anden paragraf her.</p>" in page
    translation = r'<h2[^>]*><a href="/id/speech/fixture-1/translation/sv">Translation \(Swedish\)'
    assert re.search(translation + r"</a></h2>\s*<p>Tack för ordet", page)  # linked
    assert "Translation (Finnish)" in page


def test_everything_on_a_page_is_escaped(client: FlaskClient) -> None:
    page = client.get(doc(FIXTURE_SPEECH, ".html")).text
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; mere." in page
    assert 'href="javascript:' not in page
    assert "script-src" not in page
    csp = client.get(doc(FIXTURE_SPEECH, ".html")).headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp


@pytest.mark.parametrize(
    ("path", "target"),
    [("/dumps", "/dumps/"), ("/list//speech", "/list/speech"), ("/dumps?x=1", "/dumps/?x=1")],
)
def test_the_routers_own_redirects_are_paths_whatever_host_was_asked(
    client: FlaskClient, path: str, target: str
) -> None:
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 308 and response.headers["Location"] == target


def test_an_iri_under_the_base_with_a_double_slash_links_no_other_host(
    client: FlaskClient,
) -> None:
    query = f'SELECT ?x WHERE {{ BIND(IRI("{BASE}/evil.example/x") AS ?x) }}'
    page = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert 'href="//evil.example' not in page.text
    assert f'href="{BASE}/evil.example/x"' in page.text  # the IRI itself, on this host


def test_seed_speech_page(client: FlaskClient, web_data: EmbeddedStore) -> None:
    page = client.get(doc(seed_speech(web_data), ".html")).text
    assert '<h1 id="title">Anna Ljunggren (Main speech)</h1>' in page
    assert '<dd><span lang="">Den socialdemokratiska gruppens talsperson</span></dd>' in page
    assert "<dd>211</dd>" in page and "31 October 2012, 18:58" in page
    assert "<dd>Norwegian Bokmål</dd>" in page
    assert page.count("<p>Menneskehandel") == 2  # first and third paragraphs


def test_person_page_lists_speeches_paged(client: FlaskClient) -> None:
    page = client.get(doc(PROLIFIC, ".html")).text
    assert '<h3 id="linked-1">Speeches by Per Many</h3>' in page
    assert page.count('<td><a href="/id/speech/many-') == PAGE_SIZE
    assert f"<h2>Speeches ({SPEAKER_COUNT})</h2>" in page
    assert f'rel="next" href="{doc(PROLIFIC, ".html", 2)}"' in page
    last = client.get(doc(PROLIFIC, ".html", -(-SPEAKER_COUNT // PAGE_SIZE))).text
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_home_page_shows_the_dataset_at_a_glance(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept": BROWSER})
    assert response.status_code == 200
    page = response.text
    assert f"Speeches</a></th><td>{SPEAKER_COUNT + 3}</td>" in page
    for link in ("/sparql", "/dumps/", "/.well-known/void", "/ontology", "/context.jsonld"):
        assert f'href="{link}"' in page
    assert '<a href="/id/person/maria-holm" lang="">Maria Holm</a>' in page
    assert '<a href="/id/group/ngv">Nordic Green Left</a>' in page
    assert '<a href="/id/type/reply">Reply</a>' in page
    assert "/id/speech/" in page  # example URIs, named as their pages head them
    assert "<br>Gæst Gæstesen (Reply)</li>" in page
    for graph in ("shared", "vocabulary", "dataset"):  # the graphs no speech links to
        assert f'href="/graph/{graph}"' in page
        assert client.get(f"/graph/{graph}", headers={"Accept": "text/turtle"}).status_code == 200


def test_party_groups_are_counted_as_speechld_stats_counts_them(
    client: FlaskClient, web_data: EmbeddedStore
) -> None:
    groups = stats(web_data).groups
    home = client.get("/", headers={"Accept": BROWSER}).text
    assert f"Party groups</a></th><td>{groups}</td>" in home
    listed = client.get("/list/group").text
    assert listed.count("<li>") == groups > 1
    assert "/id/group/non-attached" not in listed  # a status, not a party group
    assert client.get("/id/group/non-attached", headers={"Accept": BROWSER}).status_code == 303


def test_the_non_attached_concept_lists_its_speeches_through_a_query(
    client: FlaskClient, web_data: EmbeddedStore
) -> None:
    page = client.get("/doc/group/non-attached.html").text
    found = re.search(r'<a href="(/sparql\?query=[^"]+)">List them</a>', page)
    assert found, page
    answer = client.get(
        html.unescape(found[1]), headers={"Accept": "application/sparql-results+json"}
    )
    listed = {b["speech"]["value"] for b in answer.get_json()["results"]["bindings"]}
    stating = f"SELECT ?s WHERE {{ ?s <{SLD.nonAttached}> true }}"
    assert listed == {row["s"].value for row in web_data.select(stating)} != set()
    assert "List them" not in client.get("/doc/group/ngv.html").text


def test_home_sends_rdf_clients_to_void(client: FlaskClient) -> None:
    response = client.get("/", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/.well-known/void.ttl"


@pytest.mark.parametrize("path", ["/id/speech/%ZZ", "/id/person/a%E9", "/doc/speech/%ZZ.ttl"])
def test_a_uri_no_iri_can_be_made_of_is_400(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/plain"})
    assert response.status_code == 400 and "is not a valid IRI" in response.text


@pytest.mark.parametrize(
    ("path", "to"),
    [
        ("/list/speech/", "/list/speech"),
        ("/sparql/?query=ASK%7B%7D", "/sparql?query=ASK%7B%7D"),
        ("/.well-known/void/", "/.well-known/void"),
        ("/ontology/", "/ontology"),
    ],
)
def test_a_trailing_slash_too_many_moves_to_the_path_without(
    client: FlaskClient, path: str, to: str
) -> None:
    response = client.get(path)
    assert response.status_code == 308 and response.headers["Location"] == to
    assert client.post("/sparql/", data={"query": "ASK {}"}).status_code == 308
    assert client.get("/nothing/").status_code == 404


DATED_SPEECHES = (
    "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s <https://w3id.org/speechld/ontology#sitting> ?d }"
)


def test_list_pages(client: FlaskClient) -> None:
    first = client.get("/list/speech").text
    assert first.count("<li>") == PAGE_SIZE
    assert 'href="/list/speech?page=2"' in first and "<span>page 1 of 3</span>" in first
    # listed by identifier, the page leads to the lists that give an order
    assert '<a href="/list/sitting">by sitting</a>' in first
    assert '<a href="/list/person">by speaker</a>' in first
    dated = client.get("/sparql", query_string={"query": DATED_SPEECHES}).json
    assert dated is not None
    n = dated["results"]["bindings"][0]["n"]["value"]
    total = re.search(r"<h1>Speeches <small>\((\d+)\)</small></h1>", first)
    assert total is not None and int(total.group(1)) > 3 * int(n)
    verb = "is" if n == "1" else "are"
    assert f"in order; {n} of these {total.group(1)} {verb} dated)" in first  # few: it says so
    assert client.get("/list/sitting").status_code == 200
    assert client.get("/list/person").text.count("<li>") == 4
    assert "Listed by identifier" not in client.get("/list/person").text
    assert client.get("/list/nothing").status_code == 404
    past = client.get("/list/person?page=2", headers={"Accept": "text/plain"})
    assert past.status_code == 404 and "The list of kind 'person' has 1 page, not 2." in past.text
    unserved = client.get("/list/speech.nq", headers={"Accept": "text/plain"})
    assert unserved.status_code == 404 and "a list is served as .html, .ttl" in unserved.text


def test_a_kinds_folder_uri_leads_to_its_list(client: FlaskClient) -> None:
    for accept, path in ((BROWSER, "/list/person"), ("text/turtle", "/list/person")):
        response = client.get("/id/person/", headers={"Accept": accept})
        assert response.status_code == 303 and response.headers["Location"] == path
        assert client.get(path, headers={"Accept": accept}).status_code == 200
    assert client.get("/id/nothing/").status_code == 404
    assert client.get("/id/group/").headers["Location"].startswith("/doc/group/")  # a scheme


def varies(response: TestResponse) -> set[str]:
    return {name.strip() for name in response.headers.get("Vary", "").split(",")}


def test_lists_are_hydra_collections_for_rdf_clients(
    client: FlaskClient, web_data: EmbeddedStore
) -> None:
    rows = web_data.select(f"SELECT DISTINCT ?s {{ ?s a <{SLD.Speech}> }}")
    speeches = {str(row["s"].value) for row in rows}
    collection, seen, path = URIRef(f"{BASE}list/speech"), [], "/list/speech"
    for _ in range(len(speeches)):  # one page at least per PAGE_SIZE speeches; bounded
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 200 and response.mimetype == "text/turtle"
        assert "Accept" in varies(response)
        assert response.headers["Content-Location"].startswith("/list/speech.ttl")
        rdf = Graph().parse(data=response.data, format="turtle")
        assert rdf.value(collection, HYDRA.totalItems) == Literal(len(speeches))
        members = [str(m) for m in rdf.objects(collection, HYDRA.member)]
        assert 0 < len(members) <= PAGE_SIZE
        seen += members
        view = rdf.value(collection, HYDRA.view)
        assert (view, RDF.type, HYDRA.PartialCollectionView) in rdf
        assert rdf.value(view, HYDRA.first) == URIRef(f"{collection}?page=1")
        following = rdf.value(view, HYDRA.next)
        if following is None:
            assert 'rel="next"' not in response.headers["Link"]
            break
        path = str(following).removeprefix(BASE[:-1])
        assert f'<{path}>; rel="next"' in response.headers["Link"]
    assert len(seen) == len(set(seen)) and set(seen) == speeches
    assert "Accept" not in varies(client.get("/list/speech.jsonld?page=2"))


# --- errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "content_type", "needle"),
    [
        (BROWSER, "text/html", "<h1>404 Not Found</h1>"),
        ("text/turtle", "text/plain", "404 Not Found: "),
        ("application/json", "application/json", '"status": 404'),
        (None, "text/plain", "404 Not Found: "),
    ],
)
def test_unknown_resource_is_404_in_a_readable_format(
    client: FlaskClient, accept: str | None, content_type: str, needle: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/id/speech/no-such-speech", headers=headers)
    assert response.status_code == 404
    assert response.mimetype == content_type
    text = response.text.replace('"status":404', '"status": 404')
    assert needle in text
    assert f"{BASE}id/speech/no-such-speech" in text


def test_not_acceptable_lists_what_is_available(client: FlaskClient) -> None:
    response = client.get(doc(FIXTURE_SPEECH), headers={"Accept": "image/png"})
    assert response.status_code == 406
    for media_type in ("text/html", "text/turtle", "application/ld+json", "application/rdf+xml"):
        assert media_type in response.text


# --- HTTP ----------------------------------------------------------------------------


def test_strong_etag_and_if_none_match(client: FlaskClient) -> None:
    path = doc(FIXTURE_SPEECH, ".ttl")
    first = client.get(path)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    other = client.get(doc(PROLIFIC, ".ttl"), headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_last_modified_and_if_modified_since(client: FlaskClient) -> None:
    path = doc(FIXTURE_SPEECH, ".html")
    first = client.get(path)
    modified = first.headers["Last-Modified"]
    again = client.get(path, headers={"If-Modified-Since": modified})
    assert again.status_code == 304
    older = client.get(path, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert older.status_code == 200


def test_if_match_and_if_unmodified_since_answer_412_when_they_fail(client: FlaskClient) -> None:
    path = doc(FIXTURE_SPEECH, ".ttl")
    current = client.get(path)
    etag, modified = current.headers["ETag"], current.headers["Last-Modified"]
    for passing in ({"If-Match": etag}, {"If-Match": "*"}, {"If-Unmodified-Since": modified}):
        assert client.get(path, headers=passing).data == current.data
    for failing in (
        {"If-Match": '"nope"'},
        {"If-Match": f"W/{etag}"},  # If-Match compares strongly
        {"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"},
    ):
        refused = client.get(path, headers=failing)
        assert refused.status_code == 412, failing
        assert refused.headers["ETag"] == etag and "If-Match" in refused.text


def test_head_has_the_headers_of_get_and_no_body(client: FlaskClient) -> None:
    path = doc(FIXTURE_SPEECH, ".jsonld")
    get, head = client.get(path), client.head(path)
    assert head.status_code == 200 and head.data == b""
    for name in ("Content-Type", "ETag", "Content-Length", "Link", "Last-Modified"):
        assert head.headers[name] == get.headers[name]


def test_gzip_when_accepted(client: FlaskClient) -> None:
    path = doc(FIXTURE_SPEECH, ".nt")
    plain = client.get(path)
    zipped = client.get(path, headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert "Accept-Encoding" in plain.headers["Vary"]
    revalidated = client.get(
        path, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]}
    )
    assert revalidated.status_code == 304


def test_cors_and_cache_headers(client: FlaskClient) -> None:
    response = client.get(local_path(FIXTURE_SPEECH), headers={"Accept": "text/turtle"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = response.headers["Access-Control-Expose-Headers"]
    for name in ("Location", "Content-Location", "Link", "ETag", "Content-Range", "Retry-After"):
        assert name in exposed
    assert "max-age=" in response.headers["Cache-Control"]
    preflight = client.options(
        doc(FIXTURE_SPEECH),
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "cache-control, if-match",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    methods = {m.strip() for m in preflight.headers["Access-Control-Allow-Methods"].split(",")}
    assert "GET" in methods and "POST" not in methods  # a document takes no POST
    assert preflight.headers["Access-Control-Allow-Headers"] == "cache-control, if-match"


def test_documents_link_their_other_formats(client: FlaskClient) -> None:
    response = client.get(doc(FIXTURE_SPEECH, ".ttl"))
    links = response.headers["Link"]
    for suffix, media_type in (
        (".html", "text/html"),
        (".jsonld", "application/ld+json"),
        (".nt", "application/n-triples"),
        (".rdf", "application/rdf+xml"),
    ):
        assert f'<{doc(FIXTURE_SPEECH, suffix)}>; rel="alternate"; type="{media_type}"' in links
    assert f'<{local_path(FIXTURE_SPEECH)}>; rel="describes"' in links
    page = client.get(doc(FIXTURE_SPEECH, ".html")).text
    assert f'<link rel="alternate" type="text/turtle" href="{doc(FIXTURE_SPEECH, ".ttl")}">' in page
    assert f'<a href="{doc(FIXTURE_SPEECH, ".rdf")}" type="application/rdf+xml">RDF/XML</a>' in page


def test_reverse_proxy_prefix_and_host(web_data: EmbeddedStore) -> None:
    app = create_app({"STORE": web_data, "BASE": BASE, "PROXIES": 1})
    client = app.test_client()
    headers = {
        "Accept": "text/html",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "data.example.net",
        "X-Forwarded-Prefix": "/ld",
    }
    response = client.get(local_path(FIXTURE_SPEECH), headers=headers)
    assert response.status_code == 303
    assert response.headers["Location"] == "/ld" + doc(FIXTURE_SPEECH, ".html")
    page = client.get(doc(FIXTURE_SPEECH, ".html"), headers=headers).text
    assert '<a href="/ld/id/person/maria-holm" lang="">Maria Holm</a>' in page
    assert 'href="/ld/static/speechld.css"' in page


@pytest.mark.parametrize(
    ("header", "value", "status"),
    [
        ("X-Forwarded-Prefix", "/speeches/", 303),
        ("X-Forwarded-Prefix", "/", 303),
        ("X-Forwarded-Host", "speechld_web:5000", 303),  # a container's service name
        ("X-Forwarded-Proto", "HTTPS", 303),
        ("X-Forwarded-Prefix", "//evil.example", 400),  # every link and redirect would leave
        ("X-Forwarded-Prefix", "https://evil.example", 400),
        ("X-Forwarded-Prefix", "/ld\\evil", 400),
        ("X-Forwarded-Proto", "javascript", 400),
        ("X-Forwarded-Host", "evil.example/path", 400),
    ],
)
def test_forwarded_headers_are_taken_unless_links_would_leave_the_site(
    web_data: EmbeddedStore, header: str, value: str, status: int
) -> None:
    client = create_app({"STORE": web_data, "BASE": BASE, "PROXIES": 1}).test_client()
    response = client.get(local_path(FIXTURE_SPEECH), headers={header: value})
    assert response.status_code == status, response.text
    location = response.headers.get("Location", "")
    assert "evil" not in location and "//" not in location


# --- the ontology ----------------------------------------------------------------------


def test_ontology_page_documents_every_term(client: FlaskClient) -> None:
    response = client.get("/ontology", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["Content-Location"] == "/ontology.html"
    source = Graph().parse(repo_file("ontology/speechld.ttl"))
    names = {str(s).split("#", 1)[1] for s in source.subjects() if str(s).startswith(str(SLD))}
    assert names
    for name in names:
        assert f'id="{name}"' in response.text


def test_ontology_in_rdf_is_the_ontology_file(client: FlaskClient) -> None:
    source = Graph().parse(repo_file("ontology/speechld.ttl"))
    assert isomorphic(turtle(client, "/ontology"), source)
    assert isomorphic(turtle(client, "/ontology.ttl"), source)
    assert client.get("/ontology.png").status_code == 404


# --- new data ----------------------------------------------------------------------------


def test_new_data_shows_without_a_restart() -> None:
    store = web_store()
    client = create_app({"STORE": store, "BASE": BASE}).test_client()
    before = client.get(doc(FIXTURE_SPEECH, ".html")).text
    assert '<a href="/id/person/maria-holm" lang="">Maria Holm</a>' in before
    home = client.get("/", headers={"Accept": "text/html"}).text
    assert "Persons</a></th><td>4</td>" in home
    renamed = f"""
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{BASE}id/person/maria-holm> rdfs:label "Maria Holm-Berg" .
        <{BASE}id/person/new-one> a <http://xmlns.com/foaf/0.1/Person> .
    """
    store.replace([source_graph("fixture-extra", renamed)])
    after = client.get(doc(FIXTURE_SPEECH, ".html")).text
    assert "Maria Holm-Berg" in after  # documents are never stale
    deadline = time.monotonic() + 10  # figures are recounted in the background
    while "Persons</a></th><td>5</td>" not in home and time.monotonic() < deadline:
        time.sleep(0.05)
        home = client.get("/", headers={"Accept": "text/html"}).text
    assert "Persons</a></th><td>5</td>" in home
    store.close()


def test_a_list_is_dated_by_the_data_it_lists() -> None:
    # lists are recounted in the background after a change: until then the old list
    # keeps the old date, or a client revalidating by date would keep it for good
    store = web_store()
    client = create_app({"STORE": store, "BASE": BASE}).test_client()
    turtle_list = {"Accept": "text/turtle"}
    first = client.get("/list/person", headers=turtle_list)
    assert first.status_code == 200 and first.last_modified is not None
    time.sleep(1.1)  # the next generation is a second later, as HTTP dates go
    new = f"<{BASE}id/person/new-one> a <http://xmlns.com/foaf/0.1/Person> ."
    store.replace([source_graph("fixture-extra", new)])
    stale = client.get("/list/person", headers=turtle_list)
    assert "new-one" not in stale.text
    assert stale.last_modified == first.last_modified
    deadline, fresh = time.monotonic() + 10, stale
    while "new-one" not in fresh.text and time.monotonic() < deadline:
        time.sleep(0.05)
        fresh = client.get("/list/person", headers=turtle_list)
    assert "new-one" in fresh.text
    assert fresh.last_modified is not None and fresh.last_modified > first.last_modified
    store.close()


def test_a_speech_dated_by_its_day_alone_shows_and_sorts_by_that_day() -> None:
    mint, ingested = Minter(BASE), datetime(2026, 1, 15, tzinfo=UTC)
    moments = ((1, None), (2, datetime(2019, 10, 29, 9, 5)), (3, date(2019, 10, 30)))
    speeches = [
        Speech(
            f"{n:016x}",
            f"https://example.org/{n}",
            n,
            "Dagny Dato",
            "Replik",
            None,
            when,
            "da",
            (f"Tak. Indlæg nummer {n}.",),
            type="reply",
        )
        for n, when in moments
    ]
    store = EmbeddedStore(None)
    pages = [page_source_graph(s, mint, ingested) for s in speeches]
    store.replace([vocabulary_graph(mint), *pages])
    client = create_app({"STORE": store, "BASE": BASE}).test_client()
    page = client.get(doc(str(mint.speech(speeches[2].id)), ".html")).text
    shown = r'<dt>Date</dt><dd><a [^>]*><time datetime="2019-10-30">30 October 2019<'
    assert re.search(shown, page)
    person = client.get(doc(str(mint.person("Dagny Dato")), ".html")).text
    listed = re.findall(r'href="/id/speech/([0-9a-f]+)"', person)
    assert list(dict.fromkeys(listed)) == [s.id for s in (speeches[1], speeches[2], speeches[0])]
    store.close()


def test_a_speech_page_says_its_text_may_still_change(
    client: FlaskClient, web_data: EmbeddedStore
) -> None:
    page = client.get(doc(FIXTURE_SPEECH, ".html")).text
    assert re.search(r"<dt>Status</dt><dd[^>]*>.*Waiting for transcription.*may still change", page)
    seed = client.get(doc(seed_speech(web_data), ".html")).text
    assert "<dt>Status</dt>" not in seed


def test_a_document_asked_in_a_format_it_is_not_served_in_says_which_it_is(
    client: FlaskClient,
) -> None:
    response = client.get("/doc/person/maria-holm.xyz", headers={"Accept": "text/plain"})
    assert response.status_code == 404
    assert "not served in a format with suffix .xyz: it is served as .html, .ttl" in response.text
    unknown = client.get("/doc/person/nobody.xyz", headers={"Accept": "text/plain"})
    assert unknown.status_code == 404 and "names nothing in this dataset" in unknown.text


def test_a_list_names_each_speech_as_its_page_heads_it_with_number_and_date(
    client: FlaskClient,
) -> None:
    first = client.get("/list/speech").text
    items = dict(re.findall(r'<li><a href="/id/(speech/[^"]+)"[^>]*>(.*?)</a>', first))
    assert len(items) == PAGE_SIZE
    for key, name in items.items():
        heading = re.search(r'<h1 id="title">(.*?)</h1>', client.get(f"/doc/{key}.html").text)
        assert heading is not None and heading[1] == name
    assert items["speech/fixture-1"] == "Maria Holm (Reply)"  # the type in English, as heads
    item = '<a href="/id/speech/fixture-1">Maria Holm (Reply)</a> <small>no. 12 · 30 October'
    assert item in first  # two of a name in a list are told apart
    second = client.get("/list/speech?page=2").text
    assert "<h1>Speeches <small>(28), page 2 of 3</small></h1>" in second
