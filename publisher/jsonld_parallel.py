"""pyld compaction of the dump, one group of subjects at a time (Release.pieces forks).

`jsonld.from_rdf` gives one expanded node object per subject, none embedded in another
(the release has no blank nodes), and compacting a node object does not depend on its
siblings: so compacting groups of subjects separately and concatenating their nodes gives
exactly the whole-document compaction (tests/test_scale.py checks this). Each group's
nodes come back already written as JSON text, indented for their place in the dump's
`@graph`, so that a group can be cached as bytes (publisher/export/jsonld.py).
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
from pyld import jsonld

#: a node as it appears in the dump: its compacted id and its JSON text, indented
Node = tuple[str, str]
NODE_INDENT = "    "  # json.dumps(indent=2) of {"@graph": [node]}: a node sits two levels deep


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


class FrameProcessor(Processor):
    """`Processor` that frames input already in expanded form (`jsonld.from_rdf`'s output)
    without expanding it again: JSON-LD expansion of expanded input is the identity, and it
    took over a third of the framing time of a statement's record."""

    def __init__(self, expanded: Any) -> None:
        super().__init__()
        self._expanded = expanded

    def expand(self, input_: Any, options: Any) -> Any:
        if input_ is self._expanded:
            return input_
        return super().expand(input_, options)


def frame_expanded(expanded: list[dict[str, Any]], frame: dict[str, Any], options: dict[str, Any]) -> Any:
    """pyld's `jsonld.frame` of expanded input, faster (see Processor, FrameProcessor)."""
    return FrameProcessor(expanded).frame(expanded, frame, options)


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
