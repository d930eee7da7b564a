"""The store pySHACL reads through counts its triples as oxrdflib's COUNT query does."""

from __future__ import annotations

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from publisher.validation.fast import count_once_store

DATA = b"""<http://e/a> <http://e/p> <http://e/b> .
<http://e/a> <http://e/p> "x" .
<http://e/a> <http://e/p> "x" .
<http://e/b> <http://e/q> "y"@en .
"""


def counts(store: ox.Store) -> tuple[list[int], list[int]]:
    graphs = [None, DATASET_DEFAULT_GRAPH_ID, URIRef("http://e/g")]
    fast = count_once_store()(store)
    plain = OxigraphStore(store=store)
    return ([fast.__len__(None if g is None else Graph(identifier=g)) for g in graphs],
            [plain.__len__(None if g is None else Graph(identifier=g)) for g in graphs])


def test_default_graph_only() -> None:
    store = ox.Store()
    store.bulk_load(DATA, format=ox.RdfFormat.N_TRIPLES)
    fast, plain = counts(store)
    assert fast == plain and fast[0] == 3


def test_named_graphs_are_counted_by_the_query() -> None:
    store = ox.Store()
    store.bulk_load(DATA, format=ox.RdfFormat.N_TRIPLES)
    store.add(ox.Quad(ox.NamedNode("http://e/c"), ox.NamedNode("http://e/p"), ox.Literal("z"),
                      ox.NamedNode("http://e/g")))
    store.add(ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("x"),
                      ox.NamedNode("http://e/g")))
    fast, plain = counts(store)
    assert fast == plain and fast[0] == 4
