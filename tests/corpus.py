"""The real corpus under data/ and the table written by reading its pages (expected.tsv).

The table has one row per page: the seed export file, then the 130 pages of pages.jsonl in
order. A speech row gives number, speaker, type key, role as printed, party group and
function keys, the language of the text and of each translation (written by reading them),
and `external` for a guest speaker; a row of another kind says which kind of non-speech
page it is. Roles are taken as printed, even where the site is wrong (page 71, Mikkel
Dencker, is printed with the Left Socialist Green Group).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache

from .paths import ROOT

CORPUS = ROOT / "data"
SEED_PAGE = CORPUS / "000_662a71d7f3bf9c71.txt"
PAGES = CORPUS / "pages.jsonl"
INPUTS = (SEED_PAGE, PAGES)


@dataclass(frozen=True)
class Row:
    """One row of the expected table."""

    source: str
    kind: str
    number: str
    speaker: str
    type: str
    role: str
    party_group: str
    function: str
    language: str
    translations: str
    external: str

    @property
    def speech_key(self) -> tuple[str, str]:
        """Which speech a row is: its number and speaker, or its page when it has no number.

        Speech numbers count the speeches of one session, so a number and a speaker name one
        speech within this corpus; the table shows one speech read from two pages this way.
        """
        return (self.number, self.speaker) if self.number else ("", self.source)

    @property
    def source_uri(self) -> str:
        """The source ingest records for the row's page: its URL, or the file's file: URI."""
        if self.source.startswith(("http://", "https://")):
            return self.source
        return (CORPUS / self.source).resolve().as_uri()


@cache
def pages() -> dict[str, str]:
    """Source -> page text, for the seed file and every line of pages.jsonl."""
    texts = {SEED_PAGE.name: SEED_PAGE.read_text("utf-8")}
    with PAGES.open(encoding="utf-8") as lines:
        for line in lines:
            page = json.loads(line)
            texts[page["url"]] = page["text"]
    return texts


def rows() -> list[Row]:
    """The expected table."""
    with (ROOT / "tests" / "data" / "expected.tsv").open(encoding="utf-8", newline="") as table:
        return [Row(**row) for row in csv.DictReader(table, delimiter="\t")]


def speech_rows() -> list[Row]:
    """The table's speech rows, one per page."""
    return [row for row in rows() if row.kind == "speech"]


def distinct_speeches() -> list[Row]:
    """The table's speeches, one row per speech: the first page read of each."""
    seen: dict[tuple[str, str], Row] = {}
    for row in speech_rows():
        seen.setdefault(row.speech_key, row)
    return list(seen.values())
