"""Data for the web tests: the seed speech, ingested for real, and small Turtle fixtures in the
shapes the data takes (party groups, speech types, SKOS schemes, translations, many speeches
by one person for paging), loaded into an in-memory store as named graphs."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

from speechld.ingest import ingest
from speechld.store import EmbeddedStore, GraphStore, SourceGraph

from .paths import SEED

BASE = "http://example.org/"
SPEAKER_COUNT = 25  # speeches by the prolific speaker: three pages at PAGE_SIZE
PAGE_SIZE = 10

FIXTURE = """
@prefix sld: <https://w3id.org/speechld/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<http://example.org/id/speech/fixture-1> a sld:Speech ;
    rdfs:label "Maria Holm (Replik)" ;
    sld:speaker <http://example.org/id/person/maria-holm> ;
    sld:speechNumber 12 ;
    sld:speechStatus "Waiting for transcription" ;
    sld:typeLabel "Replik" ;
    sld:speakerRole "Nordisk Grøn Venstre" ;
    sld:partyGroup <http://example.org/id/group/ngv> ;
    sld:speechType <http://example.org/id/type/reply> ;
    sld:dateTime "2019-10-30T10:15:00"^^xsd:dateTime ;
    sld:source <javascript:alert(1)> ;
    sld:text "Tak for ordet, <script>alert('x')</script> & mere.\\n\\nAnden paragraf her."@da ;
    sld:translation <http://example.org/id/speech/fixture-1/translation/sv> ,
        [ sld:translatedText "Kiitos puheenvuorosta."@fi ] .

<http://example.org/id/speech/fixture-1/translation/sv>
    sld:translatedText "Tack för ordet, och mera."@sv .

<http://example.org/id/person/maria-holm> a foaf:Person ;
    rdfs:label "Maria Holm" ; foaf:name "Maria Holm" .

<http://example.org/id/group/ngv> a sld:PartyGroup , org:Organization , skos:Concept ;
    skos:prefLabel "Nordisk Grønt Venstre"@da , "Nordic Green Left"@en ;
    skos:inScheme <http://example.org/id/group/> .
<http://example.org/id/group/> a skos:ConceptScheme ; skos:prefLabel "Party groups"@en .

<http://example.org/id/type/reply> a skos:Concept ;
    skos:prefLabel "Reply"@en , "Replik"@da ;
    skos:inScheme <http://example.org/id/type/> ;
    dcterms:modified "2019-10-31T00:59:23Z"^^xsd:dateTime ;
    skos:notation "0012"^^xsd:integer .
<http://example.org/id/type/> a skos:ConceptScheme ; skos:prefLabel "Speech types"@en .
"""


UNDATED = 5  # the prolific speaker's last speeches have no date


def prolific(n: int = SPEAKER_COUNT) -> str:
    """Turtle for n speeches by one person: two a day, numbered backwards (so a day's
    speeches read in the other order than their URIs), the last UNDATED without a date."""
    lines = [
        "@prefix sld: <https://w3id.org/speechld/ontology#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
        f"<{BASE}id/person/per-many> a foaf:Person ; rdfs:label 'Per Many' .",
    ]
    for i in range(n):
        uri = f"<{BASE}id/speech/many-{i:03d}>"
        date = f"2020-01-{1 + i // 2:02d}T09:00:00"
        dated = f"sld:dateTime '{date}'^^xsd:dateTime ; " if i < n - UNDATED else ""
        lines.append(
            f"{uri} a sld:Speech ; rdfs:label 'Per Many ({i})' ; "
            f"sld:speaker <{BASE}id/person/per-many> ; sld:speechNumber {100 - i} ; "
            f"sld:speakerRole 'Talsperson' ; {dated}"
            f"sld:text 'Tale nummer {i}.'@da ."
        )
    return "\n".join(lines)


# One speech read from two pages, which name its type differently: a guest, non-attached.
TWO_PAGES = """
@prefix sld: <https://w3id.org/speechld/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<http://example.org/id/speech/fixture-2> a sld:Speech ;
    rdfs:label "Gæst Gæstesen ({label})" ;
    sld:speaker <http://example.org/id/person/gaest-gaestesen> ;
    sld:externalSpeaker true ;
    sld:nonAttached true ;
    sld:speakerRole "Uden partitilknytning" ;
    sld:speechType <http://example.org/id/type/reply> ;
    sld:typeLabel "{label}" ;
    sld:source <{source}> ;
    sld:text "Tak."@da .
<http://example.org/id/person/gaest-gaestesen> a foaf:Person ;
    rdfs:label "Gæst Gæstesen" ; foaf:name "Gæst Gæstesen" .
"""
TWO_SOURCES = ("file:///home/someone/pages/gaest.txt", "https://www.norden.org/fi/node/1")


def source_graph(name: str, turtle: str) -> SourceGraph:
    """A named graph of the fixture, as the store takes it."""
    triples = ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    text = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    return SourceGraph(f"{BASE}graph/{name}", bytes(text).decode("utf-8"))


def fill(store: EmbeddedStore) -> EmbeddedStore:
    """The store, given the seed and the fixtures under BASE."""
    ingest(store, [SEED], BASE)
    store.replace(
        [
            source_graph("fixture", FIXTURE),
            source_graph("prolific", prolific()),
            source_graph("two-da", TWO_PAGES.format(label="Replik", source=TWO_SOURCES[0])),
            source_graph(
                "two-fi", TWO_PAGES.format(label="Vastauspuheenvuoro", source=TWO_SOURCES[1])
            ),
        ]
    )
    return store


def web_store() -> EmbeddedStore:
    """An in-memory store holding the seed and the fixtures under BASE."""
    return fill(EmbeddedStore(None))


def seed_speech(store: GraphStore) -> str:
    """The URI of the seed speech (the one whose text is Norwegian)."""
    rows = store.select(
        "SELECT ?s WHERE { ?s <https://w3id.org/speechld/ontology#text> ?t "
        'FILTER(lang(?t) = "nb") }'
    )
    return str(next(iter(rows))["s"].value)


def union_graph(store: EmbeddedStore) -> Graph:
    """Everything in the store as one rdflib graph (the union of its named graphs)."""
    data = b"".join(store.dump(ox.RdfFormat.N_TRIPLES))
    return Graph().parse(data=data, format="nt")


def dataset(nquads: bytes) -> Dataset:
    """N-Quads as an rdflib Dataset."""
    return Dataset().parse(data=nquads, format="nquads")


def local_path(uri: str) -> str:
    """The path of a URI under BASE."""
    assert uri.startswith(BASE), uri
    return "/" + uri[len(BASE) :]


def repo_file(relative: str) -> Path:
    """A file of the project, found from the tests folder."""
    return Path(__file__).resolve().parents[1] / relative
