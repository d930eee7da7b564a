"""Framing's two cleanups of its output, skipped where they would change nothing in it.

pyld 3.3's `frame` walks its whole output twice after framing: `_cleanup_preserve` (before
compaction: removes `@preserve`, drops None from arrays, clears pruned blank node identifiers)
and `_cleanup_null` (after: replaces `"@null"` by None and drops it from arrays). Both also
keep, for each node id, the objects seen, and put the first equal one in place of the next:
which objects are shared, never what they hold (compaction reads values, not identities, and
builds new objects). A record has none of what they remove (no defaults are framed, no blank
node is in the release), yet the walks took a tenth of its framing time. orjson's text of the
output tells in a fraction of that whether there is anything to remove: where there is, or
orjson refuses a value, pyld cleans. tests/export/test_processor_shortcuts.py compares the
framed records with plain pyld's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from pyld import jsonld


class CleanupShortcuts(jsonld.JsonLdProcessor):  # type: ignore[misc]  # pyld has no type hints
    """pyld's processor, cleaning framing's output only where there is something to clean."""

    def __init__(self) -> None:
        super().__init__()
        self._cleaning = False  # within a cleanup by pyld: its recursive calls are not checked

    def _cleanup_preserve(self, input_: Any, options: Any) -> Any:
        """pyld's removal of `@preserve` from framing's output, skipped where it would change
        nothing but which equal objects are shared: no `@preserve`, no None to drop, no blank
        node identifier to clear (`_nothing_to_clean`)."""
        if (not self._cleaning and options.get("bnodesToClear") == []
                and _nothing_to_clean(input_, b'"@preserve"')):
            return input_
        return self._clean(super()._cleanup_preserve, input_, options)

    def _cleanup_null(self, input_: Any, options: Any) -> Any:
        """pyld's replacement of `"@null"` by None (dropped from arrays) in framing's compacted
        output, skipped where neither is in it (`_nothing_to_clean`)."""
        if not self._cleaning and _nothing_to_clean(input_, b"null"):
            return input_
        return self._clean(super()._cleanup_null, input_, options)

    def _clean(self, cleanup: Callable[[Any, Any], Any], input_: Any, options: Any) -> Any:
        """A cleanup by pyld, whose own recursive calls are not checked again."""
        if self._cleaning:
            return cleanup(input_, options)
        self._cleaning = True
        try:
            return cleanup(input_, options)
        finally:
            self._cleaning = False


def _nothing_to_clean(value: Any, word: bytes) -> bool:
    """No `null` in orjson's text of a value (no None, no `"@null"`, no NaN), nor `word`: a
    cleanup of framing's output would change nothing in it. False where orjson refuses it."""
    try:
        text = orjson.dumps(value)
    except orjson.JSONEncodeError:
        return False
    return b"null" not in text and word not in text
