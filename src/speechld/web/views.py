"""What the HTML pages show of a resource, built from its document's triples; pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import unquote, urlsplit

from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from rdflib import RDF, RDFS, XSD
from rdflib.namespace import DCTERMS, FOAF, PROV, SKOS

from speechld.mapper import NON_ATTACHED, source_key
from speechld.vocab import ACTIVITY, SCHEMA, SLD
from speechld.web import terms

Node = NamedNode | BlankNode | Literal
LABELS = (str(RDFS.label), str(SKOS.prefLabel), str(FOAF.name), str(DCTERMS.title))
# Properties that name a resource alike: where they give the same names, one row shows them.
NAMES = (str(RDFS.label), str(FOAF.name), str(SCHEMA.name))
TYPE = str(RDF.type)
MOMENTS = (str(SLD.dateTime), str(DCTERMS.date))  # a speech's time, else its day
DATES = (str(XSD.date), str(XSD.dateTime))
STRING = str(XSD.string)
SPEECH, SITTING = str(SLD.Speech), str(SLD.Sitting)
LANGUAGE_IRIS = ("http://id.loc.gov/vocabulary/iso639-1/", "http://id.loc.gov/vocabulary/iso639-2/")
# What a list of the resources linking through a property is about, from the page's title.
HEADINGS = {
    str(SLD.speaker): "Speeches by {}",
    str(SLD.speechType): "Speeches of type {}",
    str(SLD.partyGroup): "Speeches by members of {}",
    str(SLD.function): "Speeches with the function {}",
    str(SLD.sitting): "Speeches at this sitting",
    str(SLD.translation): "The speech translated",
    str(SKOS.inScheme): "Concepts of {}",
    str(SKOS.topConceptOf): "Top concepts of {}",
    str(PROV.wasAssociatedWith): "Ingests by {}",
}
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
    "und": "undetermined language",
}


def language_name(tag: str | None) -> str | None:
    """A language tag as people name the language.

    >>> language_name("nb"), language_name("xx-YY")
    ('Norwegian Bokmål', 'xx-YY')
    """
    if not tag:
        return None
    return LANGUAGES.get(tag.lower(), LANGUAGES.get(tag.split("-")[0].lower(), tag))


def format_date(text: str) -> str:
    """An xsd:dateTime or xsd:date as people read it; the text itself if it is neither.

    >>> format_date("2012-10-31T18:58:00"), format_date("2012-10-31")
    ('31 October 2012, 18:58', '31 October 2012')
    >>> format_date("2025-01-02T00:59:23Z"), format_date("not a date")
    ('2 January 2025, 00:59 UTC', 'not a date')
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    day = f"{moment.day} {moment:%B %Y}"
    if "T" not in text:
        return day
    offset = moment.utcoffset()
    zone = "" if offset is None else " UTC" if not offset else f" {moment:%z}"
    return f"{day}, {moment:%H:%M}{zone}"


def file_name(iri: str) -> str:
    """The name of a local file, from its file: IRI (its path is of no use to a reader).

    >>> file_name("file:///srv/corpus/000_662a.txt")
    '000_662a.txt'
    """
    return unquote(urlsplit(iri).path).rstrip("/").rsplit("/", 1)[-1] or iri


def source_value(node: Node) -> Value:
    """A source as a page shows it: a web page linked, a local file by its name (said to be
    one: a bundled page's source is a bare name, maybe the same)."""
    if isinstance(node, NamedNode) and node.value.startswith("file:"):
        return Value(f"{file_name(node.value)} (a local file)")
    if isinstance(node, NamedNode):
        return Value(node.value, node.value)
    return Value(node.value)


def shown_language(literal: Literal) -> str | None:
    """The lang attribute of a literal's text: its tag, "" if it has none (the language is
    unknown), None for English, the pages' own language."""
    if literal.language:
        return None if literal.language == "en" else literal.language
    return ""


@dataclass(frozen=True)
class Value:
    """One value as a page shows it: text, and a link where it names a resource."""

    text: str
    iri: str | None = None  # the resource named, for links
    lang: str | None = None  # the text's language: None for the page's (English), "" unknown
    datatype: str | None = None  # as prefix:name
    datetime: str | None = None  # a date or dateTime as written, for <time datetime>


@dataclass(frozen=True)
class Row:
    """A property and its values (and, where several properties state the same values,
    those properties by their prefixed names)."""

    property: str
    label: str
    values: tuple[Value, ...]
    same: tuple[Value, ...] = ()


@dataclass(frozen=True)
class Translation:
    """A translation of a speech's text."""

    language: str | None
    tag: str | None
    paragraphs: tuple[str, ...]
    iri: str | None = None  # the translation's own URI


@dataclass(frozen=True)
class SpeechView:
    """A speech laid out like the published page it was read from."""

    heading: str  # the page title: speaker and type, in English
    name: str  # the speaker, or the speech by its number
    kind: Value | None  # the type: in English, else as the page names it
    speaker: Value | None
    guest: bool  # an external speaker, not a member
    status: tuple[Value, ...]  # the record's state as the page gives it: the text may change
    roles: tuple[Value, ...]
    group: Value | None
    non_attached: Value | None  # the status of a member of no party group, linked to its concept
    function: Value | None
    type: Value | None  # the type's concept, by its English name
    wording: tuple[Value, ...]  # the type as the source pages name it, where they differ
    number: str | None
    date: Value | None  # linked to the sitting
    language: str | None
    tag: str | None  # the text's language tag
    paragraphs: tuple[str, ...]
    translations: tuple[Translation, ...]
    sources: tuple[tuple[Value, Value | None], ...]  # each with the graph it was read into
    graphs: tuple[Value, ...]  # other named graphs holding the speech

    @property
    def title(self) -> str:
        """The page's title: the heading, with the number and date that tell apart two
        speeches of one speaker and type."""
        number = f", speech {self.number}" if self.number else ""
        return f"{self.heading}{number}{f', {self.date.text}' if self.date else ''}"

    def citation(self, uri: str, dataset: str) -> str:
        """How to cite the speech after its heading: which, when, the URI that stays, and
        the page it was read from."""
        read = next((s.text for s, _ in self.sources if s.text.startswith("http")), None)
        source = f" From {read}." if read else ""
        which = self.title.removeprefix(self.heading)
        return f"{which}. Nordic Council plenary speech. In: {dataset}. {uri}.{source}"


@dataclass(frozen=True)
class Listed:
    """A speech as a row of a list: when, which, what type, who, as what."""

    link: Value  # the speech, by its number
    number: str | None  # its number, if it has one (a screen reader reads "Speech 11")
    date: Value | None
    type: Value | None
    speaker: Value | None
    roles: tuple[Value, ...]


@dataclass(frozen=True)
class Links:
    """The resources that link to a page's resource through one property."""

    predicate: str
    heading: str
    speeches: tuple[Listed, ...]
    others: tuple[Value, ...]  # those that are not speeches

    @property
    def speaker_column(self) -> bool:
        """Whether the list names each speaker (not on the speaker's own page)."""
        return self.predicate != str(SLD.speaker)

    @property
    def type_column(self) -> bool:
        """Whether the list names each type (not on the type's own page)."""
        return self.predicate != str(SLD.speechType)


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

    def objects(self, key: str, predicate: object) -> list[Node]:
        """The resource's values of a property, each once, in the document's order."""
        wanted = str(predicate)
        return list(dict.fromkeys(o for p, o in self.by_subject.get(key, []) if p == wanted))

    def first(self, key: str, predicate: object) -> Node | None:
        """The resource's first value of a property, if it has one."""
        return next(iter(self.objects(key, predicate)), None)

    def best(self, key: str, prefer: str | None = None) -> Literal | None:
        """The resource's best label: in the preferred language, English, untagged, any."""
        found = self.labels.get(key)
        if not found:
            return None
        order = [prefer, "en", None]
        return min(found, key=lambda v: order.index(v.language) if v.language in order else 9)

    def label(self, key: str, prefer: str | None = None) -> str | None:
        """The text of the resource's best label."""
        found = self.best(key, prefer)
        return found.value if found else None

    def name(self, key: str) -> Value | None:
        """How a page names the resource: a speech by its speaker and English type, a
        sitting by its date, an ingest by its source, anything else by its best label."""
        types = self.types.get(key, [])
        if SPEECH in types:
            named = self.speech_name(key)
            if named:
                return named
        day = self.first(key, DCTERMS.date)
        if SITTING in types and isinstance(day, Literal):
            return Value(f"Sitting of {format_date(day.value)}")
        used = self.first(key, PROV.used)
        if key.endswith("#" + ACTIVITY) and isinstance(used, NamedNode | Literal):
            return Value(f"Ingest of {source_value(used).text}")
        found = self.best(key)
        return Value(found.value, lang=shown_language(found)) if found else None

    def speech_type(self, key: str) -> tuple[Value | None, tuple[Value, ...]]:
        """A speech's type by its concept's English name, and as its pages name it where
        they name it otherwise."""
        concept = next(
            (o for o in self.objects(key, SLD.speechType) if isinstance(o, NamedNode)), None
        )
        english = self.value(concept) if concept else None
        wording = tuple(
            Value(o.value, lang=shown_language(o))
            for o in self.objects(key, SLD.typeLabel)
            if isinstance(o, Literal) and (english is None or o.value != english.text)
        )
        return english, wording

    def speaker(self, key: str) -> Value | None:
        """A speech's speaker, linked, by the name as the page writes it where it says."""
        node = self.first(key, SLD.speaker)
        if not isinstance(node, NamedNode):
            return None
        shown, written = self.value(node), self.first(key, SLD.speakerName)
        return replace(shown, text=written.value) if isinstance(written, Literal) else shown

    def speech_name(self, key: str) -> Value | None:
        """A speech as "speaker (type)", the speaker as the page writes the name and the
        type in English where its concept is known; None if the document does not name
        the speaker."""
        speaker, written = self.first(key, SLD.speaker), self.first(key, SLD.speakerName)
        who = self.label(speaker.value) if isinstance(speaker, NamedNode) else None
        if isinstance(written, Literal):
            who = written.value
        number = self.first(key, SLD.speechNumber)
        if who is None and speaker is None and isinstance(number, Literal):
            who = f"Speech {number.value}"
        if who is None:
            return None
        english, wording = self.speech_type(key)
        kind = english or next(iter(wording), None)
        if kind is None:
            return Value(who, lang="")
        return Value(f"{who} ({kind.text})", lang=kind.lang)

    def value(self, node: Node) -> Value:
        """A node as a page shows it: a resource by its name, a literal by its text."""
        if isinstance(node, Literal):
            return literal_value(node)
        key = node_key(node)
        if isinstance(node, BlankNode):
            found = self.name(key)
            return Value(found.text, lang=found.lang) if found else Value("(anonymous)")
        found = self.name(key)
        if found:
            return Value(found.text, key, found.lang)
        if _is_term(key):
            return Value(terms.label(key), key)
        if key.startswith(LANGUAGE_IRIS):
            return Value(language_name(key.rsplit("/", 1)[-1]) or key, key)
        if key.startswith("file:"):
            return source_value(node)
        if key.endswith("#" + ACTIVITY):
            return Value(f"Ingest of graph {key[: -len(ACTIVITY) - 1].rsplit('/', 1)[-1]}", key)
        return Value(key, key)

    def date(self, subject: str) -> str | None:
        """The resource's date (its sld:dateTime, else dcterms:date) as people read it."""
        for predicate in MOMENTS:
            found = self.first(subject, predicate)
            if isinstance(found, Literal):
                return format_date(found.value)
        return None

    def detail(self, key: str) -> str | None:
        """What tells a resource from others of its name in a list: its number and date."""
        number = self.first(key, SLD.speechNumber)
        shown = [f"no. {number.value}" if isinstance(number, Literal) else "", self.date(key)]
        return " · ".join(filter(None, shown)) or None

    def kinds(self, key: str) -> list[Value]:
        """The resource's classes, each name once."""
        shown: dict[str, Value] = {}
        for t in self.types.get(key, []):
            value = self.value(NamedNode(t))
            shown.setdefault(value.text, value)
        return list(shown.values())

    def rows(self, key: str, skip: Callable[[str], bool] = lambda p: False) -> list[Row]:
        """The resource's properties and values, labels first, then by property name; the
        properties that name it alike in one row."""
        grouped: dict[str, list[Value]] = defaultdict(list)
        for predicate, obj in self.by_subject.get(key, []):
            value = self.value(obj)
            if not skip(predicate) and value not in grouped[predicate]:
                grouped[predicate].append(value)
        rows = merged_names(
            [Row(p, terms.label(p), distinguished(vs)) for p, vs in grouped.items()]
        )
        order = [TYPE, *LABELS]
        return sorted(
            rows,
            key=lambda r: (
                order.index(r.property) if r.property in order else 9,
                r.label.casefold(),
            ),
        )


def literal_value(node: Literal) -> Value:
    """A literal as a page shows it: a date readably, text in its language, else its datatype."""
    datatype = node.datatype.value if node.datatype else STRING
    if datatype in DATES and format_date(node.value) != node.value:
        return Value(format_date(node.value), datetime=node.value)
    shown = terms.curie(datatype)
    if node.language:
        return Value(node.value, lang=node.language)
    if datatype == STRING:
        return Value(node.value, lang="")
    return Value(node.value, datatype=shown)


def distinguished(values: list[Value]) -> tuple[Value, ...]:
    """The values, those of one name that link to different terms named with their prefixed
    names too (schema:Person and foaf:Person are both "Person")."""
    texts = [v.text for v in values]
    return tuple(
        Value(f"{v.text} ({terms.curie(v.iri)})", v.iri, v.lang)
        if v.iri and texts.count(v.text) > 1 and _is_term(v.iri)
        else v
        for v in values
    )


def merged_names(rows: list[Row]) -> list[Row]:
    """The rows, those of the naming properties (label, foaf:name, schema:name) that give
    the same values made one row "name"."""
    alike: dict[frozenset[Value], list[Row]] = defaultdict(list)
    for row in rows:
        if row.property in NAMES:
            alike[frozenset(row.values)].append(row)
    merged = [group for group in alike.values() if len(group) > 1]
    if not merged:
        return rows
    gone = {row.property for group in merged for row in group}
    kept = [row for row in rows if row.property not in gone]
    for group in merged:
        group.sort(key=lambda r: NAMES.index(r.property))
        same = tuple(Value(terms.curie(r.property), r.property) for r in group)
        kept.append(Row(group[0].property, "name", group[0].values, same))
    return kept


def node_key(node: NamedNode | BlankNode | Literal) -> str:
    return f"_:{node.value}" if isinstance(node, BlankNode) else node.value


def _is_term(iri: str) -> bool:
    return iri.startswith(tuple(terms.PREFIXES.values()))


def title(index: Index, uri: str) -> str:
    """The page title of a resource: its name, else the end of its URI."""
    found = index.name(uri)
    return found.text if found else uri.rstrip("/").rsplit("/", 1)[-1] or uri


def graph_value(iri: str) -> Value:
    """A named graph, linked, by the last segment of its name."""
    return Value(iri.rstrip("/").rsplit("/", 1)[-1] or iri, iri)


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
                language = text.language
                iri = obj.value if isinstance(obj, NamedNode) else None
                found.append(
                    Translation(language_name(language), language, paragraphs(text.value), iri)
                )
    return tuple(found)


def speech(index: Index, uri: str, base: str, graphs: Iterable[str] = ()) -> SpeechView:
    """The speech page: who spoke, as what, when, in which language, what was said, and
    where it was read from."""

    def linked(kind: str) -> Value | None:
        prefix = f"{base}id/{kind}/"
        for _, obj in index.by_subject.get(uri, []):
            if isinstance(obj, NamedNode) and obj.value.startswith(prefix):
                return index.value(obj)
        return None

    def literal(predicate: object) -> Literal | None:
        found = index.first(uri, predicate)
        return found if isinstance(found, Literal) else None

    texts = [o for o in index.objects(uri, SLD.text) if isinstance(o, Literal)]
    text = texts[0] if texts else None
    speaker = index.speaker(uri)
    english, wording = index.speech_type(uri)
    kind = english or next(iter(wording), None)
    number, moment = literal(SLD.speechNumber), literal(SLD.dateTime) or literal(DCTERMS.date)
    name = speaker.text if speaker else f"Speech {number.value}" if number else title(index, uri)
    sitting = index.first(uri, SLD.sitting)
    sources = index.objects(uri, SLD.source)
    read_into = {g.rsplit("/", 1)[-1]: graph_value(g) for g in graphs}
    date = None
    if moment is not None:
        shown = literal_value(moment)
        date = Value(
            shown.text,
            sitting.value if isinstance(sitting, NamedNode) else None,
            datetime=shown.datetime,
        )
    return SpeechView(
        heading=f"{name} ({kind.text})" if kind else name,
        name=name,
        kind=Value(kind.text, lang=kind.lang) if kind else None,
        speaker=speaker,
        guest=_true(literal(SLD.externalSpeaker)),
        status=tuple(index.value(o) for o in index.objects(uri, SLD.speechStatus)),
        roles=tuple(index.value(o) for o in index.objects(uri, SLD.speakerRole)),
        group=linked("group"),
        non_attached=Value("Non-attached", f"{base}id/group/{NON_ATTACHED}")
        if _true(literal(SLD.nonAttached))
        else None,
        function=linked("function"),
        type=english,
        wording=wording,
        number=number.value if number else None,
        date=date,
        language=language_name(text.language) if text else None,
        tag=text.language if text else None,
        paragraphs=paragraphs(text.value) if text else (),
        translations=translations(index, uri),
        sources=tuple((source_value(o), read_into.pop(source_key(o.value), None)) for o in sources),
        graphs=tuple(read_into.values()),
    )


def _true(literal: Literal | None) -> bool:
    return literal is not None and literal.value in {"true", "1"}


def links(
    index: Index, uri: str, inverse: Iterable[tuple[NamedNode | BlankNode, NamedNode]]
) -> list[Links]:
    """The resources linking to the page's resource, by property, in the order given: the
    speeches as rows of a table, anything else by its name; the same resources linking
    through two properties (a scheme's concepts, each a top concept) listed once."""
    page_title = title(index, uri)
    speeches: dict[str, list[Listed]] = defaultdict(list)
    others: dict[str, list[Value]] = defaultdict(list)
    for subject, predicate in inverse:
        key = node_key(subject)
        if SPEECH in index.types.get(key, []):
            speeches[predicate.value].append(listed(index, key))
        else:
            others[predicate.value].append(index.value(subject))
    found: dict[tuple[tuple[Listed, ...], tuple[Value, ...]], Links] = {}
    for p in dict.fromkeys([*speeches, *others]):
        heading = HEADINGS.get(p, "Resources whose {label} is {title}")
        heading = heading.format(page_title, label=terms.label(p), title=page_title)
        members = (tuple(speeches.get(p, ())), tuple(others.get(p, ())))
        if members in found:
            same = found[members]
            also = f"{same.heading}, also {heading[:1].lower()}{heading[1:]}"
            found[members] = replace(same, heading=also)
        else:
            found[members] = Links(p, heading, *members)
    return list(found.values())


def listed(index: Index, key: str) -> Listed:
    """A speech as a row of a list."""
    numbers = [o for o in index.objects(key, SLD.speechNumber) if isinstance(o, Literal)]
    dates = [
        o
        for p in (SLD.dateTime, DCTERMS.date)
        for o in index.objects(key, p)
        if isinstance(o, Literal)
    ]
    english, wording = index.speech_type(key)
    return Listed(
        link=Value(numbers[0].value if numbers else "speech", key),
        number=numbers[0].value if numbers else None,
        date=literal_value(min(dates, key=lambda d: d.value)) if dates else None,
        type=english or next(iter(wording), None),
        speaker=index.speaker(key),
        roles=tuple(index.value(o) for o in index.objects(key, SLD.speakerRole)),
    )


def description(title: str, kinds: Iterable[Value], speech: SpeechView | None, total: int) -> str:
    """A sentence saying what the page is about, for search engines and link previews.

    >>> description("Anna Ljunggren", [Value("Person")], None, 3)
    "Anna Ljunggren (Person), with 3 linked resources, in the Nordic Council's plenary speeches."
    """
    if speech is not None:
        language = f", in {speech.language}" if speech.language else ""
        return f"{speech.title}{language}: a speech in the Nordic Council's plenary."
    kind = ", ".join(k.text for k in kinds)
    named = f"{title} ({kind})" if kind else title
    linked = f", with {total} linked resource{'' if total == 1 else 's'}" if total else ""
    return f"{named}{linked}, in the Nordic Council's plenary speeches."


# The speeches of members of no party group: they state sld:nonAttached true, a status,
# instead of linking to its concept, whose page therefore lists them through this query.
NON_ATTACHED_SPEECHES = f"""PREFIX sld: <{SLD}>
PREFIX rdfs: <{RDFS}>
PREFIX dcterms: <{DCTERMS}>
SELECT ?speech ?label ?date ?role WHERE {{
  ?speech sld:nonAttached true ; rdfs:label ?label .
  OPTIONAL {{ ?speech sld:dateTime ?time }}
  OPTIONAL {{ ?speech dcterms:date ?day }}
  BIND(COALESCE(?time, ?day) AS ?date)
  OPTIONAL {{ ?speech sld:speakerRole ?role }}
}}
ORDER BY DESC(STR(?date)) ?label"""


def status_query(uri: str, base: str) -> str | None:
    """The SPARQL query that lists the speeches stating the status a concept names (the
    non-attached concept's), or None for every other resource."""
    return NON_ATTACHED_SPEECHES if uri == f"{base}id/group/{NON_ATTACHED}" else None
