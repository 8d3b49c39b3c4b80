"""An access log for the production server: one line per request, when its body is sent."""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def access_logger() -> logging.Logger:
    """The `speechld.access` logger, writing plain lines to stderr."""
    logger = logging.getLogger("speechld.access")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


# What a client sends that could end a log line, forge a field or drive a terminal.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f"\\]')


def escaped(text: str) -> str:
    r"""A client's text as a log field: control characters, quotes and backslashes as \xNN.

    >>> print(escaped('/id/x\n10.0.0.1 "GET /admin" \x1b[2J'))
    /id/x\x0a10.0.0.1 \x22GET /admin\x22 \x1b[2J
    """
    return _UNSAFE.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


class AccessLog:
    """WSGI middleware logging each request in the combined log format, plus its duration."""

    def __init__(self, app: WSGIApp, logger: logging.Logger) -> None:
        self.app = app
        self.logger = logger

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """Serve the request, noting its status and size for the log line."""
        started = time.perf_counter()
        seen: dict[str, str] = {}

        def noting(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            seen["status"] = status.split(" ", 1)[0]
            return start_response(status, headers, *args)

        body = self.app(environ, noting)
        return _Logged(body, lambda size: self.log(environ, seen.get("status", "-"), size, started))

    def log(self, environ: dict[str, Any], status: str, size: int, started: float) -> None:
        """Write one line: client, time, request line, status, bytes, referrer, agent, ms."""
        path = environ.get("PATH_INFO", "") + (
            "?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else ""
        )
        self.logger.info(
            '%s - - [%s] "%s %s %s" %s %d "%s" "%s" %.1fms',
            environ.get("REMOTE_ADDR", "-"),
            time.strftime("%d/%b/%Y:%H:%M:%S %z"),
            escaped(environ.get("REQUEST_METHOD", "-")),
            escaped(path),
            escaped(environ.get("SERVER_PROTOCOL", "-")),
            status,
            size,
            escaped(environ.get("HTTP_REFERER", "-")),
            escaped(environ.get("HTTP_USER_AGENT", "-")),
            (time.perf_counter() - started) * 1000,
        )


class _Logged:
    """A response body that reports its size once it has been sent (or abandoned)."""

    def __init__(self, body: Iterable[bytes], done: Callable[[int], None]) -> None:
        self.body = body
        self.done = done
        self.size = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.body:
            self.size += len(chunk)
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close is not None:
                close()
        finally:
            self.done(self.size)
