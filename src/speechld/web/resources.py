"""Dereferenceable resource URIs: RDF for clients, HTML for people."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from pyoxigraph import Literal, NamedNode, Triple, serialize

from speechld.formats import BY_MEDIA_TYPE, GRAPH_FORMATS, HTML, Format
from speechld.vocab import ONTOLOGY
from speechld.web.store import base, get_store

bp = Blueprint("resources", __name__)

PREFIXES = {
    "sld": ONTOLOGY + "#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}
OFFERED = [HTML.media_type, *(f.media_type for f in GRAPH_FORMATS if f.name != "nquads")]

DESCRIBE = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT {{ <{uri}> ?p ?o . ?o rdfs:label ?label . ?o a ?type . }}
WHERE {{ <{uri}> ?p ?o .
  OPTIONAL {{ ?o rdfs:label ?label }} OPTIONAL {{ ?o a ?type FILTER(isIRI(?o)) }} }}
"""


def negotiate() -> Format:
    """The format the client prefers among those offered; HTML for browsers and `*/*`."""
    best = request.accept_mimetypes.best_match(OFFERED, default=HTML.media_type)
    if best is None:
        abort(406)
    return BY_MEDIA_TYPE[best]


def describe(uri: str) -> list[Triple]:
    """The triples a resource's document holds."""
    return get_store().construct(DESCRIBE.format(uri=uri))


@bp.get("/")
def home() -> str:
    """The home page: every speech, linked."""
    rows = get_store().select(
        "PREFIX sld: <https://w3id.org/speechld/ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?s ?label WHERE { ?s a sld:Speech ; rdfs:label ?label } ORDER BY ?label"
    )
    speeches = [(row["s"].value, row["label"].value) for row in rows]
    return render_template("home.html", speeches=speeches)


@bp.get("/id/<kind>/<key>")
def resource(kind: str, key: str) -> Response | str:
    """A thing's URI: its description in the negotiated format."""
    uri = f"{base()}id/{kind}/{key}"
    triples = describe(uri)
    if not triples:
        abort(404)
    fmt = negotiate()
    if fmt is HTML:
        return render_template("resource.html", **view(uri, triples))
    body = serialize(triples, format=fmt.rdf, prefixes=PREFIXES)
    response = Response(body, content_type=fmt.content_type)
    response.vary.add("Accept")
    return response


def view(uri: str, triples: list[Triple]) -> dict[str, object]:
    """What the HTML template shows of a resource: title, properties, text."""
    labels = {
        t.subject.value: t.object.value
        for t in triples
        if t.predicate.value == PREFIXES["rdfs"] + "label"
        and isinstance(t.subject, NamedNode)
        and isinstance(t.object, Literal)
    }
    rows: list[tuple[str, str, str | None]] = []
    text: list[str] = []
    for t in triples:
        if t.subject != NamedNode(uri):
            continue
        name = t.predicate.value
        short = next(
            (f"{p}:{name[len(ns) :]}" for p, ns in PREFIXES.items() if name.startswith(ns)), name
        )
        if short == "sld:text" and isinstance(t.object, Literal):
            text = t.object.value.split("\n\n")
        elif isinstance(t.object, NamedNode):
            rows.append((short, labels.get(t.object.value, t.object.value), t.object.value))
        elif isinstance(t.object, Literal):
            rows.append((short, t.object.value, None))
    return {"uri": uri, "title": labels.get(uri, uri), "rows": sorted(rows), "text": text}
