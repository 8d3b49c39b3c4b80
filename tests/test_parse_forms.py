"""Page forms beyond the corpus: blocks without blank lines, at the end, in mixed languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from speechld.errors import NotASpeech, ParseError
from speechld.parse import parse_page

from .paths import SEED

HOUR = timedelta(hours=1)
TEXT = "Takk, president! Jeg vil gjerne si noe om dette forslaget fra utvalget for vekst."
SWEDISH = "Tack, president! Jag vill gärna säga något om förslaget från utskottet för tillväxt."
DANISH = (
    "Tak, præsident! Jeg vil gerne sige noget om forslaget fra udvalget for vækst og udvikling."
)


def page(*lines: str) -> str:
    return "\n".join(lines)


def test_block_run_into_the_text_without_blank_lines() -> None:
    speech = parse_page(
        page(
            "Jorodd Asphjell (Replik)",
            "Information",
            "Type",
            "Replikk",
            "Talenummer",
            "53",
            "Person",
            "Talerrolle",
            "S-gruppen",
            "Dato",
            TEXT,
            "Takk.",
        ),
        "a",
    )
    assert (speech.number, speech.type, speech.role, speech.party_group) == (
        53,
        "reply",
        "S-gruppen",
        "social-democratic",
    )
    assert speech.paragraphs == (TEXT, "Takk.")
    assert speech.date is None and speech.language == "nb"


def test_labels_of_several_languages_in_one_block() -> None:
    speech = parse_page(
        page(
            "Laji",
            "Andsvar",
            "Tal nummer",
            "88",
            "Notandi",
            "Jorodd Asphjell",
            "Speaker role",
            "Nordisk Frhed",
            "Dagsetning",
            "29.10.19 14:05",
            "",
            TEXT,
        ),
        "b",
    )
    assert speech.speaker == "Jorodd Asphjell" and speech.number == 88
    assert (speech.type, speech.type_label) == ("reply", "Andsvar")
    assert speech.party_group == "nordic-freedom"  # a misspelling, as a hidden label
    assert speech.date == datetime(2019, 10, 29, 14, 5)


def test_information_block_after_the_text() -> None:
    speech = parse_page(
        page(
            "Jorodd Asphjell (Replik)",
            "",
            TEXT,
            "",
            "Information",
            "",
            "Speech type",
            "Replik",
            "",
            "Speech number",
            "53",
            "",
            "Date",
            "",
            "31.10.12 18:58",
        ),
        "c",
    )
    assert speech.paragraphs == (TEXT,)
    assert (speech.number, speech.date) == (53, datetime(2012, 10, 31, 18, 58))


def test_field_type_wins_over_the_title_and_the_conflict_is_kept() -> None:
    speech = parse_page(
        page("Bertel Haarder (Hovedindlæg)", "", "Speech type", "Replik", "Date", "", DANISH), "d"
    )
    assert (speech.type, speech.type_label, speech.type_conflict) == (
        "reply",
        "Replik",
        "main-speech",
    )


def test_title_and_field_in_two_languages_agree() -> None:
    speech = parse_page(
        page("Bertel Haarder (Hovedindlæg)", "", "Gerð", "Framsöguræða", "", DANISH), "e"
    )
    assert (speech.type, speech.type_conflict) == ("main-speech", None)


def test_unknown_type_in_a_title_needs_a_block() -> None:
    with pytest.raises(NotASpeech) as caught:
        parse_page(page("Nordic Council (NC)", "", DANISH), "news")
    assert caught.value.kind == "other"
    speech = parse_page(page("Anna Lind (Afslutning)", "", "Speech number", "9", "", DANISH), "f")
    assert (speech.type, speech.type_label, speech.speaker) == (None, "Afslutning", "Anna Lind")


def test_guest_named_only_by_an_external_speaker_field() -> None:
    speech = parse_page(
        page("75. (Svar på replik)", "", "External speaker", "Sauli Niinistö", "Date", "", TEXT),
        "g",
    )
    assert (speech.number, speech.speaker, speech.external_speaker) == (75, "Sauli Niinistö", True)


def test_several_translations_each_with_its_language() -> None:
    speech = parse_page(
        page(
            "Satu Haapanen (Replik)",
            "",
            "Speech type",
            "Reply",
            "",
            "Arvoisa presidentti! Kiitän esittelijää hyvästä puheenvuorosta ja työstä.",
            "Skandinavisk översättning",
            SWEDISH,
            "Skandinavisk oversættelse:",
            "",
            DANISH,
        ),
        "h",
    )
    assert speech.language == "fi"
    assert [(t.language, t.text) for t in speech.translations] == [("sv", SWEDISH), ("da", DANISH)]


def test_headless_page_names_speaker_and_role_in_its_first_lines() -> None:
    speech = parse_page(
        page(
            "Theresa May",
            "Storbritanniens premierminister",
            "",
            "Thank you! We are leaving the EU; we are not leaving Europe.",
            "Skandinavisk oversættelse",
            SWEDISH,
        ),
        "i",
    )
    assert (speech.speaker, speech.role, speech.function) == (
        "Theresa May",
        "Storbritanniens premierminister",
        "prime-minister",
    )
    assert speech.paragraphs[0].startswith("Thank you!") and speech.language == "en"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (page("Agenda", "14.03.23", "1.", "Opening of the Session"), "agenda"),
        (page("13.1.", "Umræðuskjal", "", "222", "Annette Lind", "Erindi", "", DANISH), "agenda"),
        (page("1. Åpning av sesjonen", "", "Ærede president, ministre og gjester…"), "protocol"),
        (page("Valg", "", "Presidenten: Vi går till val.", SWEDISH), "protocol"),
        (page("Færøerne ansøger om medlemskab", "", DANISH), "other"),
        (page("Information", "Nordisk Ministerråd", "Ved Stranden 18", "Content"), "other"),
    ],
)
def test_pages_that_are_not_speeches(text: str, kind: str) -> None:
    with pytest.raises(NotASpeech) as caught:
        parse_page(text, "page.txt")
    assert (caught.value.kind, caught.value.source) == (kind, "page.txt")
    assert "page.txt" in str(caught.value) and kind in str(caught.value)


def test_export_form_with_translation_and_block_without_heading() -> None:
    speech = parse_page(
        page(
            "# Oddný G. Harðardóttir (Replik)",
            "",
            "Forseti og ráðherrar. Norðurlöndin hafa náð ágætum árangri í jafnréttismálum.",
            "",
            "---",
            "",
            "Ég spyr hvað ráðherrann sjái fyrir sér.",
            "",
            "Skandinavisk översättning:",
            "",
            SWEDISH,
            "",
            "Ræðunúmer",
            "",
            "81",
            "",
            "Speaker role",
            "",
            "S-gruppen",
        ),
        "j",
    )
    assert (speech.number, speech.party_group, speech.language) == (81, "social-democratic", "is")
    assert len(speech.paragraphs) == 2 and speech.translations[0].language == "sv"


def test_markdown_page_that_is_no_speech_is_skipped() -> None:
    with pytest.raises(NotASpeech):
        parse_page("# Real speech pages of the Nordic Council\n\nPublic records.", "README.md")
    with pytest.raises(ParseError, match="title line is not"):
        parse_page("# A title\n\nText.\n\n## Information\n\nSpeech number\n\n3", "bad.md")


def test_a_page_with_only_a_block_has_no_text() -> None:
    with pytest.raises(ParseError, match="no speech text"):
        parse_page(page("Anna Lind (Replik)", "", "Speech number", "3", "Date"), "k")


@pytest.mark.parametrize(
    "text",
    [
        "a" + " " * 300_000 + "b",
        "1. " + " " * 300_000 + "(",
        "Hello\n" + " \n" * 150_000 + "x",
        "Anna " + " " * 300_000 + "(Replik)",
        "Speech number\n" + "1" * 300_000,
        "Date\n" * 60_000,
    ],
    ids=["spaces", "protocol-like", "blank-lines", "title-like", "long-value", "labels"],
)
def test_pathological_pages_are_read_in_linear_time(text: str) -> None:
    # A backtracking regular expression would take hours here instead of milliseconds.
    with pytest.raises(ParseError):
        parse_page(text, "huge.txt")


def test_control_characters_go_and_the_lines_stay() -> None:
    text = SEED.read_text(encoding="utf-8")
    dirty = text.replace("Menneskehandel", "Menneske\x01handel\x7f", 1)
    dirty = dirty.replace("\n\n", "\n\x0c", 3).replace("\n", "\x1e", 1)  # line ends of str
    dirty = dirty.replace("Anna Ljunggren", "Anna \u202eLjunggren\u2069")  # bidi overrides
    assert dirty != text
    assert parse_page(dirty, SEED.name) == parse_page(text, SEED.name)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("29.10.2019 - 14:05", datetime(2019, 10, 29, 14, 5)),  # norden.org's own form
        ("29.10.2019, 14:05", datetime(2019, 10, 29, 14, 5)),
        ("31.02.2019 10:00", None),  # impossible: no date, and not text either
        ("29/10/2019 - 14:05", datetime(2019, 10, 29, 14, 5)),
        ("29-10-2019", date(2019, 10, 29)),
        ("29 October 2019, 14:05", datetime(2019, 10, 29, 14, 5)),
        ("tisdag 29 oktober 2019 kl. 14.05", datetime(2019, 10, 29, 14, 5)),
        ("29. oktober 2019", date(2019, 10, 29)),
        ("tiistai 29. lokakuuta 2019 - 14:05", datetime(2019, 10, 29, 14, 5)),
        ("29. október 2019", date(2019, 10, 29)),
        ("31. februar 2019", None),
        ("tiistai 29. lokakuuta 2019 klo 14.05", datetime(2019, 10, 29, 14, 5)),
        ("tirsdag den 29. oktober 2019 kl. 14.05", datetime(2019, 10, 29, 14, 5)),
        ("29.10.2019 14:05:30", datetime(2019, 10, 29, 14, 5, 30)),
        ("October 29, 2019 2:05 PM", datetime(2019, 10, 29, 14, 5)),
        ("Tuesday, October 29th, 2019", date(2019, 10, 29)),
        ("29.10.2019 13:05 PM", None),  # a 12-hour time past 12
        # a zone the page states is kept: the day is the day where the time was written
        ("2019-10-29T23:30:00Z", datetime(2019, 10, 29, 23, 30, tzinfo=UTC)),
        ("29.10.2019 - 14:05 CET", datetime(2019, 10, 29, 14, 5, tzinfo=timezone(HOUR))),
        ("2019-10-29T14:05+01:00", datetime(2019, 10, 29, 14, 5, tzinfo=timezone(HOUR))),
        ("29.10.2019 10:00-12:00", datetime(2019, 10, 29, 10, 0)),  # a range: its start
        ("2019-10-29T14:05+24:00", None),  # no such offset: no date, and not text either
        ("2019-10-29T14:05-14:30", None),
    ],
)
def test_a_date_field_in_any_published_form(value: str, expected: datetime | date | None) -> None:
    page = (
        "Anna Ljunggren (Hovedindlæg)\n\nSpeech number\n211\nType\nHovedindlæg\n"
        f"Speaker\nAnna Ljunggren\nDate\n{value}\n\nFru president! Det er godt.\n"
    )
    speech = parse_page(page, "https://www.norden.org/en/speech/1")
    assert (speech.date, speech.text) == (expected, "Fru president! Det er godt.")


def test_a_block_whose_labels_and_values_blank_lines_part() -> None:
    spaced = parse_page(
        "\n\n".join(
            (
                "Jorodd Asphjell (Replik)",
                "Information",
                "Speech type",
                "Replikk",
                "Speech number",
                "53",
                "Speaker role",
                "S-gruppen",
                "Person",
                "Date",
                "29.10.2019 - 14:05",
                TEXT,
            )
        ),
        "https://www.norden.org/no/speech/53",
    )
    assert (spaced.number, spaced.role, spaced.text) == (53, "S-gruppen", TEXT)
    assert spaced.date == datetime(2019, 10, 29, 14, 5)
    # An empty label before text whose first line is short stays empty: no value is guessed.
    short = parse_page(
        page(
            "Jorodd Asphjell (Replik)",
            "Speech number",
            "53",
            "Person",
            "",
            "Fru president",
            "",
            TEXT,
        ),
        "https://www.norden.org/no/speech/53",
    )
    assert short.text == f"Fru president\n\n{TEXT}"
    # nor from a one-paragraph text that ends the page
    alone = parse_page(
        page("Jorodd Asphjell (Replik)", "Speech number", "53", "Speaker role", "", "Jeg er enig"),
        "https://www.norden.org/no/speech/53",
    )
    assert (alone.role, alone.text) == (None, "Jeg er enig")


@pytest.mark.parametrize(
    "text",
    [
        page("12. Jorodd Asphjell", "Speech number", "12", "Type", "Replikk", "Dato", "", TEXT),
        page("# 12. Jorodd Asphjell", "", TEXT, "", "## Information", "", "Type", "", "Replikk"),
    ],
)
def test_a_title_without_its_type_before_a_block_that_gives_it(text: str) -> None:
    initialled = parse_page(text.replace("Jorodd Asphjell", "Jorodd K. Asphjell"), "page.txt")
    assert initialled.speaker == "Jorodd K. Asphjell"
    speech = parse_page(text, "https://www.norden.org/no/speech/12")
    assert (speech.number, speech.speaker, speech.type, speech.text) == (
        12,
        "Jorodd Asphjell",
        "reply",
        TEXT,
    )


def test_a_heading_before_another_speakers_block_is_no_title() -> None:
    # as before titles without a type were read: not a page of this form, not a speech of
    # a speaker named "Nordic Council Session"
    text = page("Nordic Council Session", "Speech number", "12", "Speaker", "Ann Berg", "", TEXT)
    with pytest.raises(NotASpeech):
        parse_page(text, "page.txt")
