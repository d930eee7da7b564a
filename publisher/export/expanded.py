"""Triples as the expanded JSON-LD that pyld's framing and compaction start from.

`expand(triples)` is `jsonld.from_rdf(pyld_dataset(triples))`, the same node objects, made
without the intermediate RDF dataset of dicts and without pyld's per-triple bookkeeping (for
RDF lists, which the release has none of): a tenth of the CPU of framing the records and of
compacting the dump went into building their input. pyld 3.3's `_from_rdf` (no native types,
no `rdf:type` as a property, no direction) makes of a dataset without `rdf:nil` objects: one
node per subject, sorted by IRI, its `@id` first, then each predicate in the order of its first
triple, with an array of values in triple order (`rdf:type` IRIs under `@type`). Where a triple
holds anything else (an `rdf:nil` object, an `rdf:JSON` literal, an RDF-star term), or the
installed PyLD is not the pinned one, pyld converts the triples itself.
tests/export/test_expanded.py compares both on the release and on edge cases.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from pyld import jsonld

from publisher.export.processor import shortcuts_apply

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF + "type"
RDF_NIL = RDF + "nil"
RDF_JSON = RDF + "JSON"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Node = dict[str, Any]


def pyld_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
    """A term in pyld's RDF dataset form."""
    if isinstance(term, ox.NamedNode):
        return {"type": "IRI", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "blank node", "value": f"_:{term.value}"}
    node = {"type": "literal", "value": term.value, "datatype": term.datatype.value}
    if term.language:
        node["language"] = term.language
    return node


def pyld_dataset(triples: list[ox.Triple]) -> dict[str, list[dict[str, Any]]]:
    """Triples in pyld's own RDF dataset form.

    Handing pyld N-Quads text instead costs the square of the triple count: its N-Quads
    parser de-duplicates by scanning a list (about 2 minutes for 15k triples).
    """
    rows = [
        {"subject": pyld_term(t.subject), "predicate": pyld_term(t.predicate),  # type: ignore[arg-type]
         "object": pyld_term(t.object)}  # type: ignore[arg-type]
        for t in triples
    ]
    return {"@default": rows}


def expand(triples: list[ox.Triple]) -> list[Node]:
    """`jsonld.from_rdf(pyld_dataset(triples))`: by `_nodes` where it applies, else by pyld."""
    nodes = _nodes(triples) if shortcuts_apply() else None
    if nodes is None:
        expanded: list[Node] = jsonld.from_rdf(pyld_dataset(triples))
        return expanded
    return nodes


def _nodes(triples: list[ox.Triple]) -> list[Node] | None:
    """What pyld 3.3's `_from_rdf` makes of the triples (see the module's docstring); None where
    a triple holds what it would treat otherwise."""
    nodes: dict[str, Node] = {}
    for triple in triples:
        subject = _identifier(triple.subject)
        value = _object(triple.object)
        if subject is None or value is None:
            return None
        node = nodes.get(subject)
        if node is None:
            node = nodes[subject] = {"@id": subject}
        predicate = triple.predicate.value
        if predicate == RDF_TYPE and "@id" in value:
            node.setdefault("@type", []).append(value["@id"])
        else:
            node.setdefault(predicate, []).append(value)
    return [node for _subject, node in sorted(nodes.items())]


def _identifier(term: Any) -> str | None:
    """A subject's or an object's `@id`, as pyld's dataset form writes it."""
    kind = type(term)
    if kind is ox.NamedNode:
        return str(term.value)
    if kind is ox.BlankNode:
        return f"_:{term.value}"
    return None


def _object(term: Any) -> dict[str, Any] | None:
    """pyld 3.3 `_rdf_to_object` of an object (no native types, no direction); None for
    `rdf:nil` (the end of an RDF list), an `rdf:JSON` literal, or an unknown kind of term."""
    if type(term) is ox.Literal:
        if term.language:
            return {"@value": term.value, "@language": term.language}
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return {"@value": term.value}
        return None if datatype == RDF_JSON else {"@value": term.value, "@type": datatype}
    identifier = _identifier(term)
    return None if identifier is None or identifier == RDF_NIL else {"@id": identifier}
