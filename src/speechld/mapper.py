"""Speech -> RDF triples in the speechld ontology, with their graph's provenance; pure, no I/O."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import datetime

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, XSD
from rdflib.term import Node

from speechld.record import Speech
from speechld.vocab import SCHEMA, SLD, Minter, language_iri

Triple = tuple[Node, Node, Node]

# An absolute IRI: a scheme of two letters or more (so `C:\...` is a path) and no character
# that N-Triples forbids in an IRI.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:[^\s<>\"{}|\\^`]*$")
_TRUE = Literal(True)
# The one concept of the party group scheme (ontology/groups.ttl) that is a status, not a
# party group: a speech of a member outside every group says so instead of naming a group.
NON_ATTACHED = "non-attached"


def source_key(source: str) -> str:
    """A short stable key for a source (URL or file name), used in its graph's URI.

    >>> len(source_key("https://www.norden.org/fi/node/39732"))
    16
    """
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def source_term(source: str) -> URIRef | Literal:
    """A source as an IRI when it is a URL (file: URLs included), else as a plain literal.

    >>> source_term("https://www.norden.org/fi/node/39732")
    rdflib.term.URIRef('https://www.norden.org/fi/node/39732')
    >>> source_term("pages/a b.txt")
    rdflib.term.Literal('pages/a b.txt')
    """
    return URIRef(source) if _IRI.match(source) else Literal(source)


def speech_label(speech: Speech) -> str:
    """A short human label for a speech: speaker and type as the page names them.

    >>> from speechld.record import Speech
    >>> speech_label(Speech("0", "x", 1, "Anna Ljunggren", "Hovedindlæg", None, None, "nb", ()))
    'Anna Ljunggren (Hovedindlæg)'
    """
    who = speech.speaker or f"Speech {speech.number or speech.id}"
    return f"{who} ({speech.type_label})" if speech.type_label else who


def speech_triples(speech: Speech, mint: Minter) -> Iterator[Triple]:
    """The triples that describe one speech, its speaker, sitting and translations."""
    uri = mint.speech(speech.id)
    label = speech_label(speech)
    yield uri, RDF.type, SLD.Speech
    yield uri, RDFS.label, Literal(label)
    yield uri, SLD.text, Literal(speech.text, lang=speech.language)
    yield uri, DCTERMS.language, language_iri(speech.language)
    yield uri, SLD.source, source_term(speech.source)
    if speech.speaker:
        person = mint.person(speech.speaker)
        name = Literal(speech.speaker)
        yield uri, SLD.speaker, person
        yield person, RDF.type, FOAF.Person
        yield person, RDF.type, SCHEMA.Person
        yield person, FOAF.name, name
        yield person, SCHEMA.name, name
        yield person, RDFS.label, name
    if speech.external_speaker:
        yield uri, SLD.externalSpeaker, _TRUE
    if speech.number is not None:
        yield uri, SLD.speechNumber, Literal(str(speech.number), datatype=XSD.integer)
    if speech.date is not None:
        day = speech.date.date()
        sitting = mint.sitting(day)
        yield uri, SLD.dateTime, Literal(speech.date.isoformat(), datatype=XSD.dateTime)
        yield uri, SLD.sitting, sitting
        yield sitting, RDF.type, SLD.Sitting
        yield sitting, RDFS.label, Literal(f"Sitting of {day.isoformat()}", lang="en")
        yield sitting, DCTERMS.date, Literal(day.isoformat(), datatype=XSD.date)
    if speech.type_label:
        yield uri, SLD.typeLabel, Literal(speech.type_label)
    if speech.type:
        yield uri, SLD.speechType, mint.type(speech.type)
    if speech.type_conflict:
        yield uri, SLD.typeConflict, Literal(speech.type_conflict)
    if speech.role:
        yield uri, SLD.speakerRole, Literal(speech.role)
    if speech.party_group == NON_ATTACHED:
        yield uri, SLD.nonAttached, _TRUE
    elif speech.party_group:
        yield uri, SLD.partyGroup, mint.group(speech.party_group)
    if speech.function:
        yield uri, SLD.function, mint.function(speech.function)
    seen: dict[str, int] = {}
    for translation in speech.translations:
        language = translation.language
        seen[language] = seen.get(language, 0) + 1
        key = language if seen[language] == 1 else f"{language}-{seen[language]}"
        node = mint.translation(speech.id, key)
        yield uri, SLD.translation, node
        yield node, RDF.type, SLD.Translation
        yield node, RDFS.label, Literal(f"{label}, translation ({key})")
        yield node, SLD.translatedText, Literal(translation.text, lang=language)
        yield node, DCTERMS.language, language_iri(language)


def content_digest(speech: Speech, mint: Minter, version: str) -> str:
    """SHA-256 of everything a page's graph is made from, except the ingest time.

    >>> from speechld.record import Speech
    >>> s = Speech("1", "x.txt", 1, "A", None, None, None, "da", ("Tekst.",))
    >>> content_digest(s, Minter("http://a/"), "1") == content_digest(s, Minter("http://a/"), "1")
    True
    >>> content_digest(s, Minter("http://a/"), "1") == content_digest(s, Minter("http://a/"), "2")
    False
    """
    return hashlib.sha256(f"{speech!r}\x1f{mint.base}\x1f{version}".encode()).hexdigest()


def provenance_triples(
    graph: URIRef, source: str, mint: Minter, ingested: datetime, version: str, digest: str
) -> Iterator[Triple]:
    """PROV and Dublin Core triples saying where a source's graph came from, when and how."""
    if ingested.tzinfo is None:
        raise ValueError(f"ingest time {ingested.isoformat()} has no time zone")
    when = Literal(ingested.isoformat(), datatype=XSD.dateTime)
    origin = source_term(source)
    activity = URIRef(f"{graph}#ingest")
    software = mint.software(version)
    yield graph, RDF.type, PROV.Entity
    yield graph, SLD.contentDigest, Literal(digest)
    yield graph, DCTERMS.source, origin
    yield graph, DCTERMS.modified, when
    yield graph, PROV.generatedAtTime, when
    yield graph, PROV.wasGeneratedBy, activity
    yield activity, RDF.type, PROV.Activity
    yield activity, PROV.endedAtTime, when
    yield activity, PROV.wasAssociatedWith, software
    if isinstance(origin, URIRef):
        yield graph, PROV.wasDerivedFrom, origin
        yield activity, PROV.used, origin
    yield software, RDF.type, PROV.SoftwareAgent
    yield software, RDF.type, SCHEMA.SoftwareApplication
    yield software, SCHEMA.name, Literal("speechld")
    yield software, SCHEMA.softwareVersion, Literal(version)
    yield software, RDFS.label, Literal(f"speechld {version}")


def page_graph(
    speech: Speech, mint: Minter, ingested: datetime, version: str
) -> tuple[URIRef, list[Triple]]:
    """The named graph of a speech's source page and all its triples, provenance included."""
    graph = mint.graph(source_key(speech.source))
    triples = list(speech_triples(speech, mint))
    digest = content_digest(speech, mint, version)
    triples.extend(provenance_triples(graph, speech.source, mint, ingested, version, digest))
    return graph, triples
