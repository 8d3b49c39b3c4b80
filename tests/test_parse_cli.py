"""`speechld parse` and the inputs of `speechld ingest`, run as the commands a user runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from speechld.parse.output import KEYS

from .paths import ROOT, SEED

CORPUS = ROOT / "data" / "pages.jsonl"


def speechld(
    *args: str, stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the speechld command; its output as text."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SPEECHLD_")}
    return subprocess.run(
        [sys.executable, "-m", "speechld", *args],
        input=stdin.decode("utf-8", "surrogateescape"),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**environment, **(env or {})},
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def corpus_json() -> subprocess.CompletedProcess[str]:
    return speechld("parse", "--format", "json", str(CORPUS))


def test_json_lines_have_exactly_the_contract_keys(
    corpus_json: subprocess.CompletedProcess[str],
) -> None:
    assert corpus_json.returncode == 0, corpus_json.stderr
    objects = [json.loads(line) for line in corpus_json.stdout.splitlines()]
    assert len(objects) == 107
    assert all(tuple(obj) == KEYS for obj in objects)
    first = objects[0]
    assert first["uri"] == f"http://127.0.0.1:5000/id/speech/{first['id']}"
    assert (first["number"], first["speaker"], first["type"], first["party_group"]) == (
        306,
        "Irene Johansen",
        "reply",
        "social-democratic",
    )
    assert first["source"] == "https://norden.org/en/node/19737/printable/print"
    guests = [obj for obj in objects if obj["external_speaker"]]
    assert guests and all(obj["external_speaker"] is False for obj in objects if obj not in guests)
    functions = {obj["function"] for obj in objects} - {None}
    assert {"prime-minister", "minister"} <= functions, functions
    with_translation = next(obj for obj in objects if obj["translations"])
    assert set(with_translation["translations"][0]) == {"language", "text"}


def test_non_speeches_are_reported_as_skipped(
    corpus_json: subprocess.CompletedProcess[str],
) -> None:
    lines = corpus_json.stderr.splitlines()
    skipped = [line for line in lines if line.startswith("skipped: ")]
    assert len(skipped) == 23
    assert f"skipped: {CORPUS}:12 (https://www.norden.org/da/protocol/21455): not a speech" in (
        "\n".join(skipped)
    )
    assert lines[-1] == "130 read, 23 skipped, 0 failed"


def test_base_from_option_and_environment() -> None:
    by_option = speechld("parse", "--format", "json", "--base", "https://lod.example/x", str(SEED))
    by_env = speechld("parse", "--format", "json", str(SEED), env={"SPEECHLD_BASE": "https://e/"})
    speech = json.loads(by_option.stdout)
    assert speech["uri"] == f"https://lod.example/x/id/speech/{speech['id']}"
    assert json.loads(by_env.stdout)["uri"] == f"https://e/id/speech/{speech['id']}"
    assert speech["date"] == "2012-10-31T18:58:00"
    assert speech["source"] == SEED.resolve().as_uri()


def test_bad_inputs_fail_one_by_one_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "dump.jsonl").write_text(
        '{"url": "https://x/1", "text": "Tak"\n' + CORPUS.read_text("utf-8").splitlines()[3] + "\n",
        encoding="utf-8",
    )
    (tmp_path / "lines.txt").write_text(CORPUS.read_text("utf-8").splitlines()[3] + "\n")
    saved = "<!-- saved -->\n<!DOCTYPE html>\n<html><h1>Anna Berg (Indlæg)</h1></html>"
    (tmp_path / "saved.txt").write_text(saved, encoding="utf-8")  # a browser's, not its text
    run = speechld("parse", "--format", "json", str(tmp_path), str(SEED), str(tmp_path / "no"))
    assert run.returncode == 1
    assert len(run.stdout.splitlines()) == 2
    errors = [line for line in run.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        f"error: {tmp_path / 'dump.jsonl'}:1: malformed JSON at column 37: Expecting ',' delimiter",
        f"error: {tmp_path / 'empty.txt'}: the file is empty",
        f"error: {tmp_path / 'lines.txt'}: the file holds JSON lines: name it .jsonl to read each "
        "line",
        f"error: {tmp_path / 'saved.txt'}: an HTML page: speechld reads a page's text or its "
        "export",
        f"error: {tmp_path / 'no'}: no such file or directory",
    ]
    assert run.stderr.splitlines()[-1] == "7 read, 0 skipped, 5 failed"


def test_standard_input_and_the_readable_summary() -> None:
    run = speechld("parse", "-", stdin=SEED.read_bytes())
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("211. Anna Ljunggren (Hovedindlæg)\n")
    assert "  group    social-democratic\n" in run.stdout
    assert "  function spokesperson\n" in run.stdout
    assert "  source   ni:///sha-256;" in run.stdout


def test_ingest_reads_the_same_inputs_and_counts_them(tmp_path: Path) -> None:
    lines = CORPUS.read_text("utf-8").splitlines()
    (tmp_path / "some.jsonl").write_text("\n".join([*lines[:6], "{oops"]), encoding="utf-8")
    run = speechld("ingest", "--store", str(tmp_path / "store"), str(tmp_path / "some.jsonl"))
    assert run.returncode == 1
    assert run.stdout.startswith("7 read, 3 stored, 3 skipped, 1 failed in ")
    assert sum(line.startswith("skipped: ") for line in run.stderr.splitlines()) == 3
    assert f"error: {tmp_path / 'some.jsonl'}:7: malformed JSON" in run.stderr


def test_a_line_whose_url_is_no_iri_fails_alone_in_parse_and_ingest(tmp_path: Path) -> None:
    lines = CORPUS.read_text("utf-8").splitlines()[:60]
    lines[50] = json.dumps({**json.loads(lines[50]), "url": "http://x/%zz"})
    source = tmp_path / "pages.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    error = f"""error: {source}:51: the "url" is not a valid IRI \
(Invalid IRI percent encoding '%zz'): 'http://x/%zz'"""
    parsed = speechld("parse", "--format", "json", str(source))
    assert parsed.returncode == 1
    assert [line for line in parsed.stderr.splitlines() if line.startswith("error:")] == [error]
    assert parsed.stderr.endswith(" failed\n") and "Traceback" not in parsed.stderr
    speeches = len(parsed.stdout.splitlines())

    store = tmp_path / "store"
    ingested = speechld("ingest", "--store", str(store), "--jobs", "1", str(source))
    assert ingested.returncode == 1
    assert [line for line in ingested.stderr.splitlines() if line.startswith("error:")] == [error]
    assert ingested.stdout.startswith(f"60 read, {speeches} stored, ")
    stats = json.loads(speechld("stats", "--store", str(store), "--format", "json").stdout)
    assert stats["speeches"] == speeches > 0


def test_an_empty_directory_or_a_pipe_named_as_a_file_fails_clearly(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    os.mkfifo(tmp_path / "pipe.jsonl")  # reading it would wait for a writer forever
    run = speechld("parse", str(tmp_path / "empty"), str(tmp_path / "pipe.jsonl"))
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        f"error: {tmp_path / 'empty'}: the directory holds no page files "
        "(.txt, .md or .jsonl, not hidden)",
        f"error: {tmp_path / 'pipe.jsonl'}: not a regular file",
        "2 read, 0 skipped, 2 failed",
    ]


@pytest.mark.parametrize("command", ["parse", "ingest"])
def test_a_closed_standard_input_is_an_error_naming_it(tmp_path: Path, command: str) -> None:
    options = ["--store", str(tmp_path / "store")] if command == "ingest" else []
    run = subprocess.run(
        [
            "sh",
            "-c",
            'exec "$@" <&-',
            "sh",
            sys.executable,
            "-m",
            "speechld",
            command,
            *options,
            "-",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1
    assert run.stderr.splitlines()[0] == "error: <stdin>: standard input is closed"
    assert "Traceback" not in run.stderr
