"""Materialization in Python (`graph.ontology_axioms`, `graph.inferred`) gives exactly what the
SPARQL patterns of `graph.MATERIALIZE` give when pyoxigraph evaluates them on a store."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest

from publisher import graph as graph_module
from publisher.graph import (
    CONCEPT_BASE,
    CONCEPTS_GRAPH,
    MATERIALIZE,
    SPARQL_PREFIXES,
    entailed_graph,
    graph_quads,
    inferred,
    inferred_triples,
    is_entailed,
    ontology_axioms,
    sorted_unique,
    triple_text,
    union_triples,
)
from publisher.load.dataset import ONTOLOGY_GRAPH, load_dataset
from publisher.remember import unions_remembered
from publisher.settings import Settings
from tests.conftest import REPO

EX = "https://example.org/"
RDF, RDFS, OWL = (SPARQL_PREFIXES[p] for p in ("rdf", "rdfs", "owl"))


def n(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def sparql_inferred(quads: list[ox.Quad]) -> set[ox.Quad]:
    store = ox.Store()
    store.bulk_extend(quads)
    found = set()
    for query in MATERIALIZE:
        for row in store.query(query.replace("ONTOLOGY", ONTOLOGY_GRAPH), prefixes=SPARQL_PREFIXES):  # type: ignore[union-attr]
            found.add(ox.Quad(row["s"], row["p"], row["o"], row["g"]))
    return found


def python_inferred(quads: list[ox.Quad]) -> set[ox.Quad]:
    ontology = [q.triple for q in quads if q.graph_name == ox.NamedNode(ONTOLOGY_GRAPH)]
    axioms = ontology_axioms(ontology)
    return {found for quad in quads for found in inferred(quad, axioms)}


def test_cycles_blank_nodes_literals_and_equivalences_infer_what_sparql_does() -> None:
    ontology, concepts, data = (ox.NamedNode(g) for g in (ONTOLOGY_GRAPH, CONCEPTS_GRAPH, EX + "graph/1"))
    sub_class, sub_property = ox.NamedNode(RDFS + "subClassOf"), ox.NamedNode(RDFS + "subPropertyOf")
    equivalent, a = ox.NamedNode(OWL + "equivalentProperty"), ox.NamedNode(RDF + "type")
    blank, other = ox.BlankNode("x"), ox.BlankNode("b")
    quads = [
        ox.Quad(n("A"), sub_class, n("B"), ontology), ox.Quad(n("B"), sub_class, n("C"), ontology),
        ox.Quad(n("C"), sub_class, n("A"), ontology), ox.Quad(n("B"), sub_class, blank, ontology),
        ox.Quad(blank, sub_class, n("E"), ontology), ox.Quad(n("D"), sub_class, ox.Literal("lit"), ontology),
        ox.Quad(n("p"), sub_property, n("q"), ontology), ox.Quad(n("q"), sub_property, n("r"), ontology),
        ox.Quad(n("p"), equivalent, n("e"), ontology), ox.Quad(n("e"), equivalent, n("p"), ontology),
        ox.Quad(n("q"), equivalent, ox.BlankNode("y"), ontology), ox.Quad(n("r"), sub_property, a, ontology),
        ox.Quad(n("A"), a, ox.NamedNode(OWL + "Class"), ontology), ox.Quad(n("X"), a, n("A"), ontology),
        ox.Quad(ox.NamedNode(CONCEPT_BASE + "s/c"), sub_class, n("Z"), concepts),
        ox.Quad(n("Z"), sub_class, n("W"), concepts), ox.Quad(n("s0"), a, n("Z"), data),
        ox.Quad(n("s1"), a, n("A"), data), ox.Quad(n("s1"), n("p"), ox.Literal("o", language="en"), data),
        ox.Quad(other, a, n("A"), data), ox.Quad(other, n("e"), n("s1"), data),
        ox.Quad(n("s2"), n("q"), n("s3"), data), ox.Quad(n("s2"), a, n("D"), data),
        ox.Quad(n("s3"), a, blank, data),
    ]
    expected = sparql_inferred(quads)
    assert len(expected) == 16
    assert python_inferred(quads) == expected
    # the site index materializes a subject's triples as triples: the same ones
    axioms = ontology_axioms([q.triple for q in quads if q.graph_name == ontology])
    assert ({(t, q.graph_name) for q in quads for t in inferred_triples(q.triple, axioms)}
            == {(q.triple, q.graph_name) for q in expected})


def test_the_bundled_release_graphs_equal_a_store_materialized_with_sparql() -> None:
    dataset = load_dataset(Settings(root=REPO))
    graphs = graph_quads(dataset, dataset.parts)
    placed = [q for quads in graphs.values() for q in quads]
    stored = []
    for name, triples in dataset.parts.items():
        for t in triples:
            graph = CONCEPTS_GRAPH if name == ONTOLOGY_GRAPH and isinstance(t.subject, ox.NamedNode) \
                and t.subject.value.startswith(CONCEPT_BASE) else name
            stored.append(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)))
    asserted = {(q.triple, q.graph_name.value) for q in stored}
    entailed = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(entailed_graph(q.graph_name.value)))
                for q in sparql_inferred(stored) if (q.triple, q.graph_name.value) not in asserted]
    expected = sorted_unique([*stored, *entailed], str)
    assert sorted_unique(placed, str) == expected
    assert len(entailed) > 100
    assert all(is_entailed(q.graph_name.value) for q in entailed)



def test_a_union_is_made_once_per_list_within_unions_remembered() -> None:
    """`unions_remembered`: the same list of quads gives the same union, made once; another list
    (even equal) or a generator is not remembered; outside the block nothing is."""
    graph = ox.NamedNode("urn:x:g")
    quads = [ox.Quad(ox.NamedNode(f"urn:x:s{n % 3}"), ox.NamedNode("urn:x:p"), ox.Literal(str(n)), graph)
             for n in range(9, 0, -1)]
    made: list[int] = []
    plain = graph_module.sorted_union

    def counting(triples: Any) -> Any:
        made.append(1)
        return plain(triples)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(graph_module, "sorted_union", counting)
        with unions_remembered():
            first, second = union_triples(quads), union_triples(quads)
            union_triples(list(quads))
            union_triples(q for q in quads)
        union_triples(quads)
    assert first == second == graph_module.sorted_unique((q.triple for q in quads), triple_text)
    assert first is not second
    assert len(first) == 9 and len(made) == 4
