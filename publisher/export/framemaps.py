"""The two node maps framing starts from, made at once from a record's triples.

Framing a record used to build three structures one from the other: the expanded nodes
(publisher/export/expanded.py), pyld's node map of them (`flat_node_map`), and its merge
(`merged_copy`); over a quarter of a record's framing time, for what is one grouping of the
triples by subject and property. `node_maps(triples)` makes the last two from the triples
themselves, as those three steps make them:

- the node map: one node per subject, in sorted order, each `{"@id": iri}` first, then its
  properties sorted (`@type` holding the type IRIs), each with its values in triple order;
  a node reference as a new `{"@id"}` object, after an empty node for its target (if it has
  none yet) inserted where the reference is met;
- the merged map: the nodes sorted by IRI, each a copy with new arrays of the same values.

Two values of a property are equal only where their objects are one RDF term (distinct terms
give distinct value objects), so distinct triples never repeat a value. Where a triple holds a
blank node, an `rdf:nil` or `rdf:JSON` object or an RDF-star term, or comes twice, the answer
is None and the three steps run. tests/export/test_framemaps.py compares the maps with theirs
and with plain pyld's.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from publisher.export.expanded import RDF_NIL, RDF_TYPE, _object
from publisher.export.nodemap import Nodes

#: a value as the node map holds it: a type IRI, a value object or a new node reference
_Grouped = Any


def node_maps(triples: list[ox.Triple]) -> tuple[Nodes, Nodes] | None:
    """pyld 3.3's node map of `expand(triples)` and its merge (`_merge_node_map_graphs`)."""
    grouped = _grouped(triples)
    if grouped is None:
        return None
    graph: Nodes = {}
    for subject in sorted(grouped):
        node = graph.setdefault(subject, {"@id": subject})
        properties = grouped[subject]
        for property in sorted(properties):
            values = node[property] = properties[property]
            for value in values:  # a reference's target gets an empty node, if it has none yet
                if type(value) is dict and "@id" in value and value["@id"] not in graph:
                    graph[value["@id"]] = {"@id": value["@id"]}
    merged = {subject: {key: value if key == "@id" else list(value) for key, value in node.items()}
              for subject, node in sorted(graph.items())}
    return graph, merged


def _grouped(triples: list[ox.Triple]) -> dict[str, dict[str, list[_Grouped]]] | None:
    """The triples' values by subject IRI and property, in triple order."""
    if len(set(triples)) != len(triples):
        return None
    grouped: dict[str, dict[str, list[_Grouped]]] = {}
    for triple in triples:
        subject, term = triple.subject, triple.object
        if type(subject) is not ox.NamedNode:
            return None
        property = triple.predicate.value
        value: _Grouped
        if type(term) is ox.NamedNode:
            iri = term.value
            if iri == RDF_NIL:
                return None
            if property == RDF_TYPE:
                property, value = "@type", iri
            else:
                value = {"@id": iri}
        elif type(term) is ox.Literal:
            value = _object(term)
            if value is None:
                return None
        else:
            return None
        properties = grouped.get(subject.value)
        if properties is None:
            properties = grouped[subject.value] = {}
        values = properties.get(property)
        if values is None:
            properties[property] = [value]
        else:
            values.append(value)
    return grouped

