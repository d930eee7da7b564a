"""The co-signature network for Gephi and other graph tools (`network.graphml`): organizations
as nodes, an edge between two organizations for every statement both signed, weighted by the
number of such statements. Built with networkx from the signature table's rows."""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

from publisher.buildcache import content_key
from publisher.export.base import Exporter, Release
from publisher.export.dumps import CODE, PieceSpec
from publisher.export.tables import TABLE_ROWS, TABLES_SPEC, table_records

NETWORK_FILE = "network.graphml"
CACHE_KIND = "network"
#: the tables the network is made of
NETWORK_TABLES = ("signatures", "organizations")
#: the product (`Release.product`) of who signed with whom, which the site's network page reads too
CO_SIGNATURES = "co-signatures"


@dataclass(frozen=True)
class CoSignatures:
    """Who signed with whom: each organization that signed a statement, with its label and how
    many statements it signed, and each pair that signed one together, with how many."""

    labels: dict[str, str]
    statements: Counter[str]
    ties: Counter[tuple[str, str]]

    def label(self, organization: str) -> str:
        return self.labels.get(organization, organization)


def co_signatures(rows: dict[str, list[list[str]]]) -> CoSignatures:
    signed: dict[str, set[str]] = defaultdict(set)  # statement -> organizations
    for _signature, statement, *_rest, organization in rows.get("signatures", []):
        if organization:
            signed[statement].add(organization)
    return CoSignatures(
        labels={row[0]: row[1] for row in rows.get("organizations", [])},
        statements=Counter(organization for members in signed.values() for organization in members),
        ties=Counter(pair for members in signed.values() for pair in combinations(sorted(members), 2)))


def release_co_signatures(release: Release) -> CoSignatures:
    """`co_signatures` of the release's tables, made once per publish for the GraphML and the
    site's network page (a product: see `Exporter.needs`)."""
    def make() -> CoSignatures:
        return co_signatures(release.product(TABLE_ROWS, lambda: table_records(release)))

    return release.product(CO_SIGNATURES, make)


def network_key(kind: str, rows: dict[str, list[list[str]]], *parts: str) -> str:
    """The build cache's key of something drawn from the network's rows alone (the GraphML, the
    site's network page): the code, `parts`, and the signatures' and organizations' rows."""
    return content_key(kind, [CODE, *parts, *(json.dumps(rows.get(name, [])) for name in NETWORK_TABLES)])


def network_graph(found: CoSignatures) -> nx.Graph:
    """Nodes by IRI, then edges by (IRI, IRI), as networkx writes them (`sorted_ties`).

    networkx is imported here, in the worker that writes the GraphML: imported with nida it
    cost every publish 0.06-0.09 s before its first fork, with one core idle."""
    import networkx as nx

    graph = nx.Graph()
    organizations = sorted(found.statements)
    for organization in organizations:
        graph.add_node(organization, label=found.label(organization),
                       statements=found.statements[organization])
    for (a, b), weight in sorted_ties(found, organizations):
        graph.add_edge(a, b, weight=weight)
    return graph


def sorted_ties(found: CoSignatures, organizations: list[str]) -> list[tuple[tuple[str, str], int]]:
    """`sorted(found.ties.items())`, compared by each IRI's rank among the sorted `organizations`
    (every tie's two members are among them) instead of by text: half a million pairs of long
    IRIs at a million triples took the sort three times as long."""
    rank = {organization: index for index, organization in enumerate(organizations)}
    count = len(organizations)
    return sorted(found.ties.items(), key=lambda tie: rank[tie[0][0]] * count + rank[tie[0][1]])


def graphml_bytes(graph: nx.Graph) -> bytes:
    import networkx as nx  # see `network_graph`

    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


class NetworkExporter(Exporter):
    """Written beside the dumps in a forked process, and kept in the build cache under the rows
    it is made of (signatures and organizations): writing GraphML for tens of thousands of edges
    takes networkx most of a second at 100k triples, which an edit that changes no signature or
    organization need not spend again."""

    name = "network"
    media_type = "application/graphml+xml"
    needs = frozenset({TABLE_ROWS, CO_SIGNATURES})
    forkable = True
    #: first of the dumps' processes: at a million triples its half a million edges take
    #: networkx as long as the four RDF dumps together, which the other process writes meanwhile
    weight = 4

    def piece_specs(self, release: Release) -> list[PieceSpec]:
        return [TABLES_SPEC]

    def write(self, release: Release, folder: Path) -> list[Path]:
        rows = release.product(TABLE_ROWS, lambda: table_records(release))
        key = network_key(CACHE_KIND, rows)
        data = release.cache.get(CACHE_KIND, key)
        if data is None:
            data = graphml_bytes(network_graph(release_co_signatures(release)))
            release.cache.put(CACHE_KIND, key, data)
        return [release.write(folder / NETWORK_FILE, data)]
