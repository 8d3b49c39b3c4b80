"""A remote store: any triple store that speaks SPARQL 1.1 Protocol, Update and Graph Store."""

from __future__ import annotations

import io
import os
import re
import socket
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.client import IncompleteRead
from itertools import count
from typing import IO, NoReturn, cast
from urllib.parse import unquote, urlsplit, urlunsplit

import requests
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
    serialize,
)
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth
from urllib3.exceptions import ReadTimeoutError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from speechld.errors import QueryError, StoreError, WriteRefused
from speechld.sparql.syntax import needs_base
from speechld.store.base import (
    DATE_TIME,
    GRAPH_PATH,
    INGEST_TIME,
    VALUES_MAX,
    QueryResult,
    SourceGraph,
    StreamedTriples,
    Subject,
    digests_query,
    graph_prefix,
    in_chunks,
    pattern_query,
    query_form,
    shared_blocks,
    sizes_query,
    stated_digest,
)
from speechld.store.embedded import (
    batch_update_text,
    delete_text,
    forget_text,
    insert_block,
    latest,
)

# JSON first: pyoxigraph's XML results parser trims the whitespace around literal values.
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
# What we ask for graphs; N-Triples is line-based and every store offers it (or text/plain).
GRAPH_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"
RESULT_TYPES = {
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
CHUNK_BYTES = 65_536  # read from a store's streamed answer at a time
# How a whole answer in a results format ends.
ENDS: dict[QueryResultsFormat | RdfFormat, bytes] = {
    QueryResultsFormat.JSON: b"}",
    QueryResultsFormat.XML: b"</sparql>",
}
GRAPH_TYPES = {
    "application/n-triples": RdfFormat.N_TRIPLES,
    "text/plain": RdfFormat.N_TRIPLES,
    "text/turtle": RdfFormat.TURTLE,
    "application/rdf+xml": RdfFormat.RDF_XML,
}
PAGE = 10_000  # rows asked for at a time: within the result limit most stores set
DUMP_GRAPHS = 200  # graphs whose quads one dump request reads
CHUNK = 50_000  # quads serialised at a time by dump()
CONNECT_RETRIES = 1  # a failed connection is tried once more, without waiting
RETRY_AFTER_MAX = 30.0  # seconds waited at most before a retry that Retry-After asks for
DEADLOCK_RETRIES = 5  # a request rolled back as deadlocked is sent again, after a while
# Answers to a write that are about what was sent, not the store's state (Virtuoso
# answers 500 to a request too large to compile).
WRITE_REFUSED = frozenset({400, 413, 414, 415, 422, 500})


@dataclass(frozen=True)
class RemoteSettings:
    """Where and how to reach a remote store."""

    query_url: str
    update_url: str
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = None
    auth: str = "basic"  # or "digest"
    timeout: float = 60.0  # seconds an answer may take to start (or pause)
    connect_timeout: float = 5.0  # seconds a connection may take to open
    # Per SPARQL Update request: Virtuoso refuses 10 MB and compiles large requests
    # slowly (measured: 290 sources/s at 20-100 kB, 160 at 300 kB, 18 at 1 MB).
    max_request_bytes: int = 100_000
    retries: int = 5  # on 429, 502 and 503 with Retry-After, with back-off (connections: once)

    @classmethod
    def from_env(
        cls, url: str, update_url: str | None = None, graph_store_url: str | None = None
    ) -> RemoteSettings:
        """Settings for the endpoint at url; the rest from arguments, else SPEECHLD_* variables.

        Credentials in a URL (the first that has some) are taken out of it, and so out of
        every message, and used as SPEECHLD_STORE_USER and _PASSWORD are where not set.
        """
        env = os.environ
        auth = env.get("SPEECHLD_STORE_AUTH", "basic").lower()
        if auth not in {"basic", "digest"}:
            raise StoreError(f"SPEECHLD_STORE_AUTH={auth!r}: expected 'basic' or 'digest'")
        query, user, password = store_url(url)
        update, *given = store_url(update_url or env.get("SPEECHLD_UPDATE_URL") or url)
        user, password = (user, password) if user else given
        graph_store = graph_store_url or env.get("SPEECHLD_GRAPH_STORE_URL") or None
        if graph_store:
            graph_store, *given = store_url(graph_store)
            user, password = (user, password) if user else given
        return cls(
            query_url=query,
            update_url=update,
            graph_store_url=graph_store,
            user=env.get("SPEECHLD_STORE_USER") or user,
            password=env.get("SPEECHLD_STORE_PASSWORD") or password,
            auth=auth,
            timeout=_positive(env, "SPEECHLD_STORE_TIMEOUT", 60.0),
            connect_timeout=_positive(env, "SPEECHLD_STORE_CONNECT_TIMEOUT", 5.0),
            max_request_bytes=int(_positive(env, "SPEECHLD_STORE_REQUEST_BYTES", 100_000, int)),
        )


def _positive(
    env: Mapping[str, str], name: str, default: float, kind: type[float] | type[int] = float
) -> float:
    """The positive number an environment variable gives, else the default."""
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        value = 0
    if not value > 0 or value == float("inf"):
        unit = "bytes" if kind is int else "seconds"
        raise StoreError(f"{name}={text!r}: expected a positive number of {unit}")
    return value


# The password of a URL's user information: what no message may show.
_PASSWORD = re.compile(r"(//[^/@?#:]*):[^/@?#]*@")


def shown(url: str) -> str:
    """A URL as messages may show it: any password in it masked.

    >>> shown("https://ann:secret@store.example/sparql")
    'https://ann:***@store.example/sparql'
    """
    return _PASSWORD.sub(r"\1:***@", url)


def store_url(url: str) -> tuple[str, str | None, str | None]:
    """An http(s) URL of a store without its credentials, and the user and password it gave.

    >>> store_url("http://ann:p%40ss@127.0.0.1:8890/sparql")
    ('http://127.0.0.1:8890/sparql', 'ann', 'p@ss')
    >>> store_url("http://127.0.0.1:99999/sparql")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    speechld.errors.StoreError: http://127.0.0.1:99999/sparql: not a valid store URL: ...
    """
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise StoreError(f"{shown(url)}: not a valid store URL: {error}") from error
    try:
        parts.port  # noqa: B018  (raises on a port that is no number or out of range)
    except ValueError as error:
        cause = "the port is not a number from 0 to 65535"
        raise StoreError(f"{shown(url)}: not a valid store URL: {cause}") from error
    if parts.scheme.lower() not in ("http", "https"):
        raise StoreError(f"{shown(url)}: not a valid store URL: not an http:// or https:// URL")
    if not parts.hostname or any(c.isspace() for c in parts.netloc):
        raise StoreError(f"{shown(url)}: not a valid store URL: no host, or a space in it")
    if parts.username is None:
        return url, None, None
    host = parts.netloc.rpartition("@")[2]
    user, password = unquote(parts.username), parts.password
    return urlunsplit(parts._replace(netloc=host)), user, unquote(password or "") or None


class CappedRetry(Retry):
    """Retries that wait at most RETRY_AFTER_MAX seconds, whatever Retry-After asks: a proxy
    saying an hour would hold an ingest, or a web worker, for that hour."""

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        """The wait a Retry-After header asks for, capped."""
        asked = super().get_retry_after(response)
        return None if asked is None else min(asked, RETRY_AFTER_MAX)


def session(settings: RemoteSettings) -> requests.Session:
    """An HTTP session with retries and back-off, authenticated as the settings say.

    Every request speechld sends is idempotent (queries; updates that replace whole
    graphs), so every method is retried on a server that says it is overloaded (429, or
    503 with Retry-After) or a gateway that found no store (502); not on a 503 without
    Retry-After (Fuseki's answer to a query past its time limit) or a 504 (a gateway that
    waited too long): the query would take as long again. A connection that fails
    (refused, host unknown) is tried once more, at once: a store that is not there now
    will not be there a few seconds later either, and the user learns it sooner.
    """
    retry = CappedRetry(
        total=settings.retries,
        connect=CONNECT_RETRIES,
        read=0,  # a slow answer is not retried: the store may still be working on it
        backoff_factor=0.5,
        status_forcelist=(429, 502),  # and, by Retry-After, 503
        allowed_methods=None,
        raise_on_status=False,
    )
    http = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    if settings.user is not None:
        password = settings.password or ""
        auth: AuthBase = (
            HTTPDigestAuth(settings.user, password)
            if settings.auth == "digest"
            else HTTPBasicAuth(settings.user, password)
        )
        http.auth = auth
    return http


def unreachable(error: requests.RequestException, timeout: float, connect: float) -> str:
    """Why a request got no answer, in words: 'connection refused', 'host not found', ..."""
    if isinstance(error, requests.ConnectTimeout):
        return f"no connection to the store within {connect:g} s"
    reason: BaseException = _innermost(error)
    # A read timeout on a kept-alive connection comes as a ConnectionError that wraps it.
    if isinstance(error, requests.Timeout) or isinstance(reason, ReadTimeoutError | TimeoutError):
        said = re.search(r"read timeout=([0-9.]+)\)", str(error))
        if said is not None and float(said[1]) != timeout:  # TLS's handshake has `connect`
            return (
                f"no TLS answer within {float(said[1]):g} s (does the store speak plain "
                "HTTP? then its URL is http://)"
            )
        return f"the store did not answer within {timeout:g} s"
    if isinstance(error, requests.exceptions.SSLError):
        return f"TLS failed: {reason}"
    if isinstance(reason, socket.gaierror):
        return "host not found"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the store running?)"
    if isinstance(reason, OSError) and reason.strerror:
        return f"the store did not answer: {reason.strerror[:1].lower()}{reason.strerror[1:]}"
    if isinstance(reason, IncompleteRead):  # http.client's, and urllib3's (a subclass)
        read = reason.partial if isinstance(reason.partial, int) else len(reason.partial)
        return f"the store's answer broke off after {read} bytes"
    return f"the store did not answer: {reason}"


def _innermost(error: BaseException) -> BaseException:
    """The error at the root of a chain of wrapped errors (requests wraps urllib3's); not
    what was being handled when it happened (a request made by an error handler)."""
    while True:
        inner = getattr(error, "reason", None) or error.__cause__
        if inner is None:  # urllib3's ProtocolError("Connection aborted.", the error)
            inner = next((a for a in error.args if isinstance(a, BaseException)), None)
        if not isinstance(inner, BaseException) or inner is error:
            return error
        error = inner


def deadlocked(response: requests.Response) -> bool:
    """Whether the store rolled the request back as one of two deadlocked transactions
    (SQLSTATE 40001; Virtuoso's SR172): it succeeds when sent again, every request of
    speechld's being idempotent."""
    return response.status_code >= 500 and b"40001" in response.content[:2000]


def _message(response: requests.Response) -> str:
    """What the store said, in one line: its page's text without markup (an HTML page), its
    plain text as it is (IRIs in angle brackets kept), as UTF-8 unless it says otherwise."""
    body = response.content[:20_000]
    charset = requests.utils.get_encoding_from_headers(response.headers)
    try:
        text = body.decode("utf-8" if charset in (None, "ISO-8859-1") else charset)
    except (UnicodeDecodeError, LookupError):
        text = body.decode("latin-1")
    if "html" in _media_type(response):
        text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text[:500] or response.reason


UPDATE_URL_HINT = (
    " (the update URL is the query endpoint's, as by default: if the store takes updates "
    "elsewhere, give that URL with --update-url or SPEECHLD_UPDATE_URL; if it takes none, "
    "as a Fuseki started without --update, it cannot be written to)"
)

# Virtuoso names blank nodes `nodeID://b1` in JSON results; a blank node label is `b1`.
_VIRTUOSO_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')
# Virtuoso writes a boolean "1" or "0" in JSON results: "true" and "false" are the
# canonical forms, which the embedded store gives. The datatype may come before or after.
_BOOLEAN_TYPE = rb'"datatype"\s*:\s*"http://www\.w3\.org/2001/XMLSchema#boolean"'
_BOOLEAN_VALUE = rb'"value"\s*:\s*"'
_JSON_BOOLEAN = re.compile(
    rb"(?P<before>" + _BOOLEAN_TYPE + rb"\s*,\s*" + _BOOLEAN_VALUE + rb")(?P<a>[01])\""
    rb"|(?P<value>" + _BOOLEAN_VALUE + rb")(?P<b>[01])\"(?=\s*,\s*" + _BOOLEAN_TYPE + rb")"
)
BOOLEAN = NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
CANONICAL = {"1": "true", "0": "false"}


def _has_blank_nodes(ntriples: str) -> bool:
    """Whether N-Triples text has a blank node (which some stores refuse in INSERT DATA)."""
    if "_:" not in ntriples:
        return False
    return any(
        isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode)
        for t in parse(ntriples, RdfFormat.N_TRIPLES)
    )


# When speechld last changed the store's data: `<{base}store> dcterms:modified ...` in the
# graph of that name, outside `{base}graph/` (no dump or figure counts it), after each write.
STAMP_GRAPH = "store"  # relative to the base
STAMP_QUERY = "SELECT ?t WHERE {{ GRAPH <{graph}> {{ <{graph}> <{modified}> ?t }} }}"
STAMP_UPDATE = (
    "DELETE WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} ;\n"
    'INSERT DATA {{ GRAPH <{graph}> {{ <{graph}> <{modified}> "{time}"^^<{datetime}> }} }}'
)
STAMP_TTL = 1.0  # seconds a reader keeps the stamp it read before asking again


# Which of some graphs the store holds: any triple at all (a shared graph does not name itself).
HELD_QUERY = (
    "SELECT ?g WHERE {{ VALUES ?g {{ {names} }} FILTER EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"
)


@dataclass
class Request:
    """The graphs of one SPARQL Update request being filled, new graphs or held ones."""

    new: bool = False
    graphs: list[SourceGraph] = field(default_factory=list)
    size: int = 0

    def add(self, graph: SourceGraph, size: int) -> None:
        """Add a graph whose update text has this size."""
        self.graphs.append(graph)
        self.size += size


def _canonical_booleans(body: bytes) -> bytes:
    """SPARQL JSON results with every boolean "1" or "0" written "true" or "false".

    >>> _canonical_booleans(b'"value": "0", "datatype": "' + BOOLEAN.value.encode() + b'"')[:17]
    b'"value": "false",'
    """

    def rewritten(match: re.Match[bytes]) -> bytes:
        digit = (match["a"] or match["b"]).decode()
        return (match["before"] or match["value"]) + CANONICAL[digit].encode() + b'"'

    return _JSON_BOOLEAN.sub(rewritten, body)


def canonical(literal: Literal) -> Literal:
    """A literal as the embedded store gives it: a boolean "1" or "0" as "true" or "false".

    >>> canonical(Literal("1", datatype=BOOLEAN)).value, canonical(Literal("1")).value
    ('true', '1')
    """
    if literal.datatype == BOOLEAN and literal.value in CANONICAL:
        return Literal(CANONICAL[literal.value], datatype=BOOLEAN)
    return literal


def _media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check_whole(body: bytes, fmt: QueryResultsFormat | RdfFormat, url: str) -> None:
    """Raise StoreError if results end before their format says they do: a store that
    streams its answer (Oxigraph) ends one that failed part-way (a SERVICE call, its own
    time limit) with its message, after a 200. (XML may end with a comment.)"""
    end = ENDS.get(fmt)
    tail = body[-1000:].rstrip()
    if end is None or (tail.endswith(end) if fmt is QueryResultsFormat.JSON else end in tail):
        return
    said = re.split(r"[\[}>]", tail[-500:].decode("utf-8", "replace"))[-1].strip(" \n,")
    raise StoreError(f"{url}: the answer broke off: {said}")


def as_read(body: bytes) -> bytes:
    """JSON results with Virtuoso's ways made standard: blank node names, booleans."""
    return _canonical_booleans(_VIRTUOSO_BNODE.sub(rb"\1", body))


class Answer:
    """A query's answer read from the store as the reader asks for it; results are made
    standard as they come (JSON: up to the last complete term, where no rewrite can be cut
    in two) and checked whole at their end."""

    def __init__(
        self,
        response: requests.Response,
        fmt: QueryResultsFormat | RdfFormat,
        settings: RemoteSettings,
    ) -> None:
        self.chunks = response.iter_content(CHUNK_BYTES)
        self.fmt, self.settings = fmt, settings
        self.held = bytearray()  # read, not yet made standard: after the last "}"
        self.ready = bytearray()
        self.tail = b""  # the last bytes given out, to check the end
        self.done = False

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes (all that are left for -1)."""
        while not self.done and (size < 0 or len(self.ready) < size):
            self._fill()
        count = len(self.ready) if size < 0 else min(size, len(self.ready))
        data = bytes(self.ready[:count])
        del self.ready[:count]
        return data

    def _fill(self) -> None:
        url = self.settings.query_url
        try:
            chunk = next(self.chunks, b"")
        except requests.RequestException as error:
            reason = unreachable(error, self.settings.timeout, self.settings.connect_timeout)
            raise StoreError(f"{url}: the answer broke off: {reason}") from error
        if not chunk:
            self.done = True
            self._give(bytes(self.held))
            check_whole(self.tail, self.fmt, url)
            return
        if self.fmt is not QueryResultsFormat.JSON:
            self._give(chunk)
            return
        cut = chunk.rfind(b"}") + 1  # in the new chunk alone: a long literal stays linear
        if not cut:
            self.held += chunk
            return
        self._give(bytes(self.held) + chunk[:cut])
        self.held = bytearray(chunk[cut:])

    def _give(self, data: bytes) -> None:
        data = as_read(data) if self.fmt is QueryResultsFormat.JSON else data
        self.ready += data
        self.tail = (self.tail + data)[-500:]


class RemoteStore:
    """A SPARQL 1.1 store over HTTP; only the graphs under `{base}graph/` are ours."""

    in_process = False
    union_default_graph = False  # Virtuoso's, for one, holds its system graphs too

    def __init__(self, settings: RemoteSettings, *, read_only: bool = False) -> None:
        self.settings = settings
        self.read_only = read_only
        self.http = session(settings)
        self._prefix: str | None = None
        self._graph_names = False  # whether GRAPH ?g { } is known to list the graphs
        self._reading = threading.local()  # .answer: the results this thread reads, if any
        self._stamp = (0.0, -STAMP_TTL)  # the generation read, and when (monotonic)
        self._updates = 0  # updates sent so far

    @property
    def places(self) -> tuple[str, ...]:
        """The store's query, update and Graph Store URLs."""
        urls = (self.settings.query_url, self.settings.update_url, self.settings.graph_store_url)
        return tuple(url for url in urls if url)

    def _send(
        self, method: str, url: str, timeout: float | None = None, **kwargs: object
    ) -> requests.Response:
        connect = self.settings.connect_timeout
        timeout = self.settings.timeout if timeout is None else timeout
        for attempt in range(DEADLOCK_RETRIES + 1):
            try:
                response = self.http.request(
                    method,
                    url,
                    timeout=(min(connect, timeout), timeout),
                    **kwargs,  # type: ignore[arg-type]
                )
            except requests.RequestException as error:
                reason = unreachable(error, timeout, min(connect, timeout))
                raise StoreError(f"{url}: {reason}") from error
            if not deadlocked(response) or attempt == DEADLOCK_RETRIES:
                break
            time.sleep(0.25 * 2**attempt)  # the other transaction ends meanwhile
        if response.status_code in (401, 403):
            raise StoreError(
                f"{url}: access refused ({response.status_code}); set SPEECHLD_STORE_USER, "
                "SPEECHLD_STORE_PASSWORD and SPEECHLD_STORE_AUTH (basic or digest)"
            )
        return response

    def _ask_server(
        self,
        query: str,
        accept: str,
        dataset: Sequence[tuple[str, str]] = (),
        stream: bool = False,
    ) -> requests.Response:
        self.release()
        response = self._send(
            "POST",
            self.settings.query_url,
            data=[("query", query), *dataset],
            headers={"Accept": accept},
            stream=stream,
        )
        if response.status_code == 400:
            raise QueryError(f"{self.settings.query_url} refused the query: {_message(response)}")
        if not response.ok:
            raise StoreError(
                f"{self.settings.query_url}: query failed ({response.status_code}): "
                f"{_message(response)}"
            )
        return response

    def _results(
        self, query: str, dataset: Sequence[tuple[str, str]] = (), stream: bool = False
    ) -> QuerySolutions | QueryBoolean:
        response = self._ask_server(query, RESULTS_ACCEPT, dataset, stream)
        fmt = RESULT_TYPES.get(_media_type(response))
        if fmt is None:
            response.close()
            raise StoreError(
                f"{self.settings.query_url}: the answer to a query is not SPARQL results but "
                f"{_media_type(response) or 'of no type'!r}: is this a SPARQL endpoint?"
            )
        if stream:  # read as the caller reads the results: a row cap stops the reading
            self._reading.answer = response
        else:
            response.content  # noqa: B018 - read whole now: the connection is free at once
        answer = Answer(response, fmt, self.settings)
        try:  # (the first bytes are read at once)
            return parse_query_results(cast(IO[bytes], answer), fmt)
        except SyntaxError as error:
            unreadable = f"{self.settings.query_url}: unreadable query results: {error}"
            raise StoreError(unreadable) from error

    def _triples(
        self, query: str, dataset: Sequence[tuple[str, str]] = (), stream: bool = False
    ) -> Iterator[Triple]:
        response = self._ask_server(query, GRAPH_ACCEPT, dataset, stream)
        fmt = GRAPH_TYPES.get(_media_type(response))
        if fmt is None:
            response.close()
            raise StoreError(
                f"{self.settings.query_url}: the answer to a query is not an RDF graph but "
                f"{_media_type(response) or 'of no type'!r}: is this a SPARQL endpoint?"
            )
        if stream:  # read as the caller reads the triples: a row cap stops the reading
            self._reading.answer = response
        else:
            response.content  # noqa: B018 - read whole now: the connection is free at once
        try:
            for quad in parse(cast(IO[bytes], Answer(response, fmt, self.settings)), fmt):
                if isinstance(quad.object, Literal) and quad.object.datatype == BOOLEAN:
                    yield Triple(quad.subject, quad.predicate, canonical(quad.object))
                else:
                    yield quad.triple
        except SyntaxError as error:
            raise StoreError(f"the store sent an unreadable graph: {error}") from error

    def query(
        self,
        query: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """The result of any SPARQL query, as the same pyoxigraph types the embedded store gives.

        The dataset, if given, goes to the server as the protocol's default-graph-uri and
        named-graph-uri; base_iri is prepended as a BASE declaration.
        """
        dataset = [("default-graph-uri", g) for g in default_graph or ()] + [
            ("named-graph-uri", g) for g in named_graphs or ()
        ]
        if base_iri is not None and needs_base(query):
            query = f"BASE <{base_iri}> {query}"  # on line 1: the lines keep their numbers
        if query_form(query) in {"CONSTRUCT", "DESCRIBE"}:
            return StreamedTriples(self._triples(query, dataset, stream=True))
        return self._results(query, dataset, stream=True)

    def select(self, query: str) -> QuerySolutions:
        """The solutions of a SELECT query."""
        return cast(QuerySolutions, self._results(query))

    def construct(self, query: str) -> list[Triple]:
        """The triples of a CONSTRUCT or DESCRIBE query."""
        return list(self._triples(query))

    def triples(
        self,
        subject: Subject | None = None,
        object: NamedNode | Literal | None = None,
        *,
        graph: NamedNode | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Triple]:
        """The distinct triples with this subject or object (in one graph, if given), in one
        SELECT."""
        if isinstance(subject, BlankNode):
            raise QueryError("a remote store cannot be asked for a blank node's triples")
        rows = self.select(pattern_query(subject, object, limit, offset, graph))
        return [Triple(subject or row["s"], row["p"], object or row["o"]) for row in rows]

    def _update(self, update: str) -> None:
        self._updates += 1
        response = self._send(
            "POST",
            self.settings.update_url,
            data=update.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        )
        if not response.ok:
            refused = WriteRefused if response.status_code in WRITE_REFUSED else StoreError
            same = self.settings.update_url == self.settings.query_url
            raise refused(
                f"{self.settings.update_url}: update refused ({response.status_code}): "
                f"{_message(response)}{UPDATE_URL_HINT if same else ''}"
            )

    def _put(self, graph: SourceGraph) -> None:
        url = self.settings.graph_store_url
        if url is None:
            raise StoreError(
                f"{graph.graph}: has blank nodes, which some stores refuse in an INSERT DATA; "
                "set a Graph Store URL to store it"
            )
        response = self._send(
            "PUT",
            url,
            params={"graph": graph.graph},
            data=graph.ntriples.encode("utf-8"),
            headers={"Content-Type": "application/n-triples; charset=utf-8"},
        )
        if not response.ok:
            raise StoreError(
                f"{url}: PUT {graph.graph} refused ({response.status_code}): {_message(response)}"
            )

    def replace(self, graphs: Iterable[SourceGraph], *, publish: bool = True) -> None:
        """Replace each graph whole: SPARQL Update requests of many graphs each.

        Graphs the store holds (one query tells) are deleted, then inserted again: a
        DELETE request, then an INSERT DATA request, for many graphs each (in one request,
        Virtuoso's recovery after a crash dropped the triples a page's old and new content
        share, and its digest then said the page was whole; between the two, a page is
        absent, and the next ingest writes it); graphs it does not hold yet are inserted
        alone, which Virtuoso does in half the time. A graph larger than a request should
        be goes in requests of its own (Virtuoso's Graph Store refuses a literal over
        about 64 kB); one with blank nodes (which some stores refuse in INSERT DATA) by
        Graph Store PUT. Every change is seen at once by every client, so `publish` changes
        nothing.
        """
        if self.read_only:
            raise StoreError(f"{self.settings.query_url}: the store is open read-only")
        graphs = latest(graphs)
        with self._changing():
            self._replace(graphs)

    def _replace(self, graphs: list[SourceGraph]) -> None:
        held = self._held([g.graph for g in graphs])
        filling = {False: Request(), True: Request(new=True)}  # held graphs, new graphs
        for graph in graphs:
            new = graph.graph not in held
            text = insert_block([graph]) if new else batch_update_text([graph])
            if _has_blank_nodes(graph.ntriples):
                if graph.shared:  # first: a page never names what no graph describes
                    self._update(f"INSERT DATA {{ {shared_blocks([graph], 'GRAPH ')}}}")
                self._put(graph)
                continue
            request = filling[new]
            full = request.size + len(text) > self.settings.max_request_bytes
            if request.graphs and (full or len(request.graphs) == VALUES_MAX):
                self._write(request)
                request = filling[new] = Request(new=new)
            request.add(graph, len(text))
        for request in filling.values():
            if request.graphs:
                self._write(request)

    def _write(self, request: Request) -> None:
        """Send one request's graphs: new ones in one INSERT DATA; held ones deleted, then
        inserted (Virtuoso refuses a request of a few hundred DROP statements), their former
        content written back if the store refuses the new (too large for it, say)."""
        if request.new:
            self._update(insert_block(request.graphs))
            return
        names = [g.graph for g in request.graphs]
        former = self._contents(names)
        self._update(delete_text(names))
        try:
            self._update(insert_block(request.graphs))
        except WriteRefused as error:
            self._write_back(former, error)

    def _contents(self, graphs: list[str]) -> list[SourceGraph]:
        """What these graphs hold now, as N-Triples (read a page of results at a time)."""
        lines: dict[str, list[str]] = {}
        for quad in self._quads(graphs):
            name = cast(NamedNode, quad.graph_name).value
            lines.setdefault(name, []).append(f"{quad.triple} .\n")
        return [SourceGraph(g, "".join(held)) for g, held in lines.items()]

    def _write_back(self, former: list[SourceGraph], refusal: WriteRefused) -> NoReturn:
        """Write graphs' former content back after the store refused their new content,
        all at once or, refused so too, each alone; raise the refusal, saying so."""
        lost: list[str] = []
        try:
            self._update(insert_block(former))
        except WriteRefused:
            for graph in former:
                try:
                    self._update(insert_block([graph]))
                except StoreError:
                    lost.append(graph.graph)
        except StoreError:
            lost = [g.graph for g in former]
        if lost:
            raise StoreError(
                f"{refusal}; writing back what the graphs held failed too for {', '.join(lost)}"
                ", whose pages are missing until they are ingested again"
            ) from refusal
        raise WriteRefused(f"{refusal} (the store keeps what it held)") from refusal

    def forget(self, graph: str, subjects: Sequence[str], *, publish: bool = True) -> None:
        """Delete what one named graph says of these subjects: a request a thousand."""
        if self.read_only:
            raise StoreError(f"{self.settings.query_url}: the store is open read-only")
        with self._changing():
            for chunk in in_chunks(subjects):
                self._update(forget_text(graph, chunk))

    def update(self, update: str, *, publish: bool = True) -> None:
        """Run one SPARQL Update of speechld's own, in one request."""
        if self.read_only:
            raise StoreError(f"{self.settings.query_url}: the store is open read-only")
        with self._changing():
            self._update(update)

    def _stamp_graph(self) -> str | None:
        """The graph of the stamp; None before any ingest, or where our data cannot be
        read (a default graph that is not the union: the commands say so themselves)."""
        try:
            prefix = self.prefix()
        except StoreError:
            return None
        return None if prefix is None else prefix.removesuffix(GRAPH_PATH) + STAMP_GRAPH

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Run writes, then state that the data changed if any update was sent, even when
        a later one failed (servers reading the store then see a new generation; a store
        written around speechld does not tell them)."""
        before = self._updates
        try:
            yield
        except BaseException:
            if self._updates != before:
                with suppress(StoreError):  # the write's own error is the news
                    self._mark_changed()
            raise
        if self._updates != before:
            self._mark_changed()

    def _mark_changed(self) -> None:
        """State that the data changed now; raise StoreError (never WriteRefused: the
        pages are written) if the store refuses it."""
        graph = self._stamp_graph()
        if graph is None:
            return
        now = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        update = STAMP_UPDATE.format(
            graph=graph, modified=INGEST_TIME, time=now, datetime=DATE_TIME
        )
        try:
            self._update(update)
        except StoreError as error:
            raise StoreError(
                f"the data is written, but not when it changed (<{graph}>), which servers "
                f"reading the store go by: {error}"
            ) from error

    @property
    def generation(self) -> float:
        """When speechld last changed the data, as a time stamp (read at most once a
        STAMP_TTL); 0.0 if it never said so."""
        stamp, read = self._stamp
        if time.monotonic() - read < STAMP_TTL:
            return stamp
        self._stamp = (stamp, time.monotonic())  # asked once a STAMP_TTL, answered or not
        found = 0.0
        try:
            graph = self._stamp_graph()
            if graph is not None:
                query = STAMP_QUERY.format(graph=graph, modified=INGEST_TIME)
                for row in self.select(query):
                    with suppress(ValueError):  # not a time: as if none
                        found = max(found, datetime.fromisoformat(row["t"].value).timestamp())
        except StoreError:  # down: the last one read (the requests that need it will say so)
            return stamp
        self._stamp = (found, time.monotonic())
        return found

    def _held(self, graphs: Sequence[str]) -> set[str]:
        """Which of these graphs the store holds (any triple at all), in a query a thousand."""
        return {
            row["g"].value
            for chunk in in_chunks(graphs)
            for row in self.select(HELD_QUERY.format(names=" ".join(f"<{g}>" for g in chunk)))
        }

    def digests(self, graphs: Sequence[str]) -> dict[str, str]:
        """The content digest each of these graphs states about itself, in a query a
        thousand graphs (WRITTEN_TWICE for one with two digests or ingest times)."""
        stated: dict[str, tuple[set[str], set[str]]] = {}
        for chunk in in_chunks(graphs):
            for row in self.select(digests_query(chunk)):
                digests, times = stated.setdefault(row["g"].value, (set(), set()))
                digests.add(row["digest"].value)
                if row["time"] is not None:
                    times.add(row["time"].value)
        return {g: stated_digest(min(d), len(d), len(t)) for g, (d, t) in stated.items()}

    def sizes(self, prefix: str) -> tuple[int, int]:
        """The quads in the named graphs under prefix, and those graphs: one query."""
        row = next(iter(self.select(sizes_query(prefix))), None)
        if row is None:
            return 0, 0
        return int(row["quads"].value), int(row["graphs"].value)

    def publish(self) -> None:
        """Nothing to do: the server shows every change as it is made."""

    def ping(self, timeout: float) -> None:
        """Raise StoreError unless the store answers a trivial query within timeout seconds."""
        url = self.settings.query_url
        response = self._send(
            "POST", url, timeout, data={"query": "ASK {}"}, headers={"Accept": RESULTS_ACCEPT}
        )
        if not response.ok:
            raise StoreError(f"{url}: the store answers {response.status_code}")

    def prefix(self) -> str | None:
        """`{base}graph/`, the start of the names of our graphs; None before any ingest."""
        if self._prefix is None:
            self._prefix = graph_prefix(self)
        return self._prefix

    def graphs(self) -> Iterator[str]:
        """The names of our graphs, read a page at a time, each after the last name read
        (an OFFSET past 10,000 rows in sorted results is refused by Virtuoso)."""
        prefix = self.prefix()
        if prefix is None:
            return
        after, pattern = "", "{ }" if self._lists_graphs() else "{ ?s ?p ?o }"
        while True:
            rows = list(
                self.select(
                    f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {pattern} "
                    f"FILTER(STRSTARTS(STR(?g), {_literal(prefix)}) "
                    f"&& STR(?g) > {_literal(after)}) }} ORDER BY STR(?g) LIMIT {PAGE}"
                )
            )
            for row in rows:
                yield str(row["g"].value)
            if len(rows) < PAGE:
                return
            after = str(rows[-1]["g"].value)

    def _lists_graphs(self) -> bool:
        """Whether the store names its graphs for `GRAPH ?g { }`, as SPARQL says (Oxigraph,
        Jena) without reading every quad; Virtuoso gives none."""
        if not self._graph_names:
            probe = self.select("SELECT ?g WHERE { GRAPH ?g { } } LIMIT 1")
            self._graph_names = any(row["g"] is not None for row in probe)
        return self._graph_names

    def _quads(self, graphs: list[str]) -> Iterator[Quad]:
        """The quads of these graphs: one query if its result is under a page, else half
        the graphs at a time (a graph of a page's size or more, by OFFSET)."""
        values = " ".join(f"<{g}>" for g in graphs)
        query = f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        rows = list(self.select(f"{query} LIMIT {PAGE}"))
        if len(rows) < PAGE:
            yield from (Quad(row["s"], row["p"], row["o"], row["g"]) for row in rows)
        elif len(graphs) > 1:
            yield from self._quads(graphs[: len(graphs) // 2])
            yield from self._quads(graphs[len(graphs) // 2 :])
        else:  # one graph of a page's size or more
            for offset in count(0, PAGE):
                rows = list(self.select(f"{query} ORDER BY ?s ?p ?o LIMIT {PAGE} OFFSET {offset}"))
                yield from (Quad(row["s"], row["p"], row["o"], row["g"]) for row in rows)
                if len(rows) < PAGE:
                    return

    def dump(self, format: RdfFormat) -> Iterator[bytes]:
        """Our graphs' quads (or, for triple formats, triples) serialised in chunks."""
        quads = format is RdfFormat.N_QUADS or format is RdfFormat.TRIG
        buffer = io.BytesIO()
        batch: list[Quad] | list[Triple] = []
        names: list[str] = []

        def chunk() -> bytes:
            buffer.seek(0)
            buffer.truncate()
            serialize(batch, buffer, format)
            return buffer.getvalue()

        def flush_names() -> Iterator[bytes]:
            nonlocal batch
            for quad in self._quads(names):
                batch.append(quad if quads else quad.triple)  # type: ignore[arg-type]
                if len(batch) >= CHUNK:
                    yield chunk()
                    batch = []

        for name in self.graphs():
            names.append(name)
            if len(names) >= DUMP_GRAPHS:
                yield from flush_names()
                names = []
        if names:
            yield from flush_names()
        if batch:
            yield chunk()

    def is_empty(self) -> bool:
        """Whether no graph of ours holds a triple."""
        prefix = self.prefix()
        if prefix is None:
            return True
        answer = self._results(
            f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {_literal(prefix)})) }}"
        )
        return not bool(answer)

    def release(self) -> None:
        """Close the answer this thread's last query's results were read from, read whole
        or not (the store stops sending it)."""
        answer = getattr(self._reading, "answer", None)
        if answer is not None:
            answer.close()
            self._reading.answer = None

    def close(self) -> None:
        """Close the HTTP session."""
        self.release()
        self.http.close()
