"""An access log for the production server: one line per request, when its body is sent."""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import quote

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
        started, arrived = time.perf_counter(), time.time()
        seen: dict[str, str] = {}

        def noting(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            seen["status"] = status.split(" ", 1)[0]
            return start_response(status, headers, *args)

        body = self.app(environ, noting)
        return _Logged(
            body, lambda size: self.log(environ, seen.get("status", "-"), size, started, arrived)
        )

    def log(
        self, environ: dict[str, Any], status: str, size: int, started: float, arrived: float
    ) -> None:
        """Write one line: client, time of arrival, request line, status, bytes, referrer,
        agent, duration in ms."""
        self.logger.info(
            '%s - - [%s] "%s %s %s" %s %d "%s" "%s" %.1fms',
            environ.get("REMOTE_ADDR", "-"),
            time.strftime("%d/%b/%Y:%H:%M:%S %z", time.localtime(arrived)),
            escaped(environ.get("REQUEST_METHOD", "-")),
            escaped(request_target(environ)),
            escaped(PROTOCOLS.get(environ.get("SERVER_PROTOCOL", "-"), "-")),
            status,
            size,
            escaped(environ.get("HTTP_REFERER") or "-"),
            escaped(environ.get("HTTP_USER_AGENT") or "-"),
            (time.perf_counter() - started) * 1000,
        )


# The protocol as a request line writes it (Granian names HTTP/1.0 "HTTP/1").
PROTOCOLS = {
    "HTTP/1": "HTTP/1.0",
    "HTTP/1.0": "HTTP/1.0",
    "HTTP/1.1": "HTTP/1.1",
    "HTTP/2": "HTTP/2.0",
}
# What a path keeps unescaped: RFC 3986's unreserved and sub-delimiter characters, ':', '@'.
PATH_SAFE = "/-._~!$&'()*+,;=:@"


def request_target(environ: dict[str, Any]) -> str:
    """The request's path and query as a request line writes them: the path percent-encoded
    again (WSGI gives it decoded, its UTF-8 bytes as Latin-1 characters), so that the log
    line can be replayed and holds no space.

    >>> request_target({"PATH_INFO": "/id/person/\u00c3\u00a5se x", "QUERY_STRING": "q=%C3%A5"})
    '/id/person/%C3%A5se%20x?q=%C3%A5'
    """
    path = quote(environ.get("PATH_INFO", "").encode("latin-1", "replace"), safe=PATH_SAFE)
    target = environ.get("SCRIPT_NAME", "") + path
    query = environ.get("QUERY_STRING")
    return f"{target}?{query}" if query else target


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
