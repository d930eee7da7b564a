"""pyld's canonical text of a local context, remembered.

Every `compact` and `frame` hands its context to pyld's context resolver, which keys its
cache of resolved contexts by the context's canonical JSON text (`c14n.canonicalize`, a
pure-Python encoder): about a millisecond per call for nida's context, once per record and twice
per framed one, a tenth of a unit's dump compaction. The text is a function of the JSON value,
so it is remembered under a cheaper text of the same value (orjson's, keys sorted), for plain
JSON values only (exact dicts with string keys, lists, strings, integers, finite floats,
booleans, None): anything else is canonicalized each time, as pyld does.
tests/export/test_processor_shortcuts.py compares both.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from typing import Any

import orjson
from pyld import context_resolver

_pyld_canonicalize = context_resolver.canonicalize
_REMEMBERED: dict[bytes, bytes] = {}
_AT_MOST = 64  # contexts remembered; a publish has one
_SCALARS = (str, int, bool, type(None))


def plain_json(value: Any) -> bool:
    """A value built of exact JSON types only, so that orjson's text of it is its value's."""
    kind = type(value)
    if kind is dict:
        return all(type(key) is str and plain_json(item) for key, item in value.items())
    if kind is list:
        return all(plain_json(item) for item in value)
    if kind is float:
        return math.isfinite(value)
    return kind in _SCALARS


def remembered_canonicalize(value: Any, utf8: bool = True) -> Any:
    """`c14n.canonicalize(value, utf8)`, remembered for plain JSON values."""
    if not utf8 or not plain_json(value):
        return _pyld_canonicalize(value, utf8)
    try:
        key = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # integers over 64 bits, lone surrogates
        return _pyld_canonicalize(value, utf8)
    found = _REMEMBERED.get(key)
    if found is None:
        if len(_REMEMBERED) >= _AT_MOST:
            _REMEMBERED.clear()
        found = _REMEMBERED[key] = _pyld_canonicalize(value)
    return found


@contextlib.contextmanager
def canonical_texts_remembered() -> Iterator[None]:
    """`remembered_canonicalize` in place of the resolver's own while pyld runs; whatever was
    there before is put back after (frame calls compact: they nest)."""
    before = context_resolver.canonicalize
    context_resolver.canonicalize = remembered_canonicalize
    try:
        yield
    finally:
        context_resolver.canonicalize = before
