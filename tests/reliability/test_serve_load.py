"""`nida serve` keeps answering under idle sockets, slowloris and slow queries (issue 15, item 6).

A real server on loopback; 200 connections that never finish a request (half say nothing, half
send a header line now and then) and 12 queries that run until the query timeout are held open
while /id/ and a cheap query are timed: each must be answered in under a second. A query that
finds no worker within NIDA_QUERY_WAIT (or no room in the queue) gets 503, with Retry-After.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.sparql.test_serve import start_server, stop_server

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 2,378^3 rows: runs to the timeout
CHEAP = "ASK { ?s ?p ?o }"
RESOURCE = "/id/organization/syrians-for-truth-and-justice"


@pytest.fixture(scope="module")
def server(release: Path) -> Iterator[str]:
    process, url = start_server(release, release.parent, NIDA_QUERY_TIMEOUT="6", NIDA_QUERY_WAIT="0.5",
                                NIDA_IDLE_TIMEOUT="30")
    yield url
    stop_server(process)


def hold_sockets(url: str, count: int, stop: threading.Event) -> list[socket.socket]:
    host, port = url.removeprefix("http://").split(":")
    sockets = []
    for index in range(count):
        sock = socket.create_connection((host, int(port)), timeout=5)
        if index % 2:  # slowloris: a request that never ends
            sock.sendall(b"GET /id/x HTTP/1.1\r\nHost: x\r\n")
        sockets.append(sock)

    def trickle() -> None:
        while not stop.wait(0.5):
            for sock in sockets[1::2]:
                with contextlib.suppress(OSError):  # the server closed it
                    sock.sendall(b"X-a: b\r\n")

    threading.Thread(target=trickle, daemon=True).start()
    return sockets


def timed(call: object) -> tuple[float, requests.Response]:
    started = time.monotonic()
    response = call()  # type: ignore[operator]
    return time.monotonic() - started, response


def test_id_and_a_cheap_query_answer_under_load(server: str) -> None:
    stop = threading.Event()
    sockets = hold_sockets(server, 200, stop)
    statuses: list[int] = []

    def slow() -> None:
        try:
            statuses.append(requests.get(server + "/sparql", params={"query": SLOW}, timeout=30).status_code)
        except requests.RequestException:
            statuses.append(0)

    slow_threads = [threading.Thread(target=slow, daemon=True) for _ in range(12)]
    try:
        for thread in slow_threads:
            thread.start()
        time.sleep(1.0)  # the slow queries are running or refused
        for _ in range(3):
            took, response = timed(lambda: requests.get(server + RESOURCE, headers={"Accept": "text/turtle"},
                                                        timeout=10))
            assert response.status_code == 200, response.text
            assert took < 1.0, f"/id/ took {took:.2f} s"
            took, response = timed(lambda: requests.get(server + "/sparql", params={"query": CHEAP}, timeout=10))
            assert response.status_code in (200, 503), response.text
            assert took < 1.0, f"a cheap query took {took:.2f} s"
            if response.status_code == 503:
                assert response.headers["Retry-After"] == "1"
                assert "query workers are busy" in response.text
    finally:
        stop.set()
        for sock in sockets:
            sock.close()
        for thread in slow_threads:
            thread.join(30)
    # 2 ran to the time limit (503 after it); the others waited 0.5 s for a worker, then 503
    assert sorted(statuses) == [503] * 12
    took, response = timed(lambda: requests.get(server + "/sparql", params={"query": CHEAP}, timeout=10))
    assert response.status_code == 200 and took < 5


def test_idle_connections_do_not_exhaust_the_server(server: str) -> None:
    stop = threading.Event()
    sockets = hold_sockets(server, 300, stop)  # more than waitress's default limit of 100
    try:
        took, response = timed(lambda: requests.get(server + RESOURCE, timeout=10))
        assert response.status_code in (200, 303)
        assert took < 1.0
    finally:
        stop.set()
        for sock in sockets:
            sock.close()
