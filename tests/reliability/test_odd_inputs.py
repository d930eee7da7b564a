"""Inputs that crashed or hung publish (issue 15, item 10): each is now one line, or works.

- literals holding U+2028, U+2029, U+0085 (and the other separators str.splitlines honours)
  publish, and every dump parses back to the same literal in a second parser;
- a source.txt past the limit, JSON-LD nested too deep, a statement folder whose name is no
  IRI segment: one line naming the file, exit 2, nothing written;
- a damaged build or validation cache is dropped and made again: the release is byte for byte
  that of a publish without any cache.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib import URIRef

from publisher.settings import MAX_JSON_DEPTH, MAX_SOURCE_BYTES
from tests.conftest import SLUG, STATEMENT_DIR, edit, run
from tests.test_errors import error_line

SEPARATORS = "\u2028\u2029\u0085\x0b\x0c\x1c\x1d\x1e"
PLACE = "https://w3id.org/nida/id/place/syria"
LABEL = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")


def test_literals_with_unicode_line_separators_publish_and_round_trip(project: Path) -> None:
    edit(project / "data/places.ttl", '    skos:prefLabel "Syria" ;', f'    skos:prefLabel "Syr{SEPARATORS}ia" ;')
    result = run("publish", "--quiet")
    assert result.exit_code == 0, result.output
    dist = project / "dist"
    expected = rdflib.Literal(f"Syr{SEPARATORS}ia")
    formats = {"nida.ttl": "turtle", "nida.nt": "nt", "nida.trig": "trig", "nida.nq": "nquads",
               "nida.jsonld": "json-ld"}
    counts = set()
    for name, fmt in formats.items():
        graph = rdflib.Dataset() if fmt in ("trig", "nquads") else rdflib.Graph()
        graph.parse(dist / name, format=fmt)
        triples = {(s, p, o) for s, p, o, *_ in (graph.quads() if isinstance(graph, rdflib.Dataset) else graph)}
        counts.add(len(triples))
        assert expected in {o for s, p, o in triples if s == URIRef(PLACE) and p == LABEL}, name
    assert len(counts) == 1
    assert run("verify", str(dist)).exit_code == 0


def test_a_source_text_past_the_limit_is_one_line(project: Path) -> None:
    source = project / STATEMENT_DIR / "source.txt"
    with source.open("ab") as handle:
        handle.write(b"x" * (17 << 20))
    size = source.stat().st_size
    for command in ("validate", "publish"):
        result = run(command, "--quiet")
        assert result.exit_code == 2
        assert error_line(result) == (
            f"nida: error: {STATEMENT_DIR}/source.txt: {size} bytes, more than the {MAX_SOURCE_BYTES} a source"
            " text may have (it is published as one literal); check it is the statement's text alone")
    assert not (project / "dist").exists()


def test_jsonld_nested_too_deep_is_one_line(project: Path) -> None:
    depth = 990
    document = ('{"@context": {"@vocab": "http://example.org/"},\n"@id": "http://example.org/a", "p": '
                + '{"p": ' * depth + '"{[ in a string"' + "}" * depth + "}")
    (project / "data/deep.jsonld").write_text(document, encoding="utf-8")
    result = run("validate", "--quiet")
    assert result.exit_code == 2
    assert error_line(result) == (f"nida: error: data/deep.jsonld:2: JSON nested more than {MAX_JSON_DEPTH} deep;"
                                  " flatten the document (give nodes their own @id and refer to them)")


def test_jsonld_nesting_within_the_limit_and_brackets_in_strings_pass(project: Path) -> None:
    depth = MAX_JSON_DEPTH - 2
    document = ('{"@context": {"@vocab": "http://example.org/"}, "@id": "http://example.org/a", "q": "'
                + "{[" * 500 + '", "p": ' + '{"p": ' * depth + '"x"' + "}" * depth + "}")
    (project / "data/deep.jsonld").write_text(document, encoding="utf-8")
    result = run("validate", "--quiet")
    # past the depth check; the nested objects are blank nodes, which the next check refuses
    assert error_line(result) == ("nida: error: data/deep.jsonld: blank node in data; give the node an IRI"
                                  " under https://w3id.org/nida/id/")


@pytest.mark.parametrize(("name", "suggestion"), [("a b", "a-b"), ("déclaration", "d-claration"), ("x%20y", "x-20y")])
def test_a_statement_folder_that_is_no_iri_segment_is_one_line(project: Path, name: str, suggestion: str) -> None:
    (project / STATEMENT_DIR).rename(project / "data/statements" / name)
    for command in ("validate", "publish"):
        result = run(command, "--quiet")
        assert result.exit_code == 2, result.output
        assert error_line(result) == (
            f"nida: error: data/statements/{name}: the folder name {name!r} cannot be the last part of the"
            " statement's IRIs; rename it with letters, digits, '-', '.', '_' or '~' only"
            f" (e.g. {suggestion!r})")
    assert not (project / "dist").exists()


def damage(cache: Path, how: str) -> int:
    count = 0
    for folder, _dirs, files in os.walk(cache):
        for name in files:
            path = Path(folder) / name
            data = path.read_bytes()
            path.write_bytes({"half": data[: len(data) // 2], "empty": b"", "garbage": b"\0{[garbage" * 9,
                              "flipped": bytes([data[0] ^ 1]) + data[1:] if data else b"x"}[how])
            count += 1
    return count


@pytest.mark.parametrize("how", ["half", "empty", "garbage", "flipped"])
def test_a_damaged_cache_is_made_again(project: Path, tmp_path: Path, how: str,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("publish", "--quiet", "--out", "clean").exit_code == 0
    clean = (project / "clean/SHA256SUMS").read_bytes()
    shutil.rmtree(project / ".nida-cache")
    assert run("publish", "--quiet").exit_code == 0
    assert damage(project / ".nida-cache", how) > 20
    for out in ("fresh", "dist"):  # into a new folder, then over the release (its pages are linked)
        result = run("publish", "--quiet", "--out", out)
        assert result.exit_code == 0, result.output
        assert (project / out / "SHA256SUMS").read_bytes() == clean
    report = run("validate", "--format", "json", "--quiet")
    assert json.loads(report.stdout)["counts"] == {"violation": 0, "warning": 2, "info": 0}
    assert SLUG in (project / "dist/SHA256SUMS").read_text(encoding="utf-8")
