"""Which focus nodes can the core shapes report on: a sound pre-filter for pySHACL.

pySHACL spends most of a large validation making small triple-pattern calls for focus nodes
that conform (82 s at 0.8M triples). Here each targeted shape is checked in Python over an
index of the few predicates the shapes read; a focus node is *flagged* unless every
constraint provably holds. pySHACL then validates only the flagged nodes, on the whole graph,
through a copy of the shapes whose targets are rewritten to `sh:targetNode` (and which leaves out
the property shapes that hold on every flagged node of a shape): their results are pySHACL's
own, and a node that is not flagged has none.

Every check answers True (holds), False (fails as pySHACL sees it) or None (not sure). Anything
not understood (a path that is not one IRI, a component not handled below, a non-Violation
severity inside sh:node/sh:not) is None, which flags the node; shapes whose targets cannot be
computed, SHACL-AF rules, functions or custom components make `plan` return None, and pySHACL
runs on everything as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from publisher.validation.constraints import (
    GLOBAL_UNSUPPORTED,
    MAX_DEPTH,
    RDF_TYPE,
    TARGETS,
    Compiled,
    Index,
    Term,
    Tri,
    Unsupported,
    all_true,
    compile_shape,
    has_datatype,
    lengths,
    negate,
    node_kind,
    ox_term,
    rdflib_term,
    unique_lang,
    value_range,
)
from publisher.validation.report import SH


@dataclass
class Plan:
    """The focus nodes pySHACL must validate, per targeted shape (rdflib terms: they cross processes).

    `holding` has, per flagged shape, the sh:property shapes that hold on every flagged node of
    it: pySHACL would walk them (a statement's signatures, positions, demands...) to report
    nothing, so `restrict` leaves them out."""

    flagged: dict[Node, list[Node]]
    holding: dict[Node, set[Node]] = field(default_factory=dict)

    def nodes(self) -> set[Node]:
        return {node for nodes in self.flagged.values() for node in nodes}


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

    def holding(self, shape: Node, nodes: list[Term]) -> set[Node]:
        """The sh:property shapes of `shape` that hold on every one of `nodes` (pySHACL finds
        nothing there). Checked to the end for each, where `conforms` stops at the first failure."""
        return {param for kind, param in self.shape(shape).components
                if kind == "property" and all(self.conforms(node, param, 1) is True for node in nodes)}

    def _component(self, node: Term, values: list[Term], kind: str, param: Any, on_path: bool,
                   depth: int) -> Tri:
        if kind == "property":
            return self.conforms(node, param, depth + 1)
        if kind == "node":
            return all_true(self.value_conforms(v, param, depth + 1) for v in values)
        if kind == "not":
            return all_true(negate(self.value_conforms(v, param, depth + 1)) for v in values)
        if kind == "class":
            return all(not isinstance(v, ox.Literal) and self.index.has_class(v, param) for v in values)
        if kind == "qualified":
            return self._qualified(values, param, on_path, depth)
        if kind in ("minCount", "maxCount"):
            if not on_path or param is None:
                return None
            return bool(len(values) >= param if kind == "minCount" else len(values) <= param)
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


#: components that look at the value nodes only: name -> check(values, compiled parameter)
VALUE_CHECKS: dict[str, Callable[[list[Term], Any], Tri]] = {
    "datatype": lambda values, dt: all_true(has_datatype(v, dt) for v in values),
    "nodeKind": node_kind,
    "minLength": lambda values, limit: lengths(values, limit, longest=False),
    "maxLength": lambda values, limit: lengths(values, limit, longest=True),
    "pattern": lambda values, regex: all(not isinstance(v, ox.BlankNode) and regex.search(v.value) is not None
                                         for v in values),
    "hasValue": lambda values, value: value in values,
    "in": lambda values, members: all(v in members for v in values),
    "uniqueLang": unique_lang,
    **{name: value_range(name) for name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive")},
}


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
    #: targeted shapes whose sh:property shapes may be left out (`Plan.holding`)
    prunable: set[Node] = field(default_factory=set)


def prepare(shapes: Graph) -> Prepared | None:
    """The shapes ready for `plan`; None when they use what the detector does not model."""
    try:
        _check_supported(shapes)
    except Unsupported:
        return None
    targeted = sorted({s for p in TARGETS for s in shapes.subjects(p, None)}, key=str)
    return Prepared(shapes=shapes,
                    paths={str(p) for p in shapes.objects(None, SH.path) if isinstance(p, URIRef)},
                    targeted=targeted, compiled={}, prunable=_prunable(shapes, targeted))


def _prunable(shapes: Graph, targeted: list[Node]) -> set[Node]:
    """The targeted shapes nothing else refers to (but as a target): leaving some of their
    sh:property shapes out changes no other shape's verdict (as it would through sh:node,
    sh:not...). None at all where sh:closed or disjoint qualified shapes read the sibling
    property shapes."""
    siblings = (SH.closed, SH.qualifiedValueShapesDisjoint)
    if any(True for p in siblings for _ in shapes.triples((None, p, None))):
        return set()
    return {shape for shape in targeted
            if all(p in TARGETS for p in shapes.predicates(None, shape))}  # a class may share its IRI


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
        found = Plan({})
        for shape in prepared.targeted:
            nodes = [n for n in focus_nodes(prepared.shapes, shape, detector.index)
                     if (keep is None or keep(n)) and detector.conforms(n, shape) is not True]
            if nodes:
                found.flagged[shape] = [rdflib_term(n) for n in nodes]
                if shape in prepared.prunable:
                    found.holding[shape] = detector.holding(shape, nodes)
        return found
    except Unsupported:
        return None


def untargeted(shapes: Graph) -> Graph:
    """A copy of the shapes in which no shape has a target."""
    targeted = {s for p in TARGETS for s in shapes.subjects(p, None)}
    rewritten = Graph()
    for prefix, namespace in shapes.namespaces():
        rewritten.bind(prefix, namespace)
    for triple in shapes:
        if not (triple[1] in TARGETS and triple[0] in targeted):
            rewritten.add(triple)
    return rewritten


def restrict(shapes: Graph, found: Plan) -> Graph:
    """A copy of the shapes in which each targeted shape targets only its flagged nodes, without
    the property shapes that hold on all of them."""
    rewritten = untargeted(shapes)
    _narrow(rewritten, found)
    return rewritten


Triple = tuple[Node, Node, Node]


def _narrow(shapes: Graph, found: Plan) -> tuple[list[Triple], list[Triple]]:
    """Targets the flagged nodes and leaves out the property shapes that hold on them, in place
    (on shapes without targets, so each target is new); the triples added, and those removed."""
    added: list[Triple] = [(shape, SH.targetNode, node)
                           for shape, nodes in found.flagged.items() for node in nodes]
    removed: list[Triple] = [(shape, SH.property, prop)
                             for shape, props in found.holding.items() for prop in props
                             if (shape, SH.property, prop) in shapes]
    for triple in removed:
        shapes.remove(triple)
    for triple in added:
        shapes.add(triple)
    return added, removed


@contextmanager
def narrowed(base: Graph, found: Plan) -> Iterator[Graph]:
    """`base` (shapes from `untargeted`) narrowed to the plan for one pySHACL run, and put back as
    it was after it: copying the shapes for each group of shards cost more than the run itself
    (12 of 22 ms at st-100k). Runs in one process at a time (workers are forked)."""
    added, removed = _narrow(base, found)
    try:
        yield base
    finally:
        for triple in added:
            base.remove(triple)
        for triple in removed:
            base.add(triple)
