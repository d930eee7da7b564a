"""pyld compaction of the dump, one group of subjects at a time, in forked workers.

`jsonld.from_rdf` gives one expanded node object per subject, none embedded in another
(the release has no blank nodes), and compacting a node object does not depend on its
siblings: so compacting groups of subjects separately and concatenating their nodes gives
exactly the whole-document compaction (tests/test_scale.py checks this). Each group's
nodes come back already written as JSON text, indented for their place in the dump's
`@graph`, so that a group can be cached as bytes (publisher/export/jsonld.py).
"""

from __future__ import annotations

import json
import multiprocessing
from typing import Any

import pyoxigraph as ox
from pyld import jsonld

from publisher.incremental import workers

#: a node as it appears in the dump: its compacted id and its JSON text, indented
Node = tuple[str, str]
PARALLEL_MIN = 2000  # below this many triples, one process is faster than forking
NODE_INDENT = "    "  # json.dumps(indent=2) of {"@graph": [node]}: a node sits two levels deep
_JOB: tuple[list[list[ox.Triple]], dict[str, Any], Any] | None = None


class Processor(jsonld.JsonLdProcessor):
    """pyld's processor, remembering the compacted form of each IRI.

    To compact an IRI that is no term, pyld scans every term of the context for a prefix
    (over half the compaction time of a dump). Without a value to match, the answer depends
    only on the active context and the IRI, so it is remembered; contexts are kept alive
    while the processor lives, so their ids cannot be reused."""

    def __init__(self) -> None:
        super().__init__()
        self._iris: dict[tuple[int, str, bool, Any, bool], str] = {}
        self._contexts: dict[int, Any] = {}

    def _compact_iri(self, active_ctx: Any, iri: str, value: Any = None, vocab: bool = False,
                     base: Any = None, reverse: bool = False) -> str:
        if value is not None or not isinstance(base, str | None):
            return super()._compact_iri(active_ctx, iri, value=value, vocab=vocab, base=base,
                                        reverse=reverse)
        key = (id(active_ctx), iri, vocab, base, reverse)
        found = self._iris.get(key)
        if found is None:
            self._contexts[id(active_ctx)] = active_ctx
            found = self._iris[key] = super()._compact_iri(active_ctx, iri, value=None, vocab=vocab,
                                                           base=base, reverse=reverse)
        return found


def node_text(node: dict[str, Any]) -> Node:
    text = json.dumps(node, indent=2, sort_keys=True, ensure_ascii=False)
    return str(node.get("id", "")), "\n".join(NODE_INDENT + line for line in text.split("\n"))


def compact_group(triples: list[ox.Triple], context: dict[str, Any], loader: Any) -> list[Node]:
    """The compacted nodes of the subjects of `triples` (every triple of each subject)."""
    from publisher.export.jsonld import pyld_dataset

    if not triples:
        return []
    expanded = jsonld.from_rdf(pyld_dataset(triples))
    document = Processor().compact(expanded, context, {"documentLoader": loader, "skipExpansion": True})
    graph = document.get("@graph")
    if not isinstance(graph, list):  # pyld writes a single node without @graph
        document.pop("@context", None)
        graph = [document]
    return [node_text(node) for node in graph]


def _worker(index: int) -> tuple[int, list[Node]]:
    assert _JOB is not None
    groups, context, loader = _JOB
    return index, compact_group(groups[index], context, loader)


def compact_groups(groups: list[list[ox.Triple]], context: dict[str, Any], loader: Any,
                   jobs: int | None = None) -> list[list[Node]]:
    """`compact_group` of each group, in order; the biggest groups are handed out first."""
    global _JOB
    jobs = workers() if jobs is None else jobs
    if jobs <= 1 or len(groups) < 2 or sum(map(len, groups)) < PARALLEL_MIN \
            or "fork" not in multiprocessing.get_all_start_methods():
        return [compact_group(group, context, loader) for group in groups]
    order = sorted(range(len(groups)), key=lambda i: -len(groups[i]))
    results: list[list[Node]] = [[] for _ in groups]
    _JOB = (groups, context, loader)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for index, nodes in pool.imap_unordered(_worker, order):
                results[index] = nodes
    finally:
        _JOB = None
    return results
