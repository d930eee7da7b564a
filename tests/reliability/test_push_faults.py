"""Fault-tolerant push (issue 8) against a real Oxigraph server.

The server is SIGKILLed in the middle of an upload (a proxy forwards half of one PUT's
body, then kills it), restarted on the same store folder, and pushed to again: the store
holds exactly the release's graphs, none partial, none duplicated, and nida graphs the
release no longer has are removed. 5xx answers are retried (and succeed when the store
recovers), 401 is an authentication problem, never retried; credentials never show.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar

import pytest
import requests

from publisher.settings import Settings
from publisher.sparql.push import graphs_of
from publisher.sparql.source import Source, source_quads
from tests.conftest import BASE, loopback_server
from tests.sparql.test_push import SECRET, counts, start_oxigraph


def expected(project: Path) -> dict[str, int]:
    quads = source_quads(Source("data", project / "data", Settings(root=project)))
    return {g: len(t) for g, t in graphs_of(quads).items()}


class KillingProxy(BaseHTTPRequestHandler):
    """Forwards to Oxigraph; on the PUT numbered `kill_at`, sends half its body, then kills the server."""

    target: ClassVar[str] = ""
    process: ClassVar[subprocess.Popen[bytes] | None] = None
    kill_at: ClassVar[int] = 3
    puts: ClassVar[int] = 0

    def _forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.command == "PUT":
            KillingProxy.puts += 1
        if self.command == "PUT" and KillingProxy.puts == self.kill_at and self.process is not None:
            host, port = self.target.removeprefix("http://").split(":")
            with socket.create_connection((host, int(port)), timeout=5) as sock:
                head = (f"PUT {self.path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                        f"Content-Type: application/n-triples\r\nContent-Length: {len(body)}\r\n\r\n")
                sock.sendall(head.encode() + body[: len(body) // 2])
                time.sleep(0.2)
                self.process.send_signal(signal.SIGKILL)
                self.process.wait(10)
        try:
            answer = requests.request(self.command, self.target + self.path, data=body, timeout=5,
                                      headers={k: v for k, v in self.headers.items()
                                               if k.lower() in ("content-type", "accept", "authorization")})
            status, content = answer.status_code, answer.content
        except requests.RequestException:
            status, content = 502, b"bad gateway"
        self.send_response(status)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_PUT = do_POST = do_DELETE = _forward

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def proxy() -> Iterator[str]:
    KillingProxy.puts = 0
    with loopback_server(KillingProxy) as url:
        yield url


def push(project: Path, url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "NIDA_PUSH_RETRIES": "2", "NIDA_PUSH_BACKOFF": "0.01",
           "NIDA_PUSH_TIMEOUT": "5", "NIDA_PUSH_USER": "researcher", "NIDA_PUSH_PASSWORD": SECRET}
    return subprocess.run([sys.executable, "-m", "publisher", "push", url, "--data", "data", *extra],
                          cwd=project, env=env, capture_output=True, text=True, timeout=120)


def test_server_killed_mid_push_then_restarted(project: Path, tmp_path: Path, proxy: str) -> None:
    store = tmp_path / "store"
    process, base = start_oxigraph(store)
    try:
        KillingProxy.target, KillingProxy.process, KillingProxy.kill_at = base, process, 3
        first = push(project, proxy + "/store", "--query-endpoint", proxy + "/query")
        assert first.returncode == 2, first.stdout + first.stderr
        assert "Traceback" not in first.stderr and first.stderr.count("\n") == 1
        assert "502 Bad Gateway" in first.stderr and "(after 2 retries)" in first.stderr
        assert SECRET not in first.stdout + first.stderr
        assert process.poll() is not None, "the server was killed mid-push"
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
    want = expected(project)
    process, base = start_oxigraph(store)  # the same store folder
    try:
        after_crash = counts(base)
        assert len(after_crash) < len(want)
        for graph, n in after_crash.items():  # what survived the crash is whole, never half a graph
            assert n == want[graph], graph
        # a graph the release no longer has (a statement withdrawn since the last push)
        stale = BASE + "graph/statement/withdrawn"
        requests.put(base + "/store", params={"graph": stale}, data=b"<urn:a> <urn:b> <urn:c> .\n",
                     headers={"Content-Type": "application/n-triples"}, timeout=10).raise_for_status()
        other = "urn:someone-elses-graph"
        requests.put(base + "/store", params={"graph": other}, data=b"<urn:a> <urn:b> <urn:c> .\n",
                     headers={"Content-Type": "application/n-triples"}, timeout=10).raise_for_status()
        again = push(project, base + "/store")
        assert again.returncode == 0, again.stderr
        assert f"removed graph <{stale}>" in again.stdout
        assert SECRET not in again.stdout + again.stderr
        assert counts(base) == {**want, other: 1}, "exactly the release's graphs (others' left alone)"
        assert push(project, base + "/store").returncode == 0
        assert counts(base) == {**want, other: 1}, "pushing again duplicates nothing"
    finally:
        process.terminate()
        process.wait(10)


class Flaky(BaseHTTPRequestHandler):
    """503 for the first `failures` requests, then a tiny Graph Store that counts what it holds."""

    failures: ClassVar[int] = 2
    seen: ClassVar[list[str]] = []
    graphs: ClassVar[dict[str, bytes]] = {}

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Flaky.seen.append(self.command)
        if len(Flaky.seen) <= Flaky.failures:
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        content = b""
        if self.command == "PUT":
            graph = requests.utils.unquote(self.path.split("graph=", 1)[1])
            Flaky.graphs[graph] = body
        elif self.command == "GET":  # the graph as it was stored
            content = Flaky.graphs.get(requests.utils.unquote(self.path.split("graph=", 1)[1]), b"")
        elif self.command == "POST":
            import json

            content = json.dumps({"head": {"vars": ["g", "n"]}, "results": {"bindings": [
                {"g": {"type": "uri", "value": g}, "n": {"type": "literal", "value": str(n.count(b"\n"))}}
                for g, n in Flaky.graphs.items()]}}).encode()
        self.send_response(200 if content or self.command == "GET" else 204)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_PUT = do_POST = do_GET = _answer

    def log_message(self, *args: object) -> None:
        return None


def test_503_is_retried_with_backoff_and_then_succeeds(project: Path) -> None:
    Flaky.failures, Flaky.seen, Flaky.graphs = 2, [], {}
    with loopback_server(Flaky) as base:
        url = base + "/store"
        started = time.monotonic()
        result = push(project, url)
        assert result.returncode == 0, result.stderr
        assert Flaky.seen[:3] == ["PUT", "PUT", "PUT"], "the same PUT, tried again after each 503"
        assert time.monotonic() - started >= 0.01  # backoff between the tries
        assert {g: body.count(b"\n") for g, body in Flaky.graphs.items()} == expected(project)
        assert SECRET not in result.stdout + result.stderr
