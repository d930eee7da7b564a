"""What is made of a unit's quads once for all its pieces (`unions_remembered`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TypeVar, cast

import pyoxigraph as ox

T = TypeVar("T")


def remembered(quads: list[ox.Quad], name: str, make: Callable[[], T]) -> T:
    """`make()`, once per list of quads and `name` within `unions_remembered` (each time outside)."""
    if _UNIONS is None:
        return make()
    found = _UNIONS.get((id(quads), name))
    if found is None or found[0] is not quads:
        found = _UNIONS[(id(quads), name)] = (quads, make())
    return cast(T, found[1])


#: what was made within `unions_remembered`, by the id of its list of quads (kept alive with it)
_UNIONS: dict[tuple[int, str], tuple[list[ox.Quad], object]] | None = None


@contextlib.contextmanager
def unions_remembered() -> Iterator[None]:
    """Within the block, the union of one list of quads (and what `remembered` makes of it) is
    made once: a unit's pieces (its N-Triples, Turtle and JSON-LD nodes) each ask for it."""
    global _UNIONS
    previous, _UNIONS = _UNIONS, {}
    try:
        yield
    finally:
        _UNIONS = previous
