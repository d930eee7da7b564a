"""The fast validation engine gives exactly the Report of whole-graph pySHACL.

The fast engine validates statement shards in small groups (publisher/validation/incremental.py), or the
whole graph at once (publisher/validation/fast.py); both are compared, and the pre-filter that
spares pySHACL the conforming focus nodes (publisher/validation/prefilter.py) must flag every node
pySHACL reports on.

Every mutation of tests/validation/test_rules.py (one per rule) is applied, as many at once as
do not overlap, to a copy of the project that also holds five synthetic statements
from benchmarks/generate.py; on each mutated copy both engines must report the same
results: focus nodes, shapes, constraints, messages, severities, values, paths.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from publisher.load.dataset import load_dataset
from publisher.settings import Settings
from publisher.validation.engine import validate
from publisher.validation.fast import validate_fast
from publisher.validation.incremental import validate_cached
from publisher.validation.report import Result
from publisher.validation.resultcache import CacheStats
from tests.conftest import REPO, copy_project
from tests.validation.test_rules import CASES, Case, mutate

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate


def rounds(cases: list[Case], size: int = 30) -> list[list[Case]]:
    """Group the mutations so that, within a group, no edit touches another one's text."""
    groups: list[tuple[list[Case], dict[str, str], list[tuple[str, str]]]] = []
    for case in cases:
        for group, texts, applied in groups:
            if len(group) >= size:
                continue
            trial = dict(texts)
            ok = True
            for old, new in case.edits:
                text = trial.setdefault(case.file, (REPO / case.file).read_text(encoding="utf-8"))
                if text.count(old) != 1:
                    ok = False
                    break
                trial[case.file] = text.replace(old, new)
            if ok and all(new in trial[file] for file, new in applied):
                group.append(case)
                texts.update(trial)
                applied.extend((case.file, new) for _, new in case.edits)
                break
        else:
            texts = {}
            for old, new in case.edits:
                text = texts.setdefault(case.file, (REPO / case.file).read_text(encoding="utf-8"))
                texts[case.file] = text.replace(old, new)
            groups.append(([case], texts, [(case.file, new) for _, new in case.edits]))
    return [group for group, _, _ in groups]


GROUPS = rounds(list(CASES))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project plus five synthetic statements (and their registry, appended)."""
    root = copy_project(tmp_path_factory.mktemp("corpus"))
    synthetic = generate(tmp_path_factory.mktemp("synthetic") / "p", statements=5, organizations=200)
    for folder in sorted((synthetic / "data" / "statements").iterdir()):
        shutil.copytree(folder, root / "data" / "statements" / folder.name)
    registry = (synthetic / "data" / "organizations.ttl").read_text(encoding="utf-8")
    stj = registry.index("<organization/syrians-for-truth-and-justice>")
    with (root / "data" / "organizations.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\n" + registry[:stj])
    return root


def compare(root: Path) -> int:
    dataset = load_dataset(Settings(root=root))
    fast = validate(dataset, engine="fast")
    slow = validate(dataset, engine="pyshacl")
    missing = sorted(set(slow.results) - set(fast.results))
    extra = sorted(set(fast.results) - set(slow.results))
    assert not missing and not extra, f"only pySHACL: {missing}\nonly fast: {extra}"
    assert fast.results == slow.results
    assert validate_fast(dataset).results == slow.results  # the whole graph at once, as with backward shapes
    return len(fast.results)


def test_unmutated_corpus_same_report(corpus: Path) -> None:
    assert compare(corpus) >= 2  # the seed's known warnings


def mutated_copy(corpus: Path, root: Path, group: int) -> Path:
    """A copy of the corpus with every mutation of one group of rule cases applied."""
    shutil.copytree(corpus, root)
    for case in GROUPS[group]:
        for old, new in case.edits:
            mutate(root, case.file, old, new)
    return root


@pytest.mark.parametrize("group", range(len(GROUPS)))
def test_mutated_corpus_same_report(group: int, corpus: Path, tmp_path: Path) -> None:
    assert compare(mutated_copy(corpus, tmp_path / "p", group)) >= 1


def cached_run(root: Path, cache: Path) -> tuple[CacheStats, list[Result]]:
    import publisher.validation.incremental

    dataset = load_dataset(Settings(root=root))
    stats = CacheStats()
    saved, publisher.validation.incremental.PARALLEL_MIN = publisher.validation.incremental.PARALLEL_MIN, 0  # use the workers
    try:
        report = validate_cached(dataset, cache, stats=stats, jobs=2)
    finally:
        publisher.validation.incremental.PARALLEL_MIN = saved
    assert report.results == validate(dataset, engine="fast").results  # the cache changes nothing
    return stats, report.results


SYNTHETIC = "data/statements/synthetic-00003"


def test_cache_revalidates_only_the_changed_statement(corpus: Path, tmp_path: Path) -> None:
    root, cache = tmp_path / "p", tmp_path / "cache"
    shutil.copytree(corpus, root)
    first, results = cached_run(root, cache)
    assert first.hits == 0 and first.shards == 7 and first.full_run
    # one pack of results and one of summaries, not a file per shard and per statement
    assert sorted(p.relative_to(cache).parent.as_posix() + "/" + p.suffix for p in cache.rglob("*") if p.is_file()) \
        == [f"validation/{kind}/packs/{suffix}" for kind in ("results", "summaries") for suffix in (".index", ".pack")]
    second, again = cached_run(root, cache)
    assert second.hits == 7 and second.revalidated == [] and again == results

    # a violation introduced into a statement that was cached: only its shard is revalidated
    mutate(root, f"{SYNTHETIC}/statement.ttl", "nida:ordinal 7 ;", "nida:ordinal 70 ;")
    third, found = cached_run(root, cache)
    assert third.revalidated == [f"https://w3id.org/nida/id/graph/statement/{Path(SYNTHETIC).name}"]
    assert not third.full_run
    assert any(r.severity == "violation" and "synthetic-00003" in r.focus for r in found)

    # the source text alone changes: the shard's key changes too
    mutate(root, f"{SYNTHETIC}/statement.ttl", "nida:ordinal 70 ;", "nida:ordinal 7 ;")
    assert cached_run(root, cache)[0].hits == 7  # back to the cached state
    text = (root / SYNTHETIC / "source.txt").read_text(encoding="utf-8")
    (root / SYNTHETIC / "source.txt").write_text(text.replace("Signatory", "Signatary"), encoding="utf-8")
    fourth, found = cached_run(root, cache)
    assert len(fourth.revalidated) == 1
    assert any(r.shape and r.shape.endswith("SourceSha256Matches") for r in found)


def test_cache_follows_registry_changes(corpus: Path, tmp_path: Path) -> None:
    """A registry node a cached statement references changes: that statement is revalidated."""
    root, cache = tmp_path / "p", tmp_path / "cache"
    shutil.copytree(corpus, root)
    cached_run(root, cache)
    registry = root / "data" / "organizations.ttl"
    text = registry.read_text(encoding="utf-8")
    start = text.index("\n<organization/", text.index("Organization 1\""))  # a synthetic organization
    block_end = text.index(" .\n", start)
    org = text[start + 1:text.index(">", start) + 1]
    registry.write_text(text[:start] + text[block_end + 3:], encoding="utf-8")
    stats, found = cached_run(root, cache)
    assert "rest" in stats.revalidated
    users = [r for r in found if r.value == f"https://w3id.org/nida/id/{org[1:-1]}"]
    assert users and all(r.severity == "violation" for r in users)


def test_parallel_jsonld_compaction_equals_whole_document(corpus: Path, tmp_path: Path) -> None:
    """Grouped, memoized, forked and cached compaction writes the bytes of plain pyld's
    whole-document compaction, cold and from the cache."""
    from pyld import jsonld

    import publisher.export.base as export
    from publisher.export.base import Release
    from publisher.export.jsonld import (
        build_context,
        dump_document,
        dump_json,
        dump_nodes,
        pyld_dataset,
        refuse_remote,
    )

    settings = Settings(root=corpus, cache_dir_override=tmp_path / "cache")
    dataset = load_dataset(settings)
    release = Release(dataset, settings)
    context = build_context(dataset.ontology)
    expanded = jsonld.from_rdf(pyld_dataset(release.triples))
    whole = jsonld.compact(expanded, context, {"documentLoader": refuse_remote})
    whole["@graph"].sort(key=lambda node: str(node.get("id", "")))
    export.PARALLEL_MIN, saved = 1, export.PARALLEL_MIN
    try:
        cold = dump_document(context, dump_nodes(Release(dataset, settings), context))
    finally:
        export.PARALLEL_MIN = saved
    assert cold == dump_json(whole)
    entries = list((tmp_path / "cache" / "build" / "jsonld").rglob("*"))
    assert len([e for e in entries if e.is_file()]) == len(release.units) > 2
    assert dump_document(context, dump_nodes(Release(dataset, settings), context)) == cold


def test_dumps_assembled_from_unit_pieces_equal_whole_serializations(corpus: Path, tmp_path: Path) -> None:
    """N-Quads, N-Triples, TriG and Turtle from cached per-unit pieces are the bytes a single
    serialization of the whole sorted release gives; a changed statement re-serializes only itself."""
    from publisher.export import dumps
    from publisher.export.base import Release
    from publisher.export.ntriples import canonical_ntriples
    from publisher.export.quads import canonical_nquads, trig_bytes
    from publisher.export.turtle import turtle_bytes

    root = tmp_path / "p"
    shutil.copytree(corpus, root)
    settings = Settings(root=root, cache_dir_override=tmp_path / "cache")
    whole = Release(load_dataset(settings), settings)
    expected = {"nquads": canonical_nquads(whole.quads), "ntriples": canonical_ntriples(whole.triples),
                "trig": trig_bytes(whole.quads), "turtle": turtle_bytes(whole.triples)}
    writers = {"nquads": dumps.nquads, "ntriples": dumps.ntriples, "trig": dumps.trig, "turtle": dumps.turtle}
    for run in ("cold", "cached"):
        release = Release(load_dataset(settings), settings)
        for kind, write in writers.items():
            assert write(release) == expected[kind], (run, kind)
        assert release._quads is None  # the whole release graph was never built
    cache = tmp_path / "cache" / "build"
    before = {kind: {p.name for p in (cache / kind).rglob("*") if p.is_file()} for kind in writers}
    assert all(len(names) == len(whole.units) for names in before.values())
    statement = sorted(root.glob("data/statements/*/statement.ttl"))[0]
    statement.write_text(statement.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    release = Release(load_dataset(settings), settings)
    for kind, write in writers.items():
        assert write(release) == expected[kind]  # a comment changes no triple
        after = {p.name for p in (cache / kind).rglob("*") if p.is_file()}
        assert len(after - before[kind]) == 1, kind


def test_cached_results_are_located_without_parsing_their_statements(corpus: Path, tmp_path: Path) -> None:
    """A re-publish names the file and line of a cached result from the cache: the statements
    it did not change stay unparsed, and the report is the one a full load gives."""
    root, cache = tmp_path / "p", tmp_path / "cache"
    shutil.copytree(corpus, root)
    first = validate_cached(load_dataset(Settings(root=root), lazy=True), cache).results
    lazy = load_dataset(Settings(root=root), lazy=True)
    pending = set(lazy.pending)
    again = validate_cached(lazy, cache).results
    assert set(lazy.pending) == pending and len(pending) == 6  # the seed and five synthetic ones
    assert again == first == validate(load_dataset(Settings(root=root)), engine="fast").results
    in_statements = [r for r in again if r.file and r.file.startswith("data/statements/")]
    assert len(in_statements) == 2 and all(isinstance(r.line, int) and r.line > 1 for r in in_statements)


def test_shapes_that_look_backward_turn_the_cache_off(corpus: Path, tmp_path: Path) -> None:
    root, cache = tmp_path / "p", tmp_path / "cache"
    shutil.copytree(corpus, root)
    assert validate(load_dataset(Settings(root=root)), cache_dir=cache).results
    assert any(cache.rglob("*.pack"))  # forward-only shapes: results are cached
    shutil.rmtree(cache)
    (root / "shapes/backward.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix nida: <https://w3id.org/nida/ontology#> .\n"
        "<https://w3id.org/nida/shapes#SignedOrganization> a sh:NodeShape ;\n"
        "    sh:targetClass nida:Organization ;\n"
        "    sh:property <https://w3id.org/nida/shapes#SignedOrganization-signature> .\n"
        "<https://w3id.org/nida/shapes#SignedOrganization-signature>\n"
        "    sh:path [ sh:inversePath nida:signatory ] ; sh:minCount 1 ; sh:severity sh:Warning ;\n"
        '    sh:message "an organization that signs nothing" .\n', encoding="utf-8")
    dataset = load_dataset(Settings(root=root))
    report = validate(dataset, cache_dir=cache)
    assert report.results == validate(dataset, engine="pyshacl").results
    assert not any(cache.rglob("*.pack"))  # never cached: a registry edit could make it stale


def test_lazy_dataset_parses_statements_only_when_asked(corpus: Path) -> None:
    """A lazy dataset holds the registries and the ontology; a statement is parsed on demand,
    and reading `parts` loads the rest: the same triples as an eager load."""
    from publisher.load.dataset import GRAPH_BASE

    settings = Settings(root=corpus)
    eager = load_dataset(settings)
    lazy = load_dataset(settings, lazy=True)
    statements = sorted(name for name in eager.loaded if name.startswith(GRAPH_BASE + "statement/"))
    assert len(statements) > 2
    assert sorted(lazy.pending) == statements and not set(statements) & set(lazy.loaded)
    assert lazy.unit_triples(statements[0]) == eager.loaded[statements[0]]
    assert sorted(lazy.pending) == statements[1:]
    assert lazy.parts == eager.parts and not lazy.pending
    assert sorted(s.slug for s in lazy.sources) == sorted(s.slug for s in eager.sources)


def core_focus_nodes(dataset) -> tuple[set[str], set[str]]:  # type: ignore[no-untyped-def]
    """(focus nodes the detector flags, focus nodes whole-graph pySHACL reports on) for the core shapes."""
    import pyshacl
    from oxrdflib import OxigraphStore
    from rdflib import Graph
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from publisher.validation.fast import data_store, split_rules
    from publisher.validation.prefilter import plan
    from publisher.validation.report import SH

    _rules, core = split_rules(dataset.shapes)
    store = data_store(dataset)
    restricted = plan(core, store)
    assert restricted is not None  # the project's shapes are all understood: the fast path runs
    graph = Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID)
    _ok, report, _text = pyshacl.validate(graph, shacl_graph=core, inference="none", advanced=True,
                                          allow_warnings=True, do_owl_imports=False, inplace=True)
    nested = set(report.objects(None, SH.detail))  # sh:node's details: reported through their parent
    reported = {str(report.value(r, SH.focusNode)) for r in report.subjects(SH.focusNode, None) if r not in nested}
    return {str(n) for n in restricted.nodes()}, reported


@pytest.mark.parametrize("group", range(len(GROUPS)))
def test_detector_flags_every_node_pyshacl_reports(group: int, corpus: Path, tmp_path: Path) -> None:
    """Sound pre-filter: every focus node core pySHACL reports on is flagged, on every mutation."""
    root = mutated_copy(corpus, tmp_path / "p", group)
    flagged, reported = core_focus_nodes(load_dataset(Settings(root=root)))
    assert reported <= flagged, f"not flagged: {sorted(reported - flagged)}"


def test_detector_flags_few_nodes_on_conforming_data(corpus: Path) -> None:
    flagged, reported = core_focus_nodes(load_dataset(Settings(root=corpus)))
    assert reported <= flagged
    assert len(flagged) <= len(reported) + 2  # the seed's warnings: pySHACL runs on a handful of nodes


def test_shapes_the_detector_does_not_model_run_through_pyshacl(corpus: Path, tmp_path: Path) -> None:
    """sh:or is not modelled: its targets are all flagged, and the report still equals pySHACL's."""
    root = tmp_path / "p"
    shutil.copytree(corpus, root)
    (root / "shapes/or.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix nida: <https://w3id.org/nida/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://w3id.org/nida/shapes#OrgLabel> a sh:NodeShape ;\n"
        "    sh:targetClass nida:Organization ;\n"
        "    sh:or ( [ sh:path nida:acronym ; sh:minCount 1 ] [ sh:path skos:altLabel ; sh:minCount 1 ] ) ;\n"
        "    sh:severity sh:Info ;\n"
        '    sh:message "an organization without acronym or other name" .\n', encoding="utf-8")
    assert compare(root) >= 3
    flagged, reported = core_focus_nodes(load_dataset(Settings(root=root)))
    assert reported <= flagged and len(flagged) > len(reported)


def test_unit_pieces_follow_every_input_they_depend_on(corpus: Path, tmp_path: Path) -> None:
    """A statement's source text and the ontology are inputs of its pieces: editing either gives
    the dump a whole-release serialization gives, never a stale cached piece."""
    from publisher.export import dumps
    from publisher.export.base import Release
    from publisher.export.quads import canonical_nquads

    root = tmp_path / "p"
    shutil.copytree(corpus, root)
    settings = Settings(root=root, cache_dir_override=tmp_path / "cache")
    before = dumps.nquads(Release(load_dataset(settings), settings))  # fills the cache
    source = sorted(root.glob("data/statements/*/source.txt"))[0]
    source.write_bytes(source.read_bytes() + b"\n")
    release = Release(load_dataset(settings), settings)
    edited = dumps.nquads(release)
    assert edited == canonical_nquads(release.quads) != before
    changed = set(edited.splitlines()) - set(before.splitlines())
    subject = f"<https://w3id.org/nida/id/source/{source.parent.name}> ".encode()
    assert changed and all(line.startswith(subject) for line in changed)  # nida:content and its super-property
    ontology = root / "ontology/nida.ttl"
    ontology.write_text(ontology.read_text(encoding="utf-8").replace(
        "owl:versionInfo", "rdfs:seeAlso <https://example.org/changed> ;\n    owl:versionInfo", 1),
        encoding="utf-8")
    release = Release(load_dataset(settings), settings)
    assert dumps.nquads(release) == canonical_nquads(release.quads)
    assert b"<https://example.org/changed>" in dumps.nquads(release)


@pytest.mark.parametrize("root", ["bundled", "corpus"])
def test_records_framed_by_the_memoizing_processor_equal_plain_pyld(root: str, corpus: Path) -> None:
    """export/processor.Processor (expansion skipped, IRI compaction remembered and its prefix
    search narrowed) frames every record exactly as plain pyld does: the bundled data uses a
    dozen vocabularies, the synthetic corpus the registry at scale."""
    from pyld import jsonld

    from publisher.export.base import Release
    from publisher.export.jsonld import build_context, dump_json, pyld_dataset, refuse_remote
    from publisher.export.records import _frame, frame_statement
    from publisher.graph import STATEMENT_BASE, statement_scopes

    settings = Settings(root=REPO if root == "bundled" else corpus)
    dataset = load_dataset(settings)
    release = Release(dataset, settings)
    context = build_context(dataset.ontology)
    scopes = statement_scopes(release.quads)
    assert scopes
    options = {"documentLoader": refuse_remote, "embed": "@once", "omitGraph": True, "omitDefault": True}
    for slug, scope in scopes.items():
        statement = STATEMENT_BASE + slug
        plain = jsonld.frame(jsonld.from_rdf(pyld_dataset(scope)), _frame(context, statement), options)
        assert dump_json(frame_statement(scope, statement, context)) == dump_json(plain), slug


def test_narrowed_prefix_search_compacts_every_iri_as_pyld_does() -> None:
    """Overlapping prefixes, equal-length candidates, a CURIE that is itself a term, a term
    that is no prefix (its IRI does not end a path), IRIs no prefix matches, keywords."""
    from pyld import jsonld

    from publisher.export.jsonld import refuse_remote
    from publisher.export.processor import Processor

    context = {
        "@version": 1.1, "ex": "https://example.org/", "exa": "https://example.org/a/",
        "exb": "https://example.org/b/", "abc": "https://example.org/a/b/c/", "xyz": "https://example.org/a/b/c/",
        "notprefix": "https://example.org/a/b/c/d", "ex:taken": "https://example.org/taken",
        "x": "https://ex.org/", "id": "@id", "typed": {"@id": "https://example.org/typed", "@type": "@id"},
    }
    iris = ["https://example.org/a/b/c/d/e", "https://example.org/a/b/c/", "https://example.org/a/x",
            "https://example.org/b/c", "https://example.org/taken", "https://example.org/typed",
            "https://example.org/a/b/c/d", "https://ex.org/", "https://ex.org/z", "urn:isbn:1",
            "https://elsewhere.net/p", "@type", "@id", "https://example.org/elsewhere"]
    values = [None, {"@id": "https://example.org/a/x"}, {"@value": "v", "@language": "en"}]
    options = {"documentLoader": refuse_remote}
    plain, ours = jsonld.JsonLdProcessor(), Processor()
    active = plain.process_context(plain._get_initial_context(options), context, options)
    for iri in iris:
        for value in values:
            for vocab in (False, True):
                expected = plain._compact_iri(active, iri, value=value, vocab=vocab)
                assert ours._compact_iri(active, iri, value=value, vocab=vocab) == expected, (iri, value, vocab)
                assert ours._compact_iri(active, iri, value=value, vocab=vocab) == expected  # remembered


def test_inlined_has_value_answers_as_pyld_does() -> None:
    """Node references, value objects (typed, tagged, indexed; 1 against True and 1.0), bare
    values, @list objects, frozen dicts, missing and empty properties: every pair of cases."""
    from frozendict import frozendict
    from pyld import jsonld

    from publisher.export.hasvalue import _has_value, faster_has_value

    ex = "https://example.org/"
    candidates: list[object] = [
        {"@id": ex + "a"}, {"@id": ex + "b"}, {"@id": ex + "a", "@type": [ex + "T"]}, {"@id": None},
        {"@value": "a"}, {"@value": "a", "@language": "en"}, {"@value": "a", "@type": ex + "T"},
        {"@value": "a", "@index": "i"}, {"@value": 1}, {"@value": True}, {"@value": 1.0},
        frozendict({"@id": ex + "a"}), frozendict({"@value": "a"}), "a", 1, True, None,
        {"@list": [{"@id": ex + "a"}]},
    ]
    subjects = [{}, {"p": []}, {"p": candidates}, {"p": candidates[4]}, {"p": candidates[-1]},
                {"p": [{"@id": ex + "a"}, {"@value": "a"}]}, {"p": [{"@value": 1}, {"@value": 1.0}]},
                frozendict({"p": [candidates[0]]})]
    checked = 0
    for subject in subjects:
        for value in [*candidates, [candidates[0]], candidates[2].copy()]:
            expected = jsonld.JsonLdProcessor.has_value(subject, "p", value)
            assert _has_value(subject, "p", value) == expected, (subject, value)
            checked += 1
    assert checked == 8 * 20
    with faster_has_value():
        assert jsonld.JsonLdProcessor.has_value({"p": [{"@id": ex + "a"}]}, "p", {"@id": ex + "a"}) is True
    assert jsonld.JsonLdProcessor.__dict__["has_value"].__func__ is not _has_value  # put back


def test_record_frames_expand_as_pyld_expands_them() -> None:
    """The expanded frame without `@id`, kept and given each statement's IRI back, is what pyld
    makes of each whole frame, key order included; a frame with no absolute `@id` is expanded
    as it is."""
    from pyld import jsonld

    from publisher.export.jsonld import build_context, refuse_remote
    from publisher.export.processor import Processor
    from publisher.export.records import _frame
    from publisher.graph import STATEMENT_BASE

    settings = Settings(root=REPO)
    dataset = load_dataset(settings)
    context = build_context(dataset.ontology)
    options = {"isFrame": True, "keepFreeFloatingNodes": True, "documentLoader": refuse_remote}
    ours = Processor()
    compact = next(term for term, value in context.items() if value == STATEMENT_BASE.rsplit("/", 2)[0] + "/")
    for iri in [STATEMENT_BASE + "a", STATEMENT_BASE + "b", "https://example.org/x", "relative/x",
                f"{compact}:statement/a"]:
        frame = _frame(context, iri)
        expected = jsonld.JsonLdProcessor().expand(frame, dict(options))
        found = ours.expand(frame, dict(options))
        assert found == expected and [list(node) for node in found] == [list(node) for node in expected], iri
        nested = next(key for key in found[0] if not key.startswith("@"))
        found[0][nested].append({"changed": True})  # framing may change what it is given: not the kept one
    assert len(ours._frames) == 1
