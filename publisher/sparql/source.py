"""What queries run over: a release's N-Quads dump, or the project's data loaded as the release would be."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from publisher.graph import release_quads
from publisher.load.dataset import load_dataset
from publisher.settings import Settings
from publisher.sparql.screen import QueryError

NQUADS_FILE = "nida.nq"


NTRIPLES_FILE = "nida.nt"


@dataclass(frozen=True)
class Source:
    """What to query: a release folder (`kind="release"`) or a project's data (`"data"`)."""

    kind: str
    path: Path
    settings: Settings = field(repr=False)

    def describe(self) -> str:
        if self.kind == "release":
            return f"the release in {self.path}"
        return f"the data in {self.path} (release built in memory)"


def resolve_source(settings: Settings, data: Path | None = None) -> Source:
    """`--data` names a release folder (it has nida.nt or nida.nq) or a data folder;
    without it: the release in dist/ if there is one, else data/."""
    candidates = [data] if data is not None else [settings.out_dir, settings.data_dir]
    for path in candidates:
        if (path / NQUADS_FILE).is_file() or (path / NTRIPLES_FILE).is_file():
            return Source("release", path, settings)
        if path.is_dir() and data is not None:
            root = path.resolve().parent
            return Source("data", path, replace(settings, root=root))
    if data is None and settings.data_dir.is_dir():
        return Source("data", settings.data_dir, settings)
    raise QueryError(f"{candidates[0]}: no release (nida.nt/nida.nq) or data folder here; run `nida publish`"
                     " or give --data")


def source_quads(source: Source) -> list[ox.Quad]:
    """Every quad of the source: a release's N-Quads (or N-Triples, default graph), or the
    data folder's release quads built in memory."""
    if source.kind == "release":
        nq, nt = source.path / NQUADS_FILE, source.path / NTRIPLES_FILE
        try:
            if nq.is_file():
                return list(ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS))
            return list(ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES))
        except (OSError, SyntaxError) as exc:
            raise QueryError(f"{source.path}: cannot read the release: {exc}") from None
    dataset = load_dataset(source.settings, [source.path])
    return release_quads(dataset)


def open_store(source: Source) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(source_quads(source))
    return store
