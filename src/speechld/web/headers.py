"""HTTP done once for every response: CORS, validators and 304s, caching, gzip, safety."""

from __future__ import annotations

import gzip
import hashlib

from flask import Flask, Response, current_app, request

EXPOSED = "Content-Location, Link, Location, ETag, Last-Modified, Vary, Content-Disposition"
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
    headers["Access-Control-Allow-Origin"] = "*"
    headers["Access-Control-Expose-Headers"] = EXPOSED
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.method == "OPTIONS":
        headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
        headers["Access-Control-Allow-Headers"] = (
            "Accept, Accept-Encoding, Content-Type, If-None-Match, If-Modified-Since"
        )
        headers["Access-Control-Max-Age"] = "86400"
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", CSP)
    if request.method not in {"GET", "HEAD"}:
        return response
    if response.status_code in {200, 303} and "Cache-Control" not in headers:
        headers["Cache-Control"] = f"public, max-age={current_app.config['MAX_AGE']}"
    if response.status_code != 200 or response.is_streamed or response.direct_passthrough:
        return response
    if "ETag" in headers:  # the view's own validator (a file's): its body is not read here
        return response
    return validate_and_compress(response)


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
    if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
        response.make_conditional(request)
    if zipped and response.status_code == 200:
        response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    return response
