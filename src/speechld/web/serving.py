"""The production server: Granian worker processes, each running the app built from one config.

`speechld serve` checks the configuration once, then hands it to Granian in the environment;
every worker process builds its own app from it with `app()`, warms its figures and its
SPARQL workers, and serves until Granian stops it.
"""

from __future__ import annotations

import errno
import json
import logging
import math
import os
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from speechld.errors import SpeechldError
from speechld.web.access import WSGIApp

CONFIG = "SPEECHLD_SERVE_CONFIG"  # the JSON config the workers build their app from
GRANIAN_LOG = "_granian"  # the logger of Granian's native code, which logs app exceptions
STOP_WAIT = 10  # seconds a stopping server process may take, at least, before it is killed


def share(limit: int | None, workers: int) -> int | None:
    """Each web worker's share of a server-wide limit on concurrent queries (at least 1).

    >>> share(4, 2), share(2, 4), share(None, 2), share(0, 2)
    (2, 1, None, 0)
    """
    if not limit:
        return limit
    return max(1, limit // workers)


def check(config: dict[str, Any]) -> None:
    """Open the store as the workers will, so that a bad setting fails before any starts."""
    from speechld.web import create_app
    from speechld.web.store import close_store, get_store

    application = create_app(config)
    with application.app_context():
        get_store().is_empty()
    close_store(application)


def listening_address(host: str, port: int) -> str:
    """The IP address to serve host on, once a plain bind there succeeds; SpeechldError if not.

    Granian takes addresses alone, and binds with SO_REUSEPORT: a port another server
    holds would be shared with it (each answering some requests), or fail with a backtrace.
    A name with several addresses (localhost: 127.0.0.1 and ::1) is served on its IPv4 one.
    """
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = min(found, key=lambda a: a[0] != socket.AF_INET)
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # not a closed one's
            probe.bind(address)
    except OSError as error:
        held = " (is another server running there?)" if error.errno == errno.EADDRINUSE else ""
        message = f"cannot listen on {host} port {port}: {error.strerror or error}{held}"
        raise SpeechldError(message) from None
    return str(address[0])


def url_host(address: str) -> str:
    """An address as a URL writes it: an IPv6 one in brackets.

    >>> url_host("::1"), url_host("127.0.0.1"), url_host("localhost")
    ('[::1]', '127.0.0.1', 'localhost')
    """
    return f"[{address}]" if ":" in address else address


LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0", "::"}


def unserved_base(base: str, host: str, port: int) -> str | None:
    """A warning when the URIs are minted under a local address other than the one served:
    their links (and JSON-LD's context) would lead nowhere. A public base is left alone
    (a proxy may serve it).

    >>> unserved_base("http://127.0.0.1:5000/", "127.0.0.1", 5000) is None
    True
    >>> unserved_base("http://localhost:5000/", "127.0.0.1", 5182)  # doctest: +ELLIPSIS
    'the URIs are minted under http://localhost:5000/, ... port 5182): ...'
    >>> unserved_base("https://data.example.org/", "127.0.0.1", 8080) is None
    True
    """
    parts = urlsplit(base)
    if parts.hostname not in LOCAL_HOSTS:
        return None
    minted = parts.port or (443 if parts.scheme == "https" else 80)
    if minted == port and (host in LOCAL_HOSTS or host == parts.hostname):
        return None
    return (
        f"the URIs are minted under {base}, a local address this server does not answer at "
        f"(it listens on {host} port {port}): links in its documents lead there; serve on "
        "that port, or ingest under the base the data is to be served at (--base)"
    )


def build(config: dict[str, Any], access_log: bool) -> WSGIApp:
    """The WSGI app of one worker process: figures counted and query workers started."""
    from speechld.web import create_app, sparql
    from speechld.web.access import AccessLog, access_logger
    from speechld.web.pages import warm_up

    app = create_app(config)
    for handler in logging.getLogger(GRANIAN_LOG).handlers:
        handler.addFilter(not_broken_off)
    with app.test_request_context(base_url=config["BASE"]):
        warm_up()
    sparql.warm(app)
    return AccessLog(app.wsgi_app, access_logger()) if access_log else app.wsgi_app


def not_broken_off(record: logging.LogRecord) -> bool:
    """Whether a log record is other than Granian's traceback of a dump that broke off
    (BrokenOff), which the app has logged in one line already."""
    from speechld.web.dumps import BrokenOff

    return not record.getMessage().rsplit("\n", 1)[-1].startswith(f"{BrokenOff.__name__}:")


def app() -> WSGIApp:
    """The app a Granian worker serves, from the config `speechld serve` left it."""
    settings = json.loads(os.environ[CONFIG])
    return build(settings["config"], settings["access_log"])


def stop_wait(config: dict[str, Any]) -> int:
    """Seconds a stopping server process may take to finish what it answers: a SPARQL
    query's time limit and a little more, or STOP_WAIT where queries have no limit.

    >>> stop_wait({"SPARQL_TIMEOUT": 30}), stop_wait({"SPARQL_TIMEOUT": 0})
    (35, 10)
    """
    from speechld.sparql.limits import limits

    timeout = limits({"timeout": config.get("SPARQL_TIMEOUT")}).timeout
    return max(STOP_WAIT, math.ceil(timeout) + 5) if timeout else STOP_WAIT


def serve(
    config: dict[str, Any],
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    access_log: bool,
) -> None:
    """Serve the app on host:port with Granian until stopped (SIGINT or SIGTERM)."""
    from multiprocessing import resource_tracker

    from granian import Granian
    from granian.constants import Interfaces

    # Granian puts the working directory first on the module path of the server and its
    # workers, where a folder named speechld (a store, say) would hide this package.
    os.chdir(Path(__file__).resolve().parents[2])
    resource_tracker.ensure_running()  # one tracker for every worker's query processes
    os.environ[CONFIG] = json.dumps({"config": config, "access_log": access_log})
    Granian(
        f"{__name__}:app",
        factory=True,
        interface=Interfaces.WSGI,
        websockets=False,
        address=host,
        port=port,
        workers=workers,
        blocking_threads=threads,
        log_access=False,
        workers_kill_timeout=stop_wait(config),
        respawn_failed_workers=True,
    ).serve()
