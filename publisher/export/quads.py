"""TriG and canonical N-Quads: the release as named graphs (one per statement, registry,
the ontology and the concept schemes), written by pyoxigraph graph by graph
(publisher/export/dumps.py assembles them from cached per-unit pieces)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from publisher.export.base import NQUADS_DUMP, Exporter, Release
from publisher.export.dumps import PieceSpec, dump_spec
from publisher.graph import serialize_text, sorted_prefixes
from publisher.settings import PREFIXES
from publisher.textlines import split_lines


def canonical_nquads(quads: list[ox.Quad]) -> bytes:
    """One quad per line, pyoxigraph's canonical escaping; graph by graph (by graph IRI, as
    written), each graph's lines sorted and unique."""
    lines = {line for line in split_lines(serialize_text(quads, ox.RdfFormat.N_QUADS)) if line}
    graph_of = {line: line[line.rindex(" <", 0, len(line) - 2) + 1:-2] for line in lines}
    ordered = sorted(lines, key=lambda line: (graph_of[line], line))
    return "".join(line + "\n" for line in ordered).encode("utf-8")


def trig_bytes(quads: list[ox.Quad]) -> bytes:
    """TriG with the prefix lines sorted; graphs and triples follow the sorted quads."""
    return sorted_prefixes(serialize_text(quads, ox.RdfFormat.TRIG, prefixes=PREFIXES))


class TriGExporter(Exporter):
    name = "trig"
    media_type = "application/trig"
    forkable = True
    weight = 1
    filename = "nida.trig"

    def piece_specs(self, release: Release) -> list[PieceSpec]:
        return [dump_spec("trig")]

    def write(self, release: Release, folder: Path) -> list[Path]:
        return [release.write_chunks(folder / self.filename, release.dump_chunks("trig"))]


class NQuadsExporter(Exporter):
    name = "nquads"
    media_type = "application/n-quads"
    forkable = True
    weight = 2
    needs = frozenset({NQUADS_DUMP})  # written as it is where `Release.quads` made it
    filename = "nida.nq"

    def piece_specs(self, release: Release) -> list[PieceSpec]:
        return [dump_spec("nquads")]

    def write(self, release: Release, folder: Path) -> list[Path]:
        return [release.write_chunks(folder / self.filename, release.dump_chunks("nquads"))]
