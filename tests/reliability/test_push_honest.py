"""`nida push` never reports a push it cannot prove (issue 15, item 9).

Tiny loopback stores that misbehave as real ones have: a 302 on PUT (requests would follow it
with a GET and see 200), a 2xx that drops what it was sent while its counts look right, and a
store that trickles its answer a byte at a time. Each must end in one error line, exit 2.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote

import pytest

from tests.conftest import loopback_server
from tests.reliability.test_push_faults import push


class Store(BaseHTTPRequestHandler):
    """A Graph Store that holds graphs in memory; `mode` makes it misbehave."""

    mode: ClassVar[str] = "honest"
    graphs: ClassVar[dict[str, bytes]] = {}
    requests: ClassVar[list[str]] = []

    def _reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _graph(self) -> str:
        return unquote(self.path.split("graph=", 1)[1]) if "graph=" in self.path else ""

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Store.requests.append(f"{self.command} {self.path.split('?')[0]}")
        if self.path.startswith("/elsewhere"):
            self._reply(200, b"moved here")
            return
        if self.command == "PUT" and Store.mode == "redirect":
            self._reply(302, headers={"Location": f"http://127.0.0.1:{self.server.server_address[1]}/elsewhere"})
            return
        if self.command == "PUT":
            # the liar keeps the right number of lines, but not the triples it was sent
            Store.graphs[self._graph()] = body if Store.mode == "honest" else \
                body.replace(b"Syria", b"Syrix").replace(b"nida/id/", b"nida/xx/")
            self._reply(204)
        elif self.command == "GET":
            self._reply(200, Store.graphs.get(self._graph(), b""), {"Content-Type": "application/n-triples"})
        else:  # the count query
            bindings = [{"g": {"type": "uri", "value": g}, "n": {"type": "literal", "value": str(b.count(b"\n"))}}
                        for g, b in Store.graphs.items()]
            self._reply(200, json.dumps({"head": {"vars": ["g", "n"]}, "results": {"bindings": bindings}}).encode(),
                        {"Content-Type": "application/sparql-results+json"})

    do_PUT = do_POST = do_GET = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def store() -> Iterator[str]:
    Store.mode, Store.graphs, Store.requests = "honest", {}, []
    with loopback_server(Store) as url:
        yield url


def test_an_honest_store_is_verified_by_content(project: Path, store: str) -> None:
    result = push(project, store + "/store")
    assert result.returncode == 0, result.stderr
    assert any(r.startswith("GET /store") for r in Store.requests)  # every graph read back


def test_a_redirect_on_put_is_an_error_not_a_success(project: Path, store: str) -> None:
    Store.mode = "redirect"
    result = push(project, store + "/store")
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"nida: error: {store}/store: the store answered 302 Found while"
                                            " uploading graph <")
    assert result.stderr.strip().endswith(f"redirecting to {store}/elsewhere; nida does not follow redirects:"
                                          " give the store's own URL")
    assert "GET /elsewhere" not in Store.requests


def test_a_store_that_drops_the_data_is_caught(project: Path, store: str) -> None:
    Store.mode = "liar"  # 204 to every PUT, and the right triple counts, but other triples
    result = push(project, store + "/store")
    assert result.returncode == 2
    line = result.stderr.strip()
    assert line.startswith("nida: error: verification failed: "), line
    assert "holds other triples than were sent" in line


class Trickle(BaseHTTPRequestHandler):
    """Answers every request a byte every 0.2 s, for at most 30 s."""

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.wfile.write(b"HTTP/1.1 204 No Content\r\n")
        self.wfile.flush()
        stop = time.monotonic() + 30
        try:
            while time.monotonic() < stop:
                self.wfile.write(b"X")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:  # the client gave up
            return

    do_PUT = do_POST = do_GET = _answer

    def log_message(self, *args: object) -> None:
        return None


def test_a_trickling_store_hits_the_overall_timeout(project: Path) -> None:
    with loopback_server(Trickle) as base:  # request threads are daemons: a trickle never holds exit
        url = base + "/store"
        started = time.monotonic()
        result = push(project, url)  # NIDA_PUSH_TIMEOUT=5, retries 2: each read gets a byte in time
        elapsed = time.monotonic() - started
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip().startswith(f"nida: error: {url}: no complete answer within 5 s while"
                                                " uploading graph <")
        assert elapsed < 15
