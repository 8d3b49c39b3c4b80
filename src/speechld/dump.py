"""Dumps: the whole dataset streamed from the store, gzipped on the fly, in constant memory."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, BinaryIO

from speechld.errors import SpeechldError, StoreError
from speechld.formats import DUMP_FORMATS, Format
from speechld.store import GraphStore, open_store

NAME = "speechld"  # dump files are {NAME}.{suffix}.gz
CHUNK = 1 << 16  # bytes read at a time from a dump file being followed
POLL = 0.05  # seconds between looks at a dump file being made
FOLLOW_WAIT = 30.0  # seconds a reader waits for the making of a dump to start
TRIES = 10  # attempts at a dump's lock before another process is taken to be making it


def file_name(fmt: Format) -> str:
    """The file name of a format's gzipped dump.

    >>> from speechld.formats import by_name
    >>> file_name(by_name("nquads"))
    'speechld.nq.gz'
    """
    return f"{NAME}.{fmt.suffix}.gz"


def dump_format(name: str) -> Format:
    """The dump format a user names; an error lists the names there are."""
    for fmt in DUMP_FORMATS:
        if name in {fmt.name, fmt.suffix}:
            return fmt
    names = ", ".join(f.name for f in DUMP_FORMATS)
    raise SpeechldError(f"no dump format {name!r}: use one of {names}")


def gzipped(chunks: Iterable[bytes], level: int = 6) -> Iterator[bytes]:
    """The chunks compressed as one gzip stream, chunk by chunk.

    >>> import gzip
    >>> gzip.decompress(b"".join(gzipped([b"a ", b"b"])))
    b'a b'
    """
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)  # 31: gzip header, no time stamp
    for chunk in chunks:
        if out := compressor.compress(chunk):
            yield out
    yield compressor.flush()


def dump(store: GraphStore, fmt: Format, *, compress: bool = False) -> Iterator[bytes]:
    """The whole dataset in a dump format, in chunks, gzipped if asked."""
    if not fmt.dump or fmt.rdf is None:
        raise SpeechldError(f"{fmt.name} is not a dump format")
    chunks = store.dump(fmt.rdf)
    return gzipped(chunks) if compress else chunks


def write(chunks: Iterable[bytes], out: BinaryIO) -> int:
    """Write the chunks to a binary stream; the number of bytes written."""
    size = 0
    for chunk in chunks:
        out.write(chunk)
        size += len(chunk)
    out.flush()
    return size


def write_file(chunks: Iterable[bytes], path: Path, partial: Path | None = None) -> int:
    """Write the chunks to a file, whole or not at all (a partial dump never takes its name):
    to `partial` first if given (a name others may follow the writing under), else to a
    temporary file of its own."""
    path = path.resolve()
    if partial is None:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        temporary = Path(name)
    else:
        temporary = partial
        temporary.unlink(missing_ok=True)  # a crashed writer's: followers must not see it
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as out:
            size = write(chunks, out)
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # readable as any other file written, not private
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return size


class DumpCache:
    """Dump files made once per version of the data, kept in a directory of their own.

    A dump is made whole (under a lock, so several server processes make it once), named
    only when complete, and the files of older versions are removed once a newer one is.
    While it is made, readers can follow its writing (follow()).
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, version: str, fmt: Format) -> Path:
        """Where the dump of one version of the data in one format is kept."""
        return self.directory / version / file_name(fmt)

    def find(self, version: str, fmt: Format) -> Path | None:
        """The finished dump of that version and format, if it is made."""
        path = self.path(version, fmt)
        return path if path.is_file() else None

    def make(self, store: GraphStore, version: str, fmt: Format) -> Path | None:
        """Make the dump unless it exists or another process is making it; its path if made."""
        path = self.path(version, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        with _lock_path(path).open("w") as lock:
            if not _take(lock):
                return None  # another process is making it
            if not path.is_file():
                write_file(dump(store, fmt, compress=True), path, _partial_path(path))
        self.drop_older(version)
        return path

    def follow(self, version: str, fmt: Format, patience: float | None = None) -> Iterator[bytes]:
        """The dump's bytes as they are written, to its end: from the made file, or from the
        one being made (waiting up to `patience` seconds, FOLLOW_WAIT by default, for its
        maker to start)."""
        path = self.path(version, fmt)
        patience = FOLLOW_WAIT if patience is None else patience
        started = time.monotonic()
        while (file := _open_growing(path)) is None:
            if time.monotonic() - started > patience:
                raise StoreError(f"the dump {path.name} was not started in {patience:g} s")
            time.sleep(POLL)
        with file:
            while True:
                if chunk := file.read(CHUNK):
                    yield chunk
                elif not _being_made(path):
                    break
                else:
                    time.sleep(POLL)
            if rest := file.read():  # what was written between the last read and the end
                yield rest
            if not path.is_file() or os.stat(path).st_ino != os.fstat(file.fileno()).st_ino:
                raise StoreError(f"the dump {path.name} could not be made whole")

    def drop_older(self, version: str) -> None:
        """Remove the dumps of every version older than this one."""
        for entry in self.directory.iterdir():
            if entry.is_dir() and _stamp(entry.name) < _stamp(version):
                shutil.rmtree(entry, ignore_errors=True)


def _lock_path(path: Path) -> Path:
    return path.parent / f".{path.name}.lock"


def _partial_path(path: Path) -> Path:
    return path.parent / f".{path.name}.part"


def _take(lock: IO[str]) -> bool:
    """Take a dump's lock to make it, unless a maker holds it; a reader looking whether one
    does holds it for a moment only, so a refusal is tried again a few times."""
    for _ in range(TRIES):
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            time.sleep(POLL / TRIES)
    return False


def _being_made(path: Path) -> bool:
    """Whether a process holds the lock of the dump at path (and so is making it)."""
    try:
        with _lock_path(path).open("rb") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            return False
    except FileNotFoundError:
        return False


def _open_growing(path: Path) -> BinaryIO | None:
    """The made dump, or the one being made, opened for reading; None if neither is yet."""
    for _ in range(2):  # the file may be renamed between the two tries: try again once
        with contextlib.suppress(FileNotFoundError):
            return path.open("rb")
        if _being_made(path):
            with contextlib.suppress(FileNotFoundError):
                return _partial_path(path).open("rb")
    return None


def make_dump(location: str, directory: Path, version: str, fmt_name: str) -> None:
    """Make one dump file from the store at location (what a short-lived process runs)."""
    store = open_store(location, read_only=True)
    try:
        DumpCache(directory).make(store, version, dump_format(fmt_name))
    finally:
        store.close()


def _stamp(version: str) -> float:
    try:
        return float(version)
    except ValueError:
        return float("inf")  # not a version of ours: never removed
