"""The SKOS concept schemes: found in the ontology package, resolved against the dataset base."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from speechld.errors import SpeechldError
from speechld.schemes import NOT_SCHEMES, scheme_files, vocabulary_graph
from speechld.vocab import ONTOLOGY, Minter

from .handmade import BASE, SCHEMES


def loaded(base: str) -> tuple[str, Graph]:
    source = vocabulary_graph(Minter(base), scheme_files(SCHEMES))
    return source.graph, Graph().parse(data=source.ntriples, format="nt")


def test_fixture_schemes_are_found_by_name() -> None:
    assert [f.name for f in scheme_files(SCHEMES)] == ["functions.ttl", "groups.ttl", "types.ttl"]


def test_package_schemes_exclude_the_ontology_and_the_shapes() -> None:
    names = [f.name for f in scheme_files()]
    assert all(name.endswith(".ttl") for name in names)
    assert not NOT_SCHEMES & set(names)


@pytest.mark.parametrize("base", [BASE, "http://127.0.0.1:5000/"])
def test_relative_iris_resolve_against_the_base(base: str) -> None:
    name, graph = loaded(base)
    assert name == f"{base}graph/vocabulary"
    mint = Minter(base)
    schemes = set(graph.subjects(None, SKOS.ConceptScheme))
    assert schemes == {URIRef(f"{base}id/{kind}/") for kind in ("type", "group", "function")}
    assert (mint.type("main-speech"), SKOS.inScheme, URIRef(f"{base}id/type/")) in graph
    assert (mint.group("social-democrats"), SKOS.notation, None) in graph
    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    # every IRI is ours (under the base or the ontology's namespace) or a W3C term (RDF, SKOS, ORG)
    assert {i for i in iris if not i.startswith(base)} == {
        i for i in iris if i.startswith(("http://www.w3.org/", ONTOLOGY + "#"))
    }
    assert len([i for i in iris if i.startswith(f"{base}id/")]) == 3 + 7


def test_a_broken_scheme_is_named(tmp_path: Path) -> None:
    (tmp_path / "types.ttl").write_text("<id/type/x> a ", encoding="utf-8")
    with pytest.raises(SpeechldError, match=r"types\.ttl"):
        vocabulary_graph(Minter(BASE), scheme_files(tmp_path))


def test_no_schemes_give_an_empty_graph(tmp_path: Path) -> None:
    (tmp_path / "speechld.ttl").write_text("garbage", encoding="utf-8")
    source = vocabulary_graph(Minter(BASE), scheme_files(tmp_path))
    assert source.ntriples == ""
