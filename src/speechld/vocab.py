"""Our namespace as a closed rdflib DefinedNamespace, and the minting of resource URIs."""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
from datetime import date
from functools import lru_cache
from urllib.parse import quote, urlsplit

from pyoxigraph import NamedNode
from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

ONTOLOGY = "https://w3id.org/speechld/ontology"
SHAPES = "https://w3id.org/speechld/shapes"  # the SHACL shapes of the data published


class SLD(DefinedNamespace):
    """The speechld ontology (ontology/speechld.ttl); an unknown term is an error."""

    _NS = Namespace(ONTOLOGY + "#")
    _fail = True

    # classes
    Speech: URIRef
    Translation: URIRef
    Sitting: URIRef
    PartyGroup: URIRef
    SpeechType: URIRef
    Function: URIRef
    # links between resources
    speaker: URIRef
    translation: URIRef
    sitting: URIRef
    partyGroup: URIRef
    speechType: URIRef
    function: URIRef
    source: URIRef
    # values
    text: URIRef
    translatedText: URIRef
    speechNumber: URIRef
    dateTime: URIRef
    typeLabel: URIRef
    speakerName: URIRef
    speakerRole: URIRef
    typeConflict: URIRef
    externalSpeaker: URIRef
    speechStatus: URIRef
    contentDigest: URIRef
    nonAttached: URIRef


# Common vocabularies the mapper and the shapes use besides ours.
SCHEMA = Namespace("http://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
LPV = Namespace("http://purl.org/linkedpolitics/vocabulary/")
OPENGOV = Namespace("http://www.w3.org/ns/opengov#")

_WORDS = re.compile(r"[^\W_]+")
_SAFE = re.compile(r"[A-Za-z0-9._~-]*")  # what quote() keeps as it is in a path segment
_FOLD = str.maketrans(
    {"þ": "th", "ð": "d", "æ": "ae", "ø": "o", "ß": "ss", "ł": "l", "đ": "d", "œ": "oe"}
)


@lru_cache(maxsize=8192)  # a corpus names a few thousand speakers, each many times
def slug(name: str) -> str:
    """A readable, stable ASCII key for a name; a hashed key when it has letters ASCII lacks.

    Case, accents and the punctuation between words do not count ("Jan-Erik" and "jan
    erik" give one key). A name with a letter or digit that does not fold to ASCII
    (Chinese, Arabic, Cyrillic ...) would lose it, and with it what tells it from other
    names, and so would a name with no letter or digit at all: its key is `h-` and the
    first 16 hex digits of the SHA-256 of the name NFKC-normalised and case-folded, its
    words (runs of letters and digits) joined by one space.

    >>> slug("Ólína Kjerúlf Þorvarðardóttir"), slug("Freddy André Øvstegård")
    ('olina-kjerulf-thorvardardottir', 'freddy-andre-ovstegard')
    >>> slug("李明"), slug("李 明") == slug("李-明"), slug("李明") == slug("محمد")
    ('h-aa227102842b80e6', True, False)
    """
    folded = unicodedata.normalize("NFKD", name.casefold().translate(_FOLD))
    kept = "".join(c for c in folded if not unicodedata.combining(c))
    readable = re.sub(r"[^a-z0-9]+", "-", kept).strip("-")
    if readable and not any(c.isalnum() and not c.isascii() for c in kept):
        return readable
    text = unicodedata.normalize("NFKC", name).casefold()
    words = " ".join(_WORDS.findall(text)) or " ".join(text.split())
    return "h-" + hashlib.sha256(words.encode("utf-8")).hexdigest()[:16]


def _key(key: str) -> str:
    """A key as one URI path segment: kept as is when it is already safe."""
    return key if _SAFE.fullmatch(key) else quote(key, safe="-._~")


def language_iri(tag: str) -> URIRef:
    """The id.loc.gov IRI of a BCP 47 tag's language: ISO 639-1 for two letters, else 639-2.

    >>> language_iri("nb"), language_iri("und")
    (rdflib.term.URIRef('http://id.loc.gov/vocabulary/iso639-1/nb'), \
rdflib.term.URIRef('http://id.loc.gov/vocabulary/iso639-2/und'))
    """
    primary = tag.split("-", 1)[0].lower()
    part = "1" if len(primary) == 2 else "2"
    return URIRef(f"http://id.loc.gov/vocabulary/iso639-{part}/{_key(primary)}")


def check_base(base: str) -> str:
    """The base, if every URI minted under it is a valid IRI; else a ValueError saying why.

    >>> check_base("https://example.org/nc"), check_base("HTTP://Example.ORG/NC/")
    ('https://example.org/nc', 'http://example.org/NC/')
    >>> check_base("example.org/")
    Traceback (most recent call last):
    ...
    ValueError: must be an absolute http(s) IRI with no spaces, quotes, '#' or '?' \
(such as https://example.org/nc/), not 'example.org/'
    """
    if not _is_base(base):
        raise ValueError(
            "must be an absolute http(s) IRI with no spaces, quotes, '#' or '?' "
            f"(such as https://example.org/nc/), not {base!r}"
        )
    return normal_url(base)  # one URI space however the base is written


# A percent-encoded octet, and the characters RFC 3986 leaves unreserved.
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
# A URI's scheme, authority (if any) and the rest; an authority's host and port.
_PARTS = re.compile(r"([^:]*):(?://([^/?#]*))?(.*)", re.DOTALL)
_HOST_PORT = re.compile(r"(\[[^\]]*\]|[^:\[\]]*)(?::([0-9]*))?")
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def normal_url(url: str) -> str:
    """The URL in RFC 3986's normal form (6.2.2, 6.2.3): one name for one page, however
    its scheme, host, port and escapes are written.

    >>> normal_url("HTTPS://WWW.Norden.ORG:443/da/tale%2d1?q=%2c#%7e")
    'https://www.norden.org/da/tale-1?q=%2C#~'
    >>> normal_url("http://[::1]:80"), normal_url("http://A@X:?q"), normal_url("http://X:8a")
    ('http://[::1]/', 'http://A@x/?q', 'http://X:8a/')
    >>> normal_url("URN:ISBN:1"), normal_url("ni:///sha-256;a"), normal_url("file:///a%7E")
    ('urn:ISBN:1', 'ni:///sha-256;a', 'file:///a~')
    """
    if "%" in url:
        url = _PERCENT.sub(_unescaped, url)
    match = _PARTS.fullmatch(url)
    if not match:
        return url
    scheme, authority, rest = match[1].lower(), match[2], match[3]
    if authority is None:
        return f"{scheme}:{rest}"
    user, at, address = authority.rpartition("@")
    if where := _HOST_PORT.fullmatch(address):  # else a port not a number: left as it is
        port = where[2] if where[2] != _DEFAULT_PORTS.get(scheme) else None
        address = where[1].lower() + (f":{port}" if port else "")
    if scheme in _DEFAULT_PORTS and not rest.startswith("/"):
        rest = "/" + rest
    return f"{scheme}://{user}{at}{address}{rest}"


def _unescaped(match: re.Match[str]) -> str:
    """An unreserved character decoded, any other octet's escape in upper case."""
    char = chr(int(match[1], 16))
    return char if char in _UNRESERVED else match[0].upper()


def _is_base(base: str) -> bool:
    """Whether a base is an http(s) IRI with a host, that a path can be appended to."""
    try:
        NamedNode(base)  # Oxigraph's own IRI check
        parts = urlsplit(base)
    except ValueError:
        return False
    return (
        parts.scheme.lower() in {"http", "https"}
        and bool(parts.hostname)
        and not ("#" in base or "?" in base)
    )


DATASET = ".well-known/void#dataset"  # the dataset's URI, relative to the base
ACTIVITY = "ingest"  # the fragment naming the activity that wrote a source page's graph


class Minter:
    """The URIs of a dataset published under one base; every resource lives under /id/.

    >>> mint = Minter("https://example.org/nc")
    >>> mint.speech("00ff"), mint.person("Anna Ljunggren")
    (rdflib.term.URIRef('https://example.org/nc/id/speech/00ff'), \
rdflib.term.URIRef('https://example.org/nc/id/person/anna-ljunggren'))
    """

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self._id = self.base + "id/"

    def speech(self, speech_id: str) -> URIRef:
        """`{base}id/speech/{id}`: the parser's id."""
        return URIRef(f"{self._id}speech/{_key(speech_id)}")

    def person(self, name: str) -> URIRef:
        """`{base}id/person/{slug of the name}`: the same name (up to case, accents and
        punctuation), the same person."""
        return URIRef(f"{self._id}person/{slug(name)}")

    def translation(self, speech_id: str, language: str) -> URIRef:
        """`{base}id/speech/{id}/translation/{language}`: a part of the speech's document."""
        return URIRef(f"{self._id}speech/{_key(speech_id)}/translation/{_key(language)}")

    def sitting(self, day: date) -> URIRef:
        """`{base}id/sitting/{YYYY-MM-DD}`: the plenary sitting of one day."""
        return URIRef(f"{self._id}sitting/{day.isoformat()}")

    def group(self, key: str) -> URIRef:
        """`{base}id/group/{key}`: a party group of the group scheme."""
        return URIRef(f"{self._id}group/{_key(key)}")

    def type(self, key: str) -> URIRef:
        """`{base}id/type/{key}`: a speech type of the type scheme."""
        return URIRef(f"{self._id}type/{_key(key)}")

    def function(self, key: str) -> URIRef:
        """`{base}id/function/{key}`: a function of the function scheme."""
        return URIRef(f"{self._id}function/{_key(key)}")

    def software(self, version: str) -> URIRef:
        """`{base}id/software/speechld-{version}`: the release of speechld that wrote data."""
        return URIRef(f"{self._id}software/speechld-{_key(version)}")

    def graph(self, key: str) -> URIRef:
        """`{base}graph/{key}`: the named graph of one source page."""
        return URIRef(f"{self.base}graph/{key}")

    def dataset(self) -> URIRef:
        """`{base}.well-known/void#dataset`: the dataset, described by its VoID."""
        return URIRef(self.base + DATASET)
