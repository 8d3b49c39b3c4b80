"""The SKOS vocabularies in ontology/: well formed, relative to the base, one key a label."""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from speechld.mapper import NON_ATTACHED
from speechld.parse.concepts import FILES, normalise, read_vocabulary, vocabulary
from speechld.parse.roles import function_of, party_group_of
from speechld.vocab import ORG, SLD

from .paths import ROOT

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


def keys_of(graph: Graph, kind: URIRef) -> set[str]:
    """The notations of the concepts of a given class."""
    return {str(graph.value(s, SKOS.notation)) for s in graph.subjects(RDF.type, kind)}


def test_party_groups_are_organisations_except_the_non_attached() -> None:
    graph = scheme_graph("group")
    groups = keys_of(graph, SLD.PartyGroup)
    assert keys_of(graph, ORG.Organization) == groups
    assert set(vocabulary("group").keys) - groups == {NON_ATTACHED}


@pytest.mark.parametrize(
    ("name", "kind", "also"),
    [("type", SLD.SpeechType, None), ("function", SLD.Function, ORG.Role)],
)
def test_every_concept_has_its_schemes_class(name: str, kind: URIRef, also: URIRef | None) -> None:
    """Typed with our class, and with the established one a client without reasoning knows."""
    graph = scheme_graph(name)
    assert keys_of(graph, kind) == keys_of(graph, SKOS.Concept) == set(vocabulary(name).keys)
    if also is not None:
        assert keys_of(graph, also) == keys_of(graph, kind)


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_scheme_is_labelled_and_described(name: str) -> None:
    graph = scheme_graph(name)
    scheme = URIRef(f"{BASE}id/{name}/")
    preferred = [o for o in graph.objects(scheme, SKOS.prefLabel) if isinstance(o, Literal)]
    assert sorted(label.language or "" for label in preferred) == sorted(LANGUAGES)
    descriptions = [d for d in graph.objects(scheme, DCTERMS.description) if isinstance(d, Literal)]
    assert [d.language for d in descriptions] == ["en"]


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_parser_tables_are_the_vocabulary_labels(name: str) -> None:
    """Every label in the file names its own concept in the parser's table, and only those do."""
    graph = scheme_graph(name)
    labels: dict[str, str] = {}
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        key = str(graph.value(concept, SKOS.notation))
        for predicate in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
            for label in graph.objects(concept, predicate):
                labels[str(label)] = key
    table = vocabulary(name)
    assert {label: table.key_of(label) for label in labels} == labels
    assert sorted(table.keys) == sorted(set(labels.values()))
    assert set(table.labels.values()) == set(table.keys)
    assert len(table.labels) == len({normalise(label) for label in labels})


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_key_the_parser_can_produce_is_a_concept_of_its_scheme(name: str) -> None:
    """A key the parser records is minted as {base}id/{name}/{key}: that concept must exist."""
    graph = scheme_graph(name)
    scheme = URIRef(f"{BASE}id/{name}/")
    for key in vocabulary(name).keys:
        concept = URIRef(f"{BASE}id/{name}/{key}")
        assert (concept, SKOS.inScheme, scheme) in graph, key
        assert (concept, RDF.type, SKOS.Concept) in graph, key


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
        ("Præsident af Vestnordisk Råd", None, "president"),
        ("Storbritanniens premierminister", None, "prime-minister"),
        ("Islands statsminister", None, "prime-minister"),
        ("Statsminister, Sverige", None, "prime-minister"),
        ("Uden partitilknytning", "non-attached", None),
        ("Taler som repræsentant for Island", None, None),
        # a deputy or a former holder does not hold the function named
        ("Vicestatsminister", None, None),
        ("Ställföreträdande statsminister", None, None),
        ("Apulaispääministeri", None, None),
        ("Tidl. statsminister", None, None),
        ("Vicegeneralsekretær", None, None),
        ("Tidligere norsk statsminister", None, None),
        ("Ex-statsminister", None, None),
        ("Forsvarsminister og vicestatsminister, Danmark", None, "minister"),
        ("Vicepræsident, Baltisk Forsamlings talsperson", None, "vice-president"),
        ("Varaforseti Norðurlandaráðs", None, "vice-president"),
    ],
)
def test_roles_name_groups_and_functions(role: str, group: str | None, function: str) -> None:
    assert (party_group_of(role), function_of(role)) == (group, function)
