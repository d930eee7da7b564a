"""SHACL core constraints compiled to three-valued checks (true, false, unknown) over an index of triples."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from publisher.graph import to_ox
from publisher.load import to_rdflib
from publisher.validation.report import SH

Term = ox.NamedNode | ox.BlankNode | ox.Literal


Tri = bool | None


TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


#: predicates of a shape that never change whether it conforms
NEUTRAL = {RDF.type, RDFS.label, RDFS.comment, SH.message, SH.severity, SH.name, SH.description,
           SH.order, SH.group, SH.defaultValue, SH.path, SH.deactivated, *TARGETS}


#: anything of these in the shapes graph (SHACL-AF rules, functions, custom components) is not handled
GLOBAL_UNSUPPORTED = (SH.rule, SH.parameter, SH.condition, SH.jsLibrary, SH.entailment)


NUMERIC = {str(XSD[name]) for name in (
    "integer", "decimal", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}


INTEGER = re.compile(r"[+-]?[0-9]+")


XSD_STRING, LANG_STRING, XSD_INTEGER = str(XSD.string), str(RDF.langString), str(XSD.integer)


MAX_DEPTH = 16


RDF_TYPE = ox.NamedNode(str(RDF.type))


class Unsupported(Exception):
    """The shapes use something the detector does not model; pySHACL must see every node."""


def ox_term(node: Node) -> Term:
    if not isinstance(node, URIRef | Literal):
        raise Unsupported(f"blank node {node!r} as a value in the shapes")
    return to_ox(node)


def rdflib_term(term: Term) -> Node:
    if isinstance(term, ox.BlankNode):
        raise Unsupported("a blank focus node")
    return to_rdflib(term)


class Index:
    """Objects of the predicates the shapes read, and the class hierarchy, from one store."""

    def __init__(self, store: ox.Store, predicates: Iterable[str]) -> None:
        self.store = store
        self.objects: dict[str, dict[Term, list[Term]]] = {}
        for predicate in {*predicates, str(RDF.type), str(RDFS.subClassOf)}:
            table: dict[Term, list[Term]] = defaultdict(list)
            for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None):
                table[quad.subject].append(quad.object)  # type: ignore[index,arg-type]
            self.objects[predicate] = table
        self._supers: dict[Term, set[Term]] = {}

    def values(self, node: Term, predicate: str) -> list[Term]:
        return self.objects[predicate].get(node, [])

    def supers(self, cls: Term) -> set[Term]:
        """The class and everything it is an rdfs:subClassOf*, as pySHACL follows it."""
        if cls not in self._supers:
            seen, frontier = {cls}, [cls]
            while frontier:
                for parent in self.values(frontier.pop(), str(RDFS.subClassOf)):
                    if parent not in seen:
                        seen.add(parent)
                        frontier.append(parent)
            self._supers[cls] = seen
        return self._supers[cls]

    def subclasses(self, cls: Term) -> set[Term]:
        return {c for c in {cls, *self.objects[str(RDFS.subClassOf)]} if cls in self.supers(c)}

    def has_class(self, node: Term, cls: Term) -> bool:
        return any(cls in self.supers(t) for t in self.values(node, str(RDF.type)))


def all_true(checks: Iterable[Tri]) -> Tri:
    result: Tri = True
    for check in checks:
        if check is False:
            return False
        if check is None:
            result = None
    return result


def _well_formed(value: ox.Literal, datatype: str) -> Tri:
    if datatype in (XSD_STRING, LANG_STRING):
        return True
    if datatype == XSD_INTEGER:
        return True if INTEGER.fullmatch(value.value) else None
    return None if getattr(rdflib_term(value), "ill_typed", True) else True


def has_datatype(value: Term, datatype: str) -> Tri:
    if not isinstance(value, ox.Literal):
        return False
    actual = LANG_STRING if value.language else value.datatype.value
    return _well_formed(value, datatype) if actual == datatype else False


NODE_KINDS = {
    SH.IRI: (ox.NamedNode,), SH.BlankNode: (ox.BlankNode,), SH.Literal: (ox.Literal,),
    SH.BlankNodeOrIRI: (ox.BlankNode, ox.NamedNode), SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
    SH.IRIOrLiteral: (ox.NamedNode, ox.Literal),
}


def _number(term: Term | Node) -> Decimal | None:
    if isinstance(term, ox.Literal) and term.datatype.value in NUMERIC:
        text = term.value
    elif isinstance(term, Literal) and str(term.datatype) in NUMERIC:
        text = str(term)
    else:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _compare(value: Term, limit: Decimal, holds: Callable[[Decimal, Decimal], bool]) -> Tri:
    number = _number(value)
    return None if number is None else holds(number, limit)


RANGES: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "minInclusive": lambda v, b: v >= b, "maxInclusive": lambda v, b: v <= b,
    "minExclusive": lambda v, b: v > b, "maxExclusive": lambda v, b: v < b,
}


@dataclass
class Compiled:
    """One shape's constraints, read once from the shapes graph."""

    path: str | None
    bad_path: bool
    lenient: bool  # a failing Warning or Info shape still conforms for pySHACL (allow_warnings)
    deactivated: bool
    components: list[tuple[str, Any]]


def _int(param: Node) -> int | None:
    return param.value if isinstance(param, Literal) and isinstance(param.value, int) else None


def _compile_param(shapes: Graph, kind: str, param: Node) -> Any:
    if kind in ("minCount", "maxCount", "minLength", "maxLength"):
        return _int(param)
    if kind in ("class", "hasValue"):
        return ox_term(param)
    if kind in RANGES:
        return _number(param)
    if kind == "pattern":
        return re.compile(str(param))
    if kind == "in":
        return frozenset(ox_term(m) for m in Collection(shapes, param))
    if kind == "uniqueLang":
        return isinstance(param, Literal) and param.value is True
    if kind == "datatype":
        return str(param)
    return param


def _name(predicate: Node) -> str:
    """A component's local name in the SHACL namespace; anything else is not one of ours."""
    text = str(predicate)
    return text[len(str(SH)):] if text.startswith(str(SH)) else "?" + text


#: the parameters of sh:QualifiedValueShapeConstraintComponent, read together as one component
QUALIFIED = {SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
             SH.qualifiedValueShapesDisjoint}


def _qualified(shapes: Graph, shape: Node) -> list[tuple[str, Any]]:
    """("qualified", (value shape, min, max)), or an unknown component when the shape has several
    value shapes or asks for disjoint siblings (not modelled: the node is flagged)."""
    value_shapes = list(shapes.objects(shape, SH.qualifiedValueShape))
    if not value_shapes:
        return []
    disjoint = shapes.value(shape, SH.qualifiedValueShapesDisjoint)
    if len(value_shapes) > 1 or (isinstance(disjoint, Literal) and disjoint.value is True):
        return [("?qualified", None)]
    low, high = shapes.value(shape, SH.qualifiedMinCount), shapes.value(shape, SH.qualifiedMaxCount)
    return [("qualified", (value_shapes[0], None if low is None else _int(low),
                           None if high is None else _int(high), low is not None or high is not None))]


def compile_shape(shapes: Graph, shape: Node) -> Compiled:
    path = shapes.value(shape, SH.path)
    deactivated = shapes.value(shape, SH.deactivated)
    return Compiled(
        path=str(path) if isinstance(path, URIRef) else None,
        bad_path=path is not None and not isinstance(path, URIRef),
        lenient=shapes.value(shape, SH.severity) not in (None, SH.Violation),
        deactivated=isinstance(deactivated, Literal) and deactivated.value is True,
        components=[(_name(p), _compile_param(shapes, _name(p), o))
                    for p, o in sorted(shapes.predicate_objects(shape)) if p not in NEUTRAL | QUALIFIED]
        + _qualified(shapes, shape),
    )


def lengths(values: list[Term], limit: int | None, longest: bool) -> Tri:
    if limit is None:
        return None
    return all(not isinstance(v, ox.BlankNode)
               and (len(v.value) <= limit if longest else len(v.value) >= limit) for v in values)


def unique_lang(values: list[Term], on: bool) -> Tri:
    langs = [v.language.lower() for v in values if isinstance(v, ox.Literal) and v.language]
    return not on or len(langs) == len(set(langs))


def node_kind(values: list[Term], param: Node) -> Tri:
    kinds = NODE_KINDS.get(param) if isinstance(param, URIRef) else None
    return None if kinds is None else all(isinstance(v, kinds) for v in values)


def value_range(name: str) -> Callable[[list[Term], Decimal | None], Tri]:
    holds = RANGES[name]
    return lambda values, limit: (None if limit is None
                                  else all_true(_compare(v, limit, holds) for v in values))


def negate(value: Tri) -> Tri:
    return None if value is None else not value
