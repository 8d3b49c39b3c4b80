"""The dataset's description for people (the VoID page) and for search engines (schema.org)."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDFS

from speechld.ingest import ingest
from speechld.store import EmbeddedStore
from speechld.vocab import ONTOLOGY, SHAPES
from speechld.web import create_app
from speechld.web.void import eu_language

from .paths import SEED
from .webdata import BASE

VOID = Namespace("http://rdfs.org/ns/void#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
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
    # no Last-Modified: the description changes with the dumps made and the server's
    # settings too, which the data's date does not tell (its ETag does)
    assert client.get("/.well-known/void.ttl").last_modified is None
    (shown,) = re.findall(r'<time datetime="([^"]+)">[^<]+ UTC</time>', html)
    assert datetime.fromisoformat(shown) == modified
    assert f'href="{void.value(DATASET, DCTERMS.source)}"' in html
    for example in void.objects(DATASET, VOID.exampleResource):
        assert f'href="/{str(example)[len(BASE) :]}"' in html
    conforms = set(void.objects(DATASET, DCTERMS.conformsTo))
    assert conforms == {URIRef(ONTOLOGY), URIRef(SHAPES)}  # the data's model and shapes
    assert void.value(URIRef(SHAPES), RDFS.seeAlso) == URIRef(BASE + "shapes")  # served here
    assert void.value(URIRef(ONTOLOGY), RDFS.seeAlso) == URIRef(BASE + "ontology")
    assert '<a href="/shapes">' in html
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


def count_of(client: FlaskClient, pattern: str) -> int:
    """The number of distinct ?s the pattern finds, asked of the app's SPARQL endpoint."""
    query = f"PREFIX sld: <{ONTOLOGY}#> SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {pattern} }}"
    accept = {"Accept": "application/sparql-results+json"}
    found = client.get("/sparql", query_string={"query": query}, headers=accept).json
    assert found is not None
    return int(found["results"]["bindings"][0]["n"]["value"])


def test_no_time_span_is_stated_while_many_speeches_are_undated(client: FlaskClient) -> None:
    speeches, dated = count_of(client, "?s a sld:Speech"), count_of(client, "?s sld:sitting ?d")
    assert 0 < dated < 0.9 * speeches  # the fixtures: most speeches have no day
    assert "temporalCoverage" not in schema_dataset(page(client, "/"))
    assert void_graph(client).value(DATASET, DCTERMS.temporal) is None
    assert f"<td>{dated} of {speeches} speeches dated</td>" in page(client, "/.well-known/void")


def test_the_time_span_of_dated_speeches_runs_from_the_first_sitting_to_the_last(
    tmp_path: Path,
) -> None:
    text = SEED.read_text(encoding="utf-8")
    later = tmp_path / "later.txt"  # the seed as another speech, a year later
    later.write_text(text.replace("\n211\n", "\n212\n").replace("31.10.12", "02.11.13"), "utf-8")
    store = EmbeddedStore(None)
    ingest(store, [SEED, later], BASE)
    client = create_app({"STORE": store, "BASE": BASE}).test_client()
    assert count_of(client, "?s a sld:Speech") == count_of(client, "?s sld:sitting ?d") == 2
    assert schema_dataset(page(client, "/"))["temporalCoverage"] == "2012-10-31/2013-11-02"
    void = void_graph(client)
    period = void.value(DATASET, DCTERMS.temporal)
    assert void.value(period, DCAT.startDate).toPython() == date(2012, 10, 31)  # type: ignore[union-attr]
    assert void.value(period, DCAT.endDate).toPython() == date(2013, 11, 2)  # type: ignore[union-attr]
    html = page(client, "/.well-known/void")
    assert re.search(r"<td>2 of 2 speeches dated, from <time[^>]*>31 October 2012</time> to ", html)


def test_every_rdf_format_served_is_a_void_feature(client: FlaskClient) -> None:
    features = set(void_graph(client).objects(DATASET, VOID.feature))
    names = {"Turtle", "JSON-LD", "N-Triples", "RDF_XML", "N-Quads", "TriG"}
    assert features == {URIRef(f"http://www.w3.org/ns/formats/{name}") for name in names}
    assert client.get("/graph/vocabulary.trig").status_code == 200  # where TriG is served


def test_the_catalogue_names_its_publisher_and_contact_as_the_server_was_told(
    web_data: EmbeddedStore,
) -> None:
    config = {"PUBLISHER": "Nordic Archive", "PUBLISHER_URL": "https://archive.example.org/"}
    app = create_app(
        {"STORE": web_data, "BASE": BASE, "CONTACT": "data@archive.example.org"} | config
    )
    client = app.test_client()
    void = void_graph(client)
    catalog = URIRef(BASE + ".well-known/void#catalog")
    publisher = URIRef(BASE + ".well-known/void#publisher")
    assert void.value(catalog, DCAT.dataset) == DATASET
    assert void.value(catalog, DCTERMS.publisher) == void.value(DATASET, DCTERMS.publisher)
    assert void.value(DATASET, DCTERMS.publisher) == publisher
    assert str(void.value(publisher, FOAF.name)) == "Nordic Archive"
    assert void.value(publisher, FOAF.homepage) == URIRef("https://archive.example.org/")
    contact = void.value(DATASET, DCAT.contactPoint)
    assert void.value(contact, VCARD.hasEmail) == URIRef("mailto:data@archive.example.org")
    html = page(client, "/.well-known/void")
    assert '<a href="mailto:data@archive.example.org">data@archive.example.org</a>' in html
    assert '<a href="https://archive.example.org/">Nordic Archive</a>' in html
    assert schema_dataset(html)["publisher"]["name"] == "Nordic Archive"
    footer = '<a href="https://archive.example.org/">Nordic Archive</a> with speechld'
    assert f"by {footer}" in page(client, "/")


def test_without_a_publisher_none_is_claimed(client: FlaskClient) -> None:
    void = void_graph(client)
    assert void.value(DATASET, DCTERMS.publisher) is None
    assert void.value(DATASET, DCAT.contactPoint) is None
    catalog = URIRef(BASE + ".well-known/void#catalog")
    assert void.value(catalog, DCTERMS.title) == void.value(DATASET, DCTERMS.title)
    assert set(void.objects(catalog, DCAT.service)) == set(void.objects(None, DCAT.accessService))
    assert void.value(catalog, DCTERMS.modified) == void.value(DATASET, DCTERMS.modified)
    theme = void.value(DATASET, DCAT.theme)
    assert str(theme).startswith(str(void.value(catalog, DCAT.themeTaxonomy)) + "/")


def test_the_dataset_states_the_languages_its_texts_are_in(client: FlaskClient) -> None:
    query = "SELECT DISTINCT ?l WHERE { ?s <http://purl.org/dc/terms/language> ?l }"
    accept = {"Accept": "application/sparql-results+json"}
    found = client.get("/sparql", query_string={"query": query}, headers=accept).json
    assert found is not None
    used = {b["l"]["value"] for b in found["results"]["bindings"]} - {
        "http://id.loc.gov/vocabulary/iso639-2/und"
    }
    stated = {str(o) for o in void_graph(client).objects(DATASET, DCTERMS.language)}
    assert stated == {eu_language(iri) for iri in used} and used  # the seed's Norwegian
    assert stated == {"http://publications.europa.eu/resource/authority/language/NOB"}
    tags = {iri.rsplit("/", 1)[-1] for iri in used}
    assert set(schema_dataset(page(client, "/"))["inLanguage"]) == tags


def test_the_links_to_language_codes_are_a_linkset_of_their_count(client: FlaskClient) -> None:
    void = void_graph(client)
    (linkset,) = void.subjects(VOID.linkPredicate, DCTERMS.language)
    assert linkset in set(void.objects(DATASET, VOID.subset))
    languages = count_of(client, "?s <http://purl.org/dc/terms/language> ?o")
    links = void.value(linkset, VOID.triples).toPython()  # type: ignore[union-attr]
    assert links >= languages > 0  # counted as the graphs state them, a speech in two twice
    assert str(void.value(linkset, VOID.objectsTarget)).startswith("http://id.loc.gov/")


@pytest.mark.parametrize(
    ("path", "licensed"),
    [
        ("/.well-known/void.ttl", True),
        ("/dumps/speechld.nt.gz", True),
        ("/list/speech", True),
        ("/graph/vocabulary.ttl", True),
        ("/sparql?query=ASK%7B%7D", True),
        ("/ontology.ttl", False),  # the vocabulary's own licence, in its data
        ("/robots.txt", False),
    ],
)
def test_the_data_s_responses_link_its_licence(
    client: FlaskClient, path: str, licensed: bool
) -> None:
    with client.get(path) as response:
        assert response.status_code == 200
        link = response.headers.get("Link", "")
    license_link = '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
    assert (license_link in link) is licensed


def test_a_speech_document_links_its_licence_beside_its_other_formats(client: FlaskClient) -> None:
    speech = next(iter(void_graph(client).objects(DATASET, VOID.exampleResource)))
    response = client.get(str(speech)[len(BASE) - 1 :].replace("/id/", "/doc/", 1) + ".ttl")
    links = response.headers["Link"]
    assert 'rel="alternate"' in links and 'rel="license"' in links
    html = client.get(str(speech)[len(BASE) - 1 :].replace("/id/", "/doc/", 1) + ".html").text
    assert '<a rel="license" href="https://creativecommons.org/licenses/by/4.0/">' in html


def test_every_distribution_says_what_it_holds_and_the_dumps_their_file_type(
    client: FlaskClient,
) -> None:
    void = void_graph(client)
    distributions = set(void.objects(DATASET, DCAT.distribution))
    assert len(distributions) == 4  # three dumps and the endpoint
    for distribution in distributions:
        said = void.value(distribution, DCTERMS.description)
        assert said is not None and said.language == "en"  # type: ignore[attr-defined]
    quads = URIRef(BASE + ".well-known/void#dump-nq")
    assert "every source page's named graph" in str(void.value(quads, DCTERMS.description))
    assert void.value(quads, DCTERMS.format) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/RDF_N_QUADS"
    )
