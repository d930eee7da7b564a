"""publisher/export/framemaps.py makes the node map and merged map that pyld 3.3 makes of the
expanded triples when it frames them, key order included; records framed from them are plain
pyld's records."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from pyld import jsonld

from publisher.export.base import Release
from publisher.export.expanded import expand, pyld_dataset
from publisher.export.framemaps import node_maps
from publisher.export.jsonld import build_context, dump_json, refuse_remote
from publisher.export.nodemap import flat_node_map, merged_copy
from publisher.export.processor import Processor, shared_processor
from publisher.export.records import _frame, frame_statement
from publisher.graph import STATEMENT_BASE, statement_scopes
from publisher.load.dataset import load_dataset
from publisher.settings import Settings
from tests.conftest import REPO

EX = "https://example.org/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _pyld_maps(triples: list[ox.Triple]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Plain pyld's node map of the triples as `from_rdf` expands them, and its merge."""
    graph_map: dict[str, Any] = {"@default": {}}
    plain = jsonld.JsonLdProcessor()
    plain._create_node_map(jsonld.from_rdf(pyld_dataset(triples)), graph_map, "@default",
                           jsonld.IdentifierIssuer("_:b"))
    merged = plain._merge_node_map_graphs(copy.deepcopy(graph_map))
    return graph_map["@default"], merged


def _same(triples: list[ox.Triple]) -> None:
    """Equal to pyld's and to the shortcuts' it replaces, key order included."""
    found = node_maps(triples)
    assert found is not None
    graph, merged = found
    expected = _pyld_maps(triples)
    assert json.dumps(graph) == json.dumps(expected[0])
    assert json.dumps(merged) == json.dumps(expected[1])
    shortcut = flat_node_map(expand(triples))
    assert shortcut is not None and json.dumps(graph) == json.dumps(shortcut)
    assert json.dumps(merged) == json.dumps(merged_copy({"@default": shortcut}))
    for node in merged.values():  # new arrays of the node map's values
        for key, values in node.items():
            if key != "@id":
                assert values is not graph[node["@id"]][key]
                assert all(a is b for a, b in zip(values, graph[node["@id"]][key], strict=True))


def _scopes(root: Path) -> dict[str, list[ox.Triple]]:
    settings = Settings(root=root)
    return statement_scopes(Release(load_dataset(settings), settings).quads)


@pytest.mark.parametrize("root", ["bundled", "corpus"])
def test_record_scopes_are_mapped_as_pyld_maps_them(root: str, corpus: Path) -> None:
    """Every record's scope, of the bundled data (a dozen vocabularies) and of a generated
    corpus (the registry at scale), in the order records give them and reversed."""
    scopes = _scopes(REPO if root == "bundled" else corpus)
    assert scopes
    for scope in scopes.values():
        _same(scope)
        _same(scope[::-1])


def _n(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def test_edge_cases_are_mapped_as_pyld_maps_them() -> None:
    """Unsorted triples, references before and after their node and to itself, nodes only
    referenced, types (several, and a literal one), every kind of literal, a property met
    again later; blank nodes, `rdf:nil`, JSON literals, quoted triples and repeats are left to
    the usual steps."""
    type_ = ox.NamedNode(RDF + "type")
    triples = [
        ox.Triple(_n("z"), _n("p"), ox.Literal("late")),
        ox.Triple(_n("a"), _n("q"), _n("z")),
        ox.Triple(_n("a"), type_, _n("T")),
        ox.Triple(_n("a"), _n("p"), ox.Literal("plain")),
        ox.Triple(_n("a"), _n("q"), _n("y")),
        ox.Triple(_n("a"), type_, ox.Literal("a literal type")),
        ox.Triple(_n("a"), _n("p"), ox.Literal("hello", language="en")),
        ox.Triple(_n("a"), _n("p"), ox.Literal("hello", language="fr")),
        ox.Triple(_n("a"), _n("p"), ox.Literal("1", datatype=ox.NamedNode(XSD + "integer"))),
        ox.Triple(_n("a"), _n("p"), ox.Literal("1")),
        ox.Triple(_n("a"), _n("q"), _n("a")),
        ox.Triple(_n("a"), type_, _n("S")),
        ox.Triple(_n("m"), _n("r"), _n("only-an-object")),
        ox.Triple(_n("a"), _n("b"), _n("m")),
    ]
    _same(triples)
    _same(triples[::-1])
    _same(triples[:1])
    assert node_maps([]) == ({}, {})
    for odd in [ox.Triple(ox.BlankNode("b"), _n("p"), _n("a")), ox.Triple(_n("a"), _n("p"), ox.BlankNode("b")),
                ox.Triple(_n("a"), type_, ox.BlankNode("t")), ox.Triple(_n("a"), _n("p"), ox.NamedNode(RDF + "nil")),
                ox.Triple(_n("a"), type_, ox.NamedNode(RDF + "nil")),
                ox.Triple(_n("a"), _n("p"), ox.Literal("{}", datatype=ox.NamedNode(RDF + "JSON"))),
                ox.Triple(_n("a"), _n("p"), ox.Triple(_n("a"), _n("p"), _n("b"))), triples[3]]:
        assert node_maps([*triples, odd]) is None, odd


@pytest.mark.parametrize("root", ["bundled", "corpus"])
def test_records_framed_from_the_maps_equal_plain_pyld(root: str, corpus: Path) -> None:
    """`frame_statement` (node maps given) frames every record as plain pyld does from
    `from_rdf`'s expansion, twice in a row with one processor."""
    settings = Settings(root=REPO if root == "bundled" else corpus)
    context = build_context(load_dataset(settings).ontology)
    options = {"documentLoader": refuse_remote, "embed": "@once", "omitGraph": True, "omitDefault": True}
    for slug, scope in _scopes(settings.root).items():
        assert node_maps(scope) is not None
        statement = STATEMENT_BASE + slug
        plain = jsonld.frame(jsonld.from_rdf(pyld_dataset(scope)), _frame(context, statement), dict(options))
        for _ in range(2):
            assert dump_json(frame_statement(scope, statement, context)) == dump_json(plain), slug


def test_given_maps_serve_one_framing_only() -> None:
    """The stand-in input never reaches pyld: a second framing with it fails loudly, and a
    processor told no maps maps its input itself."""
    triples = [ox.Triple(_n("a"), _n("p"), ox.Literal("v")), ox.Triple(_n("a"), _n("q"), _n("b"))]
    frame = {"@context": {"ex": EX}, "@id": EX + "a"}
    options = {"documentLoader": refuse_remote, "embed": "@once", "omitGraph": True}
    expected = dump_json(jsonld.frame(expand(triples), frame, dict(options)))
    stand_in: list[dict[str, Any]] = []
    processor = shared_processor(stand_in, node_maps(triples))
    assert isinstance(processor, Processor)
    assert dump_json(processor.frame(stand_in, frame, dict(options))) == expected
    with pytest.raises(RuntimeError):
        processor.frame(stand_in, frame, dict(options))
    expanded = expand(triples)
    assert dump_json(shared_processor(expanded).frame(expanded, frame, dict(options))) == expected
