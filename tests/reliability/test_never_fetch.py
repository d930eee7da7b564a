"""Never fetch (issue 8): remote references point at a loopback server that counts requests.

A JSON-LD input with a remote @context (plain or @import), a Turtle ontology with
owl:imports and a shapes file with sh:shapesGraph: validate and publish make no request,
and each reference is reported (an error for the context, a warning for the others).
"""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import loopback_server, run


class Counter(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Counter.requests.append(self.path)
        body = b'{"@context": {"name": "https://schema.org/name"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def server() -> Iterator[str]:
    Counter.requests = []
    with loopback_server(Counter) as url:
        yield url


def test_the_counter_counts(server: str) -> None:
    import urllib.request

    with urllib.request.urlopen(server + "/probe", timeout=5) as answer:
        assert answer.status == 200
    assert Counter.requests == ["/probe"]


@pytest.mark.parametrize("context", [
    '"{url}/context.jsonld"',
    '["{url}/context.jsonld", {{"n": "https://schema.org/name"}}]',
    '{{"@import": "{url}/context.jsonld", "n": "https://schema.org/name"}}',
], ids=["string", "list", "import"])
@pytest.mark.parametrize("command", ["validate", "publish"])
def test_remote_context_is_an_error_and_not_fetched(project: Path, server: str, context: str,
                                                    command: str) -> None:
    ctx = context.format(url=server)
    (project / "data/x.jsonld").write_text(
        f'{{"@context": {ctx}, "@id": "https://w3id.org/nida/id/place/x", "name": "x"}}\n', encoding="utf-8")
    result = run(command)
    assert result.exit_code == 2, result.output
    assert result.output == (f"nida: error: data/x.jsonld: remote @context {server}/context.jsonld is never"
                             " fetched; put the context inline in the file\n")
    assert Counter.requests == []
    assert not (project / "dist").exists()


def test_inline_context_jsonld_loads(project: Path, server: str) -> None:
    (project / "data/x.jsonld").write_text(
        '{"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"},'
        ' "@id": "https://w3id.org/nida/id/place/x", "label": "x"}\n', encoding="utf-8")
    result = run("query", "--data", "data", "ASK { <https://w3id.org/nida/id/place/x> ?p \"x\" }")
    assert result.exit_code == 0, result.output
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert Counter.requests == []


@pytest.mark.parametrize("command", ["validate", "publish"])
def test_imports_and_shapes_graph_are_warned_and_not_fetched(project: Path, server: str, command: str) -> None:
    (project / "ontology/imports.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n\n"
        f"<https://w3id.org/nida/ontology> owl:imports <{server}/ontology.ttl> .\n", encoding="utf-8")
    (project / "shapes/remote.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        f"<https://w3id.org/nida/id/dataset> sh:shapesGraph <{server}/shapes.ttl> .\n", encoding="utf-8")
    result = run(command)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert (f"nida: ontology/imports.ttl:3: warning: owl:imports <{server}/ontology.ttl> is not loaded"
            " (nida never fetches)") in result.output
    assert (f"nida: shapes/remote.ttl:2: warning: sh:shapesGraph <{server}/shapes.ttl> is not loaded"
            " (nida never fetches)") in result.output
    assert Counter.requests == []
