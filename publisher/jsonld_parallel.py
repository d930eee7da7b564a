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

from publisher.export.processor import Processor

#: a node as it appears in the dump: its compacted id and its JSON text, indented
Node = tuple[str, str]
NODE_INDENT = "    "  # json.dumps(indent=2) of {"@graph": [node]}: a node sits two levels deep


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
