"""`nida export wikidata`: QuickStatements for signatories (P1891) and addressees (P1817) that
carry a Wikidata QID, on a new item for a statement without one, on its own item otherwise."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SLUG, STATEMENT_DIR, STATEMENT_IRI, edit, run

TITLE = ("Syria: Civil Society Organizations Call for an Immediate Halt to the Military Escalation in"
         " Northeast Syria")
SOURCE = f'S854\t"{STATEMENT_IRI}"'


def test_a_statement_without_a_qid_is_created_with_its_claims(project: Path) -> None:
    result = run("export", "wikidata")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "CREATE\n"
        f'LAST\tLen\t"{TITLE}"\n'
        f'LAST\tP1476\ten:"{TITLE}"\n'
        "LAST\tP407\tQ1860\n"
        f"LAST\tP1817\tQ37470\t{SOURCE}\n"  # the UN Security Council, the one addressee with a QID
    )


def test_claims_go_on_the_statements_own_item_and_cite_it(project: Path) -> None:
    edit(project / "data/organizations.ttl", '    nida:acronym "STJ" .',
         '    nida:acronym "STJ" ;\n    <http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q4000001> .')
    edit(project / "data/organizations.ttl", "@prefix skos:",
         "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix skos:")
    edit(project / STATEMENT_DIR / "statement.ttl", "    a nida:Statement ;",
         "    a nida:Statement ;\n    <http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q4000002> ;")
    out = project / "wikidata.qs"
    result = run("export", "wikidata", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "wrote 2 QuickStatements commands" in result.output
    assert out.read_text(encoding="utf-8") == (
        f"Q4000002\tP1817\tQ37470\t{SOURCE}\n"
        f"Q4000002\tP1891\tQ4000001\t{SOURCE}\n"  # Syrians for Truth and Justice signed it
    )
    assert SLUG in SOURCE


def test_an_out_path_that_cannot_be_written_is_one_line_and_exit_2(project: Path) -> None:
    out = project / "no-such-folder" / "wikidata.qs"
    result = run("export", "wikidata", "--out", str(out))
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [
        f"nida: error: {out}: cannot write this file (No such file or directory); give a path in an"
        " existing, writable folder"]
    assert not (project / "no-such-folder").exists()


def test_writing_over_a_file_leaves_no_staging_file(project: Path) -> None:
    out = project / "wikidata.qs"
    out.write_text("old\n", encoding="utf-8")
    result = run("export", "wikidata", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("CREATE\n")
    assert sorted(p.name for p in project.glob("*wikidata.qs*")) == ["wikidata.qs"]
