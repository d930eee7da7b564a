"""A content-addressed cache of export outputs (`.nida-cache/build/`), so re-publishing
after one statement changed redoes only that statement's work.

An entry is stored under the SHA-256 of *everything its bytes depend on* (`content_key`):
the caller hashes the input triples, the context or template, and `code_digest`; so a
stale entry can never be read back, only a missing one recomputed. Writes are atomic;
a cache that cannot be read or written only costs time, never a wrong release.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from publisher import __version__

BUILD_FOLDER = "build"


def package_versions(*packages: str) -> list[str]:
    """nida's version and each package's, for cache keys: an upgrade must not replay old results."""
    parts = [__version__]
    for package in packages:
        try:
            parts.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package}=?")
    return parts


def _library_versions() -> str:
    return "\n".join(package_versions("pyoxigraph", "pyld", "rdflib", "jinja2"))


def code_digest(*files: Path) -> str:
    """SHA-256 of library versions and the given source files: an exporter's code version."""
    digest = hashlib.sha256(_library_versions().encode("utf-8"))
    for file in files:
        digest.update(file.read_bytes())
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

    def __init__(self, folder: Path | None) -> None:
        self.folder = None if folder is None else folder / BUILD_FOLDER

    def path(self, kind: str, key: str) -> Path | None:
        return None if self.folder is None else self.folder / kind / key[:2] / key

    def get(self, kind: str, key: str) -> bytes | None:
        target = self.path(kind, key)
        if target is None:
            return None
        try:
            return target.read_bytes()
        except OSError:
            return None

    def has(self, kind: str, key: str) -> bool:
        target = self.path(kind, key)
        return target is not None and target.is_file()

    def put(self, kind: str, key: str, data: bytes) -> None:
        target = self.path(kind, key)
        if target is None:
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, target)
        except OSError:  # a cache that cannot be written only costs time
            return
