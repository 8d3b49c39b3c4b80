"""Every RDF format of every kind of document, parsed back with rdflib, is isomorphic to the
same document in Turtle; and JSON-LD states exactly the N-Triples' literals."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pyoxigraph as ox
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


def canonical(quads: Iterable[ox.Quad]) -> set[ox.Quad]:
    """The statements with their blank nodes named canonically, literals as they are."""
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


@pytest.mark.parametrize("path", DOCUMENTS)
def test_jsonld_keeps_every_literal_as_written(client: FlaskClient, path: str) -> None:
    # pyoxigraph keeps lexical forms ("Z" stays "Z", "0012" stays "0012"), rdflib does not
    document = json.loads(client.get(with_suffix(path, "jsonld")).data)
    document["@context"] = client.get("/context.jsonld").get_json()["@context"]
    expanded = ox.parse(json.dumps(document).encode("utf-8"), format=ox.RdfFormat.JSON_LD)
    ntriples = client.get(with_suffix(path, "nt")).data
    reference = canonical(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    assert canonical(expanded) == reference


def test_jsonld_uses_the_short_names_of_plain_string_properties(client: FlaskClient) -> None:
    document = client.get(with_suffix("/doc/speech/fixture-1", "jsonld")).get_json()
    speech = next(n for n in document["@graph"] if n["@id"].endswith("/fixture-1"))
    assert speech["speakerRole"] == "Nordisk Grøn Venstre"
    assert speech["typeLabel"] == "Replik"
    assert speech["dateTime"] == "2019-10-30T10:15:00"
    concept = client.get(with_suffix("/doc/type/reply", "jsonld")).get_json()["@graph"][0]
    assert concept["dcterms:modified"] == {
        "@value": "2019-10-31T00:59:23Z",
        "@type": "xsd:dateTime",
    }


@pytest.mark.parametrize("key", ["speech/fixture-1", "person/maria-holm", "type/reply"])
def test_jsonld_gives_the_document_topic_first(client: FlaskClient, key: str) -> None:
    nodes = client.get(f"/doc/{key}.jsonld").get_json()["@graph"]
    assert nodes[0]["@id"] == f"{BASE}id/{key}"
    assert len(nodes) > 2  # the topic among the descriptions of what it links to
