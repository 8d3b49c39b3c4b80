"""Content negotiation, table-driven: what each Accept header gets from a thing's URI and
from its document (status, Content-Type, Vary, Location / Content-Location)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
SAFARI = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDFLIB = (
    "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, "
    "application/n-quads, application/trix, application/trig"
)
THING = "/id/person/maria-holm"
DOC = "/doc/person/maria-holm"

# Accept header (None: no header at all) -> suffix of the document served, None for 406.
CASES: list[tuple[str | None, str | None]] = [
    (None, "ttl"),
    ("*/*", "html"),
    (FIREFOX, "html"),
    (CHROME, "html"),
    (SAFARI, "html"),
    ("text/html", "html"),
    ("application/xhtml+xml", "html"),
    ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
    ("application/n-triples", "nt"),
    ("text/plain", "nt"),
    ("application/rdf+xml", "rdf"),
    ("text/n3", "ttl"),
    ("application/x-turtle", "ttl"),
    ("application/xml", "rdf"),
    ("text/xml", "rdf"),
    (RDFLIB, "ttl"),  # all equally preferred: our order decides
    ("text/turtle;q=0.5, application/rdf+xml;q=0.9", "rdf"),
    ("application/ld+json;q=0.1, text/turtle;q=0.2", "ttl"),
    ("application/n-triples, text/turtle;q=0.9, */*;q=0.1", "nt"),
    ("text/*;q=0.5, application/ld+json", "jsonld"),
    ("text/turtle, */*;q=0.1", "ttl"),
    ("application/rdf+xml;q=0, */*", "html"),
    ("image/png", None),
    ("application/pdf, image/*", None),
    ("text/turtle;q=0", None),
    ("application/sparql-results+json", None),
    # Parameters other than q do not stop a media range from matching.
    ("text/turtle; charset=utf-8", "ttl"),
    ('application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"', "jsonld"),
    ("text/html;level=1", "html"),
    ("text/turtle;charset=utf-8;q=0.2, application/rdf+xml;q=0.5", "rdf"),
    ("application/n-triples;charset=utf-8, text/turtle;q=0.9", "nt"),
    ("text/turtle;charset=utf-8;q=0", None),
    ("image/png;q=1", None),
    # The most specific range decides (RFC 9110, 12.5.1), and a wildcard matches the type a
    # format is sent as, not its other names (text/plain, application/xhtml+xml).
    ("text/*;q=0.9, text/html;q=0, text/turtle;q=0", None),
    ("text/*, text/html;q=0.1", "ttl"),
    (
        "application/*, application/ld+json;q=0, application/n-triples;q=0, "
        "application/rdf+xml;q=0",
        None,
    ),
    ("application/*;q=0.5, application/rdf+xml;q=0", "jsonld"),
    ("text/n3;q=0.8, text/turtle;q=0", None),
    ("*/*;q=0.1, text/plain", "nt"),
    ("*", "html"),  # old Java clients
    ("text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2", "html"),  # Java's default
    ("TEXT/TURTLE", "ttl"),
]
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples; charset=utf-8",
    "rdf": "application/rdf+xml; charset=utf-8",
}


def vary(header: str) -> set[str]:
    return {name.strip() for name in header.split(",")}


def headers(accept: str | None) -> dict[str, str]:
    return {"Accept": accept} if accept is not None else {}


@pytest.mark.parametrize(("accept", "suffix"), CASES)
def test_thing_uri_redirects_to_the_negotiated_document(
    client: FlaskClient, accept: str | None, suffix: str | None
) -> None:
    response = client.get(THING, headers=headers(accept))
    assert "Accept" in vary(response.headers.get("Vary", ""))
    if suffix is None:
        assert response.status_code == 406
        return
    assert response.status_code == 303
    assert response.headers["Location"] == f"{DOC}.{suffix}"


@pytest.mark.parametrize(("accept", "suffix"), CASES)
def test_document_answers_in_the_negotiated_format(
    client: FlaskClient, accept: str | None, suffix: str | None
) -> None:
    response = client.get(DOC, headers=headers(accept))
    assert "Accept" in vary(response.headers.get("Vary", ""))
    if suffix is None:
        assert response.status_code == 406
        assert "text/turtle" in response.text
        return
    assert response.status_code == 200
    assert response.headers["Content-Type"] == MEDIA_TYPES[suffix]
    assert response.headers["Content-Location"] == f"{DOC}.{suffix}"


@pytest.mark.parametrize("suffix", list(MEDIA_TYPES))
@pytest.mark.parametrize("accept", ["image/png", "text/html", None])
def test_format_urls_ignore_accept(client: FlaskClient, suffix: str, accept: str | None) -> None:
    response = client.get(f"{DOC}.{suffix}", headers=headers(accept))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == MEDIA_TYPES[suffix]
    assert "Content-Location" not in response.headers
    assert "Accept" not in vary(response.headers.get("Vary", ""))


@pytest.mark.parametrize(
    ("path", "accept", "status"),
    [
        ("/id/person/nobody", "text/turtle", 404),
        ("/id/person/nobody", FIREFOX, 404),
        ("/id/person/nobody", "image/png", 404),
        ("/doc/person/nobody.ttl", None, 404),
        ("/doc/person/nobody", FIREFOX, 404),
        ("/id/person/a%3Eb", "text/turtle", 404),
    ],
)
def test_unknown_things_are_404_whatever_the_accept(
    client: FlaskClient, path: str, accept: str | None, status: int
) -> None:
    response = client.get(path, headers=headers(accept))
    assert response.status_code == status
    if accept == FIREFOX:
        assert response.mimetype == "text/html"
        assert "home page" in response.text


@pytest.mark.parametrize(
    ("path", "accept", "content_location"),
    [
        ("/.well-known/void", "text/turtle", "/.well-known/void.ttl"),
        ("/.well-known/void", FIREFOX, "/.well-known/void.html"),
        ("/.well-known/void", "application/ld+json", "/.well-known/void.jsonld"),
        ("/ontology", "application/rdf+xml", "/ontology.rdf"),
        ("/ontology", CHROME, "/ontology.html"),
        ("/ontology", None, "/ontology.ttl"),
    ],
)
def test_void_and_ontology_negotiate_too(
    client: FlaskClient, path: str, accept: str | None, content_location: str
) -> None:
    response = client.get(path, headers=headers(accept))
    assert response.status_code == 200
    assert response.headers["Content-Location"] == content_location
    assert "Accept" in vary(response.headers["Vary"])


@pytest.mark.parametrize(
    ("path", "what"), [("/.well-known/void", "VoID description"), ("/ontology", "ontology")]
)
def test_void_and_ontology_name_their_other_formats_and_refuse_unknown_suffixes(
    client: FlaskClient, path: str, what: str
) -> None:
    response = client.get(f"{path}.nt")
    assert response.status_code == 200 and "Content-Location" not in response.headers
    alternates = response.headers["Link"]
    assert f'<{path}.ttl>; rel="alternate"; type="text/turtle"' in alternates
    assert f"{path}.nt>" not in alternates  # not itself
    missing = client.get(f"{path}.docx", headers=headers("text/plain"))
    assert missing.status_code == 404
    assert f"{what} is not served in a format with suffix .docx" in missing.text
