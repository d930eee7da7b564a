"""Writing a release: every exporter's files staged in a temporary folder, checksummed, swapped in."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from publisher.export import exporters
from publisher.export.base import Exporter, Release
from publisher.export.files import release_files, release_names, sha256_file
from publisher.jobs import Beside, workers
from publisher.load.dataset import Dataset
from publisher.progress import Progress, Steps
from publisher.release.package import bag_folder, make_bag, write_crate
from publisher.settings import Settings
from publisher.staging import remove_stale, swap_in
from publisher.timing import PhaseClock, Timer

CHECKSUMS = "SHA256SUMS"
#: the files an exporter wrote, with their SHA-256
Written = list[tuple[Path, str]]


WRITING = "writing release"
PREPARING = "preparing release"


def write_checksums(folder: Path, release: Release | None = None) -> Path:
    names = release_names(folder, frozenset({CHECKSUMS}))
    digests = ([sha256_file(folder / name) for name in names] if release is None
               else [release.digest(f"{folder}/{name}") for name in names])
    lines = [f"{digest}  {name}\n" for digest, name in zip(digests, names, strict=True)]
    target = folder / CHECKSUMS
    target.write_text("".join(lines), encoding="utf-8")
    return target


def exporter_groups(writers: list[Exporter]) -> list[list[Exporter]]:
    """The exporters in the order they run: alone, or the forkable ones of a stage together."""
    groups: list[list[Exporter]] = []
    for exporter in writers:
        previous = groups[-1][-1] if groups else None
        if (exporter.forkable and previous is not None and previous.forkable
                and previous.stage == exporter.stage):
            groups[-1].append(exporter)
        else:
            groups.append([exporter])
    return groups


def begin_forked(groups: dict[int, list[Exporter]], release: Release,
                 staged: Path) -> dict[int, Beside[Written]]:
    """Each group of forkable exporters begun in forked processes, beside the exporters of its
    stage that run here (they only write files, and hash them there, as they write them, for
    void.ttl and SHA256SUMS): the dumps are written while the pages are built, in the CPU the
    pages leave idle (they are waited for after them). By group index."""
    def write_and_hash(exporter: Exporter) -> Written:
        return [(path, release.digest(path)) for path in exporter.write(release, staged)]

    return {index: Beside(write_and_hash, group, idle_only=True)
            for index, group in groups.items() if len(group) > 1}


def write_group(group: list[Exporter], release: Release, staged: Path, steps: Steps,
                forked: Beside[Written] | None = None) -> None:
    """One exporter here, or forkable ones (`begin_forked`) waited for."""
    if forked is None:
        group[0].write(release, staged)
        release.finished(group[0])
        return
    for written in forked.results():
        for path, digest in written:
            release.wrote(path, digest)
    for exporter in group:
        release.finished(exporter)
    steps.advance(len(group) - 1)  # the last one is counted when the next step begins


class ReleaseWriter:
    """One release being written. `begin`, before validation, starts the exporters whose `start`
    only fills the build cache (`Exporter.early`: the statement records' framing) and the making
    of every unit's pieces (`Release.make_pieces_beside`), so that they work beside validation's
    single-threaded parts; `write` stages every file once the data conforms and swaps the
    release in; `stop` ends whatever was begun (a publish that does not conform writes nothing
    into the release, only records and pieces of its data into the build cache)."""

    def __init__(self, dataset: Dataset, settings: Settings, timer: Timer | None = None,
                 progress: Progress | None = None) -> None:
        self.settings = settings
        self.clock = PhaseClock(timer)
        self.progress = progress
        self.release = Release(dataset, settings)  # the whole release graph is built only if asked
        self.writers = exporters()
        self.release.expect(self.writers)
        self.begun = False
        #: the forkable exporters' processes, by group index (`exporter_groups`)
        self.forked: dict[int, Beside[Written]] = {}
        self.groups = exporter_groups(self.writers)
        #: the release folder being written, where `begin` made it (for `out`)
        self.staged: tuple[Path, Path] | None = None
        #: the exporters `_write_early` started (and began)
        self.started: set[str] = set()

    def begin(self, out: Path | None = None) -> None:
        """See the class; with `out`, also `_write_early`."""
        self.clock.restart()
        early = [exporter for exporter in self.writers if exporter.early]
        steps = Steps(self.progress, PREPARING, len(early))
        # first, as the statements are parsed: every unit's pieces of the dumps, tables and
        # pages, made and cached beside validation (the records' framing waits for idle CPUs)
        self.release.make_pieces_beside(spec for exporter in self.writers
                                        for spec in exporter.piece_specs(self.release))
        for exporter in early:
            steps.begin(f"preparing {exporter.name}")
            exporter.start(self.release)
        steps.finish(PREPARING)
        self.begun = True
        if out is not None:
            self._write_early(out)
        self.clock("export: early start")

    def _write_early(self, out: Path) -> None:
        """Where every piece is in the build cache already (a re-publish: `Release.making`),
        stage the release now and begin the first stage's forkable exporters (the dumps) beside
        validation, on the CPU its single-threaded parts leave idle (a second at a million
        triples); a publish that does not conform stops them and removes the folder (`stop`).
        Where the folder cannot be made now, it is made after validation, which reports why."""
        if self.release.making or workers() < 2 or not out.parent.is_dir():
            return
        try:
            self.staged = (out, self._stage(out))
        except OSError:
            return
        first = min(exporter.stage for exporter in self.writers)
        groups = {index: group for index, group in enumerate(self.groups) if group[0].stage == first}
        for exporter in (e for group in groups.values() if len(group) > 1 for e in group if not e.early):
            exporter.start(self.release)
            self.started.add(exporter.name)
        self.forked = begin_forked(groups, self.release, self.staged[1])

    def _stage(self, out: Path) -> Path:
        """A new folder beside `out` to write the release into (what a killed publish left there
        removed first)."""
        self.release.previous = out if out.is_dir() else None
        remove_stale(out.parent, (f".{out.name}.tmp-*", f".{out.name}.bag-*"))  # left by a killed publish
        staged = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
        staged.chmod(0o755)
        return staged

    def stop(self) -> None:
        self._stop_writing()
        for exporter in self.writers:
            exporter.stop()
        self.release.stop_pieces()

    def _stop_writing(self) -> None:
        """End the forked exporters and remove the folder `_write_early` staged (not swapped in)."""
        for forked in self.forked.values():
            forked.stop()
        self.forked = {}
        if self.staged is not None:
            shutil.rmtree(self.staged[1], ignore_errors=True)
            self.staged = None

    def _write_exporters(self, staged: Path) -> None:
        """Every exporter's files, stage by stage: the forkable ones of a stage begun in forked
        workers as it begins (`begin_forked`), the others run here meanwhile."""
        steps = Steps(self.progress, WRITING, len(self.writers))
        groups = self.groups
        for stage in sorted({exporter.stage for exporter in self.writers}):
            here = [index for index, group in enumerate(groups) if group[0].stage == stage]
            if not any(index in self.forked for index in here):  # else begun by `_write_early`
                stage_groups = {index: groups[index] for index in here}
                self.forked.update(begin_forked(stage_groups, self.release, staged))
            for index in here:
                names = ", ".join(exporter.name for exporter in groups[index])
                steps.begin(f"writing {names}")
                write_group(groups[index], self.release, staged, steps, self.forked.pop(index, None))
                self.clock(f"export: {names}")
        steps.finish(WRITING)

    def write(self, out: Path, package: bool = False) -> list[Path]:
        """Stage the release (and with `package` its RO-Crate and BagIt bag), then swap it in.

        The bag is staged before anything is swapped, so a failure leaves both folders as they were."""
        release, clock = self.release, self.clock
        clock.restart()
        if self.staged is not None and self.staged[0] != out:  # begun for another folder
            self._stop_writing()
        staged = self._stage(out) if self.staged is None else self.staged[1]
        bag_staging = None
        try:
            # joined here, before any exporter forks: a forked exporter cannot join this process's children
            release.await_pieces()
            for exporter in self.writers:
                if not (exporter.early and self.begun) and exporter.name not in self.started:
                    exporter.start(release)
            clock("export: start")
            self._write_exporters(staged)
            if package:
                write_crate(staged, self.settings, later=(CHECKSUMS,))
            write_checksums(staged, release)
            clock("checksums")
            files = sorted(release_files(staged))
            if package:
                bag_staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.bag-{os.getpid()}-", dir=out.parent))
                make_bag(staged, bag_staging / "bag", self.settings)
                (bag_staging / "bag").chmod(0o755)
            swap_in(staged, out)
            self.staged = None
            if bag_staging is not None:
                swap_in(bag_staging / "bag", bag_folder(out))
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
        finally:
            self.stop()
            if bag_staging is not None:
                shutil.rmtree(bag_staging, ignore_errors=True)
        return [out / f for f in files]


def write_release(dataset: Dataset, settings: Settings, out: Path, package: bool = False,
                  timer: Timer | None = None, progress: Progress | None = None) -> list[Path]:
    """Every exporter's files, staged and swapped in (see `ReleaseWriter.write`)."""
    return ReleaseWriter(dataset, settings, timer, progress).write(out, package)
