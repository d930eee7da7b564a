"""Turtle dump, written by pyoxigraph from sorted triples (stable and fast at any size)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from publisher.export import Exporter, Release, register, write_bytes
from publisher.graph import serialize_text
from publisher.settings import PREFIXES


def turtle_bytes(triples: list[ox.Triple]) -> bytes:
    """Turtle with the prefix lines sorted: the writer's own prefix order is not a promise."""
    text = serialize_text(triples, ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    lines = text.splitlines(keepends=True)
    header = [line for line in lines if line.startswith("@prefix ")]
    body = lines[len(header):]
    return "".join(sorted(header) + body).encode("utf-8")


@register
class TurtleExporter(Exporter):
    name = "turtle"
    media_type = "text/turtle"
    filename = "nida.ttl"

    def write(self, release: Release, folder: Path) -> list[Path]:
        return [write_bytes(folder / self.filename, turtle_bytes(release.triples))]
