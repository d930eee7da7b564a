"""The README's recipe for a stock triple store: after `nida push`, the example queries (written
without GRAPH) answer on Oxigraph started with `--union-default-graph` exactly as `nida query`
answers them; on a store whose default graph is empty, push says what to change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from publisher.settings import Settings
from publisher.sparql.named import named_queries
from publisher.sparql.source import resolve_source, source_quads
from tests.conftest import REPO, run
from tests.sparql.test_push import start_oxigraph

QUERIES = named_queries(REPO / "queries")


@pytest.fixture(params=[(), ("--union-default-graph",)], ids=["stock", "union-default-graph"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, bool]]:
    process, base = start_oxigraph(tmp_path / "store", *request.param)
    yield base, bool(request.param)
    process.terminate()
    process.wait(10)


def rows(bindings: list[dict[str, dict[str, str]]], names: list[str]) -> list[tuple[str, ...]]:
    return sorted(tuple(b[n]["value"] if n in b else "" for n in names) for b in bindings)


def local_answers(project: Path) -> dict[str, list[tuple[str, ...]]]:
    local = ox.Store()
    local.bulk_extend(source_quads(resolve_source(Settings(root=project), project / "data")))
    answers = {}
    for name, query in QUERIES.items():
        solutions = local.query(query.text, use_default_graph_as_union=True)
        if isinstance(solutions, ox.QueryBoolean):  # verbatim-demands asks one question
            answers[name] = [(str(bool(solutions)).lower(),)]
            continue
        names = [v.value for v in solutions.variables]
        answers[name] = sorted(tuple("" if term is None else term.value for term in (s[n] for n in names))
                               for s in solutions)
    return answers


def test_example_queries_answer_after_push(project: Path, store: tuple[str, bool]) -> None:
    base, union = store
    pushed = run("push", base + "/store")
    assert pushed.exit_code == 0, pushed.output
    note = "queries without GRAPH see nothing in this store"
    assert (note in pushed.output) is not union
    expected = local_answers(project)
    assert len(expected) == 14 and sum(1 for answer in expected.values() if answer) == 14
    for name, query in QUERIES.items():
        response = requests.post(base + "/query", data={"query": query.text}, timeout=30,
                                 headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200, response.text
        found = response.json()
        if "boolean" in found:
            answer = [(str(found["boolean"]).lower(),)]
        else:
            answer = rows(found["results"]["bindings"], found["head"]["vars"])
        if union:
            assert answer == expected[name], name
        elif "boolean" not in found:  # the stock default graph is empty: what the README warns of
            assert all(value in ("", "0") for row in answer for value in row), name
