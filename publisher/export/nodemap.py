"""pyld 3.3's node map of flat nodes, and its merge of a node map of one graph, without their
per-value scans.

Framing a record first maps its nodes by IRI (`_create_node_map`): for node objects that are
flat (every value a plain value object or a node reference, no blank node, as
publisher/export/expanded.py writes them) that is each node with its properties in sorted order
and each value added once (as pyld's `compare_values` compares them), a node reference as a
new `{"@id"}` object after an empty node for its IRI; `flat_node_map` makes it so, and answers
None for anything else, for pyld to map. Framing then merges the node map's graphs
(`_merge_node_map_graphs`) into new node objects: each keyword but `@type` copied, every
other value added by `add_value` without duplicates (`has_value`, a scan of the values
already added: quadratic in a statement's signatures). With the default graph alone, and
values that hold no two equal, that is a copy of each node with new arrays of the same
values, empty arrays left out: `merged_copy` makes it so, and answers None where it cannot
tell (anything but strings, plain value objects and node references), for pyld to merge.
tests/export/test_processor_shortcuts.py compares both with pyld's.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from pyld import jsonld

_is_keyword = jsonld._is_keyword
_PLAIN_VALUE_KEYS = frozenset(("@value", "@type", "@language", "@direction"))
Nodes = dict[str, dict[str, Any]]


def merged_copy(graph_map: dict[str, Nodes]) -> Nodes | None:
    """pyld 3.3 `_merge_node_map_graphs` of a map holding the default graph alone."""
    if list(graph_map) != ["@default"]:
        return None
    merged: Nodes = {}
    for id_, node in sorted(graph_map["@default"].items()):
        copied: dict[str, Any] = {"@id": id}  # as pyld writes it; the node's own @id replaces it
        for property, values in sorted(node.items()):
            if property != "@type" and _is_keyword(property):
                copied[property] = values
            elif not _distinct(values):
                return None
            elif values:
                copied[property] = list(values)
        merged[id_] = copied
    return merged


def flat_node_map(nodes: list[dict[str, Any]]) -> Nodes | None:
    """pyld 3.3 `_create_node_map` of flat node objects into an empty default graph."""
    graph: Nodes = {}
    added: dict[tuple[str, str], set[Hashable]] = {}
    for entry in nodes:
        id_ = entry.get("@id") if type(entry) is dict else None
        if type(id_) is not str or id_.startswith("_:"):
            return None
        node = graph.setdefault(id_, {"@id": id_})
        for property, objects in sorted(entry.items()):
            if property == "@id":
                continue
            flat = (property == "@type" or not _is_keyword(property)) and not property.startswith("_:")
            if not flat or type(objects) is not list or not objects:
                return None
            keys = added.setdefault((id_, property), set())
            for value in objects:
                found = _mapped(graph, property, value)
                if found is None:
                    return None
                if found[0] not in keys:
                    keys.add(found[0])
                    node.setdefault(property, []).append(found[1])
    return graph


def _mapped(graph: Nodes, property: str, value: Any) -> tuple[Hashable, Any] | None:
    """What `_create_node_map` compares and adds for a value: a type IRI itself; a value object
    itself; for a node reference a new one, after an empty node for its IRI. None for a blank
    node (pyld relabels them) or anything else."""
    if property == "@type":
        return (value, value) if type(value) is str and not value.startswith("_:") else None
    key = _compared(value)
    if type(key) is not tuple:
        return None
    if key[0] == "@id":
        target = value["@id"]
        if target.startswith("_:"):
            return None
        graph.setdefault(target, {"@id": target})
        return key, {"@id": target}
    datatype = value.get("@type", "")
    return (key, value) if type(datatype) is str and not datatype.startswith("_:") else None


def _distinct(values: Any) -> bool:
    """An array of which pyld's `add_value` (no duplicates) would keep every value."""
    if type(values) is not list:
        return False
    seen: set[Hashable] = set()
    for value in values:
        key = _compared(value)
        if key is None or key in seen:
            return False
        seen.add(key)
    return True


def _compared(value: Any) -> Hashable | None:
    """What pyld 3.3 `compare_values` compares of a string (itself), a node reference (its @id)
    or a value object with a string @value (@value, @type, @language; not @direction); None
    for anything else."""
    if type(value) is str:
        return value
    if type(value) is not dict:
        return None
    if len(value) == 1 and type(value.get("@id")) is str:
        return ("@id", value["@id"])
    if type(value.get("@value")) is str and value.keys() <= _PLAIN_VALUE_KEYS:
        datatype, language = value.get("@type"), value.get("@language")
        if (datatype is None or type(datatype) is str) and (language is None or type(language) is str):
            return ("@value", value["@value"], datatype, language)
    return None
