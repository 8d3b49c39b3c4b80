"""Speech -> RDF triples in the speechld ontology, with their graph's provenance; pure, no I/O.

The triples are pyoxigraph terms, which the store and the serialisers take as they are.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Hashable, Iterator
from datetime import date, datetime
from functools import cache, lru_cache
from typing import NamedTuple, TypeVar

from pyoxigraph import Literal, NamedNode, Triple
from rdflib import RDF, RDFS
from rdflib.namespace import DCTERMS, FOAF, PROV, XSD, DefinedNamespace, Namespace

from speechld.record import Speech
from speechld.vocab import ACTIVITY, SCHEMA, SLD, Minter, language_iri

# An absolute IRI: a scheme of two letters or more (so `C:\...` is a path) and no character
# that N-Triples forbids in an IRI.
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:[^\s<>\"{}|\\^`]*$")
_TRUE = Literal(True)
# The one concept of the party group scheme (ontology/groups.ttl) that is a status, not a
# party group: a speech of a member outside every group says so instead of naming a group.
NON_ATTACHED = "non-attached"
SHARED_KEPT = 4096  # speakers' and sittings' descriptions kept, each a few triples
# The revision of the mapping, raised when a page's graph changes shape (2: sld:speakerName):
# part of each page's digest, so that an ingest rewrites the pages stored before.
MAPPING = 2


class Terms:
    """A namespace's terms as pyoxigraph nodes, each made once on first use.

    >>> Terms(SLD).Speech
    <NamedNode value=https://w3id.org/speechld/ontology#Speech>
    """

    def __init__(self, namespace: Namespace | type[DefinedNamespace]) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> NamedNode:
        node = NamedNode(getattr(self._namespace, name))
        setattr(self, name, node)
        return node


rdf, rdfs, dcterms, foaf, prov = Terms(RDF), Terms(RDFS), Terms(DCTERMS), Terms(FOAF), Terms(PROV)
schema, sld, xsd = Terms(SCHEMA), Terms(SLD), Terms(XSD)


K = TypeVar("K", bound=Hashable)


@lru_cache(maxsize=SHARED_KEPT)
def minted(make: Callable[[K], str], key: K) -> NamedNode:
    """The node of the IRI `make` mints of a key that many speeches share (a sitting's day,
    a type, a language, a speaker), made once: minting one checks and builds a URIRef."""
    return NamedNode(make(key))


def source_key(source: str) -> str:
    """A short stable key for a source (URL or file name), used in its graph's URI.

    >>> len(source_key("https://www.norden.org/fi/node/39732"))
    16
    """
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def source_term(source: str) -> NamedNode | Literal:
    """A source as an IRI when it is a URL (file: URLs included), else as a plain literal.

    >>> source_term("https://www.norden.org/fi/node/39732")
    <NamedNode value=https://www.norden.org/fi/node/39732>
    >>> source_term("pages/a b.txt")
    <Literal value=pages/a b.txt datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
    """
    return NamedNode(source) if _IRI.match(source) else Literal(source)


def day_of(when: datetime | date) -> date:
    """The day of a date or of a date and time.

    >>> day_of(datetime(2012, 10, 31, 18, 58)), day_of(date(2019, 10, 29))
    (datetime.date(2012, 10, 31), datetime.date(2019, 10, 29))
    """
    return when.date() if isinstance(when, datetime) else when


def speech_label(speech: Speech) -> str:
    """A short human label for a speech: speaker and type as the page names them.

    >>> from speechld.record import Speech
    >>> speech_label(Speech("0", "x", 1, "Anna Ljunggren", "Hovedindlæg", None, None, "nb", ()))
    'Anna Ljunggren (Hovedindlæg)'
    """
    who = speech.speaker or f"Speech {speech.number or speech.id}"
    return f"{who} ({speech.type_label})" if speech.type_label else who


def speech_triples(speech: Speech, mint: Minter) -> Iterator[Triple]:
    """The triples that describe one speech, its links to its speaker and sitting, and its
    translations: the page's own (shared_triples describes the speaker and the sitting)."""
    uri = NamedNode(mint.speech(speech.id))
    label = speech_label(speech)
    # The label is in the type label's language only when it has a type label to be in;
    # with neither speaker nor type it is our English "Speech ...".
    label_language = (
        speech.type_label_language if speech.type_label else (None if speech.speaker else "en")
    )
    yield Triple(uri, rdf.type, sld.Speech)
    yield Triple(uri, rdfs.label, Literal(label, language=label_language))
    yield Triple(uri, sld.text, Literal(speech.text, language=speech.language))
    yield Triple(uri, dcterms.language, minted(language_iri, speech.language))
    yield Triple(uri, sld.source, source_term(speech.source))
    if speech.speaker:
        yield Triple(uri, sld.speaker, minted(mint.person, speech.speaker))
        yield Triple(uri, sld.speakerName, Literal(speech.speaker))
    if speech.external_speaker:
        yield Triple(uri, sld.externalSpeaker, _TRUE)
    if speech.status:
        yield Triple(uri, sld.speechStatus, Literal(speech.status))
    if speech.number is not None:
        yield Triple(uri, sld.speechNumber, Literal(str(speech.number), datatype=xsd.integer))
    if isinstance(speech.date, datetime):
        yield Triple(uri, sld.dateTime, Literal(speech.date.isoformat(), datatype=xsd.dateTime))
    elif speech.date is not None:  # the day alone: no time was published, none is made up
        yield Triple(uri, dcterms.date, Literal(speech.date.isoformat(), datatype=xsd.date))
    if speech.date is not None:
        yield Triple(uri, sld.sitting, minted(mint.sitting, day_of(speech.date)))
    if speech.type_label:
        yield Triple(
            uri, sld.typeLabel, Literal(speech.type_label, language=speech.type_label_language)
        )
    if speech.type:
        yield Triple(uri, sld.speechType, minted(mint.type, speech.type))
    if speech.type_conflict:
        yield Triple(uri, sld.typeConflict, minted(mint.type, speech.type_conflict))
    if speech.role:
        yield Triple(uri, sld.speakerRole, Literal(speech.role))
    if speech.party_group == NON_ATTACHED:
        yield Triple(uri, sld.nonAttached, _TRUE)
    elif speech.party_group:
        yield Triple(uri, sld.partyGroup, minted(mint.group, speech.party_group))
    if speech.function:
        yield Triple(uri, sld.function, minted(mint.function, speech.function))
    seen: dict[str, int] = {}
    for translation in speech.translations:
        language = translation.language
        seen[language] = seen.get(language, 0) + 1
        key = language if seen[language] == 1 else f"{language}-{seen[language]}"
        node = NamedNode(mint.translation(speech.id, key))
        yield Triple(uri, sld.translation, node)
        yield Triple(node, rdf.type, sld.Translation)
        yield Triple(node, rdfs.label, Literal(f"{label}, translation ({key})"))
        yield Triple(node, sld.translatedText, Literal(translation.text, language=language))
        yield Triple(node, dcterms.language, minted(language_iri, language))


def content_digest(speech: Speech, mint: Minter, version: str) -> str:
    """SHA-256 of everything a page's graph is made from (the mapping's revision too),
    except the ingest time.

    >>> from speechld.record import Speech
    >>> s = Speech("1", "x.txt", 1, "A", None, None, None, "da", ("Tekst.",))
    >>> content_digest(s, Minter("http://a/"), "1") == content_digest(s, Minter("http://a/"), "1")
    True
    >>> content_digest(s, Minter("http://a/"), "1") == content_digest(s, Minter("http://a/"), "2")
    False
    """
    made = f"{speech!r}\x1f{mint.base}\x1f{version}\x1f{MAPPING}"
    return hashlib.sha256(made.encode()).hexdigest()


def provenance_triples(
    graph: NamedNode, source: str, mint: Minter, ingested: datetime, version: str, digest: str
) -> Iterator[Triple]:
    """PROV and Dublin Core triples saying where a source's graph came from, when and how."""
    if ingested.tzinfo is None:
        raise ValueError(f"ingest time {ingested.isoformat()} has no time zone")
    when = Literal(ingested.isoformat().replace("+00:00", "Z"), datatype=xsd.dateTime)  # canonical
    origin = source_term(source)
    activity = NamedNode(f"{graph.value}#{ACTIVITY}")
    software = minted(mint.software, version)
    yield Triple(graph, rdf.type, prov.Entity)
    yield Triple(graph, sld.contentDigest, Literal(digest))
    yield Triple(graph, dcterms.source, origin)
    yield Triple(graph, dcterms.modified, when)
    yield Triple(graph, prov.generatedAtTime, when)
    yield Triple(graph, prov.wasGeneratedBy, activity)
    yield Triple(activity, rdf.type, prov.Activity)
    yield Triple(activity, prov.endedAtTime, when)
    yield Triple(activity, prov.wasAssociatedWith, software)
    if isinstance(origin, NamedNode):
        yield Triple(graph, prov.wasDerivedFrom, origin)
        yield Triple(activity, prov.used, origin)


def shared_triples(speech: Speech, mint: Minter, version: str) -> list[Triple]:
    """The descriptions a page shares with others: its speaker, its sitting, the software.

    They go to the shared graph, once however many pages state them, so that a join on a
    speaker's name meets the name once and not once per speech.
    """
    triples: list[Triple] = []
    if speech.speaker:
        triples += person_triples(mint, speech.speaker)
    if speech.date is not None:
        triples += sitting_triples(mint, day_of(speech.date))
    return triples + list(software_triples(mint, version))


@lru_cache(maxsize=SHARED_KEPT)
def person_triples(mint: Minter, name: str) -> tuple[Triple, ...]:
    """A speaker's description (made once for the many pages of one speaker)."""
    person, label = NamedNode(mint.person(name)), Literal(name)
    return (
        Triple(person, rdf.type, foaf.Person),
        Triple(person, rdf.type, schema.Person),
        Triple(person, foaf.name, label),
        Triple(person, schema.name, label),
        Triple(person, rdfs.label, label),
    )


@lru_cache(maxsize=SHARED_KEPT)
def sitting_triples(mint: Minter, day: date) -> tuple[Triple, ...]:
    """A sitting's description (made once for the many pages of one day)."""
    sitting = minted(mint.sitting, day)
    return (
        Triple(sitting, rdf.type, sld.Sitting),
        Triple(sitting, rdfs.label, Literal(f"Sitting of {day}", language="en")),
        Triple(sitting, dcterms.date, Literal(day.isoformat(), datatype=xsd.date)),
    )


@cache
def software_triples(mint: Minter, version: str) -> tuple[Triple, ...]:
    """The description of this software, the same on every page."""
    software = minted(mint.software, version)
    return (
        Triple(software, rdf.type, prov.SoftwareAgent),
        Triple(software, rdf.type, schema.SoftwareApplication),
        Triple(software, schema.name, Literal("speechld")),
        Triple(software, schema.softwareVersion, Literal(version)),
        Triple(software, rdfs.label, Literal(f"speechld {version}")),
    )


class PageGraph(NamedTuple):
    """The named graph of one source page (name, triples, the digest it states), and the
    triples it adds to the shared graph."""

    name: NamedNode
    triples: list[Triple]
    digest: str
    shared: list[Triple]


def page_graph(speech: Speech, mint: Minter, ingested: datetime, version: str) -> PageGraph:
    """The named graph of a speech's source page and all its triples, provenance included."""
    graph = NamedNode(mint.graph(source_key(speech.source)))
    triples = list(speech_triples(speech, mint))
    digest = content_digest(speech, mint, version)
    triples.extend(provenance_triples(graph, speech.source, mint, ingested, version, digest))
    return PageGraph(graph, triples, digest, shared_triples(speech, mint, version))
