"""The ontology and shapes travel with the release, byte for byte, so it can be re-validated."""

from __future__ import annotations

from pathlib import Path

from publisher.export.base import Exporter, Release
from publisher.load import read_bytes


class SourceFilesExporter(Exporter):
    name = "copies"
    media_type = "text/turtle"

    def write(self, release: Release, folder: Path) -> list[Path]:
        written = []
        for subfolder, files in (("ontology", release.dataset.ontology_files),
                                 ("shapes", release.dataset.shape_files)):
            for file in files:
                data = read_bytes(file, release.settings.root)
                written.append(release.write(folder / subfolder / file.name, data))
        return written
