"""The ontology file: parses cleanly, full metadata, every term labelled, explained, aligned."""

from __future__ import annotations

import logging
from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS, VANN, XSD

from speechld.parse import parse_page
from speechld.record import Speech
from speechld.schemes import vocabulary_graph
from speechld.vocab import ONTOLOGY, SLD, Minter
from speechld.web.terms import PREFIXES, jsonld_context

from .corpus import pages
from .handmade import BASE, SPEECHES, fixture_vocabulary, page, union
from .paths import ROOT, SEED

ONTOLOGY_FILE = ROOT / "ontology" / "speechld.ttl"
SHAPES_FILE = ROOT / "ontology" / "shapes.ttl"
NS = ONTOLOGY + "#"
LANGUAGES = ("en", "da", "sv", "nb")
ALIGNMENTS = (
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    OWL.equivalentClass,
    OWL.equivalentProperty,
    RDFS.seeAlso,
)
# The RDFS axioms of SKOS, DCMI terms, FOAF and PROV-O that bear on our terms.
ALIGNED_AXIOMS = ROOT / "tests" / "data" / "aligned-axioms.ttl"
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def terms(graph: Graph) -> set[URIRef]:
    """The subjects of a graph in our namespace."""
    return {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(NS)}


TURTLE_FILES = sorted((ROOT / "ontology").glob("*.ttl"))


def test_the_ontology_folder_holds_the_ontology_shapes_and_three_schemes() -> None:
    assert [p.name for p in TURTLE_FILES] == [
        "functions.ttl",
        "groups.ttl",
        "shapes.ttl",
        "speechld.ttl",
        "types.ttl",
    ]


@pytest.mark.parametrize("path", TURTLE_FILES, ids=lambda p: Path(p).name)
def test_parses_without_warnings(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        graph = Graph().parse(path, format="turtle", publicID="https://data.example.org/nc/")
    assert len(graph) > 50
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_metadata(ontology: Graph) -> None:
    head = URIRef(ONTOLOGY)
    assert (head, RDF.type, OWL.Ontology) in ontology
    for predicate in (DCTERMS.title, DCTERMS.description):
        languages = {
            o.language for o in ontology.objects(head, predicate) if isinstance(o, Literal)
        }
        assert set(LANGUAGES) <= languages, predicate
    version = str(ontology.value(head, OWL.versionInfo))
    assert ontology.value(head, OWL.versionIRI) == URIRef(f"{ONTOLOGY}/{version}")
    assert ontology.value(head, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    creator = ontology.value(head, DCTERMS.creator)  # an agent, as DCMI's range says
    assert isinstance(creator, URIRef | BNode)
    assert (creator, RDF.type, FOAF.Organization) in ontology
    assert (creator, RDF.type, DCTERMS.Agent) in ontology
    assert str(ontology.value(creator, FOAF.name)) == "speechld contributors"
    modified = ontology.value(head, DCTERMS.modified)
    assert isinstance(modified, Literal) and modified.datatype is not None
    assert str(ontology.value(head, VANN.preferredNamespacePrefix)) == "sld"
    assert str(ontology.value(head, VANN.preferredNamespaceUri)) == NS


def test_closed_namespace_matches_the_file(ontology: Graph) -> None:
    declared = {URIRef(NS + name) for name in SLD.__annotations__}
    assert terms(ontology) == declared
    with pytest.raises(AttributeError):
        SLD.speakerNom  # noqa: B018


def test_every_term_has_a_kind(ontology: Graph) -> None:
    for term in terms(ontology):
        kinds = set(ontology.objects(term, RDF.type)) & set(KINDS)
        assert len(kinds) == 1, term
        assert ontology.value(term, RDFS.isDefinedBy) == URIRef(ONTOLOGY), term


@pytest.mark.parametrize("predicate", [RDFS.label, RDFS.comment], ids=["label", "comment"])
def test_every_term_is_labelled_and_explained(ontology: Graph, predicate: URIRef) -> None:
    for term in terms(ontology):
        values = [o for o in ontology.objects(term, predicate) if isinstance(o, Literal)]
        languages = [o.language or "" for o in values]
        assert sorted(languages) == sorted(LANGUAGES), (term, languages)
        assert all(str(o).strip() for o in values), term


def test_every_term_is_aligned_or_says_why_not(ontology: Graph) -> None:
    for term in terms(ontology):
        aligned = {
            o
            for p in ALIGNMENTS
            for o in ontology.objects(term, p)
            if isinstance(o, URIRef) and not o.startswith(NS)
        }
        why_not = list(ontology.objects(term, SKOS.editorialNote))
        assert aligned or why_not, term


def test_no_skos_mapping_between_classes_or_properties(ontology: Graph) -> None:
    """SKOS mapping properties have skos:Concept as domain and range."""
    mappings = (SKOS.closeMatch, SKOS.exactMatch, SKOS.broadMatch, SKOS.narrowMatch)
    used = {(s, p) for p in (*mappings, SKOS.relatedMatch) for s in ontology.subjects(p, None)}
    assert used == set()


@pytest.fixture(scope="module")
def closure(ontology: Graph) -> Graph:
    """The RDFS closure of the ontology, the aligned vocabularies' axioms, the shipped
    concept schemes and two real pages' graphs (the seed, a page read from its URL)."""
    mint = Minter(BASE)
    data = Graph()
    data += ontology
    data.parse(ALIGNED_AXIOMS, format="turtle")
    data.parse(data=vocabulary_graph(mint).ntriples, format="nt")
    for source in (SEED.name, "https://www.norden.org/fi/node/39732"):
        text = SEED.read_text(encoding="utf-8") if source == SEED.name else pages()[source]
        data += page(parse_page(text, source), mint)[1]
    owlrl.DeductiveClosure(
        owlrl.RDFS_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(data)
    return data


def test_rdfs_reasoning_makes_only_the_schemes_concepts_skos_concepts(closure: Graph) -> None:
    concepts = set(closure.subjects(RDF.type, SKOS.Concept))
    in_schemes = set(closure.subjects(SKOS.inScheme, None))
    assert concepts == in_schemes
    assert all(str(c).startswith(f"{BASE}id/") for c in concepts)
    for kind in (SLD.Speech, SLD.Sitting, SLD.Translation, OWL.Class, OWL.DatatypeProperty):
        for thing in closure.subjects(RDF.type, kind):
            assert (thing, RDF.type, SKOS.Concept) not in closure, (thing, kind)
    for term in (SLD.Speech, SLD.Sitting, SLD.PartyGroup, SLD.speakerRole, SLD.speechNumber):
        assert (term, RDF.type, SKOS.Concept) not in closure, term
    for term in (SLD.translatedText, URIRef("http://www.w3.org/ns/opengov#role")):
        assert (term, RDF.type, SKOS.Concept) not in closure, term


def test_rdfs_reasoning_makes_no_speech_type_a_class(closure: Graph) -> None:
    types = set(closure.subjects(RDF.type, SLD.SpeechType))
    assert len(types) == 6
    assert all((t, RDF.type, RDFS.Class) not in closure for t in types)
    assert not [c for c in closure.subjects(RDF.type, RDFS.Class) if str(c).startswith(BASE)]
    # nor an instance's type: nothing is of a class minted under the base
    assert not [c for c in closure.objects(None, RDF.type) if str(c).startswith(BASE)]


def test_rdfs_reasoning_makes_no_string_an_agent(closure: Graph) -> None:
    agents = set(closure.subjects(RDF.type, DCTERMS.Agent))
    assert agents and all(closure.value(a, FOAF.name) is not None for a in agents)


def test_core_is_understood_through_lpv_popolo_and_schema(ontology: Graph) -> None:
    def supers(term: URIRef) -> set[str]:
        return {str(o) for o in ontology.transitive_objects(term, RDFS.subPropertyOf)} | {
            str(o) for o in ontology.transitive_objects(term, RDFS.subClassOf)
        }

    lpv = "http://purl.org/linkedpolitics/vocabulary/"
    assert {lpv + "speaker", "http://schema.org/creator"} <= supers(SLD.speaker)
    assert {lpv + "spokenText", "http://schema.org/text"} <= supers(SLD.text)
    assert {"http://schema.org/CreativeWork", "http://www.w3.org/ns/opengov#Speech"} <= supers(
        SLD.Speech
    )
    assert "http://www.w3.org/ns/org#Organization" in supers(SLD.PartyGroup)
    assert "http://purl.org/dc/terms/date" in supers(SLD.dateTime)


def test_every_term_the_mapper_emits_is_defined(ontology: Graph) -> None:
    emitted: set[URIRef] = set()
    for triple in union(SPEECHES, Minter(BASE)):
        emitted |= {t for t in triple if isinstance(t, URIRef) and t.startswith(NS)}
    assert emitted <= terms(ontology)
    # the records exercise every term but the classes of the concepts, typed in their schemes
    assert terms(ontology) - emitted == {SLD.PartyGroup, SLD.SpeechType, SLD.Function}


def test_domains_and_ranges_hold_in_mapped_data(ontology: Graph) -> None:
    """Without reasoning: subjects have the domain, objects the range (concepts in the schemes)."""
    mint = Minter(BASE)
    data = union(SPEECHES, mint)
    data += fixture_vocabulary(mint)
    for s, p, o in data:
        if not (isinstance(p, URIRef) and p.startswith(NS)):
            continue
        domain = ontology.value(p, RDFS.domain)
        assert (s, RDF.type, domain) in data, (s, p)
        kind = ontology.value(p, RDF.type)
        if kind == OWL.DatatypeProperty:
            assert isinstance(o, Literal), (s, p, o)
            actual = RDF.langString if o.language else (o.datatype or XSD.string)
            expected = ontology.value(p, RDFS.range)
            assert expected in (actual, RDFS.Literal), (p, o)
        elif kind == OWL.ObjectProperty:
            assert isinstance(o, URIRef), (s, p, o)
            assert (o, RDF.type, ontology.value(p, RDFS.range)) in data, (p, o)
        else:
            assert isinstance(o, URIRef | Literal)


@pytest.fixture(scope="module")
def context() -> dict[str, object]:
    """The JSON-LD context served at /context.jsonld, made from speechld.ttl."""
    loaded: dict[str, object] = jsonld_context()["@context"]
    return loaded


def test_context_names_every_term(context: dict[str, object]) -> None:
    named = {
        str(value if isinstance(value, str) else value["@id"])  # type: ignore[index]
        for key, value in context.items()
        if not key.startswith("@")
    }
    expanded = {NS + v.split(":", 1)[1] for v in named if v.startswith("sld:")}
    assert expanded == {NS + name for name in SLD.__annotations__}


@pytest.mark.parametrize("speech", SPEECHES[:8], ids=lambda s: s.id[-2:])
def test_context_round_trips_mapped_pages(context: dict[str, object], speech: Speech) -> None:
    graph = page(speech, Minter(BASE))[1]
    compact = graph.serialize(format="json-ld", context=context)
    assert '"speaker"' in compact or speech.speaker is None
    # read back by pyoxigraph, which keeps lexical forms (rdflib makes a time's Z +00:00)
    read = ox.parse(compact.encode("utf-8"), format=ox.RdfFormat.JSON_LD)
    written = ox.parse(graph.serialize(format="nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    assert set(read) == set(written)


@pytest.mark.parametrize("path", [ONTOLOGY_FILE, SHAPES_FILE], ids=lambda p: p.name)
def test_the_web_layers_prefixes_name_the_namespaces_the_data_uses(path: Path) -> None:
    graph = Graph(bind_namespaces="none").parse(path)
    declared = {prefix: str(namespace) for prefix, namespace in graph.namespaces()}
    shared = PREFIXES.keys() & declared.keys()
    assert "schema" in shared
    assert {p: PREFIXES[p] for p in shared} == {p: declared[p] for p in shared}


def test_every_term_an_axiom_names_is_declared_for_owl_tools(ontology: Graph) -> None:
    # OWL 2 DL reads an undeclared class or property in an axiom as an error (or guesses)
    builtin = (str(XSD), str(RDF), str(RDFS))
    named = {
        o
        for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range)
        for o in ontology.objects(None, p)
        if isinstance(o, URIRef) and not str(o).startswith(builtin)
    }
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    undeclared = {o for o in named if not kinds & set(ontology.objects(o, RDF.type))}
    assert named and not undeclared, sorted(undeclared)
