"""The labels of a speech page's information block, in every interface language."""

from __future__ import annotations

# field -> the labels that name it on norden.org pages (en, da, sv, no, fi, is).
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "number": (
        "Speech number",
        "Talenummer",
        "Tale nummer",
        "Tal nummer",
        "Talnummer",
        "Puheen numero",
        "Ræðunúmer",
    ),
    "type": (
        "Speech type",
        "Type",
        "Typ",
        "Taletype",
        "Taltyp",
        "Laji",
        "Puheenvuoron laji",
        "Gerð",
    ),
    "speaker": (
        "Person",
        "Henkilö",
        "Notandi",
        "Speaker",
        "Taler",
        "Talare",
        "Puhuja",
        "Ræðumaður",
    ),
    "external_speaker": (
        "External speaker",
        "Externa tal",
        "Extern talare",
        "Ekstern taler",
        "Ulkopuolinen puhuja",
        "Gestaræðumaður",
    ),
    "role": (
        "Speaker role",
        "Talerrolle",
        "Talarroll",
        "Puhujan rooli",
        "Hlutverk ræðumanns",
    ),
    "status": ("Speech statuses", "Status", "Tila", "Staða"),
    "date": ("Date", "Dato", "Datum", "Päivämäärä", "Dagsetning"),
}

# The headings that open an information block.
BLOCK_HEADINGS: frozenset[str] = frozenset(
    {"information", "informasjon", "tietoja", "upplýsingar", "oplysninger", "upplysningar"}
)

# The headings under which a page gives a translation of the speech.
TRANSLATION_HEADINGS: frozenset[str] = frozenset(
    {
        "skandinavisk oversættelse",
        "skandinavisk oversettelse",
        "skandinavisk översättning",
        "skandinavisk omsetjing",
        "scandinavian translation",
        "skandinaavinen käännös",
        "skandinavísk þýðing",
        "dansk oversættelse",
        "svensk översättning",
        "norsk oversettelse",
        "translation",
        "oversættelse",
        "oversettelse",
        "översättning",
    }
)

# The first line of a debate listing (agenda page).
AGENDA_HEADINGS: frozenset[str] = frozenset(
    {"agenda", "dagsorden", "dagordning", "dagsordning", "esityslista", "dagskrá"}
)

# Who presides, as protocols write a speaker turn: "Præsidenten: ...", "Præsident: NAME".
PRESIDING: tuple[str, ...] = (
    "Præsident",
    "Præsidenten",
    "President",
    "Presidenten",
    "Presidentti",
    "Puhemies",
    "Forseti",
    "Ordföranden",
)

LABEL_FIELDS: dict[str, str] = {
    label.casefold(): field for field, labels in FIELD_LABELS.items() for label in labels
}


def field_of(line: str) -> str | None:
    """The field a label line names, or None if the line is not a label.

    >>> field_of("Ræðunúmer"), field_of("Speaker role:"), field_of("Takk, president!")
    ('number', 'role', None)
    """
    return LABEL_FIELDS.get(_fold(line))


HEADING_MARKS = "#*_ \t"  # of a Markdown heading or emphasis, and the spaces around them


def _fold(line: str) -> str:
    """A heading line as looked up: without Markdown heading or emphasis marks, case,
    spacing and a trailing colon."""
    return " ".join(line.strip(HEADING_MARKS).casefold().split()).rstrip(":").strip()


def is_block_heading(line: str) -> bool:
    """Whether a line opens an information block.

    >>> is_block_heading("Tietoja"), is_block_heading("## Upplýsingar")
    (True, True)
    """
    return _fold(line) in BLOCK_HEADINGS


def is_translation_heading(line: str) -> bool:
    """Whether a line opens a translation of the speech.

    >>> is_translation_heading("Skandinavisk oversættelse:"), is_translation_heading("Tak.")
    (True, False)
    >>> is_translation_heading("**Skandinavisk oversættelse**")
    True
    """
    return len(line) < 60 and _fold(line) in TRANSLATION_HEADINGS
