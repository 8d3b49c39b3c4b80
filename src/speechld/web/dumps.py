"""Dumps of the whole dataset under /dumps/, gzipped and streamed from the store."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, render_template, request, url_for
from werkzeug.exceptions import NotFound

from speechld.dump import dump, file_name
from speechld.formats import DUMP_FORMATS, HTML, Format
from speechld.web.store import generation, get_store, last_modified

bp = Blueprint("dumps", __name__, url_prefix="/dumps")

BY_FILE: dict[str, Format] = {file_name(f): f for f in DUMP_FORMATS}


@bp.get("/")
def index() -> Response:
    """The list of dumps, for people."""
    dumps = [(f, url_for(".download", name=file_name(f)), file_name(f)) for f in DUMP_FORMATS]
    body = render_template("dumps.html", dumps=dumps)
    return Response(body, content_type=HTML.content_type)


@bp.get("/<name>")
def download(name: str) -> Response:
    """One dump, streamed: the store is read and gzipped chunk by chunk while it is sent."""
    fmt = BY_FILE.get(name)
    if fmt is None:
        raise NotFound(f"There is no dump {name!r}; there are {', '.join(BY_FILE)}.")
    store = get_store()
    stamp = generation()
    response = Response(dump(store, fmt, compress=True), mimetype="application/gzip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    if stamp is not None:
        response.set_etag(hashlib.blake2b(f"{stamp}:{name}".encode(), digest_size=16).hexdigest())
        response.last_modified = last_modified()
        response.make_conditional(request)
    return response
