"""`nida query`: every example query's exact answer on the bundled data, formats, errors."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from publisher.settings import Settings
from publisher.sparql.named import named_queries
from publisher.sparql.results import render, run_query
from publisher.sparql.screen import QueryError, QueryRefused, QueryTooLarge, check_query
from publisher.sparql.source import open_store, resolve_source, source_quads
from tests.conftest import REPO, STATEMENT_IRI, run

GOLDEN = REPO / "tests/golden/queries"
QUERIES = named_queries(REPO / "queries")


@pytest.fixture(scope="module")
def store(release: Path) -> ox.Store:
    return open_store(resolve_source(Settings(root=release.parent), release))


def rows(store: ox.Store, name: str) -> list[dict[str, str]]:
    answer = run_query(store, QUERIES[name].text, 100_000)
    return list(csv.DictReader(io.StringIO(render(answer, "csv"))))


def test_at_least_ten_documented_questions() -> None:
    assert len(QUERIES) >= 10
    for query in QUERIES.values():
        assert query.title and query.question and query.shape, query.name


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_example_query_exact_answer(store: ox.Store, name: str) -> None:
    answer = run_query(store, QUERIES[name].text, 100_000)
    assert render(answer, "csv") == (GOLDEN / f"{name}.csv").read_text(encoding="utf-8")


def test_answers_mean_what_the_questions_ask(store: ox.Store) -> None:
    assert rows(store, "demands-by-addressee") == [
        {"addressee": "United Nations Security Council", "demands": "5"},
        {"addressee": "Syrian Democratic Forces", "demands": "2"},
        {"addressee": "Syrian Transitional Government", "demands": "2"},
    ]
    signatures = rows(store, "signatures-as-printed")
    assert [int(r["ordinal"]) for r in signatures] == list(range(1, 44))
    assert {"statement": STATEMENT_IRI, "ordinal": "24", "printed": "PEACE SHE LEADAR NET WORK",
            "organization": signatures[23]["organization"]} == signatures[23]
    assert signatures[11]["printed"] == "PÊL- Civil Waves"
    assert rows(store, "several-printed-names") == [{
        "organization": "Dijla Organization for Development and Environment", "names": "2",
        "printed": "Dijla Organization for Development and Environment | "
                   "dijla Organization for Development and Environment"}]
    pairs = rows(store, "co-signature-pairs")
    assert len(pairs) == 42 * 41 // 2 and {p["statements"] for p in pairs} == {"1"}
    assert all(p["a"] < p["b"] for p in pairs)
    places = {r["place"]: r["wikidata"] for r in rows(store, "places-mentioned")}
    assert places["Syria"] == "http://www.wikidata.org/entity/Q858"
    assert places["Raqqa Governorate"] == "http://www.wikidata.org/entity/Q235563"
    assert places["Northeast Syria"] == ""
    assert [r["violation"] for r in rows(store, "violations-condemned")] == [
        "Attacks against civilians", "Ill-treatment", "Mutilation of corpses", "Summary executions", "Torture"]
    assert [(r["party"], r["auspices"], r["date"]) for r in rows(store, "agreement-parties")] == [
        ("Syrian Democratic Forces", "United States", "2025-03-10"),
        ("Syrian Transitional Government", "United States", "2025-03-10")]
    assert len(rows(store, "unsc-demands")) == 5


def test_data_folder_gives_the_same_answers_without_writing(project: Path) -> None:
    result = run("query", "demands-by-addressee", "--data", "data", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output == (GOLDEN / "demands-by-addressee.csv").read_text(encoding="utf-8")
    assert not (project / "dist").exists()


def test_cli_formats_and_list(release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(release.parent)
    listed = run("query", "--list")
    assert listed.exit_code == 0 and all(name in listed.output for name in QUERIES)
    table = run("query", "demands-by-addressee")
    assert table.output.splitlines()[0].split() == ["addressee", "demands"]
    assert table.output.rstrip().endswith("(3 rows)")
    tsv = run("query", "demands-by-addressee", "--format", "tsv")
    assert tsv.output.splitlines()[1] == '"United Nations Security Council"\t5'
    document = json.loads(run("query", "demands-by-addressee", "--format", "json").output)
    assert document["head"]["vars"] == ["addressee", "demands"]
    assert run("query", "verbatim-demands").output == "true\n"
    construct = run("query", f"CONSTRUCT {{ <{STATEMENT_IRI}> ?p ?o }} WHERE {{ <{STATEMENT_IRI}> ?p ?o }}")
    assert "dct:title" in construct.output
    describe = run("query", f"DESCRIBE <{STATEMENT_IRI}>", "--format", "csv")
    assert f"<{STATEMENT_IRI}>" in describe.output


def test_release_with_named_graphs(release: Path, tmp_path: Path) -> None:
    """A release with nida.nq (named graphs) is queried as the union of its graphs."""
    quads = source_quads(resolve_source(Settings(root=release.parent), release.parent / "data"))
    (tmp_path / "nida.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    store = open_store(resolve_source(Settings(root=tmp_path), tmp_path))
    for name, query in QUERIES.items():  # the same answers as from N-Triples
        answer = run_query(store, query.text, 100_000)
        assert render(answer, "csv") == (GOLDEN / f"{name}.csv").read_text(encoding="utf-8"), name
    graphs = run_query(store, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", 10)
    assert int(graphs.rows[0][0].value) == 14  # the statement, 5 registries, the ontology, the concepts, 6 entailed


@pytest.mark.parametrize(("query", "error", "message"), [
    ("SELECT * WHERE { ?s ?p }", QueryError, "SPARQL syntax error"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", QueryRefused, "UPDATE"),
    ("LOAD <http://127.0.0.1:9/x.ttl>", QueryRefused, "UPDATE"),
    ("DROP ALL", QueryRefused, "UPDATE"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", QueryRefused, "SERVICE"),
    ("ASK { FILTER EXISTS { SERVICE SILENT ?x { ?s ?p ?o } } }", QueryRefused, "SERVICE"),
    ("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", QueryRefused, "SERVICE"),
    ("PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }", QueryRefused, "UPDATE"),
    ("", QueryError, "empty"),
])
def test_bad_queries_are_refused_before_running(query: str, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        run_query(ox.Store(), query, 10)
    if error is QueryRefused:  # refused by parsing alone, before anything runs
        with pytest.raises(error, match=message):
            check_query(query)


def test_checking_runs_nothing() -> None:
    """pyoxigraph evaluates as it parses: the checks must not call it (a query bomb, say)."""
    values = " ".join(str(i) for i in range(300))
    bomb = f"ASK {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} VALUES ?c {{ {values} }} }}"
    started = time.perf_counter()
    check_query(bomb)
    check_query("# a comment first\nPREFIX ex: <http://example.org/> SELECT * WHERE { ?s ?p 'SERVICE' }",
                sandboxed=True)
    assert time.perf_counter() - started < 0.5


def test_updates_the_screen_misses_are_still_refused() -> None:
    with pytest.raises(QueryRefused, match="UPDATE"):
        run_query(ox.Store(), "# a comment first\nINSERT DATA { <urn:a> <urn:b> <urn:c> }", 10)


def test_service_inside_a_string_runs_in_the_sandbox_only() -> None:
    """Where queries run without network, the word is harmless; without that sandbox, any query
    spelling SERVICE is refused (no parser second-guesses Oxigraph's)."""
    check_query('SELECT * WHERE { ?s ?p "SERVICE <http://x/>" }', sandboxed=True)
    with pytest.raises(QueryRefused, match="SERVICE"):
        check_query('SELECT * WHERE { ?s ?p "SERVICE <http://x/>" }', sandboxed=False)


def test_result_limit(store: ox.Store) -> None:
    with pytest.raises(QueryTooLarge, match="more than 10 result rows"):
        run_query(store, "SELECT * WHERE { ?s ?p ?o }", 10)


def test_cli_errors_are_one_line_exit_2(release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(release.parent)
    for args in (["SELECT * WHERE { ?s ?p }"], ["INSERT DATA { <urn:a> <urn:b> <urn:c> }"],
                 ["no-such-query"], ["demands-by-addressee", "--data", str(release / "nowhere")], []):
        result = run("query", *args)
        assert result.exit_code == 2, (args, result.output)
        assert result.output.count("\n") == 1 and result.output.startswith("nida: error: "), result.output
