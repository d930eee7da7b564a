"""Turtle dump, written by pyoxigraph from sorted triples (stable and fast at any size)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from publisher.export.base import Exporter, Release
from publisher.export.dumps import PieceSpec, dump_spec
from publisher.graph import serialize_text, sorted_prefixes
from publisher.settings import PREFIXES


def turtle_bytes(triples: list[ox.Triple]) -> bytes:
    return sorted_prefixes(serialize_text(triples, ox.RdfFormat.TURTLE, prefixes=PREFIXES))


class TurtleExporter(Exporter):
    name = "turtle"
    media_type = "text/turtle"
    forkable = True
    weight = 3
    filename = "nida.ttl"

    def piece_specs(self, release: Release) -> list[PieceSpec]:
        return [dump_spec("turtle")]

    def write(self, release: Release, folder: Path) -> list[Path]:
        return [release.write_chunks(folder / self.filename, release.dump_chunks("turtle"))]
