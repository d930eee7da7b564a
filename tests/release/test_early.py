"""The statement records are framed beside validation (`ReleaseWriter.begin`): before it in the
phases, stopped with nothing in the release when the data does not conform."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path
from typing import Any

import pytest

import publisher.export.base
import publisher.export.records
from publisher.errors import InputError, NotConforming
from publisher.export import dumps
from publisher.export.base import Release
from publisher.export.jsonld import build_context, dump_nodes
from publisher.export.tables import table_records
from publisher.export.void import release_graph_counts
from publisher.jobs import limited
from publisher.load.dataset import Dataset, load_dataset
from publisher.release import publish
from publisher.release.write import ReleaseWriter
from publisher.settings import Settings
from tests.conftest import REPO, STATEMENT_DIR, edit

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate_statements

STATEMENT_TTL = STATEMENT_DIR / "statement.ttl"
DEMAND_TEXT = "Press for the launch of a credible"  # a verbatim text: changing it breaks fidelity


def _publish(project: Path, jobs: int, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], Exception | None]:
    """What happened, in order: each phase timed, and each group of background processes forked
    (by what they do and how many); the refusal, if any. (Counting the processes alive as a
    phase ends would depend on how fast the small bundled data is framed.)"""
    events: list[str] = []
    settings = Settings(root=project, jobs=jobs)

    def counting(module: Any) -> None:
        fork = module.fork_background

        def counted(work: Any, tasks: Any, name: str = "background work", idle_only: bool = False) -> Any:
            started = fork(work, tasks, name=name, idle_only=idle_only)
            events.append(f"forked {len(started.started)} for {name}")
            return started

        monkeypatch.setattr(module, "fork_background", counted)

    counting(publisher.export.records)
    counting(publisher.export.base)
    try:
        publish(load_dataset(settings, lazy=True), settings, project / "dist",
                timer=lambda phase, _seconds: events.append(phase))
    except NotConforming as exc:
        return events, exc
    return events, None


#: what `ReleaseWriter.begin` forks with two jobs: two processes make the pieces of the ten
#: units (`make_pieces_beside`), each forked once its run of units is parsed, then one frames
#: the bundled statement's record
EARLY = ["forked 1 for making the dumps' pieces", "forked 1 for making the dumps' pieces",
         "forked 1 for framing statement records", "export: early start"]


def test_records_begin_before_validation(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events, failed = _publish(project, 2, monkeypatch)
    assert failed is None
    assert events[:len(EARLY) + 1] == [*EARLY, "validate: data triples"]
    assert events.index("validate: revalidated shards") < events.index("export: start")
    assert (project / "dist" / "statements").is_dir()
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_data_that_does_not_conform_stops_them_and_writes_nothing(project: Path, jobs: int,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    edit(project / STATEMENT_TTL, DEMAND_TEXT, "Push for the launch of a credible")
    events, failed = _publish(project, jobs, monkeypatch)
    assert isinstance(failed, NotConforming)
    # with one job nothing is forked (the records' start forks none: "forked 0")
    early = EARLY if jobs == 2 else ["forked 0 for framing statement records", "export: early start"]
    assert events[:len(early)] == early
    assert [e for e in events if e.startswith("forked")] == early[:-1]
    assert "export: start" not in events
    assert not (project / "dist").exists()
    assert [p.name for p in project.iterdir() if p.name.startswith(".dist")] == []
    assert multiprocessing.active_children() == []


def _every_piece(release: Release) -> list[object]:
    """What the exporters read of the per-unit pieces: the dumps, the JSON-LD nodes, the tables'
    rows and the graphs' sizes."""
    context = build_context(release.dataset.ontology)
    return [dumps.ntriples(release), dumps.nquads(release), dumps.trig(release), dumps.turtle(release),
            dump_nodes(release, context), table_records(release), release_graph_counts(release)]


def test_every_piece_is_made_beside_validation(project: Path, tmp_path: Path) -> None:
    """Once `begin`'s pieces are stored, each exporter finds every piece it reads in the build
    cache, the same as made where it is read: this process never makes the release quads."""
    plain = Settings(root=project, jobs=1, cache_dir_override=tmp_path / "plain")
    with limited(1):
        expected = _every_piece(Release(load_dataset(plain, lazy=True), plain))
    settings = Settings(root=project, jobs=2, cache_dir_override=tmp_path / "cache")
    with limited(2):
        writer = ReleaseWriter(load_dataset(settings, lazy=True), settings)
        release = writer.release
        try:
            writer.begin()
            assert release._units == {}  # the records' scopes and the pieces' quads are made beside
            assert release.await_pieces()
            found = _every_piece(release)
        finally:
            writer.stop()
    assert release._units == {}  # no piece needed the quads
    assert found == expected
    assert expected[0].count(b"\n") == 2414  # type: ignore[union-attr]


def test_each_run_of_units_is_forked_as_soon_as_it_is_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first process making pieces begins before the statements of the second run are
    parsed, and the statements are parsed in the order one parse of them all takes (their
    files' lines are looked up first file first)."""
    corpus = generate_statements(tmp_path / "corpus", statements=4, organizations=300)
    events: list[str] = []
    fork = publisher.export.base.fork_background
    parse = Dataset.load_units

    def forked(work: Any, tasks: Any, name: str = "background work", idle_only: bool = False) -> Any:
        started = fork(work, tasks, name=name, idle_only=idle_only)
        events.append(f"forked {len(started.started)} for {len(tasks[0])} units")
        return started

    def parsed(self: Dataset, names: Any) -> None:
        names = sorted(set(names) & set(self.pending))
        parse(self, names)
        events.extend(f"parsed {name.rsplit('/', 1)[1]}" for name in names)

    monkeypatch.setattr(publisher.export.base, "fork_background", forked)
    monkeypatch.setattr(Dataset, "load_units", parsed)
    settings = Settings(root=corpus, jobs=2, cache_dir_override=tmp_path / "cache")
    with limited(2):
        release = Release(load_dataset(settings, lazy=True), settings)
        try:
            release.make_pieces_beside([dumps.dump_spec("ntriples")])
            assert release.await_pieces()
        finally:
            release.stop_pieces()
    # ten units in two runs of about the same bytes: the ontology, five registries and two
    # statements (117 and 125 kB), then the two largest statements (137 and 165 kB)
    assert events == ["parsed shaped-00001", "parsed shaped-00002", "forked 1 for 8 units",
                      "parsed shaped-00003", "parsed shaped-00004", "forked 1 for 2 units"]
    whole = load_dataset(settings)
    assert [file for file, *_rest in release.dataset.locations._files] == \
        [file for file, *_rest in whole.locations._files]


def test_a_statement_that_does_not_parse_after_the_first_run_leaves_no_process(
        tmp_path: Path) -> None:
    """The first run's process is forked before the last statement is parsed: when that one
    does not parse, the publish stops it and says where."""
    corpus = generate_statements(tmp_path / "corpus", statements=4, organizations=300)
    edit(corpus / "data" / "statements" / "shaped-00004" / "statement.ttl", " .\n", " ;\n")
    settings = Settings(root=corpus, jobs=2, cache_dir_override=tmp_path / "cache")
    with pytest.raises(InputError, match="invalid ttl syntax") as raised:
        publish(load_dataset(settings, lazy=True), settings, tmp_path / "dist")
    assert raised.value.where == "data/statements/shaped-00004/statement.ttl"
    assert multiprocessing.active_children() == []
    assert not (tmp_path / "dist").exists()


def test_with_one_job_nothing_is_made_beside(project: Path, tmp_path: Path) -> None:
    settings = Settings(root=project, jobs=1, cache_dir_override=tmp_path / "cache")
    with limited(1):
        release = Release(load_dataset(settings, lazy=True), settings)
        release.make_pieces_beside([dumps.dump_spec("ntriples")])
        assert multiprocessing.active_children() == []
        assert release.await_pieces() is False
