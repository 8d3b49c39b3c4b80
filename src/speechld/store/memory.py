"""A reader's memory, bounded.

RocksDB keeps in memory the blocks of the store that a process has read, for as long as
the store is open: about 200 MiB in each process that reads much of a store of a million
speeches, and Oxigraph has no setting to bound it. A reader whose anonymous memory passes
its budget therefore opens its snapshot afresh; what the old one held goes back to the
system once the requests still reading it have ended.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from collections.abc import Callable
from functools import cache

from speechld.errors import StoreError

VARIABLE = "SPEECHLD_READER_MEMORY"  # MiB a reader process may hold; 0 for no bound
DEFAULT = 128  # MiB: a web or SPARQL worker holds 40 to 70 after start-up
REST = 0.5  # seconds at least between two reopenings for memory
LONGEST = 300.0  # seconds at most between two, while reopening does not help


def budget(environ: dict[str, str] | None = None) -> int | None:
    """The bytes of anonymous memory a reader may hold, or None for no bound.

    >>> budget({}), budget({VARIABLE: ""}), budget({VARIABLE: "0"}), budget({VARIABLE: "64"})
    (134217728, 134217728, None, 67108864)
    """
    value = (os.environ if environ is None else environ).get(VARIABLE, "").strip()
    try:
        mib = int(value or DEFAULT)  # empty, as unset
    except ValueError:
        mib = -1
    if mib < 0:
        raise StoreError(f"{VARIABLE}={value!r}: not a whole number of MiB (0: no bound)")
    return mib * 2**20 if mib > 0 else None


def anonymous() -> int | None:
    """This process's resident anonymous memory in bytes (Linux), or None where unknown."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"RssAnon:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def held(budget: int) -> int | None:
    """This process's anonymous memory in bytes, the C library's free memory given back
    first if it is over budget; None where unknown."""
    used = anonymous()
    if used is not None and used > budget:
        give_back()
        used = anonymous()
    return used


def rest_after(rest: float, helped: bool) -> float:
    """The wait before the next reopening for memory: REST if the memory went under
    budget after the last one, else twice the last wait, up to LONGEST (the memory is
    held by something other than the store, and reopening only costs time).

    >>> rest_after(8.0, True), rest_after(1.0, False), rest_after(256.0, False)
    (0.5, 2.0, 300.0)
    """
    return REST if helped else min(rest * 2, LONGEST)


@cache
def _trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None under another C library."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc
        return None


def give_back() -> None:
    """Return the heap's free memory to the system, where the C library can (glibc)."""
    trim = _trim()
    if trim is not None:
        trim(0)
