"""Odd paths under /id/ and /html/ are client errors, never a 500 with a traceback (issue 15, item 7)."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.sparql.test_serve import start_server, stop_server

PATHS = ["a%20b", "organization/a%20b", "%ff", "organization/%ff%fe", "%3C", "<", "%22", '"', "%00",
         "organization/x%00y", "%0a", "x%5C%22y"]


@pytest.fixture(scope="module")
def address(release: Path) -> Iterator[tuple[str, int]]:
    process, url = start_server(release, release.parent)
    parts = urlsplit(url)
    yield parts.hostname or "127.0.0.1", parts.port or 80
    stop_server(process)


def get(address: tuple[str, int], path: str) -> tuple[int, str]:
    """The request line sent as written (requests would re-encode it)."""
    connection = http.client.HTTPConnection(*address, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.putheader("Accept", "text/turtle")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.mark.parametrize("rest", PATHS)
def test_id_paths_that_are_no_iri_are_bad_requests(address: tuple[str, int], rest: str) -> None:
    status, body = get(address, "/id/" + rest)
    assert status in (400, 404), body
    assert "Traceback" not in body and "Internal Server Error" not in body
    if status == 400:
        assert body.startswith("not an IRI: the path after /id/ must be a valid IRI path")


@pytest.mark.parametrize("rest", PATHS)
def test_html_paths_that_are_no_file_name_are_not_found(address: tuple[str, int], rest: str) -> None:
    status, body = get(address, "/html/" + rest)
    assert status in (400, 404), body
    assert "Traceback" not in body and "Internal Server Error" not in body


def test_the_server_still_answers_after_them(address: tuple[str, int]) -> None:
    status, body = get(address, "/id/organization/syrians-for-truth-and-justice")
    assert status in (200, 303), body
