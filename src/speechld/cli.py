"""The speechld command line: thin click commands chaining the library calls."""

from __future__ import annotations

import os
import sys
from importlib.resources import as_file, files
from pathlib import Path

import click

from speechld.dump import dump, write, write_file
from speechld.errors import NotASpeech, ParseError, SpeechldError
from speechld.formats import DUMP_FORMATS, by_name
from speechld.ingest import Summary, ingest, resolve_base
from speechld.inputs import DEFAULT_LIMIT, Counts, speeches
from speechld.store import default_location, open_store

DEFAULT_BASE = "http://127.0.0.1:5000/"

store_option = click.option(
    "--store",
    "location",
    metavar="PATH",
    envvar="SPEECHLD_STORE",
    default=None,
    help="Store location (default: SPEECHLD_STORE, else the per-user data directory).",
)
base_option = click.option(
    "--base",
    metavar="URL",
    envvar="SPEECHLD_BASE",
    default=None,
    help="Base of the minted URIs (default: SPEECHLD_BASE, else the server's own address).",
)

limit_option = click.option(
    "--max-page-size",
    "limit",
    metavar="BYTES",
    envvar="SPEECHLD_MAX_PAGE_SIZE",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="Largest page (or JSON line) read; a larger one is a failed input.",
)
paths_argument = click.argument("paths", nargs=-1, required=True, metavar="PATH...")


@click.group()
@click.version_option(package_name="speechld")
def main() -> None:
    """speechld: Nordic Council plenary speeches as Linked Open Data."""


def report(summary: Summary) -> None:
    """Print an ingest's skips, failures and summary; fail the command if any input failed."""
    for message in summary.skips:
        click.echo(f"skipped: {message}", err=True)
    for message in summary.failed:
        click.echo(f"error: {message}", err=True)
    click.echo(str(summary))
    if summary.failed:
        raise SystemExit(1)


@main.command("ingest")
@store_option
@base_option
@limit_option
@paths_argument
def ingest_command(
    location: str | None, base: str | None, limit: int, paths: tuple[str, ...]
) -> None:
    """Parse speech pages and store them as RDF, one named graph per page.

    PATH is a page file (.txt, .md), a JSON-lines file (.jsonl), a directory searched
    recursively, or - for standard input.
    """
    try:
        store = open_store(location)
        summary = ingest(store, paths, resolve_base(store, base, DEFAULT_BASE), limit)
        store.close()
    except SpeechldError as error:
        raise click.ClickException(str(error)) from error
    report(summary)


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


@main.command()
@store_option
@base_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads.")
@click.option(
    "--query-timeout",
    type=click.FloatRange(min=0),
    envvar="SPEECHLD_QUERY_TIMEOUT",
    metavar="SECONDS",
    help="Stop a SPARQL query after this long (default 30; 0: no limit).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=0),
    envvar="SPEECHLD_MAX_ROWS",
    help="Cut SPARQL results after this many rows (default 10000; 0: no cap).",
)
@click.option(
    "--max-concurrent-queries",
    type=click.IntRange(min=0),
    envvar="SPEECHLD_MAX_CONCURRENT_QUERIES",
    help="SPARQL queries run at once, one worker process each (default: 2 to 4 by CPUs).",
)
@click.option(
    "--max-query-size",
    type=click.IntRange(min=0),
    envvar="SPEECHLD_MAX_QUERY_BYTES",
    metavar="BYTES",
    help="Refuse SPARQL requests larger than this (default 131072; 0: no limit).",
)
@click.option(
    "--service-allow",
    multiple=True,
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
    envvar="SPEECHLD_LICENSE",
    default=None,
    help="Licence of the dataset, stated in VoID (default: CC BY 4.0).",
)
@click.option("--access-log/--no-access-log", default=True, help="Log every request to stderr.")
def serve(
    location: str | None,
    base: str | None,
    host: str,
    port: int,
    threads: int,
    query_timeout: float | None,
    max_rows: int | None,
    max_concurrent_queries: int | None,
    max_query_size: int | None,
    service_allow: tuple[str, ...],
    proxies: int,
    license_uri: str | None,
    access_log: bool,
) -> None:
    """Serve the store as Linked Data; an empty store first gets the bundled speeches."""
    import waitress

    from speechld.web import create_app, sparql
    from speechld.web.access import AccessLog, access_logger
    from speechld.web.pages import warm_up

    location = location or default_location()
    try:
        store = open_store(location)
        base = resolve_base(store, base, f"http://{host}:{port}/")
        if store.is_empty():
            with as_file(files("speechld.data")) as bundled:
                summary = ingest(store, [Path(bundled)], base)
            click.echo(f"empty store: loaded the bundled speeches ({summary})")
        store.close()
        del store
        config: dict[str, object] = {
            "STORE": location,
            "BASE": base,
            "PROXIES": proxies,
            "SPARQL_TIMEOUT": query_timeout,
            "SPARQL_MAX_ROWS": max_rows,
            "SPARQL_MAX_CONCURRENT": max_concurrent_queries,
            "SPARQL_MAX_QUERY_BYTES": max_query_size,
            "SPARQL_SERVICE_ALLOW": service_allow or None,
        }
        if license_uri:
            config["LICENSE"] = license_uri
        app = create_app(config)
        with app.test_request_context(base_url=base):
            warm_up()
        sparql.warm(app)
    except SpeechldError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"speechld serving {location} at http://{host}:{port}/ (URIs under {base})")
    os.environ.setdefault("SPEECHLD_STORE", location)
    wsgi = AccessLog(app.wsgi_app, access_logger()) if access_log else app.wsgi_app
    waitress.serve(wsgi, host=host, port=port, threads=threads, ident="speechld")


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
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="File to write, gzipped if its name ends in .gz (default: standard output).",
)
def dump_command(location: str | None, format_name: str, output: Path | None) -> None:
    """Write the whole dataset in one RDF format, streamed from the store."""
    fmt = by_name(format_name)
    try:
        store = open_store(location, read_only=True)
        try:
            if output is None:
                write(dump(store, fmt), sys.stdout.buffer)
            else:
                chunks = dump(store, fmt, compress=output.name.endswith(".gz"))
                size = write_file(chunks, output)
                click.echo(f"wrote {size:,} bytes of {fmt.title} to {output}", err=True)
        finally:
            store.close()
    except (SpeechldError, OSError) as error:
        raise click.ClickException(str(error)) from error
