"""Check a release folder years later: checksums, every dump re-parsed, void.ttl against it.

`verify` returns the differences, one line each; an empty list means the release is intact.
It never fetches anything: JSON-LD is read with pyoxigraph, which loads no remote context.
"""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from pathlib import Path

import bagit
import pyoxigraph as ox

from publisher.errors import InputError
from publisher.export.dcat import DCAT, RDF_TYPE, SPDX
from publisher.export.files import release_files, release_names, sha256_file
from publisher.export.void import VOID, VOID_FILE
from publisher.graph import graph_name
from publisher.load.dataset import load_dataset
from publisher.release.dcat import check_dcat_ap
from publisher.release.write import CHECKSUMS
from publisher.settings import RELEASE_BASE, Settings
from publisher.textlines import split_lines
from publisher.validation.engine import validate
from publisher.validation.render import short

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
#: dumps that hold the whole release: (file, holds named graphs)
FULL_DUMPS = {"nida.ttl": False, "nida.nt": False, "nida.jsonld": False, "nida.trig": True, "nida.nq": True}


def check_folder(dist: Path) -> None:
    if not dist.is_dir():
        raise InputError("not a folder; give the release folder (e.g. dist)", dist)
    missing = [name for name in (CHECKSUMS, VOID_FILE) if not (dist / name).is_file()]
    if missing:
        raise InputError(f"not a nida release: no {' and no '.join(missing)}", dist)


def inside(dist: Path, name: str) -> bool:
    """Whether a name a release lists is a path inside it (never absolute, never `..`, not
    through a symbolic link out of it): anything else is never opened."""
    parts = name.split("/")
    if not name or name.startswith("/") or any(part in ("", ".", "..") for part in parts) or "\0" in name:
        return False
    real, top = os.path.realpath(dist / name), os.path.realpath(dist)
    return real.startswith(top + os.sep)


def irregular_files(dist: Path) -> list[str]:
    """Names in the release that are not regular files (FIFOs, devices, sockets, symbolic
    links): nida writes none, and opening a FIFO would wait for ever."""
    found = []
    for name in release_names(dist):
        try:
            mode = os.lstat(dist / name).st_mode
        except OSError:
            continue
        if not stat.S_ISREG(mode):
            found.append(name)
    return found


def _outside(source: str, name: str) -> str:
    return f"{source}: names {name!r}, which is not a file inside the release; it was not opened"


def check_sums(dist: Path, irregular: frozenset[str] = frozenset()) -> list[str]:
    problems = []
    listed: set[str] = set()
    text = (dist / CHECKSUMS).read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(split_lines(text), 1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64:
            problems.append(f"{CHECKSUMS}:{number}: malformed line")
            continue
        listed.add(name)
        if not inside(dist, name):
            problems.append(_outside(f"{CHECKSUMS}:{number}", name))
            continue
        if name in irregular:
            continue
        path = dist / name
        if not path.is_file():
            problems.append(f"{name}: listed in {CHECKSUMS} but missing")
        elif sha256_file(path) != digest:
            problems.append(f"{name}: SHA-256 differs from {CHECKSUMS}")
    for path in release_files(dist, frozenset({CHECKSUMS})):
        if path.as_posix() not in listed:
            problems.append(f"{path.as_posix()}: not listed in {CHECKSUMS}")
    return problems


def parse(path: Path, fmt: ox.RdfFormat) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=fmt))


def _one(store: ox.Store, subject: ox.NamedNode, predicate: str) -> str | None:
    for quad in store.quads_for_pattern(subject, ox.NamedNode(predicate), None):
        if isinstance(quad.object, ox.NamedNode | ox.Literal):
            return quad.object.value
    return None


def check_void(dist: Path, void: ox.Store, parsed: dict[str, list[ox.Quad]]) -> list[str]:
    """The distributions void.ttl lists against the files (size, SHA-256), its triple counts
    against the dumps, and the catalogue against DCAT-AP 3."""
    datasets = [q.subject for q in void.quads_for_pattern(None, ox.NamedNode(VOID + "triples"), None)
                if ox.Quad(q.subject, ox.NamedNode(RDF_TYPE), ox.NamedNode(DCAT + "Dataset")) in void]
    if not datasets:
        return [f"{VOID_FILE}: describes no dcat:Dataset with a void:triples count"]
    dataset = datasets[0]
    if not isinstance(dataset, ox.NamedNode):
        return [f"{VOID_FILE}: the dataset is a blank node; a release's dataset has an IRI"]
    base = f"{RELEASE_BASE}{_one(void, dataset, DCAT + 'version')}/"
    problems = check_dcat_ap(dist / VOID_FILE)
    for quad in void.quads_for_pattern(None, ox.NamedNode(DCAT + "distribution"), None):
        problems += _check_distribution(dist, void, base, quad.object)
    problems += _check_counts(void, dataset, parsed)
    return problems


def _check_distribution(dist: Path, void: ox.Store, base: str, iri: object) -> list[str]:
    if not isinstance(iri, ox.NamedNode):
        return [f"{VOID_FILE}: a distribution without an IRI"]
    name = iri.value.removeprefix(base)
    path = dist / name
    if not inside(dist, name):
        return [_outside(VOID_FILE, name)]
    if not path.is_file():
        return [f"{name}: described in {VOID_FILE} but missing"]
    problems = []
    size = _one(void, iri, DCAT + "byteSize")
    if size != str(path.stat().st_size):
        problems.append(f"{name}: {path.stat().st_size} bytes, {VOID_FILE} says {size}")
    checksum = _one(void, iri, SPDX + "checksum")
    value = _one(void, ox.NamedNode(checksum), SPDX + "checksumValue") if checksum else None
    if value != sha256_file(path):
        problems.append(f"{name}: SHA-256 differs from {VOID_FILE}")
    return problems


def _check_counts(void: ox.Store, dataset: ox.NamedNode, parsed: dict[str, list[ox.Quad]]) -> list[str]:
    problems = []
    expected_total = _one(void, dataset, VOID + "triples")
    expected_graphs = {}
    for quad in void.quads_for_pattern(dataset, ox.NamedNode(VOID + "subset"), None):
        assert isinstance(quad.object, ox.NamedNode)
        expected_graphs[quad.object.value] = _one(void, quad.object, VOID + "triples")
    for name, named in FULL_DUMPS.items():
        if name not in parsed:
            continue
        quads = parsed[name]
        total = len({ox.Triple(q.subject, q.predicate, q.object) for q in quads})
        if str(total) != expected_total:
            problems.append(f"{name}: {total} triples, {VOID_FILE} says {expected_total}")
        if named:
            counts = Counter(graph_name(q) for q in quads)
            for graph in sorted(set(counts) | set(expected_graphs)):
                got, want = counts.get(graph, 0), expected_graphs.get(graph)
                if str(got) != want:
                    problems.append(f"{name}: graph <{graph}> has {got} triples, {VOID_FILE} says {want}")
    return problems


CRATE_FILE = "ro-crate-metadata.json"


def check_crate(dist: Path) -> list[str]:
    """With --package, the RO-Crate lists every file with its size and SHA-256."""
    try:
        metadata = json.loads((dist / CRATE_FILE).read_text(encoding="utf-8"))
        entities = {e["@id"]: e for e in metadata["@graph"]}
        parts = {part["@id"] for part in entities["./"].get("hasPart", [])}
    except (ValueError, KeyError, TypeError) as exc:
        return [f"{CRATE_FILE}: not RO-Crate metadata: {exc}"]
    problems = []
    for path in release_files(dist, frozenset({CRATE_FILE})):
        if path.as_posix() not in parts:
            problems.append(f"{path.as_posix()}: not listed in {CRATE_FILE}")
    for name in sorted(parts):
        path, entity = dist / name, entities.get(name, {})
        if not inside(dist, name):
            problems.append(_outside(CRATE_FILE, name))
            continue
        if not path.is_file():
            problems.append(f"{name}: listed in {CRATE_FILE} but missing")
            continue
        if "contentSize" in entity and entity["contentSize"] != str(path.stat().st_size):
            problems.append(f"{name}: {path.stat().st_size} bytes, {CRATE_FILE} says {entity['contentSize']}")
        if "sha256" in entity and entity["sha256"] != sha256_file(path):
            problems.append(f"{name}: SHA-256 differs from {CRATE_FILE}")
    return problems


def check_bag(bag: Path) -> list[str]:
    """A BagIt bag made by --package: the bag validates, and its data/ is a release."""
    try:
        bagit.Bag(str(bag)).validate()
    except bagit.BagValidationError as exc:
        details = getattr(exc, "details", None) or [exc.message]
        return [f"bag: {' '.join(str(d).split())}" for d in details]
    except bagit.BagError as exc:
        return [f"bag: {exc}"]
    return []


SHAPES_DIR, ONTOLOGY_DIR = "shapes", "ontology"


def check_shapes(dist: Path) -> list[str]:
    """The release conforms to the shapes it carries: each violation is a difference.

    `nida.ttl` holds everything published, entailed triples included, and is validated against
    `shapes/` and `ontology/` of the release itself (never the project's), as an archive would
    with any SHACL processor. Warnings were accepted when it was published and are not listed."""
    missing = [name for name in (SHAPES_DIR, ONTOLOGY_DIR) if not (dist / name).is_dir()]
    if missing:
        return [f"{name}/: missing; a release carries the shapes and ontology it conforms to"
                for name in missing]
    try:
        dataset = load_dataset(Settings(root=dist), [dist / "nida.ttl"], shapes=dist / SHAPES_DIR,
                               ontology=dist / ONTOLOGY_DIR)
        report = validate(dataset, engine="fast", cache_dir=None)
    except InputError as exc:
        return [f"cannot validate the release with its shapes: {exc.one_line()}"]
    lines = (f"{result.file or 'nida.ttl'}:{result.line or 0}: {short(result.focus)}: violates "
             f"{short(result.shape)}: {result.message}"
             for result in report.results if result.severity == "violation")
    return list(dict.fromkeys(lines))  # one line for the results two components of a shape give


def verify(dist: Path, shapes: bool = True) -> list[str]:
    """Every difference between the release folder and its own description, one line each.

    A BagIt bag of a release (`nida publish --package`) is verified as a bag, then its data/.
    With `shapes`, the release is also validated against the shapes it carries."""
    if (dist / "bagit.txt").is_file() and (dist / "data").is_dir():
        problems = check_bag(dist)
        return problems + [f"data/{line}" for line in verify(dist / "data", shapes)]
    check_folder(dist)
    irregular = frozenset(irregular_files(dist))
    problems = [f"{name}: not a regular file (a FIFO, device, socket or symbolic link); it was not opened"
                for name in sorted(irregular)]
    if {CHECKSUMS, VOID_FILE} & irregular:
        return problems
    problems += check_sums(dist, irregular)
    if (dist / CRATE_FILE).is_file():
        problems += check_crate(dist)
    parsed: dict[str, list[ox.Quad]] = {}
    for path in release_files(dist, frozenset({CHECKSUMS})):
        fmt = FORMATS.get(path.suffix)
        name = path.as_posix()
        if fmt is None or name == "ro-crate-metadata.json" or name in irregular:
            continue
        try:
            parsed[name] = parse(dist / path, fmt)
        except (SyntaxError, ValueError, OSError) as exc:
            problems.append(f"{name}: does not parse as {fmt.name}: {' '.join(str(exc).split())}")
    for name in FULL_DUMPS:
        if not (dist / name).is_file():
            problems.append(f"{name}: missing")
    if VOID_FILE in parsed:
        void = ox.Store()
        void.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in parsed[VOID_FILE])
        problems += check_void(dist, void, parsed)
    unsafe = [name for name in irregular if name.split("/", 1)[0] in (SHAPES_DIR, ONTOLOGY_DIR)]
    if shapes and "nida.ttl" in parsed and not unsafe:
        problems += check_shapes(dist)
    return problems
