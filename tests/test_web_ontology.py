"""The ontology's documentation page: every term with its names, alignments and schemes."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient
from rdflib import OWL, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, SKOS

from speechld.vocab import ONTOLOGY

from .webdata import repo_file

RDFLIB_NAMES = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ALIGNED_BY = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    SKOS.closeMatch,
    SKOS.exactMatch,
)


def ontology_page(client: FlaskClient) -> str:
    response = client.get("/ontology", headers={"Accept": BROWSER})
    assert response.status_code == 200
    return response.text


def section(page: str, name: str) -> str:
    """The part of the page documenting one term."""
    found = re.search(rf'<section class="term" id="{name}">(.*?)</section>', page, re.S)
    assert found, name
    return found.group(1)


def test_each_term_shows_its_alignments_and_its_names_in_other_languages(
    client: FlaskClient,
) -> None:
    page, source = ontology_page(client), Graph().parse(repo_file("ontology/speechld.ttl"))
    checked = 0
    for subject in set(source.subjects(RDFS.label, None)):
        if not str(subject).startswith(ONTOLOGY + "#"):
            continue
        shown = section(page, str(subject).split("#", 1)[1])
        for predicate in ALIGNED_BY:
            for target in source.objects(subject, predicate):
                ours = f'href="/ontology#{str(target).split("#")[-1]}"'  # our terms link here
                assert f'href="{target}"' in shown or ours in shown, (subject, target)
                checked += 1
        for label in source.objects(subject, RDFS.label):
            assert isinstance(label, Literal)
            if label.language in {"da", "sv", "nb"}:
                assert f'<span lang="{label.language}">{label}</span>' in shown
    assert checked > 20
    speech = section(page, "Speech")
    assert "See also" in speech and "lpv_eu:Speech" in speech
    assert "schema:CreativeWork" in speech


def test_page_names_licence_creator_and_lists_classes_apart_from_properties(
    client: FlaskClient,
) -> None:
    page, source = ontology_page(client), Graph().parse(repo_file("ontology/speechld.ttl"))
    ontology = URIRef(ONTOLOGY)
    assert f'<a rel="license" href="{source.value(ontology, DCTERMS.license)}">' in page
    creator = source.value(source.value(ontology, DCTERMS.creator), FOAF.name)
    assert creator and f"<td>{creator}</td>" in page
    contents = page.split('<nav class="toc" aria-label="Contents">', 1)[1].split("</nav>", 1)[0]
    classes = contents.split("<h3>Classes</h3>", 1)[1].split("<h3>Properties</h3>", 1)[0]
    properties = contents.split("<h3>Properties</h3>", 1)[1].split("<h3>", 1)[0]
    assert 'href="#Speech"' in classes and 'href="#speaker"' not in classes
    assert 'href="#speaker"' in properties and 'href="#Speech"' not in properties


def test_classes_of_concepts_link_their_schemes(client: FlaskClient) -> None:
    page = ontology_page(client)
    for name, scheme in (("SpeechType", "type"), ("PartyGroup", "group"), ("Function", "function")):
        assert f'<a href="/id/{scheme}/">' in section(page, name)
        answer = client.get(f"/id/{scheme}/", headers={"Accept": BROWSER})
        assert answer.status_code == 303


def test_the_current_version_is_served_at_its_version_path_and_says_what_changed(
    client: FlaskClient,
) -> None:
    source = Graph().parse(repo_file("ontology/speechld.ttl"), format="turtle")
    version = str(source.value(URIRef(ONTOLOGY), OWL.versionInfo))
    answer = client.get(f"/ontology/{version}.ttl")
    assert answer.status_code == 200 and answer.mimetype == "text/turtle"
    served = Graph().parse(data=answer.text, format="turtle")
    assert served.value(URIRef(ONTOLOGY), OWL.versionIRI) == source.value(
        URIRef(ONTOLOGY), OWL.versionIRI
    )
    older = client.get("/ontology/0.1.0", headers={"Accept": "text/plain"})
    assert older.status_code == 404 and f"the current version, {version}," in older.text
    page = client.get("/ontology", headers={"Accept": "text/html"}).text
    assert f"<code>{source.value(URIRef(ONTOLOGY), OWL.versionIRI)}</code>" in page
    notes = re.findall(r"<li>([0-9.]+): ", page)
    assert notes[0] == version and len(notes) == len(list(source.objects(None, SKOS.changeNote)))


@pytest.mark.parametrize("suffix", ["ttl", "nt", "jsonld", "rdf"])
def test_the_shapes_are_served_as_published_in_every_format(
    client: FlaskClient, suffix: str
) -> None:
    response = client.get(f"/shapes.{suffix}")
    assert response.status_code == 200
    data: bytes | str = response.data
    if suffix == "jsonld":  # names our context by URL: the one served here stands in
        document = json.loads(data)
        document["@context"] = client.get("/context.jsonld").get_json()["@context"]
        data = json.dumps(document)
    served = Graph().parse(data=data, format=RDFLIB_NAMES[suffix])
    published = Graph().parse(repo_file("ontology/shapes.ttl"), format="turtle")
    assert isomorphic(served, published)
    assert ('rel="alternate"' in response.headers.get("Link", "")) is (suffix != "jsonld")


def test_the_shapes_page_shows_their_turtle_and_is_linked_from_the_ontology(
    client: FlaskClient,
) -> None:
    page = client.get("/shapes", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert (
        "sldsh:" in page.text
        and "&lt;https://w3id.org/speechld/shapes&gt; a owl:Ontology" in page.text
    )
    assert '<a href="/shapes">SHACL shapes</a>' in client.get("/ontology.html").text
    assert (
        client.get("/shapes", headers={"Accept": "text/turtle"}).headers["Content-Location"]
        == "/shapes.ttl"
    )
    assert client.get("/shapes.xyz").status_code == 404
