"""The triples validation reads of a dataset: the one way it reaches the data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph
from rdflib.term import Node

from publisher.graph import to_ox
from publisher.load import ONTOLOGY_GRAPH, Dataset


def ox_term_of(node: Node) -> Any:
    """An rdflib term as pyoxigraph's, blank nodes included."""
    return ox.BlankNode(str(node)) if isinstance(node, BNode) else to_ox(node)


def ox_triples_any(graph: Graph) -> Iterable[ox.Triple]:
    """Triples of a graph that may hold blank nodes (shapes do)."""
    for s, p, o in graph:
        yield ox.Triple(ox_term_of(s), ox_term_of(p), ox_term_of(o))


def part_triples(dataset: Dataset) -> dict[str, list[ox.Triple]]:
    """The data triples of each named graph (not the ontology's): the one way validation reaches the data."""
    return {name: triples for name, triples in dataset.parts.items() if name != ONTOLOGY_GRAPH}


def ontology_triples(dataset: Dataset) -> list[ox.Triple]:
    return dataset.loaded.get(ONTOLOGY_GRAPH) or list(ox_triples_any(dataset.ontology))
