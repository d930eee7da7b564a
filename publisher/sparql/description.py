"""The endpoint's SPARQL 1.1 Service Description, answered at /sparql without a query.

It says what a client can rely on: SPARQL 1.1 Query only (no update, no SERVICE), the union of
the named graphs as the default graph, the result and RDF formats offered, and the named graphs.
"""

from __future__ import annotations

import pyoxigraph as ox

from publisher.graph import RDF_TYPE
from publisher.settings import DATASET_IRI

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
DCT_SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")

#: the W3C format IRIs of what the endpoint answers in (results, then graphs)
RESULT_FORMAT_IRIS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                      "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML")


def sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def service_description(endpoint: str, graphs: list[str]) -> list[ox.Triple]:
    """The description of the endpoint at `endpoint` serving these named graphs."""
    service, dataset, default = ox.NamedNode(endpoint), ox.BlankNode("dataset"), ox.BlankNode("default")
    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, DCT_SOURCE, ox.NamedNode(DATASET_IRI)),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, sd("Graph")),
    ]
    triples += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + name))
                for name in RESULT_FORMAT_IRIS]
    for index, name in enumerate(sorted(graphs)):
        named = ox.BlankNode(f"graph{index}")
        triples += [ox.Triple(dataset, sd("namedGraph"), named), ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
                    ox.Triple(named, sd("name"), ox.NamedNode(name))]
    return triples
