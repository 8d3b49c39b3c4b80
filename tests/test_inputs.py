"""Reading inputs: encodings, bad files, size limits, JSON lines, directories, standard input."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import os
import pickle
import tempfile
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest

from speechld.errors import NotASpeech, ParseError
from speechld.inputs import Page, decode, read_inputs, read_jsonl, speeches
from speechld.parse import parse_page
from speechld.record import Speech

from .paths import SEED

PAGE = "Stefan Löfven (Replik)\n\nSpeech number\n19\n\nTrevligt att få ett replikskifte med Martin."
NON_SPEECH = "Færøerne ansøger om medlemskab i Nordisk Råd\n\nPå baggrund af en koalitionsaftale."


def pages(items: list[Page | ParseError]) -> list[str]:
    return [item.text for item in items if isinstance(item, Page)]


def errors(items: list[Page | ParseError]) -> list[str]:
    return [str(item) for item in items if isinstance(item, ParseError)]


@pytest.mark.parametrize(
    "data",
    [
        PAGE.encode("utf-8"),
        b"\xef\xbb\xbf" + PAGE.encode("utf-8"),
        PAGE.encode("utf-16"),
        b"\xfe\xff" + PAGE.encode("utf-16-be"),
        PAGE.encode("latin-1"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "latin-1"],
)
def test_decodes_the_encodings_of_real_pages(data: bytes) -> None:
    assert decode(data) == PAGE


def test_latin_1_is_read_as_windows_1252() -> None:
    assert (
        decode(b"\x93Tak\x94 \x96 sagde pr\xe6sidenten")
        == "\u201cTak\u201d \u2013 sagde præsidenten"
    )


@pytest.mark.parametrize(
    ("data", "cause"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
        (b"Tak\x00 for ordet", "binary content"),
        (b"Tak \x1b[31m for ordet", r"control character U\+001B"),
        (b"\xff\xfeT\x00a\x00k", "not valid UTF-16"),
        (b"\xef\xbb\xbfTak \xe6", "not valid UTF-8"),
        (b"Tak \x81\x8d\x90", r"neither UTF-8 nor Windows-1252 .*, byte 0x81 at offset 4"),
        (gzip.compress(b"# Ann Berg (Replik)"), "a gzip file: pages are read uncompressed"),
        (bz2.compress(b"# Ann Berg (Replik)"), "a bzip2 file"),
        ("Tak".encode("utf-32"), "UTF-32 text: pages are read in UTF-8 or UTF-16"),
        (b"  \n\t\n", "empty"),
    ],
)
def test_undecodable_and_binary_bytes_are_errors(data: bytes, cause: str) -> None:
    with pytest.raises(ValueError, match=cause):
        decode(data)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf_16_without_a_byte_order_mark_is_named_as_such(encoding: str) -> None:
    for text in [PAGE, SEED.read_text(encoding="utf-8"), "Tak for ordet."]:
        with pytest.raises(ValueError, match=r"^undecodable bytes: looks like UTF-16 without a "):
            decode(text.encode(encoding))


def test_bytes_not_utf_8_after_utf_8_are_an_error_not_latin_1() -> None:
    data = "Tak, hr. præsident.\n".encode() + "Næste taler: Løkke.".encode("latin-1")
    with pytest.raises(ValueError, match=r"not valid UTF-8 at byte offset 22, after valid UTF"):
        decode(data)


def test_utf_8_after_a_byte_not_utf_8_is_an_error_not_latin_1() -> None:
    # the seed page with its title's "æ" alone in Latin-1: read as Latin-1 whole, its other
    # letters would be stored garbled, as another speech
    text = SEED.read_text(encoding="utf-8")
    at = text.index("æ")
    data = text[:at].encode() + "æ".encode("latin-1") + text[at + 1 :].encode()
    assert data[:at].isascii()
    with pytest.raises(ValueError, match=rf"not valid UTF-8 at byte offset {at}, with UTF-8 text"):
        decode(data)
    # an accented capital before a guillemet or a no-break space is Windows-1252 still
    latin = "Dette er «STORTINGETS SØ» osv.\xa0ÆØÅ æøå \u2013 ÄÖ\u2019s".encode("cp1252")
    assert decode(latin) == latin.decode("cp1252")


def test_a_bad_file_is_one_error_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.md").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "d.txt").write_bytes(PAGE.encode("utf-16"))
    items = list(
        read_inputs(
            [
                tmp_path / "a.txt",
                tmp_path / "b.txt",
                tmp_path / "missing.txt",
                tmp_path / "c.md",
                tmp_path / "d.txt",
            ]
        )
    )
    assert pages(items) == [PAGE, PAGE]
    assert errors(items) == [
        f"{tmp_path / 'b.txt'}: the file is empty",
        f"{tmp_path / 'missing.txt'}: no such file or directory",
        f"{tmp_path / 'c.md'}: binary content (control character U+0000)",
    ]


def test_size_limit_per_page_and_per_json_line(tmp_path: Path) -> None:
    big = (PAGE + "x" * 200).encode("utf-8")
    (tmp_path / "big.txt").write_bytes(big)
    lines = [
        json.dumps({"url": "https://x/1", "text": PAGE + "x" * 200}),
        json.dumps({"url": "https://x/2", "text": PAGE}),
    ]
    (tmp_path / "pages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_inputs([tmp_path / "big.txt", tmp_path / "pages.jsonl"], limit=150))
    assert errors(items) == [
        f"{tmp_path / 'big.txt'}: the page is over the size limit ({len(big)} > 150 bytes)",
        f"{tmp_path / 'pages.jsonl'}:1: the line is over the size limit (150 bytes)",
    ]
    assert [item.source for item in items if isinstance(item, Page)] == ["https://x/2"]


def test_json_lines_errors_name_file_and_line(tmp_path: Path) -> None:
    good = json.dumps({"url": "https://www.norden.org/sv/node/39732", "text": PAGE})
    content = "\n".join(
        [
            good,
            "",
            '{"url": "https://x/2", "text": "Tak',
            "[1, 2]",
            json.dumps({"text": PAGE}),
            json.dumps({"url": "https://x/5", "text": 7}),
            json.dumps({"url": "https://x/6", "text": "Tak\u0000"}),
            json.dumps({"url": "https://x/7", "text": "\ud800"}),
            good,
            json.dumps({"url": "Theresa May", "text": PAGE}),
        ]
    ).encode("utf-8")
    path = tmp_path / "dump.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + content + b"\n\xff\xfe\n")
    items = list(read_inputs([path]))
    assert [item.origin for item in items if isinstance(item, Page)] == [f"{path}:1", f"{path}:9"]
    assert errors(items) == [
        f"{path}:3: malformed JSON at column 32: an unterminated string",
        f'{path}:4: the line is not a JSON object {{"url", "text"}}',
        f'{path}:5: the object has no "url" string',
        f'{path}:6: the object has no "text" string: it is a number',
        f"{path}:7: binary content (control character U+0000)",
        f"{path}:8: invalid Unicode (a lone surrogate)",
        f"{path}:10: the \"url\" is not an absolute URL: 'Theresa May'",
        f"{path}:11: the line is not valid UTF-8",
    ]


@pytest.mark.parametrize(
    ("url", "cause"),
    [
        ("http://x/%zz", "Invalid IRI percent encoding '%zz'"),
        ("http://x/a#b#c", "Invalid IRI code point '#'"),
        ("http://x:port/", "Invalid character 'p'"),
        ("http://[::1/a", "Invalid character '[' in host"),
        ("http://x/\ufffe", "Invalid IRI code point '\\ufffe'"),
    ],
)
def test_a_url_that_is_not_a_valid_iri_fails_its_line_alone(
    tmp_path: Path, url: str, cause: str
) -> None:
    path = tmp_path / "dump.jsonl"
    lines = [{"url": "https://x/1", "text": PAGE}, {"url": url, "text": PAGE}]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    items = list(read_inputs([path]))
    assert pages(items) == [PAGE]
    assert errors(items) == [f'{path}:2: the "url" is not a valid IRI ({cause}): {url!r}']


@pytest.mark.parametrize(
    ("line", "cause"),
    [
        ('{"url": "https://x/1", "text": "Tak for', "at column 32: an unterminated string"),
        ('{"url": "https://x/1", "text": "Tak\tfor"}', "at column 36: a control character not "),
        ('{"url": "https://x/1" "text": "Tak"}', "at column 23: Expecting ',' delimiter"),
    ],
)
def test_malformed_json_is_told_in_whole_phrases(line: str, cause: str) -> None:
    (error,) = errors(list(read_jsonl(io.BytesIO(line.encode()), "dump.jsonl", 1000)))
    assert error.startswith(f"dump.jsonl:1: malformed JSON {cause}")


def test_directories_are_read_recursively_in_order(tmp_path: Path) -> None:
    for name in ["b/2.md", "b/c/3.txt", "a/1.txt", ".hidden/4.txt", "a/notes.pdf", "a/.5.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(PAGE, encoding="utf-8")
    (tmp_path / "b" / "p.jsonl").write_text(json.dumps({"url": "https://x/", "text": PAGE}))
    items = list(read_inputs([tmp_path]))
    assert [item.origin for item in items if isinstance(item, Page)] == [
        str(tmp_path / "a" / "1.txt"),
        str(tmp_path / "b" / "2.md"),
        f"{tmp_path / 'b' / 'p.jsonl'}:1",
        str(tmp_path / "b" / "c" / "3.txt"),
    ]


def test_an_empty_or_blank_json_lines_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_bytes(b"\n  \r\n\t\n")
    items = list(read_inputs([tmp_path / "empty.jsonl", tmp_path / "blank.jsonl"]))
    assert errors(items) == [
        f"{tmp_path / 'empty.jsonl'}: the file is empty",
        f"{tmp_path / 'blank.jsonl'}: the file has only blank lines",
    ]


def test_a_directory_without_page_files_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "other" / ".hidden").mkdir(parents=True)
    (tmp_path / "other" / ".hidden" / "a.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "other" / "notes.pdf").write_text(PAGE, encoding="utf-8")
    items = list(read_inputs([tmp_path / "empty", tmp_path / "other"]))
    assert errors(items) == [
        f"{tmp_path / name}: the directory holds no page files (.txt, .md or .jsonl, not hidden)"
        for name in ["empty", "other"]
    ]


def test_page_file_suffixes_count_in_any_case(tmp_path: Path) -> None:
    (tmp_path / "A.TXT").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b.Md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "C.JSONL").write_text(json.dumps({"url": "https://x/", "text": PAGE}))
    items = list(read_inputs([tmp_path]))
    assert [item.origin for item in items if isinstance(item, Page)] == [
        str(tmp_path / "A.TXT"),
        f"{tmp_path / 'C.JSONL'}:1",
        str(tmp_path / "b.Md"),
    ]
    (line,) = read_inputs([tmp_path / "C.JSONL"])
    assert isinstance(line, Page) and line.origin == f"{tmp_path / 'C.JSONL'}:1"


def test_linked_directories_are_followed_but_not_round_a_loop(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "1.txt").write_text(PAGE, encoding="utf-8")
    top = tmp_path / "top"
    (top / "a").mkdir(parents=True)
    (top / "a" / "2.txt").write_text(PAGE, encoding="utf-8")
    (top / "a" / "back").symlink_to(top)  # a loop
    (top / "linked").symlink_to(tmp_path / "elsewhere")
    (top / "loop.txt").symlink_to(top / "loop.txt")
    items = list(read_inputs([top]))
    assert [item.origin for item in items if isinstance(item, Page)] == [
        str(top / "a" / "2.txt"),
        str(top / "linked" / "1.txt"),
    ]
    assert errors(items) == [
        f"{top / 'loop.txt'}: a symbolic link loop (too many levels of symbolic links)",
        f"{top / 'a' / 'back'}: a symbolic link loop (back to {top}): not followed",
    ]


def test_a_directory_linked_from_many_places_is_read_once(tmp_path: Path) -> None:
    # 14 levels, each linking twice to the next: 2 ** 14 ways to the page at the bottom
    levels = [tmp_path / f"level{i}" for i in range(15)]
    for level in levels:
        level.mkdir()
    (levels[-1] / "page.txt").write_text(PAGE, encoding="utf-8")
    for level, below in pairwise(levels):
        (level / "left").symlink_to(below)
        (level / "right").symlink_to(below)
    items = list(read_inputs([levels[0]]))
    assert [item.origin for item in items if isinstance(item, Page)] == [
        str(levels[0].joinpath(*["left"] * 14, "page.txt"))  # the first way, alone
    ]
    assert errors(items) == []


def test_a_url_given_as_an_input_says_pages_are_not_fetched() -> None:
    (error,) = errors(list(read_inputs(["https://www.norden.org/da/speech/90"])))
    assert error.startswith("https://www.norden.org/da/speech/90: a URL: pages are read from")


def test_a_link_loop_or_a_broken_link_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "broken.txt").symlink_to(tmp_path / "gone.txt")
    names = ["loop", "broken.txt", "missing.txt"]
    assert errors(list(read_inputs([tmp_path / name for name in names]))) == [
        f"{tmp_path / 'loop'}: a symbolic link loop (too many levels of symbolic links)",
        f"{tmp_path / 'broken.txt'}: a broken symbolic link (its target does not exist)",
        f"{tmp_path / 'missing.txt'}: no such file or directory",
    ]


NOBODY = 65534  # the unprivileged user and group of Debian and most Linux systems


def unprivileged(work: Callable[[], list[Page | ParseError]]) -> list[Page | ParseError]:
    """The result of `work`, run without root's power to read any directory."""
    if os.geteuid() != 0:
        return work()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child gives up root, does the work, sends the result back
        try:
            os.close(reader)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            with os.fdopen(writer, "wb") as out:
                pickle.dump(work(), out)
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as inp:
        data = inp.read()
    os.waitpid(pid, 0)
    result: list[Page | ParseError] = pickle.loads(data)
    return result


def test_an_unreadable_directory_is_one_error() -> None:
    with tempfile.TemporaryDirectory() as name:
        top = Path(name)
        top.chmod(0o755)  # readable by the unprivileged reader, but for `locked`
        (top / "open").mkdir()
        (top / "open" / "a.txt").write_text(PAGE, encoding="utf-8")
        (top / "open" / "a.txt").chmod(0o644)
        locked = top / "locked"
        locked.mkdir()
        locked.chmod(0)
        try:
            items = unprivileged(lambda: list(read_inputs([top])))
        finally:
            locked.chmod(0o755)
    assert pages(items) == [PAGE]
    assert errors(items) == [f"{locked}: cannot read: Permission denied"]


def test_file_sources_do_not_depend_on_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "speeches").mkdir()
    (tmp_path / "speeches" / "19.txt").write_text(PAGE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    [here] = read_inputs(["speeches/19.txt"])
    monkeypatch.chdir(tmp_path / "speeches")
    [there] = read_inputs(["19.txt"])
    assert isinstance(here, Page) and isinstance(there, Page)
    assert here.source == there.source == (tmp_path / "speeches" / "19.txt").resolve().as_uri()
    assert (here.origin, there.origin) == ("speeches/19.txt", "19.txt")


def test_standard_input_holds_one_page_or_json_lines() -> None:
    [page] = read_inputs(["-"], stdin=io.BytesIO(PAGE.encode("utf-16")))
    assert isinstance(page, Page) and page.text == PAGE and page.origin == "<stdin>"
    assert page.source.startswith("ni:///sha-256;")
    lines = b'\n{"url": "https://x/1", "text": "Tak."}\nnot json\n'
    items = list(read_inputs(["-"], stdin=io.BytesIO(lines)))
    assert isinstance(items[0], Page) and items[0].source == "https://x/1"
    assert errors(items) == ["<stdin>:3: malformed JSON at column 1: Expecting value"]
    [empty] = read_inputs(["-"], stdin=io.BytesIO(b""))
    assert str(empty) == "<stdin>: standard input is empty"


def test_json_lines_are_read_one_at_a_time() -> None:
    stream = io.BytesIO(
        b"".join(
            json.dumps({"url": f"https://x/{i}", "text": PAGE}).encode() + b"\n"
            for i in range(1000)
        )
    )
    pages_read = read_jsonl(stream, "dump.jsonl", 10_000)
    first = next(pages_read)
    assert isinstance(first, Page) and first.source == "https://x/0"
    assert stream.tell() < 200  # the rest is not read yet


def test_speeches_name_where_each_page_was_read(tmp_path: Path) -> None:
    lines = [
        json.dumps({"url": "https://x/speech", "text": PAGE}),
        json.dumps({"url": "https://x/news", "text": NON_SPEECH}),
        json.dumps({"url": "https://x/empty-title", "text": "Anna (Replik)\n\nDate\n"}),
    ]
    (tmp_path / "p.jsonl").write_text("\n".join(lines), encoding="utf-8")
    speech, news, bad, seed = list(speeches([tmp_path / "p.jsonl", SEED]))
    assert isinstance(speech, Speech) and speech.source == "https://x/speech"
    assert isinstance(news, NotASpeech)
    assert (
        str(news)
        == f"{tmp_path / 'p.jsonl'}:2 (https://x/news): not a speech page (looks like: other)"
    )
    assert isinstance(bad, ParseError) and not isinstance(bad, NotASpeech)
    assert (
        str(bad) == f"{tmp_path / 'p.jsonl'}:3 (https://x/empty-title): the page has no speech text"
    )
    assert isinstance(seed, Speech) and seed.source == SEED.resolve().as_uri()


def test_a_utf16_json_lines_file_is_one_error_saying_so(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    line = json.dumps({"url": "https://x/", "text": PAGE}, ensure_ascii=False) + "\n"
    path.write_text(line * 3, encoding="utf-16")
    assert errors(list(read_inputs([path]))) == [
        f"{path}: the file is UTF-16; JSON lines are UTF-8 (iconv -f UTF-16 -t UTF-8 converts it)"
    ]
    stdin = io.BytesIO(path.read_bytes())  # and so on standard input, which has no name
    assert errors(list(read_inputs(["-"], stdin=stdin))) == [
        "<stdin>: standard input is UTF-16; JSON lines are UTF-8 (iconv -f UTF-16 -t UTF-8 "
        "converts it)"
    ]


def test_a_broken_link_found_in_a_directory_is_called_so(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    assert errors(list(read_inputs([tmp_path]))) == [
        f"{tmp_path / 'gone.txt'}: a broken symbolic link (its target does not exist)"
    ]


def test_standard_input_named_twice_is_read_once() -> None:
    items = list(read_inputs(["-", "-"], stdin=io.BytesIO(PAGE.encode("utf-8"))))
    assert isinstance(items[0], Page)
    assert errors(items) == ["<stdin>: - is named twice: standard input is read once"]


def test_a_stray_control_character_is_text_and_the_parser_drops_it(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    (tmp_path / "bell.txt").write_text(text.replace("Menneskehandel", "Menneske\x07handel", 1))
    line = json.dumps({"url": "https://x/", "text": text.replace(" er ", " er\x85", 1)})
    (tmp_path / "pages.jsonl").write_text(line + "\n")
    pages = list(read_inputs([tmp_path / "bell.txt", tmp_path / "pages.jsonl"]))
    assert all(isinstance(page, Page) for page in pages)
    clean = parse_page(text, "x").text
    assert parse_page(pages[0].text, "x").text == clean  # type: ignore[union-attr]
    assert "\x85" not in parse_page(pages[1].text, "x").text  # type: ignore[union-attr]


def test_a_file_name_not_in_utf_8_is_named_with_its_byte_escaped(tmp_path: Path) -> None:
    odd = os.fsdecode(bytes(tmp_path) + b"/bad\xff.txt")  # as the shell passes it
    Path(odd).write_text("Nordic Council session 2023\n", encoding="utf-8")
    missing = os.fsdecode(bytes(tmp_path) + b"/gone\xff.txt")
    found = [str(item) for item in read_inputs([odd, missing]) if isinstance(item, ParseError)]
    assert found == [f"{tmp_path}/gone\\xff.txt: no such file or directory"]  # as remove says
    (skipped,) = [item for item in speeches([odd]) if isinstance(item, ParseError)]
    assert str(skipped).startswith(f"{tmp_path}/bad\\xff.txt: ")
