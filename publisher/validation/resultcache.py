"""The validation cache: each shard's results kept under the SHA-256 of everything it can see."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from publisher.buildcache import BuildCache, Location, code_version, read_packed
from publisher.load.dataset import Location as SubjectLocation
from publisher.load.dataset import Locations
from publisher.validation.parts import ox_triples_any
from publisher.validation.report import SH
from publisher.validation.shards import Graphs, Row, Shard, Summary, triples_digest

CACHE_FORMAT = "nida-validation-cache/1"
VALIDATION_FOLDER = "validation"
#: the kinds of entries: each shard's results, each statement's summary
RESULTS, SUMMARIES = "results", "summaries"


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
    return triples_digest(ox_triples_any(graph)).hex()


def shard_key(shard: Shard, graphs: Graphs, common: str, part_digests: dict[str, bytes]) -> str:
    """SHA-256 of the shared inputs and of everything the shard's nodes can see."""
    digest = hashlib.sha256(common.encode("utf-8"))
    digest.update(shard.name.encode("utf-8") + b"\n")
    for part in sorted(shard.parts):
        digest.update(part.encode("utf-8") + b" " + part_digests[part] + b"\n")
    # what other graphs state about each node reached (`About.digest`), in no fixed order
    reached = b"".join(sorted(about.digest for about in shard.reached_from))
    digest.update(b"reached " + hashlib.sha256(reached).digest())
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
    """Results per shard key, and statements' summaries, as JSON entries in pack files
    (`<folder>/validation/<kind>/packs/`, publisher/buildcache.py): one small file per entry cost
    1.4 s at st-1m, in this process, after the workers were done. No folder: no cache."""

    def __init__(self, folder: Path | None) -> None:
        self.packs = BuildCache(folder, VALIDATION_FOLDER) if folder is not None else None
        self._found: dict[str, dict[str, Location]] = {}

    def _read(self, kind: str, keys: list[str]) -> list[dict[str, Any] | None]:
        """The entries of `keys` (None where missing, damaged or not an entry of that key)."""
        if self.packs is None:
            return [None] * len(keys)
        if kind not in self._found:
            self._found[kind] = self.packs.packed(kind)
        found = read_packed([self._found[kind].get(key) for key in keys])
        entries: list[dict[str, Any] | None] = []
        for key, data in zip(keys, found, strict=True):
            try:
                entry = json.loads(data) if data is not None else None
            except ValueError:
                entry = None
            entries.append(entry if isinstance(entry, dict) and entry.get("key") == key else None)
        return entries

    def _write(self, kind: str, entries: dict[str, dict[str, Any]]) -> None:
        if self.packs is not None and entries:
            self.packs.put_pack(kind, [(key, json.dumps({"key": key, **data}).encode("utf-8"))
                                       for key, data in sorted(entries.items())])
            self._found.pop(kind, None)

    def get_many(self, keys: list[str]) -> list[CachedShard | None]:
        return [CachedShard(entry["results"], entry["locations"])
                if entry is not None and isinstance(entry.get("results"), list)
                and isinstance(entry.get("locations"), dict) else None
                for entry in self._read(RESULTS, keys)]

    def summaries(self, names: Iterable[str], units: dict[str, str], versions: str) -> dict[str, Summary]:
        """The summaries of some graphs found in the cache (by the digest of their files)."""
        names = list(names)
        entries = self._read(SUMMARIES, [summary_key(units[name], versions) for name in names])
        found = {}
        for name, entry in zip(names, entries, strict=True):
            summary = Summary.from_json(entry) if entry is not None else None
            if summary is not None:
                found[name] = summary
        return found

    def put_summaries(self, summaries: dict[str, Summary], versions: str) -> None:
        """Each summary, by the digest of its graph's files."""
        entries = {}
        for digest, summary in summaries.items():
            data = summary.to_json()
            if data is not None:
                entries[summary_key(digest, versions)] = data
        self._write(SUMMARIES, entries)

    def put_many(self, results: dict[str, CachedShard]) -> None:
        """Each shard's results, by its key."""
        self._write(RESULTS, {key: {"results": shard.rows, "locations": shard.locations}
                              for key, shard in results.items()})


@dataclass(frozen=True)
class CachedShard:
    """A shard's results, and the file and line of each of their focus nodes: a re-publish
    names them without parsing, or even reading, the statements it did not change (at st-1m,
    parsing them all took 2.3 s, for one warning each)."""

    rows: list[Row]
    locations: dict[str, list[Any] | None]

    @classmethod
    def of(cls, rows: list[Row], locations: Locations) -> CachedShard:
        """`rows` with the locations of their focus nodes, as `locations` finds them now."""
        found: dict[str, list[Any] | None] = {}
        for iri in sorted({focus for row in rows if (focus := row_focus(row)) is not None}):
            location = locations.get(iri)
            found[iri] = None if location is None else [location.file, location.line]
        return cls(rows, found)

    def remember(self, locations: Locations) -> None:
        """Hand the stored locations to `locations`, for the results read from the cache."""
        for iri, found in self.locations.items():
            if isinstance(found, list) and len(found) == 2 and isinstance(found[0], str) \
                    and (found[1] is None or isinstance(found[1], int)):
                locations.remember(iri, SubjectLocation(found[0], found[1]))


FOCUS = str(SH.focusNode)


def row_focus(row: Row) -> str | None:
    """The IRI of a result row's focus node (None for a blank or missing one)."""
    for prop, value in row:
        if prop == FOCUS and isinstance(value, list) and value and value[0] == "iri":
            return str(value[1])
    return None


def summary_key(digest: str, versions: str) -> str:
    return hashlib.sha256(f"summary\n{versions}\n{digest}".encode()).hexdigest()
