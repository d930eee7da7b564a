"""Exporters: one small class per file format of the release, registered by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox

from publisher.load import Dataset
from publisher.settings import Settings


@dataclass(frozen=True)
class Release:
    """What every exporter reads: the sorted triples and where they came from."""

    quads: list[ox.Quad]
    triples: list[ox.Triple]
    dataset: Dataset
    settings: Settings


class Exporter:
    """Writes one or more files of the release into a folder."""

    name: ClassVar[str]
    media_type: ClassVar[str]

    def write(self, release: Release, folder: Path) -> list[Path]:
        raise NotImplementedError


EXPORTERS: dict[str, type[Exporter]] = {}


def register(cls: type[Exporter]) -> type[Exporter]:
    EXPORTERS[cls.name] = cls
    return cls


def exporters() -> list[Exporter]:
    _load_builtin()
    return [EXPORTERS[name]() for name in EXPORTERS]


def _load_builtin() -> None:
    from publisher.export import copies, html, jsonld, ntriples, turtle  # noqa: F401


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


Writer = Callable[[Release, Path], list[Path]]
