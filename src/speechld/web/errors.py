"""One error handler: every failure answered in the format the client reads, with a message."""

from __future__ import annotations

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
)
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable
from werkzeug.wrappers import Response as BaseResponse

from speechld.errors import SpeechldError, StoreError
from speechld.web.access import escaped
from speechld.web.negotiation import accepted
from speechld.web.store import public

# The formats an error comes in, by preference where a client names several alike.
READABLE = ("text/html", "application/json", "text/plain")
RETRY_AFTER = 10  # seconds a client is told to wait when the store is not available


# The request methods HTTP defines (RFC 9110, 9.3, and PATCH): any other is 501, not 405.
METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}
)


def init_app(app: Flask) -> None:
    """Register the handlers on the app."""
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(SpeechldError, handle_speechld)
    app.before_request(refuse_unknown_method)


def refuse_unknown_method() -> None:
    """501 Not Implemented for a method HTTP does not define (RFC 9110, 9.1)."""
    if request.method not in METHODS:
        abort(501, f"The method {request.method[:20]} is not one this server knows.")


def handle_speechld(error: SpeechldError) -> BaseResponse:
    """A speechld failure while answering: the store unavailable (503) or a fault (500)."""
    current_app.logger.error(
        "%s %s: %s", request.method, escaped(request.path), escaped(str(error))
    )
    if isinstance(error, StoreError):
        message = f"The data store is not available: {public(str(error))}"
        return handle_http(ServiceUnavailable(message, retry_after=RETRY_AFTER))
    return handle_http(InternalServerError(f"The server could not answer: {public(str(error))}"))


def error_format(header: str) -> str:
    """An error's format: the one of READABLE the Accept header names with the highest
    quality, else plain text (for curl's `*/*` and RDF clients, a line, not a page).

    >>> error_format("text/html,application/xml;q=0.9,*/*;q=0.8"), error_format("*/*")
    ('text/html', 'text/plain')
    >>> error_format("application/json, text/plain, */*"), error_format("text/turtle")
    ('application/json', 'text/plain')
    """
    named = {value: quality for value, quality in accepted(header) if value in READABLE}
    wanted = [kind for kind in READABLE if named.get(kind, 0) > 0]
    return max(wanted, key=lambda kind: named[kind]) if wanted else "text/plain"


def handle_http(error: HTTPException) -> BaseResponse:
    """The error as HTML for people, JSON or plain text for programs; its headers kept."""
    code = error.code or 500
    if code == 404 and (moved := without_slash()) is not None:
        return moved
    name = error.name
    message = error.description or name
    best = error_format(request.headers.get("Accept", ""))
    if best == "text/html":
        response = Response(
            render_template("error.html", code=code, name=name, message=message),
            content_type="text/html; charset=utf-8",
        )
    elif best == "application/json":
        response = jsonify(status=code, error=name, message=message)
    else:
        response = Response(f"{code} {name}: {message}\n", content_type="text/plain; charset=utf-8")
    response.status_code = code
    with_headers_of(error, response)
    response.vary.add("Accept")
    return response


def with_headers_of(error: HTTPException, response: Response) -> Response:
    """The response with the headers the error carries (Retry-After, Allow, ...), but for
    its Content-Type."""
    for key, value in error.get_headers():
        if key.lower() != "content-type":
            response.headers[key] = value
    return response


def without_slash() -> BaseResponse | None:
    """308 to the path without its trailing slash (`/sparql/`, `/list/speech/`), when no route
    took the path and one takes it without the slash; else None."""
    path = request.path
    if request.url_rule is not None or len(path) < 2 or not path.endswith("/"):
        return None
    try:
        current_app.url_map.bind_to_environ(request.environ).match(
            path.rstrip("/"), method=request.method
        )
    except HTTPException:
        return None
    query = request.query_string.decode("latin-1")
    return redirect(request.script_root + path.rstrip("/") + (f"?{query}" if query else ""), 308)
