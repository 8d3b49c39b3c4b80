"""The mapper: URI patterns, typed and language-tagged values, translations, provenance."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat
from pyoxigraph import parse as parse_rdf
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, PROV, XSD

from speechld import __version__
from speechld.cli import load_bundled
from speechld.mapper import (
    NON_ATTACHED,
    page_graph,
    shared_triples,
    source_key,
    source_term,
    speech_triples,
)
from speechld.parse import parse_page
from speechld.rdf import from_ox
from speechld.rdf import graph as rdf_graph
from speechld.record import Speech, Translation
from speechld.store import open_store
from speechld.vocab import SCHEMA, SLD, Minter, language_iri

from .corpus import pages
from .handmade import BASE, INGESTED, SPEECHES, VERSION, page, readme_blocks
from .paths import SEED

MINT = Minter(BASE)


def speech_graph(speech: Speech, mint: Minter = MINT) -> Graph:
    """A speech's triples with the descriptions of its speaker and sitting it shares."""
    return rdf_graph([*speech_triples(speech, mint), *shared_triples(speech, mint, VERSION)])


@pytest.fixture(scope="module")
def seed() -> Speech:
    return parse_page(SEED.read_text(encoding="utf-8"), SEED.name)


def test_uri_patterns_under_the_base() -> None:
    speech = SPEECHES[3]
    graph = speech_graph(speech)
    uri = URIRef(f"{BASE}id/speech/{speech.id}")
    assert (uri, RDF.type, SLD.Speech) in graph
    assert graph.value(uri, SLD.speaker) == URIRef(f"{BASE}id/person/erkki-tuomioja")
    assert graph.value(uri, SLD.partyGroup) == URIRef(f"{BASE}id/group/social-democrats")
    assert graph.value(uri, SLD.speechType) == URIRef(f"{BASE}id/type/response-to-reply")
    assert graph.value(uri, SLD.sitting) == URIRef(f"{BASE}id/sitting/2016-10-26")
    assert set(graph.objects(uri, SLD.translation)) == {
        URIRef(f"{BASE}id/speech/{speech.id}/translation/sv"),
        URIRef(f"{BASE}id/speech/{speech.id}/translation/da"),
    }
    assert graph.value(uri, SLD.function) is None
    assert speech_graph(SPEECHES[5]).value(MINT.speech(SPEECHES[5].id), SLD.function) == URIRef(
        f"{BASE}id/function/president"
    )
    assert MINT.graph(source_key(speech.source)).startswith(f"{BASE}graph/")


def test_base_without_slash_mints_the_same() -> None:
    speech = SPEECHES[0]
    assert isomorphic(speech_graph(speech, Minter(BASE.rstrip("/"))), speech_graph(speech))


def test_same_person_same_uri_across_speeches_and_runs() -> None:
    persons = {
        speech_graph(s).value(MINT.speech(s.id), SLD.speaker)
        for s in SPEECHES
        if s.speaker == "Michael Tetzschner"
    }
    assert persons == {URIRef(f"{BASE}id/person/michael-tetzschner")}
    again = Minter(BASE).person("MICHAEL  Tetzschner")
    assert persons == {again}


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("李明", "محمد"),
        ("李明", "王芳"),
        ("Иван Петров", "Пётр Иванов"),
        ("Anna 李", "Anna"),
        ("—", "?"),
    ],
)
def test_names_without_latin_letters_are_different_people(one: str, other: str) -> None:
    first, second = MINT.person(one), MINT.person(other)
    assert first != second
    assert first.rsplit("/", 1)[1].startswith("h-") and first.rsplit("/", 1)[1] != "unnamed"
    assert MINT.person(one) == first  # stable


def test_a_hashed_name_key_ignores_case_width_and_punctuation() -> None:
    assert MINT.person("Иван-Петров") == MINT.person("иван  петров")
    assert MINT.person("\uff21\uff22\uff23 李") == MINT.person("abc 李")  # NFKC: full-width


def test_values_are_typed_and_tagged() -> None:
    speech = SPEECHES[3]
    graph = speech_graph(speech)
    uri = MINT.speech(speech.id)
    assert graph.value(uri, SLD.speechNumber) == Literal(4, datatype=XSD.integer)
    date = graph.value(uri, SLD.dateTime)
    assert isinstance(date, Literal) and date.datatype == XSD.dateTime
    assert date.toPython() == speech.date
    text = graph.value(uri, SLD.text)
    assert isinstance(text, Literal) and text.language == "fi" and str(text) == speech.text
    assert graph.value(uri, DCTERMS.language) == URIRef("http://id.loc.gov/vocabulary/iso639-1/fi")
    assert graph.value(uri, SLD.typeConflict) == MINT.type("reply")
    assert graph.value(uri, SLD.typeLabel) == Literal("Svar på replik")
    assert graph.value(uri, SLD.speakerRole) == Literal("Sosialidemokraattinen ryhmä")
    assert graph.value(uri, RDFS.label) == Literal("Erkki Tuomioja (Svar på replik)")
    sitting = graph.value(uri, SLD.sitting)
    assert graph.value(sitting, DCTERMS.date) == Literal("2016-10-26", datatype=XSD.date)
    assert (sitting, RDF.type, SLD.Sitting) in graph


def test_a_day_without_a_time_is_a_date_not_a_made_up_midnight(seed: Speech) -> None:
    text = SEED.read_text(encoding="utf-8").replace("31.10.12 18:58", "2012-10-31")
    speech = parse_page(text, SEED.name)
    assert speech.date == date(2012, 10, 31)
    graph = speech_graph(speech)
    uri = MINT.speech(speech.id)
    assert graph.value(uri, SLD.dateTime) is None
    assert graph.value(uri, DCTERMS.date) == Literal("2012-10-31", datatype=XSD.date)
    sitting = graph.value(uri, SLD.sitting)
    assert sitting == MINT.sitting(date(2012, 10, 31))
    assert graph.value(sitting, DCTERMS.date) == Literal("2012-10-31", datatype=XSD.date)
    timed = speech_graph(seed)
    assert timed.value(MINT.speech(seed.id), DCTERMS.date) is None
    assert timed.value(MINT.speech(seed.id), SLD.dateTime) == Literal(
        "2012-10-31T18:58:00", datatype=XSD.dateTime
    )


def test_a_two_digit_year_of_the_last_century_makes_no_future_sitting() -> None:
    text = SEED.read_text(encoding="utf-8").replace("31.10.12 18:58", "05.03.98 10:15")
    speech = parse_page(text, SEED.name)
    graph = speech_graph(speech)
    uri = MINT.speech(speech.id)
    assert graph.value(uri, SLD.dateTime) == Literal("1998-03-05T10:15:00", datatype=XSD.dateTime)
    assert graph.value(uri, SLD.sitting) == URIRef(f"{BASE}id/sitting/1998-03-05")


def test_the_type_label_is_tagged_when_its_language_is_known(seed: Speech) -> None:
    graph = speech_graph(seed)
    uri = MINT.speech(seed.id)
    assert graph.value(uri, SLD.typeLabel) == Literal("Hovedindlæg", lang="da")
    assert graph.value(uri, RDFS.label) == Literal("Anna Ljunggren (Hovedindlæg)", lang="da")
    role = graph.value(uri, SLD.speakerRole)  # its language is not reliably known
    assert role == Literal("Den socialdemokratiska gruppens talsperson")


@pytest.mark.parametrize(
    ("source", "label"),
    [
        ("https://www.norden.org/da/speech/12-maria-stockhaus-replik", "Replik"),  # da and sv
        ("https://www.norden.org/no/node/18724", "Replikk"),  # nb and nn
    ],
)
def test_a_type_label_several_languages_share_is_left_untagged(source: str, label: str) -> None:
    speech = parse_page(pages()[source], source)
    graph = speech_graph(speech)
    uri = MINT.speech(speech.id)
    assert graph.value(uri, SLD.typeLabel) == Literal(label)
    assert graph.value(uri, RDFS.label) == Literal(f"{speech.speaker} ({label})")


def test_a_title_that_names_another_type_links_that_type(seed: Speech) -> None:
    text = SEED.read_text(encoding="utf-8").replace("(Hovedindlæg)", "(Replik)", 1)
    speech = parse_page(text, SEED.name)
    graph = speech_graph(speech)
    uri = MINT.speech(speech.id)
    assert graph.value(uri, SLD.speechType) == MINT.type("main-speech")
    assert graph.value(uri, SLD.typeConflict) == MINT.type("reply")


def test_translations_are_typed_resources_with_their_language() -> None:
    speech = SPEECHES[3]
    graph = speech_graph(speech)
    for translation in speech.translations:
        node = MINT.translation(speech.id, translation.language)
        assert (MINT.speech(speech.id), SLD.translation, node) in graph
        assert (node, RDF.type, SLD.Translation) in graph
        text = graph.value(node, SLD.translatedText)
        assert isinstance(text, Literal) and text.language == translation.language
        assert str(text) == translation.text
        assert graph.value(node, DCTERMS.language) == language_iri(translation.language)
    # the speech's own text is not a translation, and a translation is not the speech's text
    assert len(list(graph.objects(MINT.speech(speech.id), SLD.text))) == 1


def test_two_translations_into_one_language_are_both_kept() -> None:
    twice = dataclasses.replace(
        SPEECHES[0], translations=(Translation("sv", ("Ett.",)), Translation("sv", ("Två.",)))
    )
    graph = speech_graph(twice)
    texts = {
        str(graph.value(t, SLD.translatedText)) for t in graph.subjects(RDF.type, SLD.Translation)
    }
    assert texts == {"Ett.", "Två."}


def test_speaker_is_understood_without_reasoning() -> None:
    graph = speech_graph(SPEECHES[0])
    person = MINT.person("Michael Tetzschner")
    assert {FOAF.Person, SCHEMA.Person} <= set(graph.objects(person, RDF.type))
    for predicate in (FOAF.name, SCHEMA.name, RDFS.label):
        assert graph.value(person, predicate) == Literal("Michael Tetzschner")


def test_a_non_attached_member_speaks_for_no_party_group() -> None:
    (speech,) = [s for s in SPEECHES if s.party_group == NON_ATTACHED]
    graph = speech_graph(speech)
    uri = MINT.speech(speech.id)
    assert graph.value(uri, SLD.nonAttached) == Literal(True)
    assert graph.value(uri, SLD.partyGroup) is None
    assert graph.value(uri, SLD.speakerRole) == Literal("Uden partitilknytning")
    assert not any(o == MINT.group(NON_ATTACHED) for o in graph.objects())
    member = speech_graph(SPEECHES[0])
    assert member.value(MINT.speech(SPEECHES[0].id), SLD.nonAttached) is None


def test_external_speaker_and_missing_fields() -> None:
    guest = speech_graph(SPEECHES[6])
    assert guest.value(MINT.speech(SPEECHES[6].id), SLD.externalSpeaker) == Literal(True)
    bare = SPEECHES[7]
    graph = speech_graph(bare)
    uri = MINT.speech(bare.id)
    assert {p for _, p, _ in graph.triples((uri, None, None))} == {
        RDF.type,
        RDFS.label,
        SLD.text,
        DCTERMS.language,
        SLD.source,
    }
    assert graph.value(uri, DCTERMS.language) == URIRef("http://id.loc.gov/vocabulary/iso639-2/und")
    assert graph.value(uri, RDFS.label) == Literal(f"Speech {bare.id}", lang="en")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("https://www.norden.org/da/node/5", URIRef("https://www.norden.org/da/node/5")),
        ("file:///srv/pages/a.txt", URIRef("file:///srv/pages/a.txt")),
        ("pages/a b.txt", Literal("pages/a b.txt")),
        ("C:\\pages\\a.txt", Literal("C:\\pages\\a.txt")),
        ("https://example.org/a b", Literal("https://example.org/a b")),
    ],
)
def test_sources_are_iris_when_they_can_be(source: str, expected: URIRef | Literal) -> None:
    assert from_ox(source_term(source)) == expected


def test_shared_descriptions_are_not_in_the_page_graph() -> None:
    speech = SPEECHES[3]
    graph = page_graph(speech, MINT, INGESTED, VERSION)
    person, sitting = MINT.person(speech.speaker or ""), MINT.sitting(speech.date.date())  # type: ignore[union-attr]
    own = rdf_graph(graph.triples)
    shared = rdf_graph(graph.shared)
    assert (MINT.speech(speech.id), SLD.speaker, person) in own
    assert (MINT.speech(speech.id), SLD.sitting, sitting) in own
    assert not list(own.triples((person, None, None))) and not list(
        own.triples((sitting, None, None))
    )
    assert {s for s in shared.subjects()} == {
        person,
        sitting,
        URIRef(f"{BASE}id/software/speechld-{VERSION}"),
    }


def test_provenance_of_a_page_graph() -> None:
    speech = SPEECHES[1]
    name, graph = page(speech, MINT)
    assert name == MINT.graph(source_key(speech.source))
    when = Literal(
        INGESTED.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime, normalize=False
    )
    source = URIRef(speech.source)
    assert (name, RDF.type, PROV.Entity) in graph
    assert graph.value(name, PROV.wasDerivedFrom) == source
    assert graph.value(name, DCTERMS.source) == source
    assert graph.value(name, PROV.generatedAtTime) == when
    assert graph.value(name, DCTERMS.modified) == when
    # written as stores keep it (UTC as "Z"): one that keeps lexical forms (Jena) as well
    assert str(graph.value(name, PROV.generatedAtTime)).endswith("Z")
    activity = graph.value(name, PROV.wasGeneratedBy)
    assert (activity, RDF.type, PROV.Activity) in graph
    assert graph.value(activity, PROV.used) == source
    software = graph.value(activity, PROV.wasAssociatedWith)
    assert software == URIRef(f"{BASE}id/software/speechld-{VERSION}")
    assert (software, RDF.type, PROV.SoftwareAgent) in graph
    assert graph.value(software, SCHEMA.softwareVersion) == Literal(VERSION)


def test_provenance_of_a_file_without_url_names_the_file(seed: Speech) -> None:
    name, graph = page(seed, MINT)
    assert graph.value(name, DCTERMS.source) == Literal(SEED.name)
    assert graph.value(name, PROV.wasDerivedFrom) is None


def test_ingest_time_needs_a_time_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        page_graph(SPEECHES[0], MINT, datetime(2026, 1, 1, 12, 0), VERSION)
    page_graph(SPEECHES[0], MINT, datetime(2026, 1, 1, 12, 0, tzinfo=UTC), VERSION)


def test_mapping_is_deterministic() -> None:
    first = page(SPEECHES[4], MINT)[1]
    second = page(SPEECHES[4], MINT)[1]
    assert isomorphic(first, second) and len(first) == len(second)


def bundled_graphs(tmp_path: Path) -> tuple[Graph, str]:
    """The seed's page graph and the shared graph, as `speechld serve` stores the bundled
    data in an empty store, and the ingest time as the store writes it."""
    location = str(tmp_path / "store")
    with contextlib.redirect_stdout(io.StringIO()):
        base = load_bundled(location, None, "http://127.0.0.1:5000/")
    store = open_store(location, read_only=True)
    try:
        dumped = b"".join(store.dump(RdfFormat.N_QUADS))
    finally:
        store.close()
    quads = list(parse_rdf(dumped, format=RdfFormat.N_QUADS))
    seed = [q.triple for q in quads if q.graph_name.value == f"{base}graph/{source_key(SEED.name)}"]  # type: ignore[union-attr]
    linked = {t.object for t in seed}
    shared = [
        q.triple
        for q in quads
        if q.graph_name.value == f"{base}graph/shared" and q.subject in linked  # type: ignore[union-attr]
    ]
    graph = rdf_graph(seed + shared)
    assert seed and all(str(s).startswith(base) for s in graph.subjects())
    (when,) = {t.object.value for t in seed if t.predicate.value == str(PROV.generatedAtTime)}
    return graph, when


def test_the_bundled_data_names_its_file_not_the_install_path(tmp_path: Path) -> None:
    graph, _ = bundled_graphs(tmp_path)
    sources = set(graph.objects(None, DCTERMS.source)) | set(graph.objects(None, SLD.source))
    assert sources == {Literal(SEED.name)}
    assert not [t for t in graph if any("file:" in str(term) for term in t)]


def test_readme_shows_the_seed_as_serve_stores_it(tmp_path: Path) -> None:
    (block,) = readme_blocks("turtle")
    shown = Graph().parse(data=block, format="turtle")
    stored, when = bundled_graphs(tmp_path)
    # rdflib reads "+00:00" and "Z" alike: the README must write the time as the store does
    zone = re.fullmatch(r"[0-9T:.-]+(.*)", when)
    stamp = r'(?:generatedAtTime|modified|endedAtTime) "[0-9]{4}-[0-9T:.-]+([^"]*)"'
    written = re.findall(stamp, block)
    assert zone is not None and written and set(written) == {zone[1]}, (when, written)
    shown_when = next(shown.objects(None, PROV.generatedAtTime))
    stored_when = next(stored.objects(None, PROV.generatedAtTime))
    version = next(shown.objects(None, SCHEMA.softwareVersion))
    assert str(version) == __version__
    for s, p, o in list(stored):  # the ingest time is the one thing that differs per run
        if o == stored_when:
            stored.remove((s, p, o))
            stored.add((s, p, shown_when))
    assert isomorphic(shown, stored), "README example is stale; serve stores:\n" + (
        readme_turtle(stored)
    )


def readme_turtle(graph: Graph) -> str:
    """A page graph as the README shows it: our prefixes, subjects in a stable order."""
    prefixes = {
        "sld": str(SLD),
        "schema": str(SCHEMA),
        "foaf": str(FOAF),
        "dcterms": str(DCTERMS),
        "prov": str(PROV),
        "rdfs": str(RDFS),
        "xsd": str(XSD),
    }
    out = Graph(bind_namespaces="none")
    for prefix, namespace in prefixes.items():
        out.bind(prefix, namespace)
    out += graph
    return out.serialize(format="turtle")
