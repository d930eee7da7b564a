"""One framed JSON-LD record per statement (`statements/<slug>.jsonld`), made with pyld.

The record is `statement_scope` (the statement's graph plus the registry nodes it
reaches) framed around the statement: sections with their demands, positions, and
signatures with their organizations nested; the local context is inline, so a record
reads offline on its own. Materialized super-properties (dct:hasPart, prov:agent,
wdt:P1891...) and the `nida:signedBy` shortcut stay as references, so that each node
is nested where an archivist looks for it; every other node is embedded once.

Records are kept in the build cache (`input_keys`, `record_keys`): a re-publish frames only
the statements whose scope changed, in forked workers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from publisher import jobs
from publisher.buildcache import code_version, content_key
from publisher.export.base import Exporter, Release
from publisher.export.cached import CacheStats
from publisher.export.expanded import expand
from publisher.export.framemaps import node_maps
from publisher.export.jsonld import build_context, dump_json, refuse_remote
from publisher.export.nogc import collector_paused
from publisher.export.processor import shared_processor, shortcuts_apply
from publisher.graph import STATEMENT_BASE, statement_slug, unit_scopes
from publisher.jobs import Background, fork_background, workers
from publisher.load.units import Unit

RECORDS_FOLDER = "statements"
CACHE_KIND = "records"
INPUT_KIND = "records-input"


def _frame(context: dict[str, Any], statement: str) -> dict[str, Any]:
    """The statement, its sections with their demands, positions, signatures with their
    organizations, source and publisher profile nested. A record holds the asserted facts only
    (entailed triples have graphs of their own), so no property needs hiding: empty frames match
    every node."""
    return {
        "@context": context,
        "@id": statement,
        "hasSection": {"hasDemand": {}},
        "hasPosition": {},
        "hasSignature": {"signatory": {"@embed": "@always"}},
        "wasDerivedFrom": {},
        "publisherProfile": {},
    }


def frame_statement(triples: list[ox.Triple], statement: str, context: dict[str, Any]) -> dict[str, Any]:
    """pyld's framing of the triples around the statement: given the node maps it starts from
    where they can be made at once (publisher/export/framemaps.py), else the expanded triples."""
    maps = node_maps(triples) if shortcuts_apply() else None
    expanded: list[dict[str, Any]] = [] if maps is not None else expand(triples)  # [] stands in
    options = {"documentLoader": refuse_remote, "embed": "@once", "omitGraph": True,
               "omitDefault": True}
    frame = _frame(context, statement)
    framed: dict[str, Any] = shared_processor(expanded, maps).frame(expanded, frame, options)
    return framed


def record_bytes(scope: list[ox.Triple], slug: str, context: dict[str, Any]) -> bytes:
    """A statement's record file: its scope framed around it, in printed order."""
    return dump_json(printed_order(frame_statement(scope, STATEMENT_BASE + slug, context), context))


XSD_INTEGER = ("xsd:integer", "http://www.w3.org/2001/XMLSchema#integer")


def integer_terms(context: dict[str, Any]) -> frozenset[str]:
    """The context's terms typed xsd:integer (ordinals, offsets, lengths)."""
    return frozenset(term for term, definition in context.items()
                     if isinstance(definition, dict) and definition.get("@type") in XSD_INTEGER)


def printed_order(node: Any, context: dict[str, Any]) -> Any:
    """The framed record as people read it: integers as JSON numbers (the context types them,
    so a JSON-LD processor reads the same literals back), and sections, demands, positions and
    signatures in their printed order (by ordinal), not in the order of their IRIs' text."""
    integers = integer_terms(context)

    def visit(value: Any, key: str | None = None) -> Any:
        if isinstance(value, list):
            items = [visit(item, key) for item in value]
            ordered = all(isinstance(item, dict) and isinstance(item.get("ordinal"), int) for item in items)
            if items and ordered:
                items.sort(key=lambda item: item["ordinal"])
            return items
        if isinstance(value, dict):
            return {k: visit(v, k) if k != "@context" else v for k, v in value.items()}
        if key in integers and isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
        return value

    return visit(node)


def _settings(release: Release) -> tuple[dict[str, Any], list[str]]:
    """The context, and the parts of every key it and the code make."""
    context = build_context(release.dataset.ontology)
    return context, [code_version(), json.dumps(context, sort_keys=True)]


def input_keys(release: Release, base: list[str]) -> dict[str, str]:
    """Each record's first key, over the digests of the files its scope can be drawn from (its
    statement's, and those of every unit that is no statement: registries and the ontology,
    which also gives the materialized triples). Nothing is parsed or serialized to compute it,
    so an unchanged release looks up only these, and computes the scopes of the statements
    that miss."""
    shared = content_key("records-shared", [f"{u.graph}\0{u.digest}" for u in release.units
                                            if statement_slug(u.graph) is None])
    return {slug: content_key(INPUT_KIND, [*base, shared, STATEMENT_BASE + slug, unit.digest])
            for unit in release.units if (slug := statement_slug(unit.graph)) is not None}


def scope_units(release: Release, slugs: list[str]) -> list[Unit]:
    """The units the scopes of some statements are drawn from: theirs, and every unit that is
    no statement's."""
    wanted = set(slugs)
    return [u for u in release.units if statement_slug(u.graph) is None or statement_slug(u.graph) in wanted]


def changed_scopes(release: Release, changed: list[str]) -> dict[str, list[ox.Triple]]:
    """The scopes of some statements, from their triples and those of every unit that is no
    statement's (not the whole release), as loaded: no quad is materialized for a record."""
    if not changed:
        return {}
    return unit_scopes(release.dataset, [unit.graph for unit in scope_units(release, changed)])


def record_keys(scopes: dict[str, list[ox.Triple]], base: list[str]) -> dict[str, str]:
    """Each record's second key: its scope's triples in the order pyld reads them, so that a
    change elsewhere in the registry (a statement's first key misses) reframes no record."""
    return {slug: content_key(CACHE_KIND, [*base, STATEMENT_BASE + slug,
                                           ox.serialize(scope, format=ox.RdfFormat.N_TRIPLES) or b""])
            for slug, scope in scopes.items()}


class StatementRecordsExporter(Exporter):
    name = "records"
    media_type = "application/ld+json"
    early = True  # framing is the largest share of a cold publish's CPU: it fills validation's gaps

    def __init__(self) -> None:
        self.stats = CacheStats()
        self.background: Background[list[str]] = Background()

    def start(self, release: Release) -> None:
        """Frame the records the cache misses in background processes, at the lowest priority,
        while validation and the other exporters run (framing is a fifth of a cold publish's
        CPU, wanted only at the end): each process computes the scopes of its share of the
        statements and stores each record under both keys, as `_remake` does."""
        cache = release.cache
        if cache.folder is None:
            return
        context, base = _settings(release)
        inputs = input_keys(release, base)
        changed = [slug for slug, key in sorted(inputs.items()) if not cache.has(INPUT_KIND, key)]

        def frame(share: list[str]) -> list[str]:
            """Store the records of `share`; the slugs of those framed (not found by their scope)."""
            framed = []
            with collector_paused():
                scopes = changed_scopes(release, share)
                for slug, key in record_keys(scopes, base).items():
                    data = cache.get(CACHE_KIND, key)
                    if data is None:
                        framed.append(slug)
                        data = record_bytes(scopes[slug], slug, context)
                        cache.put(CACHE_KIND, key, data)
                    cache.put(INPUT_KIND, inputs[slug], data)
            return framed

        jobs = min(workers(), len(changed))
        if jobs > 1:  # parsed here, once (validation reads them too), not in each process
            release.dataset.load_units(unit.graph for unit in scope_units(release, changed))
        # idle_only: the records are written last, after the pages; framed at the same priority,
        # they took a third of the CPU validation and the pieces wait for (st-1m: 2.5 s later)
        self.background = fork_background(frame, [changed[index::jobs] for index in range(jobs)],
                                          name="framing statement records", idle_only=True)

    def stop(self) -> None:
        self.background.stop()

    def write(self, release: Release, folder: Path) -> list[Path]:
        """Records are read from the build cache under either key (see `input_keys`, `record_keys`:
        both cover the context and the code), once the records `start`
        framed are done; the others are framed in forked workers, then stored under both."""
        framed = [slug for share in self.background.join() for slug in share or ()]
        with collector_paused():
            return self._write(release, folder, framed)

    def _write(self, release: Release, folder: Path, framed: list[str]) -> list[Path]:
        self.stats = CacheStats()
        context, base = _settings(release)
        inputs = input_keys(release, base)
        records = {slug: release.cache.get(INPUT_KIND, key) for slug, key in sorted(inputs.items())}
        changed = [slug for slug, data in records.items() if data is None]
        scopes = changed_scopes(release, changed)
        for slug, data in self._remake(release, scopes, base, context).items():
            release.cache.put(INPUT_KIND, inputs[slug], data)
            records[slug] = data
        missed = sorted({*framed, *self.stats.missed})
        self.stats = CacheStats(hits=len(records) - len(missed), misses=len(missed), missed=missed)
        return [release.write(folder / RECORDS_FOLDER / f"{slug}.jsonld", data)
                for slug, data in records.items() if data is not None]

    def _remake(self, release: Release, scopes: dict[str, list[ox.Triple]], base: list[str],
                context: dict[str, Any]) -> dict[str, bytes]:
        """The records of `scopes`: from the cache under their second key, or framed and stored
        (their slugs in `self.stats.missed`)."""
        keys = record_keys(scopes, base)
        found = {slug: release.cache.get(CACHE_KIND, key) for slug, key in keys.items()}
        missing = [slug for slug, data in found.items() if data is None]

        def make(slug: str) -> bytes:
            return record_bytes(scopes[slug], slug, context)

        records = {slug: data for slug, data in found.items() if data is not None}
        for slug, data in zip(missing, jobs.fork_map(make, missing), strict=True):
            release.cache.put(CACHE_KIND, keys[slug], data)
            records[slug] = data
        self.stats.missed = missing
        return records
