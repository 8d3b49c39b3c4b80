"""Named graphs served at their names: each graph's own triples, negotiated, a page at a time.

A graph's name stands for its content, as in the Graph Store Protocol: `{base}graph/{key}`
answers 200 with the graph's triples (its provenance among them), not a 303 to a document.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, current_app, render_template
from pyoxigraph import NamedNode, Triple
from werkzeug.exceptions import NotFound

from speechld.formats import HTML, NAMED_GRAPH_FORMATS, Format
from speechld.vocab import ACTIVITY
from speechld.web import views
from speechld.web.describe import node
from speechld.web.documents import paging_triples, serialize_named_graph
from speechld.web.negotiation import negotiate, split_suffix
from speechld.web.resources import doc_path, doc_uri, document_headers, page_number, thing_uri
from speechld.web.store import base, get_store, summaries, version

bp = Blueprint("graphs", __name__)

PREFIX = "graph"


@dataclass(frozen=True)
class GraphPage:
    """One page of a named graph's triples."""

    uri: str
    triples: list[Triple]
    page: int
    more: bool  # whether a next page exists


def read_page(uri: str, page: int, size: int) -> GraphPage:
    """A page of the graph's triples in the store's own order; 404 if there are none."""
    found = get_store().triples(graph=node(uri), limit=size + 1, offset=(page - 1) * size)
    if not found:
        raise NotFound(
            f"{uri} names no graph in this dataset."
            if page == 1
            else f"The graph {uri} has no page {page}."
        )
    return GraphPage(uri, found[:size], page, len(found) > size)


@bp.get("/graph/<path:path>")
def named_graph(path: str) -> Response:
    """A named graph: in the format its suffix names, else the negotiated one."""
    key, fmt = split_suffix(path, NAMED_GRAPH_FORMATS)
    negotiated = fmt is None
    page = page_number()
    graph = read_page(thing_uri(key, PREFIX), page, current_app.config["GRAPH_PAGE_SIZE"])
    fmt = fmt or negotiate(NAMED_GRAPH_FORMATS)
    response = render(key, graph, fmt)
    return document_headers(
        response,
        key,
        fmt,
        negotiated,
        page,
        graph.more,
        prefix=PREFIX,
        formats=NAMED_GRAPH_FORMATS,
    )


def render(key: str, graph: GraphPage, fmt: Format) -> Response:
    """The graph's page as a response body in one format."""
    if fmt is HTML:
        return Response(html(key, graph), content_type=HTML.content_type)
    page = graph.page
    about = paging_triples(
        doc_uri(key, page, PREFIX),
        doc_uri(key, page + 1, PREFIX) if graph.more else None,
        doc_uri(key, page - 1, PREFIX) if page > 1 else None,
    )
    body = serialize_named_graph(graph.triples, about, fmt, base() + "context.jsonld", graph.uri)
    return Response(body, content_type=fmt.content_type)


def provenance(uri: str) -> list[Triple]:
    """What the graph says of itself and of the activity that wrote it, wherever the page."""
    store, name = get_store(), node(uri)
    return store.triples(name, graph=name) + store.triples(node(f"{uri}#{ACTIVITY}"), graph=name)


def html(key: str, graph: GraphPage) -> str:
    """The graph's page for people: its provenance, then its triples by subject."""
    uri, page = graph.uri, graph.page
    own = provenance(uri)
    described = {node(uri), node(f"{uri}#{ACTIVITY}")}
    content = [t for t in graph.triples if t.subject not in described]
    subjects = {t.subject for t in [*own, *content]}
    linked = {t.object for t in [*own, *content] if isinstance(t.object, NamedNode)}
    names = summaries().get(get_store(), linked - subjects, version())
    index = views.Index.of([*own, *content, *names])
    return render_template(
        "graph.html",
        uri=uri,
        title=f"Named graph {key}",
        graph_rows=index.rows(uri),
        activity_rows=index.rows(f"{uri}#{ACTIVITY}"),
        activity=ACTIVITY,
        subjects=[
            (index.value(s), index.rows(views.node_key(s)))
            for s in dict.fromkeys(t.subject for t in content)
            if not isinstance(s, Triple)
        ],
        page=page,
        next_page=doc_path(key, HTML, page + 1, PREFIX) if graph.more else None,
        previous_page=doc_path(key, HTML, page - 1, PREFIX) if page > 1 else None,
        formats=[(f, doc_path(key, f, page, PREFIX)) for f in NAMED_GRAPH_FORMATS],
    )
