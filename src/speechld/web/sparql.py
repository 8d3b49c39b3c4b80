"""The SPARQL 1.1 Protocol query operation at /sparql, its service description and query page.

Queries run in worker processes (speechld.sparql.pool) under the endpoint's limits; this
module reads requests, negotiates formats, and turns results and errors into responses.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn
from urllib.parse import parse_qsl

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request
from pyoxigraph import Literal, NamedNode, RdfFormat, parse, serialize
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, UnsupportedMediaType

from speechld.errors import (
    Overloaded,
    QueryError,
    QueryRefused,
    QueryTimeout,
    ServiceFailed,
    SpeechldError,
    StoreError,
)
from speechld.formats import GRAPH_FORMATS, HTML, RESULT_FORMATS, Format, lookup
from speechld.sparql.description import (
    REMOTE,
    SD_PREFIXES,
    UNION,
    limits_text,
    service_description,
)
from speechld.sparql.examples import EXAMPLES
from speechld.sparql.execute import Head, Job, note
from speechld.sparql.limits import TRUNCATED, Limits, limits
from speechld.sparql.pool import Executor, InlineExecutor, Run, WorkerPool
from speechld.sparql.syntax import check_query, check_services
from speechld.store import default_location
from speechld.store.base import query_form
from speechld.web import negotiation
from speechld.web.access import escaped
from speechld.web.errors import RETRY_AFTER, with_headers_of
from speechld.web.store import base, get_store, public, unresponsive
from speechld.web.terms import PREFIXES

bp = Blueprint("sparql", __name__)
KEY = "speechld.sparql"

# App config key of each limit (speechld.sparql.limits.Limits field -> key).
CONFIG = {
    "timeout": "SPARQL_TIMEOUT",
    "max_rows": "SPARQL_MAX_ROWS",
    "max_concurrent": "SPARQL_MAX_CONCURRENT",
    "queue_wait": "SPARQL_QUEUE_WAIT",
    "max_query_bytes": "SPARQL_MAX_QUERY_BYTES",
    "service_allow": "SPARQL_SERVICE_ALLOW",
    "memory": "SPARQL_QUERY_MEMORY",
}
FORM = "application/x-www-form-urlencoded"
PAGE_RESULT_MAX = 4 * 2**20  # bytes of a result the query page shows as a table
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
NO_UPDATE = "SPARQL Update is not accepted: this endpoint answers queries only"
HTML_ROWS = 1000  # rows a results page shows
STREAM_AFTER = 1 << 20  # bytes of a result sent whole; a larger one is streamed
RESULT_OFFERS = (*RESULT_FORMATS, HTML)
RESULT_NAMES = {  # what a result of each kind is, in words
    "boolean": "ASK result",
    "solutions": "SELECT result",
    "triples": "CONSTRUCT or DESCRIBE result",
}
GRAPH_OFFERS = (*GRAPH_FORMATS, HTML)  # triples, in the default graph of dataset formats


@dataclass
class State:
    """The endpoint's limits and, once started, its query executor."""

    limits: Limits
    processes: int = 1  # server processes, each with limits.workers query workers
    executor: Executor | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class Query:
    """A protocol request: the query (None: none given), its dataset and format names."""

    text: str | None
    default_graph: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    formats: tuple[str, ...]


def init_app(app: Flask) -> None:
    """Read the endpoint's limits (config, else environment, else defaults): a server
    process runs no more queries at once than its threads less one (see admitted)."""
    settings = {name: app.config.get(key) for name, key in CONFIG.items()}
    found = limits(settings)
    if admit := admitted(app):
        found = replace(found, max_concurrent=min(found.workers, admit))
    app.extensions[KEY] = State(found, processes=int(app.config["WORKERS"]))


def admitted(app: Flask) -> int:
    """Query requests a server process takes at once, running or waiting: its threads less
    the one left to documents and pages (0, no bound, where THREADS is not set)."""
    threads = app.config.get("THREADS")
    return max(1, int(threads) - 1) if threads else 0


def state(app: Flask | None = None) -> State:
    """The endpoint's state on an app (the current one by default)."""
    found: State = (app or current_app).extensions[KEY]
    return found


def executor(app: Flask | None = None) -> Executor:
    """The app's query executor: worker processes over the store location, started once."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    current = state(app)
    with current.lock:
        if current.executor is None:
            location = app.config["STORE"]
            if isinstance(location, str | None) and location != ":memory:":
                current.executor = WorkerPool(
                    location or default_location(),
                    current.limits.workers,
                    timeout=current.limits.timeout,
                    queue_wait=current.limits.queue_wait,
                    memory=current.limits.memory,
                    admit=admitted(app),
                )
            else:  # an in-memory or ready-made store cannot be reopened by another process
                with app.app_context():
                    current.executor = InlineExecutor(get_store())
        return current.executor


def warm(app: Flask) -> None:
    """Start the query workers now rather than on the first query."""
    executor(app)


def close(app: Flask) -> None:
    """Stop the query workers."""
    current = state(app)
    with current.lock:
        if current.executor is not None:
            current.executor.close()
            current.executor = None


def read_request(limit: Limits) -> Query:
    """The protocol request in this HTTP request; raises on anything malformed."""
    if limit.max_query_bytes and len(request.query_string) > limit.max_query_bytes:
        abort(414, f"the request URL is longer than {limit.max_query_bytes} bytes: POST the query")
    if limit.max_query_bytes and (request.content_length or 0) > limit.max_query_bytes:
        abort(413, f"the request body is larger than {limit.max_query_bytes} bytes")
    params = MultiDict(parameters(request.query_string, "the URL's query string"))
    body: str | None = None
    if request.method == "POST":
        check_content_type()
        data = read_body(limit.max_query_bytes)
        if request.mimetype == FORM:
            for name, value in parameters(data, "the request body"):
                params.add(name, value)
        else:
            body = utf8(data, "the request body")
    if "update" in params:
        raise QueryRefused(NO_UPDATE)
    queries = params.getlist("query")
    if body is not None:
        if queries:
            raise QueryError(f"a {DIRECT} request carries its query in the body, not in `query`")
        queries = [body]
    if len(queries) > 1:
        raise QueryError(f"the `query` parameter is given {len(queries)} times: give it once")
    if not queries and request.method == "POST":
        raise QueryError("the request has no `query` parameter")
    default_graph = _graphs(params, "default-graph-uri")
    named_graphs = _graphs(params, "named-graph-uri")
    dataset = default_graph or named_graphs
    return Query(
        queries[0].removeprefix("\ufeff") if queries else None,  # an editor's byte order mark
        tuple(default_graph) if dataset else None,
        tuple(named_graphs) if dataset else None,
        tuple(alternatives(params.getlist("format")) + fuseki_outputs(params.getlist("output"))),
    )


def utf8(data: bytes, where: str) -> str:
    """Text sent as UTF-8; 400 naming where if it is not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise QueryError(f"{where} is not valid UTF-8: {error}") from error


def parameters(data: bytes, where: str) -> list[tuple[str, str]]:
    """The parameters of a query string or form body; 400 if one is not UTF-8.

    Werkzeug's request.args and request.form keep a bad byte as its %-escape, which would
    change the query; here it is refused.

    >>> parameters(b"query=ASK+%7B%7D&format=", "the URL")
    [('query', 'ASK {}'), ('format', '')]
    """
    try:
        return parse_qsl(utf8(data, where), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as error:
        raise QueryError(f"{where} is not valid UTF-8 once %-decoded: {error}") from error


class EncodingRefused(UnsupportedMediaType):
    """415 for a body in a content coding the endpoint does not decode (gzip, say)."""

    def get_headers(self, *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        """The usual headers, and the one coding taken (RFC 9110, 15.5.16)."""
        return [*super().get_headers(*args, **kwargs), ("Accept-Encoding", "identity")]


def check_content_type() -> None:
    """Refuse a POST that is not a query: an update, another media type or charset."""
    if request.mimetype == UPDATE:
        raise QueryRefused(NO_UPDATE)
    if request.mimetype not in (FORM, DIRECT):
        given = request.mimetype or "none"
        abort(415, f"Content-Type {given} is not accepted: use {FORM} or {DIRECT}")
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        abort(415, f"charset {charset} is not accepted: send the query as UTF-8")
    coding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if coding not in ("identity", ""):  # RFC 9110, 15.5.16: say which coding is taken
        raise EncodingRefused(f"Content-Encoding {coding} is not accepted: send the body as is")


def read_body(limit: int) -> bytes:
    """The request body, 413 past the size limit (0: none) even when its length is not declared.

    Werkzeug stops a body of unknown length at max_content_length without a word, so it
    reads one byte past the limit: a body that has it is too large.
    """
    if limit:
        request.max_content_length = limit + 1
    data = request.get_data(cache=True)
    if limit and len(data) > limit:
        abort(413, f"the request body is larger than {limit} bytes")
    return data


def _graphs(params: MultiDict[str, str], name: str) -> list[str]:
    graphs = params.getlist(name)
    for iri in graphs:
        try:
            NamedNode(iri)
        except ValueError as error:
            raise QueryError(f"{name} {iri!r} is not an absolute IRI: {error}") from error
    return graphs


def alternatives(values: Sequence[str]) -> list[str]:
    """The format names in `format` values: comma-separated, parameters and empty ones dropped.

    >>> alternatives(["tsv", "", "application/ld+json,application/x-json+ld;q=0.9"])
    ['tsv', 'application/ld+json', 'application/x-json+ld']
    """
    parts = (part.split(";")[0].strip() for value in values for part in value.split(","))
    return [part for part in parts if part]


def fuseki_outputs(values: Sequence[str]) -> list[str]:
    """The format names in Fuseki's `output` values that name a format served here; others
    (its `text` table) are left to Accept, as before `output` was read.

    >>> fuseki_outputs(["csv", "text"])
    ['csv']
    """
    known = (*RESULT_OFFERS, *GRAPH_OFFERS)
    return [name for name in alternatives(values) if lookup(name, known) is not None]


def choose(offers: tuple[Format, ...], names: Sequence[str]) -> Format | None:
    """The format for a result: the first `format` name that is offered, else by Accept."""
    if names:
        found = (lookup(name, offers) for name in names)
        return next((f for f in found if f is not None), None)
    return negotiation.choose(request.headers.get("Accept", ""), offers, offers[0])


def check_format_names(names: Sequence[str]) -> None:
    """Refuse `format` names none of which names a format (one for another result is 406)."""
    known = (*RESULT_OFFERS, *GRAPH_OFFERS)
    if names and all(lookup(name, known) is None for name in names):
        listed = ", ".join(dict.fromkeys(f.name for f in known))
        raise QueryError(f"format {', '.join(names)!r} is unknown: use one of {listed}")


def not_acceptable(what: str, offers: Sequence[Format], names: Sequence[str]) -> NoReturn:
    """Refuse with 406: the `format` asked for, or Accept, fits none of the formats offered."""
    available = ", ".join(f"{f.name} ({f.media_type})" for f in offers)
    asked = f"format {', '.join(names)} does not fit" if names else "nothing in Accept fits"
    abort(406, f"{asked} {what}; formats available: {available}")


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response | str:
    """The query operation; without a query, the service description or the query page."""
    limit = state().limits
    query = read_request(limit)
    check_format_names(query.formats)
    if query.text is None:
        return describe(query)
    check_query(query.text)
    check_services(query.text, limit.service_allow)
    results = choose(RESULT_OFFERS, query.formats)
    graph = choose(GRAPH_OFFERS, query.formats)
    refuse_unacceptable(query, results, graph)
    html = HTML in (results, graph)
    cap = min(limit.max_rows or HTML_ROWS, HTML_ROWS) if html else limit.max_rows
    job = Job(
        query.text,
        query.default_graph,
        query.named_graphs,
        results_format="json" if results is HTML else (results.name if results else None),
        graph_format="ntriples" if graph is HTML else (graph.name if graph else None),
        max_rows=cap,
        prefixes=PREFIXES,
        base_iri=request.base_url,
    )
    run = executor().submit(job)
    try:
        head = run.head()
        fmt = graph if head.kind == "triples" else results
        if head.format is None or fmt is None:
            for _ in run.chunks():
                pass
            offers = GRAPH_OFFERS if head.kind == "triples" else RESULT_OFFERS
            not_acceptable(f"this {RESULT_NAMES[head.kind]}", offers, query.formats)
        if fmt is HTML:
            body = at_most(run.chunks(), PAGE_RESULT_MAX)
            run.close()
            return page(query, head, body)
        response = respond(run, fmt)
    except BaseException:
        run.close()
        raise
    if head.truncated:
        response.headers[TRUNCATED] = str(head.max_rows)
    return response


def refuse_unacceptable(query: Query, results: Format | None, graph: Format | None) -> None:
    """Refuse with 406, before running the query, one whose form (SELECT, ASK: a table;
    CONSTRUCT, DESCRIBE: a graph) no acceptable format fits."""
    try:
        form = query_form(query.text or "")
    except QueryError:  # the query's parser will say what is wrong
        return
    kind = {"SELECT": "solutions", "ASK": "boolean"}.get(form, "triples")
    if (graph if kind == "triples" else results) is None:
        offers = GRAPH_OFFERS if kind == "triples" else RESULT_OFFERS
        not_acceptable(f"this {RESULT_NAMES[kind]}", offers, query.formats)


def respond(run: Run, fmt: Format) -> Response:
    """A result's body: whole when it is small (the connection stays open), else streamed."""
    chunks = run.chunks()
    first: list[bytes] = []
    size = 0
    for chunk in chunks:
        first.append(chunk)
        size += len(chunk)
        if size >= STREAM_AFTER:
            break
    else:
        return Response(b"".join(first), content_type=fmt.content_type)
    response = Response(_stream(first, chunks, run), content_type=fmt.content_type)
    response.call_on_close(run.close)
    return response


def _stream(first: list[bytes], rest: Iterator[bytes], run: Run) -> Iterator[bytes]:
    try:
        yield from first
        yield from rest
    finally:
        run.close()


def describe(query: Query) -> Response | str:
    """The service description in an RDF format, or the query page for browsers."""
    fmt = choose(GRAPH_OFFERS, query.formats)
    if fmt is None:
        not_acceptable("the service description", GRAPH_OFFERS, query.formats)
    if fmt is HTML:
        return render_template("sparql.html", **page_context(None))
    current = state()
    endpoint = base() + "sparql"  # as VoID names it: the configured base, not the Host header
    formats = [*RESULT_FORMATS, *GRAPH_OFFERS]
    triples = service_description(
        endpoint, current.limits, formats, current.processes, union_default_graph()
    )
    body = serialize(triples, format=fmt.rdf, prefixes=SD_PREFIXES)
    return Response(body, content_type=fmt.content_type)


def union_default_graph() -> bool:
    """Whether the default graph is the union of the named graphs: the embedded store's is,
    a remote store's is whatever that store makes it (Virtuoso's holds its system graphs)."""
    return get_store().union_default_graph


def page_context(query: Query | None) -> dict[str, object]:
    """What the query page shows around a query and its result."""
    current = state()
    params: dict[str, object] = {}
    if query and query.text is not None:
        params = {
            "query": query.text,
            "default-graph-uri": list(query.default_graph or ()),
            "named-graph-uri": list(query.named_graphs or ()),
        }
    return {
        "query": query.text if query else None,
        "params": params,
        "examples": EXAMPLES,
        "formats": [f.name for f in (*RESULT_FORMATS, *GRAPH_OFFERS) if f is not HTML],
        "limits": limits_text(current.limits, current.processes),
        "dataset": UNION if union_default_graph() else REMOTE,
        "result": None,
        "error": None,
    }


def at_most(chunks: Iterator[bytes], limit: int) -> bytes | None:
    """The chunks joined, or None once they pass `limit` bytes (the rest is not read)."""
    held, size = [], 0
    for chunk in chunks:
        held.append(chunk)
        size += len(chunk)
        if size > limit:
            return None
    return b"".join(held)


def page(query: Query, head: Head, body: bytes | None) -> str:
    """A result as an HTML page: a table of rows, or a yes/no for ASK; a result too large
    to show (None), a note saying so with its downloads."""
    context = page_context(query)
    offers = GRAPH_OFFERS if head.kind == "triples" else RESULT_FORMATS
    if body is None:
        context["error"] = (
            f"the result is over {PAGE_RESULT_MAX // 2**20} MB, more than this page shows "
            f"(a table of it would take many times that): download it as "
            f"{', '.join(f.name for f in offers if f is not HTML)} with the format parameter, "
            "or narrow the query"
        )
        return render_template("sparql.html", **context)
    if head.kind == "boolean":
        context["result"] = {"kind": "boolean", "value": json.loads(body)["boolean"]}
    elif head.kind == "solutions":
        data = json.loads(body)
        names = data["head"]["vars"]
        rows = [[_cell(binding.get(v)) for v in names] for binding in data["results"]["bindings"]]
        context["result"] = {"kind": "table", "columns": names, "rows": rows}
    else:
        quads = parse(body, RdfFormat.N_TRIPLES)
        rows = [[_term(q.subject), _term(q.predicate), _term(q.object)] for q in quads]
        columns = ["subject", "predicate", "object"]
        context["result"] = {"kind": "triples", "columns": columns, "rows": rows}
    result = context["result"]
    assert isinstance(result, dict)
    result["truncated"] = (
        table_note(head.max_rows, state().limits.max_rows) if head.truncated else None
    )
    result["downloads"] = [f.name for f in offers if f is not HTML]
    return render_template("sparql.html", **context)


def table_note(shown: int, max_rows: int) -> str:
    """What a cut table says: the endpoint's row cap (0: none) cut it, or the page's own.

    >>> table_note(1000, 0)
    'result truncated: this table shows at most 1000 rows; the endpoint returns every row'
    """
    if max_rows and max_rows <= shown:
        return note(max_rows)
    endpoint = f"at most {max_rows} rows per query" if max_rows else "every row"
    return (
        f"result truncated: this table shows at most {shown} rows; the endpoint returns {endpoint}"
    )


Cell = tuple[str, str | None, str | None]  # shown text, link target, annotation


def _cell(term: dict[str, str] | None) -> Cell:
    """A SPARQL JSON term as a table cell."""
    if term is None:
        return ("", None, None)
    if term["type"] == "uri":
        return (_short(term["value"]), term["value"], None)
    if term["type"] == "bnode":
        return ("_:" + term["value"], None, None)
    if term["type"] == "literal":
        tag = term.get("xml:lang") or term.get("datatype")
        return (term["value"], None, _short(tag) if tag else None)
    return (json.dumps(term["value"]), None, term["type"])


def _term(term: object) -> Cell:
    """A pyoxigraph term as a table cell."""
    if isinstance(term, NamedNode):
        return (_short(term.value), term.value, None)
    if isinstance(term, Literal):
        tag = term.language or term.datatype.value
        return (term.value, None, _short(tag))
    return (str(term), None, None)


def _short(iri: str) -> str:
    """An IRI in prefixed form where one of our prefixes fits."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


STATUS: tuple[tuple[type[SpeechldError], int], ...] = (
    (QueryRefused, 403),
    (QueryError, 400),
    (QueryTimeout, 504),
    (ServiceFailed, 502),
    (Overloaded, 503),
    (StoreError, 503),
    (SpeechldError, 500),
)


@bp.errorhandler(SpeechldError)
def query_failed(error: SpeechldError) -> Response:
    """A query's error, with the status a client can act on; a query stopped at the time
    limit while the store does not answer at all is the store's failure, not the query's."""
    if isinstance(error, QueryTimeout) and (down := unresponsive()) is not None:
        error = down
    status = next(code for kind, code in STATUS if isinstance(error, kind))
    message = public(str(error))
    if isinstance(error, StoreError):
        current_app.logger.error(
            "%s %s: %s", request.method, escaped(request.path), escaped(str(error))
        )
        message = f"the data store is not available: {message}"
    response = error_response(status, message)
    if isinstance(error, Overloaded):
        response.headers["Retry-After"] = str(executor().retry_after())
    elif isinstance(error, StoreError):
        response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


@bp.errorhandler(HTTPException)
def protocol_error(error: HTTPException) -> Response:
    """A malformed request (media type, size, acceptable formats), its headers kept."""
    return with_headers_of(
        error, error_response(error.code or 400, error.description or error.name)
    )


def error_response(status: int, message: str) -> Response:
    """An error as plain text for clients, or as the query page for browsers."""
    accept = negotiation.accepted(request.headers.get("Accept", ""))
    if accept.best_match(["text/plain", "text/html"]) == "text/html":
        context = page_context(_query_or_none())
        context["error"] = message
        body = render_template("sparql.html", **context)
        return Response(body, status, content_type=HTML.content_type)
    return Response(message + "\n", status, content_type="text/plain; charset=utf-8")


def _query_or_none() -> Query | None:
    try:
        return read_request(state().limits)
    except (SpeechldError, HTTPException):
        return None


@bp.after_request
def common_headers(response: Response) -> Response:
    """Every answer depends on Accept (CORS, for every response, is headers.finish's)."""
    response.vary.add("Accept")
    return response
