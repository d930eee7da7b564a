"""The release graph: ontology + data + materialized super-types, as sorted pyoxigraph triples.

pyoxigraph does the heavy lifting (SPARQL for materialization, fast writers); rdflib
stays on the validation side, where pySHACL needs it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from publisher.load import Dataset

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


def release_triples(dataset: Dataset) -> list[ox.Triple]:
    """Every triple of the release, de-duplicated and in one fixed order."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(*t) for g in (dataset.ontology, dataset.data) for t in ox_triples(g))
    inferred: list[ox.Triple] = []
    for query in MATERIALIZE:
        inferred.extend(store.query(query, prefixes=SPARQL_PREFIXES))  # type: ignore[arg-type]
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in inferred)
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store}
    return sorted(triples, key=sort_key)
