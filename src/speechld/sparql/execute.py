"""Running one query against a store: the result serialised in chunks, capped at a row count.

Rows are counted where counting is cheap and exact: in the line-based form of each result
kind (TSV for solutions, N-Triples for triples: one row, one line). A capped result is cut
there first, so whether it was cut is known before its first byte goes out; it is then
converted to the format asked for by pyoxigraph's parsers and serialisers.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Literal, cast

from pyoxigraph import (
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    parse,
    parse_query_results,
    serialize,
)

from speechld.formats import BY_NAME
from speechld.store.base import GraphResult, GraphStore, QueryResult

CHUNK = 65_536  # bytes handed on at a time
Kind = Literal["boolean", "solutions", "triples"]
# Graph formats with `#` comments, in which a cut result says so at its end.
COMMENTED = (RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.N_QUADS, RdfFormat.TRIG)


@dataclass(frozen=True)
class Job:
    """One query to run, with the formats its result may take and the row cap."""

    query: str
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    results_format: str | None = "json"  # for SELECT and ASK; None: no acceptable format
    graph_format: str | None = "turtle"  # for CONSTRUCT and DESCRIBE; None: likewise
    max_rows: int = 0  # 0: no cap
    prefixes: Mapping[str, str] = field(default_factory=dict)  # for Turtle output
    base_iri: str | None = None  # resolves relative IRIs (the protocol: the endpoint's URL)


@dataclass(frozen=True)
class Head:
    """What a result is, known before its body: kind, format (None: not acceptable), cut."""

    kind: Kind
    format: str | None
    truncated: bool = False
    max_rows: int = 0


class Sink:
    """Where a run's output goes: its head, then its body in chunks of about CHUNK bytes."""

    def __init__(self, head: Callable[[Head], None], chunk: Callable[[bytes], None]) -> None:
        self.head = head
        self._chunk = chunk
        self._buffer = bytearray()
        self.xml = False  # whether what is written is XML, whose CRs are to be escaped

    def write(self, data: bytes) -> int:
        """Take bytes from a serialiser; hand them on once a chunk is full."""
        self._buffer += xml_text(data) if self.xml else data
        if len(self._buffer) >= CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        """Hand on whatever is buffered."""
        if self._buffer:
            self._chunk(bytes(self._buffer))
            self._buffer.clear()


class _Enough(Exception):
    """Raised inside a serialiser to stop it once the row cap is passed."""


class _Lines:
    """A serialiser's output held in memory, stopped after a number of lines."""

    def __init__(self, limit: int) -> None:
        self.data = bytearray()
        self.lines = 0
        self.limit = limit

    def write(self, data: bytes) -> int:
        self.data += data
        self.lines += data.count(b"\n")
        if self.lines >= self.limit:
            raise _Enough
        return len(data)

    def flush(self) -> None:
        pass

    def first(self, count: int) -> bytes:
        """The first `count` lines."""
        end = 0
        for _ in range(count):
            end = self.data.index(b"\n", end) + 1
        return bytes(self.data[:end])


def xml_text(data: bytes) -> bytes:
    r"""Serialised XML with its carriage returns escaped: pyoxigraph writes them raw, and an
    XML parser reads a raw CR (and CR LF) as a line feed, changing the literal.

    >>> xml_text(b"<literal>a\r\nb</literal>")
    b'<literal>a&#13;\nb</literal>'
    """
    return data.replace(b"\r", b"&#13;")


class XmlOut:
    """An output that serialised XML goes to with its carriage returns escaped."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out

    def write(self, data: bytes) -> int:
        """Write the data, escaped."""
        self.out.write(xml_text(data))
        return len(data)

    def flush(self) -> None:
        """Flush the output."""
        self.out.flush()


def _io(writer: Sink | _Lines) -> IO[bytes]:
    """A writer as the binary file pyoxigraph's serialisers write to (they only call write)."""
    return cast(IO[bytes], writer)


def kind_of(result: QueryResult) -> Kind:
    """The kind of a query result."""
    if isinstance(result, QueryBoolean):
        return "boolean"
    return "solutions" if isinstance(result, QuerySolutions) else "triples"


def run(store: GraphStore, job: Job, sink: Sink) -> None:
    """Run a job: its head, then its body; raises QueryError if the query is malformed."""
    result = store.query(
        job.query,
        default_graph=job.default_graph,
        named_graphs=job.named_graphs,
        base_iri=job.base_iri,
    )
    kind = kind_of(result)
    name = job.graph_format if kind == "triples" else job.results_format
    if name is None:
        sink.head(Head(kind, None))
        return
    fmt = BY_NAME[name]
    sink.xml = fmt.results is QueryResultsFormat.XML or fmt.rdf is RdfFormat.RDF_XML
    if isinstance(result, QueryBoolean):
        sink.head(Head(kind, name))
        result.serialize(_io(sink), fmt.results)
    elif isinstance(result, QuerySolutions):
        _solutions(result, fmt.results, job.max_rows, sink, name)
    else:
        _triples(result, fmt.rdf, job, sink, name)
    sink.flush()


def _solutions(
    result: QuerySolutions,
    fmt: QueryResultsFormat | None,
    max_rows: int,
    sink: Sink,
    name: str,
) -> None:
    assert fmt is not None
    if not max_rows:
        sink.head(Head("solutions", name))
        result.serialize(_io(sink), fmt)
        return
    tsv = _Lines(max_rows + 2)  # the header line, the rows allowed and one more
    with contextlib.suppress(_Enough):
        result.serialize(_io(tsv), QueryResultsFormat.TSV)
    truncated = tsv.lines > max_rows + 1
    capped = tsv.first(max_rows + 1) if truncated else bytes(tsv.data)
    sink.head(Head("solutions", name, truncated, max_rows))
    if fmt is QueryResultsFormat.TSV:
        sink.write(capped)
        return
    if truncated and fmt is QueryResultsFormat.JSON:
        out = io.BytesIO()
        parse_query_results(capped, QueryResultsFormat.TSV).serialize(out, fmt)
        sink.write(_json_note(out.getvalue(), max_rows))
        return
    parse_query_results(capped, QueryResultsFormat.TSV).serialize(_io(sink), fmt)
    if truncated and fmt is QueryResultsFormat.XML:
        sink.write(f"\n<!-- {note(max_rows)} -->\n".encode())


def _triples(result: GraphResult, fmt: RdfFormat | None, job: Job, sink: Sink, name: str) -> None:
    assert fmt is not None
    if not job.max_rows:
        sink.head(Head("triples", name))
        serialize(result, _io(sink), fmt, prefixes=dict(job.prefixes))
        return
    lines = _Lines(job.max_rows + 1)
    with contextlib.suppress(_Enough):
        result.serialize(_io(lines), RdfFormat.N_TRIPLES)
    truncated = lines.lines > job.max_rows
    capped = lines.first(job.max_rows) if truncated else bytes(lines.data)
    sink.head(Head("triples", name, truncated, job.max_rows))
    if fmt is RdfFormat.N_TRIPLES:
        sink.write(capped)
    else:
        triples = parse(capped, RdfFormat.N_TRIPLES)
        serialize(triples, _io(sink), fmt, prefixes=dict(job.prefixes))
    if truncated and fmt in COMMENTED:
        sink.write(f"# {note(job.max_rows)}\n".encode())
    elif truncated and fmt is RdfFormat.RDF_XML:
        sink.write(f"\n<!-- {note(job.max_rows)} -->\n".encode())


def note(max_rows: int) -> str:
    """What a cut result says about itself."""
    return f"result truncated: this endpoint returns at most {max_rows} rows per query"


def _json_note(body: bytes, max_rows: int) -> bytes:
    """SPARQL JSON results with a `truncated` member added to their head."""
    end = body.index(b"]", body.index(b'"vars":[')) + 1
    member = json.dumps({"maxRows": max_rows, "message": note(max_rows)}, separators=(",", ":"))
    return body[:end] + b',"truncated":' + member.encode() + body[end:]
