"""pyld 3.3's `has_value` for the values framing adds, without a `compare_values` call per value.

While `Processor.frame` runs (publisher/export/processor.py), pyld's `has_value` answers node
references and value objects with `compare_values`' tests inlined (`_has_value`): framing asks
it for every value it adds to a node, and a statement has dozens of values of the same
property. tests/test_scale.py compares the answers with pyld's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from pyld import jsonld

_OBJECT_TYPES = (dict, jsonld.frozendict)  # what pyld's `_is_object` accepts
_pyld_has_value = jsonld.JsonLdProcessor.has_value
_PYLD_HAS_VALUE = jsonld.JsonLdProcessor.__dict__["has_value"]  # the staticmethod itself


def _strict_eq(a: Any, b: Any) -> bool:
    """pyld 3.3 `compare_values`' test of two @value's (1 is not True)."""
    return bool(a == b and (type(a) is type(b) if isinstance(a, bool) or isinstance(b, bool) else True))


def _has_value(subject: Any, property: str, value: Any) -> bool:
    """pyld 3.3 `has_value` (`any(compare_values(value, v) for v in values)`) for an array of
    values and a node reference or value object, with `compare_values`' tests inlined; any
    other case goes to pyld's."""
    values = subject.get(property) if type(subject) is dict else None
    if type(values) is list and type(value) is dict:
        if len(value) == 1 and value.get("@id") is not None:
            ident = value["@id"]
            return any(v is value or (isinstance(v, _OBJECT_TYPES) and v.get("@id") == ident) for v in values)
        if "@value" in value and "@id" not in value:
            shape = (value.get("@type"), value.get("@language"), value.get("@index"))
            literal = value["@value"]
            return any(v is value or (isinstance(v, _OBJECT_TYPES) and "@value" in v
                                      and (v.get("@type"), v.get("@language"), v.get("@index")) == shape
                                      and _strict_eq(v["@value"], literal)) for v in values)
    return bool(_pyld_has_value(subject, property, value))


@contextlib.contextmanager
def faster_has_value() -> Iterator[None]:
    """`_has_value` in place of pyld's while framing (pyld calls it through its class); pyld's
    own is put back after, whatever ran meanwhile, so the swap never outlives a frame."""
    jsonld.JsonLdProcessor.has_value = staticmethod(_has_value)
    try:
        yield
    finally:
        jsonld.JsonLdProcessor.has_value = _PYLD_HAS_VALUE
