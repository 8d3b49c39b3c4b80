"""Pieces shared by the parsers of every input form: titles, information blocks, translations."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from speechld.errors import ParseError
from speechld.parse.concepts import vocabulary
from speechld.parse.labels import field_of, is_block_heading, is_translation_heading
from speechld.record import Speech, Translation
from speechld.vocab import slug

# "[N. ]Name (Type)": the number and the name are optional.
TITLE = re.compile(
    r"^\s*(?:(?P<number>[0-9]{1,5})\.\s*)?(?P<name>[^()\n]*?)\s*\((?P<type>[^()\n]+)\)\s*$"
)
# A time after a date: "18:58", " - 14:05", ", 14.05", " kl. 14:05", " klo 14.05", with
# seconds, "2:05 PM", a zone by name ("Z", "UTC", "CET") where the page states one, and the
# end of a range ("10:00-12:00", the start taken). An offset is read in ISO 8601 alone.
_NAMED_ZONE = r"(?:\s*(?P<zone>Z|UTC|GMT|[CEW]ES?T))?"
_UNTIL = r"(?:\s*[-\u2013]\s*[0-9]{1,2}[:.][0-9]{2})?"  # the end of a range, "10:00-12:00"
_TIME = (
    r"(?:(?:\s*[-\u2013,]\s*|\s+)(?:(?:klo?\.?|at)\s*)?(?P<H>[0-9]{1,2})[:.](?P<M>[0-9]{2})"
    r"(?:[:.](?P<S>[0-9]{2}))?(?:\s*(?P<half>[AaPp])\.?[Mm]\.?)?" + _NAMED_ZONE + _UNTIL + r")?\s*$"
)
DATE = re.compile(
    r"^\s*(?P<d>[0-9]{1,2})(?P<sep>[./-])(?P<m>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{2}|[0-9]{4})" + _TIME
)
# "1 November 2022", "tiistai 1. marraskuuta 2022 - 14:05", "tirsdag den 1. november 2022":
# a month by name, a weekday before; or the month first, "November 1, 2022".
NAMED_DATE = re.compile(
    r"^\s*(?:[^\W\d_]+,?\s+(?:den\s+)?)?(?P<d>[0-9]{1,2})\.?\s+(?P<month>[^\W\d_]+)\.?,?\s+"
    r"(?P<y>[0-9]{4})" + _TIME
)
MONTH_FIRST = re.compile(
    r"^\s*(?:[^\W\d_]+,?\s+)?(?P<month>[^\W\d_]+)\.?\s+(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?,?\s+"
    r"(?P<y>[0-9]{4})" + _TIME
)
# The months by name in English and the Nordic languages (Finnish also as "of the month").
MONTHS = {
    name: number
    for names in (
        "january february march april may june july august september october november december",
        "januar februar marts april maj juni juli august september oktober november december",
        "januari februari mars april maj juni juli augusti september oktober november december",
        "januar februar mars april mai juni juli august september oktober november desember",
        "janúar febrúar mars apríl maí júní júlí ágúst september október nóvember desember",
        "tammikuu helmikuu maaliskuu huhtikuu toukokuu kesäkuu heinäkuu elokuu syyskuu lokakuu "
        "marraskuu joulukuu",
        "tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta elokuuta "
        "syyskuuta lokakuuta marraskuuta joulukuuta",
    )
    for number, name in enumerate(names.split(), 1)
}
ISO_DATE = re.compile(
    r"^\s*(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})(?:[T ](?P<H>[0-9]{2}):(?P<M>[0-9]{2})"
    r"(?::(?P<S>[0-9]{2})(?:\.[0-9]+)?)?(?P<zone>Z|[+-][0-9]{2}:?[0-9]{2})?)?\s*$"
)
# Zones named by their abbreviation: those of the Nordic countries, summer and winter.
ZONES = {"Z": 0, "UTC": 0, "GMT": 0, "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3}
NAME_WORD = re.compile(r"(?:[A-ZÀ-ÖØ-ÞŁ][\w'\u2019.-]*|af|av|von|van|de|der|den|da|di|du|la|le)")
# Words that open an address to the chair ("Dear President", "Ærede Præsident"), not a name.
SALUTATIONS = frozenset(
    {"dear", "madam", "mister", "mr", "mrs", "ms", "good", "thank", "thanks", "honourable"}
    | {"kære", "kæreste", "ærede", "hr", "herr", "fru", "tak", "kjære", "takk", "kära", "bästa"}
    | {"ärade", "tack", "arvoisa", "hyvä", "kiitos", "kæri", "kæru", "frú", "háttvirtur"}
    | {"hæstvirtur", "virðulegi", "virðulegur"}
)
# "[N. ]Name" without "(Type)": a title only before a block that names the speech.
UNTYPED_TITLE = re.compile(
    r"^\s*(?:(?P<number>[0-9]{1,5})\.\s*)?(?P<name>[^()\n:!?]*[^()\n.:!?\s])\s*$"
)
NUMBER = re.compile(r"[0-9]{1,6}")
TITLE_LIMIT = 200  # characters: a longer line is text, and is not searched for a title
LINK = re.compile(r"^\[(?P<text>[^\]]*)\]\([^)]*\)$")
EMPHASIS = re.compile(r"^(?P<mark>\*\*|__|\*|_)(?P<text>[^*_]+)(?P=mark)$")
INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
SENTENCE_END = (".", "!", "?", "…", ":", ";")


@dataclass(frozen=True, slots=True)
class Title:
    """A page title `[N. ]Name (Type)`, its parts as written."""

    number: int | None
    name: str | None
    type_label: str | None  # None for a title without "(Type)" before a block that has it


@dataclass(frozen=True, slots=True)
class Block:
    """An information block: its fields, where it starts and ends, and whether it had labels."""

    fields: dict[str, str]
    start: int
    end: int
    labelled: bool


def read_title(line: str) -> Title | None:
    """The title a line gives, or None if it is not shaped like one.

    >>> read_title("10. (Svar på spørgsmål)")
    Title(number=10, name=None, type_label='Svar på spørgsmål')
    >>> read_title("Nordic Council session 2023") is None
    True
    """
    match = TITLE.match(line) if len(line) <= TITLE_LIMIT else None
    if not match:
        return None
    name, type_label = " ".join(visible(match["name"]).split()), " ".join(match["type"].split())
    if len(name) > 100 or len(name.split()) > 10 or len(type_label) > 60:
        return None
    number = int(match["number"]) if match["number"] else None
    return Title(number, name or None, type_label)


def looks_like_name(line: str) -> bool:
    """Whether a line is a person's name alone: two to six capitalised words, not an address
    to the chair.

    >>> looks_like_name("Theresa May"), looks_like_name("Thank you! You have given me")
    (True, False)
    >>> looks_like_name("Dear President"), looks_like_name("Ærede Præsident")
    (False, False)
    """
    words = line.split()
    return (
        2 <= len(words) <= 6
        and len(line) <= 60
        and words[0][:1].isupper()
        and words[0].casefold().rstrip(".") not in SALUTATIONS
        and all(NAME_WORD.fullmatch(word) for word in words)
        and not line.endswith(("!", "?", ":", ","))
    )


def untyped_title(line: str, block: Block) -> Title | None:
    """The title "[N. ]Name" without "(Type)", taken as one only when the name looks like a
    person's and an information block that names the speech follows it (a speech number,
    type or speaker).

    >>> fields = Block({"type": "Replik", "number": "12"}, 1, 5, True)
    >>> untyped_title("12. Maria Stockhaus", fields)
    Title(number=12, name='Maria Stockhaus', type_label=None)
    >>> untyped_title("21. Sessionens afslutning", Block({}, 1, 1, False)) is None
    True
    >>> untyped_title("Maria K. Stockhaus", fields).name
    'Maria K. Stockhaus'
    >>> untyped_title("Nordic Council Session", Block({"speaker": "Ann Berg"}, 1, 5, True))
    """
    match = UNTYPED_TITLE.match(line) if len(line) <= TITLE_LIMIT else None
    if not (match and block.labelled and {"number", "type", "speaker"} & set(block.fields)):
        return None
    name = " ".join(visible(match["name"]).split())
    speaker = block.fields.get("speaker")
    if not looks_like_name(name) or (speaker and slug(speaker) != slug(name)):
        return None  # not a name, or not the speaker's (a heading before a speech's block)
    return Title(int(match["number"]) if match["number"] else None, name, None)


def parse_date(value: str, today: date | None = None) -> datetime | date | None:
    """A page's `DD.MM.YY HH:MM` date (also `DD.MM.YYYY - HH:MM`, `/` or `-` for the dots,
    seconds, a 12-hour time, the month by name in English or a Nordic language, or ISO
    8601), or None if it is not one.

    With a time it is a datetime, local and without a zone unless the page states one; without
    one a date, since no time was published. A two-digit year is in this century unless that
    is more than a year after `today` (default: the day it runs), then in the last: `98` is
    1998, `12` 2012.

    >>> parse_date("31.10.12 18:58"), parse_date("05.03.98 10:15")
    (datetime.datetime(2012, 10, 31, 18, 58), datetime.datetime(1998, 3, 5, 10, 15))
    >>> parse_date("2019-10-29"), parse_date("soon"), parse_date("29.10.2019 - 14:05")
    (datetime.date(2019, 10, 29), None, datetime.datetime(2019, 10, 29, 14, 5))
    >>> parse_date("tiistai 1. marraskuuta 2022 - 14:05"), parse_date("01/11/2022")
    (datetime.datetime(2022, 11, 1, 14, 5), datetime.date(2022, 11, 1))
    >>> parse_date("November 1, 2022 2:05 PM"), parse_date("01.11.2022 14:05:30")
    (datetime.datetime(2022, 11, 1, 14, 5), datetime.datetime(2022, 11, 1, 14, 5, 30))
    >>> print(parse_date("2022-11-01T23:30:00Z"), parse_date("01.11.2022 - 14:05 CET"))
    2022-11-01 23:30:00+00:00 2022-11-01 14:05:00+01:00
    >>> parse_date("29.10.2019 10:00-12:00"), parse_date("2019-10-29T14:05+24:00")
    (datetime.datetime(2019, 10, 29, 10, 0), None)
    """
    match = date_shaped(value)
    if not match:
        return None
    parts = match.groupdict()
    month = MONTHS[parts["month"].casefold()] if parts.get("month") else int(parts["m"])
    year = int(parts["y"])
    if len(parts["y"]) == 2:
        this_year = (today or date.today()).year
        year += 2000 if 2000 + year <= this_year + 1 else 1900
    try:
        if parts["H"] is None:
            return date(year, month, int(parts["d"]))
        hour = int(parts["H"])
        if parts.get("half"):
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if parts["half"] in "Pp" else 0)
        seconds = int(parts["S"]) if parts.get("S") else 0
        moment = datetime(year, month, int(parts["d"]), hour, int(parts["M"]), seconds)
        return moment.replace(tzinfo=zone(parts["zone"])) if parts.get("zone") else moment
    except ValueError:  # no such day or time, or an offset past 14:00
        return None


def zone(written: str) -> timezone:
    """The time zone a date states: by name or by offset.

    >>> print(zone("CEST"), zone("-0130"), zone("Z"))
    UTC+02:00 UTC-01:30 UTC
    """
    if written in ZONES:
        return timezone(timedelta(hours=ZONES[written]))
    digits = written[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if minutes >= 60 or hours * 60 + minutes > 14 * 60:  # XML Schema's range
        raise ValueError(f"no time zone is {written}")
    return timezone((-1 if written[0] == "-" else 1) * timedelta(hours=hours, minutes=minutes))


def date_shaped(value: str) -> re.Match[str] | None:
    """The parts of a value shaped like a date (possible or not), else None."""
    for named in (NAMED_DATE.match(value), MONTH_FIRST.match(value)):
        if named and named["month"].casefold() in MONTHS:
            return named
    return DATE.match(value) or ISO_DATE.match(value)


def visible(text: str) -> str:
    """The text without invisible formatting characters (soft hyphens, zero-width spaces,
    joiners, byte order marks), which would make one name two.

    >>> visible("Sigfús\u00adson\u200b")
    'Sigfússon'
    """
    return text if text.isascii() else INVISIBLE.sub("", text)


def clean_value(value: str) -> str:
    """A field value without Markdown link or emphasis syntax, invisible characters, and
    with its spacing collapsed.

    >>> clean_value("[Anna  Ljunggren](#)"), clean_value("**Anna Ljunggren**")
    ('Anna Ljunggren', 'Anna Ljunggren')
    """
    value = " ".join(visible(value).split())
    match = LINK.match(value) or (EMPHASIS.match(value) if value[:1] in "*_" else None)
    return " ".join(match["text"].split()) if match else value


def is_short_value(value: str, limit: int = 200) -> bool:
    """Whether a line can be a field value (a name, a role, a label), not a sentence of text."""
    return 0 < len(value) <= limit and len(value.split()) <= 16 and not value.endswith(SENTENCE_END)


def acceptable(field: str, line: str) -> bool:
    """Whether a line is a plausible value of a field; the block ends at the first that is not.

    A date need only be shaped like one: an impossible one (31.02.2019) is the field's
    value still, read as no date, not the first line of the text.

    >>> acceptable("date", "Takk for redegjørelsen."), acceptable("number", "306")
    (False, True)
    >>> acceptable("date", "31.02.2019 10:00")
    True
    """
    value = clean_value(line)
    if field == "number":
        return NUMBER.fullmatch(value) is not None
    if field == "date":
        return date_shaped(value) is not None
    return is_short_value(value, 80 if field == "type" else 200)


def next_filled(lines: Sequence[str], start: int) -> int:
    """The index of the first non-blank line from start on, or len(lines)."""
    while start < len(lines) and not lines[start].strip():
        start += 1
    return start


def read_block(lines: Sequence[str], start: int, *, compact: bool) -> Block:
    """The information block at start: an optional heading, then label and value lines.

    A label followed by another label has no value. A compact block (page-text form)
    ends at a blank line unless a label follows it, or a value of the pending label that
    a label follows; any block ends at a line that is
    neither a label nor a plausible value of the pending label. A type value without
    its label before the first label counts as the type.

    >>> read_block(["Tietoja", "Laji", "Puheenvuoro", "Henkilö", "Date", "Text."], 0,
    ...            compact=True)
    Block(fields={'type': 'Puheenvuoro'}, start=0, end=5, labelled=True)
    """
    first = i = next_filled(lines, start)
    if i < len(lines) and is_block_heading(lines[i]):
        i += 1
    after_heading = i
    fields: dict[str, str] = {}
    pending: str | None = None
    labelled, end, loose_type = False, i, None
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            following = next_filled(lines, i)
            if (
                compact
                and labelled
                and not (
                    following < len(lines)
                    and (field_of(lines[following]) or spaced_value(lines, following, pending))
                )
            ):
                break
            i = following
            continue
        field = field_of(line)
        if field is not None:
            pending, labelled = field, True
        elif pending is not None and acceptable(pending, line):
            fields.setdefault(pending, clean_value(line))
            pending = None
        elif not labelled and loose_type is None and vocabulary("type").key_of(line):
            loose_type = clean_value(line)
        else:
            break
        i += 1
        end = i
    if loose_type and labelled:
        fields.setdefault("type", loose_type)
    return Block(fields, first, end if labelled else after_heading, labelled)


def spaced_value(lines: Sequence[str], at: int, pending: str | None) -> bool:
    """Whether lines[at] is the value of the pending label in a block whose lines blank
    lines part ("Speech type", "", "Replik", "", "Speech number"): a date or a number, or
    another plausible value that another label follows.

    >>> spaced_value(["Type", "", "Replik", "", "Dato"], 2, "type")
    True
    >>> spaced_value(["Person", "", "Fru president", "", "Takk."], 2, "speaker")
    False
    """
    if pending is None or not acceptable(pending, lines[at]):
        return False
    if pending in ("date", "number"):  # shaped as no line of text is
        return True
    after = next_filled(lines, at + 1)
    return after < len(lines) and field_of(lines[after]) is not None


def trailing_block(lines: Sequence[str], start: int, reach: int = 60) -> Block | None:
    """An information block that ends the page (after the text), if there is one."""
    last = len(lines)
    while last > start and not lines[last - 1].strip():
        last -= 1
    for i in range(max(start, last - reach), last):
        if is_block_heading(lines[i]) or field_of(lines[i]):
            block = read_block(lines, i, compact=False)
            if block.labelled and next_filled(lines, block.end) >= last:
                return block
    return None


def split_translations(lines: Iterable[str]) -> tuple[list[str], list[list[str]]]:
    """The speech's own lines, and the lines under each translation heading.

    >>> split_translations(["Tak.", "Skandinavisk översättning", "Tack."])
    (['Tak.'], [['Tack.']])
    """
    original: list[str] = []
    translations: list[list[str]] = []
    for line in lines:
        if is_translation_heading(line):
            translations.append([])
        elif translations:
            translations[-1].append(line)
        else:
            original.append(line)
    return original, translations


def paragraphs(lines: Iterable[str]) -> list[str]:
    """Lines grouped into paragraphs at blank lines, inner whitespace collapsed."""
    out: list[str] = []
    current: list[str] = []
    for line in lines:
        if line and not line.isspace():
            current.append(line)
        elif current:
            out.append(" ".join(" ".join(current).split()))
            current = []
    if current:
        out.append(" ".join(" ".join(current).split()))
    return out


def assemble(
    source: str,
    title: Title | None,
    fields: dict[str, str],
    text: list[str],
    translations: list[list[str]],
    role: str | None = None,
    speaker: str | None = None,
) -> Speech:
    """A Speech from a page's title, information fields, text and translation paragraphs."""
    from speechld.parse.identity import speech_id
    from speechld.parse.language import identify
    from speechld.parse.roles import function_of, party_group_of

    if not text:
        raise ParseError(source, "the page has no speech text")
    number_text = fields.get("number")
    number = int(number_text) if number_text else (title.number if title else None)
    external = fields.get("external_speaker")
    speaker = fields.get("speaker") or external or (title.name if title else None) or speaker
    role = fields.get("role") or role
    types = vocabulary("type")
    field_label, title_label = fields.get("type"), (title.type_label if title else None)
    field_type, title_type = types.key_of(field_label), types.key_of(title_label)
    body = "\n\n".join(text)
    language = identify(body)
    type_label = field_label or title_label
    return Speech(
        id=speech_id(number, speaker, body),
        source=source,
        number=number,
        speaker=speaker,
        type_label=type_label,
        role=role,
        date=parse_date(fields["date"]) if "date" in fields else None,
        language=language,
        paragraphs=tuple(text),
        type=field_type or title_type,
        party_group=party_group_of(role),
        function=function_of(role),
        type_conflict=title_type if field_type and title_type not in (None, field_type) else None,
        translations=tuple(
            Translation(identify("\n\n".join(part)), tuple(part)) for part in translations if part
        ),
        external_speaker=bool(external),
        status=fields.get("status") or None,
        type_label_language=types.language_of(type_label),
    )
