"""The dataset's description for people (the VoID page) and for search engines (schema.org)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS

from speechld.vocab import ONTOLOGY

from .webdata import BASE

VOID = Namespace("http://rdfs.org/ns/void#")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
DATASET = URIRef(BASE + ".well-known/void#dataset")


def void_graph(client: FlaskClient) -> Graph:
    return Graph().parse(data=client.get("/.well-known/void.ttl").text, format="turtle")


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 200
    return response.text


def schema_dataset(html: str) -> dict[str, Any]:
    """The page's one schema.org JSON-LD data block."""
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    found: dict[str, Any] = json.loads(block)
    return found


def test_void_page_shows_what_its_turtle_says(client: FlaskClient) -> None:
    html, void = page(client, "/.well-known/void"), void_graph(client)
    assert '<section id="dataset">' in html  # /graph/dataset links to .well-known/void#dataset
    license_uri = str(void.value(DATASET, DCTERMS.license))
    assert f'<a rel="license" href="{license_uri}">' in html and "CC BY 4.0" in html
    modified = void.value(DATASET, DCTERMS.modified).toPython()  # type: ignore[union-attr]
    (shown,) = re.findall(r'<time datetime="([^"]+)">[^<]+ UTC</time>', html)
    assert datetime.fromisoformat(shown) == modified
    assert f'href="{void.value(DATASET, DCTERMS.source)}"' in html
    for example in void.objects(DATASET, VOID.exampleResource):
        assert f'href="/{str(example)[len(BASE) :]}"' in html
    assert void.value(DATASET, DCTERMS.conformsTo) == URIRef(ONTOLOGY)  # the data's model
    vocabularies = list(void.objects(DATASET, VOID.vocabulary))
    assert len(vocabularies) > 5
    for namespace in vocabularies:
        assert f">{namespace}</a>" in html
    # classes of two vocabularies with one label are told apart by their prefixed names
    assert ">Person</a> <small><code>schema:Person</code></small>" in html
    assert ">Person</a> <small><code>foaf:Person</code></small>" in html
    assert "<code>void:Dataset</code></small>" not in html  # no label but the name


def test_void_page_counts_in_words_that_agree_with_the_number(client: FlaskClient) -> None:
    html = page(client, "/.well-known/void")
    assert re.search(r">1 entity<", html)  # one void:Dataset
    assert not re.search(r"\b1 (entities|triples)\b", html)
    assert not re.search(r"\b(?!1\b)[\d,]+ (entity|triple)\b", html)


@pytest.mark.parametrize("path", ["/", "/.well-known/void"])
def test_dataset_for_search_engines_agrees_with_the_void(client: FlaskClient, path: str) -> None:
    described, void = schema_dataset(page(client, path)), void_graph(client)
    assert described["@context"] == "https://schema.org/" and described["@type"] == "Dataset"
    assert described["@id"] == str(DATASET) and described["url"] == BASE
    assert described["name"] == str(void.value(DATASET, DCTERMS.title))
    assert described["description"] == str(void.value(DATASET, DCTERMS.description))
    assert described["license"] == str(void.value(DATASET, DCTERMS.license))
    assert described["isBasedOn"] == str(void.value(DATASET, DCTERMS.source))
    modified = void.value(DATASET, DCTERMS.modified).toPython()  # type: ignore[union-attr]
    assert datetime.fromisoformat(described["dateModified"]) == modified
    dumps = {d["contentUrl"]: d["encodingFormat"] for d in described["distribution"]}
    assert set(dumps) == {str(u) for u in void.objects(DATASET, VOID.dataDump)}
    assert dumps[BASE + "dumps/speechld.nq.gz"] == "application/n-quads"
    assert "creator" not in described and "publisher" not in described  # the data names none


def test_temporal_coverage_spans_the_sittings(client: FlaskClient) -> None:
    sittings = client.get("/list/sitting.ttl").text
    days = sorted(re.findall(r"/id/sitting/(\d{4}-\d\d-\d\d)>", sittings))
    assert days
    start, end = schema_dataset(page(client, "/"))["temporalCoverage"].split("/")
    assert (date.fromisoformat(start), date.fromisoformat(end)) == (
        date.fromisoformat(days[0]),
        date.fromisoformat(days[-1]),
    )


def test_every_rdf_format_served_is_a_void_feature(client: FlaskClient) -> None:
    features = set(void_graph(client).objects(DATASET, VOID.feature))
    names = {"Turtle", "JSON-LD", "N-Triples", "RDF_XML", "N-Quads", "TriG"}
    assert features == {URIRef(f"http://www.w3.org/ns/formats/{name}") for name in names}
    assert client.get("/graph/vocabulary.trig").status_code == 200  # where TriG is served
