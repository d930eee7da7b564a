"""A private, unchanging view of a release folder for `nida serve`: hard links to its files.

`nida publish` swaps a new release in whole and deletes the old one, and never writes into a
file it has published. A server that read /html/ from the live folder, but answered /id/ and
/sparql from the release it had loaded, mixed two releases after a re-publish. Linking every
file of the release into a hidden sibling folder (`.<name>.serve-<pid>-<n>`) costs one link per
file, no copy, and gives the server one release, whole, for as long as it keeps the snapshot.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from publisher.staging import remove_stale

#: how a release folder is recognised as replaced: the folder's and its SHA256SUMS' identities
Marker = tuple[int, int, int]


def release_marker(release: Path) -> Marker | None:
    try:
        folder, sums = os.stat(release), os.stat(release / "SHA256SUMS")
    except OSError:
        return None
    return folder.st_dev, folder.st_ino, sums.st_ino


def _link_tree(release: Path, target: Path) -> None:
    """Link every file, walking the folder opened once (a swap mid-walk cannot mix in another)."""
    fd = os.open(release, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for top, _folders, files, top_fd in os.fwalk(".", dir_fd=fd):
            folder = target / top
            folder.mkdir(parents=True, exist_ok=True)
            for name in files:
                try:
                    os.link(name, folder / name, src_dir_fd=top_fd, follow_symlinks=False)
                except OSError:  # another file system, or links refused: a copy
                    with open(os.open(name, os.O_RDONLY, dir_fd=top_fd), "rb") as source, \
                            (folder / name).open("wb") as copy:
                        shutil.copyfileobj(source, copy)
    finally:
        os.close(fd)


def take_snapshot(release: Path, attempts: int = 3) -> tuple[Path, Marker | None]:
    """A snapshot of the release and the marker it was taken at; retried if the release was
    replaced meanwhile (a publish finishing), so that it is never half of each."""
    remove_stale(release.parent, (f".{release.name}.serve-*",))
    for _ in range(attempts):
        before = release_marker(release)
        target = Path(tempfile.mkdtemp(prefix=f".{release.name}.serve-{os.getpid()}-", dir=release.parent))
        try:
            _link_tree(release, target)
        except OSError:
            shutil.rmtree(target, ignore_errors=True)
            continue
        if release_marker(release) == before:
            target.chmod(0o755)
            return target, before
        shutil.rmtree(target, ignore_errors=True)
    raise OSError(f"{release} kept changing while it was read; try again")


def drop_snapshot(snapshot: Path) -> None:
    shutil.rmtree(snapshot, ignore_errors=True)
