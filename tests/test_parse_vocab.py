"""The SKOS vocabularies in ontology/: well formed, relative to the base, one key a label."""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from speechld.parse.concepts import FILES, read_vocabulary, vocabulary
from speechld.parse.roles import function_of, party_group_of

from .conftest import ROOT

ORG = Namespace("http://www.w3.org/ns/org#")
LANGUAGES = {"da", "sv", "nb", "nn", "fi", "is", "en"}
BASE = "https://data.example.org/nordic/"


def scheme_graph(name: str) -> Graph:
    """A vocabulary file parsed the way the dataset parses it: with its URI base."""
    text = (ROOT / "ontology" / FILES[name]).read_text(encoding="utf-8")
    assert "@base" not in text and "http://127.0.0.1" not in text
    return Graph().parse(data=text, format="turtle", publicID=BASE)


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_concept_is_complete_and_relative_to_the_base(name: str) -> None:
    graph = scheme_graph(name)
    scheme = URIRef(f"{BASE}id/{name}/")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert concepts == set(graph.objects(scheme, SKOS.hasTopConcept))
    assert concepts == set(graph.subjects(SKOS.inScheme, scheme))
    for concept in concepts:
        key = str(concept).removeprefix(f"{BASE}id/{name}/")
        assert list(graph.objects(concept, SKOS.notation)) == [Literal(key)]
        preferred = graph.objects(concept, SKOS.prefLabel)
        languages = sorted(
            label.language or "" for label in preferred if isinstance(label, Literal)
        )
        assert languages == sorted(LANGUAGES), concept
        definitions = list(graph.objects(concept, SKOS.definition))
        assert [d.language for d in definitions if isinstance(d, Literal)] == ["en"], concept


def test_party_groups_are_organisations_except_the_non_attached() -> None:
    graph = scheme_graph("group")
    organisations = {str(s).rsplit("/", 1)[1] for s in graph.subjects(RDF.type, ORG.Organization)}
    assert set(vocabulary("group").keys) - organisations == {"non-attached"}


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_parser_tables_are_the_vocabulary_labels(name: str) -> None:
    graph = scheme_graph(name)
    labels = {
        str(label)
        for concept in graph.subjects(RDF.type, SKOS.Concept)
        for predicate in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
        for label in graph.objects(concept, predicate)
    }
    table = vocabulary(name)
    assert all(table.key_of(label) in table.keys for label in labels)
    assert len(table.labels) == len({label.casefold() for label in labels})


def test_a_label_naming_two_concepts_is_refused() -> None:
    turtle = b"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <id/type/a> skos:inScheme <id/type/> ; skos:notation "a" ; skos:prefLabel "Replik"@da .
    <id/type/b> skos:inScheme <id/type/> ; skos:notation "b" ; skos:altLabel "replik"@sv ."""
    with pytest.raises(ValueError, match="names a and b"):
        read_vocabulary("type", turtle)


@pytest.mark.parametrize(
    ("role", "group", "function"),
    [
        ("Den Konservative Gruppes talsperson", "conservative", "spokesperson"),
        ("Talesperson för Socialdemokratiska gruppen", "social-democratic", "spokesperson"),
        ("NGV-gruppens talsperson", "nordic-green-left", "spokesperson"),
        ("Vänstersocialistiska gröna gruppens talesperson", "nordic-green-left", "spokesperson"),
        ("Nordisk Frhed", "nordic-freedom", None),
        ("Utan partigruppstillhörighet", "non-attached", None),
        ("Udvalget for Kultur og Uddannelses talsperson", None, "spokesperson"),
        ("Fungerende statsminister (samarbejdsminister), Danmark", None, "prime-minister"),
        ("Samarbejds- og Fiskeriminister, Færøerne", None, "minister"),
        ("Valgkomiteens næstformand", None, "vice-chair"),
        ("President of the Baltic Assembly, Estonia", None, "president"),
        ("Taler som repræsentant for Island", None, None),
    ],
)
def test_roles_name_groups_and_functions(role: str, group: str | None, function: str) -> None:
    assert (party_group_of(role), function_of(role)) == (group, function)
