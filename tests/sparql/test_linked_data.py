"""Linked data that links back: /id/ describes a resource with what points at it, /sparql without
a query describes the service (SPARQL 1.1 SD), and SPARQLWrapper's `format=` values work."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from pyld import jsonld
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from tests.conftest import BASE, copy_project
from tests.sparql.test_serve import start_server, stop_server

ORGANIZATION = BASE + "organization/syrians-for-truth-and-justice"
SIGNATURE = BASE + "statement/halt-military-escalation-northeast-syria/signature/34"
SD = "http://www.w3.org/ns/sparql-service-description#"
DEMANDS = "SELECT ?d ?text WHERE { ?d a <https://w3id.org/nida/ontology#Demand> ; <https://w3id.org/nida/ontology#text> ?text } ORDER BY ?d"


@pytest.fixture(scope="module")
def server(release: Path) -> Iterator[str]:
    process, url = start_server(release, release.parent)
    yield url
    stop_server(process)


@pytest.fixture(scope="module")
def store(release: Path) -> ox.Store:
    found = ox.Store()
    found.bulk_load(path=str(release / "nida.nq"), format=ox.RdfFormat.N_QUADS)
    return found


def union(store: ox.Store, pattern: str) -> set[ox.Triple]:
    return {ox.Triple(s, p, o) for s, p, o in store.query(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {pattern} }}",
                                                         use_default_graph_as_union=True)}


def test_an_organization_is_described_with_the_statements_it_signed(server: str, store: ox.Store) -> None:
    own = union(store, f"BIND(<{ORGANIZATION}> AS ?s) ?s ?p ?o")
    pointing = union(store, f"BIND(<{ORGANIZATION}> AS ?o) ?s ?p ?o FILTER(?s != ?o)")
    assert len(own) >= 2 and len(pointing) == 8  # its signatures: nida:signedBy and wdt:P1891, 4 each
    turtle = requests.get(server + "/id/organization/syrians-for-truth-and-justice",
                          headers={"Accept": "text/turtle"}, timeout=30)
    assert turtle.status_code == 200, turtle.text
    assert {q.triple for q in ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)} == own | pointing
    document = requests.get(server + "/id/organization/syrians-for-truth-and-justice",
                            headers={"Accept": "application/ld+json"}, timeout=30).json()
    expanded = jsonld.to_rdf(document, {"format": "application/n-quads"})  # a second parser, pyld
    assert {q.triple for q in ox.parse(expanded, format=ox.RdfFormat.N_QUADS)} == own | pointing


def test_a_resource_without_a_page_lists_what_points_at_it(tmp_path: Path, store: ox.Store) -> None:
    """Served from the data folder there are no static pages: every resource gets nida's own."""
    pointing = union(store, f"BIND(<{SIGNATURE}> AS ?o) ?s ?p ?o FILTER(?s != ?o)")
    assert len(pointing) == 2
    project = copy_project(tmp_path)
    process, url = start_server(project / "data", project)
    try:
        page = requests.get(url + "/id/statement/halt-military-escalation-northeast-syria/signature/34",
                            headers={"Accept": "text/html"}, timeout=30)
    finally:
        stop_server(process)
    assert page.status_code == 200, page.text
    incoming = page.text.split('<table id="incoming">', 1)[1].split("</table>", 1)[0]
    assert incoming.count("<tr><td>") == 2
    assert 'href="/id/statement/halt-military-escalation-northeast-syria"' in incoming


def test_the_endpoint_describes_itself_without_a_query(server: str, store: ox.Store) -> None:
    response = requests.get(server + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    graph = Graph().parse(data=response.text, format="turtle")  # a second parser, rdflib
    service = URIRef(server + "/sparql")
    assert (service, RDF.type, URIRef(SD + "Service")) in graph
    assert (service, URIRef(SD + "endpoint"), service) in graph
    assert (service, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in graph
    assert (service, URIRef(SD + "feature"), URIRef(SD + "UnionDefaultGraph")) in graph
    assert len(set(graph.objects(service, URIRef(SD + "resultFormat")))) == 8
    names = {str(name) for name in graph.objects(None, URIRef(SD + "name"))}
    assert names == {graph_name.value for graph_name in store.named_graphs()}
    assert len(names) == 14  # the statement, five registries, the concepts, the ontology, six entailed
    as_jsonld = requests.get(server + "/sparql", headers={"Accept": "application/ld+json"}, timeout=30)
    assert len(Graph().parse(data=as_jsonld.text, format="json-ld")) == len(graph)
    browser = requests.get(server + "/sparql", headers={"Accept": "text/html"}, timeout=30)
    assert "<h1>nida SPARQL</h1>" in browser.text


def client(server: str, query: str, fmt: str) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(server + "/sparql")
    wrapper.setQuery(query)
    wrapper.setReturnFormat(fmt)
    return wrapper


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_selects_in_every_format(server: str, store: ox.Store, fmt: str) -> None:
    expected = [(row[0].value, row[1].value) for row in store.query(DEMANDS, use_default_graph_as_union=True)]
    assert len(expected) == 7
    result = client(server, DEMANDS, fmt).query()
    assert result.response.status == 200
    converted = result.convert()
    if fmt == JSON:
        rows = [(b["d"]["value"], b["text"]["value"]) for b in converted["results"]["bindings"]]
    elif fmt == XML:
        values = [node.firstChild.data if node.firstChild else ""
                  for node in converted.getElementsByTagName("uri") + converted.getElementsByTagName("literal")]
        rows = list(zip(values[:7], values[7:], strict=True))
    elif fmt == CSV:
        lines = list(csv.reader(io.StringIO(converted.decode("utf-8"))))
        assert lines[0] == ["d", "text"]
        rows = [(d, text) for d, text in lines[1:]]
    else:  # TSV cells are RDF terms: <iri> and "literal"
        lines = converted.decode("utf-8").splitlines()
        assert lines[0] == "?d\t?text" and len(lines) == 8
        cells = [line.split("\t", 1) for line in lines[1:]]
        assert all(text.startswith('"') and text.endswith('"') for _d, text in cells)
        assert [d for d, _text in cells] == [f"<{d}>" for d, _text in expected]
        return
    assert rows == expected


@pytest.mark.parametrize(("fmt", "rdf_format"), [
    (XML, ox.RdfFormat.RDF_XML), (RDFXML, ox.RdfFormat.RDF_XML), (TURTLE, ox.RdfFormat.TURTLE),
    (N3, ox.RdfFormat.TURTLE), (JSONLD, ox.RdfFormat.JSON_LD),
])
def test_sparqlwrapper_constructs_in_every_format(server: str, store: ox.Store, fmt: str,
                                                  rdf_format: ox.RdfFormat) -> None:
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ BIND(<{ORGANIZATION}> AS ?o) ?s ?p ?o }}"
    wrapper = client(server, construct, fmt)
    response = wrapper.query().response
    assert response.status == 200
    data = response.read()
    assert {q.triple for q in ox.parse(data, format=rdf_format)} == union(
        store, f"BIND(<{ORGANIZATION}> AS ?o) ?s ?p ?o")


def test_csv_says_its_charset_once_and_an_unknown_format_falls_back_to_accept(server: str) -> None:
    csv = requests.get(server + "/sparql", params={"query": DEMANDS, "format": "csv"}, timeout=30)
    assert csv.headers["Content-Type"] == "text/csv; charset=utf-8"
    odd = requests.get(server + "/sparql", params={"query": DEMANDS, "format": "application/x-unknown"},
                       headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert odd.status_code == 200, odd.text
    assert len(json.loads(odd.text)["results"]["bindings"]) == 7
