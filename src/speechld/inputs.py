"""Reading inputs one page at a time: files, directories, JSON-lines dumps and standard input.

Every bad input becomes a ParseError that names it (file, and line for JSON lines) and
the cause, yielded in its place, so a batch goes on; nothing holds more than one page.
"""

from __future__ import annotations

import base64
import codecs
import errno
import hashlib
import io
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from pyoxigraph import NamedNode

from speechld.errors import NotASpeech, ParseError
from speechld.record import Speech
from speechld.vocab import normal_url

DEFAULT_LIMIT = 1_000_000  # bytes of one page (or one JSON line)
MAX_LIMIT = 1 << 30  # the largest limit taken: a read buffer of that size is set aside
PAGE_SUFFIXES = frozenset({".txt", ".md"})
JSONL_SUFFIX = ".jsonl"
STDIN = "-"
STDIN_NAME = "<stdin>"
# C0 and C1 control characters other than tab, line feed, vertical tab, form feed, CR;
# and lone surrogates (which JSON escapes can make): one search finds either.
UNFIT = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# UTF-8 of a Latin-1 letter or sign, or of typographic punctuation: read as Windows-1252,
# the mojibake of "Ã¦" or "â€™", which Nordic text in that encoding hardly ever holds
# (an accented capital before "»" or a non-breaking space, say, it may).
UTF8_SEQUENCE = re.compile(rb"[\xc2\xc3][\x80-\xbf]|\xe2[\x80-\x84][\x80-\xbf]")
# A URL given where a file is expected: pages are read from files, never fetched.
URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
NOT_FETCHED = (
    "a URL: pages are read from files, not fetched (save the page to a file, or give its "
    'text in a JSON-lines file with its "url")'
)
# The magic numbers of compressed files people may name as inputs, by their first bytes.
COMPRESSED = {b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"PK\x03": "zip", b"\xfd7z": "xz"}
# An absolute IRI as RDF takes it: a scheme, then no spaces, quotes or angle brackets.
ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")

# The json module's messages that end "... at" (a position), as whole phrases.
JSON_ERRORS = {
    "Unterminated string starting at": "an unterminated string",
    "Invalid control character at": "a control character not escaped in a string",
}


class LineSource(Protocol):
    """Anything that gives lines of bytes, at most size bytes at a time."""

    def readline(self, size: int = -1, /) -> bytes:
        """The next line."""
        ...


@dataclass(frozen=True, slots=True)
class Page:
    """One page read: its source (a URL or a stable file identity), text, and where it was read."""

    source: str
    text: str
    origin: str

    @property
    def where(self) -> str:
        """The page for messages: where it was read, and its URL if it has one of its own."""
        if self.source.startswith(("file:", "ni:")):
            return self.origin
        return f"{self.origin} ({self.source})"


@dataclass(frozen=True, slots=True)
class Line:
    """One JSON line read but not yet decoded, so that another process can decode it."""

    raw: bytes
    origin: str

    @property
    def where(self) -> str:
        """The line for messages: file and line number."""
        return self.origin

    def page(self) -> Page | ParseError:
        """The line's page, or the error that names the line and the cause."""
        return page_of_line(self.raw, self.origin)


Item = Page | Line | ParseError  # what the readers yield before JSON lines are decoded


def decoded(item: Item) -> Page | ParseError:
    """The page (or error) of an item, its JSON decoded if it is a line."""
    return item.page() if isinstance(item, Line) else item


@dataclass
class Counts:
    """How many pages a batch read, skipped (not speeches) and failed on."""

    read: int = 0
    skipped: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"{self.read} read, {self.skipped} skipped, {self.failed} failed"


def printable(text: str) -> str:
    """The text with the characters that do not print (controls, noncharacters) escaped.

    >>> printable("Invalid IRI code point '\\ufffe'")
    "Invalid IRI code point '\\\\ufffe'"
    """
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def check_text(text: str) -> str:
    """The text of a page if it is one: not empty, valid Unicode, not binary (a NUL, or
    control characters in more than one character in a hundred); a stray control
    character is text still, which the parser drops.

    >>> check_text("Tak for ordet, fru præsident. " * 4 + "\\x07")[-1]
    '\\x07'
    >>> check_text("PK\\x03\\x04")
    Traceback (most recent call last):
    ValueError: binary content (control character U+0003)
    """
    if not text or text.isspace():
        raise ValueError("the page is empty")
    # Printable characters and line feeds alone (every unfit one is unprintable), in C.
    if text.replace("\n", " ").isprintable() or UNFIT.search(text) is None:
        return text
    unfit = UNFIT.findall(text)
    if any("\ud800" <= ch <= "\udfff" for ch in unfit):
        raise ValueError("invalid Unicode (a lone surrogate)")
    if "\x00" in unfit or len(unfit) * 100 > len(text):
        raise ValueError(f"binary content (control character U+{ord(unfit[0]):04X})")
    return text


def decode(data: bytes) -> str:
    """The text of a page's bytes: UTF-8 (BOM or not), UTF-16 with a BOM, else Latin-1.

    Latin-1 is read as Windows-1252, its superset that the web uses for the name.
    Bytes that are none of these, or text with control characters, are an error.

    >>> decode("Tak for ordet".encode("utf-16")), decode(b"Tak for ordet, hr. pr\\xe6sident")
    ('Tak for ordet', 'Tak for ordet, hr. præsident')
    """
    if kind := COMPRESSED.get(data[:3]) or COMPRESSED.get(data[:2]):
        raise ValueError(f"a {kind} file: pages are read uncompressed (unpack it first)")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ValueError("UTF-32 text: pages are read in UTF-8 or UTF-16 (convert it)")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return check_text(with_bom(data, "utf-16", "UTF-16"))
    if data.startswith(codecs.BOM_UTF8):
        return check_text(with_bom(data, "utf-8-sig", "UTF-8"))
    if looks_like_utf16(data):
        raise ValueError("undecodable bytes: looks like UTF-16 without a byte order mark")
    return check_text(without_bom(data))


def with_bom(data: bytes, encoding: str, name: str) -> str:
    """The text of bytes that start with the byte order mark of an encoding."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ValueError(
            f"undecodable bytes: not valid {name} after its byte order mark"
        ) from error


def without_bom(data: bytes) -> str:
    r"""The text of bytes without a byte order mark: UTF-8, else Latin-1 (as Windows-1252),
    unless UTF-8 beyond ASCII comes before or after the first byte that is not UTF-8.

    >>> without_bom("Tak, hr. pr\xe6sident.".encode("cp1252"))
    'Tak, hr. præsident.'
    >>> without_bom(b"\xe6 \xc3\xa6")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: undecodable bytes: not valid UTF-8 at byte offset 0, with UTF-8 text at ...
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if b"\x00" in data:
            raise ValueError("binary content (NUL bytes)") from error
        if not data[: error.start].isascii():
            raise ValueError(
                f"undecodable bytes: not valid UTF-8 at byte offset {error.start}, "
                "after valid UTF-8 text (mixed encodings?)"
            ) from error
        later = UTF8_SEQUENCE.search(data, error.end)
        if later is not None:
            raise ValueError(
                f"undecodable bytes: not valid UTF-8 at byte offset {error.start}, with UTF-8 "
                f"text at byte offset {later.start()} (mixed encodings?)"
            ) from error
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as other:
            raise ValueError(
                f"undecodable bytes: neither UTF-8 nor Windows-1252 (Latin-1 as the web writes "
                f"it), byte 0x{data[other.start]:02X} at offset {other.start}"
            ) from error


def looks_like_utf16(data: bytes) -> bool:
    """Whether bytes look like mostly-ASCII text in UTF-16 without a byte order mark: a
    NUL at most even or most odd positions, and hardly any at the others.

    >>> looks_like_utf16("Tak for ordet".encode("utf-16-le")), looks_like_utf16(b"Tak\\x00")
    (True, False)
    """
    half = len(data) // 2
    fewer, more = sorted((data[0::2].count(0), data[1::2].count(0)))
    return half >= 2 and more >= 0.6 * half and fewer <= 0.01 * half


def content_uri(data: bytes) -> str:
    """An RFC 6920 `ni:` URI naming bytes by their SHA-256: the source of a page without a name.

    >>> content_uri(b"Tak.")
    'ni:///sha-256;UTsBo7sj3_jSk-oOvYc-56NVqXJalOcnXRa5uPcBH3c'
    """
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"ni:///sha-256;{digest.decode('ascii')}"


def read_page_file(path: Path, limit: int) -> Page | ParseError:
    """The page in a text file (either form, told apart later by content)."""
    origin = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            return ParseError(origin, "not a regular file")
        if size > limit:
            return ParseError(origin, f"the page is over the size limit ({size} > {limit} bytes)")
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except OSError as error:
        return ParseError(origin, unfound(path, error))
    if not data:
        return ParseError(origin, "the file is empty")
    if len(data) > limit:
        return ParseError(origin, f"the page is over the size limit ({limit} bytes)")
    try:
        return Page(path.resolve().as_uri(), decode(data), origin)
    except ValueError as error:
        return ParseError(origin, str(error))


def _lines(stream: LineSource, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) of a stream, None for a line over the limit (skipped unread)."""
    number = 0
    while raw := stream.readline(limit + 1):
        number += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = stream.readline(limit + 1)
            yield number, None
        else:
            yield number, raw


def page_of_line(raw: bytes, origin: str) -> Page | ParseError:
    """The page of one JSON line `{"url": ..., "text": ...}`."""
    try:
        item = json.loads(raw.rstrip(b"\r\n").decode("utf-8-sig"))
    except UnicodeDecodeError:
        return ParseError(origin, "the line is not valid UTF-8")
    except json.JSONDecodeError as error:
        cause = JSON_ERRORS.get(error.msg, error.msg.removesuffix(" at"))
        return ParseError(origin, f"malformed JSON at column {error.colno}: {cause}")
    except (ValueError, RecursionError) as error:
        return ParseError(origin, f"malformed JSON ({error})")
    if not isinstance(item, dict):
        return ParseError(origin, 'the line is not a JSON object {"url", "text"}')
    url, text = item.get("url"), item.get("text")
    if not isinstance(url, str) or not url.strip():
        return ParseError(origin, f'the object has no "url" string{json_type(url)}')
    if not ABSOLUTE_IRI.fullmatch(url.strip()):
        return ParseError(origin, f'the "url" is not an absolute URL: {url.strip()[:80]!r}')
    try:
        NamedNode(url.strip())  # the check RDF makes of it: no run can fail on it later
    except ValueError as error:
        cause = printable(str(error))
        return ParseError(origin, f'the "url" is not a valid IRI ({cause}): {url.strip()[:80]!r}')
    if not isinstance(text, str):
        return ParseError(origin, f'the object has no "text" string{json_type(text)}')
    try:
        return Page(normal_url(url.strip()), check_text(text), origin)
    except ValueError as error:
        return ParseError(origin, str(error))


def json_type(value: object) -> str:
    """What a JSON value that should have been a string is instead, as a clause.

    >>> json_type(None), json_type(42), json_type(["a"]), json_type("  ")
    ('', ': it is a number', ': it is an array', ': it is blank')
    """
    if value is None:
        return ""
    kinds = {bool: "true or false", int: "a number", float: "a number", list: "an array"}
    kind = "blank" if isinstance(value, str) else kinds.get(type(value), "an object")
    return f": it is {kind}"


def jsonl_lines(stream: LineSource, name: str, limit: int) -> Iterator[Line | ParseError]:
    """The lines of a JSON-lines stream, undecoded; blank lines are ignored, but a stream
    of nothing else is an error."""
    number, blank = 0, True
    for number, raw in _lines(stream, limit):
        origin = f"{name}:{number}"
        if raw is None:
            yield ParseError(origin, f"the line is over the size limit ({limit} bytes)")
        elif raw.strip():
            yield Line(raw, origin)
        blank = blank and raw is not None and not raw.strip()
    if blank:
        yield ParseError(
            name, "the file is empty" if number == 0 else "the file has only blank lines"
        )


def read_jsonl(stream: LineSource, name: str, limit: int) -> Iterator[Page | ParseError]:
    """The pages of a JSON-lines stream, one a line; blank lines are ignored."""
    return map(decoded, jsonl_lines(stream, name, limit))


UTF16_LINES = "the file is UTF-16; JSON lines are UTF-8 (iconv -f UTF-16 -t UTF-8 converts it)"


def read_jsonl_file(path: Path, limit: int) -> Iterator[Line | ParseError]:
    """The lines of a JSON-lines file, undecoded."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            yield ParseError(str(path), "not a regular file")
            return
        with path.open("rb") as stream:
            if stream.peek(2)[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                yield ParseError(str(path), UTF16_LINES)
                return
            yield from jsonl_lines(stream, str(path), limit)
    except OSError as error:
        yield ParseError(str(path), unfound(path, error))


def read_stdin(stream: BinaryIO, limit: int) -> Iterator[Item]:
    """Standard input: JSON lines if it starts with `{`, else one page named by its content."""
    first = b""
    while len(first) <= limit and not first.strip(codecs.BOM_UTF8 + b" \t\r\n"):
        line = stream.readline(limit + 1)
        if not line:
            break
        first += line
    if first.lstrip(codecs.BOM_UTF8 + b" \t\r\n").startswith(b"{"):
        yield from jsonl_lines(_Chain(first, stream), STDIN_NAME, limit)
        return
    remaining = limit + 1 - len(first)
    data = first + (stream.read(remaining) if remaining > 0 else b"")
    if not data:
        yield ParseError(STDIN_NAME, "standard input is empty")
    elif len(data) > limit:
        yield ParseError(STDIN_NAME, f"the page is over the size limit ({limit} bytes)")
    else:
        try:
            text = decode(data)
        except ValueError as error:
            yield ParseError(STDIN_NAME, str(error))
            return
        if text.lstrip().startswith("{") and not data.lstrip().startswith(b"{"):
            yield ParseError(STDIN_NAME, UTF16_LINES.replace("the file", "standard input"))
        else:
            yield Page(content_uri(data), text, STDIN_NAME)


class _Chain:
    """A byte stream that first replays the lines already read from it."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self.head, self.rest = io.BytesIO(head), rest

    def readline(self, size: int = -1, /) -> bytes:
        """The next line, at most size bytes."""
        return self.head.readline(size) or self.rest.readline(size)


def walk(
    directory: Path, ancestors: frozenset[str] = frozenset(), seen: set[str] | None = None
) -> Iterator[Path | ParseError]:
    """The page and JSON-lines files under a directory, recursively, in a stable order.

    Each directory gives its files, then its subdirectories; hidden ones are left out.
    Symbolic links are followed, but not round a loop (a link back to a directory it is
    in is an error), and into a directory once: links to one directory from many places
    would read it as many times, and many levels of them without end.
    """
    seen = set() if seen is None else seen
    real = os.path.realpath(directory)
    if real in ancestors:
        yield ParseError(str(directory), f"a symbolic link loop (back to {real}): not followed")
        return
    if real in seen:
        return
    seen.add(real)
    try:
        with os.scandir(directory) as found:
            entries = sorted((e for e in found if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError as error:
        yield ParseError(str(directory), f"cannot read: {error.strerror}")
        return
    subdirectories = [Path(e.path) for e in entries if is_directory(e)]
    for entry in entries:
        if not is_directory(entry) and Path(entry.name).suffix.lower() in PAGE_SUFFIXES | {
            JSONL_SUFFIX
        }:
            yield Path(entry.path)
    for subdirectory in subdirectories:
        yield from walk(subdirectory, ancestors | {real}, seen)


def is_directory(entry: os.DirEntry[str]) -> bool:
    """Whether an entry is a directory or a link to one; a link that cannot be followed is not."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def unfound(path: Path, error: OSError) -> str:
    """Why a named input cannot be found, from the error of looking it up."""
    if error.errno == errno.ELOOP:
        return "a symbolic link loop (too many levels of symbolic links)"
    if error.errno == errno.ENOENT and path.is_symlink():
        return "a broken symbolic link (its target does not exist)"
    if error.errno == errno.ENOENT:
        return "no such file or directory"
    return f"cannot read: {error.strerror or error}"


def read_directory(directory: Path, limit: int) -> Iterator[Item]:
    """Every page under a directory; one that holds none is an error."""
    found = False
    for file in walk(directory):
        found = True
        if isinstance(file, ParseError):
            yield file
        elif file.suffix.lower() == JSONL_SUFFIX:
            yield from read_jsonl_file(file, limit)
        else:
            yield read_page_file(file, limit)
    if not found:
        yield ParseError(
            str(directory), "the directory holds no page files (.txt, .md or .jsonl, not hidden)"
        )


def standard_input() -> BinaryIO | None:
    """The process's standard input, as bytes; None if it is closed."""
    return sys.stdin.buffer if sys.stdin is not None else None


def read_inputs(
    paths: Iterable[str | Path], limit: int = DEFAULT_LIMIT, stdin: BinaryIO | None = None
) -> Iterator[Page | ParseError]:
    """Every page under the named inputs, in order; a bad input yields its ParseError."""
    return map(decoded, read_items(paths, limit, stdin))


def read_items(
    paths: Iterable[str | Path], limit: int = DEFAULT_LIMIT, stdin: BinaryIO | None = None
) -> Iterator[Item]:
    """What read_inputs reads, with JSON lines left undecoded (as Line) for the caller."""
    read_stdin_once = False
    for name in paths:
        path = Path(name)
        if str(name) == STDIN:
            stream = stdin or standard_input()
            if read_stdin_once:
                yield ParseError(STDIN_NAME, f"{STDIN} is named twice: standard input is read once")
            elif stream is None:
                yield ParseError(STDIN_NAME, "standard input is closed")
            else:
                yield from read_stdin(stream, limit)
            read_stdin_once = True
            continue
        try:
            mode = path.stat().st_mode
        except OSError as error:
            if error.errno == errno.ENOENT and URL.match(str(name)):
                yield ParseError(str(name), NOT_FETCHED)
            else:
                yield ParseError(str(path), unfound(path, error))
            continue
        if stat.S_ISDIR(mode):
            yield from read_directory(path, limit)
        elif path.suffix.lower() == JSONL_SUFFIX:
            yield from read_jsonl_file(path, limit)
        else:
            yield read_page_file(path, limit)


def relative_pages(directory: Path, limit: int = DEFAULT_LIMIT) -> Iterator[tuple[str, str]]:
    """(source, text) of every page under a directory, a file's source being its path
    relative to the directory instead of its file: URI; a bad input raises its ParseError.

    For data shipped with speechld, whose absolute path says where it is installed, not
    what it is.
    """
    root = directory.resolve()
    for item in read_inputs([directory], limit):
        if isinstance(item, ParseError):
            raise item
        source = item.source
        if source.startswith("file:"):
            source = Path(item.origin).resolve().relative_to(root).as_posix()
        yield source, item.text


def speeches(
    paths: Iterable[str | Path], limit: int = DEFAULT_LIMIT, stdin: BinaryIO | None = None
) -> Iterator[Speech | ParseError]:
    """Every input page parsed: a Speech, a NotASpeech (skipped) or a ParseError (failed)."""
    from speechld.parse import parse_page

    for item in read_inputs(paths, limit, stdin):
        if isinstance(item, ParseError):
            yield item
            continue
        try:
            yield parse_page(item.text, item.source)
        except NotASpeech as error:
            yield NotASpeech(item.where, error.kind)
        except ParseError as error:
            yield ParseError(item.where, error.cause)
