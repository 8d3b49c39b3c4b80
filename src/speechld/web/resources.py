"""Dereferenceable URIs: a thing's URI answers 303 to its document, in the negotiated format."""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from pyoxigraph import Literal, NamedNode, Triple
from rdflib.namespace import DCTERMS
from werkzeug.exceptions import BadRequest, Gone, NotFound
from werkzeug.wrappers import Response as BaseResponse

from speechld.formats import DOCUMENT_FORMATS, HTML, Format
from speechld.mapper import source_key
from speechld.store.base import INVALIDATED as INVALIDATED_IRI
from speechld.vocab import SLD, Minter
from speechld.web import views
from speechld.web.describe import Description, count_inverse, describe, node, source_graphs
from speechld.web.documents import document_triples, serialize_graph
from speechld.web.errors import handle_http
from speechld.web.figures import members
from speechld.web.negotiation import links_alternates, negotiate, split_suffix
from speechld.web.store import base, dataset_uri, get_store, last_modified, summaries, version
from speechld.web.void import TITLE

bp = Blueprint("resources", __name__)

TOTALS = "speechld.totals"  # the app's link counts of paged resources, by (URI, data version)
TOTALS_KEPT = 1024  # counts kept before they are all dropped
SUCCESSOR = f"SELECT ?new WHERE {{{{ ?new <{DCTERMS.replaces}> {{old}} ; a <{SLD.Speech}> }}}}"
INVALIDATED = NamedNode(INVALIDATED_IRI)
# What a removed page leaves said of a speech: when it went, and the former speech it had
# replaced (which other pages' speeches may still lead to).
LEFT_BEHIND = {INVALIDATED, NamedNode(str(DCTERMS.replaces))}
SOURCE = NamedNode(str(SLD.source))
GONE_PEEK = 8  # a thing's triples read to tell: a live speech has more than one of its own
LAST_PAGE = 10**9  # far past any page, yet its offset is well within the store's range
SAFE = "/:@!$&'()*+,;=~"  # kept as they are in the paths we write
# Characters an IRI may not hold: percent-encoded when a request path is read as a URI.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]')


def thing_uri(key: str, space: str = "id") -> str:
    """The URI of the thing at /{space}/{key} (/id/ by default); 400 if no IRI can be made
    of it (a malformed percent-encoding, say)."""
    uri = f"{base()}{space}/" + _NOT_IN_IRI.sub(lambda m: f"%{ord(m.group()):02X}", key)
    try:
        node(uri)
    except ValueError as error:
        raise BadRequest(f"{uri} is not a valid IRI: {error}") from error
    return uri


def local_path(prefix: str, key: str) -> str:
    """A path on this server (under the app's mount point) for a key, percent-encoded."""
    return f"{request.script_root}/{prefix}/{quote(key, safe=SAFE)}"


def doc_path(key: str, fmt: Format | None = None, page: int = 1, prefix: str = "doc") -> str:
    """The local path of a thing's document (or a named graph's): negotiated, or in one format."""
    path = local_path(prefix, key + (f".{fmt.suffix}" if fmt else ""))
    return path + (f"?page={page}" if page > 1 else "")


def doc_uri(key: str, page: int = 1, prefix: str = "doc") -> str:
    """The document's own URI under the dataset base (what its RDF says of itself)."""
    return f"{base()}{prefix}/{key}" + (f"?page={page}" if page > 1 else "")


def page_number() -> int:
    """The ?page= argument: a positive integer, 1 if absent; past LAST_PAGE, no page."""
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or not raw.strip("0"):
        raise BadRequest(f"page must be a positive whole number, not {raw[:40]!r}")
    if len(raw.lstrip("0")) > len(str(LAST_PAGE)) or int(raw) > LAST_PAGE:
        raise NotFound(f"There is no page {raw[:40]} here: pages go up to {LAST_PAGE:,} at most.")
    return int(raw)


def alternates(
    key: str,
    page: int,
    current: Format | None,
    prefix: str = "doc",
    formats: tuple[Format, ...] = DOCUMENT_FORMATS,
) -> list[str]:
    """Link header values naming the document's URL in each other format."""
    return [
        f'<{doc_path(key, f, page, prefix)}>; rel="alternate"; type="{f.media_type}"'
        for f in formats
        if f is not current
    ]


def document_headers(
    response: Response,
    key: str,
    fmt: Format,
    negotiated: bool,
    page: int,
    more: bool,
    *,
    prefix: str = "doc",
    formats: tuple[Format, ...] = DOCUMENT_FORMATS,
    links: tuple[str, ...] = (),
) -> Response:
    """A document page's headers: Link to its other formats and neighbouring pages (and
    `links`), Last-Modified where known, and where negotiated Content-Location and Vary."""
    fixed = None if negotiated else fmt
    others = alternates(key, page, fixed, prefix, formats) if links_alternates(fmt) else []
    found = [*others, *links]
    if more:
        found.append(f'<{doc_path(key, fixed, page + 1, prefix)}>; rel="next"')
    if page > 1:
        found.append(f'<{doc_path(key, fixed, page - 1, prefix)}>; rel="prev"')
    if found:
        response.headers["Link"] = ", ".join(found)
    if negotiated:
        response.headers["Content-Location"] = doc_path(key, fmt, page, prefix)
        response.vary.add("Accept")
    modified = last_modified()
    if modified is not None:  # unknown (a remote store): none, not the time of the request
        response.last_modified = modified
    return response


@bp.get("/id/<path:key>")
def thing(key: str) -> BaseResponse:
    """A thing's URI: 303 See Other to its document in the format the client prefers; a
    speech's former URI, 301 Moved Permanently to its successor's; the folder of a kind of
    things (/id/person/), 303 to their list."""
    uri = thing_uri(key)
    term, store = node(uri), get_store()
    own = store.triples(term, limit=GONE_PEEK)
    gone(uri, own)
    if not own:
        moved = successor(term)
        if moved is not None:
            return redirect(local_path("id", moved.removeprefix(base() + "id/")), 301)
        if not store.triples(object=term, limit=1):
            kind = key.removesuffix("/")
            if key.endswith("/") and members(kind):  # /id/person/: the folder of every person
                return see_other(local_path("list", kind))
            gone_whole(uri)
            raise NotFound(f"{uri} names nothing in this dataset.")
    return see_other(doc_path(key, negotiate(), page_number()))  # ?page= kept


def unserved_suffix(key: str) -> None:
    """404 saying which formats a document is served in, for a path whose suffix names no
    format (`person/ann.xyz`) of a thing that exists."""
    stem, dot, suffix = key.rpartition(".")
    if dot and stem and "/" not in suffix and get_store().triples(node(thing_uri(stem)), limit=1):
        served = ", ".join(f".{f.suffix}" for f in DOCUMENT_FORMATS)
        raise NotFound(
            f"The document of {thing_uri(stem)} is not served in a format with suffix "
            f".{suffix[:20]}: it is served as {served}."
        )


def gone_whole(uri: str) -> None:
    """410 Gone for a part of a speech whose page was removed (a translation), as for the
    speech itself."""
    speech, part, _ = uri.partition("/translation/")
    if part:
        gone(speech, get_store().triples(node(speech), limit=GONE_PEEK))


class Removed(Gone):
    """410 Gone for a speech whose page was removed, with what the store still says of it."""

    def __init__(self, message: str, own: list[Triple]) -> None:
        super().__init__(message)
        self.own = own


def gone(uri: str, own: list[Triple]) -> None:
    """410 Gone for a speech whose page was removed: all it still says is when."""
    if any(t.predicate == INVALIDATED for t in own) and all(
        t.predicate in LEFT_BEHIND for t in own
    ):
        stamps = [
            t.object.value[:10]
            for t in own
            if t.predicate == INVALIDATED and isinstance(t.object, Literal)
        ]
        when = views.format_date(min(stamps)) if stamps else "a day"
        raise Removed(f"{uri} was removed from this dataset on {when}.", own)


@bp.errorhandler(Removed)
def removed(error: Removed) -> BaseResponse:
    """A removed speech's 410 in RDF for a client asking for RDF (when it was removed, what
    replaced it), else as any error."""
    fmt = split_suffix(request.path)[1] or negotiate()
    if fmt is HTML:
        return handle_http(error)
    body = serialize_graph(error.own, fmt, base() + "context.jsonld")
    response = Response(body, status=410, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def see_other(path: str) -> BaseResponse:
    """303 See Other to a document whose format follows the request's Accept header."""
    response = redirect(path, 303)
    response.vary.add("Accept")
    return response


def successor(term: NamedNode) -> str | None:
    """The speech that replaces a former one (its page's opening since edited), if any."""
    rows = get_store().select(SUCCESSOR.format(old=term))
    found = sorted(row["new"].value for row in rows)
    return found[0] if found else None


@bp.get("/doc/<path:path>")
def document(path: str) -> BaseResponse:
    """A thing's document: in the format its suffix names, else the negotiated one; a
    former speech's, 301 Moved Permanently to its successor's."""
    key, fmt = split_suffix(path)
    negotiated = fmt is None
    page = page_number()
    uri = thing_uri(key)
    description = describe(
        get_store(), uri, page, current_app.config["PAGE_SIZE"], (summaries(), version())
    )
    term = node(uri)
    own = [t for t in description.triples if t.subject == term]
    gone(uri, own)
    if page == 1 and not own:
        moved = successor(term)  # a former speech: only its successor names it
        if moved is not None:
            return redirect(doc_path(moved.removeprefix(base() + "id/"), fmt), 301)
    if not description.found or (page > 1 and not description.inverse):
        if page == 1:
            gone_whole(uri)
            unserved_suffix(key)
        raise NotFound(
            f"{uri} names nothing in this dataset."
            if page == 1
            else f"{uri} has no page {page} of links to it."
        )
    fmt = fmt or negotiate()
    response = render(key, description, fmt)
    describes = f'<{local_path("id", key)}>; rel="describes"'
    cite_as = f'<{uri}>; rel="cite-as"'  # RFC 8574: the URI that stays, not the document's
    return document_headers(
        response, key, fmt, negotiated, page, description.more, links=(describes, cite_as)
    )


def render(key: str, description: Description, fmt: Format) -> Response:
    """The document as a response body in one format."""
    if fmt is HTML:
        return Response(html(key, description), content_type=HTML.content_type)
    page = description.page
    triples = description.triples + document_triples(
        doc_uri(key, page),
        description.uri,
        dataset_uri(),
        next_page=doc_uri(key, page + 1) if description.more else None,
        previous_page=doc_uri(key, page - 1) if page > 1 else None,
        graphs=page_graphs(description),
    )
    body = serialize_graph(triples, fmt, base() + "context.jsonld")
    return Response(body, content_type=fmt.content_type)


def page_graphs(description: Description) -> list[str]:
    """The named graphs of the source pages that give a speech (named by its sld:source):
    each states when and from what it was read."""
    term, mint = node(description.uri), Minter(base())
    return sorted(
        str(mint.graph(source_key(t.object.value)))
        for t in description.triples
        if t.subject == term and t.predicate == SOURCE and not isinstance(t.object, Triple)
    )


def inverse_total(uri: str) -> int:
    """How many links a resource has, counted once per version of the data: paging through
    one linked from many (a speech type: 150,000 speeches at a million) counts them once."""
    totals: dict[tuple[str, object], int] = current_app.extensions.setdefault(TOTALS, {})
    key = (uri, version())
    if key not in totals:
        if len(totals) >= TOTALS_KEPT:
            totals.clear()
        totals[key] = count_inverse(get_store(), uri)
    return totals[key]


def html(key: str, description: Description) -> str:
    """The document as a page for people."""
    uri, page = description.uri, description.page
    index = views.Index.of(description.triples)
    speech = None
    graphs = source_graphs(get_store(), uri)
    if str(SLD.Speech) in index.types[uri]:
        speech = views.speech(index, uri, base(), graphs)
    paged = description.more or page > 1
    links = views.links(index, uri, description.inverse)
    # Links are counted as (resource, property) pairs, pages too; on one page, a resource
    # linking through two properties (a concept, a top concept too) is one resource shown.
    shown = sum(len(group.speeches) + len(group.others) for group in links)
    total = inverse_total(uri) if paged else shown
    title, types = speech.title if speech else views.title(index, uri), index.kinds(uri)
    return render_template(
        "speech.html" if speech else "resource.html",
        uri=uri,
        title=title,
        description=views.description(title, types, speech, total),
        types=types,
        rows=index.rows(uri),
        speech=speech,
        text_property=str(SLD.text),
        links=links,
        graphs=[views.graph_value(g) for g in graphs],
        total=total,
        page=page,
        last=-(-total // current_app.config["PAGE_SIZE"]),
        next_page=doc_path(key, HTML, page + 1) if description.more else None,
        previous_page=doc_path(key, HTML, page - 1) if page > 1 else None,
        formats=[(f, doc_path(key, f, page)) for f in DOCUMENT_FORMATS],
        thing=local_path("id", key),
        dataset_title=TITLE,
        status_speeches=query_page(views.status_query(uri, base())),
    )


def query_page(query: str | None) -> str | None:
    """The endpoint's page showing a query's result, if there is a query."""
    return None if query is None else url_for("sparql.endpoint", query=query)
