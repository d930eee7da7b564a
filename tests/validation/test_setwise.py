"""The set-at-a-time forms of publisher/validation/setwise.py give each rule the results of the
query written in shapes/, on data that breaks it and on data that does not."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from publisher.load.dataset import load_dataset
from publisher.settings import Settings
from publisher.validation.fast import SparqlRule, data_store, empty_report, run_rule, split_rules
from publisher.validation.resultcache import result_rows
from publisher.validation.setwise import REWRITES, set_at_a_time, text_digest
from tests.conftest import REPO, STATEMENT_DIR
from tests.validation.test_rules import CASES, SH, mutate, shapes_graph

STATEMENT_TTL = str(STATEMENT_DIR / "statement.ttl")


def selects() -> dict[str, str]:
    """Each sh:select text of shapes/, by its digest."""
    graph = shapes_graph()
    return {text_digest(str(select)): str(select) for select in graph.objects(None, SH.select)}


def rewritten_rules(shapes: Graph) -> list[tuple[SparqlRule, SparqlRule]]:
    """Each rule split_rules rewrote, with the same rule as written (`set_at_a_time` undone)."""
    pairs = []
    for rule in split_rules(shapes)[0]:
        rewrite = next((r for r in REWRITES.values() if r[1] in rule.query), None)
        if rewrite is not None:
            pairs.append((rule, dataclasses.replace(rule, query=rule.query.replace(rewrite[1], rewrite[0]))))
    return pairs


def results(rule: SparqlRule, store: ox.Store) -> list[str]:
    report = empty_report()
    run_rule(rule, store, report)
    return sorted(json.dumps(row) for _focus, row in result_rows(report))


def test_every_rewrite_is_of_a_query_in_the_shapes() -> None:
    found = selects()
    assert set(REWRITES) <= set(found)
    for digest, (old, _new) in REWRITES.items():
        assert found[digest].count(old) == 1, found[digest]


def test_split_rules_runs_every_rewrite() -> None:
    pairs = rewritten_rules(shapes_graph())
    assert len(pairs) == len(REWRITES) == 9
    assert sum("MINUS {" in rule.query for rule, _written in pairs) == 5


def test_an_edited_query_runs_as_written() -> None:
    digest, (_old, _new) = next(iter(REWRITES.items()))
    select = selects()[digest]
    assert set_at_a_time(select + " ", select) == select
    assert set_at_a_time(select, select) != select
    assert set_at_a_time(select, select + select) == select + select  # the form found twice: unsure


REWRITTEN_CASES = [case for case in CASES if f"nidash:{case.shape}" in
                   {f"nidash:{name}" for name in ("SectionOrdinalUnique", "PositionOrdinalUnique",
                                                   "SignatureOrdinalUnique", "DemandOrdinalUnique",
                                                   "SectionOrdinalContiguous", "PositionOrdinalContiguous",
                                                   "SignatureOrdinalContiguous", "DemandOrdinalContiguous",
                                                   "SignedByHasSignature")}]

#: edits that make the two forms' inputs odd: a signature part of two statements, one of which
#: does not list it, with the ordinal of another; an organization in nida:signedBy twice
ODD_EDITS = [
    ("nida:ordinal 40 ;\n    nida:nameAsPrinted \"We care\"",
     "nida:ordinal 39 ;\n    dct:isPartOf <statement/other> ;\n    nida:nameAsPrinted \"We care\""),
    ("nida:signedBy\n", "nida:signedBy <organization/ezdina-organization>,\n"),
]


def test_rewritten_cases_cover_every_rewrite() -> None:
    assert len(REWRITTEN_CASES) == 9


@pytest.mark.parametrize("case", REWRITTEN_CASES, ids=[c.name for c in REWRITTEN_CASES])
def test_both_forms_give_the_same_results(case: object, project: Path) -> None:
    for old, new in case.edits:  # type: ignore[attr-defined]
        mutate(project, case.file, old, new)  # type: ignore[attr-defined]
    dataset = load_dataset(Settings(root=project))
    store = data_store(dataset)
    failed = 0
    for rule, written in rewritten_rules(dataset.shapes):
        found = results(rule, store)
        assert found == results(written, store), rule.shape
        failed += bool(found)
    assert failed >= 1  # the case's own rule, at least


def test_both_forms_agree_on_odd_data(project: Path) -> None:
    text = (project / STATEMENT_TTL).read_text(encoding="utf-8")
    for old, new in ODD_EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (project / STATEMENT_TTL).write_text(text, encoding="utf-8")
    dataset = load_dataset(Settings(root=project))
    store = data_store(dataset)
    counts = {}
    for rule, written in rewritten_rules(dataset.shapes):
        found = results(rule, store)
        assert found == results(written, store), rule.shape
        counts[str(rule.shape).rsplit("#", 1)[-1]] = len(found)
    assert counts == {**{shape: 0 for shape in counts}, "SignatureOrdinalUnique": 2,  # 39 twice: both
                      "SignatureOrdinalContiguous": 2}  # 41 has no 40; in the other, 39 no 38


def test_both_forms_agree_on_the_bundled_data() -> None:
    dataset = load_dataset(Settings(root=REPO))
    store = data_store(dataset)
    for rule, written in rewritten_rules(dataset.shapes):
        assert results(rule, store) == results(written, store) == [], rule.shape
