"""What a query's text asks for, read before it runs: dataset clauses, updates, SERVICE calls."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from pyoxigraph import QuerySolutions, Store

from speechld.errors import QueryError, QueryRefused

# Strings, IRIs and comments are skipped whole; a word counts as a keyword only when it is
# not part of a variable, a prefixed name, a blank node label or a language tag. After a
# dot, a word may be a keyword (`?s ?p ?o .SERVICE`) or the rest of a prefixed name
# (`ex:a.from`): the strict reading says no, the loose one (for refusals) says yes.
_SKIP = r"""
    (?P<skip>
        \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      | '''(?:[^'\\]|\\.|'(?!''))*'''
      | "(?:[^"\\\n\r]|\\.)*"
      | '(?:[^'\\\n\r]|\\.)*'
      | <[^<>"{}|^`\\\x00-\x20]*>
      | \#[^\n\r]*
    )
"""
_TOKENS = re.compile(_SKIP + r"| (?<![\w?$:@.\-])(?P<word>[A-Za-z]+)(?![\w:\-])", re.X | re.S)
_LOOSE_TOKENS = re.compile(_SKIP + r"| (?<![\w?$:@\-])(?P<word>[A-Za-z]+)(?![\w:\-])", re.X | re.S)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
SERVICE_CHECK_MAX = 4096  # bytes of a query with the word SERVICE whose clauses are checked
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_FORMS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


def keywords(query: str, *, loose: bool = False) -> Iterator[str]:
    """The words of a query outside its strings, IRIs and comments, upper-cased; loose, also
    those right after a dot.

    >>> list(keywords('SELECT ?from WHERE { ?s ex:service "FROM" } # SERVICE'))
    ['SELECT', 'WHERE']
    >>> list(keywords("ASK { ?s ?p ?o .SERVICE <http://x> {} }", loose=True))
    ['ASK', 'SERVICE']
    """
    for match in (_LOOSE_TOKENS if loose else _TOKENS).finditer(query):
        word = match.group("word")
        if word:
            yield word.upper()


_STAR = re.compile(r"\s*(?:(?:DISTINCT|REDUCED)\s+)?(\*)", re.I)
_VARIABLE = re.compile(_SKIP + r"| [?$](?P<name>\w+)", re.X | re.S)
_EMPTY = Store()  # a query on it yields its variables and nothing else


def select_star(query: str) -> int | None:
    """Where the `*` of a `SELECT *` query is, if the query is one.

    >>> select_star("PREFIX a: <http://x/#SELECT*> SELECT DISTINCT * { ?s ?p ?o }")
    46
    >>> select_star("SELECT ?s { { SELECT * { ?s ?p ?o } } }"), select_star("ASK { }")
    (None, None)
    """
    for match in _TOKENS.finditer(query):
        word = (match.group("word") or "").upper()
        if word in QUERY_FORMS:
            star = _STAR.match(query, match.end()) if word == "SELECT" else None
            return star.start(1) if star else None
    return None


def in_written_order(query: str, base_iri: str | None = None) -> str:
    """A `SELECT *` query projecting its variables in the order it first writes them, as
    other stores do (Oxigraph's `*` orders them by name); any other query as it is.

    >>> in_written_order("SELECT * { ?speech ?p ?date . BIND(1 AS ?a) }")
    'SELECT ?speech ?p ?date ?a { ?speech ?p ?date . BIND(1 AS ?a) }'
    >>> in_written_order("SELECT * { ?a ?b ?c }"), in_written_order("SELECT * {")
    ('SELECT * { ?a ?b ?c }', 'SELECT * {')
    """
    star = select_star(query)
    if star is None or mentions_service(query):  # a SERVICE is not called to learn this
        return query
    try:
        result = _EMPTY.query(query, base_iri=base_iri)
    except (SyntaxError, OSError, ValueError):  # the query itself will say what is wrong
        return query
    if not isinstance(result, QuerySolutions):
        return query
    names = [v.value for v in result.variables]
    first: dict[str, int] = {}
    for match in _VARIABLE.finditer(query, star):
        if match.group("name"):
            first.setdefault(match.group("name"), match.start())
    written = sorted(names, key=lambda name: first.get(name, len(query)))
    if not names or written == names:
        return query
    return query[:star] + " ".join(f"?{name}" for name in written) + query[star + 1 :]


def needs_base(query: str) -> bool:
    """Whether a base may resolve something in a query: an IRI written with no scheme, or
    one that IRI() or URI() makes of a string (escapes read as what they stand for).

    >>> needs_base("SELECT * WHERE { <a> ?p '<b>' FILTER(?x < 3) }")
    True
    >>> needs_base("SELECT * WHERE { <http://x/a> ?p '<b>' } # <c>")
    False
    >>> needs_base("SELECT (IRI('a') AS ?a) {}"), needs_base(r"SELECT * { \u003ca> ?p ?o }")
    (True, True)
    """
    query = unescape(query)
    for match in _TOKENS.finditer(query):
        skipped, word = match.group("skip"), match.group("word")
        if skipped and skipped.startswith("<") and not _SCHEME.match(skipped, 1):
            return True
        if word and word.upper() in ("IRI", "URI"):
            return True
    return False


def unescape(query: str) -> str:
    r"""The query with its \u and \U escapes replaced by the characters they stand for.

    >>> unescape(r"\u0053ERVICE")
    'SERVICE'
    """
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)


def has_dataset_clause(query: str) -> bool:
    """Whether a query names its own dataset (FROM or FROM NAMED).

    >>> has_dataset_clause("SELECT * FROM <http://g> { ?s ?p ?o }"), has_dataset_clause("ASK {}")
    (True, False)
    """
    return "FROM" in keywords(query)


def is_update(text: str) -> bool:
    """Whether a text is a SPARQL Update request rather than a query.

    >>> is_update("PREFIX a: <http://a#> INSERT DATA { a:s a:p a:o }"), is_update("ASK {}")
    (True, False)
    """
    form = next((w for w in keywords(text) if w in QUERY_FORMS | UPDATE_FORMS), None)
    return form in UPDATE_FORMS


def mentions_service(query: str) -> bool:
    """Whether a query may call SERVICE: the word anywhere in it, escapes read (cheap; errs
    on the side of yes, as a reading of its syntax short of the engine's own could not).

    >>> mentions_service("SELECT * { ?s ?p ?o .SERVICE <http://x> {} }")
    True
    >>> mentions_service("SELECT * { ?s ?p 'a public service' }"), mentions_service("ASK {}")
    (True, False)
    """
    return any("SERVICE" in text.upper() for text in (query, unescape(query)))


def calls_service(query: str) -> bool:
    """Whether a query has SERVICE as a keyword (outside strings, IRIs and comments).

    >>> calls_service("SELECT * { ?s ?p 'a public service' }")
    False
    """
    return any("SERVICE" in keywords(text, loose=True) for text in (query, unescape(query)))


def service_endpoints(query: str) -> list[str | None]:
    """The endpoint of every SERVICE clause, nested ones included; None where it is a variable."""
    from rdflib import Variable
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        algebra = translateQuery(parseQuery(query)).algebra
    except Exception as error:  # rdflib raises many kinds; all mean "could not read it"
        raise QueryRefused(
            f"this query calls SERVICE and its SERVICE clauses could not be checked: {error}"
        ) from error
    found: list[str | None] = []
    stack: list[object] = [algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            term = node.get("term")
            found.append(None if isinstance(term, Variable) else str(term))
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
    return found


def check_services(query: str, allowed: Collection[str]) -> None:
    """Refuse a query that calls a SERVICE endpoint not on the allow-list, or a variable one.

    The endpoints are read by a full parse (rdflib's, in Python: about a quarter of a
    millisecond a byte), so a query that calls SERVICE where none is allowed is refused at
    once, and one too long to parse soon is refused unread.
    """
    if not mentions_service(query):
        return
    if not allowed and calls_service(query):
        raise QueryRefused(
            "SERVICE is refused: this server's allow-list of SERVICE endpoints is empty"
        )
    if len(query.encode("utf-8")) > SERVICE_CHECK_MAX:
        raise QueryRefused(
            f"this query has the word SERVICE and is over {SERVICE_CHECK_MAX // 1024} KB: "
            "too long for its SERVICE clauses to be checked"
        )
    for endpoint in service_endpoints(query):
        if endpoint is None:
            raise QueryRefused(
                "SERVICE with a variable endpoint is refused: name the endpoint, "
                "and it must be on this server's allow-list"
            )
        if endpoint not in allowed:
            listed = ", ".join(sorted(allowed)) or "none"
            raise QueryRefused(
                f"SERVICE <{endpoint}> is refused: the endpoint is not on this server's "
                f"allow-list (allowed: {listed})"
            )


def check_query(query: str) -> None:
    """Refuse an update sent as a query, with a message saying so."""
    if is_update(query):
        raise QueryRefused(
            "this is a SPARQL Update; the endpoint only answers queries (no update is accepted)"
        )
    if not query.strip():
        raise QueryError("the query is empty")


_EXPECTED = re.compile(r"(error at (\d+):(\d+)): expected one of (.*)", re.S)
_PREFIXED_END = re.compile(r"([A-Za-z][\w.-]*)?:\S*$")
CONTEXT = 24  # characters of the line before a syntax error that its message quotes


_CLASS = re.compile(r"\[[^\]]*\]", re.S)  # a class of characters in Oxigraph's list


def expected_tokens(expected: str) -> str:
    """What Oxigraph's list says it expected, on one line: its tokens, then its classes of
    characters (Unicode ranges over several lines) by what they make.

    >>> expected_tokens("'}', ['A' ..= 'Z' | 'a' ..= 'z'], ['0' ..= '9'], [_]")
    "one of '}', a name, a number or more of the query"
    >>> expected_tokens("['A' ..= 'Z']")
    'a name'
    """
    items = [t for t in _CLASS.sub("", expected).split(", ") if t.strip()]
    for found in _CLASS.findall(expected):
        if found == "[_]":  # any character: more input
            said = "more of the query"
        elif "'A'" in found or "'a'" in found:
            said = "a name"
        elif "'0'" in found:
            said = "a number"
        else:
            said = f"a character of {' '.join(found.split())}"
        if said not in items:
            items.append(said)
    if len(items) == 1:
        return items[0]
    return f"one of {', '.join(items[:-1])} or {items[-1]}"


def readable_error(query: str, message: str) -> str:
    """Oxigraph's syntax error with the sentence it lists among the tokens it expected
    brought out: an undeclared prefix named, a bad OFFSET said in words.

    >>> readable_error("SELECT * { ?s foo:bar ?o }", "error at 1:22: expected one of Prefix not "
    ...     "found, ['%'], [':']")
    'error at 1:22: the prefix foo: is not declared (add PREFIX foo: <namespace IRI>)'
    >>> readable_error("ASK {} OFFSET -1", "error at 1:15: expected one of The query offset "
    ...     "should be a non negative integer, ['0'..='9']")
    'error at 1:15: the query offset should be a non negative integer'
    >>> print(readable_error("SELECT", "error at 1:7: expected one of '(', '*', ['$' | '?']"))
    error at 1:7 (after "SELECT"): expected one of '(', '*' or a character of ['$' | '?']
    >>> print(readable_error("SELECT ?speech WHERE { ?speech ?p }", "error at 1:36: "
    ...     "expected one of '.', [_]"))
    error at 1:36 (after "…WHERE { ?speech ?p }"): expected one of '.' or more of the query
    >>> readable_error("SELEC ?x", "error at 1:9: expected one of DESCRIBE, [_]")
    'error at 1:9: a query is SELECT, CONSTRUCT, ASK or DESCRIBE (after any BASE and PREFIX)'
    """
    found = _EXPECTED.match(message)
    if found is None:
        return " ".join(message.split())
    where, line, column, expected = found[1], int(found[2]), int(found[3]), found[4]
    if not QUERY_FORMS & set(keywords(query)):
        return f"{where}: a query is SELECT, CONSTRUCT, ASK or DESCRIBE (after any BASE and PREFIX)"
    lines = query.splitlines()
    text = lines[line - 1][: column - 1] if 0 < line <= len(lines) else ""
    sentences = [s for s in expected.split(", ") if " " in s and s[0].isalpha() and s[0].isupper()]
    if not sentences:
        before = " ".join(text.split())
        if len(before) > CONTEXT:  # its last words, whole where they can be
            tail = before[-CONTEXT:]
            before = "…" + (tail.partition(" ")[2] or tail)
        near = f' (after "{before}")' if before else ""
        return f"{where}{near}: expected {expected_tokens(expected)}"
    if sentences[0] == "Prefix not found":
        name = _PREFIXED_END.search(text)
        if name is not None:
            prefix = name[1] or ""
            declare = f"add PREFIX {prefix}: <namespace IRI>"
            return f"{where}: the prefix {prefix}: is not declared ({declare})"
    return f"{where}: {sentences[0][:1].lower()}{sentences[0][1:]}"
