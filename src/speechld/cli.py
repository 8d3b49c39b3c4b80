"""The speechld command line: thin click commands chaining the library calls."""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import json
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any, BinaryIO, cast

import click
from click.core import ParameterSource
from pyoxigraph import NamedNode, QueryBoolean, QueryResultsFormat, QueryTriples, RdfFormat

from speechld.child import in_child
from speechld.dump import cannot_write, dump, write, write_file
from speechld.errors import NotASpeech, ParseError, QueryError, SpeechldError, StoreError
from speechld.formats import DUMP_FORMATS, GRAPH_FORMATS, RESULT_FORMATS, Format, by_name
from speechld.ingest import (
    BATCH,
    MAX_JOBS,
    Interrupted,
    Stopper,
    Summary,
    ingest,
    resolve_base,
    stop_signals_handled,
)
from speechld.inputs import DEFAULT_LIMIT, MAX_LIMIT, Counts, relative_pages, speeches
from speechld.remove import remove
from speechld.sparql.execute import XmlOut
from speechld.sparql.syntax import is_update
from speechld.store import GraphStore, default_location, is_remote, open_store
from speechld.store.base import QueryResult, StreamedTriples
from speechld.store.stats import stats
from speechld.vocab import check_base

DEFAULT_BASE = "http://127.0.0.1:5000/"
HTTP_IRI = re.compile(r"https?://[^\s<>\"{}|\\^`]+", re.IGNORECASE)
EMAIL = re.compile(r"[^\s@<>]+@[^\s@<>]+\.[^\s@<>.]+")


class EnvOption(click.Option):
    """An option that may come from an environment variable, and names it in the error a
    bad value from there gets (click names only the option)."""

    def process_value(self, ctx: click.Context, value: Any) -> Any:
        """The value, converted and checked; a bad one from the environment says so."""
        try:
            return super().process_value(ctx, value)
        except click.BadParameter as error:
            source = ctx.get_parameter_source(self.name or "")
            if source is ParameterSource.ENVIRONMENT and isinstance(self.envvar, str):
                message = f"{error.message} (from {self.envvar})"
                raise click.BadParameter(message, ctx, self) from error
            raise


def web_iri(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An http(s) IRI given as an option's value, or None."""
    if value is not None and not (HTTP_IRI.fullmatch(value) and valid_iri(value)):
        raise click.BadParameter(f"{value!r} is not an absolute http(s) IRI")
    return value


def contact_iri(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A contact given as an email address or an http(s) IRI (the VoID makes the IRI)."""
    if value is None or HTTP_IRI.fullmatch(value):
        return web_iri(ctx, param, value)
    address = value.removeprefix("mailto:")
    if not (EMAIL.fullmatch(address) and valid_iri("mailto:" + address)):
        raise click.BadParameter(f"{value!r} is neither an email address nor an http(s) IRI")
    return value


def valid_iri(value: str) -> bool:
    """Whether RDF takes the value for an IRI."""
    try:
        NamedNode(value)
    except ValueError:
        return False
    return True


def store_location(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A store option's value, never empty: a script's unset `--store "$STORE"` is not the
    default store (click takes an empty SPEECHLD_STORE for unset)."""
    if value is not None and not value.strip():
        raise click.BadParameter(
            "is empty: give a store's directory or URL, or leave it out for the default store"
        )
    return value


store_option = click.option(
    "--store",
    "location",
    metavar="PATH|URL",
    cls=EnvOption,
    envvar="SPEECHLD_STORE",
    default=None,
    callback=store_location,
    help="Store: a directory (embedded), ':memory:', or a SPARQL endpoint URL "
    "(default: SPEECHLD_STORE, else the per-user data directory).",
)
update_option = click.option(
    "--update-url",
    metavar="URL",
    cls=EnvOption,
    envvar="SPEECHLD_UPDATE_URL",
    default=None,
    help="SPARQL Update URL of a remote store (default: the endpoint URL).",
)
graph_store_option = click.option(
    "--graph-store-url",
    metavar="URL",
    cls=EnvOption,
    envvar="SPEECHLD_GRAPH_STORE_URL",
    default=None,
    help="Graph Store Protocol URL of a remote store, for graphs with blank nodes.",
)


def valid_base(ctx: click.Context, param: click.Parameter, base: str | None) -> str | None:
    """The --base given, if URIs can be minted under it; else a usage error saying why."""
    if base is None:
        return None
    try:
        return check_base(base)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx, param) from error


base_option = click.option(
    "--base",
    metavar="URL",
    cls=EnvOption,
    envvar="SPEECHLD_BASE",
    default=None,
    callback=valid_base,
    help="Base of the minted URIs, an http(s) IRI "
    "(default: SPEECHLD_BASE, else the server's own address).",
)

limit_option = click.option(
    "--max-page-size",
    "limit",
    metavar="BYTES",
    cls=EnvOption,
    envvar="SPEECHLD_MAX_PAGE_SIZE",
    type=click.IntRange(min=1, max=MAX_LIMIT),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="Largest page (or JSON line) read; a larger one is a failed input.",
)
paths_argument = click.argument("paths", nargs=-1, required=True, metavar="PATH...")


def store_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options that say which store to use and how to reach it."""
    return store_option(update_option(graph_store_option(command)))


def check_remote_options(location: str | None) -> None:
    """Refuse --update-url or --graph-store-url on the command line for an embedded store:
    the data would go to a store on this machine, not to the remote one meant."""
    context = click.get_current_context()
    given = [
        f"--{name.replace('_', '-')}"
        for name in ("update_url", "graph_store_url")
        if context.get_parameter_source(name) is ParameterSource.COMMANDLINE
    ]
    where = location or default_location()
    if given and not is_remote(where.strip()):
        raise click.UsageError(
            f"{' and '.join(given)} {'is' if len(given) == 1 else 'are'} for a remote store, "
            f"but the store is {where}, an embedded one: give --store the remote store's "
            "SPARQL endpoint URL"
        )


def writes_stdout(command: Callable[..., None]) -> Callable[..., None]:
    """Have a command's failure to write standard output (a full disk, say) end in one line
    saying so; a reader closing the pipe is left to click, which exits quietly."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except OSError as error:
            if error.errno in {None, errno.EPIPE} or error.filename is not None:
                raise  # not a write to standard output
            raise click.ClickException(cannot_write(error, "standard output")) from error

    return run


class Commands(click.Group):
    """speechld's commands: Ctrl-C ends any of them with exit status 130, as shells expect
    (click's own ending says 'Aborted!' with status 1)."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; interrupted, say so and exit 130."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\nspeechld: interrupted", err=True)
            raise SystemExit(128 + signal.SIGINT) from None


@click.group(cls=Commands)
@click.version_option(package_name="speechld")
def main() -> None:
    """speechld: Nordic Council plenary speeches as Linked Open Data."""


def input_lines(summary: Summary) -> list[str]:
    """A line for each input an ingest skipped or failed to store."""
    return [f"skipped: {m}" for m in summary.skips] + [f"error: {m}" for m in summary.failed]


def report(summary: Summary) -> None:
    """Print an ingest's skips, failures and summary; fail the command if any input failed."""
    for line in input_lines(summary):
        click.echo(line, err=True)
    click.echo(str(summary))
    if summary.failed:
        raise SystemExit(1)


class Progress:
    """A progress line on a terminal: counts and rate, redrawn at most ten times a second;
    elsewhere only the latest counts, kept for a failure's message."""

    def __init__(self, tty: bool = True) -> None:
        self.last = 0.0
        self.tty = tty
        self.summary: Summary | None = None

    def __call__(self, summary: Summary) -> None:
        self.summary = summary
        now = time.monotonic()
        if self.tty and now - self.last >= 0.1:
            self.last = now
            self.draw()

    def draw(self) -> None:
        """Redraw the line for the latest counts."""
        if self.summary is not None:
            s = self.summary
            click.echo(
                f"\r{s.read:,} read, {s.stored:,} stored, {len(s.failed):,} failed, "
                f"{s.rate:,.0f} pages/s",
                nl=False,
                err=True,
            )

    def finish(self) -> None:
        """Draw the final counts and end the line."""
        if self.tty:
            self.draw()
            click.echo(err=True)


@main.command("ingest")
@store_options
@base_option
@click.option(
    "--jobs",
    type=click.IntRange(min=1, max=MAX_JOBS),
    default=min(os.cpu_count() or 1, MAX_JOBS),
    show_default="number of cores",
    help="Processes that parse pages, for large inputs.",
)
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=BATCH,
    show_default=True,
    help="Pages per store transaction.",
)
@limit_option
@paths_argument
@writes_stdout
def ingest_command(
    location: str | None,
    update_url: str | None,
    graph_store_url: str | None,
    base: str | None,
    jobs: int,
    batch: int,
    limit: int,
    paths: tuple[str, ...],
) -> None:
    """Parse speech pages and store them as RDF, one named graph per page.

    PATH is a page file (.txt, .md), a JSON-lines file (.jsonl), a directory searched
    recursively, or - for standard input.
    """
    check_remote_options(location)
    show = Progress(sys.stderr.isatty())
    stop = Stopper()
    summary = Summary()
    try:
        with stop.catching():
            store = open_store(location, update_url=update_url, graph_store_url=graph_store_url)
            try:
                base = resolve_base(store, base, DEFAULT_BASE)
                summary = ingest(
                    store, paths, base, limit, batch=batch, jobs=jobs, progress=show, stop=stop
                )
            finally:
                with stop.held():
                    store.close()
    except Interrupted as error:
        summary = error.summary
    except KeyboardInterrupt:
        pass  # before the ingest began, or as the store closed after it: the summary holds
    except SpeechldError as error:
        so_far = f"\nstopped after: {show.summary}" if show.summary else ""
        inputs = "".join(f"\n{line}" for line in input_lines(show.summary or summary))
        raise click.ClickException(f"{error}{so_far}{inputs}") from error
    finally:
        show.finish()
    if stop.signum:
        for line in input_lines(summary):  # what was found bad before the stop
            click.echo(line, err=True)
        click.echo(f"speechld: {Interrupted(summary)} ({stop.name})", err=True)
        raise SystemExit(128 + stop.signum)
    report(summary)


@main.command("remove")
@store_options
@click.option(
    "--dry-run", is_flag=True, help="List the sources that would be removed; change nothing."
)
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@writes_stdout
def remove_command(
    location: str | None,
    update_url: str | None,
    graph_store_url: str | None,
    dry_run: bool,
    sources: tuple[str, ...],
) -> None:
    """Remove pages from the store: each source's named graph whole.

    SOURCE is a page's source as the store records it (its URL or name), or a path: a
    file, JSON-lines file or directory removes the pages that ingesting it stores, and
    any page once read from a file under it. A SOURCE that names no page in the store is
    an error, and then nothing is removed.
    """
    check_remote_options(location)
    try:
        store = open_store(location, read_only=True)  # a missing store: refused, not created
        if not dry_run:
            store.close()
            store = open_store(location, update_url=update_url, graph_store_url=graph_store_url)
        line = RemovalLine()
        try:
            removal = remove(
                store,
                sources,
                dry_run=dry_run,
                hold=signals_ignored,
                progress=line if sys.stderr.isatty() else None,
            )
        finally:
            line.finish()
            store.close()
    except SpeechldError as error:
        raise click.ClickException(str(error)) from error
    if dry_run:
        for source in removal.sources:
            click.echo(source)
        click.echo(f"would remove {counted(len(removal.sources), 'source')}", err=True)
        return
    pruned = counted(removal.pruned, "shared description")
    orphans = f", and {pruned} that no page names any more" if removal.pruned else ""
    click.echo(f"removed {counted(len(removal.sources), 'source')}{orphans}")


class RemovalLine:
    """A progress line on a terminal: how many of the pages are gone."""

    def __init__(self) -> None:
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        click.echo(f"\r{done:,} of {total:,} pages removed", nl=False, err=True)
        self.drawn = True

    def finish(self) -> None:
        """End the line, if one was drawn."""
        if self.drawn:
            click.echo(err=True)


def counted(count: int, noun: str) -> str:
    """A count and its noun, plural unless one.

    >>> counted(1, "source"), counted(3, "source")
    ('1 source', '3 sources')
    """
    return f"{count} {noun}{'s' * (count != 1)}"


@main.command("parse")
@base_option
@limit_option
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one JSON object per speech per line; text: a readable summary.",
)
@paths_argument
@writes_stdout
def parse_command(base: str | None, limit: int, output: str, paths: tuple[str, ...]) -> None:
    """Parse speech pages and print what was read; nothing is stored.

    PATH is a page file (.txt, .md), a JSON-lines file (.jsonl), a directory searched
    recursively, or - for standard input. Pages that are not speeches are reported on
    standard error as skipped; the exit status is 1 if any input failed.
    """
    from speechld.parse.output import json_line, summary
    from speechld.vocab import Minter

    mint = Minter(base or DEFAULT_BASE)
    counts = Counts()
    for item in speeches(paths, limit):
        counts.read += 1
        if isinstance(item, NotASpeech):
            counts.skipped += 1
            click.echo(f"skipped: {item}", err=True)
        elif isinstance(item, ParseError):
            counts.failed += 1
            click.echo(f"error: {item}", err=True)
        elif output == "json":
            click.echo(json_line(item, str(mint.speech(item.id))))
        else:
            click.echo(summary(item, str(mint.speech(item.id))) + "\n")
    click.echo(str(counts), err=True)
    if counts.failed:
        raise SystemExit(1)


def open_reader(location: str | None) -> GraphStore:
    """A store opened for reading; a click error if it cannot be."""
    try:
        return open_store(location, read_only=True)
    except SpeechldError as error:
        raise click.ClickException(str(error)) from error


@main.command("stats")
@store_option
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="One count a line, or one JSON object.",
)
@writes_stdout
def stats_command(location: str | None, output: str) -> None:
    """Count the speeches, persons, groups, triples and graphs in the store."""
    store = open_reader(location)
    try:
        counts = stats(store)
    except SpeechldError as error:
        raise click.ClickException(str(error)) from error
    finally:
        store.close()
    click.echo(json.dumps(counts.as_dict()) if output == "json" else str(counts))


RESULT_NAMES = [f.name for f in RESULT_FORMATS]
GRAPH_NAMES = [f.name for f in GRAPH_FORMATS]


@main.command("query")
@store_option
@click.option(
    "--format",
    "name",
    type=click.Choice(RESULT_NAMES + GRAPH_NAMES),
    default=None,
    help="Output format (default: tsv for SELECT/ASK, turtle for CONSTRUCT/DESCRIBE).",
)
@click.argument("sparql")
@writes_stdout
def query_command(location: str | None, name: str | None, sparql: str) -> None:
    """Run a SPARQL query on the store and print its result."""
    if not sparql.strip():
        raise click.ClickException("the query is empty")
    if is_update(sparql):
        raise click.ClickException(
            "this is a SPARQL Update; `speechld query` runs queries only (ingest changes the data)"
        )
    store = open_reader(location)
    held = Held(sys.stdout.buffer)
    try:
        write_result(store.query(sparql), name, cast(BinaryIO, held))
    except SpeechldError as error:
        raise click.ClickException(str(error)) from error
    finally:
        store.close()
    held.release()


class Held(io.RawIOBase):
    """An output that holds back the first HELD bytes until the writing ends well, so
    that a query failing part-way leaves nothing on the output, unless it is large."""

    HELD = 1 << 20

    def __init__(self, out: BinaryIO) -> None:
        super().__init__()
        self.out = out
        self.start: bytearray | None = bytearray()  # None once writing through

    def writable(self) -> bool:
        """Whether it takes writes: it does."""
        return True

    def write(self, data: Any) -> int:
        """Hold the data, or write it (and what was held) once past HELD bytes."""
        size = len(data)
        if self.start is not None:
            self.start += data
            if len(self.start) <= self.HELD:
                return size
            data, self.start = bytes(self.start), None
        self.out.write(data)  # a buffered output: all of it, or an error
        return size

    def flush(self) -> None:
        """Flush the output once writing through (the serialiser flushes as it goes)."""
        if self.start is None:
            self.out.flush()

    def release(self) -> None:
        """Write what is held, the writing having ended well, and flush the output."""
        if self.start:
            self.out.write(bytes(self.start))
            self.start = bytearray()
        self.out.flush()


def write_result(result: QueryResult, name: str | None, out: BinaryIO) -> None:
    """Write a query's result in the format named (else the default for its kind); Oxigraph
    evaluates the query as it writes, so a failure there is the query's."""
    try:
        graph = isinstance(result, QueryTriples | StreamedTriples)
        fmt = output_format(name, graph=graph)
        xml = fmt.results is QueryResultsFormat.XML or fmt.rdf is RdfFormat.RDF_XML
        target = cast(BinaryIO, XmlOut(out)) if xml else out
        if isinstance(result, QueryTriples | StreamedTriples):
            result.serialize(target, fmt.rdf)
        else:
            result.serialize(target, fmt.results)
            if isinstance(result, QueryBoolean):
                out.write(b"\n")  # Oxigraph ends an ASK result without one
        out.flush()
    except OSError as error:
        if error.errno is not None:
            raise  # writing the output failed, not the query (see writes_stdout)
        raise QueryError(f"the query failed: {error}") from error
    except SyntaxError as error:  # a remote store's answer, read as it is written
        raise StoreError(f"the store's answer is unreadable: {error}") from error
    except RuntimeError as error:  # Oxigraph's, for a SERVICE answer that is no result
        raise QueryError(f"the query failed: {error}") from error


# For a graph and for SELECT/ASK results: the default format, what a format of the other
# kind is for, what this kind is written as.
OUTPUTS = {
    True: ("turtle", "SELECT/ASK results", "a graph is", GRAPH_NAMES),
    False: ("tsv", "graphs", "SELECT/ASK results are", RESULT_NAMES),
}


def output_format(name: str | None, graph: bool) -> Format:
    """The format to write a graph (CONSTRUCT, DESCRIBE) or SELECT/ASK results in; a usage
    error if the format named is for the other kind."""
    default, other, this, names = OUTPUTS[graph]
    fmt = by_name(name or default)
    if (fmt.rdf if graph else fmt.results) is None:
        raise click.UsageError(
            f"--format {fmt.name} is for {other}; {this} written as " + ", ".join(names)
        )
    return fmt


def load_bundled(location: str, base: str | None, default_base: str) -> str:
    """Fill an empty store with the bundled speeches; the base to serve under."""
    try:
        reader = open_store(location, read_only=True)
    except StoreError:
        reader = None  # no store yet
    if reader is not None:
        try:
            if not reader.is_empty():
                return resolve_base(reader, base, default_base)
        finally:
            reader.close()
    store = open_store(location)
    try:
        base = resolve_base(store, base, default_base)
        if store.is_empty():
            with as_file(files("speechld.data")) as bundled:
                # by file name: the install path is no business of the published data
                summary = ingest(store, [], base, items=list(relative_pages(Path(bundled))))
            click.echo(f"empty store: loaded the bundled speeches ({summary})")
    finally:
        store.close()
    return base


def prepare(location: str, base: str | None, default_base: str, config: dict[str, Any]) -> str:
    """The base to serve under, the store filled if empty and the server's config checked."""
    from speechld.web import serving

    base = load_bundled(location, base, default_base)
    serving.check({**config, "BASE": base})
    return base


@main.command()
@store_options
@base_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port",
    default=5000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: one per CPU, at most 4).",
)
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(min=1),
    help="Threads per worker process.",
)
@click.option(
    "--query-timeout",
    type=click.FloatRange(min=0),
    cls=EnvOption,
    envvar="SPEECHLD_QUERY_TIMEOUT",
    metavar="SECONDS",
    help="Stop a SPARQL query after this long (default 30; 0: no limit).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=0),
    cls=EnvOption,
    envvar="SPEECHLD_MAX_ROWS",
    help="Cut SPARQL results after this many rows (default 10000; 0: no cap).",
)
@click.option(
    "--max-concurrent-queries",
    type=click.IntRange(min=0),
    cls=EnvOption,
    envvar="SPEECHLD_MAX_CONCURRENT_QUERIES",
    help="SPARQL queries run at once, one worker process each (default: 2 to 4 by CPUs).",
)
@click.option(
    "--max-query-size",
    type=click.IntRange(min=0),
    cls=EnvOption,
    envvar="SPEECHLD_MAX_QUERY_BYTES",
    metavar="BYTES",
    help="Refuse SPARQL requests larger than this (default 131072; 0: no limit).",
)
@click.option(
    "--query-memory",
    type=click.IntRange(min=0),
    cls=EnvOption,
    envvar="SPEECHLD_QUERY_MEMORY",
    metavar="MIB",
    help="Heap a SPARQL query's worker may take, per query (default 2048; 0: no bound).",
)
@click.option(
    "--service-allow",
    multiple=True,
    cls=EnvOption,
    envvar="SPEECHLD_SERVICE_ALLOW",
    metavar="URL",
    help="An endpoint SPARQL SERVICE may call (repeatable; default: none).",
)
@click.option(
    "--proxies",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Reverse proxies in front whose X-Forwarded-* headers to trust (0: none).",
)
@click.option(
    "--license",
    "license_uri",
    metavar="URL",
    cls=EnvOption,
    envvar="SPEECHLD_LICENSE",
    callback=web_iri,
    default=None,
    help="Licence of the dataset, stated in VoID (default: CC BY 4.0).",
)
@click.option(
    "--publisher",
    metavar="NAME",
    cls=EnvOption,
    envvar="SPEECHLD_PUBLISHER",
    default=None,
    help="Who publishes the dataset, stated in VoID and DCAT (default: none stated).",
)
@click.option(
    "--publisher-url",
    metavar="URL",
    cls=EnvOption,
    envvar="SPEECHLD_PUBLISHER_URL",
    callback=web_iri,
    default=None,
    help="The publisher's home page.",
)
@click.option(
    "--contact",
    metavar="EMAIL|URL",
    cls=EnvOption,
    envvar="SPEECHLD_CONTACT",
    callback=contact_iri,
    default=None,
    help="Whom to ask about the dataset: an email address or a URL (DCAT contact point).",
)
@click.option("--access-log/--no-access-log", default=True, help="Log every request to stderr.")
def serve(
    location: str | None,
    update_url: str | None,
    graph_store_url: str | None,
    base: str | None,
    host: str,
    port: int,
    workers: int | None,
    threads: int,
    query_timeout: float | None,
    max_rows: int | None,
    max_concurrent_queries: int | None,
    max_query_size: int | None,
    query_memory: int | None,
    service_allow: tuple[str, ...],
    proxies: int,
    license_uri: str | None,
    publisher: str | None,
    publisher_url: str | None,
    contact: str | None,
    access_log: bool,
) -> None:
    """Serve the store as Linked Data; an empty store first gets the bundled speeches."""
    from speechld.sparql.limits import limits
    from speechld.web import serving

    check_remote_options(location)
    try:
        address = serving.listening_address(host, port)
    except SpeechldError as error:
        raise click.ClickException(str(error)) from error
    where = f"http://{serving.url_host(host)}:{port}/"  # the default base, and what is said
    location = location or default_location()
    workers = workers or min(4, os.cpu_count() or 1)
    for variable, url in (
        ("SPEECHLD_UPDATE_URL", update_url),
        ("SPEECHLD_GRAPH_STORE_URL", graph_store_url),
    ):
        if url:  # for the processes that load the bundled speeches or read the store
            os.environ[variable] = url
    try:
        config: dict[str, object] = {
            "STORE": location,
            "PROXIES": proxies,
            "WORKERS": workers,
            "THREADS": threads,  # of each worker, one of which SPARQL queries leave free
            "SPARQL_TIMEOUT": query_timeout,
            "SPARQL_MAX_ROWS": max_rows,
            "SPARQL_MAX_CONCURRENT": serving.share(
                limits({"max_concurrent": max_concurrent_queries}).workers, workers
            ),
            "SPARQL_MAX_QUERY_BYTES": max_query_size,
            "SPARQL_QUERY_MEMORY": limits({"memory": query_memory}).memory,
            "SPARQL_SERVICE_ALLOW": list(service_allow) or None,
        }
        if license_uri:
            config["LICENSE"] = license_uri
        if publisher_url and not publisher:
            raise click.UsageError("--publisher-url needs --publisher, the publisher's name")
        config.update(PUBLISHER=publisher, PUBLISHER_URL=publisher_url, CONTACT=contact)
        # In a process of its own: the server's main process, which its workers are forked
        # from, never holds the store or what reading it took.
        base = config["BASE"] = in_child(prepare, location, base, where, config)
    except SpeechldError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"speechld serving {location} at {where} (URIs under {base}; "
        f"{workers} worker{'s' if workers > 1 else ''} of {threads} threads)"
    )
    if (warning := serving.unserved_base(base, host, port)) is not None:
        click.echo(f"warning: {warning}", err=True)
    if not is_remote(location.strip()) and location != ":memory:":
        location = config["STORE"] = str(Path(location).absolute())  # served from elsewhere
    os.environ.setdefault("SPEECHLD_STORE", location)
    serving.serve(
        config, host=address, port=port, workers=workers, threads=threads, access_log=access_log
    )


OTHER_COMPRESSIONS = (".bz2", ".xz", ".zst", ".zip", ".lz4", ".br")


def gzip_or_plain(ctx: click.Context, param: click.Parameter, output: Path | None) -> Path | None:
    """A dump's file name, refused if it names a compression other than gzip: the file
    would be written plain under a name that says otherwise."""
    if output is not None and output.suffix.lower() in OTHER_COMPRESSIONS:
        raise click.BadParameter(
            f"{output.name}: dumps are written plain or gzipped; name the file .gz or without "
            "a compression suffix"
        )
    return output


@main.command("dump")
@store_option
@click.option(
    "--format",
    "format_name",
    type=click.Choice([f.name for f in DUMP_FORMATS]),
    default="nquads",
    show_default=True,
    help="Dump format; N-Quads keeps the named graphs.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True, path_type=Path),
    default=None,
    callback=gzip_or_plain,
    help="File to write, gzipped if its name ends in .gz (default, or -: standard output).",
)
def dump_command(location: str | None, format_name: str, output: Path | None) -> None:
    """Write the whole dataset in one RDF format, streamed from the store."""
    fmt = by_name(format_name)
    with terminate_as_exit():
        try:
            store = open_store(location, read_only=True)
            try:
                if output is None or str(output) == "-":
                    write(dump(store, fmt), sys.stdout.buffer)
                else:
                    chunks = dump(store, fmt, compress=output.name.endswith(".gz"))
                    size = write_file(chunks, output)
                    click.echo(f"wrote {size:,} bytes of {fmt.title} to {output}", err=True)
            finally:
                store.close()
        except SpeechldError as error:
            raise click.ClickException(str(error)) from error


def signals_ignored() -> contextlib.AbstractContextManager[None]:
    """Ignore Ctrl-C and SIGTERM while the block runs: writes that have begun end whole."""
    return stop_signals_handled(signal.SIG_IGN)


@contextlib.contextmanager
def terminate_as_exit() -> Iterator[None]:
    """Have SIGTERM end the command as Ctrl-C does, cleaning up on the way (exit status 143)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may handle signals
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
