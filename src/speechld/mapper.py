"""Speech -> RDF triples in the speechld ontology; pure, no I/O."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import FOAF, XSD
from rdflib.term import Node

from speechld.record import Speech
from speechld.vocab import SLD, Minter

Triple = tuple[Node, Node, Node]


def source_key(source: str) -> str:
    """A short stable key for a source (URL or file name), used in its graph's URI.

    >>> len(source_key("https://www.norden.org/fi/node/39732"))
    16
    """
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def speech_triples(speech: Speech, mint: Minter) -> Iterator[Triple]:
    """The triples that describe one speech and its speaker."""
    uri = mint.speech(speech.id)
    yield uri, RDF.type, SLD.Speech
    if speech.speaker:
        person = mint.person(speech.speaker)
        yield uri, SLD.speaker, person
        yield person, RDF.type, FOAF.Person
        yield person, FOAF.name, Literal(speech.speaker)
        yield person, RDFS.label, Literal(speech.speaker)
    if speech.number is not None:
        yield uri, SLD.speechNumber, Literal(speech.number, datatype=XSD.integer)
    if speech.type_label:
        yield uri, SLD.typeLabel, Literal(speech.type_label)
    if speech.role:
        yield uri, SLD.speakerRole, Literal(speech.role)
    if speech.date is not None:
        yield uri, SLD.dateTime, Literal(speech.date.isoformat(), datatype=XSD.dateTime)
    yield uri, SLD.text, Literal(speech.text, lang=speech.language)
    yield (
        uri,
        SLD.source,
        URIRef(speech.source) if "://" in speech.source else Literal(speech.source),
    )
    label = (
        f"{speech.speaker or 'Speech'} ({speech.type_label})"
        if speech.type_label
        else (speech.speaker or f"Speech {speech.id}")
    )
    yield uri, RDFS.label, Literal(label)
