"""Canonical N-Triples: one triple per line, lines sorted, pyoxigraph's canonical escaping."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from publisher.export.base import NTRIPLES_DUMP, Exporter, Release
from publisher.export.dumps import PieceSpec, dump_spec
from publisher.graph import serialize_text, sorted_lines


def canonical_ntriples(triples: list[ox.Triple]) -> bytes:
    return sorted_lines(serialize_text(triples, ox.RdfFormat.N_TRIPLES))


class NTriplesExporter(Exporter):
    name = "ntriples"
    media_type = "application/n-triples"
    forkable = True
    needs = frozenset({NTRIPLES_DUMP})  # written as it is where another exporter made it
    filename = "nida.nt"

    def piece_specs(self, release: Release) -> list[PieceSpec]:
        return [dump_spec("ntriples")]

    def write(self, release: Release, folder: Path) -> list[Path]:
        return [release.write_chunks(folder / self.filename, release.dump_chunks("ntriples"))]
