"""The export form (the seed speech) read into a Speech record."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from speechld.errors import ParseError
from speechld.parse import parse_page
from speechld.parse.common import parse_date
from speechld.record import Speech

from .paths import SEED


@pytest.fixture(scope="module")
def seed() -> Speech:
    return parse_page(SEED.read_text(encoding="utf-8"), SEED.name)


def test_seed_facts(seed: Speech) -> None:
    assert seed.number == 211
    assert seed.type_label == "Hovedindlæg"
    assert seed.speaker == "Anna Ljunggren"
    assert seed.role == "Den socialdemokratiska gruppens talsperson"
    assert seed.date == datetime(2012, 10, 31, 18, 58)
    assert seed.language == "nb"


def test_seed_page_break_rejoined(seed: Speech) -> None:
    sentence = "slik at de blir mindre sårbare for rekruttering."
    assert sum(sentence in p for p in seed.paragraphs) == 1
    assert "---" not in seed.text


def test_seed_paragraphs_kept(seed: Speech) -> None:
    assert len(seed.paragraphs) == 5
    assert seed.paragraphs[0].startswith("Menneskehandel er grenseoverskridende")
    assert seed.paragraphs[-1].endswith("vil vi stå maktesløse i kampen.")
    assert not any("Ræðunúmer" in p or "Speaker role" in p for p in seed.paragraphs)


def test_seed_id_is_stable(seed: Speech) -> None:
    again = parse_page(SEED.read_text(encoding="utf-8"), "elsewhere/copy.txt")
    assert again.id == seed.id and len(seed.id) == 16


@pytest.mark.parametrize("text", ["", "   \n\n", "# Title without a type\n\nText."])
def test_unreadable_pages_raise_parse_error(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_page(text, "bad.txt")
    assert "bad.txt" in str(caught.value)


@pytest.mark.parametrize(
    ("written", "when"),
    [
        ("31.10.12 18:58", datetime(2012, 10, 31, 18, 58)),
        ("05.03.98 10:15", datetime(1998, 3, 5, 10, 15)),  # not 2098
        ("05.03.1998 10:15", datetime(1998, 3, 5, 10, 15)),
        ("31.10.2012", date(2012, 10, 31)),  # a day without a time stays a day
        ("2019-10-29", date(2019, 10, 29)),
        ("2019-10-29 14:05", datetime(2019, 10, 29, 14, 5)),
    ],
)
def test_seed_with_its_date_written_otherwise(written: str, when: datetime | date) -> None:
    text = SEED.read_text(encoding="utf-8").replace("31.10.12 18:58", written)
    speech = parse_page(text, SEED.name)
    assert speech.date == when and type(speech.date) is type(when)


@pytest.mark.parametrize(
    ("year", "today", "expected"),
    [
        ("27", date(2026, 1, 1), 2027),
        ("28", date(2026, 1, 1), 1928),
        ("52", date(2026, 6, 1), 1952),
    ],
)
def test_a_two_digit_year_more_than_a_year_ahead_is_in_the_last_century(
    year: str, today: date, expected: int
) -> None:
    parsed = parse_date(f"01.11.{year} 10:00", today)
    assert parsed is not None and parsed.year == expected
