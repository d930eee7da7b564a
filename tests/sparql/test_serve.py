"""`nida serve`: the real waitress server in a subprocess on a free loopback port, hit with
requests: the SPARQL 1.1 Protocol, content negotiation with real clients' headers, limits."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from publisher.settings import Settings
from publisher.sparql.http import negotiate
from publisher.sparql.resources import html_page_link
from publisher.sparql.source import Source, source_quads
from tests.conftest import BASE, REPO

RESOURCE = BASE + "place/syria"
DEMANDS = (REPO / "queries/demands-by-addressee.rq").read_text(encoding="utf-8")
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

# Accept headers real clients send.
RAPPER = ("application/rdf+xml, text/rdf;q=0.6, application/xml;q=0.3, text/xml;q=0.3, "
          "application/x-turtle;q=0.7, application/turtle;q=0.7, text/turtle;q=0.8, text/n3;q=0.3, "
          "application/n-triples;q=0.6, text/plain;q=0.1, application/x-trig;q=0.3, application/trig;q=0.3, "
          "application/rss+xml;q=0.3, application/atom+xml;q=0.3, application/json;q=0.3, "
          "application/ld+json;q=0.3, text/x-nquads;q=0.2, application/n-quads;q=0.2, text/html;q=0.6, "
          "application/xhtml+xml;q=0.6, */*;q=0.1")
CURL = "*/*"
CHROMIUM = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,"
            "*/*;q=0.8,application/signed-exchange;v=b3;q=0.7")
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data: Path, cwd: Path, **env: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    environment = {**os.environ, "NIDA_QUERY_TIMEOUT": "1.5", "NIDA_RESULT_LIMIT": "2000",
                   "NIDA_QUERY_WORKERS": "2", **env}
    process = subprocess.Popen([sys.executable, "-m", "publisher", "serve", "--port", str(port),
                                "--data", str(data)], cwd=cwd, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stdout.read().decode() if process.stdout else "server died")
        try:
            requests.get(url + "/", timeout=1)
            return process, url
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not start")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def server(release: Path) -> Iterator[str]:
    process, url = start_server(release, release.parent)
    yield url
    stop_server(process)


def sparql(url: str, query: str, **kwargs: object) -> requests.Response:
    return requests.get(url + "/sparql", params={"query": query}, timeout=30, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- SPARQL protocol


def test_get_post_form_and_direct_post_agree(server: str) -> None:
    get = sparql(server, DEMANDS)
    form = requests.post(server + "/sparql", data={"query": DEMANDS}, timeout=30)
    direct = requests.post(server + "/sparql", data=DEMANDS.encode(), timeout=30,
                           headers={"Content-Type": "application/sparql-query"})
    for response in (get, form, direct):
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("application/sparql-results+json")
        bindings = response.json()["results"]["bindings"]
        assert [(b["addressee"]["value"], b["demands"]["value"]) for b in bindings] == [
            ("United Nations Security Council", "5"), ("Syrian Democratic Forces", "2"),
            ("Syrian Transitional Government", "2")]


@pytest.mark.parametrize(("accept", "fmt", "media_type", "first_line"), [
    ("application/sparql-results+json", "json", "application/sparql-results+json", '{"head":'),
    ("application/sparql-results+xml", "xml", "application/sparql-results+xml", "<?xml"),
    ("text/csv", "csv", "text/csv", "addressee,demands"),
    ("text/tab-separated-values", "tsv", "text/tab-separated-values", "?addressee\t?demands"),
])
def test_each_result_format_by_accept_and_by_parameter(server: str, accept: str, fmt: str,
                                                       media_type: str, first_line: str) -> None:
    by_accept = sparql(server, DEMANDS, headers={"Accept": accept})
    by_param = requests.get(server + "/sparql", params={"query": DEMANDS, "format": fmt}, timeout=30)
    for response in (by_accept, by_param):
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].split(";")[0] == media_type
        assert response.text.startswith(first_line)
        assert "United Nations Security Council" in response.text
    assert by_accept.content == by_param.content


def test_construct_negotiates_rdf_and_ask_answers_boolean(server: str) -> None:
    construct = f"CONSTRUCT {{ <{RESOURCE}> ?p ?o }} WHERE {{ <{RESOURCE}> ?p ?o }}"
    turtle = sparql(server, construct, headers={"Accept": "text/turtle"})
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    triples = [q.triple for q in ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)]
    assert ox.Triple(ox.NamedNode(RESOURCE), ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"),
                     ox.NamedNode("http://www.wikidata.org/entity/Q858")) in triples
    ntriples = sparql(server, construct, headers={"Accept": "application/n-triples"})
    assert len(list(ox.parse(ntriples.content, format=ox.RdfFormat.N_TRIPLES))) == len(triples)
    assert sparql(server, construct).headers["Content-Type"].startswith("text/turtle")
    ask = sparql(server, "ASK { ?s a <https://w3id.org/nida/ontology#Statement> }", headers={"Accept": CURL})
    assert ask.json() == {"head": {}, "boolean": True}
    assert sparql(server, construct, headers={"Accept": "text/csv"}).status_code == 406


@pytest.mark.parametrize(("method", "query"), [
    ("get", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
    ("get", "LOAD <http://127.0.0.1:9/evil.ttl>"),
    ("get", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"),
    ("post", "DELETE WHERE { ?s ?p ?o }"),
])
def test_updates_load_and_service_are_refused(server: str, method: str, query: str) -> None:
    if method == "get":
        response = sparql(server, query)
    else:
        response = requests.post(server + "/sparql", data=query.encode(), timeout=30,
                                 headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 403
    assert "refused" in response.text and response.text.count("\n") == 1
    update = requests.post(server + "/sparql", data=query.encode(), timeout=30,
                           headers={"Content-Type": "application/sparql-update"})
    assert update.status_code == 403
    form = requests.post(server + "/sparql", data={"update": query}, timeout=30)
    assert form.status_code == 403
    assert sparql(server, "ASK { <urn:a> <urn:b> <urn:c> }").json()["boolean"] is False


def test_bad_queries_are_clear_4xx(server: str) -> None:
    syntax = sparql(server, "SELECT * WHERE { ?s ?p }")
    assert syntax.status_code == 400 and "syntax error" in syntax.text
    assert requests.post(server + "/sparql", data={}, timeout=10).status_code == 400  # no query
    too_large = sparql(server, "SELECT * WHERE { ?s ?p ?o }")
    assert too_large.status_code == 413 and "more than 2000" in too_large.text
    assert sparql(server, DEMANDS, headers={"Accept": "image/png"}).status_code == 406
    assert requests.put(server + "/sparql", timeout=10).status_code == 405


def test_timeout_stops_a_cartesian_product_while_others_are_answered(server: str) -> None:
    slow: dict[str, requests.Response] = {}
    thread = threading.Thread(target=lambda: slow.setdefault("r", sparql(server, CARTESIAN)))
    started = time.monotonic()
    thread.start()
    time.sleep(0.3)
    quick = sparql(server, DEMANDS)
    assert quick.status_code == 200 and time.monotonic() - started < 1.4
    assert requests.get(server + "/id/place/syria", timeout=10).status_code == 200
    thread.join(30)
    assert slow["r"].status_code == 503 and "time limit" in slow["r"].text
    assert time.monotonic() - started < 1.5 + 1.5  # answered at the deadline, not after a restart
    assert sparql(server, DEMANDS).status_code == 200  # the stopped worker was replaced


def test_cors(server: str) -> None:
    response = sparql(server, DEMANDS, headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = requests.options(server + "/sparql", timeout=10, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


# --------------------------------------------------------------------------- linked data


@pytest.mark.parametrize(("accept", "media_type"), [
    (RAPPER, "application/rdf+xml"),
    (RAPPER.replace("application/rdf+xml, ", "application/rdf+xml;q=0.5, "), "text/turtle"),
    (CURL, "text/turtle"),
    (None, "text/turtle"),
    (CHROMIUM, "text/html"),
    (FIREFOX, "text/html"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
    ("text/*", "text/turtle"),
])
def test_content_negotiation_with_real_client_headers(server: str, accept: str | None, media_type: str) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    session = requests.Session()
    if accept is None:
        del session.headers["Accept"]
    response = session.get(server + "/id/place/syria", headers=headers, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    if media_type == "text/html":  # 303 to the release's static page, served under /html/
        assert [r.status_code for r in response.history] == [303]
        assert response.history[0].headers["Vary"] == "Accept"
        assert response.url == server + "/html/place/syria.html"
        assert "<title>Syria" in response.text
        return
    assert response.history == []
    assert response.headers["Vary"] == "Accept"
    if media_type == "application/ld+json":
        document = response.json()  # the place, and what points at it (test_linked_data.py)
        place = next(node for node in document["@graph"] if node["id"] == "nid:place/syria")
        assert place["prefLabel"] == "Syria"
        assert isinstance(document["@context"], dict)  # the local context, no remote fetch
    else:
        fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
               "application/rdf+xml": ox.RdfFormat.RDF_XML}[media_type]
        triples = list(ox.parse(response.content, format=fmt))
        assert ox.Literal("Syria") in {t.object for t in triples}


def test_every_data_iri_dereferences(server: str, release: Path) -> None:
    subjects = {line.split(" ", 1)[0][1:-1] for line in (release / "nida.nt").read_text().splitlines()}
    ours = sorted(s for s in subjects if s.startswith(BASE))
    assert len(ours) > 100
    with requests.Session() as session:
        for iri in ours:
            response = session.get(server + "/id/" + iri[len(BASE):], headers={"Accept": "application/n-triples"},
                                   timeout=10)
            assert response.status_code == 200, iri
            assert f"<{iri}>" in response.text


def test_unknown_resources_404_and_unsupported_types_406(server: str) -> None:
    assert requests.get(server + "/id/place/atlantis", timeout=10).status_code == 404
    assert requests.get(server + "/nowhere", timeout=10).status_code == 404
    response = requests.get(server + "/id/place/syria", headers={"Accept": "image/png"}, timeout=10)
    assert response.status_code == 406 and "text/turtle" in response.text


def test_query_page(server: str) -> None:
    page = requests.get(server + "/", timeout=10)
    assert page.headers["Content-Type"].startswith("text/html")
    assert '<textarea id="query"' in page.text and "demands-by-addressee" in page.text
    assert "<link" not in page.text and " src=" not in page.text  # no external assets
    opened = requests.get(server + "/sparql", headers={"Accept": CHROMIUM}, timeout=10)
    assert opened.status_code == 200 and opened.text == page.text


def test_release_html_pages_are_served_when_present(release: Path, tmp_path: Path) -> None:
    assert html_page_link(release, RESOURCE) == "/html/place/syria.html"
    demand = BASE + "statement/halt-military-escalation-northeast-syria/demand/1-2"
    assert html_page_link(release, demand) == (
        "/html/statement/halt-military-escalation-northeast-syria.html#demand/1-2")
    assert html_page_link(tmp_path, RESOURCE) is None  # a release without pages
    assert html_page_link(release, BASE + "../secret") is None


def test_static_pages_never_leave_the_html_folder(server: str) -> None:
    for path in ("/html/../nida.nt", "/html/%2e%2e/nida.nt", "/html/..%2fnida.nt", "/html/place/nowhere.html"):
        assert requests.get(server + path, timeout=10).status_code == 404, path
    page = requests.get(server + "/html/statement/halt-military-escalation-northeast-syria.html", timeout=10)
    assert page.status_code == 200 and "PEACE SHE LEADAR NET WORK" in page.text


def test_static_pages_of_the_release_are_served_to_browsers(release: Path, tmp_path: Path) -> None:
    copy = tmp_path / "dist"
    shutil.copytree(release, copy)
    (copy / "html/place").mkdir(parents=True, exist_ok=True)
    (copy / "html/place/raqqa-governorate.html").unlink()
    (copy / "html/place/syria.html").write_text("<!DOCTYPE html><title>Syria (static)</title>")
    quads = source_quads(Source("data", release.parent / "data", Settings(root=release.parent)))
    (copy / "nida.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    process, url = start_server(copy, release.parent, NIDA_QUERY_WORKERS="1")
    try:
        graph = requests.get(url + "/id/graph/places", headers={"Accept": "application/n-triples"}, timeout=10)
        assert graph.status_code == 200 and f"<{RESOURCE}>" in graph.text
        in_graphs = sparql(url, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{RESOURCE}> ?p ?o }} }} LIMIT 1",
                           headers={"Accept": "text/csv"})
        assert in_graphs.text.splitlines()[1] == BASE + "graph/places"
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/nida/ontology#Place> }"
        only_actors = requests.get(url + "/sparql", timeout=10, headers={"Accept": "text/csv"}, params={
            "query": count, "default-graph-uri": BASE + "graph/actors"})
        assert only_actors.text.splitlines()[1] == "0"  # the protocol's dataset: only the actors graph
        only_places = requests.post(url + "/sparql", timeout=10, headers={"Accept": "text/csv"}, data={
            "query": count, "default-graph-uri": [BASE + "graph/places"]})
        assert int(only_places.text.splitlines()[1]) > 5
        page = requests.get(url + "/id/place/syria", headers={"Accept": FIREFOX}, timeout=10)
        assert page.text == "<!DOCTYPE html><title>Syria (static)</title>"
        other = requests.get(url + "/id/place/raqqa-governorate", headers={"Accept": FIREFOX}, timeout=10)
        assert "<title>Raqqa Governorate" in other.text  # no static page: a generated one
        turtle = requests.get(url + "/id/place/syria", headers={"Accept": CURL}, timeout=10)
        assert turtle.headers["Content-Type"].startswith("text/turtle")
    finally:
        stop_server(process)


def test_negotiate_unit() -> None:
    offered = ["text/turtle", "text/html"]
    assert negotiate(RAPPER, offered) == "text/turtle"
    assert negotiate("", offered) == "text/turtle"
    assert negotiate("text/html;q=0, */*", offered) == "text/turtle"
    assert negotiate("application/json", offered) is None


def test_port_in_use_is_one_line_exit_2(release: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "publisher", "serve", "--port", str(port),
                                 "--data", str(release)], cwd=release.parent, capture_output=True,
                                text=True, timeout=60, env={**os.environ, "NIDA_QUERY_WORKERS": "1"})
    assert result.returncode == 2
    assert result.stderr.startswith("nida: error: cannot listen on 127.0.0.1:") and result.stderr.count("\n") == 1


def test_latency_is_small(server: str) -> None:
    with requests.Session() as session:
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            assert session.get(server + "/sparql", params={"query": DEMANDS}, timeout=10).status_code == 200
            timings.append(time.perf_counter() - started)
    assert sorted(timings)[10] < 0.5


def test_a_stopped_worker_is_replaced(release: Path) -> None:
    """One worker: after a query is stopped at its deadline, the next one is answered."""
    from publisher.sparql.query import QueryPool
    from publisher.sparql.screen import QueryTimeout
    from publisher.sparql.source import resolve_source

    pool = QueryPool(resolve_source(Settings(root=release.parent), release), workers=1, timeout=2.0, limit=100)
    try:
        with pytest.raises(QueryTimeout):
            pool.run(CARTESIAN, "json", "turtle")
        data, media_type = pool.run(DEMANDS, "csv", "turtle")
        assert media_type.startswith("text/csv") and data.startswith(b"addressee,demands")
        assert all(w.process.is_alive() for w in pool.workers) and len(pool.workers) == 1
    finally:
        pool.close()
