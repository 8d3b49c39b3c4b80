"""The ontology served at {base}ontology: a documentation page and the RDF formats."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, Response, render_template, url_for
from pyoxigraph import Triple
from rdflib import OWL, RDF
from rdflib.namespace import DCTERMS
from werkzeug.exceptions import NotFound

from speechld.formats import DOCUMENT_FORMATS, HTML, Format
from speechld.rdf import to_ox
from speechld.vocab import ONTOLOGY
from speechld.web import terms
from speechld.web.documents import serialize_graph
from speechld.web.negotiation import negotiate, split_suffix
from speechld.web.store import base

bp = Blueprint("ontology", __name__)


@cache
def ontology_triples() -> tuple[Triple, ...]:
    """The ontology's triples, in a stable order."""
    graph = terms.ontology_graph()
    return tuple(
        sorted(
            (Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph),  # type: ignore[arg-type]
            key=str,
        )
    )


def metadata() -> dict[str, str]:
    """The ontology's title, description and version, for its page."""
    graph = terms.ontology_graph()
    subject = next(iter(graph.subjects(RDF.type, OWL.Ontology)), None)
    found: dict[str, str] = {"iri": ONTOLOGY}
    if subject is not None:
        for key, predicate in (
            ("title", DCTERMS.title),
            ("description", DCTERMS.description),
            ("version", OWL.versionInfo),
            ("license", DCTERMS.license),
            ("modified", DCTERMS.modified),
        ):
            value = graph.value(subject, predicate)
            if value is not None:
                found[key] = str(value)
    return found


@bp.get("/ontology", defaults={"suffix": None})
@bp.get("/ontology.<suffix>")
def ontology(suffix: str | None) -> Response:
    """The ontology in the negotiated format or the one its suffix names."""
    fmt: Format | None = None
    if suffix is not None:
        fmt = split_suffix("ontology." + suffix)[1]
        if fmt is None:
            raise NotFound(f"The ontology is not served in a format with suffix .{suffix}.")
    chosen = fmt or negotiate()
    if chosen is HTML:
        body = render_template(
            "ontology.html",
            meta=metadata(),
            terms=terms.terms(),
            label=terms.label,
            curie=terms.curie,
            namespace=terms.NS,
            formats=[(f, url_for("ontology.ontology", suffix=f.suffix)) for f in DOCUMENT_FORMATS],
        )
        response = Response(body, content_type=HTML.content_type)
    else:
        body_bytes = serialize_graph(list(ontology_triples()), chosen, base() + "context.jsonld")
        response = Response(body_bytes, content_type=chosen.content_type)
    if fmt is None:
        response.headers["Content-Location"] = url_for("ontology.ontology", suffix=chosen.suffix)
        response.vary.add("Accept")
    response.headers["Link"] = ", ".join(
        f'<{url_for("ontology.ontology", suffix=f.suffix)}>; rel="alternate"; type="{f.media_type}"'
        for f in DOCUMENT_FORMATS
        if f is not fmt
    )
    return response
