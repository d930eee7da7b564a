"""Which focus nodes can the core shapes report on: a sound pre-filter for pySHACL.

pySHACL spends most of a large validation making small triple-pattern calls for focus nodes
that conform (82 s at 0.8M triples). Here each targeted shape is checked in Python over an
index of the few predicates the shapes read; a focus node is *flagged* unless every
constraint provably holds. pySHACL then validates only the flagged nodes, on the whole graph,
through a copy of the shapes whose targets are rewritten to `sh:targetNode`: their results are
pySHACL's own, and a node that is not flagged has none.

Every check answers True (holds), False (fails as pySHACL sees it) or None (not sure). Anything
not understood (a path that is not one IRI, a component not handled below, a non-Violation
severity inside sh:node/sh:not) is None, which flags the node; shapes whose targets cannot be
computed, SHACL-AF rules, functions or custom components make `plan` return None, and pySHACL
runs on everything as before.
"""

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
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from publisher.graph import to_ox
from publisher.load import to_rdflib
from publisher.validate import SH

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


@dataclass
class Plan:
    """The focus nodes pySHACL must validate, per targeted shape (rdflib terms: they cross processes)."""

    flagged: dict[Node, list[Node]]

    def nodes(self) -> set[Node]:
        return {node for nodes in self.flagged.values() for node in nodes}


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


def _all_true(checks: Iterable[Tri]) -> Tri:
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


def _has_datatype(value: Term, datatype: str) -> Tri:
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


class Detector:
    """Checks focus nodes against the shapes: True only when no constraint can report."""

    def __init__(self, shapes: Graph, index: Index, compiled: dict[Node, Compiled] | None = None) -> None:
        self.shapes = shapes
        self.index = index
        self._compiled: dict[Node, Compiled] = {} if compiled is None else compiled
        self._memo: dict[tuple[Term, Node], Tri] = {}

    def shape(self, shape: Node) -> Compiled:
        if shape not in self._compiled:
            self._compiled[shape] = compile_shape(self.shapes, shape)
        return self._compiled[shape]

    def value_conforms(self, node: Term, shape: Node, depth: int) -> Tri:
        """`conforms` for the value nodes of sh:node and sh:not, which repeat (concepts): memoized."""
        key = (node, shape)
        if key not in self._memo:
            self._memo[key] = self.conforms(node, shape, depth)
        return self._memo[key]

    def conforms(self, node: Term, shape: Node, depth: int = 0) -> Tri:
        """Whether pySHACL finds `node` conforming to `shape` (None: not sure)."""
        compiled = self._compiled.get(shape) or self.shape(shape)
        if compiled.deactivated:
            return True
        if depth > MAX_DEPTH or compiled.bad_path:
            return None
        on_path = compiled.path is not None
        values = self.index.objects[compiled.path].get(node, []) if compiled.path is not None else [node]
        verdict: Tri = True
        for kind, param in compiled.components:  # a loop, not a generator: this runs per focus node
            check = self._component(node, values, kind, param, on_path, depth)
            if check is False:
                return None if compiled.lenient else False
            if check is None:
                verdict = None
        return verdict

    def _component(self, node: Term, values: list[Term], kind: str, param: Any, on_path: bool,
                   depth: int) -> Tri:
        if kind == "property":
            return self.conforms(node, param, depth + 1)
        if kind == "node":
            return _all_true(self.value_conforms(v, param, depth + 1) for v in values)
        if kind == "not":
            return _all_true(_negate(self.value_conforms(v, param, depth + 1)) for v in values)
        if kind == "class":
            return all(not isinstance(v, ox.Literal) and self.index.has_class(v, param) for v in values)
        if kind == "qualified":
            return self._qualified(values, param, on_path, depth)
        if kind in ("minCount", "maxCount"):
            if not on_path or param is None:
                return None
            return len(values) >= param if kind == "minCount" else len(values) <= param
        check = VALUE_CHECKS.get(kind)
        return None if check is None else check(values, param)

    def _qualified(self, values: list[Term], param: tuple[Node, int | None, int | None, bool], on_path: bool,
                   depth: int) -> Tri:
        """How many values conform to the qualified value shape, against its bounds."""
        shape, low, high, bounded = param
        if not on_path or not bounded:
            return None
        checks = [self.value_conforms(v, shape, depth + 1) for v in values]
        if None in checks:
            return None
        count = checks.count(True)
        return (low is None or count >= low) and (high is None or count <= high)


def _lengths(values: list[Term], limit: int | None, longest: bool) -> Tri:
    if limit is None:
        return None
    return all(not isinstance(v, ox.BlankNode)
               and (len(v.value) <= limit if longest else len(v.value) >= limit) for v in values)


def _unique_lang(values: list[Term], on: bool) -> Tri:
    langs = [v.language.lower() for v in values if isinstance(v, ox.Literal) and v.language]
    return not on or len(langs) == len(set(langs))


def _node_kind(values: list[Term], param: Node) -> Tri:
    kinds = NODE_KINDS.get(param) if isinstance(param, URIRef) else None
    return None if kinds is None else all(isinstance(v, kinds) for v in values)


def _range(name: str) -> Callable[[list[Term], Decimal | None], Tri]:
    holds = RANGES[name]
    return lambda values, limit: (None if limit is None
                                  else _all_true(_compare(v, limit, holds) for v in values))


#: components that look at the value nodes only: name -> check(values, compiled parameter)
VALUE_CHECKS: dict[str, Callable[[list[Term], Any], Tri]] = {
    "datatype": lambda values, dt: _all_true(_has_datatype(v, dt) for v in values),
    "nodeKind": _node_kind,
    "minLength": lambda values, limit: _lengths(values, limit, longest=False),
    "maxLength": lambda values, limit: _lengths(values, limit, longest=True),
    "pattern": lambda values, regex: all(not isinstance(v, ox.BlankNode) and regex.search(v.value) is not None
                                         for v in values),
    "hasValue": lambda values, value: value in values,
    "in": lambda values, members: all(v in members for v in values),
    "uniqueLang": _unique_lang,
    **{name: _range(name) for name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive")},
}


def _negate(value: Tri) -> Tri:
    return None if value is None else not value


def _sparql_prefixes(shapes: Graph, node: Node) -> str:
    lines = set()
    for declarer in shapes.objects(node, SH.prefixes):
        for decl in shapes.objects(declarer, SH.declare):
            prefix, namespace = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.add(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(lines))


def _iri(node: Node) -> ox.NamedNode:
    if not isinstance(node, URIRef):
        raise Unsupported(f"{node!r} where an IRI is expected")
    return ox.NamedNode(str(node))


def focus_nodes(shapes: Graph, shape: Node, index: Index) -> set[Term]:
    """The nodes a shape targets, computed as pySHACL does, over the whole store."""
    found: set[Any] = set()
    for cls in shapes.objects(shape, SH.targetClass):
        for sub in index.subclasses(ox_term(cls)):
            found.update(q.subject for q in index.store.quads_for_pattern(None, RDF_TYPE, sub))
    for node in shapes.objects(shape, SH.targetNode):
        found.add(ox_term(node))
    for predicate in shapes.objects(shape, SH.targetSubjectsOf):
        found.update(q.subject for q in index.store.quads_for_pattern(None, _iri(predicate), None))
    for predicate in shapes.objects(shape, SH.targetObjectsOf):
        found.update(q.object for q in index.store.quads_for_pattern(None, _iri(predicate), None))
    for target in shapes.objects(shape, SH.target):
        select = shapes.value(target, SH.select)
        if select is None or any(True for _ in shapes.objects(target, SH.ask)):
            raise Unsupported("a target that is not a SPARQL SELECT")
        try:
            rows = index.store.query(_sparql_prefixes(shapes, target) + "\n" + str(select))
            found.update(row["this"] for row in rows if row["this"] is not None)  # type: ignore[union-attr]
        except (SyntaxError, OSError, ValueError, KeyError) as error:
            raise Unsupported(f"SPARQL target: {error}") from error
    return found


def _check_supported(shapes: Graph) -> None:
    for predicate in GLOBAL_UNSUPPORTED:
        if any(True for _ in shapes.triples((None, predicate, None))):
            raise Unsupported(f"{predicate} in the shapes")
    if any(True for _ in shapes.triples((None, SH.flags, None))):
        raise Unsupported("sh:flags")
    for cls in (RDFS.Class, OWL.Class):  # implicit class targets
        for shape in shapes.subjects(RDF.type, cls):
            if any(True for _ in shapes.triples((shape, RDF.type, SH.NodeShape))) \
                    or any(True for _ in shapes.triples((shape, SH.property, None))):
                raise Unsupported("a shape that is also a class")


@dataclass
class Prepared:
    """What the detector reads from the shapes, once for every group of shards."""

    shapes: Graph
    paths: set[str]
    targeted: list[Node]
    compiled: dict[Node, Compiled]


def prepare(shapes: Graph) -> Prepared | None:
    """The shapes ready for `plan`; None when they use what the detector does not model."""
    try:
        _check_supported(shapes)
    except Unsupported:
        return None
    return Prepared(shapes=shapes,
                    paths={str(p) for p in shapes.objects(None, SH.path) if isinstance(p, URIRef)},
                    targeted=sorted({s for p in TARGETS for s in shapes.subjects(p, None)}, key=str),
                    compiled={})


def plan(shapes: Graph | Prepared | None, store: ox.Store,
         keep: Callable[[Term], bool] | None = None) -> Plan | None:
    """The focus nodes each targeted shape must hand to pySHACL; None when pySHACL must see all.

    With `keep`, only the focus nodes it keeps are checked (a group of shards skips the
    registry nodes it reaches: the group that owns them checks them)."""
    prepared = prepare(shapes) if isinstance(shapes, Graph) else shapes
    if prepared is None:
        return None
    try:
        detector = Detector(prepared.shapes, Index(store, prepared.paths), prepared.compiled)
        flagged: dict[Node, list[Node]] = {}
        for shape in prepared.targeted:
            nodes = [rdflib_term(n) for n in focus_nodes(prepared.shapes, shape, detector.index)
                     if (keep is None or keep(n)) and detector.conforms(n, shape) is not True]
            if nodes:
                flagged[shape] = nodes
        return Plan(flagged)
    except Unsupported:
        return None


def restrict(shapes: Graph, flagged: dict[Node, list[Node]]) -> Graph:
    """A copy of the shapes in which each targeted shape targets only its flagged nodes."""
    targeted = {s for p in TARGETS for s in shapes.subjects(p, None)}
    rewritten = Graph()
    for prefix, namespace in shapes.namespaces():
        rewritten.bind(prefix, namespace)
    for triple in shapes:
        if not (triple[1] in TARGETS and triple[0] in targeted):
            rewritten.add(triple)
    for shape, nodes in flagged.items():
        for node in nodes:
            rewritten.add((shape, SH.targetNode, node))
    return rewritten
