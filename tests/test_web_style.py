"""The style sheets: every colour is a theme variable, and text is readable in both themes."""

from __future__ import annotations

import re

import pytest

from .webdata import repo_file

STATIC = "src/speechld/web/static/"
SHEETS = ("speechld.css", "sparql.css")
TEXT = ("ink", "muted", "accent")  # colours text is written in
GROUNDS = ("paper", "panel", "alert")  # colours text is written on
MINIMUM = 4.5  # WCAG 2 AA contrast for normal text
COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(")


def sheet(name: str) -> str:
    return repo_file(STATIC + name).read_text(encoding="utf-8")


def themes() -> dict[str, dict[str, str]]:
    """The variables of the light theme (the first :root) and of the dark one (the
    :root inside the prefers-color-scheme: dark query), each complete."""
    css = sheet("speechld.css")
    light_block = re.search(r":root\s*\{([^}]*)\}", css)
    dark_query = css.split("prefers-color-scheme: dark", 1)[1]
    dark_block = re.search(r":root\s*\{([^}]*)\}", dark_query)
    assert light_block and dark_block

    def variables(block: str) -> dict[str, str]:
        return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\s*;", block))

    light = variables(light_block.group(1))
    return {"light": light, "dark": light | variables(dark_block.group(1))}


def luminance(colour: str) -> float:
    """Relative luminance of a #rgb or #rrggbb colour (WCAG 2)."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """The WCAG 2 contrast ratio of two colours.

    >>> round(contrast("#000", "#fff"), 1)
    21.0
    """
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_text_colour_is_readable_on_every_background(theme: str) -> None:
    colours = themes()[theme]
    ratios = {(t, g): round(contrast(colours[t], colours[g]), 2) for t in TEXT for g in GROUNDS}
    assert min(ratios.values()) >= MINIMUM, ratios


def test_the_themes_define_the_same_colours_and_follow_the_system() -> None:
    light, dark = themes()["light"], themes()["dark"]
    assert set(light) >= {*TEXT, *GROUNDS} and set(dark) == set(light)
    assert "color-scheme: light dark" in sheet("speechld.css")  # form controls, scrollbars


@pytest.mark.parametrize("name", SHEETS)
def test_no_colour_is_written_outside_the_theme_variables(name: str) -> None:
    css = sheet(name)
    outside = re.sub(r":root\s*\{[^}]*\}", "", css)  # both themes' variable blocks
    assert not COLOUR.findall(outside), f"{name} names colours the themes do not set"


@pytest.mark.parametrize("name", SHEETS)
def test_words_break_only_where_they_would_not_fit(name: str) -> None:
    # break-all split ordinary words ("Party grou / p") even where they fit on the next line
    assert "break-all" not in sheet(name)
