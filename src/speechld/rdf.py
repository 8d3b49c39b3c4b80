"""Bridges between rdflib terms (the web pages') and pyoxigraph terms (mapper and store)."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term equal to an rdflib term.

    >>> to_ox(Literal("hei", lang="nb"))
    <Literal value=hei language=nb>
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def ntriples(triples: Iterable[ox.Triple]) -> str:
    """Triples as N-Triples text.

    >>> a = ox.NamedNode("http://a")
    >>> ntriples([ox.Triple(a, a, ox.Literal("x\\ny"))])
    '<http://a> <http://a> "x\\\\ny" .\\n'
    """
    return bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def from_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """The rdflib term equal to a pyoxigraph term.

    >>> from_ox(ox.Literal("hei", language="nb"))
    rdflib.term.Literal('hei', lang='nb')
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        # As written: rdflib would otherwise rewrite some (a dateTime's Z as +00:00).
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise TypeError(f"not an RDF term: {term!r}")


def graph(triples: Iterable[ox.Triple]) -> Graph:
    """pyoxigraph triples as an rdflib Graph (in a store of triples alone, without contexts)."""
    result = Graph(store="SimpleMemory")
    terms: dict[object, Node] = {}

    def term(value: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
        found = terms.get(value)
        if found is None:
            found = terms[value] = from_ox(value)
        return found

    for t in triples:
        result.add((term(t.subject), term(t.predicate), term(t.object)))
    return result
