"""A speaker role read for the party group and the function it names, by the vocabularies."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from speechld.parse.concepts import vocabulary

ROLES = 4096  # distinct speaker roles remembered: a parliament has far fewer
# Words that end the head of a role: "Talesperson för ...", "Minister for ...".
PREPOSITIONS = frozenset(
    {"for", "för", "of", "af", "av", "i", "til", "till", "fra", "från", "from", "in", "på"}
    | {"som", "as", "at", "to"}
)


def _alternation(pairs: list[tuple[str, str]]) -> str:
    return "|".join(f"(?P<k{i}>{re.escape(label)})" for i, (label, _) in enumerate(pairs))


@cache
def _group_pattern() -> tuple[re.Pattern[str], list[str]]:
    pairs = vocabulary("group").phrases()
    # A group starts a word and may take a genitive or definite ending: "Gruppes".
    pattern = re.compile(rf"(?<!\w)(?:{_alternation(pairs)})\w{{0,3}}(?!\w)")
    return pattern, [key for _, key in pairs]


@cache
def _function_pattern() -> tuple[re.Pattern[str], list[str]]:
    pairs = vocabulary("function").phrases()
    # A function may end a compound ("Fiskeriminister") and take a genitive "s".
    pattern = re.compile(rf"(?:{_alternation(pairs)})s?(?!\w)")
    return pattern, [key for _, key in pairs]


# What makes a function named after it another one: a deputy's ("Vicestatsminister",
# "Ställföreträdande statsminister") or a former holder's ("Tidl. statsminister").
DEPUTY = re.compile(r"(?:vice|vise|vara|apulais|ställföreträdande|stedfortr[æe]dende|ex)-?$")
NOT_HOLDING = frozenset(
    {"vice", "deputy", "ställföreträdande", "stedfortrædende", "stedfortredende"}
    | {"tidl.", "tidligere", "tidigare", "fd.", "fd", "f.d.", "fhv.", "forhenværende"}
    | {"former", "ex", "ex-", "entinen", "fyrrverandi", "fv."}
)
NOT_HOLDING_REACH = 2  # words before a function that may say it is not held ("tidl. norsk")


def _held(text: str, start: int) -> bool:
    """Whether the function named at text[start:] is the speaker's own, not a deputy's or
    a former holder's.

    >>> _held("vicestatsminister", 4), _held("tidl. statsminister", 6), _held("statsminister", 0)
    (False, False, True)
    >>> _held("tidligere norsk statsminister", 16), _held("ex-statsminister", 3)
    (False, False)
    """
    before = text[:start]
    in_word = before.rsplit(" ", 1)[-1]
    if in_word:
        return not DEPUTY.search(in_word)
    return not NOT_HOLDING & set(before.split()[-NOT_HOLDING_REACH:])


def _keys(pattern: tuple[re.Pattern[str], list[str]], text: str, held: bool = False) -> list[str]:
    regex, keys = pattern
    found = []
    folded = " ".join(text.casefold().split())
    for match in regex.finditer(folded):
        name = match.lastgroup
        if name is not None and (not held or _held(folded, match.start())):
            found.append(keys[int(name[1:])])
    return found


@lru_cache(maxsize=ROLES)
def party_group_of(role: str | None) -> str | None:
    """The key of the party group a speaker role names, or None.

    >>> party_group_of("Den Konservative Gruppes talsperson"), party_group_of("S-gruppen")
    ('conservative', 'social-democratic')
    >>> party_group_of("Udvalget for Kultur og Uddannelses talsperson") is None
    True
    """
    found = _keys(_group_pattern(), role) if role else []
    return found[0] if found else None


def _head(role: str) -> str:
    """The first part of a role, without parentheses: 'Statsminister, Sverige' -> 'Statsminister'.

    >>> _head("Fungerende statsminister (samarbejdsminister), Danmark")
    'Fungerende statsminister'
    """
    first = re.sub(r"\([^)]*\)", " ", role.split(",")[0])
    return " ".join(first.split())


@lru_cache(maxsize=ROLES)
def function_of(role: str | None) -> str | None:
    """The key of the function a speaker role names, or None.

    >>> function_of("Præsidiets talsperson"), function_of("Samarbejds- og Fiskeriminister")
    ('spokesperson', 'minister')
    >>> function_of("Vicepræsident, Baltisk Forsamlings talsperson")
    'vice-president'
    >>> function_of("Forsvarsminister og vicestatsminister"), function_of("Tidl. statsminister")
    ('minister', None)
    """
    if not role:
        return None
    head = _head(role)
    words = head.split()
    cut = next((i for i, w in enumerate(words) if w.casefold() in PREPOSITIONS), len(words))
    # The head noun ends a genitive phrase ("Præsidiets talsperson") and comes before a
    # preposition ("Minister for Børn"); failing that, the first function named anywhere.
    for part, pick in ((" ".join(words[:cut]), -1), (head, -1), (role, 0)):
        found = _keys(_function_pattern(), part, held=True)
        if found:
            return found[pick]
    return None
