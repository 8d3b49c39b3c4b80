"""The SKOS concept schemes shipped with the ontology, as one named graph under a dataset base.

Every `*.ttl` file of the `speechld.ontology` package other than the ontology and the shapes
is a concept scheme (speech types, party groups, functions) whose IRIs are relative to the
dataset base: `<id/type/main-speech>` becomes `{base}id/type/main-speech`.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.resources import files
from importlib.resources.abc import Traversable

import pyoxigraph as ox

from speechld.errors import SpeechldError
from speechld.store.base import SourceGraph
from speechld.vocab import Minter

NOT_SCHEMES = frozenset({"speechld.ttl", "shapes.ttl"})


def scheme_files(folder: Traversable | None = None) -> list[Traversable]:
    """The concept scheme files of a folder (default: the ontology package), by name."""
    folder = folder if folder is not None else files("speechld.ontology")
    found = [f for f in folder.iterdir() if f.name.endswith(".ttl") and f.name not in NOT_SCHEMES]
    return sorted(found, key=lambda f: f.name)


def scheme_triples(base: str, sources: Iterable[Traversable]) -> list[ox.Quad]:
    """The triples of the scheme files, their relative IRIs resolved against the base."""
    triples: list[ox.Quad] = []
    for source in sources:
        try:
            triples.extend(ox.parse(source.read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=base))
        except (SyntaxError, ValueError, OSError) as error:
            raise SpeechldError(f"{source.name}: not a readable Turtle scheme: {error}") from error
    return triples


PREF_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def with_labels(triples: list[ox.Quad]) -> list[ox.Quad]:
    """The triples, and an rdfs:label for each skos:prefLabel: SKOS makes it one, and
    clients that do no reasoning read rdfs:label (every resource here carries one)."""
    labels = [ox.Quad(t.subject, LABEL, t.object) for t in triples if t.predicate == PREF_LABEL]
    return triples + labels


def vocabulary_graph(mint: Minter, sources: Iterable[Traversable] | None = None) -> SourceGraph:
    """The named graph `{base}graph/vocabulary` holding every concept scheme, for the store."""
    triples = with_labels(scheme_triples(mint.base, scheme_files() if sources is None else sources))
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else b""
    return SourceGraph(str(mint.graph("vocabulary")), bytes(text or b"").decode("utf-8"))
