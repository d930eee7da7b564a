"""The release graph: ontology + data + materialized super-types, as sorted pyoxigraph triples.

pyoxigraph does the heavy lifting (SPARQL for materialization, fast writers); rdflib
stays on the validation side, where pySHACL needs it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from publisher.load import GRAPH_BASE, Dataset
from publisher.settings import DATA_BASE

ONTOLOGY_GRAPH = GRAPH_BASE + "ontology"
CONCEPTS_GRAPH = GRAPH_BASE + "concepts"
CONCEPT_BASE = DATA_BASE + "concept/"

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# The dumps carry the super-types and super-properties the ontology declares, so that a
# consumer who knows only schema.org or PROV still finds schema:CreativeWork, prov:agent...
MATERIALIZE = [
    """CONSTRUCT { ?s a ?super } WHERE {
         ?s a ?class . ?class rdfs:subClassOf+ ?super . FILTER(isIRI(?super) && isIRI(?s)) }""",
    """CONSTRUCT { ?s ?super ?o } WHERE {
         ?p rdfs:subPropertyOf+ ?super . FILTER(isIRI(?super)) ?s ?p ?o . }""",
    """CONSTRUCT { ?s ?equivalent ?o } WHERE {
         ?p owl:equivalentProperty ?equivalent . FILTER(isIRI(?equivalent)) ?s ?p ?o . }""",
]
SPARQL_PREFIXES = {
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}


def to_ox(term: Node) -> ox.NamedNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))
    if isinstance(term, BNode):
        raise ValueError("blank nodes are not allowed in the release graph")
    raise TypeError(f"unsupported term {term!r}")


def ox_triples(graph: Graph) -> Iterable[ox.Triple]:
    for s, p, o in graph:
        yield ox.Triple(to_ox(s), to_ox(p), to_ox(o))  # type: ignore[arg-type]


def serialize_text(triples: Iterable[ox.Triple], format: ox.RdfFormat, **options: object) -> str:
    data = ox.serialize(triples, format=format, **options)  # type: ignore[arg-type]
    return data.decode("utf-8") if data else ""


def sort_key(triple: ox.Triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))


def quad_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def _graph_for(name: str, triple: ox.Triple) -> ox.NamedNode:
    subject = triple.subject
    is_concept = isinstance(subject, ox.NamedNode) and subject.value.startswith(CONCEPT_BASE)
    if name == ONTOLOGY_GRAPH and is_concept:
        return ox.NamedNode(CONCEPTS_GRAPH)
    return ox.NamedNode(name)


def release_quads(dataset: Dataset) -> list[ox.Quad]:
    """Every quad of the release: one named graph per statement, registry, the ontology and
    the concept schemes; inferred triples go to the graph of their subject."""
    store = ox.Store()
    home: dict[ox.NamedNode, ox.NamedNode] = {}
    for name in sorted(dataset.parts):
        for triple in ox_triples(dataset.parts[name]):
            graph = _graph_for(name, triple)
            home.setdefault(triple.subject, graph)  # type: ignore[arg-type]
            store.add(ox.Quad(triple.subject, triple.predicate, triple.object, graph))
    inferred: list[ox.Triple] = []
    for query in MATERIALIZE:
        results = store.query(query, prefixes=SPARQL_PREFIXES, use_default_graph_as_union=True)
        inferred.extend(results)  # type: ignore[arg-type]
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, home[t.subject]) for t in inferred)  # type: ignore[index]
    return sorted(store, key=quad_key)


def union_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The release as one graph: the union of its named graphs, sorted."""
    return sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=sort_key)
