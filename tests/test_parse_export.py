"""The export form (the seed speech) read into a Speech record."""

from __future__ import annotations

from datetime import datetime

import pytest

from speechld.errors import ParseError
from speechld.parse import parse_page
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
