"""Work done in a short-lived process, so that its peak memory goes when it ends."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when the thread that started it ends (Linux)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)


def in_child(function: Callable[..., T], *args: object) -> T:
    """A function's result (or its error), computed in a new process (spawned, not forked)
    that does not outlive this one (a server stopped while it makes a dump, say)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        1, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        return pool.submit(function, *args).result()
