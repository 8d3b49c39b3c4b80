"""Content negotiation over the one format table, with Werkzeug's Accept parsing."""

from __future__ import annotations

from functools import lru_cache

from flask import Response, request, url_for
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import NotAcceptable, NotFound
from werkzeug.http import parse_accept_header, parse_options_header

from speechld.formats import BY_NAME, BY_SUFFIX, DOCUMENT_FORMATS, Format, offers

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
    `text/turtle`; q-values, and so the order of preference, are kept.

    >>> accepted("text/turtle; charset=utf-8, */*;q=0.1").best_match(["text/html", "text/turtle"])
    'text/turtle'
    """
    parsed = parse_accept_header(header, MIMEAccept)
    return MIMEAccept([(parse_options_header(value)[0], q) for value, q in parsed])


@lru_cache(maxsize=1024)
def choose(header: str, formats: tuple[Format, ...], default: Format) -> Format | None:
    """The format an Accept header prefers among those offered (clients send few distinct ones).

    No Accept gets the default if it is offered, else the first format offered.
    """
    accept = accepted(header)
    if not accept:
        return default if default in formats else formats[0]
    table = offers(formats)
    best = accept.best_match(list(table))
    return None if best is None else table[best]


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


def with_alternates(
    response: Response, endpoint: str, fmt: Format | None, chosen: Format
) -> Response:
    """A fixed document's response with a link to each of its other formats, and, when its
    format was negotiated (`fmt` None), the URL of the one chosen and `Vary: Accept`."""
    if fmt is None:
        response.headers["Content-Location"] = url_for(endpoint, suffix=chosen.suffix)
        response.vary.add("Accept")
    response.headers["Link"] = ", ".join(
        f'<{url_for(endpoint, suffix=f.suffix)}>; rel="alternate"; type="{f.media_type}"'
        for f in DOCUMENT_FORMATS
        if f is not fmt
    )
    return response
