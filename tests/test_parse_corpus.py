"""Every page of the corpus read against a table written by reading the pages (expected.tsv).

The table and how to read it are described in tests/corpus.py.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache

import pytest

from speechld.errors import NotASpeech
from speechld.parse import parse_page
from speechld.parse.concepts import vocabulary
from speechld.record import Speech

from .corpus import PAGES, Row, pages, rows, speech_rows


@cache
def parsed(source: str) -> Speech | NotASpeech:
    """The parser's reading of one corpus page."""
    try:
        return parse_page(pages()[source], source)
    except NotASpeech as error:
        return error


def test_table_covers_the_corpus_in_order() -> None:
    with PAGES.open(encoding="utf-8") as lines:
        corpus = [json.loads(line) for line in lines]
    table = rows()
    assert [row.source for row in table[1:]] == [page["url"] for page in corpus]
    assert [row.kind for row in table[1:]] == [page["kind"] for page in corpus]
    assert Counter(row.kind for row in table) == {
        "speech": 108,
        "protocol": 10,
        "agenda": 5,
        "other": 8,
    }


@pytest.mark.parametrize("row", rows(), ids=lambda row: row.source.split("norden.org")[-1])
def test_page_reads_as_expected(row: Row) -> None:
    result = parsed(row.source)
    if row.kind != "speech":
        assert isinstance(result, NotASpeech)
        assert (result.kind, result.source) == (row.kind, row.source)
        return
    assert isinstance(result, Speech), result
    got = {
        "number": "" if result.number is None else str(result.number),
        "speaker": result.speaker or "",
        "type": result.type or "",
        "role": result.role or "",
        "party_group": result.party_group or "",
        "function": result.function or "",
        "language": result.language,
        "translations": ",".join(t.language for t in result.translations),
        "external": "external" if result.external_speaker else "",
    }
    assert got == {key: getattr(row, key) for key in got}
    assert result.type_conflict is None
    assert result.paragraphs and all(p.strip() for p in result.paragraphs)


def test_every_key_read_or_expected_is_a_concept_of_its_scheme() -> None:
    keys = {name: set(vocabulary(name).keys) for name in ("type", "group", "function")}
    read: dict[str, set[str | None]] = {"type": set(), "group": set(), "function": set()}
    for row in rows():
        result = parsed(row.source)
        if isinstance(result, Speech):
            read["type"] |= {result.type, result.type_conflict, row.type or None}
            read["group"] |= {result.party_group, row.party_group or None}
            read["function"] |= {result.function, row.function or None}
    for name, found in read.items():
        assert found - {None} <= keys[name], name
    # the corpus uses every party group and every speech type: none is there without evidence
    assert keys["group"] == read["group"] - {None}
    assert keys["type"] == read["type"] - {None}


def test_no_information_block_line_leaks_into_a_text() -> None:
    from speechld.parse.labels import field_of, is_block_heading, is_translation_heading

    for row in rows():
        result = parsed(row.source)
        if isinstance(result, Speech):
            texts = [result.paragraphs, *(t.paragraphs for t in result.translations)]
            for paragraphs in texts:
                assert not any(field_of(p) or is_block_heading(p) for p in paragraphs), row.source
                assert not any(is_translation_heading(p) for p in paragraphs), row.source
            assert result.paragraphs[0] not in (result.role, result.speaker), row.source


def test_language_identification_rate() -> None:
    right = total = 0
    wrong = []
    for row in rows():
        result = parsed(row.source)
        if not isinstance(result, Speech):
            continue
        expected = [row.language, *filter(None, row.translations.split(","))]
        found = [result.language, *(t.language for t in result.translations)]
        assert len(found) == len(expected), row.source
        for want, got in zip(expected, found, strict=True):
            total += 1
            right += want == got
            if want != got:
                wrong.append(f"{row.source}: {want} read as {got}")
    rate = right / total
    print(f"\nlanguage identification: {right}/{total} texts right ({rate:.1%})", *wrong)
    assert total == 127  # 108 speeches, 19 of them with a translation
    assert rate >= 0.95


def test_two_urls_of_one_speech_give_one_id() -> None:
    finnish = parsed("https://www.norden.org/fi/node/39732")
    swedish = parsed("https://www.norden.org/sv/node/39732/printable/print")
    assert isinstance(finnish, Speech) and isinstance(swedish, Speech)
    assert finnish.source != swedish.source
    assert finnish.id == swedish.id


def test_the_table_and_the_parser_tell_the_same_speeches_apart() -> None:
    """Pages are one speech for the parser (one id) exactly when they are for the table."""
    by_id: dict[str, set[tuple[str, str]]] = {}
    for row in speech_rows():
        result = parsed(row.source)
        assert isinstance(result, Speech), row.source
        by_id.setdefault(result.id, set()).add(row.speech_key)
    assert all(len(keys) == 1 for keys in by_id.values())
    assert len(by_id) == len({row.speech_key for row in speech_rows()})


def test_different_speeches_never_share_an_id() -> None:
    speeches = [r for r in map(parsed, pages()) if isinstance(r, Speech)]
    by_id: dict[str, set[tuple[int | None, str | None, str]]] = {}
    for speech in speeches:
        by_id.setdefault(speech.id, set()).add((speech.number, speech.speaker, speech.text))
    assert len(speeches) == 108
    assert len(by_id) == 107  # the two pages of node 39732 are one speech
    assert all(len(variants) == 1 for variants in by_id.values())


def test_a_speech_status_is_read_where_the_page_gives_one() -> None:
    statuses = {
        row.source: parsed(row.source).status  # type: ignore[union-attr]
        for row in speech_rows()
    }
    waiting = {s for s, status in statuses.items() if status == "Waiting for transcription"}
    assert waiting == {s for s in statuses if "\nWaiting for transcription\n" in pages()[s]}
    assert len(waiting) > 10
    assert all(f"\n{status}\n" in pages()[s] for s, status in statuses.items() if status)
