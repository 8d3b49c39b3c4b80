"""Language identification of speech texts, as BCP 47 tags."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

# The languages spoken in the Nordic Council that the detector knows, with their tags.
# Faroese (fo) and Greenlandic (kl) have no model in lingua; their speeches come with
# a Scandinavian translation and are tagged by the closest language it knows.
TAGS: dict[str, str] = {
    "DANISH": "da",
    "SWEDISH": "sv",
    "BOKMAL": "nb",
    "NYNORSK": "nn",
    "FINNISH": "fi",
    "ICELANDIC": "is",
    "ENGLISH": "en",
}
UNDETERMINED = "und"
SAMPLE = 300  # characters: enough to tell these languages apart (see bench/), cheap on long texts


@cache
def _detector() -> LanguageDetector:
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in TAGS]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def identify(text: str) -> str:
    """The BCP 47 tag of the language a text is written in, or 'und'.

    >>> identify("Takk, president! Jeg vil gjerne si noe om dette forslaget.")
    'nb'
    """
    sample = text[:SAMPLE]
    if not any(ch.isalpha() for ch in sample):
        return UNDETERMINED
    found = _detector().detect_language_of(sample)
    return TAGS[found.name] if found is not None else UNDETERMINED
