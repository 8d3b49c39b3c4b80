"""A query worker process: opens the store once, then runs the jobs its parent sends.

Messages to the parent, per job: ("whole", Head, body) for a result of one chunk,
("error", kind, message) for a query that failed before any of its body was sent, else
("head", Head), body chunks as raw bytes, an empty chunk, then ("end",) or ("fail", message).
"""

from __future__ import annotations

import resource
import signal
from multiprocessing.connection import Connection

from speechld.child import die_with_parent
from speechld.errors import QueryError, QueryRefused, SpeechldError, StoreError
from speechld.sparql.execute import Head, Job, Sink, run
from speechld.sparql.syntax import calls_service
from speechld.store import GraphStore, open_store

MEMORY = "the query asked for more memory than this endpoint allows a query: narrow it"


def serve(conn: Connection, location: str, parent: int, memory: int = 0) -> None:
    """The worker's main loop, its heap bounded to `memory` MiB (0: not); ends when the
    parent closes the connection."""
    die_with_parent(parent)
    if memory:  # an allocation past it fails, and the worker with it, not the machine
        resource.setrlimit(resource.RLIMIT_DATA, (memory * 2**20, memory * 2**20))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # and dies leaving no core file
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    # SIGTERM (a service manager's, to every process of the server; the server's own, as
    # it stops) ends the worker once its query is answered, within the query's limits.
    state = {"busy": False, "stopping": False}

    def stop(signum: int, frame: object) -> None:
        state["stopping"] = True
        if not state["busy"]:
            raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    store: GraphStore | None = None
    failure = ""
    try:
        store = open_store(location, read_only=True)
    except SpeechldError as error:
        failure = str(error)
    while not state["stopping"]:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            return
        if store is None:
            conn.send(("error", "store", failure))
            continue
        state["busy"] = True
        answer(store, job, conn)
        state["busy"] = False


def error_kind(error: Exception, job: Job, in_process: bool = True) -> str:
    """How the parent should report an error raised before a result started: a store's
    failure in a query that calls a SERVICE is taken for the call's. A syntax error is the
    query's in the embedded store, which parses it; from a remote store, which says so of a
    bad query (QueryError), it is an answer the worker could not read."""
    if isinstance(error, QueryRefused):
        return "refused"
    if isinstance(error, QueryError | MemoryError) or (
        isinstance(error, SyntaxError) and in_process
    ):
        return "query"
    if isinstance(error, SyntaxError | StoreError | OSError | RuntimeError) and calls_service(
        job.query
    ):  # Oxigraph: RuntimeError for an answer that is no SPARQL result
        return "service"
    return "failed"


def answer(store: GraphStore, job: Job, conn: Connection) -> None:
    """Run one job, sending its head, body and end to the parent; a result of one chunk
    goes whole, in one message."""
    head: Head | None = None
    held: bytes | None = None  # the first chunk, until a second one says the body streams
    streaming = False

    def take_head(value: Head) -> None:
        nonlocal head
        head = value

    def take_chunk(data: bytes) -> None:
        nonlocal held, streaming
        if not streaming and held is None:
            held = data
            return
        if not streaming:
            streaming = True
            conn.send(("head", head))
            conn.send_bytes(held or b"")
        conn.send_bytes(data)

    try:
        try:
            run(store, job, Sink(take_head, take_chunk))
        finally:
            store.release()  # a remote store's answer, cut at the row cap: the store stops
    except Exception as error:  # every failure is reported to the parent, none kills the worker
        message = MEMORY if isinstance(error, MemoryError) else str(error) or type(error).__name__
        if not streaming:  # nothing of the body sent yet: the query failed as a whole
            conn.send(("error", error_kind(error, job, store.in_process), message))
        else:
            conn.send_bytes(b"")
            conn.send(("fail", message))
        return
    if head is None:  # a run always sends a head; this guards the protocol all the same
        conn.send(("error", "store", "the query produced no result"))
    elif not streaming:
        conn.send(("whole", head, held or b""))
    else:
        conn.send_bytes(b"")
        conn.send(("end",))
