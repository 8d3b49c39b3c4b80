"""Whole-dataset figures: compact members, and counts that survive their files intact."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from speechld.ingest import dataset_graph
from speechld.store import EmbeddedStore, GraphStore, SourceGraph
from speechld.vocab import SLD, Minter
from speechld.web.figures import FIGURES, Counts, Members, _count_shared, count, load, save
from speechld.web.store import Cache

PREFIX = "http://x/id/speech/"
BASE = "http://127.0.0.1:5000/"
SPEECH = "<https://w3id.org/speechld/ontology#Speech>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def store_of(directory: Path, speeches: int) -> Path:
    """An on-disk store of a few typed speeches, closed."""
    store = EmbeddedStore(directory)
    lines = (f"<{BASE}id/speech/{n}> {TYPE} {SPEECH} .\n" for n in range(speeches))
    store.replace([SourceGraph(f"{BASE}graph/{n}", line) for n, line in enumerate(lines)])
    store.close()
    return directory


def test_members_read_back_every_uri_in_order(tmp_path: Path) -> None:
    uris = [f"{PREFIX}{n:05d}" for n in range(1000)] + [f"{PREFIX}ä-ö"]
    members = Members.of(PREFIX, uris)
    (tmp_path / "members").write_bytes(members.buffer)
    for found in (members, Members.mapped(PREFIX, tmp_path / "members"), pickle_copy(members)):
        assert len(found) == len(uris) and list(found) == uris
        assert found[-1] == uris[-1] and found[100:103] == uris[100:103]
        assert found[999:2000] == uris[999:]
        with pytest.raises(IndexError):
            found[len(uris)]


def pickle_copy(members: Members) -> Members:
    """The members after a trip between processes."""
    again = pickle.loads(pickle.dumps(members))
    assert isinstance(again, Members)
    return again


def test_truncated_members_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "members"
    path.write_bytes(Members.of(PREFIX, [f"{PREFIX}a", f"{PREFIX}bb"]).buffer)
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(ValueError, match="do not end"):
        Members.mapped(PREFIX, path)
    path.write_bytes(path.read_bytes()[:12])
    with pytest.raises(ValueError, match="cannot hold 2"):
        Members.mapped(PREFIX, path)


def test_counts_survive_their_files(tmp_path: Path) -> None:
    counts = Counts(
        3,
        {
            "speech": Members.of(PREFIX, [f"{PREFIX}a", f"{PREFIX}bb"]),
            "person": Members.of("p/", []),
        },
        (f"{PREFIX}a",),
        42,
        (("http://c", 2),),
        (("http://p", 40), ("http://q", 2)),
        1,
        ("http://id.loc.gov/vocabulary/iso639-1/da",),
    )
    save(counts, tmp_path / "counts.json")
    again = load(tmp_path / "counts.json")
    assert list(again.kinds["speech"]) == [f"{PREFIX}a", f"{PREFIX}bb"]
    assert len(again.kinds["person"]) == 0
    assert (again.entities, again.examples, again.triples) == (3, (f"{PREFIX}a",), 42)
    assert (again.classes, again.properties) == (counts.classes, counts.properties)
    assert again.dated == 1 and again.languages == counts.languages


@pytest.mark.parametrize("damage", ["json", "members"])
def test_damaged_counts_files_are_counted_again(tmp_path: Path, damage: str) -> None:
    store = store_of(tmp_path / "store", 3)
    directory = store / FIGURES
    prefix = f"{BASE}id/"
    first = list(_count_shared(directory, 1.0, str(store), prefix).kinds["speech"])
    (path,) = directory.glob("*.json")
    if damage == "json":
        path.write_text('{"kinds": [1, 2]}', encoding="utf-8")
    else:
        (members,) = directory.glob("*.speech.members")
        data = members.read_bytes()
        members.unlink()  # a new file: the one mapped above stays as it was
        members.write_bytes(data[:-3])
    again = _count_shared(directory, 1.0, str(store), prefix)
    assert list(again.kinds["speech"]) == first and len(first) == 3
    assert load(path).entities == 3


def test_counts_of_an_older_version_are_removed(tmp_path: Path) -> None:
    store = store_of(tmp_path / "store", 3)
    directory = store / FIGURES
    prefix = f"{BASE}id/"
    _count_shared(directory, 1.0, str(store), prefix)
    old = sorted(p.name for p in directory.iterdir())
    (directory / ".1.000000-0.json.part").write_text("{", encoding="utf-8")  # a crash's
    _count_shared(directory, 2.0, str(store), prefix)
    new = sorted(p.name for p in directory.iterdir())
    assert not set(old) & set(new) - {".lock"}
    assert [n.split("-")[0] for n in new if n != ".lock"] == ["2.000000"] * (len(old) - 1)


def test_a_figure_is_recomputed_once_at_a_time_and_rests_in_between() -> None:
    cache = Cache()
    assert cache.claim("figures")
    assert not cache.claim("figures")  # one recomputation at a time
    cache.done("figures", 0.0)
    assert cache.claim("figures")  # a quick one: the next may start at once
    cache.done("figures", 100.0)
    assert not cache.claim("figures")  # a long one: the next waits REST times as long
    assert cache.claim("base")  # each figure rests on its own


@pytest.fixture()
def store(each_store: GraphStore) -> GraphStore:
    """An empty store of each kind (Virtuoso holding its own system graphs besides)."""
    return each_store


def test_figures_count_our_graphs_alone_and_each_example_once(store: GraphStore) -> None:
    speech = f"<{BASE}id/speech/1> {TYPE} {SPEECH} .\n"
    person = f"<{BASE}id/person/ann> {TYPE} <http://xmlns.com/foaf/0.1/Person> .\n"
    store.replace(
        [  # one speech read from two pages: in two graphs
            dataset_graph(Minter(BASE)),
            SourceGraph(f"{BASE}graph/1", speech + person),
            SourceGraph(f"{BASE}graph/2", speech),
        ]
    )
    found = count(store, f"{BASE}id/")
    assert found.examples == (f"{BASE}id/speech/1",)
    assert found.classes == (
        ("http://rdfs.org/ns/void#Dataset", 1),
        ("http://xmlns.com/foaf/0.1/Person", 1),
        ("https://w3id.org/speechld/ontology#Speech", 1),
    )
    assert found.properties == (
        ("http://rdfs.org/ns/void#uriSpace", 1),
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", 4),
    )
    assert found.triples == store.sizes(f"{BASE}graph/")[0] == 5
    assert found.dated == 0


def test_a_speech_dated_by_two_pages_counts_once(store: GraphStore) -> None:
    speech = f"<{BASE}id/speech/1> {TYPE} {SPEECH} .\n"
    sitting = f"<{BASE}id/speech/1> <{SLD.sitting}> <{BASE}id/sitting/2019-10-29> .\n"
    undated = f"<{BASE}id/speech/2> {TYPE} {SPEECH} .\n"
    store.replace(
        [
            dataset_graph(Minter(BASE)),
            SourceGraph(f"{BASE}graph/1", speech + sitting),
            SourceGraph(f"{BASE}graph/2", speech + sitting),
            SourceGraph(f"{BASE}graph/3", undated),
        ]
    )
    assert count(store, f"{BASE}id/").dated == 1
