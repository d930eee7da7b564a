"""Shared fixtures: a private copy of the project, and one published release per session."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from publisher.cli import cli

#: the bilingual project's fixtures (`bilingual`, `fresh`), shared by the ingest and validation tests
pytest_plugins = ["tests.ingest.bilingual"]

REPO = Path(__file__).resolve().parent.parent
PROJECT_FOLDERS = ("ontology", "data", "shapes", "queries")
PROJECT_FILES = ("release.toml",)
SLUG = "halt-military-escalation-northeast-syria"
STATEMENT_DIR = Path("data/statements") / SLUG
BASE = "https://w3id.org/nida/id/"
STATEMENT_IRI = f"{BASE}statement/{SLUG}"


def copy_project(target: Path) -> Path:
    for folder in PROJECT_FOLDERS:
        shutil.copytree(REPO / folder, target / folder)
    for file in PROJECT_FILES:
        shutil.copy2(REPO / file, target / file)
    return target


@contextmanager
def loopback_server(handler: Callable[..., BaseHTTPRequestHandler]) -> Iterator[str]:
    """A real HTTP server on a free loopback port, answering with `handler` in threads for as long
    as the block lasts; its base URL (http://127.0.0.1:<port>)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of ontology/, data/ and shapes/ in a temporary folder, made the working directory."""
    copy_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NIDA_ROOT", raising=False)
    return tmp_path


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bundled data published once, for tests that only read the release."""
    root = copy_project(tmp_path_factory.mktemp("project"))
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.delenv("NIDA_ROOT", raising=False)
        result = run("publish")
        assert result.exit_code == 0, result.output
    yield root / "dist"


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a fixture file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Three synthetic statements of six signatures from a registry of 30 organizations."""
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    return generate(tmp_path / "corpus", statements=3, organizations=30, demands=2, signatures=6)
