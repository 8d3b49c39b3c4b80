"""Read-only snapshots of an embedded store: readers never open files a writer is changing.

Oxigraph lets one process write a store, and reading a store while another process
writes it is undefined behaviour (RocksDB removes files a reader may not have opened
yet). So after every commit the writer checkpoints the store into a new snapshot
directory (hard links: cheap), names it in the `speechld-generation` file, and
removes the older snapshots that no reader holds. A reader opens the current
snapshot read-only and holds a shared lock on it (flock, released by the kernel if
the reader dies) for as long as it may still read from it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from pathlib import Path

from pyoxigraph import Store

from speechld.errors import StoreError
from speechld.store.directory import MARKER, cause
from speechld.store.directory import SNAPSHOTS as SNAPSHOTS

CURRENT = MARKER  # names the newest snapshot
LOCK = "reader.lock"  # readers hold a shared lock on it; the writer removes only unlocked ones
ATTEMPTS = 20  # tries to lease the current snapshot while a writer replaces it


def current(root: Path) -> str | None:
    """The name of the store's newest snapshot, or None if it has none yet."""
    for _ in range(ATTEMPTS):
        name = _pointer(root)
        if not name or (root / SNAPSHOTS / name).is_dir():
            return name or None
        if _pointer(root) == name:  # not a newer one published meanwhile: it is gone
            raise StoreError(
                f"{root}: the snapshot readers open, {SNAPSHOTS}/{name[:40]} (named in "
                f"{CURRENT}), is missing; an ingest into the store (of anything) publishes "
                "a new one"
            )
    raise StoreError(f"{root}: the store changes too fast to open a snapshot of it")


def _pointer(root: Path) -> str:
    """What the store's pointer file names ('' if there is none)."""
    try:
        return (root / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""
    except NotADirectoryError as error:
        file = next((p for p in root.parents if p.is_file()), None)
        if file is not None:
            raise StoreError(f"{root}: {file} is a file, not a directory") from error
        raise StoreError(f"{root} is a file, not a store directory") from error
    except (OSError, UnicodeDecodeError) as error:
        raise StoreError(f"{root}: cannot read {CURRENT}: {error}") from error


def publish(store: Store, root: Path) -> str:
    """Checkpoint a store into a new snapshot, make it current and drop unused old ones."""
    directory = root / SNAPSHOTS
    name = f"{time.time_ns():020d}"
    partial = directory / f".{name}"
    try:
        directory.mkdir(exist_ok=True)
        store.backup(str(partial))
        (partial / LOCK).touch()
        partial.rename(directory / name)
        pointer = root / f".{CURRENT}"
        pointer.write_text(name + "\n", encoding="utf-8")
        os.replace(pointer, root / CURRENT)
    except OSError as error:
        shutil.rmtree(partial, ignore_errors=True)
        raise StoreError(f"{root}: cannot publish a snapshot: {cause(error)}") from error
    except RuntimeError as error:
        shutil.rmtree(partial, ignore_errors=True)
        raise StoreError(f"{root}: cannot publish a snapshot: {error}") from error
    collect(directory, keep=name)
    return name


def collect(directory: Path, keep: str, *, writer: bool = True) -> None:
    """Remove every snapshot but `keep` that no reader holds; a reader (not `writer`) only
    those older than `keep`, never one being made or published since it read the name."""
    for snapshot in directory.iterdir():
        if snapshot.name == keep:
            continue
        if not writer and (snapshot.name.startswith(".") or snapshot.name > keep):
            continue
        try:
            fd = os.open(snapshot / LOCK, os.O_RDONLY)
        except FileNotFoundError:  # a checkpoint cut short by a crash: never current
            shutil.rmtree(snapshot, ignore_errors=True)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a reader still uses it
        else:
            shutil.rmtree(snapshot, ignore_errors=True)
        finally:
            os.close(fd)


class Lease:
    """A reader's shared lock on one snapshot: while it is held, the snapshot stays."""

    def __init__(self, snapshot: Path, fd: int) -> None:
        self.snapshot = snapshot
        self.fd = fd

    def copy(self) -> Lease:
        """A second, independent lease on the same snapshot."""
        fd = os.open(self.snapshot / LOCK, os.O_RDONLY)
        fcntl.flock(fd, fcntl.LOCK_SH)
        return Lease(self.snapshot, fd)

    def release(self) -> None:
        """Let the writer remove the snapshot (once no other lease holds it)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def lease(root: Path) -> Lease:
    """A lease on the store's current snapshot."""
    for _ in range(ATTEMPTS):
        name = current(root)
        if name is None:
            raise StoreError(f"{root}: no store here yet (ingest some speeches first)")
        snapshot = root / SNAPSHOTS / name
        try:
            fd = os.open(snapshot / LOCK, os.O_RDONLY)
        except FileNotFoundError:
            continue  # superseded and removed since we read its name
        fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while the writer is removing it
        if (snapshot / LOCK).exists():
            return Lease(snapshot, fd)
        os.close(fd)
    raise StoreError(f"{root}: the store changes too fast to open a snapshot of it")


def open_snapshot(root: Path) -> tuple[Store, Lease]:
    """The current snapshot, opened read-only, with the lease that keeps it."""
    held = lease(root)
    try:
        return open_leased(held), held
    except StoreError:
        held.release()
        raise


def open_leased(held: Lease) -> Store:
    """The snapshot a lease keeps, opened read-only."""
    try:
        return Store.read_only(str(held.snapshot))
    except OSError as error:
        root = held.snapshot.parent.parent
        raise StoreError(f"{root}: cannot open the store: {cause(error)}") from error
    except RuntimeError as error:  # RocksDB's Corruption: a file of the snapshot is missing
        root = held.snapshot.parent.parent
        raise StoreError(f"{root}: the store's snapshot is damaged: {error}") from error
