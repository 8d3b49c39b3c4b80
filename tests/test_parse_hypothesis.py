"""Arbitrary text and bytes into the parsers and inputs: only ParseError ever comes out."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speechld.errors import ParseError
from speechld.inputs import Page, read_inputs, speeches
from speechld.parse import export, pagetext, parse_page
from speechld.parse.labels import FIELD_LABELS, TRANSLATION_HEADINGS
from speechld.record import Speech

# Lines a speech page is made of, so that generated pages reach deep into the parsers.
PIECES = st.sampled_from(
    [
        "",
        "---",
        "# Anna Lind (Replik)",
        "## Information",
        "Information",
        "12. Anna Lind (Hovedindlæg)",
        "10. (Svar på spørgsmål)",
        "Svar på spørgsmål",
        "Theresa May",
        "Storbritanniens premierminister",
        "Præsidenten: Vi går nu over til punkt 2.",
        "1.1.",
        "Agenda",
        "31.10.12 18:58",
        "2019-10-29T14:05",
        "[Anna Lind](#)",
        "306",
        "Den Konservative Gruppes talsperson",
        "Takk, president! Jeg vil gjerne si noe om dette.",
        "Arvoisa presidentti! Kiitän esittelijää.",
        *(label for labels in FIELD_LABELS.values() for label in labels),
        *TRANSLATION_HEADINGS,
    ]
)
PAGES = st.lists(st.one_of(PIECES, st.text(max_size=40)), max_size=30).map("\n".join)
RELAXED = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def only_parse_errors(text: str) -> None:
    for parser in (parse_page, export.parse, pagetext.parse):
        try:
            result = parser(text, "fuzz")
        except ParseError as error:
            assert error.source == "fuzz"
        else:
            assert isinstance(result, Speech) and result.paragraphs


@RELAXED
@given(st.text())
def test_arbitrary_text_gives_a_speech_or_a_parse_error(text: str) -> None:
    only_parse_errors(text)


@RELAXED
@given(PAGES)
def test_page_shaped_text_gives_a_speech_or_a_parse_error(text: str) -> None:
    only_parse_errors(text)


@RELAXED
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_on_standard_input(data: bytes) -> None:
    for item in speeches(["-"], limit=1000, stdin=io.BytesIO(data)):
        assert isinstance(item, Speech | ParseError)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=600), st.sampled_from(["page.txt", "page.md", "dump.jsonl"]))
def test_arbitrary_bytes_in_files(tmp_path: Path, data: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    for item in read_inputs([path], limit=500):
        assert isinstance(item, Page | ParseError)
        if isinstance(item, ParseError):
            assert item.source.startswith(str(path))
    for parsed in speeches([path], limit=500):
        assert isinstance(parsed, Speech | ParseError)
