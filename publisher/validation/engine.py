"""One `validate()`, which picks the engine: sharded and cached, fast whole-graph, or plain pySHACL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rdflib import Graph

from publisher.graph import STATEMENT_GRAPH_BASE
from publisher.load import Dataset
from publisher.progress import VALIDATING, Progress, Steps
from publisher.validation.fast import validate_fast
from publisher.validation.incremental import validate_cached
from publisher.validation.report import SH, Report, read_results

ENGINES = ("fast", "pyshacl")


def shapes_look_backward(shapes: Graph) -> bool:
    """Whether a shape can see triples that point *at* its focus node.

    Cache keys (publisher/validation/incremental.py) cover what a statement's nodes reach forward; an
    inverse path or a target by object could see past that, so such shapes turn the cache off
    rather than risk replaying a stale result."""
    return any(True for p in (SH.inversePath, SH.targetObjectsOf) for _ in shapes.triples((None, p, None)))


def validate(dataset: Dataset, engine: str = "fast",
             timer: Callable[[str, float], None] | None = None, cache_dir: Path | None = None,
             progress: Progress | None = None) -> Report:
    """Validate data and ontology together (concept schemes are data too); never fetches anything.

    `engine="fast"` (publisher/validation/fast.py) gives the same Report much faster;
    `engine="pyshacl"` is plain whole-graph pySHACL, kept for comparison. The fast engine validates
    statement shards in small groups (publisher/validation/incremental.py) and, with `cache_dir`, replays the
    results of unchanged ones; shapes that look backward make it validate the whole graph at once.

    pySHACL mixes an `ont_graph` in only when it runs inference, so the union is built here,
    in an Oxigraph-backed graph: pySHACL's SHACL-SPARQL rules on rdflib's own store grow with
    the square of the data (12 s against 0.25 s on the seed alone).

    `progress`, when given, is told how many statements are validated (publisher/progress.py).
    """
    if engine == "fast" and not shapes_look_backward(dataset.shapes):
        return validate_cached(dataset, cache_dir, timer, progress=progress)
    statements = sum(1 for name in dataset.parts if name.startswith(STATEMENT_GRAPH_BASE))
    steps = Steps(progress, VALIDATING, statements)
    if engine == "fast":
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
