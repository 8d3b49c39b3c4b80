"""The speech page as a browser renders it: headless Chromium against a live server."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from speechld.parse import parse_page

from .conftest import LiveServer
from .paths import SEED
from .test_serve import speech_uri

TIMEOUT = 60  # seconds Chromium may take to start, load and print the page

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium() -> str:
    """The Chromium binary; the test is skipped, saying why, where none is installed."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("Chromium is not installed here (.ci/run installs Debian's chromium)")
    return found


def rendered_text(url: str, profile: Path) -> str:
    """The page's DOM after Chromium has loaded it, as text without tags."""
    result = subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    dom = result.stdout.decode("utf-8", errors="replace")
    assert result.returncode == 0 and "<html" in dom, result.stderr.decode(errors="replace")
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom)))


def test_speech_page_in_headless_chromium(live_server: LiveServer, tmp_path: Path) -> None:
    # Chromium asks for text/html first: the speech URI answers 303 to its page.
    seed = parse_page(SEED.read_text(encoding="utf-8"), SEED.name)
    first_sentence = seed.paragraphs[0].split(". ")[0]
    assert seed.speaker and len(first_sentence) > 20
    text = rendered_text(speech_uri(live_server), tmp_path / "profile")
    assert f"Speaker {seed.speaker}" in text
    assert first_sentence in text
