"""Pages for people: the dataset at a glance and lists of its things; the JSON-LD context."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, redirect, render_template, url_for
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from speechld.formats import BY_NAME, HTML
from speechld.web.figures import (
    KIND_NAMES,
    SHOWN,
    catalogue,
    figures,
    kinds,
    members,
    named,
    statistics,
)
from speechld.web.negotiation import negotiate
from speechld.web.resources import page_number
from speechld.web.terms import jsonld_context

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
    """Every thing of a kind, by URI, a page at a time."""
    everything = members(kind)
    size: int = current_app.config["PAGE_SIZE"]
    page = page_number()
    shown = everything[(page - 1) * size : page * size]
    if not shown:
        raise NotFound(f"There are no things of kind {kind!r} (page {page}) in this dataset.")
    known = {k.key: k for k in kinds()}
    name = known[kind].name if kind in known else KIND_NAMES.get(kind, kind.capitalize())
    body = render_template(
        "list.html",
        name=name,
        kind=kind,
        items=named(list(shown)),
        total=len(everything),
        first=(page - 1) * size + 1,
        page=page,
        next_page=url_for(".listing", kind=kind, page=page + 1)
        if page * size < len(everything)
        else None,
        previous_page=url_for(".listing", kind=kind, page=page - 1 if page > 2 else None)
        if page > 1
        else None,
    )
    return Response(body, content_type=HTML.content_type)


@bp.get("/context.jsonld")
def context() -> Response:
    """The JSON-LD context every JSON-LD document of this dataset names."""
    body = json.dumps(jsonld_context(), ensure_ascii=False, indent=2)
    return Response(body, content_type=BY_NAME["jsonld"].content_type)
