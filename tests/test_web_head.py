"""What every HTML page says about itself in its head and frame, and what crawlers fetch."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from rdflib import Graph

from .webdata import BASE, local_path

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SPEECH = f"{BASE}id/speech/fixture-1"
PAGES = [
    "/",
    "/list/speech",
    "/list/speech?page=2",
    local_path(SPEECH).replace("/id/", "/doc/") + ".html",
    "/doc/person/per-many?page=2",
    "/.well-known/void",
    "/ontology",
    "/sparql",
    "/dumps/",
    "/graph/fixture.html",
]
Tag = tuple[str, dict[str, str]]


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the text of its <title>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[Tag] = []
        self.title, self.in_title = "", False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self.in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data


def parsed(client: FlaskClient, path: str, status: int = 200) -> Tags:
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == status, path
    tags = Tags()
    tags.feed(response.text)
    return tags


def links(tags: Tags, rel: str) -> list[dict[str, str]]:
    return [a for t, a in tags.tags if t == "link" and rel in a.get("rel", "").split()]


def meta(tags: Tags, name: str) -> list[str]:
    return [a["content"] for t, a in tags.tags if t == "meta" and a.get("name") == name]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_says_what_it_is_and_where_it_lives(client: FlaskClient, path: str) -> None:
    tags = parsed(client, path)
    (description,) = meta(tags, "description")
    assert len(description) > 20 and "{" not in description
    (canonical,) = links(tags, "canonical")
    assert canonical["href"].startswith(BASE) and ".html" not in canonical["href"]
    assert links(tags, "icon") == [
        {"rel": "icon", "href": "/static/favicon.svg", "type": "image/svg+xml"}
    ]
    assert tags.title.endswith(" · speechld") or tags.title.startswith("speechld ontology")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_skip_link_and_labelled_navigation(client: FlaskClient, path: str) -> None:
    tags = parsed(client, path)
    navs = [a for t, a in tags.tags if t == "nav"]
    assert navs and all(a.get("aria-label") for a in navs), navs
    assert ("a", {"class": "skip", "href": "#main"}) in tags.tags
    assert any(t == "main" and a.get("id") == "main" for t, a in tags.tags)


def test_a_document_in_every_format_and_its_thing_share_one_canonical_url(
    client: FlaskClient,
) -> None:
    document = local_path(SPEECH).replace("/id/", "/doc/")
    for path in (document, document + ".html"):
        (canonical,) = links(parsed(client, path), "canonical")
        assert canonical["href"] == BASE + document.lstrip("/")
    assert client.get(local_path(SPEECH), headers={"Accept": BROWSER}).status_code == 303
    (second,) = links(parsed(client, "/list/speech.html?page=2"), "canonical")
    assert second["href"] == f"{BASE}list/speech?page=2"


def test_error_pages_ask_not_to_be_indexed(client: FlaskClient) -> None:
    tags = parsed(client, "/doc/speech/no-such-speech", 404)
    assert meta(tags, "robots") == ["noindex"] and not links(tags, "canonical")
    assert "names nothing" in meta(tags, "description")[0]


def test_home_and_later_pages_say_what_they_are_in_their_titles(client: FlaskClient) -> None:
    assert parsed(client, "/").title == "Nordic Council plenary speeches as Linked Data · speechld"
    assert parsed(client, "/list/speech?page=2").title == "Speeches, page 2 · speechld"
    assert parsed(client, "/list/speech").title == "Speeches · speechld"


def test_paged_pages_name_their_neighbours_in_the_head(client: FlaskClient) -> None:
    middle = parsed(client, "/list/speech?page=2")
    assert [a["href"] for a in links(middle, "prev")] == ["/list/speech"]
    assert [a["href"] for a in links(middle, "next")] == ["/list/speech?page=3"]
    first = parsed(client, "/doc/person/per-many")
    assert not links(first, "prev") and links(first, "next")


def test_list_pages_link_their_rdf(client: FlaskClient) -> None:
    page = client.get("/list/speech?page=2", headers={"Accept": BROWSER}).text
    alternates = {
        a["type"]: a["href"] for a in links(parsed(client, "/list/speech?page=2"), "alternate")
    }
    assert alternates["text/turtle"] == "/list/speech.ttl?page=2"
    assert '<a href="/list/speech.jsonld?page=2" type="application/ld+json">JSON-LD</a>' in page
    turtle = Graph().parse(data=client.get(alternates["text/turtle"]).text, format="turtle")
    assert len(turtle) > 10


def test_favicon_is_served_where_browsers_look(client: FlaskClient) -> None:
    for path in ("/favicon.ico", "/static/favicon.svg"):
        with client.get(path) as response:
            assert response.status_code == 200 and response.mimetype == "image/svg+xml"
            assert ET.fromstring(response.data).tag == "{http://www.w3.org/2000/svg}svg"


def test_robots_allow_crawling_and_name_the_sitemap(client: FlaskClient) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.text.splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines and "Disallow: /" not in lines
    assert f"Sitemap: {BASE}sitemap.xml" in lines


def test_sitemap_lists_every_page_of_every_list(client: FlaskClient) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [e.text or "" for e in ET.fromstring(response.data).findall("s:url/s:loc", ns)]
    assert f"{BASE}list/speech?page=3" in urls and f"{BASE}list/person" in urls
    for url in urls:
        assert url.startswith(BASE)
        answer = client.get("/" + url[len(BASE) :], headers={"Accept": BROWSER})
        assert answer.status_code == 200, url
        assert re.search(r"<html", answer.text)


def test_a_speech_page_is_described_by_its_speaker_type_and_date(client: FlaskClient) -> None:
    speech = parsed(client, local_path(SPEECH).replace("/id/", "/doc/") + ".html")
    (described,) = meta(speech, "description")
    assert described.startswith(speech.title.removesuffix(" · speechld"))
    assert "a speech in the Nordic Council" in described
    person = parsed(client, "/doc/person/per-many?page=2")
    assert person.title == "Per Many, page 2 · speechld"
    assert "with 25 linked resources" in meta(person, "description")[0]


def test_a_method_http_does_not_define_is_501_and_a_known_one_405(client: FlaskClient) -> None:
    unknown = client.open("/", method="FOO", headers={"Accept": "text/plain"})
    assert unknown.status_code == 501 and "FOO" in unknown.text
    assert client.delete("/").status_code == 405


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("*/*", "text/plain"),  # curl's
        ("", "text/plain"),
        ("text/turtle", "text/plain"),  # an RDF client
        ("application/json", "application/json"),
        ("application/json, text/plain, */*", "application/json"),  # axios's, Angular's
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ],
)
def test_an_error_is_a_page_for_browsers_and_text_for_other_clients(
    client: FlaskClient, accept: str, media_type: str
) -> None:
    response = client.get("/doc/speech/no-such-speech.ttl", headers={"Accept": accept})
    assert response.status_code == 404 and response.mimetype == media_type
    assert "names nothing" in response.text
