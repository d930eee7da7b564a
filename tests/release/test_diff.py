"""`nida diff OLD NEW`: added/removed triples per named graph and per statement."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SLUG, run

GRAPH = "https://w3id.org/nida/id/graph/"
ORG = "<https://w3id.org/nida/id/organization/aras>"
LABEL = "<http://www.w3.org/2004/02/skos/core#altLabel>"


def changed_release(release: Path, target: Path) -> Path:
    """A copy of the release's N-Quads: one statement triple removed, one label added, and a
    second statement that the old release did not have."""
    lines = (release / "nida.nq").read_text(encoding="utf-8").splitlines()
    statement = [line for line in lines if f"<{GRAPH}statement/{SLUG}>" in line]
    lines.remove(statement[0])
    lines.append(f'{ORG} {LABEL} "ARAS e.V." <{GRAPH}organizations> .')
    lines.append(f'<https://w3id.org/nida/id/statement/other> <http://purl.org/dc/terms/title> "Other" '
                 f'<{GRAPH}statement/other> .')
    target.mkdir()
    (target / "nida.nq").write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
    return target


def test_same_release_has_no_changes(release: Path) -> None:
    result = run("diff", str(release), str(release))
    assert result.exit_code == 0
    assert result.output == "0 triples added, 0 removed, in 0 graph(s)\n"


def test_changes_per_graph_and_statement(release: Path, tmp_path: Path) -> None:
    new = changed_release(release, tmp_path / "new")
    result = run("diff", str(release), str(new))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "2 triples added, 1 removed, in 3 graph(s)"
    assert "statement other: added" in lines
    assert f"statement {SLUG}: +0 -1" in lines
    assert f"graph <{GRAPH}organizations>: +1 -0" in lines
    assert f'  + {ORG} {LABEL} "ARAS e.V." .' in lines
    assert sum(line.startswith("  - ") for line in lines) == 1
    summary = run("diff", "--summary", str(release), str(new)).output
    assert "  + " not in summary

    data = json.loads(run("diff", "--format", "json", str(new), str(release)).output)
    assert (data["added"], data["removed"]) == (1, 2)
    assert data["statements"] == {"added": [], "removed": ["other"],
                                  "changed": {SLUG: {"added": 1, "removed": 0}}}
    assert data["graphs"][f"{GRAPH}organizations"]["removed"] == [f'{ORG} {LABEL} "ARAS e.V." .']


def test_not_a_release(tmp_path: Path, release: Path) -> None:
    result = run("diff", str(tmp_path), str(release))
    assert result.exit_code == 2
    assert "not a nida release" in result.output
