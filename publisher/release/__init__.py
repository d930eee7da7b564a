"""Publish: validate, write every exporter's files into a temporary folder, checksum, swap in.

The previous release is replaced in one atomic step (renameat2 RENAME_EXCHANGE where
the kernel has it), so an interrupted publish leaves it exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from publisher.errors import InputError, NotConforming
from publisher.export.files import line_count
from publisher.jobs import limited
from publisher.load.dataset import Dataset
from publisher.load.files import display_path
from publisher.progress import Progress
from publisher.release.package import check_bag_target
from publisher.release.target import prepare_out, resolve_out
from publisher.release.write import ReleaseWriter
from publisher.settings import Settings
from publisher.timing import Timer
from publisher.validation.engine import validate
from publisher.validation.report import Report

T = TypeVar("T")


@dataclass(frozen=True)
class Published:
    out: Path
    files: list[Path]
    triples: int
    report: Report


def publish(dataset: Dataset, settings: Settings, out: Path, strict: bool = False,
            package: bool = False, timer: Timer | None = None, progress: Progress | None = None) -> Published:
    """Validate, then write the release; nothing is written when the data does not conform.

    `timer`, when given, is called with (phase, seconds) after each phase (benchmarks);
    `progress` with the statements validated, then the exporters run (publisher/progress.py).
    """
    with limited(settings.jobs):
        return _publish(dataset, settings, out, strict, package, timer, progress)


def _publish(dataset: Dataset, settings: Settings, out: Path, strict: bool, package: bool,
             timer: Timer | None, progress: Progress | None) -> Published:
    settings.release  # noqa: B018 -- fail on bad release metadata before the long part
    out = resolve_out(out, settings)
    if package:
        check_bag_target(out, settings.root)
    writer = ReleaseWriter(dataset, settings, timer, progress)
    try:
        _cannot_write(lambda: writer.begin(out), out, settings)
        report = validate(dataset, timer=timer, cache_dir=settings.cache_dir, progress=progress)
        if not report.conforms(strict):
            raise NotConforming(report, "data does not conform to the shapes; nothing was written")
        prepare_out(out, settings.root)
        files = _cannot_write(lambda: writer.write(out, package), out, settings)
    finally:
        writer.stop()
    triples = line_count(out / "nida.nt")
    return Published(out=out, files=files, triples=triples, report=report)


def _cannot_write(work: Callable[[], T], out: Path, settings: Settings) -> T:
    try:
        return work()
    except OSError as exc:
        raise InputError(
            f"cannot write the release: {exc.strerror or exc}; the previous release is unchanged",
            display_path(out, settings.root),
        ) from None
