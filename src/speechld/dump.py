"""Dumps: the whole dataset streamed from the store, gzipped on the fly, in constant memory."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from speechld.errors import SpeechldError
from speechld.formats import DUMP_FORMATS, Format
from speechld.store import GraphStore

NAME = "speechld"  # dump files are {NAME}.{suffix}.gz


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


def write_file(chunks: Iterable[bytes], path: Path) -> int:
    """Write the chunks to a file, whole or not at all (a partial dump never takes its name)."""
    path = path.resolve()
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            size = write(chunks, out)
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # readable as any other file written, not private
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return size


class DumpCache:
    """Dump files made once per version of the data, kept in a directory of their own.

    A dump is made whole (under a lock, so several server processes make it once), named
    only when complete, and the files of older versions are removed once a newer one is.
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
        with (path.parent / f".{path.name}.lock").open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return None  # another process is making it
            if not path.is_file():
                write_file(dump(store, fmt, compress=True), path)
        self.drop_older(version)
        return path

    def drop_older(self, version: str) -> None:
        """Remove the dumps of every version older than this one."""
        for entry in self.directory.iterdir():
            if entry.is_dir() and _stamp(entry.name) < _stamp(version):
                shutil.rmtree(entry, ignore_errors=True)


def _stamp(version: str) -> float:
    try:
        return float(version)
    except ValueError:
        return float("inf")  # not a version of ours: never removed
