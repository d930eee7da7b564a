"""Read ontology, data and shapes, remembering where each subject is written.

Files are parsed with pyoxigraph (strict, fast, errors with line numbers). Data stays as
pyoxigraph triples, one list per named graph of the release: at a million triples,
building rdflib graphs alone costs more than validating. The ontology and the shapes are
small and are rdflib graphs, which pySHACL and the exporters read. Nothing is ever
fetched: there is no `owl:imports` resolution and no remote context.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Namespace, URIRef

from publisher.errors import InputError
from publisher.load import checks as inputs
from publisher.load.files import check_source_file, display_path, read_text
from publisher.load.known import KnownFiles
from publisher.load.parse import (
    RDF_FORMATS,
    ParsedFile,
    files_graph,
    load_graph,
    parse_file,
    rdflib_triple,
    subject_lines,
    to_rdflib,
)
from publisher.settings import DATA_BASE, ONTOLOGY_NS, Settings

NIDA = Namespace(ONTOLOGY_NS)

GRAPH_BASE = DATA_BASE + "graph/"
ONTOLOGY_GRAPH = GRAPH_BASE + "ontology"
#: predicates whose objects name documents nida never loads (reported, see inputs.remote_references)
REFERENCE_PREDICATES = frozenset(str(predicate) for predicate, _name in inputs.REFERENCES)
SOURCE_FILE = "source.txt"
STATEMENT_FILE = "statement.ttl"
#: a language version of a statement, beside its statement.ttl: statement.<lang>.ttl + source.<lang>.txt
VERSION_FILE = re.compile(r"statement\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\.ttl")


def version_language(file: Path) -> str | None:
    """The language tag of a version file (`statement.ar.ttl` -> "ar"), else None."""
    match = VERSION_FILE.fullmatch(file.name)
    return match.group("lang") if match else None


def version_source(file: Path) -> Path:
    """The printed text of a version file: `statement.ar.ttl` -> `source.ar.txt`."""
    return file.parent / f"source.{version_language(file)}.txt"


def version_files(folder: Path) -> dict[str, bytes]:
    """The language versions in a statement folder (name -> bytes): each statement.<lang>.ttl
    and its source.<lang>.txt, where there is one."""
    if not folder.is_dir():
        return {}
    versions = sorted(p for p in folder.iterdir() if version_language(p) and p.is_file())
    return {p.name: p.read_bytes() for v in versions for p in (v, version_source(v)) if p.is_file()}


@dataclass(frozen=True)
class Location:
    """The file (relative to the project root where possible) and line of a subject."""

    file: str
    line: int | None = None


@dataclass(frozen=True)
class StatementSource:
    slug: str
    folder: Path
    text: str
    #: the language of a version's source (`source.ar.txt`), None for the statement's own
    language: str | None = None

    @property
    def iri(self) -> URIRef:
        suffix = f"/{self.language}" if self.language else ""
        return URIRef(f"{DATA_BASE}source/{self.slug}{suffix}")

    @property
    def file(self) -> Path:
        return self.folder / (f"source.{self.language}.txt" if self.language else SOURCE_FILE)


class Locations:
    """File and line of each subject, found only when asked: a clean run never needs them,
    and scanning every line of a million-triple collection would cost seconds."""

    def __init__(self) -> None:
        self._files: list[tuple[str, str, dict[str, str], str | None]] = []
        self._fixed: dict[str, Location] = {}
        self._remembered: dict[str, Location] = {}
        self._index: dict[str, Location] | None = None

    def add_file(self, shown: str, text: str, prefixes: dict[str, str], base: str | None) -> None:
        self._files.append((shown, text, prefixes, base))
        self._index = None

    def add(self, iri: str, location: Location) -> None:
        """A location known without reading lines (a statement's source text)."""
        self._fixed.setdefault(iri, location)
        self._index = None

    def remember(self, iri: str, location: Location) -> None:
        """A location found earlier (validation's cache), for a subject whose file is not read:
        the files read, and the fixed locations, come first."""
        self._remembered.setdefault(iri, location)

    def get(self, iri: object) -> Location | None:
        if self._index is None:
            index: dict[str, Location] = {}
            for shown, text, prefixes, base in self._files:
                for subject, line in subject_lines(text, prefixes, base).items():
                    index.setdefault(subject, Location(shown, line))
            for subject, location in self._fixed.items():
                index.setdefault(subject, location)
            self._index = index
        key = str(iri)
        return self._index.get(key) or self._remembered.get(key)


@dataclass
class Dataset:
    """Everything validation and publishing read, with file locations.

    `parts` holds the data and ontology triples of each named graph of the release
    (graph IRI -> pyoxigraph triples, no blank nodes). A dataset loaded with `lazy=True`
    parses statements only when asked (`load_units`), so that a re-publish reads only the
    statements that changed; reading `parts` loads everything."""

    ontology: Graph
    shapes: Graph
    loaded: dict[str, list[ox.Triple]] = field(default_factory=dict)
    locations: Locations = field(default_factory=Locations)
    sources: list[StatementSource] = field(default_factory=list)
    data_files: list[Path] = field(default_factory=list)
    ontology_files: list[Path] = field(default_factory=list)
    shape_files: list[Path] = field(default_factory=list)
    #: the data triples that name other documents (owl:imports, sh:shapesGraph): never loaded
    references: Graph = field(default_factory=Graph)
    root: Path = field(default_factory=Path)
    #: statement graphs not parsed yet, with their statement.ttl
    pending: dict[str, Path] = field(default_factory=dict)
    #: what is computed from the files once per load (`units.dataset_units`)
    memo: dict[Any, Any] = field(default_factory=dict)
    #: what an earlier run learnt of the input files (`load.known`): their digests
    known: KnownFiles = field(default_factory=lambda: KnownFiles(None))
    #: the language versions of each statement folder (`statement.<lang>.ttl`), loaded with it
    versions: dict[Path, list[Path]] = field(default_factory=dict)

    @property
    def parts(self) -> dict[str, list[ox.Triple]]:
        self.load_units(list(self.pending))
        return self.loaded

    def load_units(self, names: Iterable[str]) -> None:
        """Parse the statements of these graphs if they are not loaded yet."""
        for name in sorted(set(names) & set(self.pending)):
            load_statement(self.pending.pop(name), self)

    def unit_triples(self, name: str) -> list[ox.Triple]:
        self.load_units([name])
        return self.loaded.get(name, [])

    def data_triples(self) -> Iterator[ox.Triple]:
        """Every data triple (not the ontology graph's), graph by graph."""
        for name in sorted(self.parts):
            if name != ONTOLOGY_GRAPH:
                yield from self.parts[name]

    @cached_property
    def data(self) -> Graph:
        """The data as one rdflib graph, built on first use: slow at scale, for whole-graph pySHACL."""
        graph = Graph()
        for triple in self.data_triples():
            graph.add((to_rdflib(triple.subject), URIRef(triple.predicate.value),  # type: ignore[arg-type]
                       to_rdflib(triple.object)))  # type: ignore[arg-type]
        return graph



def rdf_files(path: Path, root: Path) -> list[Path]:
    """The RDF files a path names: itself, or every RDF file below a folder."""
    if not path.exists():
        raise InputError("no such file or folder", display_path(path, root))
    if path.is_file():
        if path.suffix not in RDF_FORMATS:
            raise InputError(
                f"not an RDF file (expected {', '.join(sorted(RDF_FORMATS))})", display_path(path, root)
            )
        return [path]
    found = sorted(p for p in path.rglob("*") if p.suffix in RDF_FORMATS and (p.is_file() or p.is_symlink())
                   and not any(part.startswith(".") for part in p.relative_to(path).parts))  # staging
    for broken in (p for p in found if not p.exists()):  # issue 8: a dangling link is not skipped
        raise InputError("broken link: its target does not exist", display_path(broken, root))
    return [p for p in found if p.is_file()]


def statement_folders(files: Iterable[Path]) -> Iterator[Path]:
    for file in files:
        if file.name == STATEMENT_FILE:
            yield file.parent


def load_source(folder: Path, root: Path, language: str | None = None) -> StatementSource:
    name = f"source.{language}.txt" if language else SOURCE_FILE
    source = folder / name
    if not source.exists():
        owner = f"statement.{language}.ttl" if language else "statement folder"
        raise InputError(
            f"{owner} has no {name}; add the printed text byte for byte",
            display_path(folder / f"statement.{language}.ttl" if language else folder, root),
        )
    check_source_file(source, display_path(source, root))
    return StatementSource(slug=folder.name, folder=folder, text=read_text(source, root), language=language)



def graph_name(file: Path, kind: str) -> str:
    """The named graph a file's triples are published in: one per statement, registry, ontology."""
    if kind == "ontology":
        return GRAPH_BASE + "ontology"
    if file.name == STATEMENT_FILE or version_language(file):  # a version is in its statement's graph
        return f"{GRAPH_BASE}statement/{file.parent.name}"
    return GRAPH_BASE + file.stem


def load_parts(files: Iterable[Path], root: Path, dataset: Dataset, kind: str = "data") -> list[ParsedFile]:
    """Parse files into the dataset's named graphs, noting where subjects are written."""
    parsed_files = []
    for file in files:
        parsed = parse_file(file, root)
        parsed_files.append(parsed)
        dataset.loaded.setdefault(graph_name(file, kind), []).extend(parsed.triples)
        dataset.locations.add_file(parsed.shown, parsed.text, parsed.prefixes, parsed.base)
        for triple in parsed.triples:
            if triple.predicate.value in REFERENCE_PREDICATES:
                dataset.references.add(rdflib_triple(triple.subject, triple.predicate, triple.object))
    return parsed_files


def load_statement(file: Path, dataset: Dataset) -> None:
    """A statement's graph: its statement.ttl, and its source.txt as `nida:content`; and so
    for each of its language versions (statement.<lang>.ttl, source.<lang>.txt)."""
    root = dataset.root
    versions = dataset.versions.get(file.parent, [])
    load_parts([file, *versions], root, dataset)
    for language in [None, *(version_language(v) for v in versions)]:
        source = load_source(file.parent, root, language)
        dataset.sources.append(source)
        iri = ox.NamedNode(str(source.iri))
        dataset.loaded.setdefault(graph_name(file, "data"), []).append(
            ox.Triple(iri, ox.NamedNode(str(NIDA.content)), ox.Literal(source.text)))
        dataset.locations.add(iri.value, Location(display_path(source.file, root), None))


def load_dataset(settings: Settings, paths: Iterable[Path] = (), shapes: Path | None = None,
                 ontology: Path | None = None, lazy: bool = False, known: bool = True) -> Dataset:
    """Load the data paths (default: the data folder), the ontology and the shapes; with
    `lazy`, statements are parsed only when asked for (`Dataset.load_units`); with `known`, the
    files' digests are taken from the cache folder where their status is unchanged (`load.known`)."""
    root = settings.root
    data_paths = list(paths) or [settings.data_dir]
    data_files = sorted({f for p in data_paths for f in rdf_files(p, root)})
    if not data_files:
        raise InputError("no RDF files found", ", ".join(display_path(p, root) for p in data_paths))
    ontology_files = rdf_files(ontology or settings.ontology_dir, root)
    shape_files = rdf_files(shapes or settings.shapes_dir, root)
    if not ontology_files:
        raise InputError("no ontology files found", display_path(ontology or settings.ontology_dir, root))
    if not shape_files:
        raise InputError("no shapes files found", display_path(shapes or settings.shapes_dir, root))

    check_unique_slugs(data_files, root)
    dataset = Dataset(ontology=Graph(), shapes=Graph(), data_files=data_files,
                      ontology_files=ontology_files, shape_files=shape_files, root=root,
                      known=KnownFiles(settings.cache_dir if known else None))
    statements = [f for f in data_files if f.name == STATEMENT_FILE]
    dataset.versions = statement_versions(data_files, root)
    for file in statements:
        if not (file.parent / SOURCE_FILE).is_file():  # a missing source is found before any parsing
            load_source(file.parent, root)
        for version in dataset.versions.get(file.parent, []):
            if not version_source(version).is_file():
                load_source(file.parent, root, version_language(version))
    load_parts([f for f in data_files if f.name != STATEMENT_FILE and not version_language(f)], root, dataset)
    dataset.ontology = files_graph(load_parts(ontology_files, root, dataset, kind="ontology"))
    dataset.shapes = load_graph(shape_files, root, allow_blank_nodes=True)
    dataset.pending = {graph_name(f, "data"): f for f in statements}
    # references (owl:imports...) are reported as the files are loaded: those that may have one are
    dataset.load_units(list(dataset.pending) if not lazy else
                       [graph_name(f, "data") for f in statements
                        if any(dataset.known.facts(v, root).references
                               for v in [f, *dataset.versions.get(f.parent, [])])])
    dataset.known.save()
    return dataset


def statement_versions(files: Iterable[Path], root: Path) -> dict[Path, list[Path]]:
    """The language versions (`statement.<lang>.ttl`) of each statement folder; a version
    whose folder has no statement.ttl is an error (it would translate nothing)."""
    files = list(files)
    folders = set(statement_folders(files))
    versions: dict[Path, list[Path]] = {}
    for file in files:
        if version_language(file):
            if file.parent not in folders:
                raise InputError(f"a language version needs the statement it translates: {STATEMENT_FILE}"
                                 " is missing beside it", display_path(file, root))
            versions.setdefault(file.parent, []).append(file)
    return versions


#: a statement folder's name is its IRI's last segment: RFC 3986's unreserved characters only
SLUG_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+")


def check_unique_slugs(files: Iterable[Path], root: Path) -> None:
    """A statement folder's name is the last segment of its IRIs: it must be one, and two
    folders with one name would publish into one IRI."""
    seen: dict[str, Path] = {}
    for folder in statement_folders(files):
        if not SLUG_SEGMENT.fullmatch(folder.name) or folder.name in (".", ".."):
            suggestion = "-".join(re.findall(r"[A-Za-z0-9._~]+", folder.name)) or "my-statement"
            raise InputError(f"the folder name {folder.name!r} cannot be the last part of the statement's"
                             " IRIs; rename it with letters, digits, '-', '.', '_' or '~' only"
                             f" (e.g. {suggestion!r})", display_path(folder, root))
        if folder.name in seen:
            raise InputError(
                f"duplicate statement slug {folder.name!r} (also {display_path(seen[folder.name], root)});"
                " rename one folder",
                display_path(folder, root),
            )
        seen[folder.name] = folder
