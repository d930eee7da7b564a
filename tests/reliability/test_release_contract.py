"""The release conforms to the shapes it ships, as an archive checking it on its own would see.

The release carries entailed triples (super-types, super-properties such as nida:section ⊑
dct:isPartOf and nida:condemns ⊑ nida:mentions); the shapes are written to hold on them. Checked
here with plain whole-graph pySHACL over the published files only (no project files), with
`nida verify`, which re-validates a release with its own shapes, and with the SHACL report graph,
whose sh:conforms must follow SHACL (false whenever there are results).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from publisher.release.verify import check_shapes
from publisher.validation.report import SH
from tests.conftest import SLUG, run

DEMAND = f"https://w3id.org/nida/id/statement/{SLUG}/demand/1-1"
STATEMENT = f"https://w3id.org/nida/id/statement/{SLUG}"


def pyshacl_results(data: Graph, shapes: Graph) -> list[tuple[str, str, str]]:
    """(severity, shape, focus) of plain pySHACL's results, as a third-party validator gives them."""
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                                allow_warnings=True, do_owl_imports=False)
    return sorted((str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[1],
                   str(report.value(r, SH.sourceShape)).rsplit("#", 1)[1], str(report.value(r, SH.focusNode)))
                  for r in report.subjects(RDF.type, SH.ValidationResult)
                  if not any(True for _ in report.subjects(SH.detail, r)))


def shipped_shapes(dist: Path, *names: str) -> Graph:
    shapes = Graph()
    for name in names:
        shapes.parse(dist / "shapes" / name, format="turtle")
    return shapes


@pytest.fixture(scope="module")
def published(release: Path) -> Graph:
    return Graph().parse(release / "nida.ttl", format="turtle")


def test_core_shapes_hold_on_the_published_dump(release: Path, published: Graph) -> None:
    results = pyshacl_results(published, shipped_shapes(release, "core.ttl"))
    assert results == [("Warning", "Statement-issued", STATEMENT)]


def test_all_shipped_shapes_hold_on_the_published_dump(release: Path, published: Graph) -> None:
    results = pyshacl_results(published, shipped_shapes(release, "core.ttl", "fidelity.ttl", "versions.ttl"))
    assert [r for r in results if r[0] == "Violation"] == []
    assert results == [("Warning", "DuplicateSignatory", STATEMENT), ("Warning", "Statement-issued", STATEMENT)]


def test_the_dump_carries_the_entailed_triples_the_shapes_must_tolerate(published: Graph) -> None:
    dct, nida = "http://purl.org/dc/terms/", "https://w3id.org/nida/ontology#"
    parts = set(published.objects(URIRef(DEMAND), URIRef(dct + "isPartOf")))
    assert parts == {URIRef(STATEMENT), URIRef(f"{STATEMENT}/section/1")}
    assert any(True for _ in published.triples((None, URIRef(nida + "mentions"),
                                                URIRef("https://w3id.org/nida/id/concept/legal-framework/ihl"))))


def test_verify_revalidates_a_release_with_its_own_shapes(release: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(release, tmp_path / "dist"))
    assert check_shapes(copy) == []
    dump = copy / "nida.ttl"
    text = dump.read_text(encoding="utf-8")
    # the demand keeps only its section: no dct:isPartOf to a statement is left
    old = f"<{DEMAND}> dct:isPartOf <{STATEMENT}/section/1> , <{STATEMENT}> ;\n"
    assert text.count(old) == 1, "the dump's demand blocks changed; update this edit"
    dump.write_text(text.replace(old, f"<{DEMAND}> dct:isPartOf <{STATEMENT}/section/1> ;\n"), encoding="utf-8")
    problems = check_shapes(copy)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"nida.ttl:472: statement/{SLUG}/demand/1-1: violates nidash:Passage-isPartOf: ")
    result = run("verify", str(copy))
    assert result.exit_code == 1
    assert problems[0] in result.stdout.splitlines()
    assert "nida.ttl: SHA-256 differs from SHA256SUMS" in result.stdout.splitlines()
    assert run("verify", "--no-shapes", str(copy)).stdout.count("violates") == 0


def test_verify_uses_the_shapes_in_the_release_not_the_project(release: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(release, tmp_path / "dist"))
    core = copy / "shapes/core.ttl"
    core.write_text(core.read_text(encoding="utf-8").replace(
        "    sh:qualifiedMaxCount 1 ;\n", "    sh:qualifiedMaxCount 0 ;\n", 1), encoding="utf-8")
    problems = check_shapes(copy)
    assert problems and all("violates nidash:Passage-isPartOf" in p for p in problems)


def test_verify_names_missing_shapes(release: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(release, tmp_path / "dist"))
    shutil.rmtree(copy / "shapes")
    assert check_shapes(copy) == ["shapes/: missing; a release carries the shapes and ontology it conforms to"]


def test_turtle_report_does_not_conform_while_it_holds_results(project: Path) -> None:
    result = run("validate", "--format", "turtle", "--quiet")
    assert result.exit_code == 0, result.output  # two warnings: nida publishes, SHACL does not say conforms
    graph = Graph().parse(data=result.stdout, format="turtle")
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1
    assert graph.value(reports[0], SH.conforms) == Literal(False)
    assert len(list(graph.subjects(RDF.type, SH.ValidationResult))) == 2
