"""Framed JSON-LD: one self-contained record per statement, exactly its scope's triples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from pyld import jsonld

from publisher.export.jsonld import refuse_remote
from publisher.graph import statement_scope
from tests.browser import headless_chromium
from tests.conftest import SLUG, STATEMENT_IRI

RECORD = f"statements/{SLUG}.jsonld"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def expand_to_triples(document: Any) -> set[ox.Triple]:
    """pyld's expansion to RDF, with a loader that refuses every URL (no network)."""
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": refuse_remote})
    return {ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)}


@pytest.fixture(scope="module")
def quads(release: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(release / "nida.nq"), format=ox.RdfFormat.N_QUADS))


@pytest.fixture(scope="module")
def record(release: Path) -> Any:
    return load(release / RECORD)


def test_record_expands_to_exactly_its_scope(record: Any, quads: list[ox.Quad]) -> None:
    assert expand_to_triples(record) == set(statement_scope(quads, SLUG))


def test_scope_is_the_statement_graph_and_the_registry_nodes_it_reaches(quads: list[ox.Quad]) -> None:
    scope = set(statement_scope(quads, SLUG))
    graphs: dict[str, set[ox.Triple]] = {}
    for q in quads:
        graphs.setdefault(q.graph_name.value, set()).add(ox.Triple(q.subject, q.predicate, q.object))  # type: ignore[union-attr]
    own = graphs[f"https://w3id.org/nida/id/graph/statement/{SLUG}"]
    assert own <= scope
    assert not scope & graphs["https://w3id.org/nida/id/graph/ontology"]
    subjects = {t.subject.value for t in scope - own}  # type: ignore[union-attr]
    organizations = {s for s in subjects if "/organization/" in s}
    assert len(organizations) == 42
    # concepts the statement uses are in, their schemes' other concepts are not
    concepts = {t.subject for t in graphs["https://w3id.org/nida/id/graph/concepts"]}
    used = {s for s in subjects if "/concept/" in s}
    assert used and len(used) < len(concepts)
    # every registry node in the record is referenced by the statement or another such node
    objects = {t.object.value for t in scope if isinstance(t.object, ox.NamedNode)}
    assert subjects <= objects


def test_record_nests_sections_demands_signatures_organizations(record: Any) -> None:
    assert isinstance(record["@context"], dict)
    assert "@graph" not in record
    assert jsonld.expand(record, {"documentLoader": refuse_remote})[0]["@id"] == STATEMENT_IRI
    sections = sorted(record["hasSection"], key=lambda s: int(s["ordinal"]))
    assert [len(s["hasDemand"]) for s in sections] == [5, 2]
    assert all(isinstance(d, dict) and "text" in d for s in sections for d in s["hasDemand"])
    signatures = record["hasSignature"]
    assert len(signatures) == 43
    for signature in signatures:
        assert "nameAsPrinted" in signature
        assert "prefLabel" in signature["signatory"], signature["id"]
    assert len(record["hasPosition"]) == 10
    assert "content" in record["wasDerivedFrom"]
    # shortcuts stay references: the organizations are nested under the signatures
    assert all(isinstance(o, str) for o in record["signedBy"])


def test_record_uses_only_the_local_context(release: Path, record: Any) -> None:
    assert record["@context"] == load(release / "context.jsonld")["@context"]
    assert "http" not in json.dumps(record["@context"]).split('"@version"')[0]


def test_scope_of_two_statements_keeps_them_apart() -> None:
    def n(path: str) -> ox.NamedNode:
        return ox.NamedNode("https://w3id.org/nida/id/" + path)

    skos = "http://www.w3.org/2004/02/skos/core#"
    label, signatory = ox.NamedNode(skos + "prefLabel"), ox.NamedNode("https://w3id.org/nida/ontology#signatory")
    in_scheme, located = ox.NamedNode(skos + "inScheme"), ox.NamedNode("https://schema.org/location")
    quads = [
        ox.Quad(n("statement/a"), signatory, n("organization/x"), n("graph/statement/a")),
        ox.Quad(n("statement/b"), signatory, n("organization/y"), n("graph/statement/b")),
        ox.Quad(n("organization/x"), label, ox.Literal("X"), n("graph/organizations")),
        ox.Quad(n("organization/x"), located, n("place/p"), n("graph/organizations")),
        ox.Quad(n("organization/y"), label, ox.Literal("Y"), n("graph/organizations")),
        ox.Quad(n("place/p"), label, ox.Literal("P"), n("graph/places")),
        ox.Quad(n("place/p"), in_scheme, n("concept/scheme"), n("graph/places")),
        ox.Quad(n("concept/scheme"), label, ox.Literal("S"), n("graph/concepts")),
        ox.Quad(n("organization/x"), label, ox.Literal("X"), n("graph/ontology")),
    ]
    a = statement_scope(quads, "a")
    assert {(t.subject.value, t.object.value) for t in a} == {  # type: ignore[union-attr]
        ("https://w3id.org/nida/id/organization/x", "X"),
        ("https://w3id.org/nida/id/organization/x", "https://w3id.org/nida/id/place/p"),
        ("https://w3id.org/nida/id/place/p", "P"),
        ("https://w3id.org/nida/id/place/p", "https://w3id.org/nida/id/concept/scheme"),
        ("https://w3id.org/nida/id/statement/a", "https://w3id.org/nida/id/organization/x"),
    }
    assert a == sorted(a, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    assert {t.subject.value for t in statement_scope(quads, "b")} == {  # type: ignore[union-attr]
        "https://w3id.org/nida/id/statement/b", "https://w3id.org/nida/id/organization/y"}


def test_record_is_in_printed_order_with_numbers_as_numbers(record: Any) -> None:
    assert [s["ordinal"] for s in record["hasSignature"]] == list(range(1, 44))
    assert [p["ordinal"] for p in record["hasPosition"]] == list(range(1, 11))
    assert [s["ordinal"] for s in record["hasSection"]] == [1, 2]
    assert [d["ordinal"] for d in record["hasSection"][0]["hasDemand"]] == [1, 2, 3, 4, 5]
    assert isinstance(record["titleStart"], int) and isinstance(record["hasSignature"][0]["nameStart"], int)


def test_pyoxigraph_reads_the_record_as_its_scope(release: Path, quads: list[ox.Quad]) -> None:
    """A second JSON-LD processor (Oxigraph's) reads the same asserted triples, each once."""
    parsed = {q.triple for q in ox.parse(path=str(release / RECORD), format=ox.RdfFormat.JSON_LD)}
    scope = set(statement_scope(quads, SLUG))
    assert parsed == scope
    entailed = {q.triple for q in quads if q.graph_name.value.startswith(  # type: ignore[union-attr]
        "https://w3id.org/nida/id/graph/entailed/")}
    assert not parsed & (entailed - {q.triple for q in quads if "/graph/entailed/" not in str(q.graph_name)})


JSONLD_JS = Path(__file__).parent.parent / "js" / "jsonld.min.js"
TO_RDF = """
const [record, done] = arguments;
const refuse = async (url) => { throw new Error('no network: ' + url); };
jsonld.toRDF(record, {format: 'application/n-quads', documentLoader: refuse})
  .then((nquads) => done({nquads}), (error) => done({error: String(error)}));
"""


def test_jsonld_js_reads_the_record_as_its_scope(release: Path, quads: list[ox.Quad], record: Any,
                                                  tmp_path: Path) -> None:
    """jsonld.js 9.0.0 (tests/js/README.md) in headless Chromium, as a web client reads a record:
    the same asserted triples as the dump's, with a loader that refuses every URL."""
    shutil.copy(JSONLD_JS, tmp_path / JSONLD_JS.name)
    page = tmp_path / "page.html"
    page.write_text(f'<!doctype html><meta charset="utf-8"><script src="{JSONLD_JS.name}"></script>', encoding="utf-8")
    browser = headless_chromium(tmp_path)
    try:
        browser.get(page.as_uri())
        browser.set_script_timeout(30)
        answer = browser.execute_async_script(TO_RDF, record)
    finally:
        browser.quit()
    assert "error" not in answer, answer
    parsed = {q.triple for q in ox.parse(answer["nquads"].encode("utf-8"), format=ox.RdfFormat.N_QUADS)}
    assert parsed == set(statement_scope(quads, SLUG))
    assert len(parsed) == 978
