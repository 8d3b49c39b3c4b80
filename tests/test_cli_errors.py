"""Bad input to the commands: a clear one-line error naming the input and the cause, no
traceback, nothing stored."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from speechld.cli import main

from .paths import SEED

BAD_BASES = [
    "relative/path/",
    "http://exa mple.org/a b/",
    'http://example.org/"x/',
    "http://example.org/a#",
    "http://example.org/a?x=1",
    "ftp://example.org/",
    "http:///no-host/",
]


def speechld(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the speechld command in a process of its own, bounded in time."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SPEECHLD_")}
    return subprocess.run(
        [sys.executable, "-m", "speechld", *args],
        capture_output=True,
        text=True,
        env={**environment, **(env or {})},
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


@pytest.mark.parametrize("base", ["https://example.org/nc", "http://127.0.0.1:5000/", "HTTP://a/"])
def test_good_bases_are_taken(base: str) -> None:
    result = CliRunner().invoke(main, ["parse", "--format", "json", "--base", base, str(SEED)])
    assert result.exit_code == 0, result.output
    assert f'"uri": "{base.rstrip("/")}/id/speech/' in result.stdout
