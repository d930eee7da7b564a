"""Export: one small exporter class per file format of the release, in the order they run.

The order is explicit here; what an exporter reads from another (a dump, the JSON-LD nodes)
it declares in `Exporter.needs`, and the release keeps each such product until every exporter
that declared it has written (`Release.finished`), whatever the order.
"""

from __future__ import annotations

from publisher.export.base import Exporter, Release
from publisher.export.copies import SourceFilesExporter
from publisher.export.html import HtmlExporter
from publisher.export.jsonld import JsonLdExporter
from publisher.export.network import NetworkExporter
from publisher.export.ntriples import NTriplesExporter
from publisher.export.quads import NQuadsExporter, TriGExporter
from publisher.export.queries import QueriesExporter
from publisher.export.records import StatementRecordsExporter
from publisher.export.tables import TablesExporter
from publisher.export.turtle import TurtleExporter
from publisher.export.void import VoidExporter

#: every exporter of a release; `exporters()` runs them by stage, forkable ones last in theirs
EXPORTERS: tuple[type[Exporter], ...] = (
    SourceFilesExporter,
    HtmlExporter,
    JsonLdExporter,
    QueriesExporter,
    StatementRecordsExporter,
    TablesExporter,
    NetworkExporter,
    TurtleExporter,
    NQuadsExporter,
    TriGExporter,
    NTriplesExporter,
    VoidExporter,
)


def exporters() -> list[Exporter]:
    """A fresh instance of every exporter, in the order they run."""
    def order(cls: type[Exporter]) -> tuple[int, bool, int, str]:
        return cls.stage, cls.forkable, -cls.weight, cls.name

    return [cls() for cls in sorted(EXPORTERS, key=order)]


__all__ = ["EXPORTERS", "Exporter", "Release", "exporters"]
