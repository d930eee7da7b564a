"""Units of work: the input graphs of a release, each with a digest of the files it comes from.

A unit is one named graph of the data as loaded (a statement: its `statement.ttl` and
`source.txt`; a registry file; the ontology, which the release splits into the ontology
and concept-scheme graphs). The release's quads of a unit depend only on its own files
and on the ontology (materialization reads the ontology's axioms, graph by graph), so
its digest and the ontology's key every per-unit output in the build cache: a unit
whose files are unchanged is never serialized, compacted or rendered again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from publisher.load import ONTOLOGY_GRAPH, SOURCE_FILE, STATEMENT_FILE, Dataset, graph_name, read_bytes
from publisher.load.dataset import version_language, version_source


@dataclass(frozen=True)
class Unit:
    graph: str
    files: tuple[Path, ...]
    digest: str
    #: the bytes of its files, which the work on it grows with (`Release.make_pieces_beside`)
    size: int = 0


def files_digest(files: tuple[Path, ...], root: Path) -> tuple[str, int]:
    """The digest of the files (names and bytes) and how many bytes they hold."""
    digest, size = hashlib.sha256(), 0
    for file in files:
        try:
            name = file.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            name = file.name
        data = read_bytes(file, root)
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
        size += len(data)
    return digest.hexdigest(), size


def dataset_units(dataset: Dataset, root: Path) -> list[Unit]:
    """The units of a loaded dataset, sorted by graph IRI (their files read once per load:
    validation and the exporters both key by them)."""
    key = ("units", root)
    if key not in dataset.memo:
        dataset.memo[key] = _units(dataset, root)
    found: list[Unit] = dataset.memo[key]
    return found


def _units(dataset: Dataset, root: Path) -> list[Unit]:
    files: dict[str, list[Path]] = {}
    for file in dataset.data_files:
        files.setdefault(graph_name(file, "data"), []).append(file)
        if file.name == STATEMENT_FILE:
            files[graph_name(file, "data")].append(file.parent / SOURCE_FILE)
        elif version_language(file):
            files[graph_name(file, "data")].append(version_source(file))
    files[ONTOLOGY_GRAPH] = list(dataset.ontology_files)
    return [Unit(graph, tuple(sorted(paths)), *files_digest(tuple(sorted(paths)), root))
            for graph, paths in sorted(files.items())]
