"""What the HTML pages show of a resource, built from its document's triples; pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from rdflib import RDF, RDFS
from rdflib.namespace import DCTERMS, FOAF, SKOS

from speechld.vocab import SLD
from speechld.web import terms

Node = NamedNode | BlankNode | Literal
LABELS = (str(RDFS.label), str(SKOS.prefLabel), str(FOAF.name), str(DCTERMS.title))
TYPE = str(RDF.type)
DATE = str(SLD.dateTime)
LANGUAGES = {
    "da": "Danish",
    "sv": "Swedish",
    "nb": "Norwegian Bokmål",
    "nn": "Norwegian Nynorsk",
    "no": "Norwegian",
    "fi": "Finnish",
    "is": "Icelandic",
    "fo": "Faroese",
    "kl": "Greenlandic",
    "se": "Northern Sami",
    "en": "English",
    "de": "German",
}


def language_name(tag: str | None) -> str | None:
    """A language tag as people name the language.

    >>> language_name("nb"), language_name("xx-YY")
    ('Norwegian Bokmål', 'xx-YY')
    """
    if not tag:
        return None
    return LANGUAGES.get(tag.lower(), LANGUAGES.get(tag.split("-")[0].lower(), tag))


@dataclass(frozen=True)
class Value:
    """One value as a page shows it: text, and a link where it names a resource."""

    text: str
    iri: str | None = None  # the resource named, for links
    lang: str | None = None
    datatype: str | None = None  # as prefix:name


@dataclass(frozen=True)
class Row:
    """A property and its values."""

    property: str
    label: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Translation:
    """A translation of a speech's text."""

    language: str | None
    tag: str | None
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class SpeechView:
    """A speech laid out like the published page it was read from."""

    heading: str
    speaker: Value | None
    role: str | None
    group: Value | None
    function: Value | None
    type: Value | None
    number: str | None
    date: str | None
    language: str | None
    tag: str | None  # the text's language tag
    paragraphs: tuple[str, ...]
    translations: tuple[Translation, ...]
    source: Value | None


@dataclass
class Index:
    """The triples of a document, indexed by subject, with the names and types they give."""

    by_subject: dict[str, list[tuple[str, Node]]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[str, list[Literal]] = field(default_factory=lambda: defaultdict(list))
    types: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, triples: Iterable[Triple]) -> Index:
        """Index a document's triples."""
        index = cls()
        for t in triples:
            if isinstance(t.subject, Triple) or isinstance(t.object, Triple):
                continue  # quoted triples (RDF-star) have no place on a page
            subject, predicate = node_key(t.subject), t.predicate.value
            index.by_subject[subject].append((predicate, t.object))
            if predicate in LABELS and isinstance(t.object, Literal):
                index.labels[subject].append(t.object)
            elif predicate == TYPE and isinstance(t.object, NamedNode):
                index.types[subject].append(t.object.value)
        return index

    def label(self, key: str, prefer: str | None = None) -> str | None:
        """The resource's best name: in the preferred language, English, untagged, any."""
        found = self.labels.get(key)
        if not found:
            return None
        order = [prefer, "en", None]
        return min(found, key=lambda v: order.index(v.language) if v.language in order else 9).value

    def value(self, node: Node) -> Value:
        """A node as a page shows it: a resource by its name, a literal by its text."""
        if isinstance(node, Literal):
            datatype = node.datatype.value if node.datatype else None
            shown = terms.curie(datatype) if datatype else None
            return Value(
                node.value,
                lang=node.language,
                datatype=None if shown in {"xsd:string", "rdf:langString"} else shown,
            )
        key = node_key(node)
        if isinstance(node, BlankNode):
            return Value(self.label(key) or "(anonymous)")
        name = self.label(key) or (terms.label(key) if _is_term(key) else key)
        return Value(name, key)

    def date(self, subject: str) -> str | None:
        """The resource's date (sld:dateTime) as people read it, if it has one."""
        for predicate, obj in self.by_subject.get(subject, []):
            if predicate == DATE and isinstance(obj, Literal):
                return format_date(obj.value)
        return None

    def rows(self, key: str, skip: Callable[[str], bool] = lambda p: False) -> list[Row]:
        """The resource's properties and values, labels first, then by property name."""
        grouped: dict[str, list[Value]] = defaultdict(list)
        for predicate, obj in self.by_subject.get(key, []):
            if not skip(predicate):
                grouped[predicate].append(self.value(obj))
        order = [TYPE, *LABELS]
        return sorted(
            (Row(p, terms.label(p), tuple(vs)) for p, vs in grouped.items()),
            key=lambda r: (
                order.index(r.property) if r.property in order else 9,
                r.label.casefold(),
            ),
        )


def node_key(node: NamedNode | BlankNode | Literal) -> str:
    return f"_:{node.value}" if isinstance(node, BlankNode) else node.value


def _is_term(iri: str) -> bool:
    return iri.startswith(tuple(terms.PREFIXES.values()))


def title(index: Index, uri: str) -> str:
    """The page title of a resource: its name, else the end of its URI."""
    return index.label(uri) or uri.rstrip("/").rsplit("/", 1)[-1] or uri


def format_date(text: str) -> str:
    """An xsd:dateTime as people read it.

    >>> format_date("2012-10-31T18:58:00")
    '31 October 2012, 18:58'
    >>> format_date("not a date")
    'not a date'
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    day = f"{moment.day} {moment:%B %Y}"
    return day if (moment.hour, moment.minute) == (0, 0) else f"{day}, {moment:%H:%M}"


def paragraphs(text: str) -> tuple[str, ...]:
    """A text's paragraphs: blank-line separated, never empty.

    >>> paragraphs("One.\\n\\nTwo.\\n")
    ('One.', 'Two.')
    """
    return tuple(p.strip() for p in text.split("\n\n") if p.strip())


def translations(index: Index, uri: str) -> tuple[Translation, ...]:
    """The speech's translations: each sld:translation's sld:translatedText."""
    found: list[Translation] = []
    for predicate, obj in index.by_subject.get(uri, []):
        if predicate != str(SLD.translation) or isinstance(obj, Literal):
            continue
        for p, text in index.by_subject.get(node_key(obj), []):
            if p == str(SLD.translatedText) and isinstance(text, Literal):
                found.append(
                    Translation(language_name(text.language), text.language, paragraphs(text.value))
                )
    return tuple(found)


def speech(index: Index, uri: str, base: str) -> SpeechView:
    """The speech page: who spoke, as what, when, in which language, and what was said."""
    own = index.by_subject.get(uri, [])

    def first(predicate: str) -> Node | None:
        return next((o for p, o in own if p == predicate), None)

    def linked(kind: str) -> Value | None:
        prefix = f"{base}id/{kind}/"
        for _, obj in own:
            if isinstance(obj, NamedNode) and obj.value.startswith(prefix):
                return index.value(obj)
        return None

    texts = [o for p, o in own if p == str(SLD.text) and isinstance(o, Literal)]
    text = texts[0] if texts else None
    speaker_node = first(str(SLD.speaker))
    speaker = index.value(speaker_node) if isinstance(speaker_node, NamedNode) else None
    type_label = first(str(SLD.typeLabel))
    concept = linked("type")
    shown_type = concept
    if isinstance(type_label, Literal):
        shown_type = Value(type_label.value, concept.iri if concept else None)
    heading = " ".join(
        part
        for part in (
            speaker.text if speaker else None,
            f"({shown_type.text})" if shown_type else None,
        )
        if part
    ) or title(index, uri)
    number, date, role = (
        first(str(SLD.speechNumber)),
        first(str(SLD.dateTime)),
        first(str(SLD.speakerRole)),
    )
    source = first(str(SLD.source))
    return SpeechView(
        heading=heading,
        speaker=speaker,
        role=role.value if isinstance(role, Literal) else None,
        group=linked("group"),
        function=linked("function"),
        type=shown_type,
        number=number.value if isinstance(number, Literal) else None,
        date=format_date(date.value) if isinstance(date, Literal) else None,
        language=language_name(text.language) if text else None,
        tag=text.language if text else None,
        paragraphs=paragraphs(text.value) if text else (),
        translations=translations(index, uri),
        source=Value(source.value, source.value)
        if isinstance(source, NamedNode)
        else (Value(source.value) if isinstance(source, Literal) else None),
    )
