"""HTTP done once for every response: CORS, validators and 304s, caching, gzip, safety."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable
from typing import cast

from flask import Flask, Response, current_app, request
from werkzeug.wsgi import ClosingIterator

from speechld.dump import gzipped
from speechld.sparql.limits import TRUNCATED

# What scripts on other sites may read: links and validators, and what tells a result was
# cut (TRUNCATED), when to try again, and how a range of a dump was answered.
EXPOSED = (
    "Content-Location, Link, Location, ETag, Last-Modified, Vary, Content-Disposition, "
    f"Content-Range, Accept-Ranges, Retry-After, {TRUNCATED}"
)
ALLOWED_HEADERS = "Accept, Accept-Encoding, Content-Type, If-None-Match, If-Modified-Since, Range"
COMPRESSIBLE = (
    "text/",
    "application/ld+json",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/rdf+xml",
    "application/json",
    "application/sparql-results+",
    "application/xml",
    "image/svg+xml",
)
# The views whose responses are the dataset's data, under its licence (RFC 8288's "license").
LICENSED = frozenset({"pages", "resources", "graphs", "void", "dumps", "sparql"})
MIN_GZIP = 512  # bytes: smaller bodies are not worth compressing
CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'"


def init_app(app: Flask) -> None:
    """Have every response pass through finish()."""
    app.after_request(finish)


def compressible(response: Response) -> bool:
    """Whether the response's media type is text that gzip shrinks."""
    return (response.mimetype or "").startswith(COMPRESSIBLE)


def finish(response: Response) -> Response:
    """Add the headers every response carries, and answer 304 or compress where it can."""
    headers = response.headers
    # Added, not set: no view sets these, and setting scans the headers (on every response).
    headers.add("Access-Control-Allow-Origin", "*")
    headers.add("Access-Control-Expose-Headers", EXPOSED)
    headers.add("X-Content-Type-Options", "nosniff")
    if request.method == "OPTIONS":  # a CORS preflight: what the resource allows, any header
        headers["Access-Control-Allow-Methods"] = headers.get("Allow", "GET, HEAD, OPTIONS")
        headers["Access-Control-Allow-Headers"] = request.headers.get(
            "Access-Control-Request-Headers", ALLOWED_HEADERS
        )
        headers["Access-Control-Max-Age"] = "86400"
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", CSP)
    if request.blueprint in LICENSED and response.status_code in {200, 206}:
        link = f'<{current_app.config["LICENSE"]}>; rel="license"'
        headers["Link"] = f"{headers['Link']}, {link}" if "Link" in headers else link
    if request.method not in {"GET", "HEAD"}:
        return response
    if response.status_code in {200, 303} and "Cache-Control" not in headers:
        headers["Cache-Control"] = f"public, max-age={current_app.config['MAX_AGE']}"
    if response.status_code not in {200, 206}:
        return response
    if "ETag" in headers or response.is_streamed or response.direct_passthrough:
        # the view's own validator (a file's), or a body sent as it comes: not read here
        if failed(response):
            return precondition_failed(response)
        if response.is_streamed and not response.direct_passthrough:
            compress_as_sent(response)
        return response
    return validate_and_compress(response)


def compress_as_sent(response: Response) -> None:
    """Gzip a streamed body chunk by chunk as it is sent, when the client takes it."""
    if not compressible(response):
        return
    response.vary.add("Accept-Encoding")
    if request.accept_encodings["gzip"] <= 0 or "Content-Encoding" in response.headers:
        return
    body = cast(Iterable[bytes], response.response)
    close = getattr(body, "close", None)  # the view's own clean-up, when the server closes
    response.response = ClosingIterator(gzipped(body), [close] if close else [])
    response.headers["Content-Encoding"] = "gzip"
    response.headers.pop("Content-Length", None)
    tag, weak = response.get_etag()
    if tag is not None:
        response.set_etag(tag + "-gzip", bool(weak))


def failed(response: Response) -> bool:
    """Whether If-Match or If-Unmodified-Since rule the response out (RFC 9110, 13.2.2)."""
    if "If-Match" in request.headers:
        tag, weak = response.get_etag()
        wanted = request.if_match
        return not (wanted.star_tag or (tag is not None and not weak and wanted.contains(tag)))
    if "If-Unmodified-Since" not in request.headers:
        return False
    since, modified = request.if_unmodified_since, response.last_modified
    return since is not None and modified is not None and modified > since


def precondition_failed(response: Response) -> Response:
    """412 in place of the response, keeping its validators."""
    response.close()
    refusal = Response(
        "412 Precondition Failed: the resource is not in the state the request's "
        "If-Match or If-Unmodified-Since names.\n",
        status=412,
        content_type="text/plain; charset=utf-8",
    )
    for name in ("ETag", "Last-Modified", "Vary", "Access-Control-Allow-Origin"):
        if name in response.headers:
            refusal.headers[name] = response.headers[name]
    refusal.headers["Access-Control-Expose-Headers"] = EXPOSED
    return refusal


def validate_and_compress(response: Response) -> Response:
    """A strong ETag from the body; 304 when the client has it; gzip when the client takes it."""
    body = response.get_data()
    zipped = (
        compressible(response)
        and len(body) >= MIN_GZIP
        and request.accept_encodings["gzip"] > 0
        and "Content-Encoding" not in response.headers
    )
    if compressible(response):
        response.vary.add("Accept-Encoding")
    tag = hashlib.blake2b(body, digest_size=16).hexdigest()
    response.set_etag(tag + "-gzip" if zipped else tag)
    if failed(response):
        return precondition_failed(response)
    if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
        response.make_conditional(request)
    if zipped and response.status_code == 200:
        response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    return response
