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
square of its store, so small stores keep it linear), and publisher/validation/prefilter.py flags
the focus nodes a core shape might report on; pySHACL then runs on the flagged nodes only, on
the same store. Each result goes to the shards that own its focus node and is stored under
their keys.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from publisher.graph import STATEMENT_GRAPH_BASE
from publisher.jobs import fork_map, workers
from publisher.load import ONTOLOGY_GRAPH, Dataset
from publisher.load.units import dataset_units
from publisher.progress import VALIDATING, Progress, Steps
from publisher.timing import Timer
from publisher.validation.fast import pyshacl_report, rule_report, split_rules
from publisher.validation.parts import ontology_triples
from publisher.validation.prefilter import plan, prepare, untargeted
from publisher.validation.report import Report, read_results
from publisher.validation.resultcache import (
    FULL_RUN_SHARE,
    CachedShard,
    CacheStats,
    ShardCache,
    cache_version,
    graph_digest,
    result_rows,
    rows_graph,
    shard_key,
)
from publisher.validation.shards import (
    GROUP_TRIPLES,
    REST,
    Graphs,
    Row,
    Shard,
    assign,
    closure,
    holders,
    make_groups,
    make_shards,
)

PARALLEL_MIN = 20_000  # closure triples below which forking workers costs more than it saves


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


GroupResult = dict[str, list[Row]]


def _validate_group(shards: list[Shard], graphs: Graphs, split: Any) -> GroupResult:
    """The results of each shard of a group, validated on the union of their closures.

    pySHACL sees the focus nodes the detector flags among those the group's shards hold, on
    the same store (every node when the core shapes are beyond the detector). What a node's
    shapes can see is in its shard's closure, so the results are those of the whole graph."""
    rules, core, prepared, bare = split
    store = _sub_store((t for shard in shards for t in closure(shard, graphs)), graphs.ontology)
    rows = result_rows(rule_report(rules, store))
    restricted = plan(prepared, store, keep=lambda node: bool(holders(node, shards, graphs)))
    rows.extend(result_rows(pyshacl_report(core, store, restricted, bare)))
    return assign(rows, shards, graphs)


def _advance(steps: Steps | None, part: GroupResult) -> None:
    if steps is not None:
        steps.advance(sum(1 for name in part if name != REST))


def validate_shards(dataset: Dataset, graphs: Graphs, shards: list[Shard], jobs: int,
                    steps: Steps | None = None) -> dict[str, list[Row]]:
    """Validate shards group by group (in forked workers when there is enough to share).

    `steps` advances by a group's statements as its results come back."""
    rules, core = split_rules(dataset.shapes)
    prepared = prepare(core)
    # the shapes without targets, made once (before the workers fork) and narrowed for each group
    split = (rules, core, prepared, None if prepared is None else untargeted(core))
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
    for rows in parts:
        for name, shard_rows in rows.items():
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
    versions = cache_version()
    units = {unit.graph: unit.digest for unit in dataset_units(dataset, dataset.root)}
    summaries = cache.summaries(dataset.pending, units, versions)
    dataset.load_units(name for name in dataset.pending if name not in summaries)
    parts = {name: triples for name, triples in dataset.loaded.items() if name != ONTOLOGY_GRAPH}
    if timer:
        timer("validate: data triples", time.perf_counter() - started)
    started = time.perf_counter()
    graphs = Graphs(parts, ontology_triples(dataset), summaries, dataset)
    fresh_statements = sorted(name for name in parts.keys() - summaries.keys()
                              if name.startswith(STATEMENT_GRAPH_BASE))
    cache.put_summaries({units[name]: graphs.summaries[name] for name in fresh_statements}, versions)
    shards = make_shards(graphs, graphs.ontology_subjects)
    common = "\n".join([versions, graph_digest(dataset.shapes), graph_digest(dataset.ontology)])
    # a graph's files give its triples (the loader's code is in `versions`)
    part_digests = {name: bytes.fromhex(units[name]) for name in graphs.names}
    for shard in shards:
        shard.key = shard_key(shard, graphs, common, part_digests)
    entries = cache.get_many([shard.key for shard in shards])
    cached = {shard.name: entry.rows if entry is not None else None
              for shard, entry in zip(shards, entries, strict=True)}
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
        cache.put_many({shard.key: CachedShard.of(fresh[shard.name], dataset.locations) for shard in missing})
        for shard in missing:
            rows.extend(fresh[shard.name])
        if timer:
            timer("validate: revalidated shards", time.perf_counter() - started)
    steps.finish()
    # results name the file and line of their focus node: a cached shard's are cached with it
    for entry in entries:
        if entry is not None:
            entry.remember(dataset.locations)
    unique = {json.dumps(row, sort_keys=True): row for row in rows}
    graph = rows_graph(unique[k] for k in sorted(unique))
    return Report(results=read_results(graph, dataset), graph=graph)
