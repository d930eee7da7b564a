"""A re-publish begins writing the dumps beside validation (`ReleaseWriter._write_early`): the
changed statement's pieces are made at once, the release folder is staged and the dumps' processes
are forked before validation; the release is the one a cold publish writes, and a publish that
does not conform leaves the previous release, no staged folder and no process."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path
from typing import Any

import pytest

import publisher.export.base
import publisher.release.write
from publisher.errors import NotConforming
from publisher.load.dataset import load_dataset
from publisher.release import publish
from publisher.settings import Settings
from tests.conftest import REPO, edit

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate_statements

ORDINAL = '<https://w3id.org/nida/ontology#ordinal> "1"^^'


def statement(corpus: Path, number: int) -> Path:
    return corpus / "data" / "statements" / f"shaped-{number:05d}" / "statement.ttl"


def comment(corpus: Path, number: int) -> None:
    """Change a statement as `benchmarks/run.py` does: a comment added."""
    with statement(corpus, number).open("a", encoding="utf-8") as handle:
        handle.write(f"\n<https://w3id.org/nida/id/statement/shaped-{number:05d}>"
                     ' <http://www.w3.org/2000/01/rdf-schema#comment> "changed" .\n')


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Twelve statements: one of them is less than an eighth of the data (`PIECES_HERE_BYTES`)."""
    return generate_statements(tmp_path / "corpus", statements=12, organizations=300)


def _publish(corpus: Path, out: Path, cache: Path, jobs: int, monkeypatch: pytest.MonkeyPatch,
             events: list[str] | None = None) -> list[str]:
    """The phases and the forks, in order, of one publish (into `events`, where given)."""
    events = [] if events is None else events
    begin_forked = publisher.release.write.begin_forked
    fork_background = publisher.export.base.fork_background

    def forked_exporters(groups: Any, release: Any, staged: Path) -> Any:
        begun = begin_forked(groups, release, staged)
        events.extend(f"forked {', '.join(e.name for e in groups[index])}" for index in begun)
        return begun

    def forked_pieces(work: Any, tasks: Any, name: str = "", idle_only: bool = False) -> Any:
        events.append(f"forked for {name}")
        return fork_background(work, tasks, name=name, idle_only=idle_only)

    monkeypatch.setattr(publisher.release.write, "begin_forked", forked_exporters)
    monkeypatch.setattr(publisher.export.base, "fork_background", forked_pieces)
    settings = Settings(root=corpus, jobs=jobs, cache_dir_override=cache)
    try:
        publish(load_dataset(settings, lazy=True), settings, out,
                timer=lambda phase, _seconds: events.append(phase))
    finally:
        monkeypatch.undo()
    return events


DUMPS = "forked jsonld, network, turtle, nquads, trig, ntriples, tables"


def test_a_republish_forks_the_dumps_before_validation(corpus: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out, cache = tmp_path / "dist", tmp_path / "cache"
    cold = _publish(corpus, out, cache, 2, monkeypatch)
    assert "forked for making the dumps' pieces" in cold  # every piece is missing: made beside
    assert cold.index(DUMPS) > cold.index("export: start")
    comment(corpus, 3)
    again = _publish(corpus, out, cache, 2, monkeypatch)
    assert "forked for making the dumps' pieces" not in again  # one statement's: made here
    assert again.index(DUMPS) < again.index("export: early start") < again.index("validate: data triples")
    assert again.count(DUMPS) == 1
    fresh = tmp_path / "fresh"
    _publish(corpus, fresh, tmp_path / "fresh-cache", 2, monkeypatch)
    assert (out / "SHA256SUMS").read_bytes() == (fresh / "SHA256SUMS").read_bytes()
    assert b"changed" in (out / "nida.nt").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "corpus", "dist", "fresh", "fresh-cache"]
    assert multiprocessing.active_children() == []


def test_a_republish_that_does_not_conform_leaves_the_release_as_it_was(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, cache = tmp_path / "dist", tmp_path / "cache"
    _publish(corpus, out, cache, 2, monkeypatch)
    before = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    edit(statement(corpus, 3), ORDINAL, ORDINAL.replace('"1"', '"7"'))
    events: list[str] = []
    with pytest.raises(NotConforming):
        _publish(corpus, out, cache, 2, monkeypatch, events)
    assert events.index(DUMPS) < events.index("validate: data triples")  # begun, then stopped
    assert {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "corpus", "dist"]  # no staged folder
    assert multiprocessing.active_children() == []


def test_with_one_job_the_dumps_begin_after_validation(corpus: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    out, cache = tmp_path / "dist", tmp_path / "cache"
    _publish(corpus, out, cache, 1, monkeypatch)
    comment(corpus, 3)
    again = _publish(corpus, out, cache, 1, monkeypatch)
    assert again.index(DUMPS) > again.index("export: start")  # begun (in this process) after validation
    assert "forked for making the dumps' pieces" not in again
    assert b"changed" in (out / "nida.nt").read_bytes()
