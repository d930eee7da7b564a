"""Publish: validate, write every exporter's files into a temporary folder, checksum, swap in.

The previous release is replaced in one atomic step (renameat2 RENAME_EXCHANGE where
the kernel has it), so an interrupted publish leaves it exactly as it was.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from publisher.errors import InputError, NotConforming
from publisher.export import (
    Exporter,
    Release,
    exporters,
    line_count,
    release_files,
    release_names,
    sha256_file,
)
from publisher.forkmap import fork_map
from publisher.inputs import remove_stale
from publisher.load import Dataset, display_path
from publisher.progress import Progress, Steps
from publisher.settings import Settings
from publisher.timing import PhaseClock, Timer
from publisher.validate import Report, validate

CHECKSUMS = "SHA256SUMS"
WRITING = "writing release"


@dataclass(frozen=True)
class Published:
    out: Path
    files: list[Path]
    triples: int
    report: Report


def write_checksums(folder: Path, release: Release | None = None) -> Path:
    names = release_names(folder, frozenset({CHECKSUMS}))
    digests = ([sha256_file(folder / name) for name in names] if release is None
               else [release.digest(f"{folder}/{name}") for name in names])
    lines = [f"{digest}  {name}\n" for digest, name in zip(digests, names, strict=True)]
    target = folder / CHECKSUMS
    target.write_text("".join(lines), encoding="utf-8")
    return target


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    if ctypes.get_errno() in (errno.ENOSYS, errno.EINVAL, errno.EPERM):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))


def swap_in(staged: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staged, out)
        return
    if _exchange(staged, out):
        shutil.rmtree(staged)
        return
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(out, old)
    os.rename(staged, out)
    shutil.rmtree(old)


#: what every release nida writes holds at its top: a folder without them is not replaced
RELEASE_MARKERS = (CHECKSUMS, "void.ttl")


def _overlaps(a: Path, b: Path) -> bool:
    return a == b or a in b.parents or b in a.parents


def resolve_out(out: Path, settings: Settings) -> Path:
    """The folder to publish into, followed through symlinks (a symlinked `dist` keeps pointing
    at the new release), and refused where swapping it would lose data that nida did not write:
    the project itself, its input folders, or a folder that is not empty and not a release."""
    shown = display_path(out, settings.root)
    if out.is_symlink() and not out.exists():
        raise InputError("--out is a symlink to nothing; remove it or point it at a folder", shown)
    real = Path(os.path.realpath(out))
    if real.exists() and not real.is_dir():
        raise InputError("--out exists and is not a folder; choose a folder", shown)
    root = Path(os.path.realpath(settings.root))
    if real == root or real in root.parents:
        raise InputError("--out would replace the project itself; choose a folder of its own, e.g. dist",
                         shown)
    inputs = {"data/": settings.data_dir, "ontology/": settings.ontology_dir,
              "shapes/": settings.shapes_dir, "the cache": settings.cache_dir}
    for name, folder in inputs.items():
        if _overlaps(real, Path(os.path.realpath(folder))):
            raise InputError(f"--out would replace or sit inside {name}; choose a folder of its own", shown)
    if real.is_dir() and any(real.iterdir()) and not all((real / m).is_file() for m in RELEASE_MARKERS):
        raise InputError("--out is a folder that nida did not publish (no SHA256SUMS and void.ttl), and "
                         "publishing would replace it; choose an empty or new folder", shown)
    return real


def prepare_out(out: Path, root: Path) -> None:
    shown = display_path(out, root)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        message = f"cannot create the output folder: {exc.strerror}; choose another --out"
        raise InputError(message, shown) from None
    if not os.access(out.parent, os.W_OK):
        raise InputError("cannot write the output folder (permission denied); choose another --out", shown)


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


def write_group(group: list[Exporter], release: Release, staged: Path, steps: Steps) -> None:
    """One exporter here, or forkable ones each in a forked process (they only write files,
    and hash them there, as they write them, for void.ttl and SHA256SUMS)."""
    if len(group) == 1:
        group[0].write(release, staged)
        return

    def write_and_hash(exporter: Exporter) -> list[tuple[Path, str]]:
        return [(path, release.digest(path)) for path in exporter.write(release, staged)]

    for written in fork_map(write_and_hash, group):
        for path, digest in written:
            release.wrote(path, digest)
    release.forget_dumps()
    steps.advance(len(group) - 1)  # the last one is counted when the next step begins


def write_release(dataset: Dataset, settings: Settings, out: Path, package: bool = False,
                  timer: Timer | None = None, progress: Progress | None = None) -> list[Path]:
    """Stage the release (and with `package` its RO-Crate and BagIt bag), then swap it in.

    The bag is staged before anything is swapped, so a failure leaves both folders as they were."""
    clock = PhaseClock(timer)
    release = Release(dataset, settings)  # the whole release graph is built only if an exporter asks
    release.previous = out if out.is_dir() else None
    remove_stale(out.parent, (f".{out.name}.tmp-*", f".{out.name}.bag-*"))  # left by a killed publish
    staged = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=out.parent))
    staged.chmod(0o755)
    bag_staging = None
    writers = exporters()
    try:
        for exporter in writers:
            exporter.start(release)
        clock("export: start")
        steps = Steps(progress, WRITING, len(writers))
        for group in exporter_groups(writers):
            names = ", ".join(exporter.name for exporter in group)
            steps.begin(f"writing {names}")
            write_group(group, release, staged, steps)
            clock(f"export: {names}")
        steps.finish(WRITING)
        if package:
            from publisher.package import write_crate  # here: rocrate takes 0.1 s to import

            write_crate(staged, settings, later=(CHECKSUMS,))
        write_checksums(staged, release)
        clock("checksums")
        files = sorted(release_files(staged))
        if package:
            from publisher.package import make_bag

            bag_staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.bag-{os.getpid()}-", dir=out.parent))
            make_bag(staged, bag_staging / "bag", settings)
            (bag_staging / "bag").chmod(0o755)
        swap_in(staged, out)
        if bag_staging is not None:
            from publisher.package import bag_folder

            swap_in(bag_staging / "bag", bag_folder(out))
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    finally:
        for exporter in writers:
            exporter.stop()
        if bag_staging is not None:
            shutil.rmtree(bag_staging, ignore_errors=True)
    return [out / f for f in files]


def publish(dataset: Dataset, settings: Settings, out: Path, strict: bool = False,
            package: bool = False, timer: Timer | None = None, progress: Progress | None = None) -> Published:
    """Validate, then write the release; nothing is written when the data does not conform.

    `timer`, when given, is called with (phase, seconds) after each phase (benchmarks);
    `progress` with the statements validated, then the exporters run (publisher/progress.py).
    """
    settings.release  # noqa: B018 -- fail on bad release metadata before the long part
    out = resolve_out(out, settings)
    if package:
        from publisher.package import check_bag_target

        check_bag_target(out, settings.root)
    report = validate(dataset, timer=timer, cache_dir=settings.cache_dir, progress=progress)
    if not report.conforms(strict):
        raise NotConforming(report, "data does not conform to the shapes; nothing was written")
    prepare_out(out, settings.root)
    try:
        files = write_release(dataset, settings, out, package=package, timer=timer, progress=progress)
    except OSError as exc:
        raise InputError(
            f"cannot write the release: {exc.strerror or exc}; the previous release is unchanged",
            display_path(out, settings.root),
        ) from None
    triples = line_count(out / "nida.nt")
    return Published(out=out, files=files, triples=triples, report=report)
