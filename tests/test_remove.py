"""Removing sources: `speechld remove` drops each named page's graph whole, and only those."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
from bench.synthetic import pages as synthetic_pages
from rdflib import Graph, URIRef
from rdflib.namespace import PROV

from speechld.errors import SpeechldError, StoreError
from speechld.ingest import ingest
from speechld.remove import remove
from speechld.store import EmbeddedStore, GraphStore
from speechld.store.stats import stats
from speechld.vocab import SLD
from speechld.web import create_app

from .conftest import start_server, stop_server
from .paths import ROOT, SEED
from .test_ingest import (
    CLI,
    DANISH,
    SWEDISH,
    by_graph,
    on_terminal,
    run,
    seed_and_edited,
    store_quads,
    write_pages,
)
from .virtuoso import Virtuoso

BASE = "https://data.example.org/"
GONE = "http://www.w3.org/ns/prov#invalidatedAtTime"
PAGE_URL = "https://www.norden.org/da/speech/12-maria-stockhaus-replik"  # in pages.jsonl
FOAF = "http://xmlns.com/foaf/0.1/"
NAMES = f"SELECT ?n WHERE {{ ?p a <{FOAF}Person> ; <{FOAF}name> ?n }}"
SPEECHES = f"SELECT ?s WHERE {{ ?s a <{SLD.Speech}> }}"
REPLACED = "SELECT ?o WHERE { ?s <http://purl.org/dc/terms/replaces> ?o }"


def counts(store: Path) -> dict[str, int]:
    """`speechld stats` of an embedded store, as JSON."""
    found: dict[str, int] = json.loads(run("stats", "--store", str(store), "--format", "json"))
    return found


def failing(*args: str) -> str:
    """Run a speechld command that must fail; what it printed to stderr."""
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 1, done.stdout
    return done.stderr


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A copy of the bundled corpus (page files and a JSON-lines file)."""
    return Path(shutil.copytree(ROOT / "data", tmp_path / "corpus"))


def test_removing_a_page_leaves_the_store_an_ingest_without_it_gives(
    corpus: Path, tmp_path: Path
) -> None:
    store, clean = tmp_path / "store", tmp_path / "clean"
    run("ingest", "--store", str(store), str(corpus))
    before = counts(store)
    page = corpus / SEED.name
    out = run("remove", "--store", str(store), str(page))
    assert out.startswith("removed 1 source, and 2 shared descriptions")  # speaker, sitting
    page.unlink()
    run("ingest", "--store", str(clean), str(corpus))
    graphs = by_graph(store_quads(store))
    (left,) = [g for g, quads in graphs.items() if GONE in {q.predicate.value for q in quads}]
    said = graphs.pop(left)
    assert graphs == by_graph(store_quads(clean))  # and the removed page's graph says when
    subjects = {str(q.subject) for q in said if q.predicate.value == GONE}
    assert f"<{left}>" in subjects and len(subjects) == 2  # it and its speech were removed
    digest = {(str(q.subject), str(q.object)) for q in said if q.predicate.value != GONE}
    assert digest == {(f"<{left}>", f'"{hashlib.sha256(b"").hexdigest()}"')}  # of nothing
    after = counts(store)
    assert (after["speeches"], after["persons"]) == (before["speeches"] - 1, before["persons"] - 1)
    assert after["graphs"] == before["graphs"]


def test_a_page_goes_by_its_url_and_a_source_not_in_the_store_changes_nothing(
    corpus: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    run("ingest", "--store", str(store), str(corpus))
    before = store_quads(store)
    message = failing("remove", "--store", str(store), PAGE_URL, "https://example.org/no-page")
    assert "https://example.org/no-page: the store holds no page of this source" in message
    message = failing("remove", "--store", str(store), "https://example.org/a", PAGE_URL, "b")
    assert "https://example.org/a, b: the store holds no page of these sources" in message
    assert "'': an empty source names no page" in failing("remove", "--store", str(store), "")
    assert store_quads(store) == before
    speeches = counts(store)["speeches"]
    quiet = subprocess.run(
        [*CLI, "remove", "--store", str(store), PAGE_URL],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert quiet.returncode == 0 and quiet.stderr == ""  # no progress line off a terminal
    assert quiet.stdout.startswith("removed 1 source")
    assert counts(store)["speeches"] == speeches - 1
    gone = store_quads(store)
    assert f"{PAGE_URL}: the store holds no page" in failing(
        "remove", "--store", str(store), PAGE_URL
    )
    assert store_quads(store) == gone


def test_a_name_not_valid_utf_8_is_shown_escaped_and_a_file_so_named_goes(
    tmp_path: Path,
) -> None:
    store, odd = tmp_path / "store", os.fsdecode(bytes(tmp_path / "pages") + b"/bad\xff.txt")
    Path(odd).parent.mkdir()
    shutil.copy(SEED, odd)
    run("ingest", "--store", str(store), odd)
    done = subprocess.run(
        [*CLI, "remove", "--store", str(store), "https://x/\udcff"],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert b"https://x/\\xff: the store holds no page of this source" in done.stderr
    done = subprocess.run(
        [*CLI, "remove", "--store", str(store), "file:///x/\udcff"],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 1 and b"Traceback" not in done.stderr, done.stderr
    assert b"file:///x/\\xff: the store holds no page of this source" in done.stderr
    assert run("remove", "--store", str(store), odd).startswith("removed 1 source")
    assert counts(store)["speeches"] == 0


def test_a_directory_takes_every_page_under_it_even_one_deleted_since(tmp_path: Path) -> None:
    store = tmp_path / "store"
    pages, others = write_pages(tmp_path / "pages", 3), write_pages(tmp_path / "others", 2, 1)
    run("ingest", "--store", str(store), str(pages), str(others))
    assert counts(store)["speeches"] == 5
    (pages / "000001.md").unlink()
    listed = run("remove", "--store", str(store), "--dry-run", str(pages)).split()
    assert listed == sorted(f"{pages.as_uri()}/{n:06d}.md" for n in range(3))
    assert counts(store)["speeches"] == 5
    out, shown = on_terminal("remove", "--store", str(store), str(pages))
    assert out.startswith(b"removed 3 sources") and b"3 of 3 pages removed" in shown
    assert counts(store)["speeches"] == 2
    run("ingest", "--store", str(store), str(others))
    assert counts(store)["speeches"] == 2
    assert run("remove", "--store", str(store), others.as_uri()).startswith("removed 2 sources")


def test_remove_on_each_store_drops_the_graph_and_what_no_page_names(
    each_store: GraphStore,
) -> None:
    one, two = synthetic_pages(2, 11, form="export")
    assert one.source != two.source
    ingest(each_store, [], BASE, items=[(one.source, one.text), (two.source, two.text)])
    names = {row["n"].value for row in each_store.select(NAMES)}
    assert len(names) == 2
    before = stats(each_store)
    removal = remove(each_store, [one.source])
    assert removal.sources == [one.source] and removal.pruned >= 1
    after = stats(each_store)
    assert (after.speeches, after.persons, after.graphs) == (1, 1, before.graphs)  # one left
    assert {row["n"].value for row in each_store.select(NAMES)} < names
    with pytest.raises(SpeechldError, match="holds no page of this source"):
        remove(each_store, [one.source])
    assert stats(each_store) == after


def test_a_running_server_stops_serving_a_removed_speech(tmp_path: Path) -> None:
    store = tmp_path / "store"
    pages = write_pages(tmp_path / "pages", 2)
    run("ingest", "--store", str(store), str(pages))
    parsed = [
        json.loads(line)
        for line in run("parse", "--format", "json", str(pages)).split("\n")
        if line
    ]
    gone, kept = (item["uri"].split("/", 3)[3] for item in parsed)
    server = start_server(store)
    try:
        assert requests.get(server.url + gone, timeout=10).ok
        run("remove", "--store", str(store), str(pages / "000000.md"))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and requests.get(server.url + gone, timeout=10).ok:
            time.sleep(0.2)
        removed = requests.get(server.url + gone, timeout=10, headers={"Accept": "text/html"})
        assert removed.status_code == 410 and "was removed from this dataset on " in removed.text
        document = requests.get(server.url + gone.replace("id/", "doc/", 1) + ".ttl", timeout=10)
        assert document.status_code == 410  # in Turtle: when it went
        assert " prov:invalidatedAtTime " in document.text
        assert requests.get(server.url + kept, timeout=10).ok
    finally:
        stop_server(server)


def test_a_missing_store_is_named_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "none"
    for extra in ([], ["--dry-run"]):
        message = failing("remove", "--store", str(missing), *extra, str(SEED))
        assert f"{missing}: no store here yet" in message
        assert not missing.exists()


def test_remove_on_virtuoso_from_the_command_line(tmp_path: Path, virtuoso: Virtuoso) -> None:
    virtuoso.clear()
    pages, env = write_pages(tmp_path / "pages", 3), virtuoso.env()
    try:
        run("ingest", str(pages), env=env)
        assert run("remove", str(pages / "000002.md"), env=env).startswith("removed 1 source")
        assert json.loads(run("stats", "--format", "json", env=env))["speeches"] == 2
    finally:
        virtuoso.clear()


def test_a_removal_it_cannot_publish_says_it_is_stored(tmp_path: Path) -> None:
    one, two = synthetic_pages(2, 13, form="export")
    root = tmp_path / "store"
    store = EmbeddedStore(root)
    ingest(store, [], BASE, items=[(one.source, one.text), (two.source, two.text)])
    (root / "snapshots").rename(tmp_path / "kept")
    (root / "snapshots").write_text("in the way\n")  # no snapshot can be made
    with pytest.raises(StoreError, match=r"1 source removed, but readers .* see them until"):
        remove(store, [one.source])
    (root / "snapshots").unlink()
    (tmp_path / "kept").rename(root / "snapshots")
    assert stats(store).speeches == 1  # the writer's view: the removal is stored
    reader = EmbeddedStore(root, read_only=True)
    assert stats(reader).speeches == 2  # readers see the last snapshot published
    reader.close()
    store.close()  # a writer publishes what it has not as it closes (and as it opens)
    reader = EmbeddedStore(root, read_only=True)
    assert stats(reader).speeches == 1
    reader.close()


def test_removing_thousands_of_pages_drops_every_description_they_alone_named(
    each_store: GraphStore,
) -> None:
    pages = list(synthetic_pages(3000, 17, form="export"))
    ingest(each_store, [], BASE, items=[(p.source, p.text) for p in pages])
    removal = remove(each_store, [p.source for p in pages])
    assert removal.pruned > 1000  # speakers and sittings: in one query's list, Virtuoso refused
    after = stats(each_store)
    assert (after.speeches, after.persons) == (0, 0)
    left = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BASE}graph/shared> {{ ?s ?p ?o }} }}"
    assert int(next(iter(each_store.select(left)))["n"].value) == 0
    one = pages[0]
    ingest(each_store, [], BASE, items=[(one.source, one.text)])
    assert stats(each_store).speeches == 1


def test_a_speech_is_gone_only_when_no_page_gives_it_and_back_when_one_does(
    each_store: GraphStore,
) -> None:
    danish, swedish = (f"https://www.norden.org/{lang}/speech/seed" for lang in ("da", "sv"))
    text = SEED.read_text(encoding="utf-8")
    ingest(each_store, [], BASE, items=[(danish, text), (swedish, text)])
    said = f"SELECT ?s WHERE {{ ?s <{GONE}> ?when }}"
    (speech,) = {
        row["s"].value for row in each_store.select(f"SELECT ?s WHERE {{ ?s a <{SLD.Speech}> }}")
    }

    def gone() -> set[str]:
        return {row["s"].value for row in each_store.select(said)} - set(each_store.graphs())

    remove(each_store, [danish])
    assert gone() == set()  # the Swedish page gives it still
    remove(each_store, [swedish])
    assert gone() == {speech} and stats(each_store).speeches == 0
    ingest(each_store, [], BASE, items=[(swedish, text)])
    assert gone() == set() and stats(each_store).speeches == 1
    remove(each_store, [swedish])
    ingest(each_store, [], BASE, items=[(danish, text)])  # another page gives it again
    assert gone() == set() and stats(each_store).speeches == 1


def test_a_former_speech_goes_with_its_successor_and_leads_to_it_while_it_lives(
    each_store: GraphStore,
) -> None:
    # a page edited so that its speech is another: the former speech's URI leads to the
    # new one while a page gives that, and answers 410 once no page does (not 404)
    text, edited = seed_and_edited()
    ingest(each_store, [], BASE, items=[(DANISH, text)])
    ingest(each_store, [], BASE, items=[(DANISH, edited)])
    ingest(each_store, [], BASE, items=[(SWEDISH, edited)])  # the new speech, once more
    (new,) = {row["s"].value for row in each_store.select(SPEECHES)}
    (old,) = {row["o"].value for row in each_store.select(REPLACED)}
    client = create_app({"STORE": each_store, "BASE": BASE}).test_client()

    def answer(uri: str) -> tuple[int, str | None]:
        response = client.get(uri.removeprefix(BASE[:-1]), headers={"Accept": "text/turtle"})
        return response.status_code, response.headers.get("Location")

    assert answer(old) == (301, new.removeprefix(BASE[:-1]))
    remove(each_store, [DANISH])  # the page that said so goes; the new speech lives on
    assert answer(old) == (301, new.removeprefix(BASE[:-1]))
    assert answer(new)[0] == 303
    remove(each_store, [SWEDISH])
    assert answer(new)[0] == answer(old)[0] == 410
    ingest(each_store, [], BASE, items=[(DANISH, text)])
    assert answer(old)[0] == 303  # given again


def test_an_edited_page_removed_and_given_again_leads_its_former_speech_to_it(
    each_store: GraphStore,
) -> None:
    text, edited = seed_and_edited()
    ingest(each_store, [], BASE, items=[(DANISH, text)])
    (old,) = {row["s"].value for row in each_store.select(SPEECHES)}
    ingest(each_store, [], BASE, items=[(DANISH, edited)])
    remove(each_store, [DANISH])
    with pytest.raises(SpeechldError, match="the store holds no page of this source"):
        remove(each_store, [DANISH])  # gone already: its graph's record stays as it is
    ingest(each_store, [], BASE, items=[(DANISH, edited)])
    (new,) = {row["s"].value for row in each_store.select(SPEECHES)}
    client = create_app({"STORE": each_store, "BASE": BASE}).test_client()
    moved = client.get(old.removeprefix(BASE[:-1]), headers={"Accept": "text/turtle"})
    assert (moved.status_code, moved.headers["Location"]) == (301, new.removeprefix(BASE[:-1]))
    assert client.get(new.removeprefix(BASE[:-1])).status_code == 303


def test_a_removed_speechs_translation_is_gone_with_it() -> None:
    store = EmbeddedStore(None)
    pages = (ROOT / "data" / "pages.jsonl").read_text(encoding="utf-8").splitlines()
    line = next(json.loads(t) for t in pages if "Skandinavisk" in t)
    ingest(store, [], BASE, items=[(line["url"], line["text"])])
    translations = f"SELECT ?t WHERE {{ ?s <{SLD.translation}> ?t }}"
    (translation,) = {row["t"].value for row in store.select(translations)}
    client = create_app({"STORE": store, "BASE": BASE}).test_client()
    path = translation.removeprefix(BASE[:-1])
    assert client.get(path).status_code == 303
    remove(store, [line["url"]])
    speech = URIRef(translation.split("/translation/")[0])
    for asked, rdf in ((path, "nt"), (path.replace("/id/", "/doc/", 1) + ".ttl", "turtle")):
        # an RDF client reads when the speech was removed (text/plain: N-Triples here)
        response = client.get(asked, headers={"Accept": "text/plain"})
        assert response.status_code == 410
        left = Graph().parse(data=response.text, format=rdf)
        assert left.value(speech, PROV.invalidatedAtTime) is not None
        page = client.get(asked.removesuffix(".ttl"), headers={"Accept": "text/html"})
        assert page.status_code == 410 and page.mimetype == "text/html"
        assert re.search(
            r"was removed from this dataset on [0-9]{1,2} [A-Z][a-z]+ [0-9]{4}\.", page.text
        )
