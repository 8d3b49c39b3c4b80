"""SHACL: every mapped page graph conforms to ontology/shapes.ttl, and broken ones do not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from pyoxigraph import RdfFormat
from pyoxigraph import parse as parse_rdf
from pyshacl import validate
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, SKOS, XSD

from speechld.ingest import ingest
from speechld.parse import parse_page
from speechld.rdf import graph as rdf_graph
from speechld.record import Speech
from speechld.schemes import vocabulary_graph
from speechld.store import EmbeddedStore
from speechld.vocab import ORG, SCHEMA, SLD, Minter

from .corpus import pages
from .handmade import BASE, SPEECHES, fixture_vocabulary, page
from .paths import ROOT, SEED

SH = Namespace("http://www.w3.org/ns/shacl#")
MINT = Minter(BASE)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")


@pytest.fixture(scope="module")
def vocabulary() -> Graph:
    return fixture_vocabulary(MINT)


def check(data: Graph, shapes: Graph) -> tuple[bool, Graph, str]:
    """pyshacl's verdict on a graph: conforms, the report graph and its text."""
    conforms, report, text = validate(data, shacl_graph=shapes, inference="none")
    assert isinstance(report, Graph) and isinstance(text, str)
    return bool(conforms), report, text


def with_vocabulary(graph: Graph, vocabulary: Graph) -> Graph:
    """A page graph together with the concept schemes it links to."""
    data = Graph()
    data += graph
    data += vocabulary
    return data


@pytest.fixture(scope="module")
def shipped() -> Graph:
    """The concept schemes shipped in the ontology package, under the test base."""
    return Graph().parse(data=vocabulary_graph(MINT).ntriples, format="nt")


def test_seed_conforms_with_the_shipped_vocabulary(shapes: Graph, shipped: Graph) -> None:
    seed = parse_page(SEED.read_text(encoding="utf-8"), SEED.name)
    conforms, _, text = check(with_vocabulary(page(seed, MINT)[1], shipped), shapes)
    assert conforms, text


@pytest.mark.parametrize(
    "written",
    ["2012-10-31", "31.10.2012", "05.03.98 10:15", "2012-10-31T18:58:00Z", "31.10.12 18:58 CET"],
)
def test_seed_dated_otherwise_conforms(written: str, shapes: Graph, shipped: Graph) -> None:
    text = SEED.read_text(encoding="utf-8").replace("31.10.12 18:58", written)
    speech = parse_page(text, SEED.name)
    conforms, _, report = check(with_vocabulary(page(speech, MINT)[1], shipped), shapes)
    assert conforms, report


def test_shipped_vocabulary_conforms(shapes: Graph, shipped: Graph) -> None:
    conforms, _, text = check(shipped, shapes)
    assert conforms, text


@pytest.mark.parametrize("speech", SPEECHES, ids=lambda s: f"{s.id[-2:]}-{s.source[-9:]}")
def test_every_mapped_page_conforms(speech: Speech, shapes: Graph, vocabulary: Graph) -> None:
    conforms, _, text = check(with_vocabulary(page(speech, MINT)[1], vocabulary), shapes)
    assert conforms, text


def ingested(pages: dict[str, str]) -> dict[str, Graph]:
    """The named graphs an ingest of (source, text) pages writes, by name, under the test base."""
    store = EmbeddedStore(None)
    try:
        summary = ingest(store, [], BASE, items=pages.items())
        assert summary.stored == len(pages) and not summary.failed, summary
        data = b"".join(store.dump(RdfFormat.N_QUADS))
    finally:
        store.close()
    quads = list(parse_rdf(data, format=RdfFormat.N_QUADS))
    names = {q.graph_name.value for q in quads}  # type: ignore[union-attr]
    return {n: rdf_graph(q.triple for q in quads if q.graph_name.value == n) for n in names}  # type: ignore[union-attr]


def test_spelling_variants_of_a_name_are_one_conforming_person(shapes: Graph) -> None:
    text = SEED.read_text(encoding="utf-8")
    spellings = ("Anna Ljunggren", "ANNA LJUNGGREN", "Anna-Ljunggren")
    pages = {f"variant-{i}.txt": text.replace("Anna Ljunggren", n) for i, n in enumerate(spellings)}
    graphs = ingested(pages)
    common = Graph()
    common += graphs[f"{BASE}graph/shared"]
    common += graphs[f"{BASE}graph/vocabulary"]
    person = MINT.person("Anna Ljunggren")
    for predicate in (FOAF.name, SCHEMA.name, RDFS.label):
        assert {str(n) for n in common.objects(person, predicate)} == set(spellings), predicate
    page_graphs = [(URIRef(n), g) for n, g in graphs.items() if "/graph/dataset" not in n]
    page_graphs = [(n, g) for n, g in page_graphs if (n, PROV.generatedAtTime, None) in g]
    assert len(page_graphs) == len(pages)
    for _, graph in page_graphs:
        assert set(graph.objects(None, SLD.speaker)) == {person}
        conforms, _, report = check(graph + common, shapes)
        assert conforms, report


def test_vocabulary_conforms(shapes: Graph, vocabulary: Graph) -> None:
    conforms, _, text = check(vocabulary, shapes)
    assert conforms, text
    assert len(set(vocabulary.subjects(RDF.type, SKOS.Concept))) == 7


# A breakage takes a page graph of SPEECHES[3] (a Finnish reply with two translations),
# and the vocabulary, and damages one of them.
Breakage = Callable[[Graph, Graph], None]
SPEECH = MINT.speech(SPEECHES[3].id)
PERSON = MINT.person("Erkki Tuomioja")
SV = MINT.translation(SPEECHES[3].id, "sv")


def _set(graph: Graph, subject: URIRef, predicate: URIRef, value: Literal | URIRef) -> None:
    graph.set((subject, predicate, value))


def _untype_speaker(g: Graph, v: Graph) -> None:
    g.remove((PERSON, RDF.type, FOAF.Person))


def _untyped_number(g: Graph, v: Graph) -> None:
    _set(g, SPEECH, SLD.speechNumber, Literal("4"))


def _text_without_language(g: Graph, v: Graph) -> None:
    _set(g, SPEECH, SLD.text, Literal("Arvoisa puhemies."))


def _text_in_another_language(g: Graph, v: Graph) -> None:
    _set(g, SPEECH, SLD.text, Literal("Ärade talman.", lang="sv"))


def _two_texts(g: Graph, v: Graph) -> None:
    g.add((SPEECH, SLD.text, Literal("Toinen teksti.", lang="fi")))


def _no_text(g: Graph, v: Graph) -> None:
    g.remove((SPEECH, SLD.text, None))


def _orphan_translation(g: Graph, v: Graph) -> None:
    g.remove((SPEECH, SLD.translation, SV))


def _translation_without_language(g: Graph, v: Graph) -> None:
    g.remove((SV, DCTERMS.language, None))


def _unknown_party_group(g: Graph, v: Graph) -> None:
    _set(g, SPEECH, SLD.partyGroup, MINT.group("no-such-group"))


def _type_pointing_at_a_group(g: Graph, v: Graph) -> None:
    _set(g, SPEECH, SLD.speechType, MINT.group("social-democrats"))


def _string_date(g: Graph, v: Graph) -> None:
    _set(g, SPEECH, SLD.dateTime, Literal("2016-10-26 10:04"))


def _person_without_name(g: Graph, v: Graph) -> None:
    g.remove((PERSON, FOAF.name, None))


def _label_not_a_name(g: Graph, v: Graph) -> None:
    g.add((PERSON, RDFS.label, Literal("Tuomioja")))


def _sitting_date_as_string(g: Graph, v: Graph) -> None:
    _set(g, MINT.sitting(SPEECHES[3].date.date()), DCTERMS.date, Literal("2016-10-26"))  # type: ignore[union-attr]


def _provenance_without_activity(g: Graph, v: Graph) -> None:
    g.remove((None, PROV.wasGeneratedBy, None))


def _untyped_ingest_time(g: Graph, v: Graph) -> None:
    graph = next(g.subjects(PROV.generatedAtTime, None))
    assert isinstance(graph, URIRef)
    _set(g, graph, PROV.generatedAtTime, Literal("yesterday"))


def _group_and_non_attached(g: Graph, v: Graph) -> None:
    g.add((SPEECH, SLD.nonAttached, Literal(True)))


def _group_not_a_party_group(g: Graph, v: Graph) -> None:
    v.remove((MINT.group("social-democrats"), RDF.type, SLD.PartyGroup))


def _party_group_not_an_organisation(g: Graph, v: Graph) -> None:
    v.remove((MINT.group("social-democrats"), RDF.type, ORG.Organization))


def _concept_not_named_by_its_key(g: Graph, v: Graph) -> None:
    _set(v, MINT.type("reply"), SKOS.notation, Literal("replik"))


def _concept_missing_a_language(g: Graph, v: Graph) -> None:
    v.remove((MINT.type("response-to-reply"), SKOS.prefLabel, None))
    v.add((MINT.type("response-to-reply"), SKOS.prefLabel, Literal("Response to reply", lang="en")))


# What the report must show: the path of a violated property, or else the constraint
# component that caught the breakage.
BREAKAGES: dict[str, tuple[Breakage, URIRef]] = {
    "speaker without type": (_untype_speaker, SLD.speaker),
    "untyped number": (_untyped_number, SLD.speechNumber),
    "text without language": (_text_without_language, SLD.text),
    "text in another language": (_text_in_another_language, SH.SPARQLConstraintComponent),
    "two texts": (_two_texts, SLD.text),
    "no text": (_no_text, SLD.text),
    "orphan translation": (_orphan_translation, SH.MinCountConstraintComponent),
    "translation without language": (_translation_without_language, DCTERMS.language),
    "unknown party group": (_unknown_party_group, SLD.partyGroup),
    "type pointing at a group": (_type_pointing_at_a_group, SLD.speechType),
    "date-time as string": (_string_date, SLD.dateTime),
    "person without name": (_person_without_name, FOAF.name),
    "person's label not one of its names": (_label_not_a_name, RDFS.label),
    "sitting date as string": (_sitting_date_as_string, DCTERMS.date),
    "provenance without activity": (_provenance_without_activity, PROV.wasGeneratedBy),
    "untyped ingest time": (_untyped_ingest_time, PROV.generatedAtTime),
    "concept missing a language": (_concept_missing_a_language, SKOS.prefLabel),
    "group and non-attached": (_group_and_non_attached, SH.OrConstraintComponent),
    "group not a party group": (_group_not_a_party_group, SLD.partyGroup),
    "party group not an organisation": (
        _party_group_not_an_organisation,
        SH.ClassConstraintComponent,
    ),
    "concept not named by its key": (_concept_not_named_by_its_key, SH.SPARQLConstraintComponent),
}


@pytest.mark.parametrize("name", BREAKAGES)
def test_shapes_catch_a_broken_graph(name: str, shapes: Graph, vocabulary: Graph) -> None:
    graph = page(SPEECHES[3], MINT)[1]
    broken_vocabulary = Graph()
    broken_vocabulary += vocabulary
    breakage, caught_by = BREAKAGES[name]
    breakage(graph, broken_vocabulary)
    conforms, report, text = check(with_vocabulary(graph, broken_vocabulary), shapes)
    assert not conforms, f"{name}: not caught"
    violations = list(report.subjects(SH.resultSeverity, SH.Violation))
    assert violations, text
    shown = {report.value(v, SH.resultPath) for v in violations}
    shown |= {report.value(v, SH.sourceConstraintComponent) for v in violations}
    assert caught_by in shown, text


def test_datatypes_in_the_shapes_are_the_ontology_ranges(shapes: Graph) -> None:
    ontology = Graph().parse(ROOT / "ontology" / "speechld.ttl", format="turtle")
    for prop in shapes.subjects(SH.path, None):
        path = shapes.value(prop, SH.path)
        datatype = shapes.value(prop, SH.datatype)
        if isinstance(path, URIRef) and path.startswith(str(SLD)) and datatype is not None:
            expected = ontology.value(path, URIRef("http://www.w3.org/2000/01/rdf-schema#range"))
            assert datatype == expected or (datatype, expected) == (XSD.string, None), path


# Breakages of real pages' graphs: the seed (a bare file name as source) and a page of the
# corpus read from its URL, each with the shipped vocabulary.
URL_PAGE = "https://www.norden.org/fi/node/39732"


def _real_page(source: str) -> tuple[URIRef, URIRef, Graph]:
    """The graph name, the speech and the page graph of a real page, as the mapper writes them."""
    text = SEED.read_text(encoding="utf-8") if source == SEED.name else pages()[source]
    speech = parse_page(text, source)
    name, graph = page(speech, MINT)
    return name, MINT.speech(speech.id), graph


def _empty_text(g: Graph, name: URIRef, speech: URIRef) -> None:
    _set(g, speech, SLD.text, Literal("", lang="nb"))


def _blank_text(g: Graph, name: URIRef, speech: URIRef) -> None:
    _set(g, speech, SLD.text, Literal(" \n\t ", lang="nb"))


def _date_time_without_sitting(g: Graph, name: URIRef, speech: URIRef) -> None:
    g.remove((speech, SLD.sitting, None))


def _date_without_sitting(g: Graph, name: URIRef, speech: URIRef) -> None:
    time = g.value(speech, SLD.dateTime)
    g.remove((speech, SLD.dateTime, None))
    g.remove((speech, SLD.sitting, None))
    g.add((speech, DCTERMS.date, Literal(str(time)[:10], datatype=XSD.date)))


def _sitting_of_another_day(g: Graph, name: URIRef, speech: URIRef) -> None:
    _set(g, speech, SLD.sitting, MINT.sitting(date(2012, 11, 1)))
    g.add((MINT.sitting(date(2012, 11, 1)), RDF.type, SLD.Sitting))


def _date_time_and_date(g: Graph, name: URIRef, speech: URIRef) -> None:
    g.add((speech, DCTERMS.date, Literal("2012-10-31", datatype=XSD.date)))


def _date_time_with_zone(zone: str) -> Callable[[Graph, URIRef, URIRef], None]:
    def damage(g: Graph, name: URIRef, speech: URIRef) -> None:
        time = str(g.value(speech, SLD.dateTime))
        _set(g, speech, SLD.dateTime, Literal(time + zone, datatype=XSD.dateTime))

    return damage


def _no_generated_at_time(g: Graph, name: URIRef, speech: URIRef) -> None:
    g.remove((name, PROV.generatedAtTime, None))


def _untyped_graph_without_time(g: Graph, name: URIRef, speech: URIRef) -> None:
    g.remove((name, RDF.type, PROV.Entity))
    g.remove((name, PROV.generatedAtTime, None))


def _no_derived_from(g: Graph, name: URIRef, speech: URIRef) -> None:
    g.remove((name, PROV.wasDerivedFrom, None))


def _derived_from_another_page(g: Graph, name: URIRef, speech: URIRef) -> None:
    _set(g, name, PROV.wasDerivedFrom, URIRef("https://www.norden.org/sv/node/1"))


REAL_BREAKAGES: dict[str, tuple[str, Callable[[Graph, URIRef, URIRef], None], URIRef]] = {
    "empty text": (SEED.name, _empty_text, SLD.text),
    "whitespace-only text": (SEED.name, _blank_text, SLD.text),
    "date-time without sitting": (SEED.name, _date_time_without_sitting, SH.OrConstraintComponent),
    "date without sitting": (SEED.name, _date_without_sitting, SH.OrConstraintComponent),
    "sitting of another day": (SEED.name, _sitting_of_another_day, SH.SPARQLConstraintComponent),
    "date-time and date": (SEED.name, _date_time_and_date, SH.OrConstraintComponent),
    "date-time with a zone written otherwise": (
        SEED.name,
        _date_time_with_zone(" CET"),
        SLD.dateTime,
    ),
    "graph without ingest time": (SEED.name, _no_generated_at_time, PROV.generatedAtTime),
    "untyped graph without ingest time": (
        URL_PAGE,
        _untyped_graph_without_time,
        PROV.generatedAtTime,
    ),
    "graph of a URL not derived from it": (URL_PAGE, _no_derived_from, SH.OrConstraintComponent),
    "graph derived from another page": (
        URL_PAGE,
        _derived_from_another_page,
        SH.OrConstraintComponent,
    ),
}


@pytest.mark.parametrize("source", [SEED.name, URL_PAGE])
def test_real_pages_conform(source: str, shapes: Graph, shipped: Graph) -> None:
    _, _, graph = _real_page(source)
    conforms, _, text = check(with_vocabulary(graph, shipped), shapes)
    assert conforms, text


@pytest.mark.parametrize("name", REAL_BREAKAGES)
def test_shapes_catch_a_broken_real_page(name: str, shapes: Graph, shipped: Graph) -> None:
    source, breakage, caught_by = REAL_BREAKAGES[name]
    graph_name, speech, graph = _real_page(source)
    breakage(graph, graph_name, speech)
    conforms, report, text = check(with_vocabulary(graph, shipped), shapes)
    assert not conforms, f"{name}: not caught"
    violations = list(report.subjects(SH.resultSeverity, SH.Violation))
    shown = {report.value(v, SH.resultPath) for v in violations}
    shown |= {report.value(v, SH.sourceConstraintComponent) for v in violations}
    assert caught_by in shown, text
