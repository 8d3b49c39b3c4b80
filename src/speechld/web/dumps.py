"""Dumps of the whole dataset under /dumps/: files made once per version of the data, sent
as they are written while they are made; streamed from the store where no file is kept."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import cast

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    render_template,
    request,
    send_file,
    url_for,
)
from platformdirs import user_cache_dir
from werkzeug.exceptions import NotFound, ServiceUnavailable
from werkzeug.http import parse_range_header
from werkzeug.wsgi import ClosingIterator

from speechld.child import in_child
from speechld.dump import DumpCache, NotMade, dump, file_name, make_dump
from speechld.errors import SpeechldError
from speechld.formats import DUMP_FORMATS, HTML, Format
from speechld.store import GraphStore, is_remote
from speechld.web.store import generation, get_store, last_modified, unresponsive

bp = Blueprint("dumps", __name__, url_prefix="/dumps")

BY_FILE: dict[str, Format] = {file_name(f): f for f in DUMP_FORMATS}
MAKING = "speechld.dumps.making"  # (version, format) pairs this process is making
FAILED = "speechld.dumps.failed"  # why the latest making of each (version, format) failed
STREAMS = "speechld.dumps.streams"  # slots for dumps streamed from the store by this process
STREAMS_MAX = 2  # at once in a web worker: each has the store read all its data
STREAMS_RETRY = 60  # seconds a client is told to wait for a slot


class BrokenOff(Exception):
    """A dump failed after its response had begun: raised to the server, which then ends
    the response unfinished (no last chunk), so that the client knows it is incomplete."""


@bp.get("/")
def index() -> Response:
    """The list of dumps, for people."""
    dumps = [(f, url_for(".download", name=file_name(f)), file_name(f)) for f in DUMP_FORMATS]
    body = render_template("dumps.html", dumps=dumps)
    return Response(body, content_type=HTML.content_type)


@bp.get("/<name>")
def download(name: str) -> Response:
    """One dump: its file if made for the data served, else streamed from the store."""
    fmt = BY_FILE.get(name)
    if fmt is None:
        raise NotFound(f"There is no dump {name!r}; there are {', '.join(BY_FILE)}.")
    store = get_store()
    stamp = generation()
    head = request.method == "HEAD"  # a link checker's: the headers, nothing read or made
    if stamp is None:
        return headers_only(name, None) if head else streamed(store, fmt, name, None)
    tag = hashlib.blake2b(f"{stamp}:{name}".encode(), digest_size=16).hexdigest()
    cache, version = dump_cache(), f"{stamp:.6f}"
    made = None if cache is None else cache.find(version, fmt)
    if made is None and head:
        return headers_only(name, tag)
    if cache is None:
        return streamed(store, fmt, name, tag)
    if made is None:
        problem = unresponsive()  # a store that is down: said now, not after the wait
        if problem is not None:
            raise problem
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        failures = start_making(app, cache, version, fmt)
        chunks = cache.follow(version, fmt, failed=lambda: failures.get((version, fmt.name)))
        try:
            first = next(chunks, b"")  # a making that never starts is an error, not an empty 200
        except NotMade as error:
            if isinstance(error.cause, OSError):  # the file cannot be written here: no file
                return streamed(store, fmt, name, tag)
            raise
        return followed(chain([first], chunks), name, tag)
    whole_unless_one_range()
    response = send_file(
        made,
        mimetype="application/gzip",
        etag=tag,
        last_modified=last_modified(),
        max_age=current_app.config["MAX_AGE"],
        conditional=True,  # If-None-Match, If-Modified-Since and Range
    )
    return attachment(response, name)


def headers_only(name: str, tag: str | None) -> Response:
    """A dump's headers, for a HEAD while its file is not made: the store asked only
    whether it answers (a GET would be 503 if not), nothing read or made."""
    problem = unresponsive()
    if problem is not None:
        raise problem
    return followed(iter(()), name, tag)


def whole_unless_one_range() -> None:
    """Have a Range header of several ranges, or one not understood, ignored: the whole
    file is sent (RFC 9110, 14.2), not 416, which is for ranges the file cannot meet."""
    header = request.headers.get("Range")
    wanted = parse_range_header(header)
    if header is not None and (
        wanted is None or wanted.units != "bytes" or len(wanted.ranges) != 1
    ):
        request.environ.pop("HTTP_RANGE", None)


def attachment(response: Response, name: str) -> Response:
    """The response, to be saved under the dump's file name."""
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def streamed(store: GraphStore, fmt: Format, name: str, tag: str | None) -> Response:
    """The dump gzipped chunk by chunk while it is sent, in constant memory: its first chunk
    read before answering, so that a store that cannot be read is an error status. At most
    STREAMS_MAX at once (a store with no dump file reads everything for each)."""
    if tag is not None:  # a client that has this version: told so without reading the store
        unchanged = followed(iter(()), name, tag)
        if unchanged.status_code == 304:
            return unchanged
        unchanged.close()
    slots: threading.BoundedSemaphore = current_app.extensions.setdefault(
        STREAMS, threading.BoundedSemaphore(STREAMS_MAX)
    )
    if not slots.acquire(blocking=False):
        raise ServiceUnavailable(
            f"{STREAMS_MAX} dumps are being read from the data store for this server now, "
            "the most it reads at once; try again later.",
            retry_after=STREAMS_RETRY,
        )
    try:
        chunks = dump(store, fmt, compress=True)
        first = next(chunks, b"")
        response = followed(chain([first], chunks), name, tag)
    except BaseException:
        slots.release()
        raise
    body = cast(Iterable[bytes], response.response)
    response.response = ClosingIterator(body, slots.release)  # on the response's close
    return response


def followed(chunks: Iterator[bytes], name: str, tag: str | None) -> Response:
    """A dump sent as its chunks come (from the store, or from the file being made)."""
    body = guarded(chunks, name, current_app.logger)
    response = attachment(Response(body, mimetype="application/gzip"), name)
    response.implicit_sequence_conversion = False  # else make_conditional reads it all
    if tag is not None:
        response.set_etag(tag)
        response.last_modified = last_modified()
        response.make_conditional(request)
    return response


def guarded(chunks: Iterator[bytes], name: str, logger: logging.Logger) -> Iterator[bytes]:
    """The chunks; a failure among them is logged in one line and ends the response
    unfinished (BrokenOff)."""
    sent = 0
    try:
        for chunk in chunks:
            yield chunk
            sent += len(chunk)
    except SpeechldError as error:
        logger.error("dump %s broke off after %d bytes: %s", name, sent, error)
        raise BrokenOff(name) from None


def dump_cache() -> DumpCache | None:
    """Where this app keeps made dumps: DUMP_CACHE if set, else `dumps/` in an embedded
    store's directory, or for a remote store a directory of the user's cache named by its
    URL; none for a store in memory or given ready-made."""
    location = current_app.config["STORE"]
    if not isinstance(location, str) or location == ":memory:":
        return None
    configured = current_app.config["DUMP_CACHE"]
    if configured:
        directory = Path(configured)
    elif is_remote(location):
        key = hashlib.sha256(location.encode("utf-8")).hexdigest()[:16]
        directory = Path(user_cache_dir("speechld")) / "dumps" / key
    else:
        directory = Path(location) / "dumps"
    return DumpCache(directory.resolve())  # send_file takes no relative path


def made_file(fmt: Format) -> Path | None:
    """The file of a format's dump if made of the data served."""
    cache, stamp = dump_cache(), generation()
    return None if cache is None or stamp is None else cache.find(f"{stamp:.6f}", fmt)


def start_making(
    app: Flask, cache: DumpCache, version: str, fmt: Format
) -> dict[tuple[str, str], BaseException]:
    """Have the dump made, once per version and format in this process, by a short-lived
    process of its own (reading the whole store fills a process's caches for good); the
    failures of the latest makings, by (version, format), for those waiting on them."""
    making: set[tuple[str, str]] = app.extensions.setdefault(MAKING, set())
    failures: dict[tuple[str, str], BaseException] = app.extensions.setdefault(FAILED, {})
    key = (version, fmt.name)
    if key in making:
        return failures
    making.add(key)
    failures.pop(key, None)
    location = str(app.config["STORE"])

    def make() -> None:
        try:
            in_child(make_dump, location, cache.directory, version, fmt.name)
        except (OSError, SpeechldError) as error:
            failures[key] = error
            app.logger.error("could not make the dump %s: %s", file_name(fmt), error)
        finally:
            making.discard(key)

    threading.Thread(target=make, name=f"dump-{fmt.name}", daemon=True).start()
    return failures
