"""The embedded store's directory: what makes one speechld's, and disk errors in words.

A speechld store directory holds the `speechld-generation` file (see snapshots.py),
written before the first RocksDB file: a directory without it that holds anything is
some other program's, and speechld neither writes into it nor reads from it.
"""

from __future__ import annotations

import re
from pathlib import Path

from speechld.errors import StoreError

MARKER = "speechld-generation"  # names the newest snapshot; its presence marks our stores
SNAPSHOTS = "snapshots"
SHOWN = 3  # entries of a foreign directory named in the message
# RocksDB's words when another process (or this one) holds the store's LOCK file.
_LOCKED = re.compile(r"lock file|lock hold|Resource temporarily unavailable", re.IGNORECASE)


def cause(error: OSError) -> str:
    """What an OS or RocksDB error says went wrong, in lower case.

    >>> cause(OSError("IO error: No space left on device: While appending to file: /s/8.log: "
    ...               "No space left on device"))
    'no space left on device'
    >>> cause(PermissionError(13, "Permission denied"))
    'permission denied'
    """
    text = error.strerror or str(error).rsplit(": ", 1)[-1]
    return text[:1].lower() + text[1:]


def is_locked(error: OSError) -> bool:
    """Whether an error opening a store for writing means another writer holds it."""
    return bool(_LOCKED.search(str(error)))


def is_store(root: Path) -> bool:
    """Whether a directory is a speechld store; a StoreError if it cannot be looked into."""
    try:
        return (root / MARKER).is_file()
    except OSError as error:  # a directory not readable (or searchable) by this user
        raise StoreError(f"{root}: cannot read the store directory: {cause(error)}") from error


def check(root: Path) -> None:
    """Refuse a path that is a file, or a directory that holds anything but a speechld store."""
    if root.exists() and not root.is_dir():
        raise StoreError(f"{root} is a file, not a store directory")
    if not root.is_dir() or is_store(root):
        return
    try:
        names = sorted(p.name for p in root.iterdir())
    except OSError as error:
        raise StoreError(f"{root}: cannot read the store directory: {cause(error)}") from error
    if not names:
        return
    if "CURRENT" in names and any(n.startswith("MANIFEST-") for n in names):
        raise StoreError(
            f"{root}: an Oxigraph store that speechld did not write (it has no {MARKER} "
            f"file); give a new or empty directory, or, to let speechld add its graphs to "
            f"this store, create an empty file {root / MARKER}"
        )
    shown = ", ".join(names[:SHOWN]) + (", ..." if len(names) > SHOWN else "")
    raise StoreError(
        f"{root}: not a speechld store and not empty (it holds {shown}); "
        "give a new or empty directory"
    )


def claim(root: Path) -> None:
    """Make a new or empty directory a speechld store; check one that is already there."""
    check(root)
    if is_store(root):
        return
    try:
        (root / SNAPSHOTS).mkdir(parents=True, exist_ok=True)
        (root / MARKER).touch()  # names no snapshot yet: readers find no store until one
    except OSError as error:
        raise StoreError(f"{root}: cannot create the store directory: {cause(error)}") from error
