"""Query workers: a small pool of processes, so that a query past its time limit is really stopped.

pyoxigraph cannot cancel a running query, so each query runs in a worker process that holds
the store open (read-only); a worker past the limit is killed and replaced. Workers are
started from one long-lived thread, and on Linux the kernel kills them when it ends, so no
worker outlives the server.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Protocol

from speechld.errors import (
    Overloaded,
    QueryError,
    QueryRefused,
    QueryTimeout,
    ServiceFailed,
    SpeechldError,
    StoreError,
)
from speechld.sparql.execute import Head, Job, Sink, run
from speechld.sparql.worker import error_kind, serve
from speechld.store.base import GraphStore

log = logging.getLogger(__name__)
DRAIN = 1.0  # seconds spent reading an abandoned result before its worker is stopped

ERRORS: dict[str, Callable[[str], SpeechldError]] = {
    "query": QueryError,
    "refused": QueryRefused,
    "failed": lambda message: StoreError(f"the query could not be answered: {message}"),
    "service": lambda message: ServiceFailed(f"a SERVICE call of the query failed: {message}"),
    "store": lambda message: StoreError(f"the query workers cannot open the store: {message}"),
}


# How a worker ends when a query asks more memory than its bound, or nests deeper than
# its stack: Rust aborts (SIGABRT), or the stack overflows (SIGSEGV). Any other end is a
# signal from outside (SIGTERM or SIGKILL from a service manager, the kernel's OOM killer).
BY_THE_QUERY = frozenset({-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS})


class Ended(Exception):
    """A worker's connection closed: its process ended, with this exit code (None: unknown)."""

    def __init__(self, code: int | None) -> None:
        super().__init__(f"the query worker ended ({code})")
        self.code = code


class Channel(Protocol):
    """Where a run's messages come from: control tuples and body chunks, in protocol order."""

    def control(self, deadline: float | None) -> tuple[object, ...]:
        """The next control message; raises QueryTimeout past the deadline."""

    def data(self, deadline: float | None) -> bytes:
        """The next body chunk (empty at the end); raises QueryTimeout past the deadline."""


class Run:
    """One query in progress: its head, then its body; close() frees or stops its worker."""

    def __init__(
        self,
        channel: Channel,
        timeout: float,
        finish: Callable[[bool], None],
    ) -> None:
        self._channel = channel
        self._timeout = timeout
        self._deadline = time.monotonic() + timeout if timeout else None
        self._finish = finish
        self._finished = False
        self._whole: bytes | None = None  # the body, when it came with the head

    def _done(self, clean: bool) -> None:
        if not self._finished:
            self._finished = True
            self._finish(clean)

    def _wait(self, receive: Callable[[float | None], object]) -> object:
        try:
            return receive(self._deadline)
        except QueryTimeout:
            self._done(clean=False)
            raise QueryTimeout(
                f"the query ran longer than this endpoint's limit of {self._timeout:g} s "
                "and was stopped; narrow it (a more selective pattern, a LIMIT) and try again"
            ) from None
        except Ended as ended:
            self._done(clean=False)
            if ended.code not in BY_THE_QUERY:  # a signal from outside: the server stopping
                raise StoreError(
                    "the process running the query was stopped from outside (the server "
                    "stopping or restarting); try again"
                ) from None
            raise QueryError(  # the store is well: what the query asked stopped the worker
                "the query stopped the process running it: it asked for more memory than "
                "this endpoint allows a query, or nested deeper than the query parser "
                "goes; narrow or flatten it"
            ) from None

    def head(self) -> Head:
        """What the result is; raises the query's error if it has no result."""
        message = self._wait(self._channel.control)
        assert isinstance(message, tuple)
        if message[0] == "error":
            self._done(clean=True)
            raise ERRORS[str(message[1])](str(message[2]))
        if message[0] == "whole":
            self._done(clean=True)
            assert isinstance(message[2], bytes)
            self._whole = message[2]
        head = message[1]
        assert isinstance(head, Head)
        return head

    def chunks(self) -> Iterator[bytes]:
        """The result's body, chunk by chunk; raises StoreError if it fails part-way."""
        if self._whole is not None:
            body, self._whole = self._whole, None
            if body:
                yield body
            return
        while chunk := self._wait(self._channel.data):
            assert isinstance(chunk, bytes)
            yield chunk
        end = self._wait(self._channel.control)
        assert isinstance(end, tuple)
        self._done(clean=True)
        if end[0] == "fail":
            raise StoreError(f"the query failed part-way through its result: {end[1]}")

    def close(self) -> None:
        """Give the worker back, reading what is left of the result for up to DRAIN seconds
        (cheaper than a new worker); stop the worker if that is not enough."""
        if self._finished:
            return
        limit = time.monotonic() + DRAIN
        self._deadline = min(self._deadline or limit, limit)
        try:
            for _ in self.chunks():
                pass
        except SpeechldError:
            pass  # chunks() has already stopped the worker or given it back
        self._done(clean=False)


class Worker:
    """A worker process and the parent's end of its connection."""

    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn

    def _ready(self, deadline: float | None) -> None:
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not self.conn.poll(remaining):
            raise QueryTimeout

    def control(self, deadline: float | None) -> tuple[object, ...]:
        """The next control message from the worker."""
        self._ready(deadline)
        try:
            message = self.conn.recv()
        except (EOFError, OSError) as error:
            raise self._ended() from error
        assert isinstance(message, tuple)
        return message

    def data(self, deadline: float | None) -> bytes:
        """The next body chunk from the worker."""
        self._ready(deadline)
        try:
            return self.conn.recv_bytes()
        except (EOFError, OSError) as error:
            raise self._ended() from error

    def _ended(self) -> Ended:
        """How the worker, whose connection closed, ended."""
        self.process.join(timeout=1)
        return Ended(self.process.exitcode)

    def stop(self) -> None:
        """Kill the process and release its resources."""
        self.process.kill()
        self.process.join(timeout=10)
        self.conn.close()


class WorkerPool:
    """A fixed number of warm worker processes over one store location."""

    def __init__(
        self,
        location: str,
        size: int,
        *,
        timeout: float,
        queue_wait: float,
        memory: int = 0,
        admit: int = 0,
    ) -> None:
        self.location = location
        self.size = size
        # Requests that may run or wait for a worker at once (0: any): a server's threads
        # all waiting for query workers would leave none to serve documents.
        self.admit = admit
        self._admitted = threading.BoundedSemaphore(admit) if admit else None
        self.memory = memory  # MiB of heap a worker may take; 0: no bound
        self.timeout = timeout
        self.queue_wait = queue_wait
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._orders: queue.Queue[bool] = queue.Queue()
        self._workers: set[Worker] = set()
        self._lock = threading.Lock()
        self._keeper = threading.Thread(target=self._keep, name="speechld-query-pool", daemon=True)
        self._keeper.start()
        for _ in range(size):
            self._orders.put(True)

    def _keep(self) -> None:
        """Start every worker, in this one thread (their parent, as far as Linux is concerned)."""
        while self._orders.get():
            try:
                worker = self._start()
            except Exception:  # pragma: no cover - the system refused a process
                log.exception("cannot start a query worker; retrying in a second")
                time.sleep(1)
                self._orders.put(True)
                continue
            with self._lock:
                self._workers.add(worker)
            self._idle.put(worker)

    def _start(self) -> Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=serve,
            args=(child, self.location, os.getpid(), self.memory),
            name="speechld-query-worker",
            daemon=True,
        )
        process.start()
        child.close()
        return Worker(process, parent)

    def _acquire(self) -> Worker:
        deadline = time.monotonic() + self.queue_wait
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                busy = "the query worker" if self.size == 1 else f"all {self.size} query workers"
                raise Overloaded(
                    f"{busy} of this server process stayed busy for {self.queue_wait:g} s; "
                    "try again shortly"
                ) from None
            if worker.process.is_alive():
                return worker
            self._discard(worker)

    def _discard(self, worker: Worker) -> None:
        with self._lock:
            known = worker in self._workers
            self._workers.discard(worker)
        worker.stop()
        if known:
            self._orders.put(True)

    def _finish(self, worker: Worker, clean: bool) -> None:
        if clean:
            self._idle.put(worker)
        else:
            self._discard(worker)

    def submit(self, job: Job) -> Run:
        """Start a job on a free worker; raises Overloaded when none frees up in time, or
        when as many requests as may are running or waiting already."""
        admitted = self._admitted
        if admitted is not None and not admitted.acquire(blocking=False):
            raise Overloaded(
                f"the {self.admit} requests this server process takes queries from at once "
                "are running or waiting; try again shortly"
            )
        release: Callable[[], None] = admitted.release if admitted is not None else lambda: None
        try:
            worker = self._acquire()
        except BaseException:
            release()
            raise
        try:
            worker.conn.send(job)
        except OSError:
            self._discard(worker)
            release()
            raise StoreError("the query worker stopped unexpectedly") from None

        def finish(clean: bool) -> None:
            release()  # first: stopping a worker may take seconds
            self._finish(worker, clean)

        return Run(worker, self.timeout, finish)

    def retry_after(self) -> int:
        """Seconds a client turned away should wait before trying again."""
        return max(1, math.ceil(self.queue_wait))

    def close(self) -> None:
        """Stop every worker and the thread that starts them."""
        self._orders.put(False)
        self._keeper.join(timeout=30)
        with self._lock:
            workers, self._workers = self._workers, set()
        for worker in workers:
            worker.stop()


class _Replay:
    """A run's messages, recorded as it ran in the calling thread."""

    def __init__(self) -> None:
        self.messages: deque[tuple[object, ...] | bytes] = deque()

    def control(self, deadline: float | None) -> tuple[object, ...]:
        message = self.messages.popleft()
        assert isinstance(message, tuple)
        return message

    def data(self, deadline: float | None) -> bytes:
        message = self.messages.popleft()
        assert isinstance(message, bytes)
        return message


class InlineExecutor:
    """Runs each job in the calling thread on an open store: no time limit, for tests only."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def submit(self, job: Job) -> Run:
        """Run a job to its end and hand back its recorded result."""
        replay = _Replay()
        record = replay.messages.append
        try:
            run(self.store, job, Sink(lambda head: record(("head", head)), record))
            record(b"")
            record(("end",))
        except Exception as error:
            if replay.messages:
                record(b"")
                record(("fail", str(error)))
            else:
                record(("error", error_kind(error, job, self.store.in_process), str(error)))
        finally:
            self.store.release()
        return Run(replay, 0, lambda clean: None)

    def retry_after(self) -> int:
        """Never turned away."""
        return 1

    def close(self) -> None:
        """Nothing to stop."""


Executor = WorkerPool | InlineExecutor
