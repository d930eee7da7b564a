"""`nida push` against a real Oxigraph server, a closed port, and tiny servers answering 500/401."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar

import pytest
import requests

from tests.conftest import BASE, SLUG, edit, loopback_server, run
from tests.sparql.test_serve import free_port

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
STATEMENT_GRAPH = f"{BASE}graph/statement/{SLUG}"
SECRET = "s3cret-do-not-print"


def start_oxigraph(location: Path, *flags: str) -> tuple[subprocess.Popen[bytes], str]:
    """A real Oxigraph server on a free loopback port, storing in `location`, once it answers."""
    if not Path(OXIGRAPH).exists():
        pytest.fail("the oxigraph server is not installed; pip install -e '.[test]'")
    port = free_port()
    process = subprocess.Popen([OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                                *flags], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/query", params={"query": "ASK {}"}, timeout=1)
            return process, base
        except requests.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise AssertionError("oxigraph did not start")


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[str]:
    process, base = start_oxigraph(tmp_path / "store")
    yield base
    process.terminate()
    process.wait(10)


def counts(base: str) -> dict[str, int]:
    response = requests.post(base + "/query", timeout=10, headers={"Accept": "application/sparql-results+json"},
                             data={"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"})
    return {b["g"]["value"]: int(b["n"]["value"]) for b in response.json()["results"]["bindings"]}


def labels(base: str, iri: str) -> list[str]:
    query = f"SELECT ?l WHERE {{ GRAPH ?g {{ <{iri}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }} }}"
    response = requests.post(base + "/query", data={"query": query}, timeout=10,
                             headers={"Accept": "application/sparql-results+json"})
    return sorted(b["l"]["value"] for b in response.json()["results"]["bindings"])


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIDA_PUSH_RETRIES", "2")
    monkeypatch.setenv("NIDA_PUSH_BACKOFF", "0.01")
    monkeypatch.setenv("NIDA_PUSH_TIMEOUT", "5")
    monkeypatch.setenv("NIDA_PUSH_USER", "researcher")
    monkeypatch.setenv("NIDA_PUSH_PASSWORD", SECRET)


def test_push_query_change_push_again(project: Path, oxigraph: str, fast_retries: None) -> None:
    first = run("push", oxigraph + "/store")
    assert first.exit_code == 0, first.output
    assert first.output.startswith("pushed 14 graphs, ")  # 8 asserted, 6 of what they entail
    before = counts(oxigraph)
    asserted = {STATEMENT_GRAPH} | {f"{BASE}graph/{n}" for n in
                                    ("organizations", "actors", "places", "agreements", "events", "ontology",
                                     "concepts")}
    entailed = {f"{BASE}graph/entailed/{g[len(BASE + 'graph/'):]}" for g in asserted} - {
        f"{BASE}graph/entailed/ontology", f"{BASE}graph/entailed/concepts"}
    assert set(before) == asserted | entailed
    assert sum(before.values()) == int(first.output.split(", ")[1].split()[0])
    assert labels(oxigraph, BASE + "place/syria") == ["Syria"]

    # The registry changes (one label renamed, one place added): only that graph (and what is
    # entailed from it) changes.
    edit(project / "data/places.ttl", 'skos:prefLabel "Syria" ;', 'skos:prefLabel "Syrian Arab Republic" ;')
    with (project / "data/places.ttl").open("a", encoding="utf-8") as handle:
        handle.write('\n<place/atlantis> a nida:Place ; skos:prefLabel "Atlantis" .\n')
    second = run("push", oxigraph + "/store")
    assert second.exit_code == 0, second.output
    after = counts(oxigraph)
    assert labels(oxigraph, BASE + "place/syria") == ["Syrian Arab Republic"]  # replaced, not added
    assert labels(oxigraph, BASE + "place/atlantis") == ["Atlantis"]
    places, entailed_places = f"{BASE}graph/places", f"{BASE}graph/entailed/places"
    assert after[places] > before[places] and after[entailed_places] > before[entailed_places]
    changed = (places, entailed_places)
    assert {g: n for g, n in after.items() if g not in changed} == {g: n for g, n in before.items() if g not in changed}

    # Pushing the same data again changes nothing: no duplicates.
    assert run("push", oxigraph + "/store").exit_code == 0
    assert counts(oxigraph) == after


def test_push_a_release_with_named_graphs(project: Path, oxigraph: str, fast_retries: None) -> None:
    import pyoxigraph as ox

    from publisher.settings import Settings
    from publisher.sparql.source import Source, source_quads

    quads = source_quads(Source("data", project / "data", Settings(root=project)))
    (project / "dist").mkdir()
    (project / "dist/nida.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    result = run("push", oxigraph + "/store")  # default: dist/ because it has nida.nq
    assert result.exit_code == 0, result.output
    assert sum(counts(oxigraph).values()) == len(quads)


def test_release_without_named_graphs_is_refused(release: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dist").mkdir()
    shutil.copy(release / "nida.nt", tmp_path / "dist/nida.nt")  # a release with N-Triples only
    monkeypatch.chdir(tmp_path)
    result = run("push", "http://127.0.0.1:9/store", "--data", "dist")
    assert result.exit_code == 2 and "no nida.nq" in result.output


def test_closed_port(project: Path, fast_retries: None) -> None:
    port = free_port()
    result = run("push", f"http://127.0.0.1:{port}/store")
    assert result.exit_code == 2
    assert result.output == (f"nida: error: http://127.0.0.1:{port}/store: connection refused (after 2 retries);"
                             " is the store running at this address?\n")


class Recorder(BaseHTTPRequestHandler):
    status = 500
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def _answer(self) -> None:
        self.seen.append((self.command, self.headers.get("Authorization")))
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(self.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PUT = do_POST = do_GET = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_store() -> Iterator[tuple[str, type[Recorder]]]:
    handler = type("Handler", (Recorder,), {"seen": []})
    with loopback_server(handler) as url:
        yield url + "/store", handler


def test_500_is_retried_then_reported(project: Path, fast_retries: None,
                                      fake_store: tuple[str, type[Recorder]]) -> None:
    url, handler = fake_store
    handler.status = 500
    result = run("push", url)
    assert result.exit_code == 2
    assert result.output.startswith(f"nida: error: {url}: the store answered 500 Internal Server Error")
    assert "(after 2 retries)" in result.output and result.output.count("\n") == 1
    assert [m for m, _ in handler.seen] == ["PUT", "PUT", "PUT"]  # first try + 2 retries
    assert SECRET not in result.output


def test_401_names_the_fix_and_never_the_password(project: Path, fast_retries: None,
                                                  fake_store: tuple[str, type[Recorder]]) -> None:
    url, handler = fake_store
    handler.status = 401
    result = run("push", url)
    assert result.exit_code == 2
    assert "401 Unauthorized" in result.output and "NIDA_PUSH_USER" in result.output
    assert SECRET not in result.output and result.output.count("\n") == 1
    assert handler.seen[0][1] and handler.seen[0][1].startswith("Basic ")  # credentials were sent
    assert len(handler.seen) == 1  # 4xx is not retried


def test_credentials_from_netrc(project: Path, monkeypatch: pytest.MonkeyPatch,
                                fake_store: tuple[str, type[Recorder]]) -> None:
    url, handler = fake_store
    handler.status = 401
    netrc = project / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login researcher password {SECRET}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    for name in ("NIDA_PUSH_USER", "NIDA_PUSH_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    result = run("push", url)
    assert result.exit_code == 2 and SECRET not in result.output
    assert handler.seen[0][1] and handler.seen[0][1].startswith("Basic ")


def test_credentials_in_the_url_are_refused(project: Path) -> None:
    result = run("push", f"http://researcher:{SECRET}@127.0.0.1:9/store")
    assert result.exit_code == 2 and SECRET not in result.output and "NIDA_PUSH_PASSWORD" in result.output


def test_cli_subprocess_has_no_traceback(project: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "publisher", "push", f"http://127.0.0.1:{free_port()}/store"],
                            cwd=project, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "NIDA_PUSH_RETRIES": "0"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "connection refused" in result.stderr
