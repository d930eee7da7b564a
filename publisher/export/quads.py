"""TriG and canonical N-Quads: the release as named graphs (one per statement, registry,
the ontology and the concept schemes), written by pyoxigraph from the sorted quads."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from publisher.export import Exporter, Release, register, write_bytes
from publisher.settings import PREFIXES


def _text(quads: list[ox.Quad], format: ox.RdfFormat, **options: object) -> str:
    data = ox.serialize(quads, format=format, **options)  # type: ignore[arg-type]
    return data.decode("utf-8") if data else ""


def canonical_nquads(quads: list[ox.Quad]) -> bytes:
    """One quad per line, lines sorted, pyoxigraph's canonical escaping."""
    lines = sorted(set(_text(quads, ox.RdfFormat.N_QUADS).splitlines()))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def trig_bytes(quads: list[ox.Quad]) -> bytes:
    """TriG with the prefix lines sorted; graphs and triples follow the sorted quads."""
    text = _text(quads, ox.RdfFormat.TRIG, prefixes=PREFIXES)
    lines = text.splitlines(keepends=True)
    header = [line for line in lines if line.startswith("@prefix ")]
    body = lines[len(header):]
    return "".join(sorted(header) + body).encode("utf-8")


@register
class TriGExporter(Exporter):
    name = "trig"
    media_type = "application/trig"
    filename = "nida.trig"

    def write(self, release: Release, folder: Path) -> list[Path]:
        return [write_bytes(folder / self.filename, trig_bytes(release.quads))]


@register
class NQuadsExporter(Exporter):
    name = "nquads"
    media_type = "application/n-quads"
    filename = "nida.nq"

    def write(self, release: Release, folder: Path) -> list[Path]:
        return [write_bytes(folder / self.filename, canonical_nquads(release.quads))]
