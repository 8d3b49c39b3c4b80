"""Pages for people: the dataset at a glance and lists of its things; the JSON-LD context."""

from __future__ import annotations

import json
from collections.abc import Sequence

from flask import Blueprint, Response, current_app, redirect, render_template, url_for
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from speechld.formats import BY_NAME, DOCUMENT_FORMATS, HTML
from speechld.web.documents import collection_triples, serialize_graph
from speechld.web.figures import (
    KIND_NAMES,
    SHOWN,
    catalogue,
    figures,
    kinds,
    named,
    statistics,
)
from speechld.web.negotiation import negotiate, split_suffix
from speechld.web.resources import document_headers, page_number
from speechld.web.store import base, dataset_uri
from speechld.web.terms import jsonld_context
from speechld.web.void import DESCRIPTION, dataset_jsonld, publication

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> BaseResponse:
    """The dataset at a glance; RDF clients are sent to its VoID description."""
    fmt = negotiate()
    if fmt is not HTML:
        response = redirect(url_for("void.void", suffix=fmt.suffix), 303)
        response.vary.add("Accept")
        return response
    found = catalogue()
    response = Response(
        render_template(
            "home.html",
            kinds=kinds(),
            triples=statistics().triples,
            examples=found.named["examples"],
            lists=[(kind, found.named[kind.key]) for kind in kinds() if kind.key in found.named],
            shown=SHOWN,
            dumps=[f for f in BY_NAME.values() if f.dump],
            description=DESCRIPTION,
            jsonld=dataset_jsonld(statistics(), found, publication()),
        ),
        content_type=HTML.content_type,
    )
    response.vary.add("Accept")
    return response


def warm_up() -> None:
    """Count what the home page and VoID show, so that no visitor waits for it."""
    figures()


@bp.get("/list/<kind>")
def listing(kind: str) -> Response:
    """Every thing of a kind, by URI, a page at a time: HTML, or RDF as a Hydra collection."""
    kind, fmt = split_suffix(kind)
    negotiated = fmt is None
    fmt = fmt or negotiate(default=HTML)
    things, stats = figures()  # one version of them, which may trail the data's
    everything = things.kinds.get(kind, ())
    size: int = current_app.config["PAGE_SIZE"]
    page = page_number()
    shown = everything[(page - 1) * size : page * size]
    last = -(-len(everything) // size)
    if not shown:
        raise NotFound(unlisted(kind, page, last))
    near = {rel: n for rel, n in (("next", page + 1), ("previous", page - 1)) if 1 <= n <= last}
    if fmt is HTML:
        body = listing_page(kind, len(everything), shown, page, near).encode()
    else:
        pages = {"first": 1, "last": last} | near
        triples = collection_triples(
            f"{base()}list/{kind}",
            dataset_uri(),
            shown,
            len(everything),
            list_uri(kind, page),
            {rel: list_uri(kind, n) for rel, n in pages.items()},
        )
        body = serialize_graph(triples, fmt, base() + "context.jsonld")
    response = Response(body, content_type=fmt.content_type)
    document_headers(response, kind, fmt, negotiated, page, "next" in near, prefix="list")
    response.last_modified = stats.modified  # when the data listed was committed
    return response


def unlisted(kind: str, page: int, last: int) -> str:
    """Why a page of a list does not exist: past the last page, or no things of the kind.

    >>> unlisted("speech", 3, 2)
    "The list of kind 'speech' has 2 pages, not 3."
    >>> unlisted("speech.nq", 1, 0)  # doctest: +ELLIPSIS
    "There are no things of kind 'speech.nq' in this dataset (a list is served as .html, ...)."
    """
    if last:
        return f"The list of kind {kind!r} has {last} page{'s' * (last != 1)}, not {page}."
    suffixes = ", ".join(f".{f.suffix}" for f in DOCUMENT_FORMATS)
    return f"There are no things of kind {kind!r} in this dataset (a list is served as {suffixes})."


def listing_page(
    kind: str, total: int, shown: Sequence[str], page: int, near: dict[str, int]
) -> str:
    """The HTML page of one page of a list."""
    known = {k.key: k for k in kinds()}
    name = known[kind].name if kind in known else KIND_NAMES.get(kind, kind.capitalize())
    size: int = current_app.config["PAGE_SIZE"]
    return render_template(
        "list.html",
        name=name,
        kind=kind,
        known=known,
        dated=statistics().dated if kind == "speech" else None,
        items=named(list(shown)),
        total=total,
        last=-(-total // size),
        first=(page - 1) * size + 1,
        page=page,
        next_page=url_for(".listing", kind=kind, page=near["next"]) if "next" in near else None,
        previous_page=url_for(".listing", kind=kind, page=near["previous"] if page > 2 else None)
        if "previous" in near
        else None,
        formats=[
            (f, url_for(".listing", kind=f"{kind}.{f.suffix}", page=page if page > 1 else None))
            for f in DOCUMENT_FORMATS
        ],
    )


def list_uri(kind: str, page: int) -> str:
    """A page of a list as its RDF names it, under the dataset base."""
    return f"{base()}list/{kind}?page={page}"


@bp.get("/context.jsonld")
def context() -> Response:
    """The JSON-LD context every JSON-LD document of this dataset names."""
    body = json.dumps(jsonld_context(), ensure_ascii=False, indent=2)
    return Response(body, content_type=BY_NAME["jsonld"].content_type)
