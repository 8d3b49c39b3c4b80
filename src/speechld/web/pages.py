"""Pages for people: the dataset at a glance and lists of its things; the JSON-LD context."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, redirect, render_template, url_for
from pyoxigraph import NamedNode
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from speechld.formats import BY_NAME, HTML
from speechld.web import views
from speechld.web.describe import summaries
from speechld.web.figures import KIND_NAMES, Kind, kinds, members, statistics
from speechld.web.negotiation import negotiate
from speechld.web.resources import page_number
from speechld.web.store import cached, get_store
from speechld.web.terms import jsonld_context

bp = Blueprint("pages", __name__)

SHOWN = 50  # things of each kind listed on the home page


Named = list[tuple[views.Value, str | None]]


@dataclass(frozen=True)
class Overview:
    """What the home page shows: the kinds of things, example speeches, first names."""

    kinds: list[Kind]
    examples: Named
    lists: list[tuple[Kind, Named]]


def overview() -> Overview:
    """The home page's figures and lists (cached until the data changes)."""
    found = kinds()
    examples = list(statistics().examples)
    lists = [(kind, members(kind.key)[:SHOWN]) for kind in found if kind.key != "speech"]

    def compute() -> Overview:
        return Overview(found, named(examples), [(k, named(uris)) for k, uris in lists])

    return cached("overview", compute)


def named(uris: Sequence[str]) -> Named:
    """Resources with their names and dates, for a list of links."""
    index = views.Index.of(summaries(get_store(), [NamedNode(u) for u in uris], dated=True))
    return [(index.value(NamedNode(u)), index.date(u)) for u in uris]


@bp.get("/")
def home() -> BaseResponse:
    """The dataset at a glance; RDF clients are sent to its VoID description."""
    fmt = negotiate()
    if fmt is not HTML:
        response = redirect(url_for("void.void", suffix=fmt.suffix), 303)
        response.vary.add("Accept")
        return response
    glance = overview()
    response = Response(
        render_template(
            "home.html",
            kinds=glance.kinds,
            triples=statistics().triples,
            examples=glance.examples,
            lists=glance.lists,
            shown=SHOWN,
            dumps=[f for f in BY_NAME.values() if f.dump],
        ),
        content_type=HTML.content_type,
    )
    response.vary.add("Accept")
    return response


def warm_up() -> None:
    """Count what the home page and VoID show, so that no visitor waits for it."""
    overview()
    statistics()


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
