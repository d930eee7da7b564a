"""SERVICE cannot reach the network, whatever the query text does (issue 15, item 2 and 10).

The refusal is not a reading of the query: the processes that evaluate queries (`nida query`'s
fork, `nida serve`'s workers) cannot open a socket. Each query below is sent by the real
command or endpoint while a loopback HTTP server counts the requests it gets: it must get none.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from publisher.sandbox import deny_network
from publisher.settings import MAX_QUERY_NESTING, Settings
from publisher.sparql.query import QueryPool
from publisher.sparql.screen import QueryError, QueryRefused, check_query, first_keyword
from publisher.sparql.source import resolve_source
from tests.conftest import loopback_server, run
from tests.test_errors import error_line


class Recorder(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Recorder.hits.append(self.path)
        body = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with loopback_server(Recorder) as url:
        yield url + "/sparql"


def attacks(url: str) -> dict[str, str]:
    return {
        "plain": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "comment ending in CR": f"SELECT * WHERE {{ # a comment\rSERVICE <{url}> {{ ?s ?p ?o }} }}",
        "comment before the query": f"# ...\rSELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "escaped keyword": f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
        "endpoint from a variable": f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "inside EXISTS": f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "nested 50 deep": "SELECT * WHERE " + "{ " * 50 + f"SERVICE <{url}> {{ ?s ?p ?o }}" + " }" * 50,
    }


NAMES = sorted(attacks("http://x/"))
REFUSED = "SERVICE (federated query to another endpoint) is refused"
#: what Oxigraph itself makes of some of them (exit code, message); the others are refused
OUTCOME = {
    "escaped keyword": (2, "SPARQL syntax error: error at 1:26: expected OPTIONAL"),  # no escapes in keywords
    "endpoint from a variable": (2, "query failed: The variable encoding the service name is unbound"),
    "inside EXISTS": (0, ""),  # the failed SERVICE makes EXISTS false
}


def test_the_sandbox_takes_sockets_away_in_the_process_that_installs_it(endpoint: str) -> None:
    port = int(endpoint.split(":")[2].split("/")[0])
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            installed = deny_network()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                outcome = b"connected"
            except PermissionError:
                outcome = b"refused"
            os.write(write, (b"installed " if installed else b"absent ") + outcome)
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 100) == b"installed refused"
    os.close(read)
    socket.create_connection(("127.0.0.1", port), timeout=2).close()  # this process still can


@pytest.mark.parametrize("name", NAMES)
def test_nida_query_never_reaches_a_service_endpoint(name: str, endpoint: str, release: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(release.parent)
    Recorder.hits.clear()
    result = run("query", attacks(endpoint)[name])
    assert Recorder.hits == []
    assert result.exit_code == OUTCOME.get(name, (2, ""))[0], result.output
    assert error_line(result) == "nida: error: " + OUTCOME.get(name, (2, REFUSED))[1] if result.exit_code else True


def test_service_silent_runs_without_the_endpoint(endpoint: str, release: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(release.parent)
    Recorder.hits.clear()
    result = run("query", f"SELECT ?s WHERE {{ # x\rSERVICE SILENT <{endpoint}> {{ ?s ?p ?o }} }}", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output == 's\n""\n'  # one empty solution: the failed SERVICE counts as empty
    assert Recorder.hits == []


def test_the_word_service_in_a_string_is_just_text(release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(release.parent)
    result = run("query", 'SELECT ?x WHERE { BIND("SERVICE <http://x/>" AS ?x) }', "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output == "x\nSERVICE <http://x/>\n"


@pytest.fixture(scope="module")
def pool(release: Path) -> Iterator[QueryPool]:
    pool = QueryPool(resolve_source(Settings(root=release.parent), release), workers=1, timeout=10.0, limit=100)
    yield pool
    pool.close()


def test_endpoint_workers_are_sandboxed(pool: QueryPool) -> None:
    assert pool.sandboxed


@pytest.mark.parametrize("name", NAMES)
def test_endpoint_workers_never_reach_a_service_endpoint(name: str, endpoint: str, pool: QueryPool) -> None:
    Recorder.hits.clear()
    code, message = OUTCOME.get(name, (2, REFUSED))
    if code == 0:
        pool.run(attacks(endpoint)[name], "json", "turtle")
    else:
        with pytest.raises(QueryRefused if message == REFUSED else QueryError, match=re.escape(message)):
            pool.run(attacks(endpoint)[name], "json", "turtle")
    assert Recorder.hits == []


@pytest.mark.parametrize("depth", [MAX_QUERY_NESTING + 1, 10_000])
def test_deep_nesting_is_one_line_not_a_crash(depth: int, release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(release.parent)
    query = "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
    result = run("query", query)
    assert result.exit_code == 2
    assert error_line(result) == f"nida: error: brackets nested more than {MAX_QUERY_NESTING} deep; simplify the query"


def test_nesting_at_the_limit_still_runs(release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(release.parent)
    depth = MAX_QUERY_NESTING - 1
    result = run("query", "ASK " + "{" * depth + " ?s ?p ?o " + "}" * depth, "--format", "csv")
    assert result.exit_code == 0, result.output


def test_checks_are_linear_in_the_query_size() -> None:
    """The 38-fold `PREFIX <>` froze the old regex screen for ~45 s; a 2 MB adversarial prologue
    is checked in one pass."""
    for prologue in ("PREFIX <> " * 200_000, "PREFIX a: <" * 200_000, "# \r" * 600_000, "{" * 1_000_000):
        started = time.perf_counter()
        with contextlib.suppress(QueryError):
            check_query(prologue + "INSERT DATA {}", sandboxed=True)
        assert time.perf_counter() - started < 2.0, prologue[:12]
    with pytest.raises(QueryRefused, match="UPDATE"):
        check_query("PREFIX <> " * 200_000 + "INSERT DATA {}", sandboxed=True)
    assert first_keyword("PREFIX a: <http://a/> BASE <http://b/>\r# x\rINSERT DATA {}") == "INSERT"
