"""Incremental validation: one cache entry per statement shard, keyed by content hashes.

A *shard* owns the subjects of one statement's named graph (the `rest` shard owns the
subjects of every other graph: registry, actors, places, ontology...). What the shapes
can see from a focus node is what is reachable from it by following triples forward
(the shapes use no inverse paths and no `sh:targetObjectsOf`, and every SHACL-SPARQL rule
walks forward from `$this`): so a shard's *closure* is its own graphs' triples plus every
triple of other graphs reachable from them, stopping at ontology nodes (the ontology is
hashed as a whole).

The key of a shard is the SHA-256 of the shapes, the ontology, the versions of nida,
pySHACL and pyoxigraph, the source of the validation code and the loader, the digest of the
files of each of its own graphs (`units.files_digest`: a statement's statement.ttl and
source.txt) and of the triples it reaches in other graphs. A statement whose files are unchanged
is not parsed: its graph's nodes are kept in the cache under that digest (`Summary`).
A shard whose key is cached has its results replayed (violations, warnings and infos alike):
any change to anything its focus nodes can see changes the key, so the cache can never hide a
violation.

Shards that miss are validated in small groups (about GROUP_TRIPLES closure triples each),
in forked workers when there are many: each group's store holds the union of its shards'
closures, the SHACL-SPARQL rules run on it (a rule that joins across statements costs the
square of its store, so small stores keep it linear), and publisher/coredetect.py flags
the focus nodes a core shape might report on. pySHACL then runs once, on the flagged nodes
only, over the closures of their shards. Each result goes to the shards that own its focus
node and is stored under their keys.
"""

from __future__ import annotations

import gc
import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from publisher.buildcache import code_version, write_atomic
from publisher.forkmap import fork_map, workers
from publisher.graph import STATEMENT_GRAPH_BASE, serialize_text, sorted_lines, to_ox
from publisher.load import ONTOLOGY_GRAPH, Dataset
from publisher.progress import VALIDATING, Progress, Steps
from publisher.timing import Timer
from publisher.units import dataset_units
from publisher.validate import SH, Report, read_results

REST = "rest"
CACHE_FORMAT = "nida-validation-cache/1"
#: result properties stored in the cache, in the order they are written back
RESULT_PROPERTIES = (SH.focusNode, SH.resultSeverity, SH.resultPath, SH.value, SH.sourceShape,
                     SH.sourceConstraint, SH.sourceConstraintComponent, SH.resultMessage)
PARALLEL_MIN = 20_000  # closure triples below which forking workers costs more than it saves
GROUP_TRIPLES = 6_000  # closure triples per group of shards validated together
FULL_RUN_SHARE = 0.25  # above this share of missing shards, the stats call it a full run


@dataclass
class Shard:
    name: str
    parts: list[str] = field(default_factory=list)
    owned: set[Any] = field(default_factory=set)
    #: triples of other graphs that the shard's nodes reach (registry nodes, ...)
    reached_triples: list[ox.Triple] = field(default_factory=list)
    reached: set[Any] = field(default_factory=set)
    key: str = ""
    size: int = 0


@dataclass
class CacheStats:
    shards: int = 0
    hits: int = 0
    revalidated: list[str] = field(default_factory=list)
    full_run: bool = False


def _versions() -> str:
    parts = [CACHE_FORMAT, code_version()]
    return "\n".join(parts)


def _graph_digest(graph: Graph) -> str:
    lines = sorted(str(t) for t in ox_triples_any(graph))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _term(node: Node) -> Any:
    """An rdflib term as pyoxigraph's, blank nodes included."""
    return ox.BlankNode(str(node)) if isinstance(node, BNode) else to_ox(node)


def ox_triples_any(graph: Graph) -> Iterable[ox.Triple]:
    """Triples of a graph that may hold blank nodes (shapes do)."""
    for s, p, o in graph:
        yield ox.Triple(_term(s), _term(p), _term(o))


def part_triples(dataset: Dataset) -> dict[str, list[ox.Triple]]:
    """The data triples of each named graph (not the ontology's): the one way validation reaches the data."""
    return {name: triples for name, triples in dataset.parts.items() if name != ONTOLOGY_GRAPH}


def ontology_triples(dataset: Dataset) -> list[ox.Triple]:
    return dataset.loaded.get(ONTOLOGY_GRAPH) or list(ox_triples_any(dataset.ontology))


@dataclass(frozen=True)
class Summary:
    """What sharding needs of a graph without its triples: the nodes it states things about,
    the nodes it points at, and how many triples it has. Kept in the cache by the digest of
    the graph's files, so that a statement whose files are unchanged is not even parsed."""

    subjects: frozenset[Any]
    objects: frozenset[Any]
    size: int

    @classmethod
    def of(cls, triples: list[ox.Triple]) -> Summary:
        return cls(frozenset(t.subject for t in triples),
                   frozenset(o for o in {t.object for t in triples} if not isinstance(o, ox.Literal)),
                   len(triples))

    def to_json(self) -> dict[str, Any] | None:
        """IRIs only (None where a blank node or a quoted triple is among the nodes)."""
        nodes = [*self.subjects, *self.objects]
        if not all(isinstance(node, ox.NamedNode) for node in nodes):
            return None
        return {"subjects": sorted(n.value for n in self.subjects),
                "objects": sorted(n.value for n in self.objects), "size": self.size}

    @classmethod
    def from_json(cls, data: Any) -> Summary | None:
        try:
            return cls(frozenset(map(ox.NamedNode, data["subjects"])),
                       frozenset(map(ox.NamedNode, data["objects"])), int(data["size"]))
        except (KeyError, TypeError, ValueError):
            return None


class Graphs:
    """The data's named graphs, with what sharding needs: who states what about which node.

    A graph may come as a `Summary` instead of its triples (a statement not parsed): its
    triples are parsed when something needs them (`triples`, `about`)."""

    def __init__(self, parts: dict[str, list[ox.Triple]], ontology: list[ox.Triple],
                 summaries: dict[str, Summary] | None = None, dataset: Dataset | None = None) -> None:
        self.parts = parts
        self.ontology = ontology
        self.dataset = dataset
        self.ontology_subjects = {t.subject for t in ontology if not isinstance(t.subject, ox.Triple)}
        self.summaries = {name: Summary.of(triples) for name, triples in parts.items()} | (summaries or {})
        self.names = sorted(self.summaries)
        self.subjects = {name: set(summary.subjects) for name, summary in self.summaries.items()}
        self.objects = {name: set(summary.objects) for name, summary in self.summaries.items()}
        self.subject_parts: dict[Any, list[str]] = defaultdict(list)
        for name in self.names:
            for subject in self.subjects[name]:
                self.subject_parts[subject].append(name)
        self._by_subject: dict[str, dict[Any, list[ox.Triple]]] = {}

    def triples(self, part: str) -> list[ox.Triple]:
        if part not in self.parts:
            assert self.dataset is not None, part
            self.parts[part] = self.dataset.unit_triples(part)
        return self.parts[part]

    def about(self, part: str, node: Any) -> list[ox.Triple]:
        """The triples of one graph whose subject is `node` (each graph indexed once, on demand)."""
        if part not in self._by_subject:
            index: dict[Any, list[ox.Triple]] = defaultdict(list)
            for triple in self.triples(part):
                index[triple.subject].append(triple)
            self._by_subject[part] = index
        return self._by_subject[part].get(node, [])


def make_shards(graphs: Graphs, ontology_subjects: set[Any]) -> list[Shard]:
    """One shard per statement graph, one for the rest; each with what its nodes reach forward."""
    shards: dict[str, Shard] = {}
    for name in graphs.names:
        owner = name if name.startswith(STATEMENT_GRAPH_BASE) else REST
        shard = shards.setdefault(owner, Shard(owner))
        shard.parts.append(name)
        shard.owned.update(graphs.subjects[name])
    shards.setdefault(REST, Shard(REST)).owned.update(ontology_subjects)
    for shard in shards.values():
        _reach(shard, graphs, set() if shard.name == REST else ontology_subjects)
    return [shards[name] for name in sorted(shards)]


def _reach(shard: Shard, graphs: Graphs, stop: set[Any]) -> None:
    """Follow triples forward from the shard's own graphs into other graphs, up to ontology nodes."""
    own = set(shard.parts)
    shard.reached = set().union(*(graphs.objects[p] for p in shard.parts))
    frontier = [n for n in shard.owned | shard.reached if n not in stop]
    seen = set(frontier)
    while frontier:
        node = frontier.pop()
        for part in graphs.subject_parts.get(node, ()):
            if part in own:
                continue
            for triple in graphs.about(part, node):
                shard.reached_triples.append(triple)
                obj = triple.object
                if isinstance(obj, ox.NamedNode | ox.BlankNode):
                    shard.reached.add(obj)
                    if obj not in seen and obj not in stop:
                        seen.add(obj)
                        frontier.append(obj)
    shard.size = sum(graphs.summaries[p].size for p in shard.parts) + len(shard.reached_triples)


def closure(shard: Shard, graphs: Graphs) -> Iterable[ox.Triple]:
    """Every triple the shard's focus nodes can see (the ontology aside)."""
    for part in shard.parts:
        yield from graphs.triples(part)
    yield from shard.reached_triples


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
        return data["results"]

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


def _sub_store(triples: Iterable[ox.Triple], ontology: list[ox.Triple]) -> ox.Store:
    """A store of some data triples and the whole ontology, for validating a few shards.

    Through N-Triples bytes: serializing and parsing in Rust costs half of building a Quad
    per triple in Python."""
    store = ox.Store()
    for batch in (triples, ontology):
        data = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
        if data:
            store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    return store


def holders(node: Any, shards: list[Shard], graphs: Graphs) -> list[Shard]:
    """The shards, among `shards`, whose cache entry holds results on `node`.

    A node that is a subject somewhere belongs to the shards that own it (none of `shards`
    may); any other focus node to the shards that reach it, or else to `rest`."""
    if node in graphs.subject_parts or node in graphs.ontology_subjects:
        return [shard for shard in shards if node in shard.owned]
    return [shard for shard in shards if node in shard.reached] or [s for s in shards if s.name == REST]


def assign(rows: list[tuple[Node | None, Row]], shards: list[Shard], graphs: Graphs) -> dict[str, list[Row]]:
    """Each result goes to the shards, among `shards`, that hold its focus node (see `holders`)."""
    per_shard: dict[str, list[Row]] = {shard.name: [] for shard in shards}
    found: dict[Any, list[Shard]] = {}
    for focus, row in rows:
        term = _term(focus)  # type: ignore[arg-type]
        if term not in found:
            found[term] = holders(term, shards, graphs)
        for shard in found[term]:
            per_shard[shard.name].append(row)
    return per_shard


Flagged = dict[Node, list[Node]]
GroupResult = tuple[dict[str, list[Row]], Flagged | None]


def _validate_group(shards: list[Shard], graphs: Graphs, split: Any) -> GroupResult:
    """The SHACL-SPARQL results of each shard of a group, and the focus nodes pySHACL must see.

    The group is validated on the union of its shards' closures. When the core shapes are
    beyond the detector (None), pySHACL runs here, on every node of the group."""
    from publisher.coredetect import plan
    from publisher.fastvalidate import pyshacl_report, rule_report

    rules, core, prepared = split
    store = _sub_store((t for shard in shards for t in closure(shard, graphs)), graphs.ontology)
    rows = result_rows(rule_report(rules, store))
    restricted = plan(prepared, store, keep=lambda node: bool(holders(node, shards, graphs)))
    if restricted is None:
        rows.extend(result_rows(pyshacl_report(core, store, None)))
    return assign(rows, shards, graphs), None if restricted is None else restricted.flagged


def _flagged_results(flagged: Flagged, shards: list[Shard], graphs: Graphs,
                     core: Graph) -> dict[str, list[Row]]:
    """pySHACL once, on the flagged focus nodes of every group, over the closures of their shards."""
    from publisher.fastvalidate import pyshacl_report

    involved: dict[str, Shard] = {}
    kept: Flagged = {}
    for shape, nodes in flagged.items():
        for node in nodes:
            held = holders(_term(node), shards, graphs)
            if held:  # else its owner's results are cached, and stay as they are
                kept.setdefault(shape, []).append(node)
                involved.update((shard.name, shard) for shard in held)
    if not kept:
        return {}
    group = [involved[name] for name in sorted(involved)]
    store = _sub_store((t for shard in group for t in closure(shard, graphs)), graphs.ontology)
    return assign(result_rows(pyshacl_report(core, store, kept)), group, graphs)


def make_groups(shards: list[Shard], size: int = GROUP_TRIPLES) -> list[list[Shard]]:
    """Shards packed into groups of about `size` closure triples, largest first.

    Small groups keep each SHACL-SPARQL rule's cost near linear (a rule that joins across
    statements costs the square of its store) and the workers evenly loaded."""
    groups: list[list[Shard]] = []
    current: list[Shard] = []
    filled = 0
    for shard in sorted(shards, key=lambda s: (-s.size, s.name)):
        if current and filled + shard.size > size:
            groups.append(current)
            current, filled = [], 0
        current.append(shard)
        filled += shard.size
    if current:
        groups.append(current)
    return groups


def _advance(steps: Steps | None, part: GroupResult) -> None:
    if steps is not None:
        steps.advance(sum(1 for name in part[0] if name != REST))


def validate_shards(dataset: Dataset, graphs: Graphs, shards: list[Shard], jobs: int,
                    steps: Steps | None = None) -> dict[str, list[Row]]:
    """Validate shards group by group (in forked workers when there is enough to share), then
    run pySHACL once on the focus nodes the groups flagged.

    `steps` advances by a group's statements as its results come back."""
    from publisher.coredetect import prepare
    from publisher.fastvalidate import split_rules

    rules, core = split_rules(dataset.shapes)
    split = (rules, core, prepare(core))
    total = sum(shard.size for shard in shards)  # at least one group per worker, when there is enough
    groups = make_groups(shards, min(GROUP_TRIPLES, max(1, -(-total // max(1, jobs)))))
    if len(groups) > 1:
        import pyshacl  # noqa: F401 -- imported once before the workers fork, not once in each
    # The loaded data lives on: frozen, the collector stops walking it on every collection
    # (half the detector's time at 50k triples, more with more), and forked workers share it.
    gc.freeze()
    try:
        parts = fork_map(lambda group: _validate_group(group, graphs, split), groups,
                         jobs=jobs if total >= PARALLEL_MIN else 1, done=lambda part: _advance(steps, part))
    finally:
        gc.unfreeze()
    per_shard: dict[str, list[Row]] = {shard.name: [] for shard in shards}
    flagged: Flagged = {}
    for rows, found in parts:
        for name, shard_rows in rows.items():
            per_shard[name].extend(shard_rows)
        for shape, nodes in (found or {}).items():
            flagged.setdefault(shape, []).extend(nodes)
    flagged = {shape: sorted(set(nodes), key=str) for shape, nodes in flagged.items()}
    for name, shard_rows in _flagged_results(flagged, shards, graphs, split[1]).items():
        per_shard[name].extend(shard_rows)
    return per_shard


def validate_cached(dataset: Dataset, cache_dir: Path | None, timer: Timer | None = None,
                    stats: CacheStats | None = None, jobs: int | None = None,
                    progress: Progress | None = None) -> Report:
    """The fast engine's Report, reusing cached results of every shard whose inputs are unchanged.

    `progress` counts statements: cached ones are done at once, the others as they come back.

    Without `cache_dir`, every shard is validated (still in small groups: a SHACL-SPARQL rule
    that joins across statements costs the square of its store, 76 s for one rule at 0.8M)."""
    stats = stats if stats is not None else CacheStats()
    started = time.perf_counter()
    cache = ShardCache(cache_dir)
    versions = _versions()
    units = {unit.graph: unit.digest for unit in dataset_units(dataset, dataset.root)}
    summaries = cache.summaries(dataset.pending, units, versions)
    dataset.load_units(name for name in dataset.pending if name not in summaries)
    parts = {name: triples for name, triples in dataset.loaded.items() if name != ONTOLOGY_GRAPH}
    if timer:
        timer("validate: data triples", time.perf_counter() - started)
    started = time.perf_counter()
    graphs = Graphs(parts, ontology_triples(dataset), summaries, dataset)
    for name in sorted(parts.keys() - summaries.keys()):
        if name.startswith(STATEMENT_GRAPH_BASE):
            cache.put_summary(units[name], versions, graphs.summaries[name])
    shards = make_shards(graphs, graphs.ontology_subjects)
    common = "\n".join([versions, _graph_digest(dataset.shapes), _graph_digest(dataset.ontology)])
    # a graph's files give its triples (the loader's code is in `versions`)
    part_digests = {name: bytes.fromhex(units[name]) for name in graphs.names}
    for shard in shards:
        shard.key = shard_key(shard, graphs, common, part_digests)
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
        for shard in missing:  # parsed here, before workers fork
            for part in shard.parts:
                graphs.triples(part)
        fresh = validate_shards(dataset, graphs, missing, workers() if jobs is None else jobs, steps=steps)
        for shard in missing:
            cache.put(shard.key, fresh[shard.name])
            rows.extend(fresh[shard.name])
        if timer:
            timer("validate: revalidated shards", time.perf_counter() - started)
    steps.finish()
    # results name the file and line of their focus node: the statements they are about are parsed
    dataset.load_units(part for shard in shards if cached[shard.name] for part in shard.parts)
    unique = {json.dumps(row, sort_keys=True): row for row in rows}
    graph = rows_graph(unique[k] for k in sorted(unique))
    return Report(results=read_results(graph, dataset), graph=graph)
