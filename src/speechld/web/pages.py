"""Pages for people: the dataset at a glance and lists of its things; the JSON-LD context."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, redirect, render_template, url_for
from pyoxigraph import Literal, NamedNode
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from speechld.formats import BY_NAME, HTML
from speechld.vocab import SLD
from speechld.web import views
from speechld.web.describe import summaries
from speechld.web.negotiation import negotiate
from speechld.web.resources import page_number
from speechld.web.store import base, cached, get_store
from speechld.web.terms import jsonld_context
from speechld.web.void import statistics

bp = Blueprint("pages", __name__)

# What a kind of thing (the first path segment under /id/) is called in lists.
KIND_NAMES = {
    "speech": "Speeches",
    "person": "Persons",
    "group": "Party groups",
    "type": "Speech types",
    "function": "Functions",
    "sitting": "Sittings",
    "session": "Sessions",
}
SHOWN = 50  # things of each kind listed on the home page

KINDS = """SELECT ?kind (COUNT(*) AS ?n) WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{ ?s a ?type }} }}
  BIND(STRAFTER(STR(?s), {prefix}) AS ?rest)
  BIND(STRBEFORE(?rest, "/") AS ?kind)
  FILTER(?kind != "" && STRAFTER(?rest, "/") != ""
         && !CONTAINS(STRAFTER(?rest, "/"), "/") && !CONTAINS(?rest, "#"))
}} GROUP BY ?kind"""

MEMBERS = """SELECT ?s WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{ ?s a ?type }} }}
  FILTER(STRSTARTS(STR(?s), {prefix}) && STR(?s) != {prefix}
         && !CONTAINS(STRAFTER(STR(?s), {prefix}), "/") && !CONTAINS(STR(?s), "#"))
}} ORDER BY ?s"""

EXAMPLES = f"SELECT ?s WHERE {{ ?s a <{SLD.Speech}> }} ORDER BY ?s LIMIT 3"


@dataclass(frozen=True)
class Kind:
    """A kind of thing in the dataset, and how many there are."""

    key: str
    name: str
    count: int


def kind_order(key: str) -> tuple[int, str]:
    """Known kinds first, in their usual order, then the others by name."""
    known = list(KIND_NAMES)
    return (known.index(key) if key in known else len(known), key)


def kinds() -> list[Kind]:
    """Every kind of thing under /id/ with its count (cached until the data changes)."""

    store, prefix = get_store(), Literal(base() + "id/")

    def compute() -> list[Kind]:
        rows = store.select(KINDS.format(prefix=prefix))
        found = {str(row["kind"].value): int(row["n"].value) for row in rows}
        return [
            Kind(k, KIND_NAMES.get(k, k.capitalize()), found[k])
            for k in sorted(found, key=kind_order)
        ]

    return cached("kinds", compute)


def members(kind: str) -> tuple[str, ...]:
    """The URIs of every thing of a kind, in URI order (cached until the data changes)."""

    store, prefix = get_store(), Literal(f"{base()}id/{kind}/")

    def compute() -> tuple[str, ...]:
        rows = store.select(MEMBERS.format(prefix=prefix))
        return tuple(str(row["s"].value) for row in rows)

    return cached(f"members:{kind}", compute)


def named(uris: list[str]) -> list[tuple[views.Value, str | None]]:
    """Resources with their names and dates, for a list of links."""
    index = views.Index.of(summaries(get_store(), [NamedNode(u) for u in uris]))
    return [(index.value(NamedNode(u)), index.date(u)) for u in uris]


@bp.get("/")
def home() -> BaseResponse:
    """The dataset at a glance; RDF clients are sent to its VoID description."""
    fmt = negotiate()
    if fmt is not HTML:
        response = redirect(url_for("void.void", suffix=fmt.suffix), 303)
        response.vary.add("Accept")
        return response
    found = kinds()
    examples = [str(row["s"].value) for row in get_store().select(EXAMPLES)]
    lists = [
        (kind, named(list(members(kind.key)[:SHOWN]))) for kind in found if kind.key != "speech"
    ]
    response = Response(
        render_template(
            "home.html",
            kinds=found,
            triples=statistics().triples,
            examples=named(examples),
            lists=lists,
            shown=SHOWN,
            dumps=[f for f in BY_NAME.values() if f.dump],
        ),
        content_type=HTML.content_type,
    )
    response.vary.add("Accept")
    return response


def warm_up() -> None:
    """Count what the home page and VoID show, so that no visitor waits for it."""
    kinds()
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
