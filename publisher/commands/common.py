"""What the commands share: path arguments, the --jobs and --quiet options, the progress bar."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import click

from publisher.load.checks import remote_references
from publisher.load.dataset import Dataset
from publisher.progress import Progress, render_bar

PathArg = click.Path(path_type=Path)


def warn_remote_references(dataset: Dataset, root: Path) -> None:
    """owl:imports / sh:shapesGraph IRIs are never fetched: say so, one line each (stderr)."""
    files = [*dataset.data_files, *dataset.ontology_files, *dataset.shape_files]
    for line in remote_references((dataset.references, dataset.ontology, dataset.shapes), files, root):
        click.echo(f"nida: {line}", err=True)


class TerminalBar:
    """Draws progress on a terminal: one line per phase, redrawn in place, ended when done."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started: float | None = None

    def __call__(self, label: str, done: int, total: int) -> None:
        now = time.monotonic()
        if self.started is None:
            self.started = now
        self.stream.write(f"\r{render_bar(label, done, total, now - self.started)}\x1b[K")
        if done >= total:
            self.close()
        self.stream.flush()

    def close(self) -> None:
        """End an unfinished line, so that what follows (an error) starts on its own."""
        if self.started is not None:
            self.stream.write("\n")
            self.started = None


@contextlib.contextmanager
def progress_bar(quiet: bool) -> Iterator[Progress | None]:
    """A bar on stderr when it is a terminal and --quiet is not given; else no progress at all."""
    stream = sys.stderr
    if quiet or not stream.isatty():
        yield None
        return
    bar = TerminalBar(stream)
    try:
        yield bar
    finally:
        bar.close()
        stream.flush()


QUIET = click.option("--quiet", "-q", is_flag=True, help="No progress bar (there is one only on a terminal).")
JOBS = click.option("--jobs", "-j", type=click.IntRange(min=0), default=None,
                    help="Processes working at once (default: NIDA_JOBS, else one per CPU; 1: no forking).")
