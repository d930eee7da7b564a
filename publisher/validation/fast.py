"""Fast validation with the same Report as whole-graph pySHACL.

pySHACL runs each SHACL-SPARQL constraint once per focus node; with thousands of
statements that is hundreds of thousands of queries. Here each such constraint runs
ONCE over the whole graph in a pyoxigraph Store (the same SPARQL engine pySHACL uses
through oxrdflib, so SUBSTR, REPLACE, casts behave the same): `$this` is left unbound,
so the query's own patterns bind it (the rules are written so that `$this` appears in a
triple pattern before any FILTER or BIND reads it: tests/validation/test_rules.py checks that), and
only rows whose `$this` is a target of the shape are kept. Each row becomes a result
exactly as pySHACL builds it (focus, value, path, messages with `{?var}` substituted by
the same `re.sub`, severity, source shape).

Shapes this engine does not handle (property shapes with SPARQL, SPARQL targets, a
constraint without a message, ASK validators...) keep their `sh:sparql` and run through
pySHACL together with every core (non-SPARQL) constraint. pySHACL sees only the focus nodes
publisher/validation/prefilter.py flags (those a core shape might report on), unless the detector
cannot model the shapes.

The store here may be the whole graph or (publisher/validation/incremental.py) the closures of a few
statement shards, the usual case at scale.
"""

from __future__ import annotations

import functools
import itertools
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from publisher.load import Dataset
from publisher.validation.parts import ontology_triples, part_triples
from publisher.validation.prefilter import Plan, narrowed, plan, restrict
from publisher.validation.report import SH, Report, read_results
from publisher.validation.setwise import set_at_a_time

Timer = Callable[[str, float], None]
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_UNSUPPORTED = re.compile(r"[?$](currentShape|shapesGraph|PATH|failure)\b|\b(?i:MINUS|SERVICE|GRAPH)\b")
_SELECT = re.compile(r"\bSELECT\b", re.I)


@dataclass(frozen=True)
class SparqlRule:
    """One SHACL-SPARQL constraint of a node shape, ready to run over the whole graph."""

    shape: URIRef
    constraint: Node
    query: str
    severity: URIRef
    messages: tuple[Literal, ...]


def _prefixes(shapes: Graph, constraint: Node) -> str:
    lines = []
    for declarer in shapes.objects(constraint, SH.prefixes):
        for decl in shapes.objects(declarer, SH.declare):
            prefix, namespace = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def _target_pattern(kind: URIRef, value: Node) -> str:
    if kind == SH.targetNode:
        return f"VALUES ?this {{ {value.n3()} }}"
    return {
        SH.targetClass: f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {value.n3()} .",
        SH.targetSubjectsOf: f"?this {value.n3()} ?nida_any .",
        SH.targetObjectsOf: f"?nida_any {value.n3()} ?this .",
    }[kind]


def bind_targets(select: str, targets: Iterable[tuple[URIRef, Node]]) -> str | None:
    """The query with `$this` bound to the shape's focus nodes before anything else in its WHERE.

    pySHACL pre-binds `$this` to one focus node at a time. Joining the WHERE clause with a
    sub-select of all focus nodes, placed first, gives the same solutions as long as `$this`
    is in scope everywhere it is used: no nested SELECT, MINUS, SERVICE or GRAPH (where
    pre-binding and joining differ). Such queries return None and stay with pySHACL.
    """
    targets = list(targets)
    if not targets or _UNSUPPORTED.search(select) or len(_SELECT.findall(select)) != 1:
        return None
    if not re.search(r"[?$]this\b", select):
        return None
    brace = select.find("{")
    if brace < 0 or ("(" in select[:brace] and re.search(r"\bEXISTS\b", select[:brace], re.I)):
        return None
    union = " UNION ".join(f"{{ {_target_pattern(k, v)} }}" for k, v in targets)
    focus = f" {{ SELECT DISTINCT ?this WHERE {{ {union} }} }} "
    # Also restrict `$this` inside the group where it first occurs: SPARQL evaluates a nested
    # group on its own, and pyoxigraph then may plan it from the other end (one offset rule
    # took 103 s at 1M triples instead of under a second). The outer restriction already keeps
    # only focus nodes, so restricting again in a group where `$this` is in scope changes nothing.
    first = re.search(r"[?$]this\b", select[brace + 1:])
    inner = _innermost_open_brace(select, brace, brace + 1 + first.start()) if first else None
    if inner is not None and inner != brace:
        select = select[:inner + 1] + focus + select[inner + 1:]
    return select[:brace + 1] + focus + select[brace + 1:]


def _innermost_open_brace(text: str, start: int, end: int) -> int | None:
    """The `{` of the innermost group open at `end` (None where a string literal makes it unsure)."""
    if any(quote in text[start:end] for quote in "'\""):
        return None
    stack = [start]
    for index in range(start + 1, end):
        if text[index] == "{":
            stack.append(index)
        elif text[index] == "}" and len(stack) > 1:
            stack.pop()
    return stack[-1]


def _is_true(value: Node | None) -> bool:
    return isinstance(value, Literal) and value.value is True


def split_rules(shapes: Graph) -> tuple[list[SparqlRule], Graph]:
    """The SPARQL constraints this engine runs, and the shapes graph left for pySHACL."""
    rules: list[SparqlRule] = []
    handled: list[tuple[Node, Node]] = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        if not isinstance(shape, URIRef) or shapes.value(shape, SH.path) is not None:
            continue
        if (shape, RDF.type, RDFS.Class) in shapes or (shape, SH.target, None) in shapes:
            continue
        select = shapes.value(constraint, SH.select)
        shape_messages = tuple(shapes.objects(shape, SH.message))
        extra = tuple(m for m in shapes.objects(constraint, SH.message) if m not in shape_messages)
        messages = shape_messages + extra
        if select is None or not messages or not all(isinstance(m, Literal) for m in messages):
            continue
        text = str(select)
        targets = tuple(sorted((p, o) for p in TARGETS for o in shapes.objects(shape, p)))
        query = bind_targets(text, targets)
        if query is None:
            continue
        handled.append((shape, constraint))
        if any(_is_true(shapes.value(node, SH.deactivated)) for node in (shape, constraint)):
            continue
        severity = shapes.value(shape, SH.severity)
        rules.append(SparqlRule(
            shape=shape,
            constraint=constraint,
            query=_prefixes(shapes, constraint) + "\n" + set_at_a_time(text, query),
            severity=severity if isinstance(severity, URIRef) else SH.Violation,
            messages=tuple(m for m in messages if isinstance(m, Literal)),
        ))
    rest = Graph()
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace)
    for triple in shapes:
        if (triple[0], triple[2]) in handled and triple[1] == SH.sparql:
            continue
        rest.add(triple)
    return rules, rest


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def format_message(message: str, bound: list[tuple[str, Node]]) -> str:
    """pySHACL's own substitution: `re.sub` of `{?var}`/`{$var}` with str(value), in this order."""
    for var, val in bound:
        message = re.sub(f"{{[?$]{var}}}", str(val), message)
    return message


_CLASS_TARGET = re.compile(re.escape(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* ") + r"(<[^<>\s]*>) \.")


class ClassTargets:
    """Each `rdf:type/rdfs:subClassOf*` class target of the rules (`_target_pattern`) written
    out as the classes it reaches in one store: Oxigraph evaluates the path anew for every
    typed node (a fifth of the rules' time at st-100k), where the classes below a target class
    are few and found once per store. `?this rdf:type ?c` joined with VALUES of every `?c` that
    is `rdfs:subClassOf*` the class gives the same solutions, duplicates included."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._classes: dict[str, str | None] = {}

    def query(self, query: str) -> str:
        fresh = itertools.count()

        def values(match: re.Match[str]) -> str:
            classes = self.classes(match.group(1))
            if classes is None:
                return match.group(0)
            var = f"?nida_class{next(fresh)}"
            return f"?this <{RDF.type}> {var} . VALUES {var} {{ {classes} }}"

        return _CLASS_TARGET.sub(values, query)

    def classes(self, cls: str) -> str | None:
        """The class and its sub-classes in the store, as SPARQL terms (None where one is not an IRI)."""
        if cls not in self._classes:
            rows = self.store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>+ {cls} }}")
            found = {cls, *(str(row["c"]) for row in rows)}  # type: ignore[union-attr]
            iris = all(term.startswith("<") for term in found)
            self._classes[cls] = " ".join(sorted(found)) if iris else None
        return self._classes[cls]


def run_rule(rule: SparqlRule, store: ox.Store, report: Graph, targets: ClassTargets | None = None) -> None:
    """Evaluate one constraint over the whole store and add pySHACL-shaped results to `report`."""
    solutions = store.query(rule.query if targets is None else targets.query(rule.query))
    variables = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    seen: set[tuple[Node, ...]] = set()
    for row in solutions:  # type: ignore[union-attr]
        values = {name: to_rdflib(row[name]) for name in variables if row[name] is not None}
        this = values.pop("this", None)
        if this is None:
            continue
        path = values.pop("path", None)
        value = values.pop("value", None)
        key = (this, path or Literal(""), value or Literal(""), *sorted(values.items()))
        if key in seen:
            continue
        seen.add(key)  # type: ignore[arg-type]
        if value is None:
            value = this
        bound: list[tuple[str, Node]] = [("this", this)]
        if path is not None:
            bound.append(("path", path))
        bound.append(("value", value))
        bound.extend(values.items())
        node = BNode()
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        report.add((node, SH.sourceShape, rule.shape))
        report.add((node, SH.resultSeverity, rule.severity))
        report.add((node, SH.focusNode, this))
        report.add((node, SH.value, value))
        if path is not None:
            report.add((node, SH.resultPath, path))
        report.add((node, SH.sourceConstraint, rule.constraint))
        for message in rule.messages:
            report.add((node, SH.resultMessage, Literal(format_message(str(message.value), bound))))


def data_store(dataset: Dataset) -> ox.Store:
    store = ox.Store()
    for triples in [*part_triples(dataset).values(), ontology_triples(dataset)]:
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return store


def empty_report() -> Graph:
    """What pySHACL returns when nothing is reported."""
    report = Graph()
    report.bind("sh", SH)
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, Literal(True)))
    return report


@functools.cache
def count_once_store() -> Any:
    """oxrdflib's store class, counting its triples once (made on first use: importing oxrdflib
    imports rdflib's SPARQL engine, a tenth of a second that a run whose shards all come from
    the cache never needs).

    oxrdflib runs a COUNT query over the whole store on every len(); pySHACL asks for it once
    per result while writing the result's text (0.15 s each at 50k triples, so 10 s for 70
    warnings). Validation adds no triples to the data, and the count only feeds that text.
    A store of default-graph triples only (what validation builds) is counted by pyoxigraph's
    own len(): the same number, 40 times faster than COUNT(DISTINCT) (1.4 s at 600k triples)."""
    from oxrdflib import OxigraphStore

    class CountOnceStore(OxigraphStore):
        def __init__(self, store: ox.Store) -> None:
            super().__init__(store=store)
            self._data = store
            self._sizes: dict[object, int] = {}

        def __len__(self, context: Graph | None = None) -> int:
            key = None if context is None else context.identifier
            if key not in self._sizes:
                self._sizes[key] = self._count(context)
            return self._sizes[key]

        def _count(self, context: Graph | None) -> int:
            default = context is None or context.identifier == DATASET_DEFAULT_GRAPH_ID
            if default and next(iter(self._data.named_graphs()), None) is None:
                return len(self._data)
            return super().__len__(context)

    return CountOnceStore


def pyshacl_report(core_shapes: Graph, store: ox.Store, flagged: Plan | None,
                   untargeted: Graph | None = None) -> Graph:
    """pySHACL's report of the core shapes on the store: on the flagged focus nodes only, or
    (`flagged` None) on every node. `untargeted` (the core shapes without targets, from
    `Prepared.untargeted`) is narrowed in place for the run instead of copying the shapes."""
    if flagged is None:
        return _pyshacl(core_shapes, store)
    if not flagged.flagged:
        return empty_report()
    if untargeted is None:
        return _pyshacl(restrict(core_shapes, flagged), store)
    with narrowed(untargeted, flagged) as shapes:
        return _pyshacl(shapes, store)


def _pyshacl(shapes: Graph, store: ox.Store) -> Graph:
    combined = Graph(store=count_once_store()(store), identifier=DATASET_DEFAULT_GRAPH_ID)
    import pyshacl  # here: importing it (and rdflib's SPARQL) costs 0.2 s a run that never calls it

    _conforms, report, _text = pyshacl.validate(
        combined, shacl_graph=shapes,
        inference="none", advanced=True, allow_warnings=True, abort_on_first=False, meta_shacl=False,
        do_owl_imports=False, inplace=True,
    )
    assert isinstance(report, Graph)
    return report


def core_report(core_shapes: Graph, store: ox.Store) -> Graph:
    """pySHACL's report of the core shapes, run only on the focus nodes that can have results.

    publisher/validation/prefilter.py flags every focus node a core shape might report on, and the shapes
    are rewritten to target just those; pySHACL then runs on the whole store as before, so each
    result is its own. When the detector cannot model the shapes, pySHACL sees every node."""
    restricted = plan(core_shapes, store)
    return pyshacl_report(core_shapes, store, restricted)


def rule_report(rules: list[SparqlRule], store: ox.Store) -> Graph:
    """The SHACL-SPARQL constraints' results, each constraint run once over the store."""
    report = empty_report()
    targets = ClassTargets(store)
    for rule in rules:
        run_rule(rule, store, report, targets)
    return report


def validate_fast(dataset: Dataset, timer: Timer | None = None) -> Report:
    """Core shapes through pySHACL (flagged focus nodes only), SHACL-SPARQL constraints once each,
    on the whole graph (publisher/validation/incremental.py validates groups of shards instead)."""
    started = time.perf_counter()
    rules, core_shapes = split_rules(dataset.shapes)
    # one pyoxigraph store of data + ontology serves pySHACL (through oxrdflib) and the rules
    store = data_store(dataset)
    report = core_report(core_shapes, store)
    if timer:
        timer("validate: core shapes (pySHACL)", time.perf_counter() - started)
    started = time.perf_counter()
    targets = ClassTargets(store)
    for rule in rules:
        run_rule(rule, store, report, targets)
    report.set((next(report.subjects(RDF.type, SH.ValidationReport)), SH.conforms,
                Literal(not any(True for _ in report.subjects(SH.resultSeverity, SH.Violation)))))
    if timer:
        timer("validate: SPARQL rules (pyoxigraph)", time.perf_counter() - started)
    return Report(results=read_results(report, dataset), graph=report)
