"""pyld's JSON-LD processor with shortcuts that change nothing in its output.

- Input that is already expanded (what `jsonld.from_rdf` returns) is not expanded again.
- `_compact_iri` results are remembered (see `Processor`): pyld searches every term of the
  context for the shortest prefix each time it compacts an IRI that is no term.

pyld still does all expansion, framing and compaction; tests compare the results with
plain pyld's (tests/test_scale.py, tests/test_export_cache.py).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from pyld import jsonld

_VALUE_KEYS = frozenset(("@value", "@type", "@language", "@direction", "@index"))


class Processor(jsonld.JsonLdProcessor):
    """pyld's processor, remembering the compacted form of each IRI.

    To compact an IRI that is no term, pyld scans every term of the context for a prefix
    (over half the compaction time of a dump). The answer depends only on the active context,
    the IRI and what term selection reads of the value (`_value_shape`), so it is remembered
    under those; contexts are kept alive while the processor lives, so their ids cannot be
    reused. tests/test_scale.py compares the results with plain pyld's."""

    def __init__(self, expanded: list[dict[str, Any]] | None = None) -> None:
        super().__init__()
        self.expanded = expanded
        self._iris: dict[tuple[int, str, bool, Any, bool, Hashable], str] = {}
        self._contexts: dict[int, Any] = {}

    def expand(self, input_: Any, options: Any) -> Any:
        """Input already in expanded form (`jsonld.from_rdf`'s output, passed as `expanded`) is
        not expanded again: expansion of expanded input is the identity, and it took over a
        third of the time of framing a statement's record."""
        if self.expanded is not None and input_ is self.expanded:
            return input_
        return super().expand(input_, options)

    def _compact_iri(self, active_ctx: Any, iri: str, value: Any = None, vocab: bool = False,
                     base: Any = None, reverse: bool = False) -> str:
        shape = self._value_shape(active_ctx, value)
        if shape is None or not isinstance(base, str | None):
            return super()._compact_iri(active_ctx, iri, value=value, vocab=vocab, base=base,
                                        reverse=reverse)
        key = (id(active_ctx), iri, vocab, base, reverse, shape)
        found = self._iris.get(key)
        if found is None:
            self._contexts[id(active_ctx)] = active_ctx
            found = self._iris[key] = super()._compact_iri(active_ctx, iri, value=value, vocab=vocab,
                                                           base=base, reverse=reverse)
        return found

    def _value_shape(self, active_ctx: Any, value: Any) -> Hashable | None:
        """What pyld's term selection reads of `value` (pyld 3.3 `_compact_iri`, `_select_term`):
        for a value object its keys, datatype, language and direction; for a node reference
        whether its IRI compacts to a term that maps back to it. None for anything else (lists,
        graphs...), which is never remembered."""
        if value is None:
            return ()
        if not isinstance(value, dict):
            return None
        keys = tuple(sorted(value))
        if "@value" in value and set(keys) <= _VALUE_KEYS:
            return ("value", keys, value.get("@type"), value.get("@language"), value.get("@direction"))
        if keys == ("@id",) and isinstance(value["@id"], str):
            term = self._compact_iri(active_ctx, value["@id"], None, vocab=True)
            mapping = active_ctx["mappings"].get(term)
            return ("reference", bool(term is not None and mapping and mapping["@id"] == value["@id"]))
        return None

