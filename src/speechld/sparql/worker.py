"""A query worker process: opens the store once, then runs the jobs its parent sends.

Messages to the parent, per job: ("head", Head) or ("error", kind, message); after a head,
body chunks as raw bytes, an empty chunk, then ("end",) or ("fail", message).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from multiprocessing.connection import Connection

from speechld.errors import QueryError, QueryRefused, SpeechldError
from speechld.sparql.execute import Head, Job, Sink, run
from speechld.store import GraphStore, open_store


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when the thread that started it ends (Linux)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)


def serve(conn: Connection, location: str, parent: int) -> None:
    """The worker's main loop; ends when the parent closes the connection."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    store: GraphStore | None = None
    failure = ""
    try:
        store = open_store(location, read_only=True)
    except SpeechldError as error:
        failure = str(error)
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            return
        if store is None:
            conn.send(("error", "store", failure))
            continue
        answer(store, job, conn)


def error_kind(error: Exception) -> str:
    """How the parent should report an error raised before a result started."""
    if isinstance(error, QueryRefused):
        return "refused"
    if isinstance(error, QueryError | SyntaxError):
        return "query"
    return "failed"


def answer(store: GraphStore, job: Job, conn: Connection) -> None:
    """Run one job, sending its head, body and end to the parent."""
    started = False

    def head(value: Head) -> None:
        nonlocal started
        started = True
        conn.send(("head", value))

    try:
        run(store, job, Sink(head, conn.send_bytes))
    except Exception as error:  # every failure is reported to the parent, none kills the worker
        if not started:
            conn.send(("error", error_kind(error), str(error) or type(error).__name__))
            return
        conn.send_bytes(b"")
        conn.send(("fail", str(error) or type(error).__name__))
        return
    if not started:  # a run always sends a head; this guards the protocol all the same
        conn.send(("error", "store", "the query produced no result"))
        return
    conn.send_bytes(b"")
    conn.send(("end",))
