"""Dumps: `speechld dump` and /dumps/ give the whole dataset, which reloads into an equal
store; serving a dump streams it without holding it in memory."""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import os
import re
import stat
import subprocess
import sys
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from subprocess import CompletedProcess
from typing import IO

import psutil
import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT

from speechld import dump as dump_module
from speechld.cli import main
from speechld.dump import DumpCache
from speechld.errors import StoreError
from speechld.formats import DUMP_FORMATS
from speechld.ingest import dataset_graph, ingest
from speechld.store import EmbeddedStore, RemoteStore, SourceGraph
from speechld.store.directory import MARKER
from speechld.vocab import Minter
from speechld.web import create_app, dumps

from .conftest import start_server, stop_server
from .paths import ROOT, SEED
from .virtuoso import Virtuoso
from .webdata import BASE, fill, union_graph

RDFLIB_NAMES = {"ttl": "turtle", "nt": "nt", "nq": "nquads"}
NAMES = [f"speechld.{f.suffix}.gz" for f in DUMP_FORMATS]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store on disk with the seed and the fixtures, closed again."""
    path = tmp_path_factory.mktemp("dump") / "store"
    store = fill(EmbeddedStore(path))
    store.close()
    return path


@pytest.fixture(scope="module")
def source(store_path: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(store_path, read_only=True)
    yield store
    store.close()


def by_graph(nquads: bytes) -> dict[str, str]:
    """N-Quads split into N-Triples text per named graph."""
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        assert isinstance(quad.graph_name, ox.NamedNode), quad
        graphs[quad.graph_name.value].append(quad.triple)
    return {
        name: (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
        for name, triples in graphs.items()
    }


def reload(nquads: bytes) -> EmbeddedStore:
    """A fresh store loaded from an N-Quads dump, one named graph at a time."""
    store = EmbeddedStore(None)
    store.replace(SourceGraph(name, text) for name, text in by_graph(nquads).items())
    return store


def named_graphs(store: EmbeddedStore) -> dict[str, Graph]:
    """Each named graph of a store as an rdflib Graph."""
    nquads = b"".join(store.dump(ox.RdfFormat.N_QUADS))
    return {name: Graph().parse(data=text, format="nt") for name, text in by_graph(nquads).items()}


def test_nquads_dump_reloads_into_an_equal_store(
    store_path: Path, source: EmbeddedStore, tmp_path: Path
) -> None:
    output = tmp_path / "speechld.nq.gz"
    result = CliRunner().invoke(
        main, ["dump", "--store", str(store_path), "--format", "nquads", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert "bytes of N-Quads" in result.output
    reloaded = reload(gzip.decompress(output.read_bytes()))
    expected, found = named_graphs(source), named_graphs(reloaded)
    assert set(found) == set(expected) and len(expected) >= 3
    for name, graph in expected.items():
        assert isomorphic(found[name], graph), name
    assert isomorphic(union_graph(reloaded), union_graph(source))


@pytest.mark.parametrize("name", ["turtle", "ntriples"])
def test_triple_dumps_hold_the_union_graph(
    store_path: Path, source: EmbeddedStore, name: str
) -> None:
    result = CliRunner().invoke(main, ["dump", "--store", str(store_path), "--format", name])
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.stdout_bytes, format="turtle" if name == "turtle" else "nt")
    assert isomorphic(graph, union_graph(source))


def test_dump_errors_name_their_cause(tmp_path: Path, store_path: Path) -> None:
    runner = CliRunner()
    missing = tmp_path / "nowhere"
    result = runner.invoke(main, ["dump", "--store", str(missing)])
    assert result.exit_code == 1 and str(missing) in result.output
    result = runner.invoke(main, ["dump", "--store", str(store_path), "--format", "rdfxml"])
    assert result.exit_code == 2 and "rdfxml" in result.output
    target = tmp_path / "no-such-dir" / "out.nq"
    result = runner.invoke(main, ["dump", "--store", str(store_path), "-o", str(target)])
    assert result.exit_code == 1
    assert result.output == f"Error: the directory {target.parent} does not exist\n"
    assert not target.parent.exists()
    bzip2 = tmp_path / "out.nq.bz2"  # would be written plain under a name that says bzip2
    result = runner.invoke(main, ["dump", "--store", str(store_path), "-o", str(bzip2)])
    assert result.exit_code == 2 and "dumps are written plain or gzipped" in result.output
    assert not bzip2.exists()


def speechld(*args: str, stdout: int | IO[bytes] = subprocess.PIPE) -> CompletedProcess[bytes]:
    """Run the speechld command in a process of its own, bounded in time."""
    command = [sys.executable, "-m", "speechld", *args]
    return subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, timeout=60, check=False)


def expected_nquads(store_path: Path) -> bytes:
    """The store's N-Quads dump, as `dump` writes it to standard output."""
    result = CliRunner().invoke(main, ["dump", "--store", str(store_path)])
    assert result.exit_code == 0 and result.stdout_bytes
    return result.stdout_bytes


def test_a_fifo_is_written_in_place_not_replaced(tmp_path: Path, store_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    read: list[bytes] = []
    reader = threading.Thread(target=lambda: read.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = speechld("dump", "--store", str(store_path), "-o", str(fifo))
    reader.join(timeout=30)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert read == [expected_nquads(store_path)]
    assert os.listdir(tmp_path) == ["fifo"]


def test_a_device_is_written_in_place_not_replaced(tmp_path: Path, store_path: Path) -> None:
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.stat("/dev/null").st_rdev)
    except PermissionError:
        pytest.skip("making a device node takes root")
    done = speechld("dump", "--store", str(store_path), "-o", str(device))
    assert done.returncode == 0, done.stderr
    assert stat.S_ISCHR(device.stat().st_mode)
    assert os.listdir(tmp_path) == ["null"]


@pytest.mark.parametrize("name", ["/dev/stdout", "-"])
def test_standard_output_by_name(store_path: Path, name: str) -> None:
    done = speechld("dump", "--store", str(store_path), "-o", name)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected_nquads(store_path)


def test_dev_stdout_appends_where_the_shell_redirected_it(tmp_path: Path, store_path: Path) -> None:
    target = tmp_path / "out.nq"
    target.write_bytes(b"# kept\n")
    with target.open("ab") as out:
        done = speechld("dump", "--store", str(store_path), "-o", "/dev/stdout", stdout=out)
    assert done.returncode == 0, done.stderr
    assert target.read_bytes() == b"# kept\n" + expected_nquads(store_path)


def test_a_replaced_file_keeps_its_permissions_and_its_link(
    tmp_path: Path, store_path: Path
) -> None:
    target = tmp_path / "private.nq"
    target.write_bytes(b"old")
    target.chmod(0o600)
    link = tmp_path / "link.nq"
    link.symlink_to(target.name)
    result = CliRunner().invoke(main, ["dump", "--store", str(store_path), "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and target.read_bytes() == expected_nquads(store_path)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    new = tmp_path / "new.nq"
    assert CliRunner().invoke(main, ["dump", "--store", str(store_path), "-o", str(new)])
    assert stat.S_IMODE(new.stat().st_mode) == 0o644


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 kB file system of its own (mounting one takes root), unmounted after."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)]
    if subprocess.run(mount, capture_output=True, timeout=30, check=False).returncode != 0:
        pytest.skip("cannot mount a small file system here (it takes root)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True, timeout=30, check=False)


def test_a_full_disk_is_named_and_the_old_file_kept(small_disk: Path, store_path: Path) -> None:
    target = small_disk / "speechld.nq"
    target.write_bytes(b"old dump\n")
    result = CliRunner().invoke(main, ["dump", "--store", str(store_path), "-o", str(target)])
    assert result.exit_code == 1
    assert f"Error: no space left on device while writing {target}\n" == result.output
    assert target.read_bytes() == b"old dump\n"
    assert os.listdir(small_disk) == ["speechld.nq"]


def test_an_unwritable_directory_is_named(tmp_path: Path, store_path: Path) -> None:
    directory = Path("/sys") if os.geteuid() == 0 else tmp_path / "read-only"
    if directory != Path("/sys"):
        directory.mkdir()
        directory.chmod(0o555)
    target = directory / "speechld.nq"
    result = CliRunner().invoke(main, ["dump", "--store", str(store_path), "-o", str(target)])
    assert result.exit_code == 1
    assert result.output == f"Error: cannot write {target}: permission denied\n"


def test_standard_output_on_a_full_device_is_one_line(store_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = speechld("dump", "--store", str(store_path), stdout=full)
    assert done.returncode == 1
    assert done.stderr == b"Error: no space left on device while writing standard output\n"


SIGTERM_MIDWAY = """
import os, signal
from speechld import cli

def dump(store, fmt, compress=False):
    yield b"<http://a> <http://b> <http://c> .\\n"
    os.kill(os.getpid(), signal.SIGTERM)
    yield b"never written"

cli.dump = dump
cli.main()
"""


def test_sigterm_leaves_the_old_file_and_no_partial_one(tmp_path: Path, store_path: Path) -> None:
    target = tmp_path / "out.nq"
    target.write_bytes(b"old dump\n")
    command = [sys.executable, "-c", SIGTERM_MIDWAY, "dump", "--store", str(store_path)]
    done = subprocess.run(
        [*command, "-o", str(target)], capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 143, done.stderr
    assert target.read_bytes() == b"old dump\n"
    assert os.listdir(tmp_path) == ["out.nq"]


def test_a_killed_dumps_partial_file_goes_with_the_next_dump_not_a_running_ones(
    tmp_path: Path, store_path: Path
) -> None:
    target = tmp_path / "out.nq"
    killed = SIGTERM_MIDWAY.replace("signal.SIGTERM", "signal.SIGKILL")
    command = [sys.executable, "-c", killed, "dump", "--store", str(store_path)]
    done = subprocess.run([*command, "-o", str(target)], capture_output=True, timeout=60)
    assert done.returncode == -9
    (left,) = tmp_path.glob(".out.nq.*.part")  # nothing could remove it
    running, fresh = tmp_path / ".out.nq.running.part", tmp_path / ".out.nq.fresh.part"
    for path in (left, running, fresh):
        path.write_bytes(b"<http://a> <http://b> <http://c> .\n")
    an_hour_ago = time.time() - 3600
    for path in (left, running):
        os.utime(path, (an_hour_ago, an_hour_ago))
    with running.open("rb") as writing:
        fcntl.flock(writing, fcntl.LOCK_EX)  # as a dump writing it holds it
        assert speechld("dump", "--store", str(store_path), "-o", str(target)).returncode == 0
    assert sorted(os.listdir(tmp_path)) == [".out.nq.fresh.part", ".out.nq.running.part", "out.nq"]
    assert target.read_bytes().count(b"\n") > 100


@pytest.fixture()
def client(source: EmbeddedStore) -> FlaskClient:
    return create_app({"STORE": source, "BASE": BASE}).test_client()


@pytest.mark.parametrize("suffix", [f.suffix for f in DUMP_FORMATS])
def test_http_dumps_are_gzipped_and_complete(
    client: FlaskClient, source: EmbeddedStore, suffix: str
) -> None:
    response = client.get(f"/dumps/speechld.{suffix}.gz")
    assert response.status_code == 200
    assert response.mimetype == "application/gzip"
    assert f'filename="speechld.{suffix}.gz"' in response.headers["Content-Disposition"]
    assert "Content-Encoding" not in response.headers  # the file is the gzip, not the transfer
    data = gzip.decompress(response.data)
    if suffix == "nq":
        assert set(named_graphs(reload(data))) == set(named_graphs(source))
    else:
        assert isomorphic(
            Graph().parse(data=data, format=RDFLIB_NAMES[suffix]), union_graph(source)
        )
    again = client.get(
        f"/dumps/speechld.{suffix}.gz", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_dumps_are_listed_in_void_and_on_their_page(client: FlaskClient) -> None:
    void = Graph().parse(data=client.get("/.well-known/void.ttl").data, format="turtle")
    dataset = URIRef(BASE + ".well-known/void#dataset")
    dumps = set(void.objects(dataset, URIRef("http://rdfs.org/ns/void#dataDump")))
    assert dumps == {URIRef(f"{BASE}dumps/speechld.{f.suffix}.gz") for f in DUMP_FORMATS}
    page = client.get("/dumps/").text
    for f in DUMP_FORMATS:
        assert f'href="/dumps/speechld.{f.suffix}.gz"' in page
    assert client.get("/dumps/speechld.rdf.gz").status_code == 404


# --- dumps made once per version of the data ------------------------------------------


def fetch(client: FlaskClient, url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a GET, the response closed (a made dump is an open file)."""
    with client.get(url, headers=headers) as response:
        return response.status_code, dict(response.headers), response.data


def made(client: FlaskClient, url: str, deadline: float = 60.0) -> bytes:
    """The dump once it is served from its made file (which takes ranges); waits for it."""
    stop = time.monotonic() + deadline
    while time.monotonic() < stop:
        status, headers, body = fetch(client, url)
        assert status == 200
        if headers.get("Accept-Ranges") == "bytes":
            return body
        time.sleep(0.1)
    raise AssertionError(f"{url} was not made within {deadline} s")


def test_a_client_with_the_current_dump_gets_304_while_others_download(
    web_data: EmbeddedStore,
) -> None:
    # a store kept in memory has no dump file: downloads are streamed, two at once, and a
    # revalidation is answered without a slot or a read of the store
    client = create_app({"STORE": web_data, "BASE": BASE}).test_client()
    first, second = (client.get(f"/dumps/{n}", buffered=False) for n in NAMES[:2])
    assert first.status_code == second.status_code == 200
    assert client.get(f"/dumps/{NAMES[2]}").status_code == 503
    tag = first.headers["ETag"]
    assert client.get(f"/dumps/{NAMES[0]}", headers={"If-None-Match": tag}).status_code == 304
    first.close()
    second.close()


def test_a_dump_is_made_once_per_version_and_served_with_ranges(tmp_path: Path) -> None:
    path = tmp_path / "store"
    fill(EmbeddedStore(path)).close()
    client = create_app({"STORE": str(path), "BASE": BASE}).test_client()
    url = "/dumps/speechld.nq.gz"
    status, first, body = fetch(client, url)  # sent as the file is made
    assert status == 200 and "Accept-Ranges" not in first and "Content-Length" not in first
    streamed = gzip.decompress(body)
    whole = made(client, url)
    assert gzip.decompress(whole) == streamed
    void = Graph().parse(data=client.get("/.well-known/void.ttl").data, format="turtle")
    sizes = {str(d): int(str(s)) for d, s in void.subject_objects(DCAT.byteSize)}
    assert sizes == {f"{BASE}.well-known/void#dump-nq": len(whole)}  # the others unmade
    _, served, _ = fetch(client, url)
    assert served["ETag"] == first["ETag"]
    assert 'filename="speechld.nq.gz"' in served["Content-Disposition"]
    status, _, part = fetch(client, url, Range="bytes=10-99")
    assert status == 206 and part == whole[10:100]
    for several in ("bytes=0-1,5-6", "bytes=x-y", "lines=1-2"):  # ignored: the whole file
        assert fetch(client, url, Range=several)[::2] == (200, whole)
    assert fetch(client, url, Range=f"bytes={len(whole) + 10}-")[0] == 416
    assert fetch(client, url, **{"If-None-Match": served["ETag"]})[0] == 304
    assert fetch(client, url, **{"If-Match": served["ETag"]})[0] == 200
    assert fetch(client, url, **{"If-Match": '"an-older-version"'})[0] == 412
    versions = [d.name for d in (path / "dumps").iterdir() if d.is_dir()]
    assert len(versions) == 1

    # New data: a new version, whose dump holds it, and the old version's files go.
    writer = EmbeddedStore(path)
    writer.replace([SourceGraph(f"{BASE}graph/new", "<http://x/s> <http://x/p> <http://x/o> .\n")])
    writer.close()
    time.sleep(1.2)  # readers look for a newer snapshot every second
    newer = gzip.decompress(made(client, url))
    assert b"<http://x/s> <http://x/p> <http://x/o>" in newer
    assert b"<http://x/s>" not in streamed
    stop = time.monotonic() + 10
    while len(list((path / "dumps").iterdir())) > 1 and time.monotonic() < stop:
        time.sleep(0.1)
    assert [d.name for d in (path / "dumps").iterdir() if d.is_dir()] != versions


def test_a_dump_whose_file_cannot_be_written_is_streamed_at_once(tmp_path: Path) -> None:
    path = tmp_path / "store"
    fill(EmbeddedStore(path)).close()
    (path / "dumps").write_text("not a directory")  # no dump file can be made under it
    client = create_app({"STORE": str(path), "BASE": BASE}).test_client()
    started = time.monotonic()
    status, _, body = fetch(client, "/dumps/speechld.nq.gz")
    assert status == 200 and time.monotonic() - started < 10  # not after a 30 s wait
    quads = gzip.decompress(body).decode().splitlines()
    assert len(quads) > 100 and all(line.endswith(" .") for line in quads)


def test_head_on_a_dump_not_yet_made_answers_without_making_it(tmp_path: Path) -> None:
    path = tmp_path / "store"
    fill(EmbeddedStore(path)).close()
    client = create_app({"STORE": str(path), "BASE": BASE}).test_client()
    url = "/dumps/speechld.nt.gz"
    head = client.head(url)
    assert head.status_code == 200 and head.mimetype == "application/gzip"
    assert 'filename="speechld.nt.gz"' in head.headers["Content-Disposition"]
    time.sleep(0.5)  # a making would have begun by now
    assert not (path / "dumps").exists() or not any((path / "dumps").rglob("*.gz*"))
    got = client.get(url)
    assert got.headers["ETag"] == head.headers["ETag"]  # the same version's validator
    assert gzip.decompress(got.data)


class Maker:
    """A dump's maker as another process would be: its lock held while it writes."""

    def __init__(self, cache: DumpCache, version: str) -> None:
        self.path = cache.path(version, NQUADS)
        self.path.parent.mkdir(parents=True)
        self.lock = (self.path.parent / f".{self.path.name}.lock").open("w")
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        self.partial = (self.path.parent / f".{self.path.name}.part").open("wb")

    def write(self, data: bytes) -> None:
        self.partial.write(data)
        self.partial.flush()

    def end(self, whole: bool) -> None:
        self.partial.close()
        partial = self.path.parent / f".{self.path.name}.part"
        if whole:
            partial.rename(self.path)
        else:
            partial.unlink()
        self.lock.close()  # the lock goes with it


NQUADS = next(f for f in DUMP_FORMATS if f.name == "nquads")


def test_a_store_named_by_a_relative_path_serves_its_made_dump(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(EmbeddedStore(tmp_path / "store")).close()
    monkeypatch.chdir(tmp_path)
    client = create_app({"STORE": "store", "BASE": BASE}).test_client()
    url = "/dumps/speechld.nq.gz"
    assert gzip.decompress(made(client, url)) == gzip.decompress(fetch(client, url)[2])


def test_a_dump_whose_making_never_starts_is_an_error_not_an_empty_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(EmbeddedStore(tmp_path / "store")).close()
    monkeypatch.setattr(dumps, "start_making", lambda *args: {})  # no process makes it
    monkeypatch.setattr(dump_module, "FOLLOW_WAIT", 0.2)
    client = create_app({"STORE": str(tmp_path / "store"), "BASE": BASE}).test_client()
    status, _, body = fetch(client, "/dumps/speechld.nq.gz", Accept="text/plain")
    assert status == 503
    assert b"the dump speechld.nq.gz was not started in 0.2 s" in body


def test_a_dump_being_made_is_followed_to_its_end(tmp_path: Path) -> None:
    cache = DumpCache(tmp_path)
    maker = Maker(cache, "1.0")
    pieces = [bytes([n]) * 100_000 for n in range(5)]

    def make() -> None:
        for piece in pieces:
            maker.write(piece)
            time.sleep(0.05)
        maker.end(whole=True)

    writer = threading.Thread(target=make)
    writer.start()
    followed = b"".join(cache.follow("1.0", NQUADS))
    writer.join()
    assert followed == b"".join(pieces) == maker.path.read_bytes()
    assert b"".join(cache.follow("1.0", NQUADS)) == followed  # made: read whole


def test_a_reader_looking_at_the_lock_does_not_stop_the_maker(tmp_path: Path) -> None:
    store = fill(EmbeddedStore(None))
    cache = DumpCache(tmp_path)
    path = cache.path("1.0", NQUADS)
    path.parent.mkdir(parents=True)
    look = (path.parent / f".{path.name}.lock").open("w")
    fcntl.flock(look, fcntl.LOCK_SH)  # a reader asking whether a maker holds it
    threading.Timer(0.02, look.close).start()
    assert cache.make(store, "1.0", NQUADS) == path and path.is_file()
    maker = Maker(cache, "2.0")  # a maker holds it throughout: another one gives way
    assert cache.make(store, "2.0", NQUADS) is None
    maker.end(whole=False)
    store.close()


def test_following_a_dump_whose_making_failed_says_so(tmp_path: Path) -> None:
    cache = DumpCache(tmp_path)
    maker = Maker(cache, "1.0")
    maker.write(b"the start")
    chunks = cache.follow("1.0", NQUADS)
    assert next(chunks) == b"the start"
    maker.end(whole=False)
    with pytest.raises(StoreError, match="could not be made whole"):
        next(chunks)
    with pytest.raises(StoreError, match=r"was not started in 0\.2 s"):
        list(cache.follow("2.0", NQUADS, patience=0.2))


# --- memory -----------------------------------------------------------------------------

TRIPLES = 400_000  # synthetic triples: a dump of about 60 MB of N-Triples


def synthetic_store(path: Path, triples: int) -> None:
    """A store on disk with speeches of eight literal properties each, in graphs of 100."""
    store = ox.Store(str(path))
    properties = [ox.NamedNode(f"https://w3id.org/speechld/ontology#p{i}") for i in range(8)]

    def quads() -> Iterator[ox.Quad]:
        for i in range(triples // len(properties)):
            subject = ox.NamedNode(f"http://127.0.0.1/id/speech/{i:08d}")
            graph = ox.NamedNode(f"http://127.0.0.1/graph/{i // 100}")
            for j, p in enumerate(properties):
                yield ox.Quad(subject, p, ox.Literal(f"value {j} of speech {i}: {'x' * 40}"), graph)

    store.bulk_extend(quads())
    store.flush()
    del store
    (path / MARKER).touch()  # made here, not by an ingest, but speechld's all the same
    ours = EmbeddedStore(path)
    ours.replace([dataset_graph(Minter("http://127.0.0.1/"))])  # the base its URIs are under
    ours.close()


def tree_rss(process: psutil.Process) -> int:
    """The resident memory of a process and all its descendants (server workers)."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += member.memory_info().rss
    return total


def server_rss(process: psutil.Process) -> int:
    """The resident memory of the server's own processes: its main and web worker processes,
    not the short-lived ones they start (such as the one making a dump file)."""
    total = 0
    for member in [process, *process.children()]:
        with contextlib.suppress(psutil.NoSuchProcess):
            if "serve" in member.cmdline():
                total += member.memory_info().rss
    return total


def download(
    url: str, sample: psutil.Process | None = None, rss: Callable[[psutil.Process], int] = tree_rss
) -> tuple[int, int]:
    """Stream a gzipped dump; its uncompressed size and the peak RSS of a process tree meanwhile."""
    peak = [rss(sample) if sample else 0]
    done = threading.Event()

    def watch() -> None:
        while sample is not None and not done.wait(0.02):
            peak[0] = max(peak[0], rss(sample))

    watcher = threading.Thread(target=watch)
    watcher.start()
    size, inflate = 0, zlib.decompressobj(31)
    try:
        with requests.get(url, stream=True, timeout=120) as response:
            assert response.status_code == 200
            for chunk in response.raw.stream(1 << 16, decode_content=False):
                size += len(inflate.decompress(chunk))
    finally:
        done.set()
        watcher.join(timeout=5)
    return size, peak[0]


def test_serving_a_dump_does_not_hold_it_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "store"
    synthetic_store(path, TRIPLES)
    server = start_server(path, "--workers", "1", timeout=60)
    try:
        process = psutil.Process(server.process.pid)
        url = server.url + "dumps/speechld.nt.gz"
        # The first download follows the file while a process of its own makes it.
        requests.get(server.url, timeout=60)  # the figures counted: the server at rest
        before = server_rss(process)
        size, peak = download(url, process, server_rss)
        print(f"first: server RSS {before / 1e6:.0f} MB, +{(peak - before) / 1e6:.1f} MB")
        assert size > 50_000_000
        assert peak - before < size / 4
        deadline = time.monotonic() + 60
        while not list(path.glob("dumps/*/speechld.nt.gz")) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.2)
        before = tree_rss(process)
        size, peak = download(url, process)
        growth = peak - before
        print(f"dump {size / 1e6:.1f} MB; server RSS {before / 1e6:.0f} MB, +{growth / 1e6:.1f} MB")
        assert size > 50_000_000
        assert growth < size / 4
    finally:
        stop_server(server)


INGEST_TIMES = re.compile(
    r"^(\S+ <(?:http://www\.w3\.org/ns/prov#(?:generatedAtTime|endedAtTime)"
    r'|http://purl\.org/dc/terms/modified)> )"[^"]*"'
)


def test_both_stores_dump_the_same_pages_line_for_line(tmp_path: Path, virtuoso: Virtuoso) -> None:
    virtuoso.clear()
    pages = [ROOT / "data/pages.jsonl", SEED]
    embedded = EmbeddedStore(tmp_path / "store")
    remote = RemoteStore(virtuoso.settings)
    try:
        dumps_of = []
        for store in (embedded, remote):
            ingest(store, pages, BASE)
            text = b"".join(store.dump(ox.RdfFormat.N_QUADS)).decode("utf-8")
            dumps_of.append(
                sorted(INGEST_TIMES.sub(r'\1"when"', line) for line in text.splitlines())
            )
        assert len(dumps_of[0]) > 3000
        assert any(
            '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>' in line for line in dumps_of[0]
        )
        assert dumps_of[0] == dumps_of[1]
    finally:
        embedded.close()
        remote.close()
        virtuoso.clear()
