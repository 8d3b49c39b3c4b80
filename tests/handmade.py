"""Hand-made speech records covering every field the mapper reads, and helpers around them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from rdflib import Graph, URIRef

from speechld.mapper import page_graph
from speechld.rdf import graph as rdf_graph
from speechld.record import Speech, Translation
from speechld.schemes import scheme_files, vocabulary_graph
from speechld.vocab import Minter

from .paths import ROOT

BASE = "https://data.example.org/nc/"
INGESTED = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
VERSION = "9.9.9"
SCHEMES = ROOT / "tests" / "data" / "skos"
README = ROOT / "README.md"


def _speech(n: int, **fields: object) -> Speech:
    """A speech record with defaults for what a case does not care about."""
    values: dict[str, object] = {
        "id": f"{n:016x}",
        "source": f"https://www.norden.org/en/node/{1000 + n}",
        "number": n,
        "speaker": None,
        "type_label": None,
        "role": None,
        "date": datetime(2016, 10, 26, 10, n % 60),
        "language": "nb",
        "paragraphs": (f"Takk, president. Dette er innlegg nummer {n}.", "Takk for ordet."),
    }
    values.update(fields)
    return Speech(**values)  # type: ignore[arg-type]


SV = Translation("sv", ("Tack, president. Detta är en översättning.",))
DA = Translation("da", ("Tak, præsident. Dette er en oversættelse.",))

SPEECHES: tuple[Speech, ...] = (
    _speech(
        1,
        speaker="Michael Tetzschner",
        type_label="Hovedinnlegg",
        type="main-speech",
        role="Den konservative gruppens talsperson",
        party_group="conservatives",
    ),
    _speech(
        2,
        speaker="Michael Tetzschner",
        type_label="Replikk",
        type="reply",
        role="Den konservative gruppen",
        party_group="conservatives",
        translations=(SV,),
        status="Waiting for transcription",
    ),
    _speech(
        3,
        speaker="Anna Ljunggren",
        type_label="Hovedindlæg",
        type="main-speech",
        role="Den socialdemokratiska gruppens talsperson",
        party_group="social-democrats",
        translations=(SV,),
    ),
    _speech(
        4,
        speaker="Erkki Tuomioja",
        type_label="Svar på replik",
        type="response-to-reply",
        type_conflict="reply",
        role="Sosialidemokraattinen ryhmä",
        party_group="social-democrats",
        language="fi",
        paragraphs=("Arvoisa puhemies. Kiitos vastauspuheenvuorosta.",),
        translations=(SV, DA),
    ),
    _speech(
        5,
        speaker="Bryndís Haraldsdóttir",
        type_label="Framsöguræða",
        type="main-speech",
        role="Flokkahópur hægrimanna",
        party_group="conservatives",
        language="is",
        paragraphs=("Forseti. Ég þakka fyrir orðið.",),
        translations=(DA,),
    ),
    _speech(
        6,
        speaker="Michael Tetzschner",
        type_label="Main speech",
        type="main-speech",
        role="President of the Nordic Council",
        function="president",
        date=None,
    ),
    _speech(
        7,
        speaker="Jens Stoltenberg",
        external_speaker=True,
        type_label="Reply",
        type="reply",
        language="en",
        paragraphs=("Thank you, President.",),
    ),
    _speech(8, number=None, date=None, language="und", paragraphs=("…",)),
    # The third speech again, read from another interface language's page.
    _speech(
        3,
        source="https://www.norden.org/sv/node/1003",
        speaker="Anna Ljunggren",
        type_label="Huvudinlägg",
        type="main-speech",
        role="Den socialdemokratiska gruppens talsperson",
        party_group="social-democrats",
        translations=(SV,),
    ),
    # A member outside every party group: a status of the group scheme, not a group.
    _speech(
        9,
        speaker="Helge André Njåstad",
        type_label="Replikk",
        type="reply",
        role="Uden partitilknytning",
        party_group="non-attached",
        language="nn",
        paragraphs=("Takk for det, president.",),
    ),
)


def unique(speeches: Iterable[Speech]) -> list[Speech]:
    """One record per speech id, the first page read of each."""
    seen: dict[str, Speech] = {}
    for speech in speeches:
        seen.setdefault(speech.id, speech)
    return list(seen.values())


def fixture_vocabulary(mint: Minter) -> Graph:
    """The SKOS fixture schemes under tests/data/skos, resolved against the mint's base."""
    data = vocabulary_graph(mint, scheme_files(SCHEMES)).ntriples
    return Graph().parse(data=data, format="nt")


def page(speech: Speech, mint: Minter) -> tuple[URIRef, Graph]:
    """A speech's page graph with what it adds to the shared graph (as the union shows them),
    as an rdflib Graph, with the fixed ingest time and version."""
    name, triples, _, shared = page_graph(speech, mint, INGESTED, VERSION)
    graph = Graph(identifier=URIRef(name.value))
    graph += rdf_graph(triples + shared)
    return URIRef(name.value), graph


def union(speeches: Iterable[Speech], mint: Minter) -> Graph:
    """The triples of every speech's page graph together, as a query's default graph sees them."""
    data = Graph()
    for speech in speeches:
        data += page(speech, mint)[1]
    return data


def readme_blocks(kind: str) -> list[str]:
    """The fenced code blocks of one kind (`sparql`, `turtle`) in the README's Data model."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Data model\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"^```{kind}\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)


def readme_queries() -> dict[str, str]:
    """The README's example SPARQL queries, by the comment line that opens each."""
    queries = {}
    for block in readme_blocks("sparql"):
        first, _ = block.split("\n", 1)
        queries[first.lstrip("# ").strip()] = block
    return queries
