"""Realistic synthetic speech pages in both input forms, like the norden.org corpus.

Deterministic for a seed: the same arguments give the same pages, so a benchmark or
a test can regenerate its input instead of keeping it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass

# A few sentences per speech language; paragraphs are drawn from them.
SENTENCES: dict[str, tuple[str, ...]] = {
    "da": (
        "Tak for ordet, præsident.",
        "Det nordiske samarbejde er vigtigere end nogensinde, og vi skal styrke det.",
        "Vi må sikre, at grænsehindringerne bliver fjernet, så borgerne kan arbejde frit.",
        "Klimaforandringerne rammer hele regionen, og vi har et fælles ansvar.",
        "Derfor støtter min gruppe betænkningen og udvalgets forslag.",
        "Jeg vil gerne takke udvalget for et grundigt og godt stykke arbejde.",
    ),
    "sv": (
        "Tack, herr president.",
        "Det nordiska samarbetet måste bli mer konkret för medborgarna i våra länder.",
        "Vi behöver satsa på forskning, utbildning och en gemensam arbetsmarknad.",
        "Jag vill också lyfta frågan om beredskap och försörjningstrygghet i Norden.",
        "Därför yrkar vi bifall till utskottets förslag.",
        "Det är viktigt att vi inte glömmer de unga i den här debatten.",
    ),
    "nb": (
        "Takk, president.",
        "Menneskehandel er grenseoverskridende, organisert kriminalitet.",
        "Vi må jobbe for internasjonal solidaritet og for å utjevne forskjellene.",
        "Det er viktig at dette følges opp av regjeringene i alle de nordiske landene.",
        "Uten tett samarbeid vil vi stå maktesløse i kampen mot disse utfordringene.",
        "Jeg vil takke komiteen for et godt og grundig arbeid med denne saken.",
    ),
    "fi": (
        "Arvoisa puhemies.",
        "Pohjoismainen yhteistyö on meille kaikille erittäin tärkeää.",
        "Meidän on varmistettava, että rajaesteet poistetaan mahdollisimman nopeasti.",
        "Ilmastonmuutos koskettaa koko aluetta, ja meillä on yhteinen vastuu.",
        "Tämän vuoksi ryhmämme kannattaa valiokunnan ehdotusta.",
        "Haluan kiittää valiokuntaa perusteellisesta työstä tämän asian parissa.",
    ),
    "is": (
        "Virðulegi forseti.",
        "Norrænt samstarf skiptir okkur öll miklu máli á þessum tímum.",
        "Við verðum að tryggja að stjórnsýsluhindranir verði fjarlægðar sem fyrst.",
        "Loftslagsbreytingar snerta allt svæðið og ábyrgðin er sameiginleg.",
        "Þess vegna styður flokkahópurinn tillögu nefndarinnar.",
        "Ég vil þakka nefndinni fyrir vandaða og góða vinnu í þessu máli.",
    ),
    "en": (
        "Thank you, President.",
        "Nordic co-operation matters more than ever to the people of our region.",
        "We must make sure that border obstacles are removed as soon as possible.",
        "Climate change affects the whole region and the responsibility is shared.",
        "That is why our group supports the committee's proposal.",
        "I would like to thank the committee for its thorough work on this matter.",
    ),
}
FIRST = (
    "Anna",
    "Bertel",
    "Sigrún",
    "Mikko",
    "Jóhanna",
    "Freddy André",
    "Åsa",
    "Ólafur",
    "Kari",
    "Henrik",
    "Saara-Sofia",
    "Bjørn",
    "Helgi",
    "Liisa",
    "Gunnar",
    "Maria",
)
LAST = (
    "Ljunggren",
    "Haarder",
    "Magnúsdóttir",
    "Kärnä",
    "Øvstegård",
    "Lindström",
    "Sigurðsson",
    "Sirén",
    "Henriksen",
    "Tetzschner",
    "Þórsdóttir",
    "Nieminen",
)
TYPES = (
    "Hovedindlæg",
    "Huvudinlägg",
    "Main speech",
    "Indlæg",
    "Inlägg",
    "Replik",
    "Replikk",
    "Svar på replik",
    "Response to reply",
    "Varsinainen puheenvuoro",
    "Andsvar",
    "Presentation",
    "Framsöguræða",
)
ROLES = (
    "Den socialdemokratiska gruppens talsperson",
    "Den Konservative Gruppe",
    "Nordisk Grøn Venstre",
    "Midtengruppen",
    "Nordisk Frihed",
    "S-gruppen",
    "Præsident",
    "Statsminister",
    "Samarbetsminister",
    "Keskustaryhmä",
    "",
)
TRANSLATION_HEADINGS = (
    "Skandinavisk oversættelse",
    "Skandinavisk oversettelse",
    "Skandinavisk översättning:",
)
# Interface language -> (heading, number, type, speaker, date) labels of the info block.
LABELS: dict[str, tuple[str, str, str, str, str]] = {
    "en": ("Information", "Speech number", "Speech type", "Speaker", "Date"),
    "da": ("Oplysninger", "Talenummer", "Taletype", "Taler", "Dato"),
    "sv": ("Upplysningar", "Talnummer", "Taltyp", "Talare", "Datum"),
    "no": ("Informasjon", "Talenummer", "Taletype", "Taler", "Dato"),
    "fi": ("Tietoja", "Puheen numero", "Puheenvuoron laji", "Puhuja", "Päivämäärä"),
    "is": ("Upplýsingar", "Ræðunúmer", "Gerð", "Notandi", "Dagsetning"),
}


@dataclass(frozen=True)
class Page:
    """One synthetic page: its source, its form and its text."""

    source: str
    form: str  # "export" or "page-text"
    text: str


def _paragraphs(rng: random.Random, language: str, count: int) -> list[str]:
    pool = SENTENCES[language]
    return [" ".join(rng.choice(pool) for _ in range(rng.randint(3, 7))) for _ in range(count)]


def _body(rng: random.Random, language: str) -> list[str]:
    body = _paragraphs(rng, language, rng.randint(3, 8))
    if language in {"fi", "is"} and rng.random() < 0.5:
        body.append(rng.choice(TRANSLATION_HEADINGS))
        body.extend(_paragraphs(rng, rng.choice(("da", "sv", "nb")), len(body) - 1))
    return body


def page(index: int, seed: int = 0, form: str | None = None) -> Page:
    """The synthetic page number `index` (export form, or page-text form every third page)."""
    rng = random.Random(seed * 1_000_003 + index)
    form = form or ("page-text" if index % 3 == 2 else "export")
    language = rng.choice(tuple(SENTENCES))
    interface = rng.choice(tuple(LABELS))
    heading, number_label, type_label, speaker_label, date_label = LABELS[interface]
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    kind = rng.choice(TYPES)
    role = rng.choice(ROLES)
    number = index % 4000 + 1
    date = (
        f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(10, 24):02d} "
        f"{rng.randint(9, 20):02d}:{rng.randint(0, 59):02d}"
    )
    body = _body(rng, language)
    if form == "export":
        cut = rng.randint(1, len(body))
        text_parts = [*body[:cut], "---", *body[cut:]] if cut < len(body) else body
        info = [
            f"## {heading}",
            number_label,
            str(number),
            type_label,
            kind,
            speaker_label,
            f"[{name}](#)",
        ]
        if role:
            info += ["Speaker role", role]
        info += [date_label, date]
        text = "\n\n---\n\n# " + f"{name} ({kind})\n\n" + "\n\n".join(text_parts + info)
        return Page(f"https://www.norden.org/{interface}/speech/{index}", form, text)
    info = [
        f"{number}. {name} ({kind})",
        "",
        heading,
        "",
        "Speech type",
        kind,
        "Speech number",
        str(number),
    ]
    if role:
        info += ["Speaker role", role]
    info += ["Date", "", *("\n\n".join(body)).splitlines()]
    return Page(f"https://www.norden.org/{interface}/speech/{index}-p", form, "\n".join(info))


def pages(count: int, seed: int = 0, form: str | None = None) -> Iterator[Page]:
    """`count` synthetic pages, generated one at a time."""
    for index in range(count):
        yield page(index, seed, form)


def jsonl_line(item: Page) -> str:
    """A page as a line of a `.jsonl` input (`{"url", "text"}`)."""
    return json.dumps({"url": item.source, "text": item.text}, ensure_ascii=False)
