"""Content negotiation over the one format table, with Werkzeug's Accept parsing."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from flask import Response, request, url_for
from pyoxigraph import Triple
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import NotAcceptable, NotFound
from werkzeug.http import parse_accept_header, parse_options_header

from speechld.formats import BY_NAME, BY_SUFFIX, DOCUMENT_FORMATS, HTML, Format
from speechld.web.documents import serialize_graph
from speechld.web.store import base

# A client that sends no Accept at all is a program: it gets Turtle.
DEFAULT = BY_NAME["turtle"]


def negotiate(formats: tuple[Format, ...] = DOCUMENT_FORMATS, default: Format = DEFAULT) -> Format:
    """The format the client prefers among those offered; 406 if it accepts none of them.

    `*/*` and browsers get the first one offered (HTML for documents); no Accept gets the default.
    """
    header = request.headers.get("Accept", "")
    best = choose(header, formats, default)
    if best is None:
        raise NotAcceptable(
            f"Nothing here matches Accept: {header}. "
            f"Available: {', '.join(f.media_type for f in formats)}."
        )
    return best


def accepted(header: str) -> MIMEAccept:
    """An Accept header as Werkzeug reads it, each media range stripped of its parameters.

    Werkzeug matches parameters exactly, so `text/turtle; charset=utf-8` would miss
    `text/turtle`; q-values, and so the order of preference, are kept. A bare `*` (sent
    by old Java clients) is `*/*`.

    >>> accepted("text/turtle; charset=utf-8, */*;q=0.1").best_match(["text/html", "text/turtle"])
    'text/turtle'
    """
    parsed = parse_accept_header(header, MIMEAccept)
    ranges = ((parse_options_header(value)[0].lower(), q) for value, q in parsed)
    return MIMEAccept([("*/*" if value == "*" else value, q) for value, q in ranges])


def specificity(media_range: str, media_type: str) -> int:
    """How closely a media range names a media type: 3 by name, 2 `type/*`, 1 `*/*`, 0 not.

    >>> [specificity(r, "text/turtle") for r in ("text/turtle", "text/*", "*/*", "text/html")]
    [3, 2, 1, 0]
    """
    if media_range == media_type:
        return 3
    main, _, sub = media_range.partition("/")
    if sub != "*":
        return 0
    return 1 if main == "*" else 2 if media_type.startswith(main + "/") else 0


def preference(accept: MIMEAccept, media_type: str) -> tuple[float, int]:
    """The quality a client gives a media type, from the most specific range that names it
    (RFC 9110, 12.5.1: `text/*, text/turtle;q=0` refuses Turtle), and that range's specificity.

    >>> preference(accepted("text/*;q=0.5, text/turtle;q=0"), "text/turtle")
    (0.0, 3)
    """
    ranked = [(s, q) for r, q in accept if (s := specificity(r, media_type))]
    best, quality = max(ranked, default=(0, 0.0))
    return float(quality), best


def format_preference(accept: MIMEAccept, fmt: Format) -> tuple[float, int]:
    """The quality a client gives a format: that of its media type, the one it is sent as,
    unless the client names another name of it (`text/n3` for Turtle) with a higher one;
    none if it refuses the media type by name. A wildcard matches the media type only.

    >>> from speechld.formats import BY_NAME
    >>> format_preference(accepted("text/*"), BY_NAME["ntriples"])  # sent as application/n-triples
    (0.0, 0)
    >>> format_preference(accepted("text/plain"), BY_NAME["ntriples"])
    (1.0, 3)
    """
    main = preference(accept, fmt.media_type)
    if main == (0.0, 3):
        return main
    named = [(float(q), 3) for r, q in accept if r in fmt.aliases]
    return max([main, *named])


@lru_cache(maxsize=1024)
def choose(header: str, formats: tuple[Format, ...], default: Format) -> Format | None:
    """The format an Accept header prefers among those offered (clients send few distinct
    ones): highest quality, then the most specific range, then the first offered.

    No Accept gets the default if it is offered, else the first format offered.
    """
    accept = accepted(header)
    if not accept:
        return default if default in formats else formats[0]
    ranked = [(format_preference(accept, f), -i) for i, f in enumerate(formats)]
    (quality, _), first = max(ranked)
    return formats[-first] if quality > 0 else None


def split_suffix(
    path: str, formats: tuple[Format, ...] = DOCUMENT_FORMATS
) -> tuple[str, Format | None]:
    """A document path without its format suffix, and the format the suffix names.

    >>> split_suffix("speech/42.ttl")[0], split_suffix("speech/42.ttl")[1].name
    ('speech/42', 'turtle')
    >>> split_suffix("person/ann")
    ('person/ann', None)
    """
    stem, dot, suffix = path.rpartition(".")
    fmt = BY_SUFFIX.get(suffix) if dot and "/" not in suffix else None
    return (stem, fmt) if fmt is not None and fmt in formats else (path, None)


def suffixed(what: str, name: str, suffix: str | None) -> Format | None:
    """The format that a fixed document's suffix names (`void.ttl`), None without a suffix;
    404 naming the document (`what`) for a suffix of no format it is served in."""
    if suffix is None:
        return None
    fmt = split_suffix(f"{name}.{suffix}")[1]
    if fmt is None:
        raise NotFound(f"{what} is not served in a format with suffix .{suffix}.")
    return fmt


def links_alternates(fmt: Format) -> bool:
    """Whether a response in this format names the document's other formats in its Link
    header: not JSON-LD's, since pyld (the JSON-LD processor for Python) reads the header
    as one link per relation and fails on two `rel="alternate"` links."""
    return fmt.name != "jsonld"


def with_alternates(
    response: Response, endpoint: str, fmt: Format | None, chosen: Format
) -> Response:
    """A fixed document's response with a link to each of its other formats, and, when its
    format was negotiated (`fmt` None), the URL of the one chosen and `Vary: Accept`."""
    if fmt is None:
        response.headers["Content-Location"] = url_for(endpoint, suffix=chosen.suffix)
        response.vary.add("Accept")
    if links_alternates(chosen):
        response.headers["Link"] = ", ".join(
            f'<{url_for(endpoint, suffix=f.suffix)}>; rel="alternate"; type="{f.media_type}"'
            for f in DOCUMENT_FORMATS
            if f is not fmt
        )
    return response


def fixed_document(
    what: str,
    endpoint: str,
    suffix: str | None,
    page: Callable[[list[tuple[Format, str]]], str],
    triples: Callable[[], list[Triple]],
) -> Response:
    """A document of one fixed content (the VoID, the ontology, the shapes) at an endpoint:
    the page for people, given the links to its formats, else its triples in the
    negotiated format or the one its suffix names (a 404 naming `what` for another)."""
    fmt = suffixed(what, endpoint.rsplit(".", 1)[-1], suffix)
    chosen = fmt or negotiate()
    if chosen is HTML:
        links = [(f, url_for(endpoint, suffix=f.suffix)) for f in DOCUMENT_FORMATS]
        response = Response(page(links), content_type=HTML.content_type)
    else:
        body = serialize_graph(triples(), chosen, base() + "context.jsonld")
        response = Response(body, content_type=chosen.content_type)
    return with_alternates(response, endpoint, fmt, chosen)
