"""`nida validate` output formats and the publish gate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from rdflib import Graph, Namespace

from tests.conftest import STATEMENT_DIR, edit, run

SH = Namespace("http://www.w3.org/ns/shacl#")
STATEMENT_TTL = STATEMENT_DIR / "statement.ttl"
DEMAND_TEXT = "Press for the launch of a credible"


def test_text_report_names_file_line_node_rule(project: Path) -> None:
    result = run("validate")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{STATEMENT_TTL}:17: statement/halt-military-escalation-northeast-syria"
    assert lines[1].startswith("  WARNING dct:issued: No publication date is printed in the source")
    assert lines[1].endswith("[nidash:Statement-issued]")
    assert lines[-1] == "conforms (2 warnings)"


def test_strict_makes_warnings_fail(project: Path) -> None:
    result = run("validate", "--strict")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "does not conform (2 warnings)"


def test_turtle_format_is_the_shacl_report_graph(project: Path) -> None:
    result = run("validate", "--format", "turtle")
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.output, format="turtle")
    reports = list(graph.subjects(predicate=SH.conforms))
    assert len(reports) == 1
    assert len(list(graph.objects(reports[0], SH.result))) == 2


def test_violation_report_in_every_format(project: Path) -> None:
    edit(project / STATEMENT_TTL, DEMAND_TEXT, "Push for the launch of a credible")
    text = run("validate")
    assert text.exit_code == 1
    assert "VIOLATION nida:text" in text.output
    assert text.output.splitlines()[-1] == "does not conform (1 violation, 2 warnings)"
    document = json.loads(run("validate", "--format", "json").output)
    assert document["conforms"] is False
    assert document["counts"] == {"violation": 1, "warning": 2, "info": 0}
    (violation,) = [r for r in document["results"] if r["severity"] == "violation"]
    assert violation["focus"].endswith("/demand/1-4")
    assert violation["file"] == str(STATEMENT_TTL)
    assert isinstance(violation["line"], int)


def test_publish_refuses_a_violation_and_keeps_the_previous_release(project: Path) -> None:
    assert run("publish").exit_code == 0
    before = {p: p.read_bytes() for p in (project / "dist").rglob("*") if p.is_file()}
    edit(project / STATEMENT_TTL, DEMAND_TEXT, "Push for the launch of a credible")
    result = run("publish")
    assert result.exit_code == 1
    assert "nothing was written" in result.output
    assert "Traceback" not in result.output
    after = {p: p.read_bytes() for p in (project / "dist").rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".dist")] == []


def test_publish_refuses_a_violation_on_first_run_too(project: Path) -> None:
    edit(project / STATEMENT_TTL, "nida:ordinal 43 ;", "nida:ordinal 42 ;")
    result = run("publish", "--out", "release")
    assert result.exit_code == 1
    assert not (project / "release").exists()


def test_strict_publish_refuses_warnings(project: Path) -> None:
    result = run("publish", "--strict")
    assert result.exit_code == 1
    assert not (project / "dist").exists()


def test_duplicate_statement_slug(project: Path) -> None:
    copy = project / "data/more" / STATEMENT_DIR.name
    copy.parent.mkdir()
    shutil.copytree(project / STATEMENT_DIR, copy)
    result = run("validate")
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"nida: error: {STATEMENT_DIR}: duplicate statement slug "
        f"'{STATEMENT_DIR.name}' (also data/more/{STATEMENT_DIR.name}); rename one folder"
    )


def test_validate_one_file_reports_missing_registry(project: Path) -> None:
    result = run("validate", str(STATEMENT_TTL), "--format", "json")
    assert result.exit_code == 1
    shapes = {r["shape"].rsplit("#", 1)[1] for r in json.loads(result.output)["results"]}
    assert "SignatoryInRegistry" in shapes
