"""Loading does less per file than it did, with the same outcome: `subject_lines` resolves each
distinct subject token once (validation's file:line of each result), and rdflib's verdict on a
typed literal is remembered across files."""

from __future__ import annotations

from itertools import product
from pathlib import Path
from urllib.parse import urljoin

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from publisher.errors import InputError
from publisher.load.checks import check_typed_literals
from publisher.load.parse import (
    _SUBJECT_TOKEN,
    files_graph,
    merge_graphs,
    parse_file,
    subject_lines,
    to_graph,
    token_iri,
)
from publisher.textlines import split_lines
from tests.conftest import REPO

PREFIXES = {"ex": "https://example.org/", "": "https://example.org/empty#"}
BASE = "https://w3id.org/nida/id/"
TEXT = """@base <https://w3id.org/nida/id/> .
@prefix ex: <https://example.org/> .
PREFIX ex2: <https://example.org/2/>

<statement/a> <p> <o> .
<statement/a> <q> "x" .
ex:b ex:p ex:c ;
    ex:q ex:d .
<https://w3id.org/nida/id/statement/a> <p> <o2> .
<./statement/../statement/a> <p> <o3> .
unknown:e <p> <o> .
:f <p> <o> .
ex:b <p> <o> .
<statement/g?> <p> <o> .
<statement/g> <p> <o> .
"""


def every_line(text: str, prefixes: dict[str, str], base: str | None) -> dict[str, int]:
    """The former scan: every subject line matched (and its token resolved as the parser does)."""
    found: dict[str, int] = {}
    for number, line in enumerate(split_lines(text), start=1):
        match = _SUBJECT_TOKEN.match(line)
        if not match or line.startswith("@") or line[:6].upper() in ("PREFIX", "BASE  "):
            continue
        iri = token_iri(match.group(1), prefixes, base)
        if iri is not None:
            found.setdefault(iri, number)
    return found


def test_repeated_subjects_keep_their_first_line() -> None:
    for base in (BASE, None):
        assert subject_lines(TEXT, PREFIXES, base) == every_line(TEXT, PREFIXES, base)
    assert subject_lines(TEXT, PREFIXES, BASE)[BASE + "statement/a"] == 5


ODD = """PREFIX ex: <https://example.org/>
prefix:x <p> <o> .
BASE  <https://example.org/base/>
    ex:indented <p> <o> .
ex:crlf\r
 ex:space <p> <o> .
BASE
ex:after <p> <o> .
ex:bc <p> <o> .
ex:b <p> <o> .
# ex:comment <p> <o> .
ex:last <p> <o> ."""


def test_odd_lines_as_before() -> None:
    """Keywords, indentation, carriage returns, comments, a token that begins a longer one on
    an earlier line, and a last line without a line feed."""
    prefixes = {**PREFIXES, "prefix": "https://example.org/prefix/"}
    found = subject_lines(ODD, prefixes, BASE)
    assert found == every_line(ODD, prefixes, BASE)
    assert found == {"https://example.org/crlf": 5, "https://example.org/after": 8,
                     "https://example.org/bc": 9, "https://example.org/b": 10, "https://example.org/last": 12}


def test_a_generated_statement_as_before() -> None:
    lines = [f"<statement/s/signature/{n % 40}> <p> \"{n}\" ." for n in range(400)]
    text = "@base <https://w3id.org/nida/id/> .\n" + "\n".join(lines) + "\n"
    assert subject_lines(text, {}, BASE) == every_line(text, {}, BASE)


BASES = ["https://w3id.org/nida/id/", "http://example.org/a/b/", "https://x.org/", "https://x.org:8080/a/",
         "https://x.org/a/../b/", "https://x.org//a/", "https://x.org/a/./", "https://x.org/a?q/",
         "https://x.org/a#f/", "https://u@x.org/a/", "https://x.org/a;p/", "https://x.org/a",
         "https://x.org/%41/", "ftp://x.org/a/", "HTTPS://X.org/a/"]
REFERENCES = ["a", "a/b", "a/b/", "statement/shaped-00001/section-1", ".", "..", "./a", "../a", "a/./b",
              "a/../b", "a//b", "/a", "//a", "?q", "#f", "a?q", "a#f", "a;p", "a:b", "a.b/c.d", ".a", "a/.b",
              "a/..", "a/.", "", "~x", "-", "a%20b", "\u00e9", "a b", "http://o.org/x", "..a", "a..", "a/b.."]


def test_relative_subjects_resolve_as_urljoin_resolves_them() -> None:
    """Plain paths against a plain base are appended without `urljoin`; every other pair goes
    through it: the same IRI either way."""
    for base, reference in product(BASES, REFERENCES):
        assert token_iri(f"<{reference}>", {}, base) == urljoin(base, reference), (base, reference)
    assert token_iri("<statement/a/b>", {}, BASE) == BASE + "statement/a/b"


@given(st.sampled_from(BASES), st.text(alphabet="ab./-_~:?#;%", max_size=12))
def test_any_relative_subject_resolves_as_urljoin_resolves_it(base: str, reference: str) -> None:
    assert token_iri(f"<{reference}>", {}, base) == urljoin(base, reference)


def test_typed_literals_are_judged_as_rdflib_judges_them_in_every_file() -> None:
    """The verdicts are remembered across files: a pair seen before is judged as rdflib did."""
    integer, date = (f"http://www.w3.org/2001/XMLSchema#{name}" for name in ("integer", "date"))
    pairs = [("12", integer), ("1x", integer), ("+7", integer), (" 3", integer), ("2026-02-30", date),
             ("2026-02-28", date), ("x", "http://example.org/unknown")]
    for _file in range(2):
        for value, datatype in pairs:
            assert_judged_as_rdflib_judges(value, datatype)


def assert_judged_as_rdflib_judges(value: str, datatype: str) -> None:
    if Literal(value, datatype=URIRef(datatype)).ill_typed:
        with pytest.raises(InputError):
            check_typed_literals([(value, datatype)], f'"{value}"^^<{datatype}>', "f.ttl")
    else:
        check_typed_literals([(value, datatype)], "", "f.ttl")


def test_plain_digits_are_integers_as_rdflib_judges_them() -> None:
    """ASCII digits skip rdflib (`_PLAIN_INTEGER`): rdflib finds every such form well typed,
    and forms beside them (signs, spaces, other digits) still go to rdflib."""
    integer = "http://www.w3.org/2001/XMLSchema#integer"
    digits = ["0", "7", "007", "1234567890", "9" * 40]
    for value in digits:
        assert not Literal(value, datatype=URIRef(integer)).ill_typed
        check_typed_literals([(value, integer)], "", "f.ttl")
    for value in ["1x", "١٢", "12 3", "1_000", ""]:
        assert_judged_as_rdflib_judges(value, integer)


CLASHING = """@prefix schema: <http://schema.org/> .
@prefix nida: <https://example.org/other-nida#> .
@prefix ex: <https://example.org/> .
ex:a schema:name "a" ; nida:p ex:b .
"""


@pytest.mark.parametrize("names", [["ontology/nida.ttl"], ["shapes/core.ttl", "shapes/fidelity.ttl", "shapes/versions.ttl"],
                                   ["ontology/nida.ttl", "clashing.ttl"], ["clashing.ttl", "ontology/nida.ttl"]])
def test_one_graph_of_files_is_their_graphs_merged(names: list[str], tmp_path: Path) -> None:
    """The same triples and the same prefixes, where two files bind a prefix differently and
    where a file rebinds one of rdflib's own (schema: to http, rdflib's is https)."""
    (tmp_path / "clashing.ttl").write_text(CLASHING, encoding="utf-8")
    paths = [tmp_path / name if name == "clashing.ttl" else REPO / name for name in names]
    parsed = [parse_file(path, path.parent, allow_blank_nodes=True) for path in paths]
    merged, made = merge_graphs(to_graph(file) for file in parsed), files_graph(parsed)
    assert set(made) == set(merged) and len(made) == len(merged) > 3
    assert list(made.namespaces()) == list(merged.namespaces())
