"""The example SPARQL queries (`queries/*.rq`), when the project has them, travel with the
release so that void.ttl can point at them as `void:exampleResource`."""

from __future__ import annotations

from pathlib import Path

from publisher.export.base import Exporter, Release
from publisher.load import read_bytes

QUERIES_FOLDER = "queries"


class QueriesExporter(Exporter):
    name = "queries"
    media_type = "application/sparql-query"

    def write(self, release: Release, folder: Path) -> list[Path]:
        source = release.settings.queries_dir
        if not source.is_dir():
            return []
        return [release.write(folder / QUERIES_FOLDER / file.name, read_bytes(file, release.settings.root))
                for file in sorted(source.glob("*.rq"))]
