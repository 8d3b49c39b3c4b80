"""A live `speechld serve` (Granian): Linked Data clients dereference its URIs."""

from __future__ import annotations

import gzip
import shutil
import socket
import time
from pathlib import Path

import requests
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import FOAF

from speechld.store import EmbeddedStore
from speechld.vocab import SLD
from speechld.web import create_app

from .conftest import LiveServer
from .test_serve import speech_uri
from .webdata import BASE, fill


def test_rdflib_follows_the_303_for_a_speech(live_server: LiveServer) -> None:
    uri = speech_uri(live_server)
    graph = Graph().parse(uri)
    speech = URIRef(uri)
    assert (speech, RDF.type, SLD.Speech) in graph
    assert str(graph.value(speech, SLD.typeLabel)) == "Hovedindlæg"
    text = graph.value(speech, SLD.text)
    assert text is not None and str(text).startswith("Menneskehandel er grenseoverskridende")


def test_rdflib_follows_the_303_for_a_person(live_server: LiveServer) -> None:
    uri = speech_uri(live_server)
    person = Graph().parse(uri).value(URIRef(uri), SLD.speaker)
    assert isinstance(person, URIRef) and str(person).startswith(live_server.url)
    graph = Graph().parse(str(person))
    assert (person, RDF.type, FOAF.Person) in graph
    assert str(graph.value(person, FOAF.name)) == "Anna Ljunggren"
    assert (URIRef(uri), SLD.speaker, person) in graph  # the inverse link


def test_rdflib_reads_jsonld_with_the_remote_context(live_server: LiveServer) -> None:
    uri = speech_uri(live_server)
    jsonld = Graph().parse(uri, format="json-ld")
    turtle = Graph().parse(uri, format="turtle")
    speech = URIRef(uri)
    assert set(jsonld.predicate_objects(speech)) == set(turtle.predicate_objects(speech))


def test_the_303_and_the_document_through_the_production_server(live_server: LiveServer) -> None:
    uri = speech_uri(live_server)
    response = requests.get(
        uri, headers={"Accept": "text/turtle"}, allow_redirects=False, timeout=10
    )
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/doc/speech/") and location.endswith(".ttl")
    document = requests.get(
        live_server.url.rstrip("/") + location,
        headers={"Accept-Encoding": "gzip"},
        stream=True,
        timeout=10,
    )
    assert document.headers["Content-Encoding"] == "gzip"
    body = gzip.decompress(document.raw.read())
    assert b"sld:Speech" in body
    assert document.headers["ETag"]
    again = requests.get(
        live_server.url.rstrip("/") + location,
        headers={"If-None-Match": document.headers["ETag"], "Accept-Encoding": "gzip"},
        timeout=10,
    )
    assert again.status_code == 304


def test_access_log_names_each_request(live_server: LiveServer) -> None:
    agent = {"User-Agent": "log-check/1"}
    requests.get(live_server.url + "ontology.ttl", headers=agent, timeout=10)
    lines: list[str] = []
    deadline = time.monotonic() + 5  # the line is written once the body has been sent
    while not lines and time.monotonic() < deadline:
        lines = [line for line in live_server.output().splitlines() if "log-check/1" in line]
        time.sleep(0.05)
    assert lines, live_server.output()
    assert '"GET /ontology.ttl HTTP/1.1" 200' in lines[-1]
    with socket.create_connection(
        ("127.0.0.1", int(live_server.url.split(":")[2].strip("/")))
    ) as raw:
        raw.sendall(
            b"GET /id/person/%C3%A5se%20x?q=%C3%A5 HTTP/1.0\r\nUser-Agent: log-check/2\r\n\r\n"
        )
        raw.recv(4096)
    deadline, lines = time.monotonic() + 5, []
    while not lines and time.monotonic() < deadline:
        lines = [line for line in live_server.output().splitlines() if "log-check/2" in line]
        time.sleep(0.05)
    assert lines and '"GET /id/person/%C3%A5se%20x?q=%C3%A5 HTTP/1.0" 404 ' in lines[-1], lines
    assert '"-" "log-check/2"' in lines[-1]  # no referrer: a dash


def test_a_path_cannot_forge_access_log_lines(live_server: LiveServer) -> None:
    agent = {"User-Agent": "log-forge/1"}
    forged = "id/x%0a10.0.0.1%20-%20-%20%22GET%20/admin%22%1b%5B2J"
    requests.get(live_server.url + forged, headers=agent, timeout=10)
    lines: list[str] = []
    deadline = time.monotonic() + 5
    while not lines and time.monotonic() < deadline:
        lines = [line for line in live_server.output().splitlines() if "log-forge/1" in line]
        time.sleep(0.05)
    assert lines, live_server.output()
    # The path as the request line wrote it: escapes, not the characters they stand for.
    assert f'"GET /{forged} HTTP/1.1" 404' in lines[-1].replace("%0A", "%0a").replace("%1B", "%1b")
    assert not any(line.startswith("10.0.0.1") for line in live_server.output().splitlines())
    assert "\x1b" not in live_server.output()


def test_health_says_whether_the_data_can_be_served(tmp_path: Path) -> None:
    path = tmp_path / "store"
    fill(EmbeddedStore(path)).close()
    client = create_app({"STORE": str(path), "BASE": BASE}).test_client()
    well = client.get("/health")
    assert well.status_code == 200 and well.headers["Cache-Control"] == "no-store"
    assert well.json is not None and well.json["status"] == "ok"
    assert well.json["store"] == "embedded" and well.json["modified"].endswith("Z")
    assert client.head("/health").status_code == 200
    shutil.rmtree(path)  # the store deleted under the server, which still reads its files
    assert client.get("/doc/speech/fixture-1.ttl").status_code == 200
    gone = client.get("/health")
    assert gone.status_code == 503 and gone.headers["Retry-After"]
    assert gone.json == {
        "status": "unavailable",
        "reason": "the data store: the store directory is gone",
    }
