"""Language identification: every Nordic Council language, short texts, unreadable ones."""

from __future__ import annotations

import pytest

from speechld.parse.language import identify

FAROESE = (
    "Góðan dag, forseti. Eg vil takka fyri orðið og siga nakað um hetta uppskotið, "
    "sum er sera týdningarmikið fyri Føroyar og fyri norðurlendska samstarvið."
)
GREENLANDIC = (
    "Qujanaq siulittaasoq. Inatsisartut ataatsimiinnerat pillugu oqaaseqarusuppunga, "
    "Kalaallit Nunaanni inuiaqatigiit pillugit."
)
NYNORSK = "Takk, president! Eg vil gjerne seie noko om dette forslaget frå utvalet for vekst."


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        (FAROESE, "fo"),
        (GREENLANDIC, "kl"),
        (NYNORSK, "nn"),
        ("Kiitos, puheenjohtaja! Haluan sanoa muutaman sanan tästä ehdotuksesta.", "fi"),
    ],
)
def test_languages_lingua_has_no_model_of_are_named(text: str, tag: str) -> None:
    assert identify(text) == tag


def test_a_text_too_short_for_one_detector_is_judged_by_the_other() -> None:
    assert identify("Tack!") == "sv"
    assert identify("Kiitos.") == "fi"


def test_texts_without_letters_or_readable_characters_are_undetermined() -> None:
    assert identify("12 34 — 56") == "und"
    assert identify("") == "und"
    assert identify("Takk, president! Jeg vil gjerne si noe om dette forslaget. \ud800") == "nb"
