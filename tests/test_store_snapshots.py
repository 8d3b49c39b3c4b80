"""Embedded store readers and writer: snapshots, leases and reopening on new data."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from pyoxigraph import Store

from speechld.errors import StoreError
from speechld.ingest import dataset_graph
from speechld.store import EmbeddedStore, SourceGraph, memory, open_store
from speechld.store import embedded as embedded_module
from speechld.store.snapshots import SNAPSHOTS, Lease, current, open_leased
from speechld.vocab import Minter

TRIPLE = '<http://x/id/speech/{n}> <http://www.w3.org/2000/01/rdf-schema#label> "{n}" .\n'


def graph(n: int) -> SourceGraph:
    """A one-triple source graph."""
    return SourceGraph(f"http://x/graph/{n}", TRIPLE.format(n=n))


def count(store: EmbeddedStore) -> int:
    """How many labelled things the store holds."""
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(next(iter(rows))["n"].value)


def snapshots(root: Path) -> set[str]:
    """The names of the snapshots on disk."""
    return {p.name for p in (root / SNAPSHOTS).iterdir()}


def test_reader_needs_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store here yet"):
        open_store(str(tmp_path / "none"), read_only=True)


def test_reader_moves_to_new_data_and_keeps_what_it_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded_module, "RECHECK", 0.0)
    root = tmp_path / "store"
    writer = EmbeddedStore(root)
    writer.replace([graph(1)])
    reader = EmbeddedStore(root, read_only=True)
    first = current(root)
    assert first is not None and count(reader) == 1

    with pytest.raises(StoreError, match="read-only"):
        reader.replace([graph(2)])
    writer.replace([graph(2)])
    assert first in snapshots(root)  # the reader holds it
    time.sleep(0.01)
    assert count(reader) == 2  # reopened on the newer snapshot
    assert first in snapshots(root)  # still leased: a query may still run on it

    monkeypatch.setattr(embedded_module, "GRACE", 0.0)
    time.sleep(0.01)
    reader.store  # noqa: B018 - the check that releases superseded snapshots
    writer.replace([graph(3)])
    assert snapshots(root) == {current(root)} | {reader._lease.snapshot.name}  # type: ignore[union-attr]
    assert count(reader) == 3
    reader.close()
    writer.replace([graph(4)])
    assert snapshots(root) == {current(root)}
    writer.close()


def test_an_idle_reader_lets_go_of_old_snapshots_and_they_go_without_another_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded_module, "TIDY", 0.05)
    monkeypatch.setattr(embedded_module, "GRACE", 0.0)
    root = tmp_path / "store"
    writer = EmbeddedStore(root)
    writer.replace([graph(1)])
    reader = EmbeddedStore(root, read_only=True)  # holds the first snapshot, and is asked nothing
    first = current(root)
    for n in (2, 3):
        writer.replace([graph(n)])
    writer.close()  # the last ingest: no writer will collect the first snapshot
    assert first in snapshots(root)
    deadline = time.monotonic() + 10
    while snapshots(root) != {current(root)} and time.monotonic() < deadline:
        time.sleep(0.05)
    assert snapshots(root) == {current(root)}  # the old one, and the files it kept, gone
    assert count(reader) == 3
    reader.close()


def test_a_dump_keeps_its_snapshot_to_the_end(tmp_path: Path) -> None:
    root = tmp_path / "store"
    writer = EmbeddedStore(root)
    writer.replace([dataset_graph(Minter("http://x/")), *(graph(n) for n in range(3))])
    reader = EmbeddedStore(root, read_only=True)
    leased = current(root)
    from pyoxigraph import RdfFormat

    chunks = reader.dump(RdfFormat.N_QUADS)
    first = next(chunks)
    reader.close()  # the reader lets go, the dump does not
    writer.replace([graph(9)])
    assert leased in snapshots(root)
    assert first.count(b"\n") == 5 and list(chunks) == []  # the dataset graph's two, and three
    writer.replace([graph(10)])
    assert leased not in snapshots(root)
    writer.close()


def test_an_interrupted_snapshot_is_cleaned_up(tmp_path: Path) -> None:
    root = tmp_path / "store"
    writer = EmbeddedStore(root)
    (root / SNAPSHOTS / ".0000-partial").mkdir()
    writer.replace([graph(1)])
    assert snapshots(root) == {current(root)}
    writer.close()


def over_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rest: float) -> EmbeddedStore:
    """A reader of a new one-graph store, over its memory budget of 1 MiB (any process is,
    and no reopening gets it under), checked at each access, reopening `rest` s apart."""
    monkeypatch.setattr(embedded_module, "RECHECK", 0.0)
    monkeypatch.setattr(memory, "REST", rest)
    writer = EmbeddedStore(tmp_path / "store")
    writer.replace([graph(1)])
    writer.close()
    monkeypatch.setenv(memory.VARIABLE, "1")
    return EmbeddedStore(tmp_path / "store", read_only=True)


def test_a_reader_past_its_memory_budget_opens_its_snapshot_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bounded = over_budget(tmp_path, monkeypatch, rest=0.0)
    monkeypatch.setenv(memory.VARIABLE, "0")  # no bound
    unbounded = EmbeddedStore(tmp_path / "store", read_only=True)
    try:
        first, kept = bounded.store, unbounded.store
        time.sleep(0.01)
        assert bounded.store is not first and count(bounded) == 1  # the same data, afresh
        assert unbounded.store is kept and count(unbounded) == 1
        reopened: list[Lease] = []

        def counted(held: Lease) -> Store:
            reopened.append(held)
            return open_leased(held)

        monkeypatch.setattr(embedded_module, "open_leased", counted)
        files = len(os.listdir("/proc/self/fd"))
        for _ in range(50):
            bounded.store  # noqa: B018 - each access reopens: REST is 0
        assert len(reopened) == 50
        assert len(os.listdir("/proc/self/fd")) < files + 10  # no lease or file kept per reopening
    finally:
        bounded.close()
        unbounded.close()


def test_a_bad_memory_budget_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "store"
    EmbeddedStore(root).close()
    for value in ("lots", "-1", "1.5"):
        monkeypatch.setenv(memory.VARIABLE, value)
        with pytest.raises(StoreError, match=f"SPEECHLD_READER_MEMORY='{value}': not a whole"):
            EmbeddedStore(root, read_only=True)


def test_a_reader_reopens_less_often_while_that_frees_no_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = over_budget(tmp_path, monkeypatch, rest=0.01)
    try:
        seen, started = [reader.store], time.monotonic()
        while time.monotonic() - started < 0.3:
            if reader.store is not seen[-1]:
                seen.append(reader.store)
            time.sleep(0.002)
        # At a fixed 0.01 s, about 30 reopenings; waits doubling from 0.01 s, about 5.
        assert 2 <= len(seen) <= 8
        assert count(reader) == 1
    finally:
        reader.close()
