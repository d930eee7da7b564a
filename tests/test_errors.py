"""User mistakes: one clear line naming the file (and line), exit 2, nothing written."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest

from publisher.cli import main
from tests.conftest import STATEMENT_DIR, edit, run

STATEMENT_TTL = STATEMENT_DIR / "statement.ttl"


def error_line(result) -> str:  # type: ignore[no-untyped-def]
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_malformed_turtle_names_file_and_line(project: Path) -> None:
    edit(project / "data/places.ttl", "skos:prefLabel \"Syria\"", "skos:prefLabel \"Syria")
    result = run("validate")
    assert result.exit_code == 2
    line = error_line(result)
    assert line.startswith("nida: error: data/places.ttl:")
    number = int(line.split(":")[3])
    text = (project / "data/places.ttl").read_text(encoding="utf-8").splitlines()
    assert '"Syria' in text[number - 1] or '"Syria' in text[number - 2]
    assert "invalid ttl syntax" in line


def test_malformed_turtle_in_ontology_and_shapes(project: Path) -> None:
    (project / "ontology/extra.ttl").write_text("@prefix x: <http://x/> .\nx:a x:b .\n", encoding="utf-8")
    result = run("validate")
    assert result.exit_code == 2
    assert error_line(result).startswith("nida: error: ontology/extra.ttl:2: invalid ttl syntax")
    (project / "ontology/extra.ttl").unlink()
    (project / "shapes/broken.ttl").write_text("<a> <b> .", encoding="utf-8")
    result = run("validate")
    assert result.exit_code == 2
    assert error_line(result).startswith("nida: error: shapes/broken.ttl:1: invalid ttl syntax")


def test_publish_with_malformed_turtle_writes_nothing(project: Path) -> None:
    edit(project / STATEMENT_TTL, "a nida:Statement ;", "a nida:Statement ;;;  <<")
    result = run("publish")
    assert result.exit_code == 2
    assert error_line(result).startswith(f"nida: error: {STATEMENT_TTL}:")
    assert not (project / "dist").exists()
    assert [p for p in project.iterdir() if p.name.startswith(".dist")] == []


def test_missing_path(project: Path) -> None:
    result = run("validate", "data/nope")
    assert result.exit_code == 2
    assert error_line(result) == "nida: error: data/nope: no such file or folder"


def test_missing_data_folder(project: Path) -> None:
    import shutil

    shutil.rmtree(project / "data")
    result = run("publish")
    assert result.exit_code == 2
    assert error_line(result) == "nida: error: data: no such file or folder"


def test_missing_ontology(project: Path) -> None:
    import shutil

    shutil.rmtree(project / "ontology")
    result = run("validate")
    assert result.exit_code == 2
    assert error_line(result) == "nida: error: ontology: no such file or folder"


def test_unknown_option() -> None:
    result = run("validate", "--colour")
    assert result.exit_code == 2
    assert "No such option" in result.output and "--colour" in result.output
    assert result.output.startswith("Usage: nida validate")


def test_bad_format_value() -> None:
    result = run("validate", "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output


def test_unwritable_out(project: Path) -> None:
    (project / "a-file").write_text("x", encoding="utf-8")
    result = run("publish", "--out", "a-file/dist")
    assert result.exit_code == 2
    assert error_line(result).startswith("nida: error: a-file/dist: cannot create the output folder")


def test_out_is_a_file(project: Path) -> None:
    (project / "a-file").write_text("x", encoding="utf-8")
    result = run("publish", "--out", "a-file")
    assert result.exit_code == 2
    assert error_line(result) == "nida: error: a-file: --out exists and is not a folder; choose a folder"
    assert (project / "a-file").read_text(encoding="utf-8") == "x"


def test_not_utf8(project: Path) -> None:
    path = project / "data/places.ttl"
    path.write_bytes(path.read_bytes().replace(b"Syria", b"Syr\xffia", 1))
    result = run("validate")
    assert result.exit_code == 2
    line = error_line(result)
    assert line.startswith("nida: error: data/places.ttl:")
    assert "not valid UTF-8 (byte 0xff)" in line


def test_source_not_utf8(project: Path) -> None:
    path = project / STATEMENT_DIR / "source.txt"
    path.write_bytes(b"\n\nTitle \xe9\n")
    result = run("validate")
    assert result.exit_code == 2
    assert error_line(result) == (
        f"nida: error: {STATEMENT_DIR}/source.txt:3: not valid UTF-8 (byte 0xe9); save the file as UTF-8"
    )


def test_empty_file(project: Path) -> None:
    (project / "data/events.ttl").write_text("", encoding="utf-8")
    result = run("validate")
    assert result.exit_code == 2
    assert error_line(result) == "nida: error: data/events.ttl: the file is empty; add triples or remove it"


def test_blank_node_in_data(project: Path) -> None:
    path = project / "data/places.ttl"
    path.write_text(path.read_text(encoding="utf-8") + "\n<place/x> <http://x/p> [ <http://x/q> 1 ] .\n",
                    encoding="utf-8")
    result = run("validate")
    assert result.exit_code == 2
    number = len(path.read_text(encoding="utf-8").splitlines())
    assert error_line(result) == (
        f"nida: error: data/places.ttl:{number}: blank node in data; "
        "give the node an IRI under https://w3id.org/nida/id/"
    )


def test_statement_without_source(project: Path) -> None:
    (project / STATEMENT_DIR / "source.txt").unlink()
    result = run("validate")
    assert result.exit_code == 2
    assert error_line(result) == (
        f"nida: error: {STATEMENT_DIR}: statement folder has no source.txt; add the printed text byte for byte"
    )


@pytest.mark.parametrize("args", [["validate"], ["publish"]])
def test_no_traceback_on_any_input_error(project: Path, args: list[str]) -> None:
    (project / "data/x.ttl").write_text("<x> <y> <z> .", encoding="utf-8")
    result = run(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_the_command_ends_with_its_objects_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """`main` leaves what a command made to the OS: the last collection would walk it all."""
    monkeypatch.setattr(sys, "argv", ["nida", "--version"])
    gc.unfreeze()
    try:
        with pytest.raises(SystemExit) as ended:
            main()
        assert ended.value.code == 0
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_name_xml_cannot_carry_names_the_organization_and_writes_nothing(project: Path, jobs: str) -> None:
    """A control character passes Turtle, validation and every RDF format, but network.graphml
    (XML 1.0) cannot hold it: the publish stops with the organization's file and line."""
    edit(project / "data/organizations.ttl", 'skos:prefLabel "Syrians for Truth and Justice"',
         'skos:prefLabel "Syrians for Truth\\u0001 and Justice"')
    result = run("publish", "--jobs", jobs)
    assert result.exit_code == 2
    assert error_line(result) == (
        "nida: error: data/organizations.ttl:13: the name of "
        "<https://w3id.org/nida/id/organization/syrians-for-truth-and-justice> holds U+0001, a character XML "
        "cannot carry, so network.graphml cannot be written; remove it")
    assert not (project / "dist").exists()
    assert [p.name for p in project.iterdir() if p.name.startswith(".dist")] == []
