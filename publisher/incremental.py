"""Incremental validation: one cache entry per statement shard, keyed by content hashes.

A *shard* owns the subjects of one statement's named graph (the `rest` shard owns the
subjects of every other graph: registry, actors, places, ontology...). What the shapes
can see from a focus node is what is reachable from it by following triples forward
(the shapes use no inverse paths and no `sh:targetObjectsOf`, and every SHACL-SPARQL rule
walks forward from `$this`): so a shard's *closure* is every triple reachable from the
subjects it owns, stopping at ontology nodes (the ontology is hashed as a whole).

The key of a shard is the SHA-256 of its closure (sorted N-Triples, which includes the
statement's source text through `nida:content`), the shapes, the ontology, the versions
of nida, pySHACL and pyoxigraph and the source of the validation code. A shard whose key
is cached has its results replayed (violations, warnings and infos alike): any change to
anything its focus nodes can see changes the key, so the cache can never hide a violation.

Shards that miss are validated with the fast engine on the union of their closures; when
there are many (a first run), they are split into one group per CPU, validated in forked
worker processes. Each result goes to the shards that own its focus node and is stored
under their keys.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from publisher import __version__
from publisher.graph import ox_triples, to_ox
from publisher.load import GRAPH_BASE, Dataset
from publisher.progress import VALIDATING, Progress, Steps
from publisher.timing import Timer
from publisher.validate import SH, Report, read_results

STATEMENT_GRAPH = GRAPH_BASE + "statement/"
REST = "rest"
CACHE_FORMAT = "nida-validation-cache/1"
#: result properties stored in the cache, in the order they are written back
RESULT_PROPERTIES = (SH.focusNode, SH.resultSeverity, SH.resultPath, SH.value, SH.sourceShape,
                     SH.sourceConstraint, SH.sourceConstraintComponent, SH.resultMessage)
PARALLEL_MIN = 50_000  # closure triples below which forking workers costs more than it saves
FULL_RUN_SHARE = 0.25  # above this share of missing shards, the stats call it a full run


@dataclass
class Shard:
    name: str
    owned: set[ox.NamedNode | ox.BlankNode] = field(default_factory=set)
    closure: set[ox.Triple] = field(default_factory=set)
    reached: set[ox.NamedNode | ox.BlankNode] = field(default_factory=set)
    key: str = ""


@dataclass
class CacheStats:
    shards: int = 0
    hits: int = 0
    revalidated: list[str] = field(default_factory=list)
    full_run: bool = False


def _code_digest() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in ("fastvalidate.py", "incremental.py", "validate.py", "load.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def _versions() -> str:
    parts = [CACHE_FORMAT, __version__, _code_digest()]
    for package in ("pyshacl", "pyoxigraph", "rdflib", "oxrdflib"):
        try:
            parts.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package}=?")
    return "\n".join(parts)


def _graph_digest(graph: Graph) -> str:
    lines = sorted(str(t) for t in ox_triples_any(graph))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def ox_triples_any(graph: Graph) -> Iterable[ox.Triple]:
    """Triples of a graph that may hold blank nodes (shapes do)."""
    def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        return ox.BlankNode(str(node)) if isinstance(node, BNode) else to_ox(node)

    for s, p, o in graph:
        yield ox.Triple(term(s), term(p), term(o))  # type: ignore[arg-type]


def make_shards(dataset: Dataset, store: ox.Store) -> list[Shard]:
    """One shard per statement graph, one for the rest; each with its forward closure."""
    shards: dict[str, Shard] = {}
    for name, graph in dataset.parts.items():
        owner = name if name.startswith(STATEMENT_GRAPH) else REST
        shard = shards.setdefault(owner, Shard(owner))
        shard.owned.update(t.subject for t in graph)  # type: ignore[misc]
    for s in dataset.ontology.subjects(unique=True):
        if isinstance(s, URIRef):
            shards.setdefault(REST, Shard(REST)).owned.add(ox.NamedNode(str(s)))
    stop = {ox.NamedNode(str(s)) for s in dataset.ontology.subjects(unique=True) if isinstance(s, URIRef)}
    for shard in shards.values():
        frontier = list(shard.owned)
        seen = set(frontier)
        while frontier:
            node = frontier.pop()
            for quad in store.quads_for_pattern(node, None, None):
                shard.closure.add(quad.triple)
                obj = quad.object
                if isinstance(obj, ox.NamedNode | ox.BlankNode) and obj not in seen:
                    seen.add(obj)
                    shard.reached.add(obj)
                    if obj not in stop or shard.name == REST:
                        frontier.append(obj)
    return [shards[name] for name in sorted(shards)]


def shard_key(shard: Shard, common: str) -> str:
    digest = hashlib.sha256(common.encode("utf-8"))
    digest.update(shard.name.encode("utf-8") + b"\n")
    for line in sorted(str(t) for t in shard.closure):
        digest.update(line.encode("utf-8") + b"\n")
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


Row = list[list[object]]


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
    """Results per shard key, one small JSON file each, written atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> list[Row] | None:
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("results"), list):
            return None
        return data["results"]

    def put(self, key: str, rows: list[Row]) -> None:
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"key": key, "results": rows}, out)
            os.replace(temp, target)
        except OSError:  # a cache that cannot be written only costs time
            return


def _sub_store(dataset: Dataset, triples: Iterable[ox.Triple]) -> ox.Store:
    """A store of some data triples and the whole ontology, for validating a few shards."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                      for t in ox_triples(dataset.ontology))
    return store


_JOB: tuple[Dataset, list[set[ox.Triple]]] | None = None


def _validate_group(index: int) -> list[tuple[list[str] | None, Row]]:
    """In a forked worker: validate the union of one group's closures, return its result rows."""
    from publisher.fastvalidate import validate_fast

    assert _JOB is not None
    dataset, groups = _JOB
    report = validate_fast(dataset, store=_sub_store(dataset, groups[index]))
    return [(None if focus is None else _term_json(focus), row) for focus, row in result_rows(report.graph)]


def workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def validate_shards(dataset: Dataset, shards: list[Shard], jobs: int, store: ox.Store | None = None,
                    steps: Steps | None = None) -> list[tuple[Node | None, Row]]:
    """Validate shards on the union of their closures, split into `jobs` groups run in parallel.

    `steps` advances by a group's statements as its results come back."""
    global _JOB
    from publisher.fastvalidate import validate_fast

    size = sum(len(s.closure) for s in shards)
    if jobs <= 1 or size < PARALLEL_MIN or len(shards) < 2 * jobs \
            or "fork" not in multiprocessing.get_all_start_methods():
        if store is not None:  # every shard: the whole graph is the union of their closures
            return result_rows(validate_fast(dataset, store=store).graph)
        report = validate_fast(dataset, store=_sub_store(dataset, set().union(*(s.closure for s in shards))))
        return result_rows(report.graph)
    groups: list[set[ox.Triple]] = [set() for _ in range(jobs)]
    sizes, statements = [0] * jobs, [0] * jobs
    for shard in sorted(shards, key=lambda s: -len(s.closure)):
        smallest = sizes.index(min(sizes))
        groups[smallest].update(shard.closure)
        sizes[smallest] += len(shard.closure)
        statements[smallest] += shard.name != REST
    _JOB = (dataset, groups)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parts = []
            for index, part in enumerate(pool.imap(_validate_group, range(jobs))):
                parts.append(part)
                if steps is not None:
                    steps.advance(statements[index])
    finally:
        _JOB = None
    return [(None if f is None else _term_from_json(f), row) for part in parts for f, row in part]


def validate_cached(dataset: Dataset, cache_dir: Path, timer: Timer | None = None,
                    stats: CacheStats | None = None, jobs: int | None = None,
                    progress: Progress | None = None) -> Report:
    """The fast engine's Report, reusing cached results of every shard whose inputs are unchanged.

    `progress` counts statements: cached ones are done at once, the others as they come back."""
    from publisher.fastvalidate import data_store

    stats = stats if stats is not None else CacheStats()
    started = time.perf_counter()
    store = data_store(dataset)
    shards = make_shards(dataset, store)
    common = "\n".join([_versions(), _graph_digest(dataset.shapes), _graph_digest(dataset.ontology)])
    for shard in shards:
        shard.key = shard_key(shard, common)
    cache = ShardCache(cache_dir)
    cached = {shard.name: cache.get(shard.key) for shard in shards}
    missing = [shard for shard in shards if cached[shard.name] is None]
    stats.shards, stats.hits = len(shards), len(shards) - len(missing)
    stats.revalidated = [shard.name for shard in missing]
    steps = Steps(progress, VALIDATING, sum(1 for shard in shards if shard.name != REST))
    steps.advance(sum(1 for shard in shards if shard.name != REST and cached[shard.name] is not None))
    if timer:
        timer("validate: shards and cache keys", time.perf_counter() - started)
    rows: list[Row] = [row for shard in shards for row in (cached[shard.name] or [])]
    if missing:
        started = time.perf_counter()
        stats.full_run = len(missing) > FULL_RUN_SHARE * len(shards)
        fresh = validate_shards(dataset, missing, workers() if jobs is None else jobs,
                                store=store if len(missing) == len(shards) else None, steps=steps)
        owners: dict[ox.NamedNode | ox.BlankNode, list[Shard]] = defaultdict(list)
        reachers: dict[ox.NamedNode | ox.BlankNode, list[Shard]] = defaultdict(list)
        for shard in missing:
            for node in shard.owned:
                owners[node].append(shard)
            for node in shard.reached:
                reachers[node].append(shard)
        rest = next((s for s in missing if s.name == REST), None)
        all_owned = set().union(*(shard.owned for shard in shards))
        per_shard: dict[str, list[Row]] = {shard.name: [] for shard in missing}
        for focus, row in fresh:
            term: Any = ox.BlankNode(str(focus)) if isinstance(focus, BNode) else to_ox(focus)  # type: ignore[arg-type]
            if term in all_owned:
                targets = owners.get(term, [])
            else:  # a focus node that is no subject: it belongs to whoever points at it
                targets = reachers.get(term) or ([rest] if rest else [])
            for shard in targets:
                per_shard[shard.name].append(row)
        for shard in missing:
            cache.put(shard.key, per_shard[shard.name])
            rows.extend(per_shard[shard.name])
        if timer:
            timer("validate: revalidated shards", time.perf_counter() - started)
    steps.finish()
    unique = {json.dumps(row, sort_keys=True): row for row in rows}
    graph = rows_graph(unique[k] for k in sorted(unique))
    return Report(results=read_results(graph, dataset), graph=graph)
