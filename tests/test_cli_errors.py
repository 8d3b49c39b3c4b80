"""Bad input to the commands: a clear one-line error naming the input and the cause, no
traceback, nothing stored."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from speechld.cli import main

from .paths import ROOT, SEED

CORPUS = ROOT / "data" / "pages.jsonl"

BAD_BASES = [
    "relative/path/",
    "http://exa mple.org/a b/",
    'http://example.org/"x/',
    "http://example.org/a#",
    "http://example.org/a?x=1",
    "ftp://example.org/",
    "http:///no-host/",
]


def speechld(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the speechld command in a process of its own, bounded in time."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SPEECHLD_")}
    return subprocess.run(
        [sys.executable, "-m", "speechld", *args],
        capture_output=True,
        text=True,
        env={**environment, **(env or {})},
        cwd=cwd,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("base", BAD_BASES)
@pytest.mark.parametrize("command", ["ingest", "parse"])
def test_a_bad_base_is_refused_before_anything_is_read(
    tmp_path: Path, command: str, base: str
) -> None:
    store = tmp_path / "store"
    options = ["--store", str(store)] if command == "ingest" else []
    result = CliRunner().invoke(main, [command, *options, "--base", base, str(SEED)])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--base': must be an absolute http(s) IRI" in result.output
    assert f"not {base!r}" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not store.exists()


def test_a_bad_base_from_the_environment_says_so() -> None:
    done = speechld("parse", "--format", "json", str(SEED), env={"SPEECHLD_BASE": "http://a b/"})
    assert done.returncode == 2 and done.stdout == ""
    assert "not 'http://a b/' (from SPEECHLD_BASE)" in done.stderr


def test_serve_refuses_a_bad_base_before_starting(tmp_path: Path) -> None:
    store = tmp_path / "store"
    done = speechld("serve", "--store", str(store), "--base", "example.org/", "--port", "0")
    assert done.returncode == 2 and "not 'example.org/'" in done.stderr
    assert not store.exists()


@pytest.mark.parametrize("command", ["stats", "query", "ingest", "remove", "dump", "serve"])
@pytest.mark.parametrize("empty", ["", " "])
def test_an_empty_store_is_a_usage_error_not_the_default_store(
    tmp_path: Path, command: str, empty: str
) -> None:
    arguments = {"query": ["ASK {}"], "ingest": [str(SEED)], "remove": [str(SEED)]}
    home = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    done = speechld(command, "--store", empty, *arguments.get(command, []), env=home, cwd=tmp_path)
    assert done.returncode == 2 and "'--store': is empty" in done.stderr, done.stderr
    assert not (tmp_path / "data").exists() and not (tmp_path / " ").exists()


@pytest.mark.parametrize("reuse_port", [True, False])
def test_serve_refuses_a_port_another_server_listens_on(tmp_path: Path, reuse_port: bool) -> None:
    # Granian's own listeners take SO_REUSEPORT: a second one would share the port silently
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, int(reuse_port))
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        store = tmp_path / "store"
        done = speechld("serve", "--store", str(store), "--port", str(port))
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"cannot listen on 127.0.0.1 port {port}: Address already in use" in done.stderr
    assert not store.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--contact", "data at example.org"], "neither an email address nor an http(s) IRI"),
        (["--publisher-url", "example.org"], "'example.org' is not an absolute http(s) IRI"),
        (["--publisher-url", "https://example.org/"], "--publisher-url needs --publisher"),
        (["--port", "70000"], "70000 is not in the range 0<=x<=65535"),
    ],
)
def test_serve_refuses_a_publication_setting_it_cannot_state(
    tmp_path: Path, options: list[str], message: str
) -> None:
    store = tmp_path / "store"
    done = speechld("serve", "--store", str(store), "--port", "0", *options)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert not store.exists()


@pytest.mark.parametrize(
    ("base", "minted"),
    [
        ("https://example.org/nc", "https://example.org/nc"),
        ("http://127.0.0.1:5000/", "http://127.0.0.1:5000"),
        ("HTTP://a/", "http://a"),
        ("https://Data.Example.ORG/NC/", "https://data.example.org/NC"),  # one URI space
    ],
)
def test_good_bases_are_taken(base: str, minted: str) -> None:
    result = CliRunner().invoke(main, ["parse", "--format", "json", "--base", base, str(SEED)])
    assert result.exit_code == 0, result.output
    assert f'"uri": "{minted}/id/speech/' in result.stdout


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store holding the seed speech."""
    store = tmp_path_factory.mktemp("seeded") / "store"
    result = CliRunner().invoke(main, ["ingest", "--store", str(store), str(SEED)])
    assert result.exit_code == 0, result.output
    return store


def test_a_query_failing_as_its_result_is_written_is_one_error_line(seeded: Path) -> None:
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    done = speechld("query", "--store", str(seeded), service)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: the query failed: ") and "port 1" in done.stderr
    assert done.stderr.count("\n") == 1
    assert done.stdout == ""  # not the start of a result: a small one is held until whole


@pytest.mark.parametrize(
    "command",
    [
        ["query", "SELECT * WHERE { ?s ?p ?o }"],
        ["query", "CONSTRUCT WHERE { ?s ?p ?o }"],
        ["stats"],
        ["dump"],
        ["parse", str(SEED)],
        ["ingest", str(SEED)],
        ["remove", "--dry-run", str(SEED)],
    ],
)
def test_a_full_standard_output_is_one_error_line(seeded: Path, command: list[str]) -> None:
    store = [] if command[0] == "parse" else ["--store", str(seeded)]
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "speechld", *command[:1], *store, *command[1:]],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    error = "Error: no space left on device while writing standard output\n"
    assert done.stderr.endswith(error) and "Traceback" not in done.stderr, done.stderr


CROSS = "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c }"  # megabytes of rows: more than a pipe holds


@pytest.mark.parametrize(
    "command",
    [["query", "--store", "STORE", CROSS], ["parse", "--format", "json", str(CORPUS)]],
)
def test_a_reader_closing_the_pipe_ends_the_command_quietly(
    seeded: Path, command: list[str]
) -> None:
    args = [str(seeded) if arg == "STORE" else arg for arg in command]
    process = subprocess.Popen(
        [sys.executable, "-m", "speechld", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    try:
        assert process.stdout.read(100)
        process.stdout.close()  # as `| head` does
        assert process.wait(timeout=60) in {0, 1}
        errors = process.stderr.read().decode()
    finally:
        process.kill()
        process.stderr.close()
    assert "Traceback" not in errors and "Error" not in errors, errors


UPDATE_REFUSED = (
    "Error: this is a SPARQL Update; `speechld query` runs queries only (ingest changes the data)\n"
)


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR DEFAULT",
        "DROP ALL",
        "PREFIX a: <http://a/> WITH <http://g> DELETE { ?s a:p ?o } WHERE { ?s a:p ?o }",
    ],
)
@pytest.mark.parametrize("kind", ["embedded", "remote"])
def test_an_update_is_refused_by_query_on_every_store(seeded: Path, kind: str, update: str) -> None:
    store = str(seeded) if kind == "embedded" else "http://127.0.0.1:9/sparql"  # never reached
    before = CliRunner().invoke(main, ["stats", "--store", str(seeded)]).output
    result = CliRunner().invoke(main, ["query", "--store", store, update])
    assert result.exit_code == 1 and result.output == UPDATE_REFUSED
    assert CliRunner().invoke(main, ["stats", "--store", str(seeded)]).output == before


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "SELECT * WHERE { ?s ?p }",
            "Error: the query is not valid SPARQL: "
            'error at 1:25 (after "SELECT * WHERE { ?s ?p }"): ',
        ),
        ("SELEC *", "Error: the query is not valid SPARQL: error at 1:8: a query is SELECT, "),
        ("ASK { ?s <http://x/insert> ?o . FILTER(?o = 'DROP ALL') }", None),
        ("  ", "Error: the query is empty\n"),
    ],
)
def test_queries_and_their_syntax_errors_are_not_taken_for_updates(
    seeded: Path, query: str, message: str | None
) -> None:
    result = CliRunner().invoke(main, ["query", "--store", str(seeded), query])
    if message is None:
        assert result.exit_code == 0 and result.output == "false\n"
    else:
        assert result.exit_code == 1 and result.output.startswith(message), result.output
        assert result.output.count("\n") == 1  # one line, Oxigraph's list of ranges shortened


@pytest.mark.parametrize(
    "option",
    [
        ["parse", "--max-page-size", "9999999999999999999"],
        ["parse", "--max-page-size", "100000000000"],
        ["ingest", "--store", "STORE", "--jobs", "99999999999999999999"],
    ],
)
def test_a_number_past_what_can_be_used_is_a_usage_error(tmp_path: Path, option: list[str]) -> None:
    command = [part.replace("STORE", str(tmp_path / "store")) for part in option]
    done = subprocess.run(
        [sys.executable, "-m", "speechld", *command, str(SEED)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert (
        f"Invalid value for '{option[-2]}'" in done.stderr and "is not in the range" in done.stderr
    )
    assert not (tmp_path / "store").exists()


def reading_a_pipe(pid: int) -> bool:
    """Whether a process waits on a pipe (Linux: its wait channel says so)."""
    try:
        return "pipe" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False


@pytest.mark.parametrize("command", [["parse", "-"], ["remove", "--store", "STORE", "-"]])
def test_ctrl_c_ends_any_command_with_status_130(seeded: Path, command: list[str]) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "speechld", *(p.replace("STORE", str(seeded)) for p in command)],
        stdin=subprocess.PIPE,  # open, and nothing comes
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while not reading_a_pipe(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert err.endswith("speechld: interrupted\n") and "Aborted!" not in err, err


@pytest.mark.parametrize("command", ["ingest", "remove"])
def test_remote_endpoint_options_for_an_embedded_store_are_refused(
    tmp_path: Path, command: str
) -> None:
    store = tmp_path / "store"
    done = speechld(
        command, "--store", str(store), "--update-url", "http://127.0.0.1:1/update", str(SEED)
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"--update-url is for a remote store, but the store is {store}" in done.stderr
    assert not store.exists()
    # from the environment, as for every command of a session, they wait for a remote store
    done = speechld(
        "ingest", "--store", str(store), str(SEED), env={"SPEECHLD_UPDATE_URL": "http://x/u"}
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("variable", "value", "command"),
    [
        ("SPEECHLD_MAX_PAGE_SIZE", "foo", ["parse", str(SEED)]),
        ("SPEECHLD_MAX_ROWS", "-1", ["serve", "--store", "STORE", "--port", "0"]),
        ("SPEECHLD_QUERY_TIMEOUT", "soon", ["serve", "--store", "STORE", "--port", "0"]),
        ("SPEECHLD_LICENSE", "CC BY", ["serve", "--store", "STORE", "--port", "0"]),
        ("SPEECHLD_CONTACT", "nobody", ["serve", "--store", "STORE", "--port", "0"]),
    ],
)
def test_a_bad_value_from_the_environment_names_its_variable(
    tmp_path: Path, variable: str, value: str, command: list[str]
) -> None:
    store = tmp_path / "store"
    done = speechld(*(p.replace("STORE", str(store)) for p in command), env={variable: value})
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert f"(from {variable})" in done.stderr
    assert not store.exists()
