"""Render a validation Report as text for people, JSON for programs, or the SHACL graph."""

from __future__ import annotations

import json
from dataclasses import asdict
from itertools import groupby

from rdflib import Graph, Literal
from rdflib.namespace import RDF

from publisher.settings import DATA_BASE, PREFIXES, SHAPES_NS
from publisher.validation.report import SH, Report, Result

_SHORT = [(DATA_BASE, ""), (SHAPES_NS, "nidash:")] + [(ns, f"{p}:") for p, ns in PREFIXES.items()]


def short(iri: str | None) -> str:
    """A compact, readable form of an IRI: data nodes by path, vocabulary terms by prefix."""
    if iri is None:
        return "-"
    for namespace, prefix in _SHORT:
        if iri.startswith(namespace):
            return prefix + iri[len(namespace):]
    return f"<{iri}>"


def summary(report: Report, strict: bool = False) -> str:
    counts = report.counts
    parts = ", ".join(f"{n} {name}{'' if n == 1 else 's'}" for name, n in counts.items() if n)
    verdict = "conforms" if report.conforms(strict) else "does not conform"
    return f"{verdict} ({parts})" if parts else verdict


def _where(result: Result) -> str:
    if result.file is None:
        return "(not found in any file)"
    return f"{result.file}:{result.line}" if result.line else result.file


def render_text(report: Report, strict: bool = False) -> str:
    lines = []
    for (where, focus), group in groupby(report.results, key=lambda r: (_where(r), r.focus)):
        lines.append(f"{where}: {short(focus)}")
        for result in group:
            value = f" (value: {result.value})" if result.value and len(result.value) < 80 else ""
            lines.append(
                f"  {result.severity.upper()} {short(result.path)}: {result.message}{value}"
                f" [{short(result.shape)}]"
            )
    lines.append(summary(report, strict))
    return "\n".join(lines) + "\n"


def render_json(report: Report, strict: bool = False) -> str:
    document = {
        "conforms": report.conforms(strict),
        "counts": report.counts,
        "results": [asdict(r) for r in report.results],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_turtle(report: Report, strict: bool = False) -> str:
    """The SHACL validation report graph. SHACL says `sh:conforms` is true only when there are no
    results at all, warnings included (pySHACL's allow_warnings says true): it is set that way
    here, whatever nida's own verdict (`conforms (2 warnings)`, exit 0) is."""
    graph = Graph()
    graph += report.graph
    has_results = any(True for _ in graph.subjects(RDF.type, SH.ValidationResult))
    for node in list(graph.subjects(RDF.type, SH.ValidationReport)):
        graph.set((node, SH.conforms, Literal(not has_results)))
    return graph.serialize(format="turtle")


RENDERERS = {"text": render_text, "json": render_json, "turtle": render_turtle}
