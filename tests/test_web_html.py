"""What the HTML pages show people: lists of speeches, a speech's facts, names, languages
and dates, on the web fixtures and the seed speech."""

from __future__ import annotations

import re

import pytest
from bench.synthetic import pages as synthetic_pages
from flask.testing import FlaskClient

from speechld.ingest import ingest
from speechld.mapper import source_key
from speechld.parse import parse_page
from speechld.store import EmbeddedStore, SourceGraph
from speechld.vocab import SLD
from speechld.web import create_app, describe, views

from .paths import SEED
from .webdata import BASE, PAGE_SIZE, SPEAKER_COUNT, TWO_SOURCES, UNDATED, seed_speech

XSD = "http://www.w3.org/2001/XMLSchema#"
FOAF = "http://xmlns.com/foaf/0.1/"

PROLIFIC = "/doc/person/per-many"
BROWSER = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
LISTED_NUMBER = re.compile(
    r'<td><a href="/id/speech/[^"]+"><span class="hidden">Speech </span>(\d+)</a></td>'
)


def numbers(page: str) -> list[int]:
    """The speech numbers of a page's lists of speeches, in the order shown."""
    return [int(n) for n in LISTED_NUMBER.findall(page)]


def prolific_order() -> list[int]:
    """The numbers of the prolific speaker's speeches by date, then number, undated last."""
    dated = SPEAKER_COUNT - UNDATED
    return sorted(
        (100 - i for i in range(SPEAKER_COUNT)),
        key=lambda n: (100 - n >= dated, (100 - n) // 2 if 100 - n < dated else 0, n),
    )


def section(page: str) -> str:
    """The part of a page that lists what links to its resource."""
    return page.split('<section class="inverse">', 1)[1].split("</section>", 1)[0]


def test_a_persons_speeches_are_a_table_in_reading_order_across_pages(
    client: FlaskClient,
) -> None:
    pages = [client.get(f"{PROLIFIC}.html?page={n}").text for n in (1, 2, 3)]
    assert [n for page in pages for n in numbers(page)] == prolific_order()
    first = section(pages[0])
    assert '<h3 id="linked-1">Speeches by Per Many</h3>' in first and "Resources whose" not in first
    assert '<th scope="col">Date</th><th scope="col">Number</th>' in first
    assert '<th scope="col">Role</th>' in first
    assert '<th scope="col">Speaker</th>' not in first  # the page is the speaker's
    assert '<time datetime="2020-01-01T09:00:00">1 January 2020, 09:00</time>' in first
    assert '<span lang="">Talsperson</span>' in first
    last = section(pages[2])
    assert last.count("<time") == SPEAKER_COUNT - 2 * PAGE_SIZE - UNDATED
    assert last.count("<td><small>undated</small></td>") == UNDATED  # said, not left blank
    assert "<span>page 3 of 3</span>" in pages[2] and "<span>page 1 of 3</span>" in pages[0]


def test_pages_of_a_resource_with_many_links_are_each_in_reading_order(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(describe, "ORDERED_MAX", 5)  # as a speech type at scale
    order = prolific_order()
    seen: list[int] = []
    for n in (1, 2, 3):
        shown = numbers(client.get(f"{PROLIFIC}.html?page={n}").text)
        assert shown == sorted(shown, key=order.index)
        seen += shown
    assert sorted(seen) == sorted(order)


def test_a_type_page_lists_its_speeches_and_not_its_scheme(client: FlaskClient) -> None:
    page = client.get("/doc/type/main-speech.html").text
    assert "<h1>Main speech</h1>" in page
    listing = section(page)
    assert (
        "<h2>Speeches (1)</h2>" in listing
        and '<h3 id="linked-1">Speeches of type Main speech</h3>' in listing
    )
    assert 'href="/id/type/"' not in listing  # the scheme's skos:hasTopConcept
    assert '<th scope="col">Type</th>' not in listing  # the page is the type's
    assert '<a href="/id/person/anna-ljunggren" lang="">Anna Ljunggren</a>' in listing
    assert numbers(listing) == [211]


def test_the_speech_type_is_english_with_each_pages_wording(client: FlaskClient) -> None:
    page = client.get("/doc/speech/fixture-2.html").text
    assert "<title>Gæst Gæstesen (Reply) · speechld</title>" in page
    assert '<h1 id="title">Gæst Gæstesen (Reply)</h1>' in page
    wording = re.search(r"<dt>Type</dt><dd>(.*?)</dd>", page)
    assert wording is not None
    assert wording.group(1).startswith('<a href="/id/type/reply">Reply</a> (')
    assert '<span lang="">Replik</span>' in wording.group(1)
    assert '<span lang="">Vastauspuheenvuoro</span>' in wording.group(1)
    # lists of speeches name it the same way
    person = section(client.get("/doc/person/gaest-gaestesen.html").text)
    assert '<td><a href="/id/type/reply">Reply</a></td>' in person


def test_the_speech_page_shows_guest_non_attached_sources_and_graphs(
    client: FlaskClient,
) -> None:
    page = client.get("/doc/speech/fixture-2.html").text
    assert "Gæst Gæstesen</a> (external speaker)</dd>" in page
    status = '<a href="/id/group/non-attached">Non-attached</a>'  # the concept says what it is
    assert f"<dt>Party group</dt><dd>{status}</dd>" in page
    assert "<dt>Sources</dt>" in page
    assert "<div>gaest.txt (a local file)</div>" in page  # by its name, not its path
    assert "/home/someone" not in page and 'href="file:' not in page
    assert f'<div><a href="{TWO_SOURCES[1]}">{TWO_SOURCES[1]}</a></div>' in page
    graphs = re.search(r"<dt>Named graphs</dt><dd>(.*?)</dd>", page)
    assert graphs is not None
    assert '<a href="/graph/two-da">two-da</a>' in graphs.group(1)
    assert '<a href="/graph/two-fi">two-fi</a>' in graphs.group(1)


def test_a_speech_page_says_how_to_cite_it_by_its_uri(
    client: FlaskClient, web_data: EmbeddedStore
) -> None:
    uri = seed_speech(web_data)
    response = client.get(uri.replace(BASE + "id/", "/doc/", 1) + ".html")
    citation = (
        "Anna Ljunggren (Main speech), speech 211, 31 October 2012, 18:58. Nordic Council "
        f"plenary speech. In: Nordic Council plenary speeches. {uri}."
    )
    assert f'<p class="citation">{citation}</p>' in response.text  # a local file: no source
    assert f'<link rel="cite-as" href="{uri}">' in response.text
    assert f'<{uri}>; rel="cite-as"' in response.headers["Link"]  # RFC 8574, every format
    turtle = client.get(uri.replace(BASE + "id/", "/doc/", 1) + ".ttl")
    assert f'<{uri}>; rel="cite-as"' in turtle.headers["Link"]
    assert "provisional" not in response.text
    guest = client.get("/doc/speech/fixture-2.html").text
    assert f"From {TWO_SOURCES[1]}.</p>" in guest  # the page it was read from, on the web
    person = client.get("/doc/person/maria-holm.html").text  # every thing's page
    assert '<link rel="cite-as" href="http://example.org/id/person/maria-holm">' in person
    provisional = client.get("/doc/speech/fixture-1.html").text  # waiting for transcription
    assert "The text is provisional: should it change, the speech gets a new URI" in provisional


def test_the_seed_speech_links_its_sitting_and_the_graph_it_was_read_into(
    client: FlaskClient, web_data: EmbeddedStore
) -> None:
    path = seed_speech(web_data).replace(BASE + "id/", "/doc/", 1)
    page = client.get(f"{path}.html").text
    assert (
        '<dd><a href="/id/sitting/2012-10-31"><time datetime="2012-10-31T18:58:00">'
        "31 October 2012, 18:58</time></a></dd>"
    ) in page
    graph = f"/graph/{source_key(SEED.resolve().as_uri())}"
    assert (
        f"<div>{SEED.name} (a local file) <small>(read into the named graph "
        f'<a href="{graph}">{graph.rsplit("/", 1)[-1]}</a>)</small></div>'
    ) in page
    article = page.split("<article", 1)[1].split("</article>", 1)[0]
    assert '<h2 id="speech-text">Text</h2>' in article
    # the language by its name, not its id.loc.gov IRI
    assert '<a href="http://id.loc.gov/vocabulary/iso639-1/nb">Norwegian Bokmål</a>' in page


def test_a_sitting_page_reads_its_date(client: FlaskClient) -> None:
    page = client.get("/doc/sitting/2012-10-31.html").text
    assert "<h1>Sitting of 31 October 2012</h1>" in page
    assert '<time datetime="2012-10-31">31 October 2012</time>' in page
    assert "xsd:date" not in page
    assert '<h3 id="linked-1">Speeches at this sitting</h3>' in section(page)


def test_common_terms_have_names_and_a_persons_names_show_once(client: FlaskClient) -> None:
    person = client.get("/doc/person/anna-ljunggren.html").text
    assert person.count('<span lang="">Anna Ljunggren</span>') == 1
    assert ">schema:name</a>)</small></th>" in person  # named in the one row "name"
    assert "Person (foaf:Person)" in person and "Person (schema:Person)" in person
    concept = client.get("/doc/type/main-speech.html").text
    for name in ("definition", "notation", "top concept of", "in scheme"):
        assert f">{name}</a></th>" in concept
    assert ">skos:" not in concept


def test_the_software_page_names_its_ingests(client: FlaskClient) -> None:
    software = client.get("/list/software").text
    start = software.index('href="/id/software/') + len('href="')
    path = software[start : software.index('"', start)].replace("/id/", "/doc/", 1)
    page = section(client.get(f"{path}.html").text)
    assert '<h3 id="linked-1">Ingests by speechld ' in page
    assert f">Ingest of {SEED.name} (a local file)</a>" in page
    assert "#ingest</a>" not in page


def test_a_speech_page_names_its_speaker_as_its_own_page_writes_the_name() -> None:
    one, two = synthetic_pages(2, 5, form="export")
    speaker = parse_page(one.text, one.source).speaker
    other = parse_page(two.text, two.source).speaker
    assert speaker and other and speaker != other
    shouted = two.text.replace(other, speaker.upper())
    store = EmbeddedStore(None)
    ingest(store, [], BASE, items=[(one.source, one.text), (two.source, shouted)])
    client = create_app({"STORE": store, "BASE": BASE}).test_client()
    rows = store.select(f"SELECT ?s ?n WHERE {{ ?s <{SLD.speakerName}> ?n }}")
    written = {row["n"].value: row["s"].value for row in rows}
    assert set(written) == {speaker, speaker.upper()}
    for name, uri in written.items():
        page = client.get(uri.removeprefix(BASE[:-1]).replace("/id/", "/doc/") + ".html").text
        title = re.search(r"<title>(.*?)</title>", page, re.S)
        assert title and title.group(1).startswith(name), (name, title)


def test_the_non_attached_speeches_are_dated_by_their_time_or_their_day() -> None:
    store = EmbeddedStore(None)
    said = f"<{SLD.nonAttached}> true ; <http://www.w3.org/2000/01/rdf-schema#label>"
    time = f'<{SLD.dateTime}> "2019-10-30T10:15:00"^^<{XSD}dateTime>'
    day = f'<http://purl.org/dc/terms/date> "2019-10-29"^^<{XSD}date>'
    lines = f'<{BASE}id/speech/a> {said} "A" ; {time} .\n<{BASE}id/speech/b> {said} "B" ; {day} .\n'
    store.replace([SourceGraph(f"{BASE}graph/x", lines)])
    query = views.status_query(f"{BASE}id/group/non-attached", BASE)
    assert query is not None
    rows = [(row["label"].value, row["date"].value) for row in store.select(query)]
    assert rows == [("A", "2019-10-30T10:15:00"), ("B", "2019-10-29")]


def test_a_speech_dated_by_its_day_alone_shows_the_day_in_lists() -> None:
    store = EmbeddedStore(None)
    speech, person = f"<{BASE}id/speech/day>", f"<{BASE}id/person/ann-day>"
    day = f'<http://purl.org/dc/terms/date> "2019-10-29"^^<{XSD}date>'
    lines = (
        f"{speech} a <{SLD.Speech}> ; <{SLD.speaker}> {person} ; <{SLD.speechNumber}> 7 ; {day} .\n"
        f'{person} a <{FOAF}Person> ; <{FOAF}name> "Ann Day" .\n'
    )
    store.replace([SourceGraph(f"{BASE}graph/day", lines)])
    page = create_app({"STORE": store, "BASE": BASE}).test_client().get("/doc/person/ann-day.html")
    assert '<td><time datetime="2019-10-29">29 October 2019</time></td>' in page.text


def test_resources_linking_through_two_properties_alike_are_listed_once() -> None:
    store = EmbeddedStore(None)
    scheme, skos = f"<{BASE}id/colour/>", "http://www.w3.org/2004/02/skos/core#"
    lines = f'{scheme} a <{skos}ConceptScheme> ; <{skos}prefLabel> "Colours"@en .\n' + "".join(
        f"<{BASE}id/colour/{c}> <{skos}inScheme> {scheme} ; <{skos}topConceptOf> {scheme} ; "
        f'<{skos}prefLabel> "{c}"@en .\n'
        for c in ("red", "blue")
    )
    store.replace([SourceGraph(f"{BASE}graph/colours", lines)])
    page = create_app({"STORE": store, "BASE": BASE}).test_client().get("/doc/colour/.html").text
    assert re.findall(r"<h3[^>]*>(.*?)</h3>", page) == [
        "Concepts of Colours, also top concepts of Colours"
    ]
    assert "<h2>Linked from (2)</h2>" in page  # two concepts, each linking twice
    assert page.count('href="/id/colour/red"') == 1


def test_pages_name_their_parts_for_screen_readers(client: FlaskClient) -> None:
    speech = client.get("/doc/speech/fixture-1.html").text
    assert '<article class="speech" aria-labelledby="title">' in speech  # the speech's name
    seed = client.get("/doc/speech/3bf58de9457631b3.html").text
    tag = '<span aria-hidden="true">@da</span><span class="hidden">(Danish)</span>'
    assert tag in seed  # a language tag read as the language's name
    assert '<a href="/list/speech" aria-current="page">' not in speech
    listing = client.get("/list/speech").text
    assert '<a href="/list/speech" aria-current="page">Speeches</a>' in listing
    person = section(client.get(f"{PROLIFIC}.html").text)
    region = '<div class="scroll" role="region" tabindex="0" aria-labelledby="linked-1">'
    assert '<h3 id="linked-1">Speeches by Per Many</h3>' in person and region in person
    assert '<span class="hidden">Speech </span>100</a>' in person  # "Speech 100", not "100"
    failed = client.get("/sparql", query_string={"query": "SELEC ?x"}, headers=BROWSER)
    assert failed.status_code == 400
    assert "<title>Error in the query · SPARQL · speechld</title>" in failed.text
    assert 'aria-invalid="true" aria-describedby="query-error"' in failed.text
    assert '<p class="error" id="query-error" role="alert">' in failed.text
    answered = client.get("/sparql", query_string={"query": "ASK {}"}, headers=BROWSER).text
    assert "<title>Result: yes · SPARQL · speechld</title>" in answered
    assert "aria-invalid" not in answered


def test_a_things_uri_leads_to_the_page_of_its_document_asked_for(client: FlaskClient) -> None:
    moved = client.get(PROLIFIC.replace("/doc/", "/id/") + "?page=2", headers=BROWSER)
    assert moved.status_code == 303
    assert moved.headers["Location"] == f"{PROLIFIC}.html?page=2"
    assert client.get(PROLIFIC.replace("/doc/", "/id/") + "?page=0").status_code == 400
