"""A re-publish parses only the statements whose files changed: validation keys the others
by their files' digests and a cached summary of their nodes, and says the same as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.load.dataset import load_dataset
from publisher.load.known import may_reference
from publisher.settings import Settings
from publisher.validation.incremental import validate_cached
from tests.conftest import run

STATEMENTS = "https://w3id.org/nida/id/graph/statement/"


def statement(corpus: Path, number: int) -> Path:
    return corpus / "data" / "statements" / f"synthetic-{number:05d}" / "statement.ttl"


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def test_only_the_changed_statement_is_parsed(corpus: Path, tmp_path: Path) -> None:
    cache, settings = tmp_path / "cache", Settings(root=corpus)
    first = load_dataset(settings, lazy=True)
    assert len(first.pending) == 3
    assert validate_cached(first, cache).conforms()
    assert first.pending == {}  # nothing cached yet: every statement was parsed
    append(statement(corpus, 2), '\n<statement/synthetic-00002> <http://www.w3.org/2000/01/rdf-schema#comment> "x" .\n')
    again = load_dataset(settings, lazy=True)
    report = validate_cached(again, cache)
    assert report.conforms()
    assert sorted(again.pending) == [STATEMENTS + "synthetic-00001", STATEMENTS + "synthetic-00003"]
    assert sorted(name for name in again.loaded if name.startswith(STATEMENTS)) == [STATEMENTS + "synthetic-00002"]


def test_a_cached_violation_is_reported_with_its_line(corpus: Path, monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    monkeypatch.chdir(corpus)
    monkeypatch.delenv("NIDA_ROOT", raising=False)
    monkeypatch.setenv("NIDA_CACHE_DIR", str(tmp_path / "cache"))
    path = statement(corpus, 3)
    path.write_text(path.read_text(encoding="utf-8").replace("nida:ordinal 1 ;", "nida:ordinal 7 ;", 1),
                    encoding="utf-8")
    outputs = [run("validate") for _ in range(3)]
    assert [result.exit_code for result in outputs] == [1, 1, 1]
    assert "data/statements/synthetic-00003/statement.ttl:" in outputs[0].output
    assert outputs[0].output == outputs[1].output == outputs[2].output


def test_a_reference_in_an_unchanged_statement_is_still_reported(corpus: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    monkeypatch.chdir(corpus)
    monkeypatch.delenv("NIDA_ROOT", raising=False)
    monkeypatch.setenv("NIDA_CACHE_DIR", str(tmp_path / "cache"))
    append(statement(corpus, 1), "\n<statement/synthetic-00001> <http://www.w3.org/2002/07/owl#imports> "
                                 "<https://example.org/elsewhere> .\n")
    results = [run("publish", "--quiet", "--out", str(tmp_path / name)) for name in ("one", "two")]
    assert [result.exit_code for result in results] == [0, 0]
    warning = "owl:imports <https://example.org/elsewhere> is not loaded"
    assert warning in results[0].stderr and warning in results[1].stderr


@pytest.mark.parametrize(("text", "expected"), [
    (b'<a> <b> "plain" .\n', False),
    (b"<a> owl:imports <b> .\n", True),
    (b"<a> sh:shapesGraph <b> .\n", True),
    (b'<a> <b> "an escaped quote: \\" and a tab \\t" .\n', False),  # a backslash, no \u
    (b"<a> <http://example.org/\\u0069mports> <b> .\n", True),
    (b"<a> <b> <http://example.org/\\U00000069> .\n", True),
    (b"<a> <b> \"ends in a backslash\\\\\" .\n", False),
    (b"", False),
])
def test_may_reference_finds_the_marks_the_full_search_finds(text: bytes, expected: bool) -> None:
    full = any(mark in text for mark in (b"imports", b"shapesGraph", b"\\u", b"\\U"))
    assert may_reference(text) is expected is full
