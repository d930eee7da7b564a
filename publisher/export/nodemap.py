"""pyld 3.3's merge of a framing node map that holds one graph, without its per-value checks.

Framing a record merges the node map's graphs (`_merge_node_map_graphs`) into new node
objects: each keyword but `@type` copied, every other value added by `add_value` without
duplicates (`has_value`, a scan of the values already added: quadratic in a statement's
signatures). With the default graph alone, and values that hold no two equal (as pyld's
`compare_values` compares them), that is a copy of each node with new arrays of the same
values, empty arrays left out: `merged_copy` makes it so, and answers None where it cannot
tell (anything but strings, plain value objects and node references), for pyld to merge.
tests/export/test_processor_shortcuts.py compares it with pyld's merge.
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
