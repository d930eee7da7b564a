"""`nida verify`: an intact release passes; each kind of damage is one line; exit 0 / 1 / 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import run

STATEMENT_GRAPH = "https://w3id.org/nida/id/graph/statement/halt-military-escalation-northeast-syria"


@pytest.fixture
def copy(release: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(release, tmp_path / "dist"))


def test_intact_release_passes(release: Path) -> None:
    result = run("verify", str(release))
    assert result.exit_code == 0, result.output
    assert result.output.endswith(": ok\n")


def test_a_changed_byte_is_reported_by_checksums_and_void(copy: Path) -> None:
    path = copy / "shapes/core.ttl"
    path.write_bytes(path.read_bytes().replace(b"sh:", b"sh:", 1) + b"# x\n")
    result = run("verify", str(copy))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "shapes/core.ttl: SHA-256 differs from SHA256SUMS" in lines
    assert "shapes/core.ttl: SHA-256 differs from void.ttl" in lines
    assert any(line.startswith("shapes/core.ttl: ") and "bytes, void.ttl says" in line for line in lines)


def test_a_lost_quad_is_reported_per_graph(copy: Path) -> None:
    path = copy / "nida.nq"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if STATEMENT_GRAPH not in line] + \
           [line for line in lines if STATEMENT_GRAPH in line][1:]
    path.write_text("".join(sorted(kept)), encoding="utf-8")
    result = run("verify", str(copy))
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    total = len(lines)
    assert f"nida.nq: {total - 1} triples, void.ttl says {total}" in out
    assert any(line.startswith(f"nida.nq: graph <{STATEMENT_GRAPH}> has ") for line in out)


def test_unparsable_and_unlisted_files(copy: Path) -> None:
    (copy / "nida.trig").write_text("this is not TriG", encoding="utf-8")
    (copy / "extra.txt").write_text("left over", encoding="utf-8")
    (copy / "nida.nt").unlink()
    result = run("verify", str(copy))
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    assert any(line.startswith("nida.trig: does not parse as TriG") for line in out)
    assert "extra.txt: not listed in SHA256SUMS" in out
    assert not any("extra.txt" in line and "void.ttl" in line for line in out)  # a file, not a distribution
    assert "nida.nt: described in void.ttl but missing" in out
    assert "nida.nt: listed in SHA256SUMS but missing" in out
    assert "nida.nt: missing" in out


def test_not_a_release_folder(tmp_path: Path) -> None:
    result = run("verify", str(tmp_path))
    assert result.exit_code == 2
    assert "not a nida release" in result.output
    assert run("verify", str(tmp_path / "nope")).exit_code == 2
