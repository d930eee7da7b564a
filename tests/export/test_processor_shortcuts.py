"""The compaction shortcuts of publisher/export/processor.py against plain pyld, on contexts
and values chosen to reach every branch of pyld 3.3's `_compact_value` and term selection:
typed, language-tagged, directed and indexed values, booleans and numbers, JSON literals, a
default language, `@language: null`, scoped contexts, `@set`/`@index`/`@language` containers,
node references under `@id`, `@vocab` and untyped properties. The real records and dump are
compared in tests/test_scale.py."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from pyld import jsonld

from publisher.export.jsonld import dump_json, refuse_remote
from publisher.export.processor import Processor

EX = "https://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"

CONTEXTS: list[dict[str, Any]] = [
    {"ex": EX, "xsd": XSD, "id": "@id", "type": "@type", "value": "@value",
     "date": {"@id": EX + "date", "@type": "xsd:date"},
     "name": EX + "name",
     "nameEn": {"@id": EX + "name", "@language": "en"},
     "noLang": {"@id": EX + "noLang", "@language": None},
     "ltr": {"@id": EX + "ltr", "@direction": "ltr"},
     "link": {"@id": EX + "link", "@type": "@id"},
     "linkToTerm": {"@id": EX + "link", "@type": "@vocab"},
     "linkByIndex": {"@id": EX + "link", "@container": "@index"},
     "vocabLink": {"@id": EX + "vocabLink", "@type": "@vocab"},
     "links": {"@id": EX + "links", "@type": "@id", "@container": "@set"},
     "tags": {"@id": EX + "tags", "@container": "@language"},
     "indexed": {"@id": EX + "indexed", "@container": "@index"},
     "scoped": {"@id": EX + "scoped", "@context": {"inner": EX + "inner"}},
     "data": {"@id": EX + "data", "@type": "@json"},
     "none": {"@id": EX + "none", "@type": "@none"},
     "Thing": EX + "Thing", "a": EX + "a"},
    {"@version": 1.1, "@language": "fr", "ex": EX, "xsd": XSD, "@vocab": EX + "vocab/",
     "name": EX + "name", "noLang": {"@id": EX + "noLang", "@language": None},
     "link": {"@id": EX + "link", "@type": "@id"}, "a": EX + "a"},
]


def _values() -> list[dict[str, Any]]:
    """Value objects and node references of every shape the shortcuts remember."""
    return [
        {"@value": "plain"}, {"@value": "second plain"}, {"@value": "en", "@language": "en"},
        {"@value": "other", "@language": "en"}, {"@value": "fr", "@language": "fr"},
        {"@value": "2020-01-01", "@type": XSD + "date"}, {"@value": "2021-02-02", "@type": XSD + "date"},
        {"@value": "1", "@type": XSD + "integer"}, {"@value": 1}, {"@value": True}, {"@value": 1.5},
        {"@value": "rtl", "@direction": "rtl"}, {"@value": "ltr", "@direction": "ltr"},
        {"@value": "both", "@language": "ar", "@direction": "rtl"},
        {"@value": "idx", "@index": "i1"}, {"@value": {"k": [1, 2]}, "@type": "@json"},
        {"@value": "x", "@type": "@json"}, {"@id": EX + "a"}, {"@id": EX + "b"}, {"@id": "https://other.net/c"},
        {"@id": EX + "vocab/term"},
    ]


def _document() -> list[dict[str, Any]]:
    """Expanded nodes: every value under every property of the contexts, one node per property."""
    properties = ["date", "name", "noLang", "ltr", "link", "vocabLink", "links", "tags", "indexed", "scoped",
                  "data", "none", "inner", "other"]
    nodes = []
    for index, name in enumerate(properties):
        values = [v for v in _values() if name != "data" or v.get("@type") == "@json"]
        nodes.append({"@id": f"{EX}n{index}", "@type": [EX + "Thing"], EX + name: values,
                      EX + "name": [{"@value": f"node {index}"}, {"@id": EX + "a"}]})
    return nodes


@pytest.mark.parametrize("context", CONTEXTS, ids=["terms", "vocab-and-language"])
def test_remembered_leaf_compaction_equals_plain_pyld(context: dict[str, Any]) -> None:
    """Compacting the same nodes twice with one processor (the second time from what it
    remembered) gives plain pyld's document each time."""
    options = {"documentLoader": refuse_remote, "skipExpansion": True}
    expected = dump_json(jsonld.JsonLdProcessor().compact(_document(), context, dict(options)))
    ours = Processor()
    for _ in range(2):
        assert dump_json(ours.compact(_document(), context, dict(options))) == expected
    assert ours._values and ours._references


@pytest.mark.parametrize("context", CONTEXTS, ids=["terms", "vocab-and-language"])
def test_remembered_leaf_compaction_frames_as_plain_pyld(context: dict[str, Any]) -> None:
    """Framing (whose compaction passes pyld's `link` map) with embedded nodes and references,
    to nodes whose IRI is a term and to others, indexed or not."""
    document = _document()
    document.append({"@id": EX + "a", EX + "name": [{"@value": "term node"}]})
    document.append({"@id": EX + "c", "@index": "i", EX + "name": [{"@value": "indexed node"}]})
    links = [{"@id": f"{EX}n1"}, {"@id": f"{EX}n2"}, {"@id": EX + "a"}, {"@id": EX + "c"}]
    document[0][EX + "link"] = links
    document[0][EX + "name"] = [*links, {"@value": "n0"}]
    frame = {"@context": context, "@id": f"{EX}n0", EX + "link": {}}
    options = {"documentLoader": refuse_remote, "embed": "@once", "omitGraph": True}
    expected = dump_json(jsonld.JsonLdProcessor().frame(copy.deepcopy(document), frame, dict(options)))
    ours = Processor()
    for _ in range(2):
        assert dump_json(ours.frame(copy.deepcopy(document), frame, dict(options))) == expected


def _merge(graph_map: dict[str, Any]) -> Any:
    return jsonld.JsonLdProcessor()._merge_node_map_graphs(copy.deepcopy(graph_map))


def test_a_one_graph_node_map_is_merged_by_copying_it() -> None:
    """The node map of every bundled statement's record, and one with empty arrays, keywords,
    types, and values equal but for their direction (pyld keeps one: the copy must not)."""
    from publisher.export.base import Release
    from publisher.export.expanded import expand
    from publisher.export.nodemap import merged_copy
    from publisher.graph import statement_scopes
    from publisher.load.dataset import load_dataset
    from publisher.settings import Settings
    from tests.conftest import REPO

    settings = Settings(root=REPO)
    scopes = statement_scopes(Release(load_dataset(settings), settings).quads)
    for scope in scopes.values():
        graph_map: dict[str, Any] = {"@default": {}}
        jsonld.JsonLdProcessor()._create_node_map(expand(scope), graph_map, "@default", jsonld.IdentifierIssuer("_:b"))
        found = merged_copy(graph_map)
        assert found is not None and json.dumps(found) == json.dumps(_merge(graph_map))
    node = {"@id": EX + "a", "@type": [EX + "T", EX + "U"], "@index": "i", EX + "empty": [],
            EX + "p": [{"@value": "v"}, {"@value": "v", "@language": "en"}, {"@id": EX + "b"}, "text"]}
    one = {"@default": {EX + "a": node, EX + "b": {"@id": EX + "b"}}}
    assert json.dumps(merged_copy(one)) == json.dumps(_merge(one))
    for values in ([{"@value": "v", "@direction": "ltr"}, {"@value": "v", "@direction": "rtl"}],
                   [{"@id": EX + "b"}, {"@id": EX + "b"}], [{"@value": "1", "@index": "i"}], "not an array"):
        assert merged_copy({"@default": {EX + "a": {"@id": EX + "a", EX + "p": values}}}) is None
    assert merged_copy({"@default": {}, EX + "g": {}}) is None


def _pyld_node_map(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    graph_map: dict[str, Any] = {"@default": {}}
    jsonld.JsonLdProcessor()._create_node_map(copy.deepcopy(nodes), graph_map, "@default",
                                              jsonld.IdentifierIssuer("_:b"))
    return graph_map["@default"]


def test_flat_nodes_are_mapped_as_pyld_maps_them() -> None:
    """Every bundled statement's record input, and flat nodes with repeated values (equal but
    for their direction, repeated references and types), a subject met twice, references before
    and after their node; blank nodes, indexed values, lists, empty arrays and bare strings
    are left to pyld."""
    from publisher.export.base import Release
    from publisher.export.expanded import expand
    from publisher.export.nodemap import flat_node_map
    from publisher.graph import statement_scopes
    from publisher.load.dataset import load_dataset
    from publisher.settings import Settings
    from tests.conftest import REPO

    settings = Settings(root=REPO)
    for scope in statement_scopes(Release(load_dataset(settings), settings).quads).values():
        nodes = expand(scope)
        assert json.dumps(flat_node_map(nodes)) == json.dumps(_pyld_node_map(nodes))
    nodes = [
        {"@id": EX + "b", EX + "p": [{"@id": EX + "z"}, {"@id": EX + "a"}, {"@id": EX + "z"}]},
        {"@id": EX + "a", "@type": [EX + "T", EX + "T"], EX + "q": [
            {"@value": "v", "@direction": "ltr"}, {"@value": "v", "@direction": "rtl"}, {"@value": "v"},
            {"@value": "v", "@language": "en"}, {"@value": "1", "@type": XSD + "integer"}]},
        {"@id": EX + "a", EX + "q": [{"@value": "v"}, {"@value": "w"}], EX + "r": [{"@id": EX + "b"}]},
    ]
    assert json.dumps(flat_node_map(nodes)) == json.dumps(_pyld_node_map(nodes))
    for values in ([{"@id": "_:b0"}], [{"@value": "v", "@index": "i"}], [{"@list": []}], [], ["text"]):
        assert flat_node_map([{"@id": EX + "a", EX + "p": values}]) is None
    assert flat_node_map([{"@id": "_:b1", EX + "p": [{"@value": "v"}]}]) is None
    assert flat_node_map([{"@id": EX + "a", "@type": ["_:t"]}]) is None


def _plain_shape(active: Any, iri: str) -> tuple[str, bool]:
    """What pyld 3.3's term selection reads of a node reference: whether its IRI, compacted
    with @vocab, is a term that maps back to it (asked of plain pyld)."""
    term = jsonld.JsonLdProcessor()._compact_iri(active, iri, None, vocab=True)
    mapping = active["mappings"].get(term)
    return ("reference", bool(term is not None and mapping and mapping["@id"] == iri))


@pytest.mark.parametrize("context", CONTEXTS, ids=["terms", "vocab-and-language"])
def test_node_references_are_shaped_as_plain_pyld_reads_them(context: dict[str, Any]) -> None:
    """IRIs that are terms' (with and without a type), prefixes', under @vocab, and no term's at
    all (which `_value_shape` answers without compacting them)."""
    options = {"documentLoader": refuse_remote, "processingMode": "json-ld-1.1"}
    plain = jsonld.JsonLdProcessor()
    active = plain.process_context(plain._get_initial_context(options), context, options)
    iris = [EX + "a", EX + "link", EX + "name", EX + "vocab/term", EX + "vocab/", EX, XSD, XSD + "date",
            EX + "b", "https://other.net/c", EX + "Thing", EX + "Thing/x", EX + "noLang"]
    ours = Processor()
    for iri in iris:
        for _ in range(2):
            assert ours._value_shape(active, {"@id": iri}) == _plain_shape(active, iri), iri


def test_canonical_context_texts_are_remembered_as_c14n_writes_them() -> None:
    """The nida context and values that JSON tells apart only by type (1, 1.0, True; -0.0),
    floats, nesting, key order; values orjson writes otherwise than c14n or refuses (NaN, big
    integers, lone surrogates, frozendicts, str subclasses, non-string keys) are left to c14n."""
    import enum
    from uuid import UUID

    from c14n.Canonicalize import canonicalize
    from frozendict import frozendict

    from publisher.export import canonical
    from publisher.export.canonical import canonical_texts_remembered, remembered_canonicalize
    from publisher.export.jsonld import build_context
    from publisher.load.dataset import load_dataset
    from publisher.settings import Settings
    from tests.conftest import REPO

    class Kind(enum.StrEnum):
        A = "a"

    values: list[Any] = [
        build_context(load_dataset(Settings(root=REPO)).ontology),
        {"a": 1}, {"a": 1.0}, {"a": True}, {"a": -0.0}, {"a": 0.0}, {"a": 1e300}, {"a": 0.1},
        {"b": [1, "x", None, {"c": False}], "a": "é\n\"\\"}, {"a": "\u2028\x00\U0001f600"},
        {"a": 2**70}, {"a": float("nan")}, {"a": "\ud800"}, {"a": frozendict({"b": 1})}, {"a": Kind.A},
        {1: "a"}, {"a": (1, 2)}, {"a": UUID(int=1)}, [], "text",
    ]
    canonical._REMEMBERED.clear()
    for value in values:
        try:
            expected = canonicalize(value)
        except (TypeError, ValueError, AttributeError) as error:
            with pytest.raises(type(error)):
                remembered_canonicalize(value)
            continue
        for _ in range(2):
            assert remembered_canonicalize(value) == expected, value
    assert remembered_canonicalize({"a": 1}, utf8=False) == canonicalize({"a": 1}, utf8=False)
    assert len(canonical._REMEMBERED) == 12  # all but the eight from 2**70 to the UUID
    before = canonical.context_resolver.canonicalize
    with canonical_texts_remembered():
        with canonical_texts_remembered():
            assert canonical.context_resolver.canonicalize is remembered_canonicalize
        assert canonical.context_resolver.canonicalize is remembered_canonicalize
    assert canonical.context_resolver.canonicalize is before


def _cleanup_cases() -> list[tuple[list[dict[str, Any]], dict[str, Any]]]:
    """Documents and frames: plain nodes; defaults framed (`@preserve`, `@null`); a literal
    "@null"; text holding "null"; a blank node whose identifier is pruned, and one kept."""
    name, link = EX + "name", EX + "link"
    plain = [{"@id": EX + "a", name: [{"@value": "x"}], link: [{"@id": EX + "b"}]},
             {"@id": EX + "b", name: [{"@value": "y"}]}]
    blank = [{"@id": EX + "a", link: [{"@id": "_:b0"}, {"@id": "_:b1"}]}, {"@id": "_:b0", name: [{"@value": "z"}]},
             {"@id": "_:b1", link: [{"@id": "_:b1"}]}]
    context = {"ex": EX, "name": name, "link": {"@id": link, "@type": "@id"}, "missing": EX + "missing"}
    frame = {"@context": context, "@id": EX + "a"}
    return [
        (plain, frame),
        (plain, {**frame, "missing": {"@default": "d"}, "name": {}}),
        (plain, {**frame, "missing": {}}),
        ([{"@id": EX + "a", name: [{"@value": "@null"}, {"@value": "kept"}]}], frame),
        ([{"@id": EX + "a", name: [{"@value": "annulled"}]}], frame),
        (blank, frame),
    ]


P, N = "preserve", "null"
#: the cleanups pyld runs for each of `_cleanup_cases`, with defaults omitted and not
CLEANED = {True: [set(), set(), set(), {P, N}, {P, N}, {P}], False: [set(), {P}, {P, N}, {P, N}, {P, N}, {P}]}


@pytest.mark.parametrize("omit_default", [True, False])
def test_framing_cleans_its_output_as_plain_pyld(omit_default: bool) -> None:
    """Framed as plain pyld frames them; each cleanup run by pyld where there is something
    to clean, and only there: `@preserve`, None, `"@null"` (or "null" in a text), a pruned
    blank node identifier."""
    cleaned: list[str] = []
    plain_preserve, plain_null = jsonld.JsonLdProcessor._cleanup_preserve, jsonld.JsonLdProcessor._cleanup_null

    def preserve(self: Any, input_: Any, options: Any) -> Any:
        cleaned.append("preserve")
        return plain_preserve(self, input_, options)

    def null(self: Any, input_: Any, options: Any) -> Any:
        cleaned.append("null")
        return plain_null(self, input_, options)

    options = {"documentLoader": refuse_remote, "embed": "@once", "omitDefault": omit_default}
    for index, (document, frame) in enumerate(_cleanup_cases()):
        expected = dump_json(jsonld.JsonLdProcessor().frame(copy.deepcopy(document), frame, dict(options)))
        cleaned.clear()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(jsonld.JsonLdProcessor, "_cleanup_preserve", preserve)
            patch.setattr(jsonld.JsonLdProcessor, "_cleanup_null", null)
            found = dump_json(Processor().frame(copy.deepcopy(document), frame, dict(options)))
        assert found == expected, index
        assert set(cleaned) == CLEANED[omit_default][index], index
