"""publisher/export/expanded.py makes the node objects pyld's `from_rdf` makes, in its order."""

from __future__ import annotations

import json

import pyoxigraph as ox
from pyld import jsonld

from publisher.export import expanded as module
from publisher.export.base import Release
from publisher.export.expanded import expand, pyld_dataset
from publisher.load.dataset import load_dataset
from publisher.settings import Settings
from tests.conftest import REPO

EX = "https://example.org/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _same(triples: list[ox.Triple]) -> None:
    """Equal to pyld's, key order included (json.dumps keeps it)."""
    expected = jsonld.from_rdf(pyld_dataset(triples))
    assert json.dumps(expand(triples)) == json.dumps(expected)


def _n(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def test_the_release_expands_as_pyld_expands_it() -> None:
    settings = Settings(root=REPO)
    release = Release(load_dataset(settings), settings)
    triples = sorted({quad.triple for quad in release.quads}, key=str)
    assert module._nodes(triples) is not None  # no fallback: the shortcut is what is compared
    _same(triples)


def test_edge_cases_expand_as_pyld_expands_them() -> None:
    """Unsorted triples and repeated ones, types (IRI, blank node, literal), every kind of
    literal, blank nodes, objects that are no subject, predicates met again later."""
    b = ox.BlankNode("b1")
    triples = [
        ox.Triple(_n("z"), _n("p"), ox.Literal("late")),
        ox.Triple(_n("a"), _n("q"), _n("z")),
        ox.Triple(_n("a"), ox.NamedNode(RDF + "type"), _n("T")),
        ox.Triple(_n("a"), _n("p"), ox.Literal("plain")),
        ox.Triple(_n("a"), ox.NamedNode(RDF + "type"), b),
        ox.Triple(_n("a"), _n("q"), _n("z")),
        ox.Triple(_n("a"), ox.NamedNode(RDF + "type"), ox.Literal("a literal type")),
        ox.Triple(_n("a"), _n("p"), ox.Literal("hello", language="en")),
        ox.Triple(_n("a"), _n("p"), ox.Literal("1", datatype=ox.NamedNode(XSD + "integer"))),
        ox.Triple(_n("a"), _n("p"), ox.Literal("s", datatype=ox.NamedNode(XSD + "string"))),
        ox.Triple(_n("a"), _n("r"), b),
        ox.Triple(b, _n("p"), ox.Literal("in a blank node")),
        ox.Triple(_n("a"), ox.NamedNode(RDF + "type"), _n("T")),
        ox.Triple(_n("a"), _n("p"), ox.Literal("plain")),
        ox.Triple(_n("m"), _n("r"), _n("only-an-object")),
    ]
    assert module._nodes(triples) is not None
    _same(triples)
    _same([])


def test_lists_and_json_literals_are_left_to_pyld() -> None:
    """An `rdf:nil` object (pyld turns lists into @list) and an `rdf:JSON` literal (parsed)."""
    head = ox.BlankNode("l1")
    listed = [ox.Triple(_n("a"), _n("list"), head),
              ox.Triple(head, ox.NamedNode(RDF + "first"), ox.Literal("x")),
              ox.Triple(head, ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil"))]
    json_literal = [ox.Triple(_n("a"), _n("data"), ox.Literal('{"k": 1}', datatype=ox.NamedNode(RDF + "JSON")))]
    for triples in (listed, json_literal):
        assert module._nodes(triples) is None
        _same(triples)
