"""A content-addressed cache of export outputs (`.nida-cache/build/`), so re-publishing
after one statement changed redoes only that statement's work.

An entry is stored under the SHA-256 of *everything its bytes depend on* (`content_key`):
the caller hashes the input triples, the context or template, and `code_version`; so a
stale entry can never be read back, only a missing one recomputed. Writes are atomic;
a cache that cannot be read or written only costs time, never a wrong release.
"""

from __future__ import annotations

import functools
import hashlib
import mmap
import os
import tempfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

import xxhash

from publisher import __version__

BUILD_FOLDER = "build"
PACKS_FOLDER = "packs"
#: where a packed entry's bytes are: the pack file, offset, length and checksum (`checksum`, or
#: the SHA-256 its caller gave: a page's, which the release publishes)
Location = tuple[Path, int, int, str]
#: every entry file ends with the `checksum` of what precedes it: a truncated or damaged entry
#: is found out when read, dropped and made again, never handed to a parser
DIGEST_BYTES = 16


def checksum(data: bytes | memoryview) -> str:
    """XXH3-128 (hex) of an entry, which finds out damage, as ccache's checksums do: a re-publish
    reads back the cache's every piece (700 MB at a million triples), and SHA-256 made checking
    them cost 0.4 CPU-seconds, XXH3 0.04. Keys stay SHA-256 (`content_key`): they must not collide."""
    return xxhash.xxh3_128_hexdigest(data)


def holds(data: bytes | memoryview, digest: str) -> bool:
    """Whether `data` has the digest stored beside it: a `checksum`, or a SHA-256 (64 digits)."""
    if len(digest) == 64:
        return hashlib.sha256(data).hexdigest() == digest
    return checksum(data) == digest


def package_versions(*packages: str) -> list[str]:
    """nida's version and each package's, for cache keys: an upgrade must not replay old results."""
    parts = [__version__]
    for package in packages:
        try:
            parts.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package}=?")
    return parts


#: the libraries whose behaviour shapes a cached result (validation or export)
LIBRARIES = ("pyoxigraph", "pyld", "rdflib", "oxrdflib", "pyshacl", "jinja2", "orjson")
PACKAGE = Path(__file__).resolve().parent


@functools.cache
def code_version(package: Path = PACKAGE) -> str:
    """SHA-256 of every file of the `publisher` package (code and templates, by relative path)
    and of the libraries' versions: the one code version in every cache key. Listing the
    files a result depends on by hand missed some (an edit to coredetect.py replayed stale
    validation results); hashing the whole package cannot miss one. Once per process."""
    digest = hashlib.sha256("\n".join(package_versions(*LIBRARIES)).encode("utf-8"))
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            name = path.relative_to(package).as_posix().encode("utf-8")
            data = path.read_bytes()
            digest.update(len(name).to_bytes(8, "big") + name + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def content_key(kind: str, parts: Iterable[str | bytes]) -> str:
    """The key of an entry: SHA-256 over its kind and every input, length-prefixed."""
    digest = hashlib.sha256(kind.encode("utf-8") + b"\0")
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class BuildCache:
    """Bytes by (kind, key), one file each: `<folder>/build/<kind>/<key[:2]>/<key>`."""

    def __init__(self, folder: Path | None, name: str = BUILD_FOLDER) -> None:
        self.folder = None if folder is None else folder / name

    def path(self, kind: str, key: str) -> Path | None:
        return None if self.folder is None else self.folder / kind / key[:2] / key

    def get(self, kind: str, key: str) -> bytes | None:
        target = self.path(kind, key)
        if target is None:
            return None
        try:  # the bytes, then their checksum: never sliced apart (a copy of 100 MB, the GraphML's)
            with target.open("rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                data = handle.read(max(0, size - DIGEST_BYTES))
                digest = handle.read()
        except OSError:
            return None
        if size < DIGEST_BYTES or len(data) + len(digest) != size or xxhash.xxh3_128_digest(data) != digest:
            target.unlink(missing_ok=True)  # damaged: the caller makes it again
            return None
        return data

    def has(self, kind: str, key: str) -> bool:
        target = self.path(kind, key)
        return target is not None and target.is_file()

    def put(self, kind: str, key: str, data: bytes) -> None:
        target = self.path(kind, key)
        if target is not None:
            write_atomic(target, [data, xxhash.xxh3_128_digest(data)])

    def put_pack(self, kind: str, entries: list[tuple[str, bytes]], digests: list[str] | None = None) -> None:
        """Store many entries in one pack file and its index (`<kind>/packs/<name>.pack`,
        `.index`): creating and renaming thousands of small files (pages) cost several times
        more than rendering them. The index is written after the pack, so it only names bytes
        that are there; a key in two packs has the same bytes in both. `digests`: the entries'
        SHA-256 (hex), where the caller has them (a page's, for the release too), else their
        `checksum`."""
        if self.folder is None or not entries:
            return
        folder = self.folder / kind / PACKS_FOLDER
        name = content_key(f"{kind}-pack", [key for key, _data in entries])
        if digests is None:
            digests = [checksum(data) for _key, data in entries]
        lines, offset = [], 0
        for (key, data), digest in zip(entries, digests, strict=True):
            lines.append(f"{key} {offset} {len(data)} {digest}\n")
            offset += len(data)
        if write_atomic(folder / f"{name}.pack", [data for _key, data in entries]):
            write_atomic(folder / f"{name}.index", ["".join(lines).encode("ascii")])

    def packed(self, kind: str) -> dict[str, Location]:
        """Every packed entry of `kind`, by key (unreadable indexes and lines are skipped, and the
        entries a truncated or missing pack no longer holds whole)."""
        if self.folder is None:
            return {}
        found: dict[str, Location] = {}
        for index in sorted((self.folder / kind / PACKS_FOLDER).glob("*.index")):
            pack = index.with_suffix(".pack")
            try:
                text = index.read_text(encoding="ascii")
                size = pack.stat().st_size
            except (OSError, UnicodeDecodeError):
                continue
            for line in text.split("\n"):
                fields = line.split(" ")
                if len(fields) != 4:
                    continue
                key, offset, length, digest = fields
                if offset.isdigit() and length.isdigit() and int(offset) + int(length) <= size \
                        and len(digest) in (32, 64):
                    found[key] = (pack, int(offset), int(length), digest)
        return found


def _by_pack(locations: list[Location | None]) -> dict[Path, list[int]]:
    """The indexes of the locations in each pack: each pack is opened once."""
    by_pack: dict[Path, list[int]] = {}
    for index, location in enumerate(locations):
        if location is not None:
            by_pack.setdefault(location[0], []).append(index)
    return by_pack


def read_packed(locations: list[Location | None]) -> list[bytes | None]:
    """The bytes of packed entries (each pack opened once), None where a pack does not hold one
    whole, or holds other bytes than were packed (a damaged pack)."""
    found: list[bytes | None] = [None] * len(locations)
    for pack, indexes in _by_pack(locations).items():
        try:
            with pack.open("rb") as handle:
                for index in indexes:
                    _pack, offset, length, digest = locations[index]  # type: ignore[misc]
                    data = os.pread(handle.fileno(), length, offset)
                    whole = len(data) == length and holds(data, digest)
                    found[index] = data if whole else None
        except OSError:
            continue
    return found


class Mapped(NamedTuple):
    """A packed entry where it lies in its pack, mapped into memory (`map_packed`); or bytes."""

    pack: mmap.mmap | bytes
    start: int
    end: int


def map_packed(locations: list[Location | None]) -> list[Mapped | None]:
    """`read_packed`, each entry left in its pack, mapped (each pack once) instead of read into
    memory of its own: a re-publish reads the dumps' every piece back, 700 MB at a million
    triples, and memory that a process touches for the first time cost it more than the copy
    (0.11 s for 174 MB read, against 0.03 s into memory it had touched). A pack is never
    changed once renamed into place (as git's packs), so its mapping holds what was checked."""
    found: list[Mapped | None] = [None] * len(locations)
    for pack, indexes in _by_pack(locations).items():
        try:
            with pack.open("rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else None
        except (OSError, ValueError):
            continue
        for index in indexes:
            _pack, offset, length, digest = locations[index]  # type: ignore[misc]
            if mapped is not None and offset + length <= size \
                    and holds(memoryview(mapped)[offset:offset + length], digest):
                found[index] = Mapped(mapped, offset, offset + length)
            elif length == 0 and holds(b"", digest):  # an empty pack cannot be mapped
                found[index] = Mapped(b"", 0, 0)
    return found


def write_atomic(target: Path, chunks: list[bytes]) -> bool:
    """Write `chunks`, one after the other, through a temporary file and a rename; False if it
    could not (a cache that cannot be written only costs time). Never joined first: a pack is
    tens of megabytes at 100k triples, and a copy of it is as many page faults."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as out:
            out.writelines(chunks)
        os.replace(temp, target)
    except OSError:
        return False
    return True
