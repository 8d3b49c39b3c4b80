"""The speech page as a browser renders it: headless Chromium against a live server."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Namespace, URIRef
from rdflib.term import Node
from werkzeug.serving import make_server

from speechld import __version__
from speechld.ingest import ingest
from speechld.parse import parse_page
from speechld.store import EmbeddedStore
from speechld.web import create_app

from . import devtools
from .conftest import LiveServer
from .paths import SEED
from .test_serve import speech_uri
from .webdata import BASE, PAGE_SIZE, fill, repo_file

CORPUS = repo_file("data/pages.jsonl")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")

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


# --- layout on a phone -------------------------------------------------------------------

PHONE = 390  # CSS pixels: the width of a common phone held upright


@pytest.fixture(scope="module")
def corpus_site() -> Iterator[str]:
    """The app over the seed, the real pages of data/ and the web fixtures, served
    on a free port from a thread; its root URL."""
    store = fill(EmbeddedStore(None))
    ingest(store, [CORPUS], BASE)
    app = create_app({"STORE": store, "BASE": BASE, "PAGE_SIZE": PAGE_SIZE})
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join()
    store.close()


def site_pages(root: str) -> list[str]:
    """Every kind of HTML page, and every speech's page: the URLs to measure."""
    pages = [
        "",
        "list/speech",
        "list/person?page=2",
        "list/software",
        ".well-known/void",
        "ontology",
        "dumps/",
        "sparql",
        "sparql?query=SELECT+*+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D+LIMIT+50",
        "sparql?query=SELECT+nonsense",
        "graph/dataset.html",
        "graph/shared.html",
        "graph/vocabulary.html",
        "graph/fixture.html",
        "doc/software/speechld-" + __version__,
        "doc/person/per-many",
        "doc/group/ngv",
        "doc/type/",
        "doc/speech/no-such-speech",
    ]
    graphs = requests.get(root + "doc/software/speechld-" + __version__ + ".html", timeout=10)
    pages += sorted(set(re.findall(r'href="/(graph/[0-9a-f]+)#ingest"', graphs.text)))[:3]
    listed, members = root + "list/speech.ttl", list[Node]()
    while listed:  # every page of the list of speeches, as its Hydra view links them
        rdf = Graph().parse(data=requests.get(listed, timeout=10).text, format="turtle")
        members += rdf.objects(URIRef(BASE + "list/speech"), HYDRA.member)
        following = next(rdf.objects(None, HYDRA.next), None)
        listed = str(following or "").replace(BASE + "list/speech", root + "list/speech.ttl")
    speeches = [str(m).replace(BASE + "id/", root + "doc/") for m in members]
    return [root + p for p in pages] + speeches


# Elements of <main> reaching past its right edge, outside boxes that scroll on purpose.
STICKING_OUT = """[...document.querySelectorAll('main *')].filter(e =>
    e.getBoundingClientRect().right > e.closest('main').getBoundingClientRect().right + 1
    && !e.parentElement.closest('pre, .result .table, .scroll')
).map(e => e.tagName + (e.className ? '.' + e.className : '')).slice(0, 5)"""


# Elements of <main> that show only part of their content, in a box of their own.
CUT_SHORT = """[...document.querySelectorAll('main *')].filter(e =>
    e.scrollHeight > e.clientHeight + 1 && getComputedStyle(e).overflowY != 'visible'
    && !e.closest('textarea, pre, .result .table')
).map(e => e.tagName + (e.className ? '.' + e.className : '')).slice(0, 5)"""


def overflowing(tab: devtools.Browser, urls: list[str]) -> dict[str, object]:
    """The pages wider than the window, with content wider than their main, or with
    text cut short in a little scroll box."""
    found: dict[str, object] = {}
    for url in urls:
        tab.load(url)
        wide, shown = tab.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        sticking_out, cut = tab.evaluate(STICKING_OUT), tab.evaluate(CUT_SHORT)
        if wide > shown or sticking_out or cut:
            found[url] = (wide, sticking_out, cut)
    return found


def test_no_page_scrolls_sideways_on_a_phone(corpus_site: str, tmp_path: Path) -> None:
    urls = site_pages(corpus_site)
    assert len(urls) > 100
    with devtools.browser(chromium(), CHROMIUM_FLAGS, tmp_path / "profile", PHONE) as tab:
        assert tab.evaluate("window.innerWidth") == PHONE
        too_wide = overflowing(tab, urls)
    assert not too_wide, f"wider than the {PHONE} px screen (width, elements, cut): {too_wide}"


def test_content_stays_within_the_page_on_a_desktop(corpus_site: str, tmp_path: Path) -> None:
    urls = [url for url in site_pages(corpus_site) if "/doc/speech/" not in url]
    with devtools.browser(chromium(), CHROMIUM_FLAGS, tmp_path / "profile", 1280) as tab:
        too_wide = overflowing(tab, urls)
    assert not too_wide, f"content wider than the page (width, elements, cut): {too_wide}"


def test_dataset_description_is_read_as_data_and_breaks_no_policy(
    corpus_site: str, tmp_path: Path
) -> None:
    # Chromium logs a refused inline script as a "security" entry; a data block is never run.
    read_block = (
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]')"
        ".textContent)['@type']"
    )
    with devtools.browser(chromium(), CHROMIUM_FLAGS, tmp_path / "profile", PHONE) as tab:
        tab.call("Log.enable")
        for path in ("", ".well-known/void"):
            tab.load(corpus_site + path)
            assert tab.evaluate(read_block) == "Dataset"
        logged = [e["params"]["entry"] for e in tab.events if e["method"] == "Log.entryAdded"]
    assert not [entry for entry in logged if entry["source"] == "security"], logged
