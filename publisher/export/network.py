"""The co-signature network for Gephi and other graph tools (`network.graphml`): organizations
as nodes, an edge between two organizations for every statement both signed, weighted by the
number of such statements, from the signature table's rows, written as networkx writes it."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from publisher.buildcache import content_key
from publisher.errors import InputError
from publisher.export.base import Exporter, Release
from publisher.export.dumps import CODE, PieceSpec
from publisher.export.tables import ROWS_DIGESTS, TABLE_ROWS, TABLES_SPEC, rows_digests, table_records

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


def network_key(kind: str, release: Release, *parts: str) -> str:
    """The build cache's key of something drawn from the network's rows alone (the GraphML, the
    site's network page): the code, `parts`, and the signatures' and organizations' rows."""
    digests = rows_digests(release)
    return content_key(kind, [CODE, *parts, *(digests[name] for name in NETWORK_TABLES)])


def sorted_ties(found: CoSignatures, organizations: list[str]) -> list[tuple[tuple[str, str], int]]:
    """`sorted(found.ties.items())`, compared by each IRI's rank among the sorted `organizations`
    (every tie's two members are among them) instead of by text: half a million pairs of long
    IRIs at a million triples took the sort three times as long."""
    rank = {organization: index for index, organization in enumerate(organizations)}
    count = len(organizations)
    return sorted(found.ties.items(), key=lambda tie: rank[tie[0][0]] * count + rank[tie[0][1]])


#: what networkx's GraphML writer (lxml, pretty-printed) puts before the keys
GRAPHML_HEAD = ("<?xml version='1.0' encoding='utf-8'?>\n"
                '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">')
#: its keys, in the order it writes them: the last one it met first
EDGE_KEYS = '<key id="d2" for="edge" attr.name="weight" attr.type="long"/>\n'
NODE_KEYS = ('<key id="d1" for="node" attr.name="statements" attr.type="long"/>\n'
             '<key id="d0" for="node" attr.name="label" attr.type="string"/>\n')
#: characters XML 1.0 cannot carry, which lxml refuses
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                                   "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


class NotXml(ValueError):
    """A name (or IRI) of `organization` holds `character`, which no XML 1.0 document carries."""

    def __init__(self, organization: str, character: str) -> None:
        super().__init__(f"not a string XML can carry: U+{ord(character):04X} in a name of <{organization}>")
        self.organization, self.character = organization, character


def xml_escaped(value: str, escapes: dict[int, str], organization: str) -> str:
    """`value` escaped as lxml escapes it, and refused where lxml refuses it (`NOT_XML`)."""
    if (bad := NOT_XML.search(value)) is not None:
        raise NotXml(organization, bad.group())
    return value.translate(escapes)


def graphml_bytes(found: CoSignatures) -> bytes:
    """The bytes networkx's `write_graphml(..., prettyprint=True)` writes for the graph of
    `found` (nodes by IRI, with label and statement count, then edges by (IRI, IRI), weighted),
    written here as text: networkx builds an lxml element per edge, 7 CPU-s for the half a
    million edges of a million triples, on the publish's longest path. tests/export/
    test_network.py holds the two to the same bytes, networkx being the reference."""
    organizations = sorted(found.statements)
    ids = {name: xml_escaped(name, ATTRIBUTE_ESCAPES, name) for name in organizations}
    labels = {name: xml_escaped(found.label(name), TEXT_ESCAPES, name) for name in organizations}
    ties = sorted_ties(found, organizations)
    parts = [GRAPHML_HEAD, EDGE_KEYS if ties else "", NODE_KEYS if organizations else "",
             '<graph edgedefault="undirected">']
    parts.extend(f'<node id="{ids[organization]}">\n'
                 f'  <data key="d0">{labels[organization]}</data>\n'
                 f'  <data key="d1">{found.statements[organization]}</data>\n</node>\n'
                 for organization in organizations)
    parts.extend(f'<edge source="{ids[a]}" target="{ids[b]}">\n  <data key="d2">{weight}</data>\n</edge>\n'
                 for (a, b), weight in ties)
    parts.append("</graph></graphml>")
    return "".join(parts).encode("utf-8")


def unwritable(release: Release, refused: NotXml) -> InputError:
    """The error for a name (or IRI) that network.graphml cannot carry, at the subject's line:
    a control character passes Turtle and every other format, but no XML 1.0 document holds it."""
    where = release.dataset.locations.get(refused.organization)
    code = f"U+{ord(refused.character):04X}"
    return InputError(f"the name of <{refused.organization}> holds {code}, a character XML cannot carry,"
                      f" so {NETWORK_FILE} cannot be written; remove it",
                      where.file if where else None, where.line if where else None)


class NetworkExporter(Exporter):
    """Written beside the dumps in a forked process, and kept in the build cache under the rows
    it is made of (signatures and organizations), which an edit that changes no signature or
    organization does not change."""

    name = "network"
    media_type = "application/graphml+xml"
    needs = frozenset({TABLE_ROWS, CO_SIGNATURES, ROWS_DIGESTS})
    forkable = True
    #: first of the dumps' processes: at a million triples counting and writing its half a
    #: million edges takes longer than the four RDF dumps, which the other process writes meanwhile
    weight = 4

    def piece_specs(self, release: Release) -> list[PieceSpec]:
        return [TABLES_SPEC]

    def write(self, release: Release, folder: Path) -> list[Path]:
        key = network_key(CACHE_KIND, release)
        data = release.cache.get(CACHE_KIND, key)
        digest: str | None = None  # the GraphML's SHA-256, where it is known
        if data is None:
            try:
                data = graphml_bytes(release_co_signatures(release))
            except NotXml as refused:
                raise unwritable(release, refused) from None
            digest = hashlib.sha256(data).hexdigest()
            release.cache.put(CACHE_KIND, key, data)
            release.cache.put(CACHE_KIND, digest_key(key), digest.encode("ascii"))
        elif (stored := release.cache.get(CACHE_KIND, digest_key(key))) is not None:
            digest = stored.decode("ascii")
        return [release.place(folder / NETWORK_FILE, data, folder, digest)]


def digest_key(key: str) -> str:
    """Where the GraphML's SHA-256 is kept beside it (the release lists it; hashing 108 MB again
    on every re-publish at a million triples cost 0.09 s)."""
    return content_key("network-sha256", [key])
