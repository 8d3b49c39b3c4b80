"""Work done in a short-lived process, so that its peak memory goes when it ends."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def in_child(function: Callable[..., T], *args: object) -> T:
    """A function's result (or its error), computed in a new process (spawned, not forked)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(function, *args).result()
