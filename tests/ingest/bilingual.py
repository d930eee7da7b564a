"""A bilingual project: the kobani fixture ingested, then its Arabic version (shared by tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import STATEMENT_DIR, copy_project, run

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ingest"
ENGLISH = FIXTURES / "kobani-water-crisis.txt"
#: a faithful Arabic translation of ENGLISH, organization names in Arabic script
ARABIC = FIXTURES.parent / "translations" / "kobani-water-crisis.ar.txt"
KOBANI = "kobani-water-crisis"
VERSION_TTL = f"data/statements/{KOBANI}/statement.ar.ttl"


def arabic_text() -> str:
    return ARABIC.read_text(encoding="utf-8")


def make_bilingual(root: Path) -> tuple[Result, Result]:
    """In the working directory `root`: the project without the bundled statement, the English
    kobani text ingested, then its Arabic version (in `incoming/kobani.ar.txt`)."""
    copy_project(root)
    shutil.rmtree(root / STATEMENT_DIR)
    (root / "incoming").mkdir()
    (root / "incoming" / "kobani.ar.txt").write_text(arabic_text(), encoding="utf-8")
    english = run("ingest", str(ENGLISH), "--slug", KOBANI)
    assert english.exit_code == 0, english.output
    return english, run("ingest", "incoming/kobani.ar.txt", "--translation-of", KOBANI)


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bilingual project made once per module (copy it before changing it)."""
    root = tmp_path_factory.mktemp("bilingual")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.delenv("NIDA_ROOT", raising=False)
        _english, arabic = make_bilingual(root)
        assert arabic.exit_code == 0, arabic.output
    return root


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bilingual: Path) -> Path:
    """A private copy of the bilingual project, made the working directory."""
    root = tmp_path / "project"
    shutil.copytree(bilingual, root)
    monkeypatch.chdir(root)
    monkeypatch.delenv("NIDA_ROOT", raising=False)
    return root
