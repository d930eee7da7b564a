"""The release's files: writing them (hashing as they are written), listing them, their
media types. Nothing here knows what a release holds (`publisher.export.base`)."""

from __future__ import annotations

import hashlib
import os
import posixpath
import stat
from pathlib import Path


def write_bytes(path: Path, data: bytes | memoryview) -> Path:
    """Write a file, making its folder only where it is missing: a release writes thousands of
    files into a few folders, and making the folder again each time is one more call into the
    file system per file (waiting on the same locks as creating the file)."""
    try:
        path.write_bytes(data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return path


#: media types of the release's files, by suffix
MEDIA_TYPES: dict[str, str] = {
    ".ttl": "text/turtle",
    ".trig": "application/trig",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".jsonld": "application/ld+json",
    ".json": "application/json",
    ".rq": "application/sparql-query",
    ".csv": "text/csv",
    ".graphml": "application/graphml+xml",
    ".html": "text/html",
    ".css": "text/css",
    ".txt": "text/plain",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


#: `line_count`'s counts, by the identity of the file counted (a few: a publish counts one)
_COUNTED: dict[tuple[int, int, int, int], int] = {}


def line_count(path: Path) -> int:
    """Lines of a file, read in blocks (the N-Triples dump: one line per triple); remembered for
    the same file unchanged (device, inode, size and modification time), which a publish counts
    twice, for void.ttl and, once the release is moved into place, for its summary (180 MB at a
    million triples)."""
    found = os.stat(path)
    identity = (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)
    if identity not in _COUNTED:
        with path.open("rb") as handle:
            count = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        if len(_COUNTED) >= 8:
            _COUNTED.clear()
        _COUNTED[identity] = count
    return _COUNTED[identity]


def sha256_write(path: Path, data: bytes | memoryview) -> str:
    """`write_bytes`, returning the data's SHA-256 (for `Release.wrote`)."""
    write_bytes(path, data)
    return hashlib.sha256(data).hexdigest()


def sha256_place(path: Path, data: bytes, previous: Path | None, digest: str | None = None) -> str:
    """`sha256_write`, or a hard link to `previous` (the same file in the release being
    replaced) where that is a regular file holding exactly `data`: on some file systems making
    thousands of files costs many times what linking them does (see benchmarks/README.md), and
    a large file unchanged (the GraphML) is neither written again nor freed with the old release.
    `digest`: the data's SHA-256, where the caller has it (not hashed again)."""
    if previous is not None and _holds(previous, data):
        try:
            _link(previous, path)
            return digest or hashlib.sha256(data).hexdigest()
        except OSError:
            pass
    if digest is None:
        return sha256_write(path, data)
    write_bytes(path, data)
    return digest


def _link(source: Path, path: Path) -> None:
    """`os.link`, making the link's folder where it is missing (see `write_bytes`)."""
    try:
        os.link(source, path)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, path)


#: bytes of a file read at a time to compare it (`_holds`): into one buffer, over and over, as
#: memory a process touches for the first time costs more than the read (a hundred megabytes,
#: the GraphML's, read and compared in 0.02 s this way, in 0.07 s into new memory)
COMPARED_BYTES = 1 << 20


def _holds(path: Path, data: bytes) -> bool:
    """Whether `path` is a regular file holding exactly `data`."""
    try:
        found = os.lstat(path)
        if not stat.S_ISREG(found.st_mode) or found.st_size != len(data):
            return False
        with path.open("rb") as handle:
            buffer, view, offset = bytearray(min(len(data), COMPARED_BYTES)), memoryview(data), 0
            while (count := handle.readinto(buffer)) > 0:
                read = buffer if count == len(buffer) else buffer[:count]
                if read != view[offset:offset + count]:  # a bytearray compares as memcmp does
                    return False
                offset += count
            return offset == len(data)
    except OSError:
        return False


def sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def media_type(name: str) -> str:
    """The media type of a release file, by its name (a POSIX path)."""
    if posixpath.basename(name) == "SHA256SUMS":
        return "text/plain"
    return MEDIA_TYPES.get(posixpath.splitext(name)[1], "application/octet-stream")


def release_files(folder: Path, exclude: frozenset[str] = frozenset()) -> list[Path]:
    """Every file under `folder`, relative to it, sorted by POSIX path."""
    return [Path(name) for name in release_names(folder, exclude)]


def release_names(folder: Path, exclude: frozenset[str] = frozenset()) -> list[str]:
    """`release_files` as POSIX paths (walked with scandir, no Path per file: `Path.rglob`
    and a stat per file cost a quarter of a second for a release's 8,000 files)."""
    names: list[str] = []
    for top, _folders, files in os.walk(folder):
        prefix = Path(top).relative_to(folder).as_posix()
        names.extend(name if prefix == "." else f"{prefix}/{name}" for name in files)
    return [name for name in sorted(names) if name not in exclude]
