"""Exporters: one small class per file format of the release, registered by name."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox

from publisher.buildcache import BuildCache
from publisher.load import Dataset
from publisher.settings import Settings


@dataclass(frozen=True)
class Release:
    """What every exporter reads: the sorted triples and where they came from."""

    quads: list[ox.Quad]
    triples: list[ox.Triple]
    dataset: Dataset
    settings: Settings

    @property
    def cache(self) -> BuildCache:
        """Where exporters keep per-statement outputs between runs (publisher/buildcache.py)."""
        return BuildCache(self.settings.cache_dir)


class Exporter:
    """Writes one or more files of the release into a folder."""

    name: ClassVar[str]
    media_type: ClassVar[str]
    #: exporters run by stage, then by name; stage 1 describes the files stage 0 wrote
    stage: ClassVar[int] = 0

    def write(self, release: Release, folder: Path) -> list[Path]:
        raise NotImplementedError


EXPORTERS: dict[str, type[Exporter]] = {}


def register(cls: type[Exporter]) -> type[Exporter]:
    EXPORTERS[cls.name] = cls
    return cls


def exporters() -> list[Exporter]:
    _load_builtin()
    return [EXPORTERS[name]() for name in sorted(EXPORTERS, key=lambda n: (EXPORTERS[n].stage, n))]


def _load_builtin() -> None:
    from publisher.export import (  # noqa: F401
        copies,
        html,
        jsonld,
        ntriples,
        quads,
        queries,
        records,
        turtle,
        void,
    )


def write_bytes(path: Path, data: bytes) -> Path:
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
    ".html": "text/html",
    ".css": "text/css",
    ".txt": "text/plain",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


def sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def media_type(path: Path) -> str:
    if path.name == "SHA256SUMS":
        return "text/plain"
    return MEDIA_TYPES.get(path.suffix, "application/octet-stream")


def release_files(folder: Path, exclude: frozenset[str] = frozenset()) -> list[Path]:
    """Every file under `folder`, relative to it, sorted by POSIX path."""
    files = (p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
    return sorted((p for p in files if p.as_posix() not in exclude), key=lambda p: p.as_posix())


Writer = Callable[[Release, Path], list[Path]]
