"""Read ontology, data and shapes, remembering where each subject is written.

Files are parsed with pyoxigraph (strict, fast, errors with line numbers). Data stays as
pyoxigraph triples, one list per named graph of the release: at a million triples,
building rdflib graphs alone costs more than validating. The ontology and the shapes are
small and are rdflib graphs, which pySHACL and the exporters read. Nothing is ever
fetched: there is no `owl:imports` resolution and no remote context.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from publisher import inputs
from publisher.errors import InputError
from publisher.locking import project_lock
from publisher.settings import DATA_BASE, MAX_SOURCE_BYTES, ONTOLOGY_NS, Settings
from publisher.textlines import split_lines

NIDA = Namespace(ONTOLOGY_NS)
RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
               ".jsonld": ox.RdfFormat.JSON_LD}  # JSON-LD: inline contexts only (inputs.check_jsonld)
GRAPH_BASE = DATA_BASE + "graph/"
ONTOLOGY_GRAPH = GRAPH_BASE + "ontology"
#: predicates whose objects name documents nida never loads (reported, see inputs.remote_references)
REFERENCE_PREDICATES = frozenset(str(predicate) for predicate, _name in inputs.REFERENCES)
SOURCE_FILE = "source.txt"
STATEMENT_FILE = "statement.ttl"


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

    @property
    def iri(self) -> URIRef:
        return URIRef(f"{DATA_BASE}source/{self.slug}")


class Locations:
    """File and line of each subject, found only when asked: a clean run never needs them,
    and scanning every line of a million-triple collection would cost seconds."""

    def __init__(self) -> None:
        self._files: list[tuple[str, str, dict[str, str], str | None]] = []
        self._fixed: dict[str, Location] = {}
        self._index: dict[str, Location] | None = None

    def add_file(self, shown: str, text: str, prefixes: dict[str, str], base: str | None) -> None:
        self._files.append((shown, text, prefixes, base))
        self._index = None

    def add(self, iri: str, location: Location) -> None:
        """A location known without reading lines (a statement's source text)."""
        self._fixed.setdefault(iri, location)
        self._index = None

    def get(self, iri: object) -> Location | None:
        if self._index is None:
            index: dict[str, Location] = {}
            for shown, text, prefixes, base in self._files:
                for subject, line in subject_lines(text, prefixes, base).items():
                    index.setdefault(subject, Location(shown, line))
            for subject, location in self._fixed.items():
                index.setdefault(subject, location)
            self._index = index
        return self._index.get(str(iri))


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


def display_path(path: Path, root: Path) -> str:
    """Show paths relative to the project root, as users typed them."""
    try:  # issue 8: a link is shown where it is, not where it points
        return str(Path(os.path.abspath(path)).relative_to(os.path.abspath(root)))
    except ValueError:
        pass
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


#: during `consistent_inputs`: the SHA-256 of every input file as first read, by absolute path
_FIRST_READS: dict[str, str] | None = None


@contextmanager
def consistent_inputs(root: Path) -> Iterator[None]:
    """Hold the project's lock shared (no `nida ingest` writes meanwhile) and make every read
    of an input file agree with its first: publish reads a file several times (parsing,
    cache keys, copies into the release, forked exporters), and an editor saving a file
    in between gave a release whose pages and dumps disagreed. A second read that differs
    is an input error, and nothing is published. Only digests are kept, not the bytes."""
    global _FIRST_READS
    with project_lock(root, exclusive=False):
        previous, _FIRST_READS = _FIRST_READS, {}
        try:
            yield
        finally:
            _FIRST_READS = previous


def _same_as_first_read(path: Path, data: bytes, shown: str) -> None:
    if _FIRST_READS is None:
        return
    key = os.path.abspath(path)
    digest = hashlib.sha256(data).hexdigest()
    first = _FIRST_READS.setdefault(key, digest)
    if first != digest:
        raise InputError("changed while it was being published (read twice with different contents);"
                         " nothing was published: publish again once it is saved", shown)


def read_bytes(path: Path, root: Path) -> bytes:
    """A file's bytes; what keeps it from being read, as an input error naming it."""
    shown = display_path(path, root)
    try:
        data = path.read_bytes()
        _same_as_first_read(path, data, shown)
        return data
    except FileNotFoundError:
        raise InputError("no such file", shown) from None
    except IsADirectoryError:
        raise InputError("is a folder, expected a file", shown) from None
    except PermissionError:
        raise InputError("cannot read the file (permission denied); fix its permissions", shown) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", shown) from None


def read_text(path: Path, root: Path) -> str:
    """Read a UTF-8 file; a decoding error names the line of the first bad byte."""
    shown = display_path(path, root)
    raw = read_bytes(path, root)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", shown, line
        ) from None


_SUBJECT_TOKEN = re.compile(r"^(<[^>\s]*>|[A-Za-z][\w.-]*:[^\s;,]*|:[^\s;,]*)")


def subject_lines(text: str, prefixes: dict[str, str], base: str | None) -> dict[str, int]:
    """Map each subject IRI that starts a line (column 0) to its first line number."""
    found: dict[str, int] = {}
    for number, line in enumerate(split_lines(text), start=1):
        match = _SUBJECT_TOKEN.match(line)
        if not match or line.startswith("@") or line[:6].upper() in ("PREFIX", "BASE  "):
            continue
        token = match.group(1)
        if token.startswith("<"):
            iri = urljoin(base, token[1:-1]) if base else token[1:-1]
        else:
            prefix, _, local = token.partition(":")
            if prefix not in prefixes:
                continue
            iri = prefixes[prefix] + local.replace("\\", "")
        found.setdefault(iri, number)
    return found


def to_rdflib(term: ox.NamedNode | ox.Literal) -> URIRef | Literal:
    """A pyoxigraph IRI or literal as rdflib's."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _blank_node_line(text: str) -> int | None:
    for number, line in enumerate(split_lines(text), start=1):
        if re.search(r"(^|[\s,;])(\[|_:)", line.split("#", 1)[0]):
            return number
    return None


@dataclass(frozen=True)
class ParsedFile:
    """One file's triples as pyoxigraph parsed them, with what locating its subjects needs."""

    shown: str
    text: str
    triples: list[ox.Triple]
    prefixes: dict[str, str]
    base: str | None


def parse_file(path: Path, root: Path, allow_blank_nodes: bool = False) -> ParsedFile:
    """Parse one RDF file; every input error names the file and, where it can, the line."""
    shown = display_path(path, root)
    text = read_text(path, root)
    if not text.strip():
        raise InputError("the file is empty; add triples or remove it", shown)
    inputs.check_before_parse(path.suffix, text, shown)  # issue 8: checks beyond the parser's
    try:
        parser = ox.parse(text, RDF_FORMATS[path.suffix], base_iri=None)
        triples = [quad.triple for quad in parser]  # the parser yields default-graph quads
    except SyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) else None
        raise InputError(f"invalid {path.suffix[1:]} syntax: {_syntax_message(exc)}", shown, line) from None
    except MemoryError:
        raise inputs.too_large(text, shown) from None
    typed: list[tuple[str, str]] = []
    for triple in triples:
        s, o = triple.subject, triple.object
        if isinstance(o, ox.Literal):
            if o.language is None and o.datatype.value not in inputs.PLAIN_DATATYPES:
                typed.append((o.value, o.datatype.value))
            if not isinstance(s, ox.BlankNode):
                continue
        if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
            if allow_blank_nodes:
                continue
            raise InputError("blank node in data; give the node an IRI under " + DATA_BASE,
                             shown, _blank_node_line(text))
        if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
            raise InputError("RDF-star quoted triples are not supported", shown)
    inputs.check_typed_literals(typed, text, shown)  # issue 8: ill-typed literals
    prefixes = dict(parser.prefixes) if hasattr(parser, "prefixes") else {}
    return ParsedFile(shown, text, triples, prefixes, getattr(parser, "base_iri", None))


def to_graph(parsed: ParsedFile) -> Graph:
    """An rdflib graph of a parsed file, its prefixes bound (ontology, shapes, registries to ingest)."""
    graph = Graph()
    for triple in parsed.triples:
        graph.add(_rdflib_triple(triple.subject, triple.predicate, triple.object))
    for prefix, namespace in sorted(parsed.prefixes.items()):
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def parse_rdf(path: Path, root: Path, allow_blank_nodes: bool = False) -> tuple[Graph, dict[str, int]]:
    """Parse one RDF file into an rdflib graph; return it with the line of each subject."""
    parsed = parse_file(path, root, allow_blank_nodes)
    graph = to_graph(parsed)
    if allow_blank_nodes:
        inputs.check_shapes(graph, parsed.text, parsed.shown)  # issue 8
    return graph, subject_lines(parsed.text, parsed.prefixes, parsed.base)


def _syntax_message(exc: SyntaxError) -> str:
    message = str(exc.msg) if exc.msg else str(exc)
    message = re.sub(r"\s*\([^()]*, line \d+\)\s*$", "", message)
    return message.split("\n", 1)[0]


def _rdflib_triple(s: object, p: ox.NamedNode, o: object) -> tuple[Node, Node, Node]:
    def convert(term: object) -> Node:
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        return to_rdflib(term)  # type: ignore[arg-type]

    return (convert(s), URIRef(p.value), convert(o))


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


def load_source(folder: Path, root: Path) -> StatementSource:
    source = folder / SOURCE_FILE
    if not source.exists():
        raise InputError(
            f"statement folder has no {SOURCE_FILE}; add the printed text byte for byte",
            display_path(folder, root),
        )
    check_source_file(source, display_path(source, root))
    return StatementSource(slug=folder.name, folder=folder, text=read_text(source, root))


def check_source_file(path: Path, shown: str) -> None:
    """A statement's text (`source.txt`, or the file given to `nida ingest`), checked before it is
    read: a regular file (a FIFO or /dev/zero would be read for ever) of at most MAX_SOURCE_BYTES
    (it is published as one literal)."""
    try:
        found = path.stat()
    except FileNotFoundError:
        raise InputError("no such file", shown) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", shown) from None
    if stat.S_ISDIR(found.st_mode):
        raise InputError("is a folder, expected a file", shown)  # as read_bytes says it
    if not stat.S_ISREG(found.st_mode):
        raise InputError("not a regular file (a FIFO or device); save the statement's text as a file and"
                         " give its path", shown)
    if found.st_size > MAX_SOURCE_BYTES:
        raise InputError(f"{found.st_size} bytes, more than the {MAX_SOURCE_BYTES} a source text may have"
                         " (it is published as one literal); check it is the statement's text alone", shown)


def graph_name(file: Path, kind: str) -> str:
    """The named graph a file's triples are published in: one per statement, registry, ontology."""
    if kind == "ontology":
        return GRAPH_BASE + "ontology"
    if file.name == STATEMENT_FILE:
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
                dataset.references.add(_rdflib_triple(triple.subject, triple.predicate, triple.object))
    return parsed_files


def load_statement(file: Path, dataset: Dataset) -> None:
    """A statement's graph: its statement.ttl, and its source.txt as `nida:content`."""
    root = dataset.root
    load_parts([file], root, dataset)
    source = load_source(file.parent, root)
    dataset.sources.append(source)
    iri = ox.NamedNode(str(source.iri))
    dataset.loaded.setdefault(graph_name(file, "data"), []).append(
        ox.Triple(iri, ox.NamedNode(str(NIDA.content)), ox.Literal(source.text)))
    dataset.locations.add(iri.value, Location(display_path(source.folder / SOURCE_FILE, root), None))


def merge_graphs(graphs: Iterable[Graph]) -> Graph:
    merged = Graph()
    for part in graphs:
        merged += part
        for prefix, namespace in part.namespaces():
            merged.bind(prefix, namespace, override=False)
    return merged


def load_graph(files: Iterable[Path], root: Path, allow_blank_nodes: bool = False) -> Graph:
    """Small inputs (shapes) as one rdflib graph, with their prefixes bound."""
    return merge_graphs(parse_rdf(file, root, allow_blank_nodes)[0] for file in files)


def load_dataset(settings: Settings, paths: Iterable[Path] = (),
                 shapes: Path | None = None, ontology: Path | None = None, lazy: bool = False) -> Dataset:
    """Load the data paths (default: the data folder), the ontology and the shapes; with
    `lazy`, statements are parsed only when asked for (`Dataset.load_units`)."""
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
                      ontology_files=ontology_files, shape_files=shape_files, root=root)
    statements = [f for f in data_files if f.name == STATEMENT_FILE]
    for file in statements:
        if not (file.parent / SOURCE_FILE).is_file():  # a missing source is found before any parsing
            load_source(file.parent, root)
    load_parts([f for f in data_files if f.name != STATEMENT_FILE], root, dataset)
    dataset.ontology = merge_graphs(to_graph(parsed) for parsed in
                                    load_parts(ontology_files, root, dataset, kind="ontology"))
    dataset.shapes = load_graph(shape_files, root, allow_blank_nodes=True)
    dataset.pending = {graph_name(f, "data"): f for f in statements}
    # references (owl:imports...) are reported as the files are loaded: those that may have one are
    dataset.load_units(list(dataset.pending) if not lazy else
                       [graph_name(f, "data") for f in statements if may_reference(f)])
    return dataset


def may_reference(file: Path) -> bool:
    """Whether a file may name another document (`REFERENCE_PREDICATES`, or an escaped IRI that
    could spell one): it is parsed at once, so that `references` has what it names."""
    try:
        data = file.read_bytes()
    except OSError:
        return True  # parsing it reports the error
    return any(mark in data for mark in (b"imports", b"shapesGraph", b"\\u", b"\\U"))


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
