"""The speechld command line: thin click commands chaining the library calls."""

from __future__ import annotations

import os
import sys
from importlib.resources import as_file, files
from pathlib import Path

import click

from speechld.dump import dump, write, write_file
from speechld.errors import SpeechldError
from speechld.formats import DUMP_FORMATS, by_name
from speechld.ingest import Summary, ingest, resolve_base
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


@click.group()
@click.version_option(package_name="speechld")
def main() -> None:
    """speechld: Nordic Council plenary speeches as Linked Open Data."""


def report(summary: Summary) -> None:
    """Print an ingest's failures and summary; fail the command if any input failed."""
    for message in summary.failed:
        click.echo(f"error: {message}", err=True)
    click.echo(str(summary))
    if summary.failed:
        raise SystemExit(1)


@main.command("ingest")
@store_option
@base_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def ingest_command(location: str | None, base: str | None, paths: tuple[Path, ...]) -> None:
    """Parse speech pages and store them as RDF, one named graph per page."""
    try:
        store = open_store(location)
        summary = ingest(store, paths, resolve_base(store, base, DEFAULT_BASE))
        store.close()
    except SpeechldError as error:
        raise click.ClickException(str(error)) from error
    report(summary)


@main.command()
@store_option
@base_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads.")
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
    proxies: int,
    license_uri: str | None,
    access_log: bool,
) -> None:
    """Serve the store as Linked Data; an empty store first gets the bundled speeches."""
    import waitress

    from speechld.web import create_app
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
        config: dict[str, object] = {"STORE": location, "BASE": base, "PROXIES": proxies}
        if license_uri:
            config["LICENSE"] = license_uri
        app = create_app(config)
        with app.test_request_context(base_url=base):
            warm_up()
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
