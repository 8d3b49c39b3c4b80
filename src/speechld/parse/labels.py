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
        "Talerrolle",
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

LABEL_FIELDS: dict[str, str] = {
    label.casefold(): field for field, labels in FIELD_LABELS.items() for label in labels
}


def field_of(line: str) -> str | None:
    """The field a label line names, or None if the line is not a label.

    >>> field_of("Ræðunúmer"), field_of("Speaker role:"), field_of("Takk, president!")
    ('number', 'role', None)
    """
    return LABEL_FIELDS.get(line.strip().rstrip(":").strip().casefold())
