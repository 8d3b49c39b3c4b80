"""Our namespace as a closed rdflib DefinedNamespace, and the minting of resource URIs."""

from __future__ import annotations

import re
import unicodedata

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

ONTOLOGY = "https://w3id.org/speechld/ontology"


class SLD(DefinedNamespace):
    """The speechld ontology (ontology/speechld.ttl); an unknown term is an error."""

    _NS = Namespace(ONTOLOGY + "#")
    _fail = True

    Speech: URIRef
    speaker: URIRef
    speakerRole: URIRef
    speechNumber: URIRef
    typeLabel: URIRef
    dateTime: URIRef
    text: URIRef
    source: URIRef


_FOLD = str.maketrans(
    {"þ": "th", "ð": "d", "æ": "ae", "ø": "o", "ß": "ss", "ł": "l", "đ": "d", "œ": "oe"}
)


def slug(name: str) -> str:
    """A readable, stable ASCII key for a name.

    >>> slug("Ólína Kjerúlf Þorvarðardóttir"), slug("Freddy André Øvstegård")
    ('olina-kjerulf-thorvardardottir', 'freddy-andre-ovstegard')
    """
    folded = unicodedata.normalize("NFKD", name.casefold().translate(_FOLD))
    ascii_only = folded.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-") or "unnamed"


class Minter:
    """The URIs of a dataset published under one base; every pattern lives under /id/."""

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"

    def speech(self, speech_id: str) -> URIRef:
        """`{base}id/speech/{id}`."""
        return URIRef(f"{self.base}id/speech/{speech_id}")

    def person(self, name: str) -> URIRef:
        """`{base}id/person/{slug of the name}`: the same name, the same person."""
        return URIRef(f"{self.base}id/person/{slug(name)}")

    def graph(self, key: str) -> URIRef:
        """`{base}graph/{key}`: the named graph of one source page."""
        return URIRef(f"{self.base}graph/{key}")
