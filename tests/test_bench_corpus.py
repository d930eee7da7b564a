"""The statement-shaped benchmark corpus (benchmarks/generate.py --shape statements).

Benchmarks are only comparable from run to run if the same seed writes the same corpus, and
they only measure a publish if the corpus passes validation (verbatim offsets included).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from publisher.graph import release_quads, statement_scopes, statement_slug, unit_scopes
from publisher.load.dataset import load_dataset
from publisher.settings import Settings
from tests.conftest import REPO, run

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate_statements
from run import SHAPED_SIZES


def files(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes()
            for path in sorted((root / "data").rglob("*")) if path.is_file()}


def test_same_seed_writes_byte_identical_corpus(tmp_path: Path) -> None:
    first = files(generate_statements(tmp_path / "a", *SHAPED_SIZES["st-10k"], seed=7))
    second = files(generate_statements(tmp_path / "b", *SHAPED_SIZES["st-10k"], seed=7))
    other = files(generate_statements(tmp_path / "c", *SHAPED_SIZES["st-10k"], seed=8))
    assert first == second
    assert first.keys() == other.keys()
    assert first != other
    statements = sorted(name for name in first if name.endswith("statement.ttl"))
    assert len(statements) == 5
    # varied per statement: no two statements have the same number of signatures
    signatures = {first[name].count(b"#Signature>") for name in statements}
    assert len(signatures) == 5
    assert min(signatures) >= 40


def test_corpus_passes_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(generate_statements(tmp_path / "p", *SHAPED_SIZES["st-10k"]))
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "conforms (5 warnings)"  # dct:issued, as the bundled one


def test_records_scopes_read_from_the_units_are_those_of_the_release_quads(tmp_path: Path) -> None:
    """`unit_scopes` (what the records are framed from, no quad made) against `statement_scopes`
    of the materialized release, on five statements sharing organizations and the registry."""
    root = generate_statements(tmp_path / "p", *SHAPED_SIZES["st-10k"])
    dataset = load_dataset(Settings(root=root), lazy=True)
    scopes = unit_scopes(dataset, list(dataset.parts))
    assert scopes == statement_scopes(release_quads(dataset))
    assert len(scopes) == 5 and all(len(scope) > 900 for scope in scopes.values())
    one = sorted(scopes)[2]
    others = [name for name in dataset.parts if statement_slug(name) in (None, one)]
    assert unit_scopes(dataset, others) == {one: scopes[one]}
