"""Run the SHACL shapes over a dataset and turn pySHACL's graph into a Report people can act on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from publisher.graph import STATEMENT_GRAPH_BASE
from publisher.load import Dataset
from publisher.progress import VALIDATING, Progress, Steps

SH = Namespace("http://www.w3.org/ns/shacl#")
SEVERITIES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@dataclass(frozen=True, order=True)
class Result:
    """One SHACL result, with the file and line where its focus node is written."""

    file: str | None
    line: int | None
    focus: str
    severity: str
    path: str | None
    message: str
    value: str | None
    shape: str | None
    constraint: str


@dataclass
class Report:
    results: list[Result]
    graph: Graph = field(repr=False)

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in ("violation", "warning", "info")}

    def conforms(self, strict: bool = False) -> bool:
        """Violations always fail; with `strict`, warnings fail too."""
        if strict:
            return self.count("violation") == 0 and self.count("warning") == 0
        return self.count("violation") == 0


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)


def _iri(node: Node | None) -> str | None:
    return str(node) if isinstance(node, URIRef) else None


def _severity(node: Node | None) -> str:
    return SEVERITIES.get(node, "violation") if isinstance(node, URIRef) else "violation"


def _message(graph: Graph, result: Node) -> str:
    messages = sorted(str(m) for m in graph.objects(result, SH.resultMessage))
    return " ".join(messages[0].split()) if messages else "constraint not satisfied"


def read_results(graph: Graph, dataset: Dataset) -> list[Result]:
    results = []
    nested = set(graph.objects(None, SH.detail))
    for node in graph.subjects(RDF.type, SH.ValidationResult):
        if node in nested:  # reported through the result that carries it as sh:detail
            continue
        focus = graph.value(node, SH.focusNode)
        location = dataset.locations.get(focus) if isinstance(focus, URIRef) else None
        results.append(
            Result(
                file=location.file if location else None,
                line=location.line if location else None,
                focus=str(focus),
                severity=_severity(graph.value(node, SH.resultSeverity)),
                path=_iri(graph.value(node, SH.resultPath)),
                message=_message(graph, node),
                value=_text(graph.value(node, SH.value)),
                shape=_iri(graph.value(node, SH.sourceShape)),
                constraint=str(graph.value(node, SH.sourceConstraintComponent)),
            )
        )
    # Every field is in the key: two results may differ only in their shape or constraint
    # component, and the report must come out in one order every time.
    return sorted(set(results), key=lambda r: (r.file or "~", r.line or 0, r.focus, r.severity,
                                               r.path or "", r.message, r.value or "",
                                               r.shape or "", r.constraint))


ENGINES = ("fast", "pyshacl")


def shapes_look_backward(shapes: Graph) -> bool:
    """Whether a shape can see triples that point *at* its focus node.

    Cache keys (publisher/incremental.py) cover what a statement's nodes reach forward; an
    inverse path or a target by object could see past that, so such shapes turn the cache off
    rather than risk replaying a stale result."""
    return any(True for p in (SH.inversePath, SH.targetObjectsOf) for _ in shapes.triples((None, p, None)))


def validate(dataset: Dataset, engine: str = "fast",
             timer: Callable[[str, float], None] | None = None, cache_dir: Path | None = None,
             progress: Progress | None = None) -> Report:
    """Validate data and ontology together (concept schemes are data too); never fetches anything.

    `engine="fast"` (publisher/fastvalidate.py) gives the same Report much faster;
    `engine="pyshacl"` is plain whole-graph pySHACL, kept for comparison. The fast engine validates
    statement shards in small groups (publisher/incremental.py) and, with `cache_dir`, replays the
    results of unchanged ones; shapes that look backward make it validate the whole graph at once.

    pySHACL mixes an `ont_graph` in only when it runs inference, so the union is built here,
    in an Oxigraph-backed graph: pySHACL's SHACL-SPARQL rules on rdflib's own store grow with
    the square of the data (12 s against 0.25 s on the seed alone).

    `progress`, when given, is told how many statements are validated (publisher/progress.py).
    """
    if engine == "fast" and not shapes_look_backward(dataset.shapes):
        from publisher.incremental import validate_cached

        return validate_cached(dataset, cache_dir, timer, progress=progress)
    statements = sum(1 for name in dataset.parts if name.startswith(STATEMENT_GRAPH_BASE))
    steps = Steps(progress, VALIDATING, statements)
    if engine == "fast":
        from publisher.fastvalidate import validate_fast

        report = validate_fast(dataset, timer)
        steps.finish()
        return report
    combined = Graph(store="Oxigraph")
    combined += dataset.data
    combined += dataset.ontology
    import pyshacl  # here: importing it (and rdflib's SPARQL) costs 0.2 s a run that never calls it

    _conforms, report_graph, _text_report = pyshacl.validate(
        combined,
        shacl_graph=dataset.shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
        meta_shacl=False,
        do_owl_imports=False,
        inplace=True,
    )
    steps.finish()
    return Report(results=read_results(report_graph, dataset), graph=report_graph)
