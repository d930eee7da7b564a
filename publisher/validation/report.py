"""A validation Report people can act on: pySHACL's result graph read into Results with file and line."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from publisher.load import Dataset

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


def iri_or_none(node: Node | None) -> str | None:
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
                path=iri_or_none(graph.value(node, SH.resultPath)),
                message=_message(graph, node),
                value=_text(graph.value(node, SH.value)),
                shape=iri_or_none(graph.value(node, SH.sourceShape)),
                constraint=str(graph.value(node, SH.sourceConstraintComponent)),
            )
        )
    # Every field is in the key: two results may differ only in their shape or constraint
    # component, and the report must come out in one order every time.
    return sorted(set(results), key=lambda r: (r.file or "~", r.line or 0, r.focus, r.severity,
                                               r.path or "", r.message, r.value or "",
                                               r.shape or "", r.constraint))
