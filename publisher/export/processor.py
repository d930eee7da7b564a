"""pyld's JSON-LD processor with shortcuts that change nothing in its output.

- Input that is already expanded (what `jsonld.from_rdf` returns) is not expanded again.
- `_compact_iri` results are remembered (see `Processor`): pyld searches every term of the
  context for the shortest prefix each time it compacts an IRI that is no term; where it
  must search, only the terms whose IRI is a prefix of the IRI are tried (`_curie`). Term
  selection for a node reference asks whether its IRI compacts to a term mapping back to it:
  an IRI no term maps to is answered at once (`_value_shape`).
- The context's canonical text, pyld's key for its resolved contexts, is remembered
  (publisher/export/canonical.py); framing's cleanups of its output are skipped where they
  would change nothing (publisher/export/cleanup.py).

- A frame that selects one node by its IRI is expanded once per processor without that IRI,
  which is put back as expansion writes it (`_expand_frame`); `shared_processor` is one
  processor per process, so this and the compacted IRIs carry over from record to record.
- A value object or node reference is compacted by what pyld reads of it (`_compact_value`):
  a value object's keys, datatype, language and direction decide whether it becomes its bare
  `@value` or an object that differs only in `@value`; a node reference's property decides
  how its IRI is written. Framing and the dump compact hundreds of thousands of them.
- Framing maps the expanded input's nodes by IRI, and merges that map's one graph: for flat
  nodes the map is made at once (`flat_node_map`), and the merge is a copy (`merged_copy`).
- While `Processor.frame` runs, pyld's `has_value` answers node references and value objects
  without a call to `compare_values` per value (publisher/export/hasvalue.py): framing asks it for every
  value it adds to a node, and a statement has dozens of values of the same property.

pyld still does expansion, framing and compaction: a shortcut that does one of their steps
itself does it only for input of a narrow shape (flat nodes, plain values), and leaves anything
else to pyld. Tests compare the results with plain pyld's (tests/test_scale.py,
tests/export/test_cache.py, tests/export/test_processor_shortcuts.py). The shortcuts apply only with
the PyLD release they were written against (`PYLD_PINNED`), and never in `nida serve`.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Hashable
from importlib import metadata
from typing import Any

from pyld import jsonld

from publisher.export.canonical import canonical_texts_remembered
from publisher.export.cleanup import CleanupShortcuts
from publisher.export.hasvalue import faster_has_value
from publisher.export.nodemap import flat_node_map, merged_copy

_VALUE_KEYS = frozenset(("@value", "@type", "@language", "@direction", "@index"))
_LITERAL_KEYS = frozenset(("@value", "@type", "@language", "@direction"))
#: keys that make pyld 3.3's term selection read more of a node object than its @id
_NODE_UNREAD = frozenset(("@list", "@graph", "@preserve", "@index"))
_ABSENT = object()  # no such key
_BARE_VALUE = ("value", _ABSENT, _ABSENT, _ABSENT, False)  # `_value_shape` of {"@value": ...}
_SCALAR = object()  # a value object compacted to its @value
_PYLD = object()  # a value object compacted by pyld each time
_is_keyword = jsonld._is_keyword
_get_context_value = jsonld.JsonLdProcessor.get_context_value
#: an IRI with a scheme and "//": IRI expansion returns it as it is, whatever the context (a
#: compact IRI's suffix never begins with "//", JSON-LD 1.1 section 5.2.2)
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S*\Z")
#: the lengths of the IRIs of the terms that can be prefixes, shortest first, and those terms by IRI
PrefixTerms = tuple[list[int], dict[str, list[str]]]


class Processor(CleanupShortcuts):
    """pyld's processor, remembering the compacted form of each IRI.

    To compact an IRI that is no term, pyld scans every term of the context for a prefix
    (over half the compaction time of a dump). The answer depends only on the active context,
    the IRI and what term selection reads of the value (`_value_shape`), so it is remembered
    under those; contexts are kept alive while the processor lives, so their ids cannot be
    reused. tests/test_scale.py compares the results with plain pyld's."""

    def __init__(self, expanded: list[dict[str, Any]] | None = None) -> None:
        super().__init__()
        self.expanded = expanded
        #: the node map and merged map of `expanded` (publisher/export/framemaps.py), for one framing
        self.maps: tuple[Any, Any] | None = None
        self.stand_in: list[dict[str, Any]] | None = None  # `expanded` where `maps` are given
        self._merging: tuple[Any, Any] | None = None
        self._iris: dict[tuple[int, str, bool, Any, bool, Hashable], str] = {}
        self._contexts: dict[int, Any] = {}
        self._prefixes: dict[int, PrefixTerms] = {}
        self._mapped: dict[int, frozenset[Any]] = {}
        self._frames: dict[str, Any] = {}
        #: `_compact_value`'s answer by (context, property, what it reads of the value)
        self._values: dict[tuple[int, str | None, Hashable], Any] = {}
        self._references: dict[tuple[int, str | None, Any], tuple[bool, str | None]] = {}

    def expand(self, input_: Any, options: Any) -> Any:
        """Input already in expanded form (`jsonld.from_rdf`'s output, passed as `expanded`) is
        not expanded again: expansion of expanded input is the identity, and it took over a
        third of the time of framing a statement's record."""
        if self.expanded is not None and input_ is self.expanded:
            return input_
        if options.get("isFrame") and isinstance(input_, dict):
            return self._expand_frame(input_, options)
        return super().expand(input_, options)

    def _expand_frame(self, frame: dict[str, Any], options: Any) -> Any:
        """A frame that selects one node by its absolute IRI is the frame without `@id`, expanded
        once per processor (every record's frame is the same but for the statement), with the
        IRI put back as expansion writes it: `"@id": [iri]`, the first key (the expanded frame is
        copied: framing may change it)."""
        root = frame.get("@id")
        if not isinstance(root, str) or not _ABSOLUTE.match(root):
            return super().expand(frame, options)
        template = {key: value for key, value in frame.items() if key != "@id"}
        key = json.dumps(template, sort_keys=True)
        found = self._frames.get(key)
        if found is None:
            found = self._frames[key] = super().expand(template, options)
        if not (isinstance(found, list) and len(found) == 1 and isinstance(found[0], dict)):
            return super().expand(frame, options)
        return [{"@id": [root], **copy.deepcopy(found[0])}]

    def frame(self, input_: Any, frame: Any, options: Any) -> Any:
        with faster_has_value(), canonical_texts_remembered():
            return super().frame(input_, frame, options)

    def compact(self, input_: Any, ctx: Any, options: Any) -> Any:
        with canonical_texts_remembered():
            return super().compact(input_, ctx, options)

    def _create_node_map(self, input_: Any, graph_map: Any, active_graph: Any, issuer: Any,
                         active_subject: Any = None, active_property: Any = None, list_: Any = None) -> None:
        """The node map of this processor's expanded input (`expanded`, flat node objects): the
        one it was given (`maps`, publisher/export/framemaps.py: `expanded` is then a stand-in,
        for one framing), made at once where it can be (publisher/export/nodemap.py), else by pyld."""
        whole = (input_ is self.expanded and active_graph == "@default" and graph_map == {"@default": {}}
                 and active_subject is None and active_property is None and list_ is None)
        if self.stand_in is not None and input_ is self.stand_in:
            if not whole or self.maps is None:
                raise RuntimeError("a stand-in for node maps given once was asked for another node map")
            graph, merged = self.maps
            self.maps = None
            graph_map["@default"].update(graph)
            self._merging = (graph_map["@default"], merged)
            return
        graph = flat_node_map(input_) if whole else None
        if graph is None:
            super()._create_node_map(input_, graph_map, active_graph, issuer, active_subject, active_property,
                                     list_)
        else:
            graph_map["@default"].update(graph)

    def _merge_node_map_graphs(self, graph_map: Any) -> Any:
        """The merged node map framing starts from: the one given with the node map (`maps`),
        copied where it holds one graph (publisher/export/nodemap.py), else merged by pyld."""
        given, self._merging = self._merging, None
        if given is not None and list(graph_map) == ["@default"] and graph_map["@default"] is given[0]:
            return given[1]
        merged = merged_copy(graph_map)
        return super()._merge_node_map_graphs(graph_map) if merged is None else merged

    def _compact(self, active_ctx: Any, active_property: str | None, element: Any, options: Any) -> Any:
        """A value object or node reference goes straight to `_compact_value`, as pyld 3.3's
        `_compact` sends it there, where nothing else it does applies: no scoped context on the
        property, and no linked elements (framing's `link` map, which pyld only fills once it
        holds something, so it stays empty). Everything else is pyld's."""
        leaf = type(element) is dict and ("@value" in element or (len(element) == 1 and "@id" in element))
        scoped = leaf and _get_context_value(active_ctx, active_property, "@context") is not None
        if leaf and not scoped and _link_unused(options):
            return self._compact_value(active_ctx, active_property, element, options)
        return super()._compact(active_ctx, active_property, element, options)

    def _compact_value(self, active_ctx: Any, active_property: str | None, value: Any, options: Any) -> Any:
        """pyld's value compaction, remembered: for a value object by what pyld 3.3 reads of it
        (`_literal_shape`), for a node reference by the property (`_reference_rule`)."""
        if type(value) is dict and len(value) == 1 and isinstance(value.get("@id"), str):
            vocab, alias = self._reference_rule(active_ctx, active_property)
            compacted = self._compact_iri(active_ctx, value["@id"], vocab=vocab, base=options.get("base", ""))
            return compacted if alias is None else {alias: compacted}
        shape = _literal_shape(value)
        if shape is None:
            return super()._compact_value(active_ctx, active_property, value, options)
        key = (id(active_ctx), active_property, shape)
        rule = self._values.get(key)
        if rule is None:
            self._contexts[id(active_ctx)] = active_ctx
            compacted = super()._compact_value(active_ctx, active_property, value, options)
            rule = self._values[key] = self._literal_rule(active_ctx, value, compacted)
            return compacted
        if rule is _SCALAR:
            return value["@value"]
        if rule is _PYLD:
            return super()._compact_value(active_ctx, active_property, value, options)
        template, alias = rule
        found = dict(template)
        found[alias] = value["@value"]
        return found

    def _literal_rule(self, active_ctx: Any, value: dict[str, Any], compacted: Any) -> Any:
        """How pyld compacted a value object, for every value object of the same shape: to its
        `@value` itself (`_SCALAR`), or to an object whose entries but `@value`'s (its alias)
        come from the shape and the context alone; `_PYLD` (ask pyld each time) for anything else."""
        if compacted is value["@value"]:
            return _SCALAR
        alias = self._compact_iri(active_ctx, "@value")
        if type(compacted) is not dict or compacted.get(alias, _ABSENT) is not value["@value"]:
            return _PYLD
        return dict(compacted), alias

    def _reference_rule(self, active_ctx: Any, active_property: str | None) -> tuple[bool, str | None]:
        """pyld 3.3 `_compact_value` for a node reference: its IRI compacted with `@vocab` where
        the property's type is `@vocab`; alone where the type is `@id` or `@vocab` or the property
        expands to `@graph`, else under the alias of `@id`."""
        key = (id(active_ctx), active_property, None)
        rule = self._references.get(key)
        if rule is None:
            self._contexts[id(active_ctx)] = active_ctx
            type_ = _get_context_value(active_ctx, active_property, "@type")
            expanded = self._expand_iri(active_ctx, active_property, vocab=True)
            alone = type_ in ("@id", "@vocab") or expanded == "@graph"
            alias = None if alone else self._compact_iri(active_ctx, "@id")
            rule = self._references[key] = (type_ == "@vocab", alias)
        return rule

    def _compact_iri(self, active_ctx: Any, iri: str, value: Any = None, vocab: bool = False,
                     base: Any = None, reverse: bool = False) -> str:
        shape = () if value is None else self._value_shape(active_ctx, value)
        if shape is None or not (base is None or type(base) is str):
            compacted: str = super()._compact_iri(active_ctx, iri, value=value, vocab=vocab, base=base,
                                                  reverse=reverse)
            return compacted
        key = (id(active_ctx), iri, vocab, base, reverse, shape)
        found = self._iris.get(key)
        if found is None:
            self._contexts[id(active_ctx)] = active_ctx
            curie = None if vocab or _is_keyword(iri) else self._curie(active_ctx, iri, value)
            found = self._iris[key] = curie or super()._compact_iri(
                active_ctx, iri, value=value, vocab=vocab, base=base, reverse=reverse)
        return found

    def _curie(self, active_ctx: Any, iri: str, value: Any) -> str | None:
        """pyld 3.3's choice of a compact IRI for an @id (`vocab` False, no keyword): its loop over
        every term of the context, run over only the terms whose IRI is a proper prefix of `iri`
        (looked up by each length a term's IRI has), with the same tests, so the same choice: the
        least (length, text), a total order (two terms never make one CURIE: a term has no
        colon); None where pyld would go on past the loop."""
        lengths, by_iri = self._prefix_terms(active_ctx)
        mappings = active_ctx["mappings"]
        candidate = None
        for length in lengths:
            if length >= len(iri):
                break
            for term in by_iri.get(iri[:length], ()):
                curie = term + ":" + iri[length:]
                usable = ((mappings[term]["_prefix"] and curie not in mappings)
                          or (value is None and mappings.get(curie, {}).get("@id") == iri))
                if usable and (candidate is None or (len(curie), curie) < (len(candidate), candidate)):
                    candidate = curie
        return candidate

    def _prefix_terms(self, active_ctx: Any) -> PrefixTerms:
        """The terms pyld's loop can take as a prefix (no colon, an IRI) by their IRI, and the
        lengths of those IRIs, shortest first."""
        found = self._prefixes.get(id(active_ctx))
        if found is None:
            by_iri: dict[str, list[str]] = {}
            for term, definition in active_ctx["mappings"].items():
                if ":" in term or definition is None or not definition["@id"]:
                    continue
                by_iri.setdefault(definition["@id"], []).append(term)
            found = self._prefixes[id(active_ctx)] = (sorted({len(iri) for iri in by_iri}), by_iri)
        return found

    def _term_iris(self, active_ctx: Any) -> frozenset[Any]:
        """The IRIs the context's terms map to: an IRI no term maps to never compacts to a term
        that maps back to it."""
        found = self._mapped.get(id(active_ctx))
        if found is None:
            self._contexts[id(active_ctx)] = active_ctx
            found = self._mapped[id(active_ctx)] = frozenset(
                definition["@id"] for definition in active_ctx["mappings"].values()
                if definition is not None and isinstance(definition.get("@id"), str))
        return found

    def _value_shape(self, active_ctx: Any, value: Any) -> Hashable | None:
        """What pyld's term selection reads of `value` (pyld 3.3 `_compact_iri`, `_select_term`):
        for a value object its keys, datatype, language and direction; for a node reference or
        a node object (framing embeds them) whether its IRI compacts to a term that maps back to
        it. None for anything else (lists, graphs, indexed or preserved objects...), which is
        never remembered."""
        if type(value) is not dict:
            return None
        if "@value" in value:
            if len(value) == 1:
                return _BARE_VALUE
            if not value.keys() <= _VALUE_KEYS:
                return None
            return ("value", value.get("@type", _ABSENT), value.get("@language", _ABSENT),
                    value.get("@direction", _ABSENT), "@index" in value)
        iri = value.get("@id")
        if type(iri) is not str or (len(value) > 1 and not _NODE_UNREAD.isdisjoint(value)):
            return None
        if iri not in self._term_iris(active_ctx):
            return ("reference", False)
        term = self._iris.get((id(active_ctx), iri, True, None, False, ()))
        if term is None:
            term = self._compact_iri(active_ctx, iri, None, vocab=True)
        mapping = active_ctx["mappings"].get(term)
        return ("reference", bool(term is not None and mapping and mapping["@id"] == iri))


def _link_unused(options: Any) -> bool:
    """pyld 3.3 `_compact` looks up and stores linked elements only where `options["link"]` is a
    non-empty dict."""
    link = options.get("link", _ABSENT)
    return link is not _ABSENT and not (isinstance(link, dict) and link)


def _literal_shape(value: Any) -> Hashable | None:
    """What pyld 3.3 `_compact_value` reads of a value object besides its `@value`: which keys
    it has and their values, and whether `@value` is a string. None for anything with other
    keys (`@index`...), or that is no value object."""
    if type(value) is not dict or "@value" not in value or not value.keys() <= _LITERAL_KEYS:
        return None
    datatype, language = value.get("@type", _ABSENT), value.get("@language", _ABSENT)
    direction = value.get("@direction", _ABSENT)
    plain = ((datatype is _ABSENT or type(datatype) is str) and (language is _ABSENT or type(language) is str)
             and (direction is _ABSENT or type(direction) is str))
    return (datatype, language, direction, isinstance(value["@value"], str)) if plain else None


_SHARED: list[Processor] = []
#: the PyLD release the shortcuts were written against and tested with: they reimplement parts
#: of its internals (`_compact_iri`, `has_value`, frame expansion), which another release may
#: change without notice; with any other release, plain pyld does all the work
PYLD_PINNED = "3.3.0"


@functools.cache
def pyld_version() -> str:
    try:
        return metadata.version("PyLD")
    except metadata.PackageNotFoundError:
        return "?"


def shortcuts_apply() -> bool:
    return pyld_version() == PYLD_PINNED


def shared_processor(expanded: list[dict[str, Any]] | None = None,
                     maps: tuple[Any, Any] | None = None) -> jsonld.JsonLdProcessor:
    """This process's processor (its compacted IRIs are remembered from one document to the
    next: statements and units share most of their terms), told which input is expanded, and
    optionally the node maps framing it starts from (publisher/export/framemaps.py); a plain
    pyld processor where the installed PyLD is not the one the shortcuts were made for."""
    if not shortcuts_apply():
        return jsonld.JsonLdProcessor()
    if not _SHARED:
        _SHARED.append(Processor())
    processor = _SHARED[0]
    processor.expanded = expanded
    processor.maps = maps
    processor.stand_in = expanded if maps is not None else None
    processor._merging = None
    return processor
