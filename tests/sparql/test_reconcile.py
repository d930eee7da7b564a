"""`nida serve` as a reconciliation service, hit with the requests OpenRefine sends: the manifest
on GET, batches of queries POSTed as the form field `queries`, and the older single `query`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import BASE
from tests.sparql.test_serve import start_server, stop_server

NIDA = "https://w3id.org/nida/ontology#"
STJ = BASE + "organization/syrians-for-truth-and-justice"


@pytest.fixture(scope="module")
def server(release: Path) -> Iterator[str]:
    process, url = start_server(release, release.parent)
    yield url
    stop_server(process)


def batch(server: str, queries: dict[str, Any]) -> dict[str, Any]:
    response = requests.post(server + "/reconcile", data={"queries": json.dumps(queries)}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    answer: dict[str, Any] = response.json()
    return answer


def test_the_manifest_says_what_openrefine_needs(server: str) -> None:
    manifest = requests.get(server + "/reconcile", timeout=30).json()
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == BASE and manifest["schemaSpace"] == NIDA
    assert manifest["defaultTypes"] == [{"id": NIDA + "Organization", "name": "Organization"},
                                        {"id": NIDA + "Actor", "name": "Actor"}]
    assert manifest["view"] == {"url": "{{id}}"}


def test_a_column_of_names_is_matched(server: str) -> None:
    organization = {"type": NIDA + "Organization", "type_strict": "should", "properties": []}
    answer = batch(server, {
        "q0": {"query": "Syrians for Truth and Justice", **organization},
        "q1": {"query": "STJ", **organization},
        "q2": {"query": "  syrians FOR truth & justice ", **organization},
        "q3": {"query": "Syrians for Truth and Justise", **organization, "limit": 2},
        "q4": {"query": "United Nations Security Council", "type": NIDA + "Actor"},
        "q5": {"query": "Society for the Study of Unrelated Things", **organization, "limit": 1},
    })
    assert sorted(answer) == ["q0", "q1", "q2", "q3", "q4", "q5"]
    first = {key: value["result"][0] for key, value in answer.items()}
    for key in ("q0", "q1", "q2"):  # the label, the acronym, the label typed carelessly
        assert first[key]["id"] == STJ and first[key]["score"] == 100.0 and first[key]["match"] is True, key
        assert first[key]["name"] == "Syrians for Truth and Justice"
        assert first[key]["type"] == [{"id": NIDA + "Organization", "name": "Organization"}]
    assert first["q3"]["id"] == STJ and 90 < first["q3"]["score"] < 100 and first["q3"]["match"] is False
    assert len(answer["q3"]["result"]) == 2
    assert first["q4"]["id"] == BASE + "actor/un-security-council" and first["q4"]["match"] is True
    assert len(answer["q5"]["result"]) == 1 and answer["q5"]["result"][0]["match"] is False
    assert answer["q5"]["result"][0]["score"] < 80


def test_the_single_query_form_and_bad_requests(server: str) -> None:
    single = requests.get(server + "/reconcile", params={"query": "STJ"}, timeout=30).json()
    assert single["result"][0]["id"] == STJ
    as_object = requests.get(server + "/reconcile", params={"query": json.dumps({"query": "STJ", "limit": 1})},
                             timeout=30).json()
    assert [r["id"] for r in as_object["result"]] == [STJ]
    for bad in ("not json", json.dumps([1, 2]), json.dumps({"q0": {"text": "no query"}}),
                json.dumps({"q0": {"query": "STJ", "limit": 0}})):
        response = requests.post(server + "/reconcile", data={"queries": bad}, timeout=30)
        assert response.status_code == 400, bad
        assert response.text.startswith("bad reconciliation request: ")
