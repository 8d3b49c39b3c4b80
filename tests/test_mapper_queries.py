"""The README's example queries, run over mapped hand-made speeches in a real store."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from speechld.mapper import NON_ATTACHED, page_graph
from speechld.rdf import ntriples
from speechld.schemes import scheme_files, vocabulary_graph
from speechld.store import EmbeddedStore, SourceGraph
from speechld.vocab import Minter

from .handmade import BASE, INGESTED, SCHEMES, SPEECHES, VERSION, readme_queries, unique

MINT = Minter(BASE)
QUERIES = readme_queries()


@pytest.fixture(scope="module")
def store() -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(None)
    graphs = [vocabulary_graph(MINT, scheme_files(SCHEMES))]
    for speech in SPEECHES:
        name, triples, _, shared = page_graph(speech, MINT, INGESTED, VERSION)
        graphs.append(
            SourceGraph(name.value, ntriples(triples), "", ntriples(shared), f"{BASE}graph/shared")
        )
    store.replace(graphs)
    yield store
    store.close()


def rows(store: EmbeddedStore, title: str) -> list[dict[str, str]]:
    """A README query's solutions as variable -> lexical value."""
    solutions = store.select(QUERIES[title])
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def test_readme_has_the_example_queries() -> None:
    assert set(QUERIES) == {
        "Speeches per party group",
        "All speeches by Michael Tetzschner",
        "Speeches with a Swedish translation",
        "Speeches by type",
    }


def test_speeches_per_party_group(store: EmbeddedStore) -> None:
    expected = Counter(
        s.party_group for s in unique(SPEECHES) if s.party_group not in (None, NON_ATTACHED)
    )
    found = {r["group"]: int(r["speeches"]) for r in rows(store, "Speeches per party group")}
    assert found == {str(MINT.group(key)): n for key, n in expected.items()}
    names = {r["group"]: r.get("name") for r in rows(store, "Speeches per party group")}
    assert names[str(MINT.group("social-democrats"))] == "Social Democratic Group"


def test_all_speeches_by_michael_tetzschner(store: EmbeddedStore) -> None:
    mine = [s for s in unique(SPEECHES) if s.speaker == "Michael Tetzschner"]
    found = rows(store, "All speeches by Michael Tetzschner")
    assert sorted(r["speech"] for r in found) == sorted(str(MINT.speech(s.id)) for s in mine)
    dated = [r["when"] for r in found if "when" in r]
    assert dated == sorted(dated) and len(dated) == sum(s.date is not None for s in mine)


def test_speeches_with_a_swedish_translation(store: EmbeddedStore) -> None:
    expected = sum(any(t.language == "sv" for t in s.translations) for s in unique(SPEECHES))
    (found,) = rows(store, "Speeches with a Swedish translation")
    assert int(found["speeches"]) == expected > 0


def test_speeches_by_type(store: EmbeddedStore) -> None:
    expected = Counter(s.type for s in unique(SPEECHES) if s.type)
    found = rows(store, "Speeches by type")
    assert {r["type"]: int(r["speeches"]) for r in found} == {
        str(MINT.type(key)): n for key, n in expected.items()
    }
    counts = [int(r["speeches"]) for r in found]
    assert counts == sorted(counts, reverse=True)
    assert {r.get("name") for r in found} == {"Main speech", "Reply", "Response to reply"}
