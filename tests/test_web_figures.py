"""Whole-dataset figures: compact members, and counts that survive their file intact."""

from __future__ import annotations

from pathlib import Path

from speechld.store import EmbeddedStore
from speechld.web.figures import FIGURES, Counts, Members, _count_shared, from_json, to_json

PREFIX = "http://x/id/speech/"


def test_members_read_back_every_uri_in_order() -> None:
    uris = [f"{PREFIX}{n:05d}" for n in range(1000)] + [f"{PREFIX}ä-ö"]
    members = Members(PREFIX, uris)
    assert len(members) == len(uris) and list(members) == uris
    assert members[-1] == uris[-1] and members[100:103] == uris[100:103]
    assert members[999:2000] == uris[999:]


def test_counts_survive_their_json_file() -> None:
    counts = Counts(
        3,
        {"speech": Members(PREFIX, [f"{PREFIX}a", f"{PREFIX}bb"]), "person": Members("p/", [])},
        (f"{PREFIX}a",),
        42,
        (("http://c", 2),),
        (("http://p", 40), ("http://q", 2)),
    )
    again = from_json(to_json(counts))
    assert list(again.kinds["speech"]) == [f"{PREFIX}a", f"{PREFIX}bb"]
    assert len(again.kinds["person"]) == 0
    assert (again.entities, again.examples, again.triples) == (3, (f"{PREFIX}a",), 42)
    assert (again.classes, again.properties) == (counts.classes, counts.properties)


def test_a_damaged_counts_file_is_counted_again(tmp_path: Path) -> None:
    store = tmp_path / "store"
    EmbeddedStore(store).close()
    directory = store / FIGURES
    prefix = "http://127.0.0.1:5000/id/"
    first = _count_shared(directory, 1.0, str(store), prefix)
    (path,) = directory.glob("*.json")
    path.write_text('{"kinds": [1, 2]}', encoding="utf-8")
    again = _count_shared(directory, 1.0, str(store), prefix)
    assert to_json(again) == to_json(first)
    assert from_json(path.read_text(encoding="utf-8")).entities == first.entities
