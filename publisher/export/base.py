"""What every exporter shares: the `Release` it reads and writes through, the `Exporter` base
class, and the release's file helpers (media types, SHA-256, listing)."""

from __future__ import annotations

import hashlib
import io
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, TypeVar, cast

import pyoxigraph as ox

from publisher.buildcache import BuildCache, Location, Mapped, content_key, map_packed, read_packed
from publisher.export import dumps
from publisher.export.dumps import PieceSpec
from publisher.export.files import sha256_file, sha256_place, sha256_write
from publisher.export.nogc import collector_paused
from publisher.graph import by_graph, graph_order, unit_of, unit_quads
from publisher.jobs import Background, fork_background, fork_map, runs, workers
from publisher.load import ONTOLOGY_GRAPH, Dataset
from publisher.load.units import Unit, dataset_units
from publisher.remember import unions_remembered
from publisher.settings import Settings

T = TypeVar("T")
P = TypeVar("P")
#: the products (`Release.product`) of the whole-release dumps
NTRIPLES_DUMP = "dump:ntriples"
NQUADS_DUMP = "dump:nquads"


class Release:
    """What every exporter reads.

    Per-unit outputs come from `pieces`, cached by the digest of the unit's files
    (publisher/load/units.py): a re-publish computes only the changed units' quads. The whole
    release's sorted quads and triples are built only when an exporter asks for them."""

    def __init__(self, dataset: Dataset, settings: Settings, quads: list[ox.Quad] | None = None,
                 triples: list[ox.Triple] | None = None) -> None:
        self.dataset = dataset
        self.settings = settings
        self._quads = quads
        self._triples = triples
        self._digests: dict[str, str] = {}  # by os.fspath: thousands of lookups, no Path hashing
        self._units: dict[str, list[ox.Quad]] = {}
        #: what exporters share (`product`), kept while an exporter that needs it has not written
        self._products: dict[str, Any] = {}
        self._users: Counter[str] = Counter()
        #: the release this one replaces (its folder, where there is one): unchanged files may be
        #: linked from it instead of written again
        self.previous: Path | None = None
        #: the processes making pieces beside validation (`make_pieces_beside`)
        self._making: Background[bool] | None = None
        #: with one job, the pieces `make_pieces_beside` did not begin: `pieces` makes them all
        self._unmade: list[PieceSpec] = []

    @property
    def quads(self) -> list[ox.Quad]:
        """Every quad, sorted: from the units' quads where this publish computed them all, else
        read back from the N-Quads dump, which is assembled from cached per-unit pieces
        (sorting and materializing a million quads again costs ten times more)."""
        if self._quads is None and all(unit.graph in self._units for unit in self.units):
            graphs = by_graph(quad for quads in self._units.values() for quad in quads)
            self._quads = [quad for name in sorted(graphs, key=graph_order) for quad in graphs[name]]
        elif self._quads is None:
            self._quads = list(ox.parse(self.dump("nquads"), ox.RdfFormat.N_QUADS))
        return self._quads

    @property
    def triples(self) -> list[ox.Triple]:
        """The union of the graphs, sorted: read back from the N-Triples dump, as its pieces (or
        the dump, where an exporter made it), which are not kept for this. pyoxigraph wrote
        every line of it from terms it had checked, so it is parsed `lenient` (IRIs and language
        tags not checked again: half the time; tests/export/test_pieces.py compares the two)."""
        if self._triples is None:
            stream = io.BufferedReader(dumps.ChunkReader(self.dump_chunks("ntriples")), 1 << 20)
            self._triples = [quad.triple for quad in ox.parse(stream, ox.RdfFormat.N_TRIPLES, lenient=True)]
        return self._triples

    def expect(self, writers: Iterable[Exporter]) -> None:
        """Count the exporters that will ask for each product (their `needs`), so that each is
        kept exactly until the last of them has written (`finished`), in whatever order they run."""
        self._users = Counter(name for writer in writers for name in writer.needs)

    def product(self, name: str, make: Callable[[], T]) -> T:
        """`make()`, once per publish where an exporter still to write declared it needs `name`
        (see `expect`); where none did, made for this caller alone and not kept."""
        if name in self._products:
            return cast(T, self._products[name])
        value = make()
        if self._users[name] > 0:
            self._products[name] = value
        return value

    def made(self, name: str) -> Any | None:
        """The product `name` where an exporter made it already, else None."""
        return self._products.get(name)

    def finished(self, writer: Exporter) -> None:
        """`writer` has written: let go of the products no exporter still to write needs."""
        for name in writer.needs:
            self._users[name] -= 1
            if self._users[name] <= 0:
                self._products.pop(name, None)

    def dump(self, kind: str) -> bytes:
        """The bytes of a whole-release dump ("nquads", "ntriples"), assembled from the per-unit
        pieces (a product: kept for the exporters that declared `dump:<kind>`)."""
        make = {"nquads": dumps.nquads, "ntriples": dumps.ntriples}[kind]
        return self.product(f"dump:{kind}", lambda: make(self))

    def dump_chunks(self, kind: str) -> Sequence[bytes | memoryview]:
        """A whole-release dump ("nquads", "ntriples", "trig", "turtle") as pieces to write one
        after the other: the dump itself where an exporter already made it, else the pieces
        (never joined: a dump is hundreds of megabytes)."""
        made = self.made(f"dump:{kind}")
        if made is not None:
            return [made]
        return {"nquads": dumps.nquads_chunks, "ntriples": dumps.ntriples_chunks,
                "trig": dumps.trig_chunks, "turtle": dumps.turtle_chunks}[kind](self)

    def prefetch_digests(self, paths: Sequence[Path | str]) -> None:
        """Hash files on one thread per CPU (hashlib releases the GIL): the release is hundreds
        of megabytes at a million triples."""
        todo = [key for key in (os.fspath(path) for path in paths) if key not in self._digests]
        with ThreadPoolExecutor(max_workers=workers()) as pool:
            for path, digest in zip(todo, pool.map(sha256_file, map(Path, todo)), strict=True):
                self._digests[path] = digest

    def write(self, path: Path, data: bytes) -> Path:
        """`write_bytes`, remembering the data's SHA-256 for void.ttl and SHA256SUMS (hashing
        bytes in memory costs a fraction of reading thousands of small files back)."""
        self._digests[os.fspath(path)] = sha256_write(path, data)
        return path

    def place(self, path: Path, data: bytes, folder: Path, digest: str | None = None) -> Path:
        """`write`, or a hard link to the same file of the release being replaced (`previous`)
        where that holds exactly `data` (`sha256_place`): a large file left unchanged (the
        GraphML, 108 MB at a million triples) is not written again, nor freed with the old release.
        `digest`: the data's SHA-256, where the caller has it."""
        previous = None if self.previous is None else self.previous / path.relative_to(folder)
        self._digests[os.fspath(path)] = sha256_place(path, data, previous, digest)
        return path

    def write_chunks(self, path: Path, chunks: Sequence[bytes | memoryview]) -> Path:
        """`write`, of bytes given in pieces (never joined: a dump is hundreds of megabytes)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with path.open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
                digest.update(chunk)
        self._digests[os.fspath(path)] = digest.hexdigest()
        return path

    def wrote(self, path: Path, digest: str) -> None:
        """Remember the SHA-256 of a file a forked worker wrote (`sha256_write`)."""
        self._digests[os.fspath(path)] = digest

    def digest(self, path: Path | str) -> str:
        """SHA-256 of a file this release has finished writing (void.ttl and SHA256SUMS both
        need every file's; each is read once)."""
        key = os.fspath(path)
        if key not in self._digests:
            self._digests[key] = sha256_file(Path(key))
        return self._digests[key]

    @property
    def cache(self) -> BuildCache:
        """Where exporters keep per-statement outputs between runs (publisher/buildcache.py)."""
        return BuildCache(self.settings.cache_dir)

    @cached_property
    def units(self) -> list[Unit]:
        return dataset_units(self.dataset, self.settings.root)

    @cached_property
    def ontology_digest(self) -> str:
        return next(unit.digest for unit in self.units if unit.graph == ONTOLOGY_GRAPH)

    def unit_quads(self, units: list[Unit]) -> dict[str, list[ox.Quad]]:
        """The sorted release quads of some units, computed once per publish (every exporter
        whose pieces miss asks for the same units)."""
        missing = {unit.graph for unit in units} - set(self._units)
        if missing and self._quads is not None:
            found: dict[str, list[ox.Quad]] = {name: [] for name in missing}
            for name, quads in by_graph(self._quads).items():
                if unit_of(name) in found:
                    found[unit_of(name)].extend(quads)
            self._units.update(found)
        elif missing:
            self._units.update(unit_quads(self.dataset, missing))
        return {unit.graph: self._units.get(unit.graph, []) for unit in units}

    def make_pieces_beside(self, specs: Iterable[PieceSpec]) -> None:
        """Begin making the pieces of `specs` the build cache lacks (each kind once) in forked
        processes that store them there, the units shared out in runs of about the same size
        (`runs`, in unit order): each run's units are parsed here (as validation will read
        them), in the order a parse of all of them would take, and its process is forked at
        once, making the quads of its own; so the first begins while the others' units are
        still being parsed, on a CPU that would wait. `pieces` waits for them. Nothing begins
        without a build cache; with one job, the first `pieces` asked for makes them all, unit
        by unit (`store_pieces`); the few of a re-publish (`PIECES_HERE_BYTES`) are made here."""
        if self.cache.folder is None:
            return
        kinds = list({spec.kind: spec for spec in specs}.values())
        if workers() < 2:
            self._unmade = kinds
            return
        todo = self._missing_pieces(kinds)
        if not todo:
            return
        size = sum(self.units[index].size for index, _specs in todo)
        if size <= min(PIECES_HERE_BYTES, sum(unit.size for unit in self.units) // 8):
            self.store_pieces(todo)  # a re-publish's few changed units: here, and done at once
            return

        def make(share: list[tuple[int, list[PieceSpec]]]) -> bool:
            self.store_pieces(share)
            return True

        self._making = Background(name="making the dumps' pieces")
        for share in runs(todo, workers(), lambda item: self.units[item[0]].size):
            self.dataset.load_units(self.units[index].graph for index, _specs in share)  # may raise
            self._making = self._making.beside(fork_background(make, [share], name=self._making.name))

    def _missing_pieces(self, specs: list[PieceSpec]) -> list[tuple[int, list[PieceSpec]]]:
        """Each unit (by index) with the kinds of `specs` whose piece the build cache lacks."""
        cache = self.cache
        stored = {spec.kind: cache.packed(spec.kind) for spec in specs}
        todo = []
        for index, unit in enumerate(self.units):
            missing = [spec for spec in specs if (key := self.piece_key(spec.kind, spec.code, unit))
                       not in stored[spec.kind] and not cache.has(spec.kind, key)]
            if missing:
                todo.append((index, missing))
        return todo

    def store_pieces(self, todo: list[tuple[int, list[PieceSpec]]]) -> None:
        """Make and store pieces of some units (by index, with the kinds to make), a few units at a
        time: their quads made once for every kind, and let go once their pieces are packed.
        The cyclic collector is paused: quads, triples and terms by the million, without cycles,
        which it would walk again and again (a fifth of the time, even with the loaded data
        frozen in a forked process), and which are freed as each batch is let go."""
        with collector_paused():
            for start in range(0, len(todo), UNITS_AT_ONCE):
                self._store_batch(todo[start:start + UNITS_AT_ONCE])

    def _store_batch(self, todo: list[tuple[int, list[PieceSpec]]]) -> None:
        batch = [(self.units[index], specs) for index, specs in todo]
        quads = self.unit_quads([unit for unit, _specs in batch])
        made: dict[str, list[tuple[str, bytes]]] = {}
        for unit, specs in batch:
            with unions_remembered():  # the unit's N-Triples, Turtle and JSON-LD nodes read one union
                for spec in specs:
                    key = self.piece_key(spec.kind, spec.code, unit)
                    made.setdefault(spec.kind, []).append((key, spec.make(quads.get(unit.graph, []))))
        for kind, entries in made.items():
            self.cache.put_pack(kind, entries)
        for unit, _specs in batch:
            self._units.pop(unit.graph, None)

    def _make_unmade(self) -> None:
        """Every piece `make_pieces_beside` was asked for (with one job), stored unit by unit as
        the forked processes do: a unit's quads made once for every kind and let go, its union
        made once for its N-Triples, Turtle and JSON-LD pieces (`unions_remembered`), instead
        of each kind's pieces of every unit in turn."""
        specs, self._unmade = self._unmade, []
        todo = self._missing_pieces(specs)
        if todo:
            self.store_pieces(todo)

    @property
    def making(self) -> bool:
        """Whether pieces are still to be made (`make_pieces_beside`): a process forked now could
        not wait for them."""
        return self._making is not None or bool(self._unmade)

    def piece_key(self, kind: str, code: str, unit: Unit) -> str:
        """A piece's key in the build cache: its unit's files, the ontology and the code."""
        return content_key(kind, [code, unit.graph, unit.digest, self.ontology_digest])

    def await_pieces(self) -> bool:
        """Wait for what `make_pieces_beside` began; whether it stored every piece it was asked for."""
        making, self._making = self._making, None
        if making is None or not making.started:
            return False
        return all(making.join())

    def stop_pieces(self) -> None:
        """End what `make_pieces_beside` began (a publish that does not conform, or failed)."""
        making, self._making = self._making, None
        if making is not None:
            making.stop()

    def spec_pieces(self, spec: PieceSpec, parallel: bool = False) -> list[bytes]:
        return self.pieces(spec.kind, spec.code, spec.make, parallel)

    def pieces(self, kind: str, code: str, make: Callable[[list[ox.Quad]], bytes],
               parallel: bool = False) -> list[bytes]:
        """`make(quads of the unit)` for every unit, in unit order; read back from the build
        cache for units whose files, the ontology and `code` are unchanged."""
        return [piece or b"" for piece in self._pieces(kind, code, make, parallel, read_packed)]

    def mapped_pieces(self, spec: PieceSpec, parallel: bool = False) -> list[Mapped]:
        """`pieces`, those in the build cache's packs left there, mapped (`map_packed`): a dump
        is written from them as they lie."""
        found = self._pieces(spec.kind, spec.code, spec.make, parallel, map_packed)
        return [piece if isinstance(piece, Mapped) else Mapped(piece, 0, len(piece)) for piece in found]

    def _pieces(self, kind: str, code: str, make: Callable[[list[ox.Quad]], bytes], parallel: bool,
                read: Callable[[list[Location | None]], list[P | None]]) -> list[P | bytes]:
        if self._making is not None:
            self.await_pieces()
        elif any(spec.kind == kind for spec in self._unmade):
            self._make_unmade()
        cache = self.cache
        keys = [self.piece_key(kind, code, unit) for unit in self.units]
        packed = cache.packed(kind)
        found: list[P | bytes | None] = [
            data if data is not None else cache.get(kind, key)
            for data, key in zip(read([packed.get(key) for key in keys]), keys, strict=True)]
        missing = [index for index, data in enumerate(found) if data is None]
        if missing:
            quads = self.unit_quads([self.units[index] for index in missing])
            inputs = [quads.get(self.units[index].graph, []) for index in missing]
            parallel = parallel and sum(map(len, inputs)) >= PARALLEL_MIN
            made = fork_map(make, inputs) if parallel else [make(quads) for quads in inputs]
            for index, data in zip(missing, made, strict=True):
                found[index] = data
            if len(missing) >= FEW_PIECES:  # one pack file, not thousands of small ones
                cache.put_pack(kind, [(keys[index], data) for index, data in zip(missing, made, strict=True)])
            else:
                for index, data in zip(missing, made, strict=True):
                    cache.put(kind, keys[index], data)
        return [piece if piece is not None else b"" for piece in found]


class Exporter:
    """Writes one or more files of the release into a folder."""

    name: ClassVar[str]
    media_type: ClassVar[str]
    #: exporters run by stage, then by name; stage 1 describes the files stage 0 wrote
    stage: ClassVar[int] = 0
    #: the products of the release this exporter reads (`Release.product`: "dump:ntriples",
    #: "jsonld-nodes"...): each is made once and kept until every exporter needing it has written
    needs: ClassVar[frozenset[str]] = frozenset()
    #: writes its files from the release and the build cache alone (no state for later
    #: exporters), so it can run in a forked process beside the others of its stage; these
    #: run last in their stage, heaviest `weight` first
    forkable: ClassVar[bool] = False
    weight: ClassVar[int] = 0
    #: its `start` only fills the build cache from the data as loaded, so it is begun before
    #: validation ends, beside it (`publisher.release.write.ReleaseWriter.begin`); a publish
    #: that does not conform stops it, and nothing of it reaches the release
    early: ClassVar[bool] = False

    def start(self, release: Release) -> None:
        """Begin work that can run beside the other exporters (forked processes filling the
        build cache); `write` then finds its results. `stop` ends it if the publish fails."""

    def stop(self) -> None:
        """End what `start` began and did not finish."""

    def piece_specs(self, release: Release) -> list[PieceSpec]:
        """The per-unit pieces `write` reads (`Release.pieces`), which the release makes beside
        validation (`Release.make_pieces_beside`)."""
        return []

    def write(self, release: Release, folder: Path) -> list[Path]:
        raise NotImplementedError


PARALLEL_MIN = 20_000  # quads below which forking workers costs more than it saves
FEW_PIECES = 20  # pieces made at once from which they are packed into one file
UNITS_AT_ONCE = 32  # units whose quads a process making pieces beside validation holds at once
#: the most statement bytes whose missing pieces are made at once, in this process, instead of
#: in forked ones (a re-publish's changed statements: 0.04 s for one, and nothing is then left
#: to wait for, so the dumps can begin beside validation: `ReleaseWriter.begin`)
PIECES_HERE_BYTES = 1 << 20
