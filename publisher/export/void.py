"""void.ttl: the release described with VoID and as a DCAT-AP 3 catalogue.

The catalogue and its datasets (title, version, license, publisher from release.toml; the
date from SOURCE_DATE_EPOCH or release.toml; see export/dcat.py for which files are
distributions), the triple count of every named graph as a `void:subset` (an entailed graph
`prov:wasDerivedFrom` the graph it is entailed from), the dumps as `void:dataDump`s, and
example resources (the statements, and the example queries where the release has them). It
runs after the other exporters; it cannot hold its own checksum, and SHA256SUMS (written
last) covers it and every other file.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from publisher.export import dumps
from publisher.export.base import Exporter, Release
from publisher.export.dcat import (
    DCAT,
    DUMPS,
    FOAF,
    RDF_TYPE,
    SPDX,
    Triples,
    dataset_iri,
    describe_catalog,
    describe_distribution,
    part_of,
    text,
    typed,
)
from publisher.export.files import line_count, release_names, write_bytes
from publisher.export.queries import QUERIES_FOLDER
from publisher.graph import (
    STATEMENT_BASE,
    asserted_graph,
    is_entailed,
    serialize_text,
    sorted_unique,
    statement_slug,
    triple_text,
)
from publisher.settings import DATA_BASE, DATASET_IRI, ONTOLOGY_IRI, PREFIXES
from publisher.textlines import split_lines_keepends

VOID_FILE = "void.ttl"
#: files void.ttl does not describe: itself, and the checksums written after it
UNDESCRIBED = frozenset({VOID_FILE, "SHA256SUMS", "ro-crate-metadata.json"})

VOID = "http://rdfs.org/ns/void#"
DCT = PREFIXES["dct"]
OWL = PREFIXES["owl"]
PROV = PREFIXES["prov"]
VOID_PREFIXES = {**PREFIXES, "void": VOID, "dcat": DCAT, "spdx": SPDX, "foaf": FOAF}


def graph_counts(quads: list[ox.Quad]) -> dict[str, int]:
    """Triples per named graph, by graph IRI (counted run by run: `dumps.graph_runs`)."""
    counts: Counter[str] = Counter()
    for name, run in dumps.graph_runs(quads):
        counts[name] += len(run)
    return dict(sorted(counts.items()))


def _counts_piece(quads: list[ox.Quad]) -> bytes:
    return json.dumps(graph_counts(quads)).encode("utf-8")


#: the triples of each graph in each unit
COUNTS_SPEC = dumps.PieceSpec("graph-counts", dumps.CODE, _counts_piece)


def release_graph_counts(release: Release) -> dict[str, int]:
    """`graph_counts` of the release, unit by unit (cached with the unit's other pieces)."""
    counts: dict[str, int] = {}
    for piece in release.spec_pieces(COUNTS_SPEC):
        counts.update(json.loads(piece))
    return dict(sorted(counts.items()))


def union_count(release: Release, folder: Path) -> int:
    """Triples in the union of the graphs: the lines of the N-Triples dump where it was written."""
    dump = folder / "nida.nt"
    return line_count(dump) if dump.exists() else len(release.triples)


def describe(release: Release, folder: Path) -> list[ox.Triple]:
    info = release.settings.release
    out = Triples()
    names = release_names(folder, UNDESCRIBED)
    describe_catalog(out, info, names)
    dataset = out.typed(dataset_iri(info.version), VOID + "Dataset")
    out.add(dataset, OWL + "versionInfo", text(info.version))
    out.add(dataset, DCT + "isVersionOf", DATASET_IRI)
    out.add(dataset, VOID + "uriSpace", text(DATA_BASE))
    out.add(dataset, VOID + "vocabulary", ONTOLOGY_IRI)
    out.add(dataset, VOID + "triples", typed(union_count(release, folder), "integer"))
    for graph, count in release_graph_counts(release).items():
        out.add(dataset, VOID + "subset", graph)
        out.add(graph, RDF_TYPE, VOID + "Dataset")
        out.add(graph, VOID + "triples", typed(count, "integer"))
        if is_entailed(graph):
            out.add(graph, PROV + "wasDerivedFrom", asserted_graph(graph))
        if (slug := statement_slug(graph)) is not None:
            out.add(dataset, VOID + "exampleResource", STATEMENT_BASE + slug)
    for name in names:
        if name.startswith(QUERIES_FOLDER + "/") and name.endswith(".rq"):
            out.add(dataset, VOID + "exampleResource", info.base + name)
        elif name in DUMPS:
            out.add(dataset, VOID + "dataDump", info.base + name)
    distributions = [(name, part) for name in names if (part := part_of(name)) is not None]
    absolute = [f"{folder}/{name}" for name, _part in distributions]
    release.prefetch_digests(absolute)
    for (name, part), file in zip(distributions, absolute, strict=True):
        describe_distribution(out, info, part, name, os.stat(file).st_size, release.digest(file))
    return sorted_unique(out.triples, triple_text)


def void_bytes(triples: list[ox.Triple]) -> bytes:
    body = serialize_text(triples, ox.RdfFormat.TURTLE, prefixes=VOID_PREFIXES)
    lines = split_lines_keepends(body)
    header = [line for line in lines if line.startswith("@prefix ")]
    return "".join(sorted(header) + lines[len(header):]).encode("utf-8")


class VoidExporter(Exporter):
    name = "void"
    media_type = "text/turtle"
    stage = 1

    def piece_specs(self, release: Release) -> list[dumps.PieceSpec]:
        return [COUNTS_SPEC]

    def write(self, release: Release, folder: Path) -> list[Path]:
        return [write_bytes(folder / VOID_FILE, void_bytes(describe(release, folder)))]
