"""void.ttl: the release described with VoID and DCAT.

The dataset (title, version, license, publisher from release.toml; the date from
SOURCE_DATE_EPOCH or release.toml), one `dcat:Distribution` per file with its media type,
byte size and SHA-256, the triple count of every named graph as a `void:subset`, and
example resources (the statements, and the example queries where the release has them).
It runs after the other exporters and describes every file they wrote; it cannot hold
its own checksum, and SHA256SUMS (written last) covers it.
"""

from __future__ import annotations

import functools
import json
import os
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from publisher.export import dumps
from publisher.export.base import Exporter, Release, line_count, media_type, release_names, write_bytes
from publisher.export.queries import QUERIES_FOLDER
from publisher.graph import (
    STATEMENT_BASE,
    graph_name,
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
DUMPS = ("nida.ttl", "nida.nt", "nida.trig", "nida.nq", "nida.jsonld")

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
FOAF = "http://xmlns.com/foaf/0.1/"
DCT = PREFIXES["dct"]
OWL = PREFIXES["owl"]
RDF_TYPE = PREFIXES["rdf"] + "type"
XSD = PREFIXES["xsd"]
IANA = "https://www.iana.org/assignments/media-types/"
VOID_PREFIXES = {**PREFIXES, "void": VOID, "dcat": DCAT, "spdx": SPDX, "foaf": FOAF}


def dataset_iri(version: str) -> str:
    return f"{DATASET_IRI}/{version}"


def graph_counts(quads: list[ox.Quad]) -> dict[str, int]:
    """Triples per named graph, by graph IRI."""
    return dict(sorted(Counter(graph_name(q) for q in quads).items()))


def _counts_piece(quads: list[ox.Quad]) -> bytes:
    return json.dumps(graph_counts(quads)).encode("utf-8")


def release_graph_counts(release: Release) -> dict[str, int]:
    """`graph_counts` of the release, unit by unit (cached with the unit's other pieces)."""
    counts: dict[str, int] = {}
    for piece in release.pieces("graph-counts", dumps.CODE, _counts_piece):
        counts.update(json.loads(piece))
    return dict(sorted(counts.items()))


def union_count(release: Release, folder: Path) -> int:
    """Triples in the union of the graphs: the lines of the N-Triples dump where it was written."""
    dump = folder / "nida.nt"
    return line_count(dump) if dump.exists() else len(release.triples)


class _Triples:
    def __init__(self) -> None:
        self.triples: list[ox.Triple] = []
        self.nodes: dict[str, ox.NamedNode] = {}  # every file repeats the same predicates and types

    def node(self, iri: str) -> ox.NamedNode:
        found = self.nodes.get(iri)
        if found is None:
            found = self.nodes[iri] = ox.NamedNode(iri)
        return found

    def add(self, s: str, p: str, o: str | ox.Literal) -> None:
        obj = o if isinstance(o, ox.Literal) else self.node(o)
        self.triples.append(ox.Triple(self.node(s), self.node(p), obj))


def text(value: str) -> ox.Literal:
    return ox.Literal(value)


def typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=_datatype(datatype))


@functools.cache
def _datatype(name: str) -> ox.NamedNode:
    return ox.NamedNode(XSD + name)


def describe(release: Release, folder: Path) -> list[ox.Triple]:
    info = release.settings.release
    out = _Triples()
    dataset = dataset_iri(info.version)
    for kind in (VOID + "Dataset", DCAT + "Dataset"):
        out.add(dataset, RDF_TYPE, kind)
    out.add(dataset, DCT + "title", text(info.title))
    out.add(dataset, DCT + "description", text(info.description))
    out.add(dataset, DCAT + "version", text(info.version))
    out.add(dataset, OWL + "versionInfo", text(info.version))
    out.add(dataset, DCT + "isVersionOf", DATASET_IRI)
    out.add(dataset, DCT + "license", info.license)
    out.add(dataset, DCT + "issued", typed(info.date.isoformat(), "date"))
    out.add(dataset, DCT + "publisher", info.publisher_url)
    out.add(info.publisher_url, RDF_TYPE, FOAF + "Organization")
    out.add(info.publisher_url, FOAF + "name", text(info.publisher_name))
    for keyword in info.keywords:
        out.add(dataset, DCAT + "keyword", text(keyword))
    out.add(dataset, VOID + "uriSpace", text(DATA_BASE))
    out.add(dataset, VOID + "vocabulary", ONTOLOGY_IRI)
    out.add(dataset, VOID + "triples", typed(union_count(release, folder), "integer"))
    for graph, count in release_graph_counts(release).items():
        out.add(dataset, VOID + "subset", graph)
        out.add(graph, RDF_TYPE, VOID + "Dataset")
        out.add(graph, VOID + "triples", typed(count, "integer"))
        if (slug := statement_slug(graph)) is not None:
            out.add(dataset, VOID + "exampleResource", STATEMENT_BASE + slug)
    names = release_names(folder, UNDESCRIBED)
    absolute = [f"{folder}/{name}" for name in names]
    release.prefetch_digests(absolute)
    for name, file in zip(names, absolute, strict=True):
        describe_file(out, dataset, info.base, name, os.stat(file).st_size, release.digest(file))
    return sorted_unique(out.triples, triple_text)


@functools.cache
def _file_terms() -> dict[str, ox.NamedNode]:
    """The predicates and classes every file's description repeats, made once."""
    names = {"distribution": DCAT + "distribution", "type": RDF_TYPE, "Distribution": DCAT + "Distribution",
             "title": DCT + "title", "downloadURL": DCAT + "downloadURL", "mediaType": DCAT + "mediaType",
             "byteSize": DCAT + "byteSize", "checksum": SPDX + "checksum", "Checksum": SPDX + "Checksum",
             "algorithm": SPDX + "algorithm", "sha256": SPDX + "checksumAlgorithm_sha256",
             "checksumValue": SPDX + "checksumValue"}
    return {key: ox.NamedNode(iri) for key, iri in names.items()}


def describe_file(out: _Triples, dataset: str, base: str, name: str, size: int, digest: str) -> None:
    """A file (its POSIX path in the release) as a `dcat:Distribution` of the dataset
    (thousands of them: only its own nodes and literals are made here)."""
    iri = base + name
    file, checksum, t = ox.NamedNode(iri), ox.NamedNode(iri + "#sha256"), _file_terms()
    out.triples += [
        ox.Triple(out.node(dataset), t["distribution"], file),
        ox.Triple(file, t["type"], t["Distribution"]),
        ox.Triple(file, t["title"], ox.Literal(name)),
        ox.Triple(file, t["downloadURL"], file),
        ox.Triple(file, t["mediaType"], out.node(IANA + media_type(name))),
        ox.Triple(file, t["byteSize"], typed(size, "nonNegativeInteger")),
        ox.Triple(file, t["checksum"], checksum),
        ox.Triple(checksum, t["type"], t["Checksum"]),
        ox.Triple(checksum, t["algorithm"], t["sha256"]),
        ox.Triple(checksum, t["checksumValue"], typed(digest, "hexBinary")),
    ]
    if name in DUMPS:
        out.add(dataset, VOID + "dataDump", iri)
    if name.startswith(QUERIES_FOLDER + "/") and name.endswith(".rq"):
        out.add(dataset, VOID + "exampleResource", iri)


def void_bytes(triples: list[ox.Triple]) -> bytes:
    body = serialize_text(triples, ox.RdfFormat.TURTLE, prefixes=VOID_PREFIXES)
    lines = split_lines_keepends(body)
    header = [line for line in lines if line.startswith("@prefix ")]
    return "".join(sorted(header) + lines[len(header):]).encode("utf-8")


class VoidExporter(Exporter):
    name = "void"
    media_type = "text/turtle"
    stage = 1

    def write(self, release: Release, folder: Path) -> list[Path]:
        return [write_bytes(folder / VOID_FILE, void_bytes(describe(release, folder)))]
