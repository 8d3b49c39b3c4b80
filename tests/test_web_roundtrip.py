"""Every RDF format of every kind of document, parsed back with rdflib, is isomorphic to the
same document in Turtle."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from rdflib import Graph
from rdflib.compare import isomorphic

from speechld.formats import DOCUMENT_FORMATS
from speechld.store import EmbeddedStore

from .webdata import BASE, local_path, seed_speech

RDFLIB_NAMES = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}
DOCUMENTS = [
    "/doc/speech/fixture-1",  # a speech with a translation resource and a blank node
    "/doc/speech/fixture-1/translation/sv",  # a part of a speech
    "/doc/person/maria-holm",
    "/doc/person/per-many",  # first page of many inverse links
    "/doc/person/per-many?page=2",
    "/doc/group/ngv",
    "/doc/group/",  # a SKOS scheme
    "/doc/type/reply",
    "/graph/fixture",  # a named graph, at its own name
    "/graph/vocabulary",
    "/.well-known/void",
    "/ontology",
    "/list/speech?page=2",  # a page of a list, as a Hydra collection
]


def with_suffix(path: str, suffix: str) -> str:
    """A document path in one format: the suffix goes before the query."""
    stem, _, query = path.partition("?")
    return stem + "." + suffix + ("?" + query if query else "")


def parse(client: FlaskClient, path: str, suffix: str) -> Graph:
    response = client.get(with_suffix(path, suffix))
    assert response.status_code == 200, (path, suffix, response.text)
    data = response.data
    if suffix == "jsonld":
        # The document names our context by URL; the context served here stands in for it.
        document = json.loads(data)
        assert document["@context"] == BASE + "context.jsonld"
        document["@context"] = client.get("/context.jsonld").get_json()["@context"]
        data = json.dumps(document).encode("utf-8")
    return Graph().parse(data=data, format=RDFLIB_NAMES[suffix])


@pytest.mark.parametrize("path", DOCUMENTS)
@pytest.mark.parametrize("suffix", [f.suffix for f in DOCUMENT_FORMATS if f.rdf is not None])
def test_round_trip(client: FlaskClient, path: str, suffix: str) -> None:
    reference = parse(client, path, "ttl")
    assert len(reference) > 3
    assert isomorphic(parse(client, path, suffix), reference)


def test_seed_speech_round_trips(client: FlaskClient, web_data: EmbeddedStore) -> None:
    path = local_path(seed_speech(web_data)).replace("/id/", "/doc/", 1)
    reference = parse(client, path, "ttl")
    for suffix in ("jsonld", "nt", "rdf"):
        assert isomorphic(parse(client, path, suffix), reference)
