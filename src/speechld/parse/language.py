"""Language identification of speech texts, as BCP 47 tags."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import pycld2

if TYPE_CHECKING:
    from lingua import LanguageDetector

# The languages spoken in the Nordic Council, as CLD2 (Compact Language Detector 2, native
# code) names them, with their tags: Faroese and Greenlandic included.
CLD2_TAGS: dict[str, str] = {
    "da": "da",
    "sv": "sv",
    "no": "nb",
    "nn": "nn",
    "fi": "fi",
    "is": "is",
    "fo": "fo",
    "kl": "kl",
    "en": "en",
}
# The same languages as lingua names them, for texts CLD2 cannot tell reliably (short ones):
# lingua has no model of Faroese or Greenlandic, and tags them by the closest it knows.
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
SAMPLE = 1000  # characters: the whole text gives no other answer on the corpus
SHORT_SAMPLE = 300  # characters given to lingua, whose time grows with the text
MARGIN = 0.1  # lingua's confidence by which its first language must lead the second


@cache
def _detector() -> LanguageDetector:
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in TAGS]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def _cld2(sample: str) -> str | None:
    """The tag CLD2 reliably finds for a text among the Nordic Council's languages, or None."""
    try:
        reliable, _, found = pycld2.detect(sample, isPlainText=True)
    except pycld2.error:  # text it cannot read
        return None
    return CLD2_TAGS.get(found[0][1]) if reliable else None


def identify(text: str) -> str:
    """The BCP 47 tag of the language a text is written in, or 'und'.

    >>> identify("Takk, president! Jeg vil gjerne si noe om dette forslaget.")
    'nb'
    >>> identify("Tak."), identify("Kiitos, puhemies.")
    ('und', 'fi')
    """
    # Lone surrogates (from a JSON escape, say) are no text: neither detector reads them.
    sample = text[:SAMPLE].encode("utf-8", "replace").decode("utf-8")
    if not any(ch.isalpha() for ch in sample):
        return UNDETERMINED
    tag = _cld2(sample)
    if tag is not None:
        return tag
    ranked = _detector().compute_language_confidence_values(sample[:SHORT_SAMPLE])
    if not ranked or (len(ranked) > 1 and ranked[0].value - ranked[1].value < MARGIN):
        return UNDETERMINED  # "Tak.": Danish, Norwegian or Swedish alike
    return TAGS[ranked[0].language.name]
