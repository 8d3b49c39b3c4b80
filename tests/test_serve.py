"""A live `speechld serve`: the seed speech's URI dereferences as Turtle, JSON-LD and HTML."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, PROV, XSD

from speechld.parse import parse_page
from speechld.vocab import SLD, Minter
from speechld.web import serving

from . import oxigraph as oxigraph_server
from .conftest import LiveServer, free_port, start_server, stop_server
from .paths import SEED


def speech_uri(server: LiveServer) -> str:
    """The seed speech's URI, minted under the server's address from the seed's id."""
    seed = parse_page(SEED.read_text(encoding="utf-8"), SEED.name)
    return str(Minter(server.url).speech(seed.id))


def fetch(uri: str, accept: str, rdf_format: str) -> Graph:
    response = requests.get(uri, headers={"Accept": accept}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith(accept)
    return Graph().parse(data=response.content, format=rdf_format, publicID=uri)


def test_seed_speech_as_turtle_and_jsonld(live_server: LiveServer) -> None:
    uri = speech_uri(live_server)
    turtle = fetch(uri, "text/turtle", "turtle")
    jsonld = fetch(uri, "application/ld+json", "json-ld")
    assert isomorphic(turtle, jsonld)

    speech = URIRef(uri)
    assert turtle.value(speech, SLD.speechNumber) == Literal(211, datatype=XSD.integer)
    assert str(turtle.value(speech, SLD.typeLabel)) == "Hovedindlæg"
    assert str(turtle.value(speech, SLD.speakerRole)) == (
        "Den socialdemokratiska gruppens talsperson"
    )
    date = turtle.value(speech, SLD.dateTime)
    assert isinstance(date, Literal) and date.toPython() == datetime(2012, 10, 31, 18, 58)
    speaker = turtle.value(speech, SLD.speaker)
    assert speaker is not None and "Anna Ljunggren" in {str(o) for o in turtle.objects(speaker)}
    text = turtle.value(speech, SLD.text)
    assert isinstance(text, Literal) and text.language == "nb"
    assert "slik at de blir mindre sårbare for rekruttering" in text


def test_a_speech_document_links_the_graphs_that_record_its_provenance(
    live_server: LiveServer,
) -> None:
    uri = speech_uri(live_server)
    response = requests.get(uri, headers={"Accept": "text/turtle"}, timeout=10)
    document = Graph().parse(data=response.content, format="turtle")
    doc = document.value(predicate=FOAF.primaryTopic, object=URIRef(uri))
    derived = set(document.objects(doc, PROV.wasDerivedFrom))
    query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{uri}> a <{SLD.Speech}> }} }}"
    rows = requests.get(
        f"{live_server.url}sparql", params={"query": query, "format": "json"}, timeout=10
    ).json()["results"]["bindings"]
    assert derived == {URIRef(row["g"]["value"]) for row in rows} and derived
    sources = {str(source) for source in document.objects(URIRef(uri), SLD.source)}
    for graph in derived:
        record = fetch(str(graph), "text/turtle", "turtle")
        assert record.value(graph, PROV.generatedAtTime) is not None
        assert str(record.value(graph, DCTERMS.source)) in sources


def test_seed_speech_as_html(live_server: LiveServer) -> None:
    uri = speech_uri(live_server)
    page = requests.get(uri, headers={"Accept": "text/html,*/*;q=0.8"}, timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Anna Ljunggren" in page.text
    assert "Menneskehandel er grenseoverskridende" in page.text


def test_unknown_speech_is_404(live_server: LiveServer) -> None:
    response = requests.get(f"{live_server.url}id/speech/0000000000000000", timeout=10)
    assert response.status_code == 404


def test_a_store_minted_under_another_local_port_is_served_with_a_warning(
    live_server: LiveServer, tmp_path: Path
) -> None:
    assert "warning:" not in live_server.output()  # minted under the address it serves
    store = tmp_path / "store"
    done = subprocess.run(
        [sys.executable, "-m", "speechld", "ingest", "--store", str(store), str(SEED)],
        capture_output=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "SPEECHLD_BASE"},
    )
    assert done.returncode == 0, done.stderr
    server = start_server(store)  # on a free port, not the default base's 5000
    try:
        assert "warning: the URIs are minted under http://127.0.0.1:5000/" in server.output()
    finally:
        stop_server(server)


def test_a_store_named_speechld_in_the_working_directory_is_served(tmp_path: Path) -> None:
    # the server's module path starts with its working directory, where this folder would
    # hide the package from the web workers and their query workers; and a host given by
    # name is served at its address (Granian takes addresses alone)
    server = start_server("speechld", "--host", "localhost", log_dir=tmp_path, cwd=tmp_path)
    try:
        assert requests.get(server.url, timeout=10).status_code == 200
        ask = requests.get(f"{server.url}sparql", params={"query": "ASK {}"}, timeout=30)
        assert ask.status_code == 200 and ask.json()["boolean"] is True
        assert (tmp_path / "speechld").is_dir() and "Traceback" not in server.output()
    finally:
        stop_server(server)


def test_serve_takes_a_remote_stores_update_urls_as_options(tmp_path: Path) -> None:
    if not oxigraph_server.installed():
        pytest.skip(oxigraph_server.NOT_INSTALLED)
    store = oxigraph_server.start(free_port(), union=True)
    try:
        url = store.settings.query_url
        done = subprocess.run(  # the query endpoint takes no updates: the fix is named
            [sys.executable, "-m", "speechld", "serve", "--store", url],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1 and "--update-url or SPEECHLD_UPDATE_URL" in done.stderr
        update, graph_store = store.settings.update_url, store.settings.graph_store_url or ""
        server = start_server(
            url, "--update-url", update, "--graph-store-url", graph_store, log_dir=tmp_path
        )
        try:
            assert "loaded the bundled speeches" in server.output()
            page = requests.get(speech_uri(server), headers={"Accept": "text/turtle"}, timeout=30)
            assert page.status_code == 200 and "Anna Ljunggren" in page.text
        finally:
            stop_server(server)
    finally:
        oxigraph_server.stop(store)


def test_a_host_name_with_several_addresses_is_served_on_its_ipv4_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # glibc lists ::1 first for localhost where /etc/hosts maps both
    real = socket.getaddrinfo

    def ipv6_first(host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        found = real(host, port, *args, **kwargs)
        if host == "localhost":
            found = [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", port, 0, 0)), *found]
        return found

    monkeypatch.setattr(socket, "getaddrinfo", ipv6_first)
    assert serving.listening_address("localhost", free_port()) == "127.0.0.1"
    assert serving.listening_address("localhost", 0) == "127.0.0.1"  # any port: still resolved
