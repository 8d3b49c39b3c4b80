"""Reading a query before it runs: dataset clauses, updates, SERVICE endpoints; the limits."""

from __future__ import annotations

import pytest

from speechld.errors import QueryRefused, SpeechldError
from speechld.sparql.limits import Limits, limits
from speechld.sparql.syntax import (
    calls_service,
    check_query,
    check_services,
    has_dataset_clause,
    is_update,
    mentions_service,
    service_endpoints,
)

ALLOWED = ("http://allowed.example/sparql",)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * FROM <http://g> WHERE { ?s ?p ?o }", True),
        ("select*from<http://g>{?s ?p ?o}", True),
        ("SELECT * FROM NAMED <http://g> { GRAPH ?g { ?s ?p ?o } }", True),
        ("ASK FROM <http://g> {}", True),
        ("SELECT ?from WHERE { ?from ?p ?o }", False),
        ("PREFIX from: <http://x/> SELECT * { ?s from:p ?o }", False),
        ('SELECT * { ?s ?p "FROM <http://g>" }', False),
        ("SELECT * { ?s ?p ?o } # FROM <http://g>", False),
        ("SELECT * { <http://x/FROM> ?p ?o }", False),
    ],
)
def test_dataset_clause(query: str, expected: bool) -> None:
    assert has_dataset_clause(query) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INSERT DATA { <http://a> <http://b> <http://c> }", True),
        ("PREFIX ex: <http://ex/> DELETE WHERE { ?s ex:p ?o }", True),
        ("CLEAR ALL", True),
        ("LOAD <http://example.org/data.ttl>", True),
        ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", True),
        ("SELECT * { ?s ?p 'INSERT' }", False),
        ("PREFIX insert: <http://x/> ASK { ?s insert:p ?o }", False),
        ("CONSTRUCT WHERE { ?s ?p ?o }", False),
    ],
)
def test_update_detection(text: str, expected: bool) -> None:
    assert is_update(text) is expected


def test_an_update_sent_as_a_query_is_refused_with_a_clear_message() -> None:
    with pytest.raises(QueryRefused, match="SPARQL Update"):
        check_query("DROP ALL")
    check_query("ASK {}")


@pytest.mark.parametrize(
    ("query", "endpoints"),
    [
        ("SELECT * { SERVICE <http://a/> { ?s ?p ?o } }", ["http://a/"]),
        ("SELECT * { SERVICE SILENT <http://a/> { ?s ?p ?o } }", ["http://a/"]),
        ("SELECT * { SERVICE ?where { ?s ?p ?o } }", [None]),
        ("PREFIX ex: <http://ex.org/> SELECT * { SERVICE ex:sparql { ?s ?p ?o } }", ["http://ex.org/sparql"]),
        ("BASE <http://base.org/> SELECT * { SERVICE <sparql> { ?s ?p ?o } }", ["http://base.org/sparql"]),
        ("SELECT * { { SELECT ?s { SERVICE <http://sub/> { ?s ?p ?o } } } }", ["http://sub/"]),
        ("SELECT * { ?s ?p ?o OPTIONAL { SERVICE <http://opt/> { ?s ?q ?r } } }", ["http://opt/"]),
        ("SELECT * { ?s ?p ?o FILTER EXISTS { SERVICE <http://ex/> { ?s ?q ?r } } }", ["http://ex/"]),
        ("SELECT * { ?s ?p ?o MINUS { SERVICE <http://minus/> { ?s ?q ?r } } }", ["http://minus/"]),
        ("SELECT * { { ?s ?p ?o } UNION { GRAPH ?g { SERVICE <http://u/> { ?s ?p ?o } } } }", ["http://u/"]),
        ("SELECT * { \\u0053ERVICE <http://escaped/> { ?s ?p ?o } }", ["http://escaped/"]),
    ],
)  # fmt: skip
def test_every_service_endpoint_is_found(query: str, endpoints: list[str | None]) -> None:
    assert mentions_service(query)
    assert sorted(service_endpoints(query), key=str) == sorted(endpoints, key=str)
    with pytest.raises(QueryRefused, match="SERVICE"):
        check_services(query, ALLOWED)


def test_an_allowed_endpoint_passes_and_a_variable_never_does() -> None:
    check_services(f"SELECT * {{ SERVICE <{ALLOWED[0]}> {{ ?s ?p ?o }} }}", ALLOWED)
    with pytest.raises(QueryRefused, match="variable endpoint"):
        check_services(f"SELECT * {{ BIND(<{ALLOWED[0]}> AS ?e) SERVICE ?e {{}} }}", ALLOWED)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { ?s ?p 'a public service' }",
        "SELECT ?service { ?service ?p ?o }",
        "PREFIX service: <http://x/> SELECT * { ?s service:p ?o }",
        "SELECT * { <http://x/SERVICE> ?p ?o } # SERVICE <http://a/> {}",
    ],
)
def test_the_word_service_elsewhere_is_not_a_call(query: str) -> None:
    assert mentions_service(query) and not calls_service(query)  # read, then let through
    check_services(query, ())


@pytest.mark.parametrize(
    "query",
    [  # a local name's escaped # or ' is no comment or string: the SERVICE after it counts
        "PREFIX ex: <http://example.org/>\n"
        "SELECT * WHERE { OPTIONAL { ?s ex:a\\# ?o } SERVICE <http://127.0.0.1:9/> { ?x ?y ?z } }",
        "PREFIX ex: <http://example.org/>\n"
        "SELECT * WHERE { ?s ex:a\\' ?o . SERVICE SILENT <http://127.0.0.1:9/> { ?x ?y ?z } } # '",
    ],
)  # fmt: skip
@pytest.mark.parametrize("allowed", [(), ALLOWED])
def test_a_service_hidden_from_a_reading_short_of_a_parse_is_refused(
    query: str, allowed: tuple[str, ...]
) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        check_services(query, allowed)


def test_a_long_query_with_the_word_service_is_refused_unread() -> None:
    query = "SELECT * WHERE { ?s ?p 'service' FILTER(" + "1+" * 5000 + "1) }"
    with pytest.raises(QueryRefused, match="too long"):
        check_services(query, ALLOWED)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://a/> { ?s ?p",
        # rdflib's parser cannot read a SERVICE inside a SERVICE: refused, even if both are allowed
        "ASK { SERVICE <http://a/> { SERVICE <http://allowed.example/sparql> { ?s ?p ?o } } }",
    ],
)
def test_a_query_whose_services_cannot_be_checked_is_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="could not be checked"):
        check_services(query, (*ALLOWED, "http://a/"))


def test_limits_come_from_settings_then_environment_then_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SPEECHLD_MAX_ROWS", "7")
    monkeypatch.setenv("SPEECHLD_SERVICE_ALLOW", "http://a/sparql http://b/sparql")
    found = limits({"timeout": 2.5, "max_rows": None})
    assert found.timeout == 2.5
    assert found.max_rows == 7
    assert found.service_allow == ("http://a/sparql", "http://b/sparql")
    assert found.queue_wait == Limits().queue_wait
    assert limits({"max_concurrent": 3}).workers == 3
    assert 2 <= Limits().workers <= 4


@pytest.mark.parametrize(("name", "value"), [("max_rows", "many"), ("timeout", "-1")])
def test_a_bad_limit_names_itself(name: str, value: str) -> None:
    with pytest.raises(SpeechldError, match=name):
        limits({name: value})


@pytest.mark.parametrize("value", ["100", "255"])
def test_a_query_memory_too_small_to_open_the_store_is_refused(value: str) -> None:
    with pytest.raises(SpeechldError, match="at least 256"):
        limits({"memory": value})
    assert limits({"memory": "0"}).memory == 0  # no bound
