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
import os
from dataclasses import dataclass
from pathlib import Path

from publisher.load import ONTOLOGY_GRAPH, SOURCE_FILE, STATEMENT_FILE, Dataset, graph_name
from publisher.load.dataset import version_language, version_source


@dataclass(frozen=True)
class Unit:
    graph: str
    files: tuple[Path, ...]
    digest: str
    #: the bytes of its files, which the work on it grows with (`Release.make_pieces_beside`)
    size: int = 0


def files_digest(files: tuple[Path, ...], dataset: Dataset, root: Path) -> tuple[str, int]:
    """The digest of the files (names and the digests of their bytes) and how many bytes they
    hold; each file's digest as `load.known` finds it (unread, where its status is unchanged)."""
    digest, size = hashlib.sha256(), 0
    top = os.path.abspath(root)
    for file in files:
        # by where it is, as given (resolving every path's links cost 0.1 s at a million triples)
        name = Path(os.path.relpath(os.path.abspath(file), top)).as_posix()
        facts = dataset.known.facts(file, root)
        digest.update(f"{name}\0{facts.size}\0{facts.digest}\n".encode())
        size += facts.size
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
    units = [Unit(graph, tuple(sorted(paths)), *files_digest(tuple(sorted(paths)), dataset, root))
             for graph, paths in sorted(files.items())]
    dataset.known.save()
    return units
