"""The published release: counts asked with SPARQL, printed names, round trips, determinism."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.conftest import REPO, STATEMENT_IRI, run

PREFIXES = """
PREFIX nida: <https://w3id.org/nida/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
"""


@pytest.fixture(scope="module")
def store(release: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(release / "nida.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    solutions = store.query(PREFIXES + query)
    return [tuple(term.value for term in row) for row in solutions]  # type: ignore[union-attr]


def count(store: ox.Store, query: str) -> int:
    (row,) = select(store, query)
    return int(row[0])


def test_release_files(release: Path) -> None:
    names = sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())
    assert "html/index.html" in names  # the pages are checked in test_html.py
    names = [name for name in names if not name.startswith("html/")]
    assert names == [
        "SHA256SUMS",
        "context.jsonld",
        "network.graphml",
        "nida.jsonld",
        "nida.nq",
        "nida.nt",
        "nida.trig",
        "nida.ttl",
        "ontology/nida.ttl",
        *sorted(f"queries/{p.name}" for p in (REPO / "queries").glob("*.rq")),
        "shapes/core.ttl",
        "shapes/fidelity.ttl",
        "shapes/versions.ttl",
        "statements/halt-military-escalation-northeast-syria.jsonld",
        *sorted(f"tables/{name}" for name in ("actors.csv", "csv-metadata.json", "demand_addressees.csv",
                                              "demand_types.csv", "demands.csv", "organizations.csv",
                                              "sections.csv", "signatures.csv", "statements.csv")),
        "void.ttl",
    ]


def test_forty_three_signatures_of_forty_two_organizations(store: ox.Store) -> None:
    assert count(store, "SELECT (COUNT(?s) AS ?n) { ?s a nida:Signature }") == 43
    assert count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s nida:signatory ?o }") == 42
    assert count(store, "SELECT (COUNT(?o) AS ?n) { ?o a nida:Organization }") == 42
    ordinals = select(store, "SELECT ?n { ?s a nida:Signature ; nida:ordinal ?n } ORDER BY ?n")
    assert [int(n) for (n,) in ordinals] == list(range(1, 44))
    assert count(store, f"SELECT (COUNT(?o) AS ?n) {{ <{STATEMENT_IRI}> nida:signedBy ?o }}") == 42
    assert count(store, f"SELECT (COUNT(?o) AS ?n) {{ <{STATEMENT_IRI}> wdt:P1891 ?o }}") == 42


def test_lines_9_and_39_are_one_organization(store: ox.Store) -> None:
    rows = select(store, """
        SELECT ?a ?b ?org { ?s1 nida:ordinal 9 ; nida:nameAsPrinted ?a ; nida:signatory ?org .
                            ?s2 nida:ordinal 39 ; nida:nameAsPrinted ?b ; nida:signatory ?org .
                            ?s1 a nida:Signature . ?s2 a nida:Signature }""")
    assert rows == [(
        "dijla Organization for Development and Environment",
        "Dijla Organization for Development and Environment",
        "https://w3id.org/nida/id/organization/dijla-organization-for-development-and-environment",
    )]


def test_seven_demands_five_and_two_by_addressee(store: ox.Store) -> None:
    assert count(store, "SELECT (COUNT(?d) AS ?n) { ?d a nida:Demand }") == 7
    rows = select(store, """
        SELECT ?label (COUNT(?d) AS ?n) { ?d a nida:Demand ; nida:addressee/skos:prefLabel ?label }
        GROUP BY ?label ORDER BY ?label""")
    assert rows == [
        ("Syrian Democratic Forces", "2"),
        ("Syrian Transitional Government", "2"),
        ("United Nations Security Council", "5"),
    ]
    sections = select(store, """
        SELECT ?ord (COUNT(?d) AS ?n) { ?sec a nida:Section ; nida:ordinal ?ord ; nida:hasDemand ?d }
        GROUP BY ?ord ORDER BY ?ord""")
    assert sections == [("1", "5"), ("2", "2")]


@pytest.mark.parametrize(("ordinal", "printed"), [
    (12, "PÊL- Civil Waves"),
    (22, "RÊ for rehabilitation and development"),
    (24, "PEACE SHE LEADAR NET WORK"),
    (34, "Jiyan \u2013 Kurdish Women's Movement"),  # with its en dash
])
def test_names_as_printed(store: ox.Store, ordinal: int, printed: str) -> None:
    rows = select(store, f"""
        SELECT ?name {{ ?s a nida:Signature ; nida:ordinal {ordinal} ; nida:nameAsPrinted ?name }}""")
    assert rows == [(printed,)]


def test_source_is_in_the_release_with_its_checksum(store: ox.Store, release: Path) -> None:
    seed = (Path(__file__).resolve().parents[3] / "shared/seeds/000_8a0ca22e61b5950c.txt")
    repo_copy = Path(__file__).resolve().parents[2] / "data/statements"
    raw = next(repo_copy.glob("*/source.txt")).read_bytes()
    if seed.exists():
        assert raw == seed.read_bytes()
    rows = select(store, f"""
        SELECT ?content ?sha ?bytes {{ <{STATEMENT_IRI}> <http://www.w3.org/ns/prov#wasDerivedFrom> ?src .
          ?src nida:content ?content ; nida:sha256 ?sha ; nida:byteLength ?bytes }}""")
    assert rows == [(raw.decode("utf-8"), hashlib.sha256(raw).hexdigest(), str(len(raw)))]


def test_no_publication_date_is_invented(store: ox.Store) -> None:
    assert select(store, f"SELECT ?d {{ <{STATEMENT_IRI}> dct:issued ?d }}") == []


def test_dumps_carry_materialized_super_types(store: ox.Store) -> None:
    assert store.query(PREFIXES + f"ASK {{ <{STATEMENT_IRI}> a schema:CreativeWork }}")
    assert count(store, "SELECT (COUNT(?o) AS ?n) { ?o a schema:Organization }") >= 42


def _graph(path: Path, fmt: str) -> Graph:
    return Graph().parse(path, format=fmt)


def test_every_format_parses_back_to_the_same_graph(release: Path) -> None:
    turtle = _graph(release / "nida.ttl", "turtle")
    ntriples = _graph(release / "nida.nt", "nt")
    with_rdflib = _graph(release / "nida.jsonld", "json-ld")
    assert len(turtle) == len(ntriples) == len(with_rdflib) > 2000
    assert isomorphic(turtle, ntriples)
    assert isomorphic(turtle, with_rdflib)
    # A second, independent JSON-LD processor: pyld's expansion to N-Quads.
    document = json.loads((release / "nida.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    with_pyld = Graph().parse(data=nquads, format="nt")
    assert isomorphic(turtle, with_pyld)


def test_ntriples_are_sorted_one_per_line(release: Path) -> None:
    lines = (release / "nida.nt").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(set(lines))
    assert all(line.endswith(" .") for line in lines)


def test_jsonld_has_only_the_local_context(release: Path) -> None:
    document = json.loads((release / "nida.jsonld").read_text(encoding="utf-8"))
    context = json.loads((release / "context.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == context["@context"]
    assert isinstance(document["@context"], dict)
    assert "http" not in json.dumps(document["@context"]).split('"@version"')[0]
    assert context["owl:versionInfo"] == "0.1.0"


def test_checksums_match_every_file(release: Path) -> None:
    lines = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()}
    assert set(listed) == files - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest


def test_publish_twice_is_byte_identical(project: Path) -> None:
    first = run("publish", "--out", "one")
    second = run("publish", "--out", "two")
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    one = {p.relative_to(project / "one"): p.read_bytes() for p in (project / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(project / "two"): p.read_bytes() for p in (project / "two").rglob("*") if p.is_file()}
    assert one == two
    assert (project / "one/SHA256SUMS").read_bytes() == (project / "two/SHA256SUMS").read_bytes()


def test_publish_replaces_the_previous_release(project: Path) -> None:
    assert run("publish").exit_code == 0
    (project / "dist/stale.txt").write_text("left over", encoding="utf-8")
    result = run("publish")
    assert result.exit_code == 0, result.output
    assert not (project / "dist/stale.txt").exists()
    assert [p.name for p in project.iterdir() if p.name.startswith(".dist")] == []
