"""The validation cache: each shard's results kept under the SHA-256 of everything it can see."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from publisher.buildcache import code_version, write_atomic
from publisher.graph import serialize_text, sorted_lines
from publisher.validation.parts import ox_triples_any
from publisher.validation.report import SH
from publisher.validation.shards import Graphs, Row, Shard, Summary

CACHE_FORMAT = "nida-validation-cache/1"


#: result properties stored in the cache, in the order they are written back
RESULT_PROPERTIES = (SH.focusNode, SH.resultSeverity, SH.resultPath, SH.value, SH.sourceShape,
                     SH.sourceConstraint, SH.sourceConstraintComponent, SH.resultMessage)


FULL_RUN_SHARE = 0.25  # above this share of missing shards, the stats call it a full run


@dataclass
class CacheStats:
    shards: int = 0
    hits: int = 0
    revalidated: list[str] = field(default_factory=list)
    full_run: bool = False


def cache_version() -> str:
    """What every key of this cache starts with: its format and the code's version."""
    return "\n".join([CACHE_FORMAT, code_version()])


def graph_digest(graph: Graph) -> str:
    lines = sorted(str(t) for t in ox_triples_any(graph))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _sorted_digest(triples: Iterable[ox.Triple]) -> bytes:
    """SHA-256 of canonical N-Triples (sorted lines), for triples gathered in no fixed order."""
    return hashlib.sha256(sorted_lines(serialize_text(triples, ox.RdfFormat.N_TRIPLES))).digest()


def shard_key(shard: Shard, graphs: Graphs, common: str, part_digests: dict[str, bytes]) -> str:
    """SHA-256 of the shared inputs and of everything the shard's nodes can see."""
    digest = hashlib.sha256(common.encode("utf-8"))
    digest.update(shard.name.encode("utf-8") + b"\n")
    for part in sorted(shard.parts):
        digest.update(part.encode("utf-8") + b" " + part_digests[part] + b"\n")
    digest.update(b"reached " + _sorted_digest(shard.reached_triples))
    return digest.hexdigest()


def _term_json(node: Node) -> list[str]:
    if isinstance(node, URIRef):
        return ["iri", str(node)]
    if isinstance(node, BNode):
        return ["bnode", str(node)]
    assert isinstance(node, Literal)
    return ["literal", str(node), node.language or "", str(node.datatype or "")]


def _term_from_json(item: list[str]) -> Node:
    kind = item[0]
    if kind == "iri":
        return URIRef(item[1])
    if kind == "bnode":
        return BNode(item[1])
    return Literal(item[1], lang=item[2] or None, datatype=URIRef(item[3]) if item[3] else None)


def result_rows(report: Graph) -> list[tuple[Node | None, Row]]:
    """Each top-level result of a report as (focus node, [[property, term]...]), nested ones inline."""
    rows = []
    nested = set(report.objects(None, SH.detail))
    for node in report.subjects(RDF.type, SH.ValidationResult):
        if node in nested:
            continue
        row: Row = []
        for prop in RESULT_PROPERTIES:
            for value in sorted(report.objects(node, prop), key=str):
                row.append([str(prop), _term_json(value)])
        rows.append((report.value(node, SH.focusNode), row))
    return rows


def rows_graph(rows: Iterable[Row]) -> Graph:
    graph = Graph()
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    conforms = True
    for row in rows:
        node = BNode()
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((root, SH.result, node))
        for prop, value in row:
            term = _term_from_json(value)  # type: ignore[arg-type]
            graph.add((node, URIRef(str(prop)), term))
            if prop == str(SH.resultSeverity) and term == SH.Violation:
                conforms = False
    graph.add((root, SH.conforms, Literal(conforms)))
    return graph


class ShardCache:
    """Results per shard key, one small JSON file each, written atomically (no folder: no cache)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> list[Row] | None:
        if self.folder is None:
            return None
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("results"), list):
            return None
        results: list[Row] = data["results"]
        return results

    def summaries(self, names: Iterable[str], units: dict[str, str], versions: str) -> dict[str, Summary]:
        """The summaries of some graphs found in the cache (by the digest of their files)."""
        found = {}
        for name in names:
            key = summary_key(units[name], versions)
            try:
                data = json.loads(self.path(key).read_text(encoding="utf-8")) if self.folder else None
            except (OSError, ValueError):
                continue
            summary = Summary.from_json(data) if isinstance(data, dict) and data.get("key") == key else None
            if summary is not None:
                found[name] = summary
        return found

    def put_summary(self, digest: str, versions: str, summary: Summary) -> None:
        data = summary.to_json()
        if data is not None and self.folder is not None:
            key = summary_key(digest, versions)
            _write_json(self.path(key), {"key": key, **data})

    def put(self, key: str, rows: list[Row]) -> None:
        if self.folder is not None:
            _write_json(self.path(key), {"key": key, "results": rows})


def summary_key(digest: str, versions: str) -> str:
    return hashlib.sha256(f"summary\n{versions}\n{digest}".encode()).hexdigest()


def _write_json(target: Path, data: Any) -> None:
    write_atomic(target, json.dumps(data).encode("utf-8"))
