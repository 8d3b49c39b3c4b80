"""Dumps: the whole dataset streamed from the store, gzipped on the fly, in constant memory."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import os
import re
import shutil
import stat
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, BinaryIO

from speechld.errors import OutputError, SpeechldError, StoreError
from speechld.formats import DUMP_FORMATS, Format
from speechld.store import GraphStore, open_store

NAME = "speechld"  # dump files are {NAME}.{suffix}.gz
CHUNK = 1 << 16  # bytes read at a time from a dump file being followed
POLL = 0.05  # seconds between looks at a dump file being made
FOLLOW_WAIT = 30.0  # seconds a reader waits for the making of a dump to start
TRIES = 10  # attempts at a dump's lock before another process is taken to be making it
STALE_AFTER = 60.0  # seconds unchanged after which an unlocked temporary file is a leftover
STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2}  # names of open descriptors, written in place
_DESCRIPTOR = re.compile(r"/(?:dev/fd|proc/self/fd)/(\d+)")


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


def write(chunks: Iterable[bytes], out: BinaryIO, name: str | Path = "standard output") -> int:
    """Write the chunks to a binary stream named `name`; the number of bytes written."""
    size = 0
    for chunk in chunks:
        with writing(name):
            out.write(chunk)
        size += len(chunk)
    with writing(name):
        out.flush()
    return size


@contextlib.contextmanager
def writing(name: str | Path) -> Iterator[None]:
    """Turn a failure to write into an OutputError naming what was written and why (a closed
    pipe stays a BrokenPipeError: a reader that has had enough is no error)."""
    try:
        yield
    except (BrokenPipeError, OutputError):
        raise
    except OSError as error:
        raise OutputError(cannot_write(error, name)) from error


def cannot_write(error: OSError, name: str | Path) -> str:
    """Why a file or stream could not be written, in words naming it.

    >>> cannot_write(OSError(errno.ENOSPC, "No space left on device"), Path("/d/x.nq"))
    'no space left on device while writing /d/x.nq'
    >>> cannot_write(FileNotFoundError(errno.ENOENT, "No such file"), Path("/d/x.nq"))
    'the directory /d does not exist'
    >>> cannot_write(FileNotFoundError(errno.ENOENT, "No such file"), Path("/proc/x.nq"))
    'cannot write /proc/x.nq: no such file'
    >>> cannot_write(PermissionError(errno.EACCES, "Permission denied"), Path("/d/x.nq"))
    'cannot write /d/x.nq: permission denied'
    """
    if error.errno == errno.ENOSPC:
        return f"no space left on device while writing {name}"
    if error.errno == errno.ENOENT and isinstance(name, Path) and not name.parent.is_dir():
        return f"the directory {name.parent} does not exist"
    reason = error.strerror or str(error)
    return f"cannot write {name}: {reason[:1].lower()}{reason[1:]}"


def write_file(chunks: Iterable[bytes], path: Path, partial: Path | None = None) -> int:
    """Write the chunks to a file; the number of bytes written.

    A regular file is written whole or not at all (a partial dump never takes its name): to
    `partial` first if given (a name others may follow the writing under), else to a
    temporary file of its own, which takes the old file's permissions. A FIFO, a device or
    an open descriptor (/dev/stdout, /dev/fd/3) is written in place, as a stream.
    """
    if partial is None and in_place(path):
        return _write_in_place(chunks, path)
    return _write_whole(chunks, path.resolve(), partial)


def in_place(path: Path) -> bool:
    """Whether a file is written as it is rather than replaced: an open descriptor, or an
    existing file that is not a regular one (a FIFO, a device)."""
    if _descriptor(path) is not None:
        return True
    try:
        return not stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False  # not there yet: it will be a regular file


def _descriptor(path: Path) -> int | None:
    """The open descriptor a name such as /dev/stdout or /dev/fd/3 stands for, if it is one."""
    name = os.path.abspath(path)
    if name in STREAMS:
        return STREAMS[name]
    match = _DESCRIPTOR.fullmatch(name)
    return int(match[1]) if match else None


def _write_in_place(chunks: Iterable[bytes], path: Path) -> int:
    """Write the chunks into a FIFO, a device or an open descriptor, as they come."""
    with writing(path):
        descriptor = _descriptor(path)
        fd = os.dup(descriptor) if descriptor is not None else os.open(path, os.O_WRONLY)
    return _write_closing(chunks, fd, path, sync=False)


def _write_whole(chunks: Iterable[bytes], path: Path, partial: Path | None) -> int:
    """Write the chunks to a temporary file (or `partial`), named `path` once whole."""
    mode = _mode(path)
    held = None  # a lock on the temporary file while it is written: it is not left behind
    with writing(path):
        if partial is None:
            _sweep(path)
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
            temporary = Path(name)
            held = os.open(temporary, os.O_RDONLY)
            fcntl.flock(held, fcntl.LOCK_EX)
        else:
            temporary = partial
            temporary.unlink(missing_ok=True)  # a crashed writer's: followers must not see it
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        size = _write_closing(chunks, fd, path, sync=True)
        with writing(path):
            os.chmod(temporary, mode)
            os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        if held is not None:
            os.close(held)
    return size


def _sweep(path: Path) -> None:
    """Delete the temporary files of earlier writes of a file whose writers were killed
    (SIGKILL, a power cut): those no process holds locked that have not changed lately."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
        with contextlib.suppress(OSError):  # gone, or not ours to read: left as it is
            fd = os.open(stale, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # else a write goes on
                if time.time() - os.fstat(fd).st_mtime > STALE_AFTER:
                    stale.unlink()
            finally:
                os.close(fd)


def _write_closing(chunks: Iterable[bytes], fd: int, name: Path, *, sync: bool) -> int:
    """Write the chunks to an open descriptor and close it, synced to disk first if asked."""
    out = os.fdopen(fd, "wb")
    try:
        size = write(chunks, out, name)
        with writing(name):
            if sync:
                os.fsync(fd)
            out.close()
    finally:
        if not out.closed:
            with contextlib.suppress(OSError):  # what could not be written is lost anyway
                out.close()
    return size


def _mode(path: Path) -> int:
    """The permission bits of a file written to path: those of the file it replaces, else
    readable by all as any other file written (not a temporary file's private 0600)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o644


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

    def follow(
        self,
        version: str,
        fmt: Format,
        patience: float | None = None,
        failed: Callable[[], BaseException | None] = lambda: None,
    ) -> Iterator[bytes]:
        """The dump's bytes as they are written, to its end: from the made file, or from the
        one being made (waiting up to `patience` seconds, FOLLOW_WAIT by default, for its
        maker to start, unless `failed` tells why it will not)."""
        path = self.path(version, fmt)
        patience = FOLLOW_WAIT if patience is None else patience
        started = time.monotonic()
        while (file := _open_growing(path)) is None:
            if (error := failed()) is not None:
                raise NotMade(f"the dump {path.name} could not be made: {error}", error)
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


class NotMade(StoreError):
    """A dump's maker failed before writing any of it: why."""

    def __init__(self, message: str, cause: BaseException) -> None:
        super().__init__(message)
        self.cause = cause


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
    except (FileNotFoundError, NotADirectoryError):
        return False


# Not there (yet), where a dump file would be: its maker will say why, if it cannot make it.
ABSENT = (FileNotFoundError, NotADirectoryError)


def _open_growing(path: Path) -> BinaryIO | None:
    """The made dump, or the one being made, opened for reading; None if neither is yet."""
    for _ in range(2):  # the file may be renamed between the two tries: try again once
        with contextlib.suppress(*ABSENT):
            return path.open("rb")
        if _being_made(path):
            with contextlib.suppress(*ABSENT):
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
