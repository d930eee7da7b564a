"""pyld compaction of a flat node list, split into chunks compacted in forked workers.

`jsonld.from_rdf` gives one expanded node object per subject, none embedded in another
(the release has no blank nodes), and compacting a node object does not depend on its
siblings: so compacting the chunks separately and concatenating their `@graph`s gives
exactly the whole-document compaction (tests/test_scale.py checks this). The input is
already expanded, so pyld's own expansion pass is skipped (`skipExpansion`).
"""

from __future__ import annotations

import multiprocessing
from typing import Any

from pyld import jsonld

from publisher.incremental import workers

CHUNK_MIN = 2000  # below this many nodes, one process is faster than forking
_JOB: tuple[list[list[dict[str, Any]]], dict[str, Any], Any] | None = None


def _compact_chunk(nodes: list[dict[str, Any]], context: dict[str, Any], loader: Any) -> list[dict[str, Any]]:
    if not nodes:
        return []
    document = jsonld.compact(nodes, context, {"documentLoader": loader, "skipExpansion": True})
    graph = document.get("@graph")
    if isinstance(graph, list):
        return graph
    document.pop("@context", None)
    return [document]


def _worker(index: int) -> list[dict[str, Any]]:
    assert _JOB is not None
    chunks, context, loader = _JOB
    return _compact_chunk(chunks[index], context, loader)


def compact_nodes(expanded: list[dict[str, Any]], context: dict[str, Any], loader: Any,
                  jobs: int | None = None) -> list[dict[str, Any]]:
    """The compacted node objects of `expanded` (a flat list from `from_rdf`), in input order."""
    global _JOB
    jobs = workers() if jobs is None else jobs
    if jobs <= 1 or len(expanded) < CHUNK_MIN or "fork" not in multiprocessing.get_all_start_methods():
        return _compact_chunk(expanded, context, loader)
    size = -(-len(expanded) // jobs)
    chunks = [expanded[i:i + size] for i in range(0, len(expanded), size)]
    _JOB = (chunks, context, loader)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(_worker, range(len(chunks)))
    finally:
        _JOB = None
    return [node for part in parts for node in part]
