"""The site index: what a re-publish needs to build only the pages a change can reach.

One SQLite file in the build cache (`html/site.sqlite`) holds:

- every unit's asserted triples, by subject (N-Triples lines: those from which a value of
  `BRIEF_PROPERTIES` follows apart from the rest) and by object (the subjects pointing at it),
  from which `StoredSite` answers a page's lookups as `html.Site` answers them from memory,
  materializing as the release does (the ontology is fixed by the fingerprint);
- every page: its title, cache key, subjects and source text, and the tokens of the lookups
  it made while it was built (`html.Site.reads`);
- every file of html/ as published (key, SHA-256, inode, size, modification time), so that
  files no change reached are linked from the release being replaced where still as written;
- the digests of the units it describes, and a fingerprint of the code, JSON-LD context and
  ontology the pages were made with (an index of another fingerprint is not used).

A page's bytes are a function of the answers to its lookups, so after a change only the pages
that looked up something whose answer the change can alter (rows of a changed unit that differ,
before or after) are built again, keyed, and rendered where their key is not in the build cache.
A new index is written whole after a full build; a re-publish changes it in one transaction.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from publisher.buildcache import Location
from publisher.export import Release, sha256_file
from publisher.export.cached import CacheStats
from publisher.export.html import (
    BRIEF_PROPERTIES,
    CACHE_KIND,
    HTML_FOLDER,
    RDF_TYPE,
    TERMS_TOKEN,
    Built,
    HtmlExporter,
    Objects,
    Plan,
    Site,
    _iri,
    brief_token,
    build_group,
    copy_packed,
    object_token,
    packing,
    page_link,
    page_path,
    subject_token,
    write_index,
)
from publisher.forkmap import Background, fork_background, fork_map, workers
from publisher.graph import RDF_TYPE as RDF_TYPE_NODE
from publisher.graph import Axioms, inferred_triples, ontology_axioms, sorted_unique, triple_text
from publisher.load import ONTOLOGY_GRAPH
from publisher.settings import ONTOLOGY_NS

INDEX_FILE = "site.sqlite"
BATCH = 500  # subjects per query (SQLite allows 32,766 parameters)
TABLES = """
CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE subjects(subject TEXT NOT NULL, unit TEXT NOT NULL, brief TEXT NOT NULL, rest TEXT NOT NULL);
CREATE TABLE objects(object TEXT NOT NULL, predicate TEXT NOT NULL, unit TEXT NOT NULL,
                     subjects TEXT NOT NULL);
CREATE TABLE pages(path TEXT PRIMARY KEY, title TEXT NOT NULL, key TEXT NOT NULL, owner TEXT,
                   subjects TEXT NOT NULL, texts TEXT NOT NULL);
CREATE TABLE reads(token TEXT NOT NULL, path TEXT NOT NULL);
CREATE TABLE files(path TEXT PRIMARY KEY, key TEXT NOT NULL, digest TEXT NOT NULL, stat TEXT NOT NULL);
"""
#: made once the tables are filled (building an index at once costs less than row by row)
#: a transaction survives the process, not always the machine (a cache: what is lost is rebuilt)
DURABILITY = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
ROW_INDEXES = """
CREATE INDEX subjects_subject ON subjects(subject);
CREATE INDEX subjects_unit ON subjects(unit);
CREATE INDEX objects_object ON objects(object, predicate);
CREATE INDEX objects_unit ON objects(unit);
"""
PAGE_INDEXES = """
CREATE INDEX reads_token ON reads(token);
CREATE INDEX reads_path ON reads(path);
"""
#: a file of html/ as published: its path, build cache key, SHA-256, and `file_stat` where it was
#: written (so that the next publish links it from the release it replaces, if it is still there)
FileRow = tuple[str, str, str, str]
#: subject, unit, and the N-Triples lines of the unit's asserted triples about the subject: those
#: from which something of `BRIEF_PROPERTIES` follows, and the rest
SubjectRow = tuple[str, str, str, str]
#: object, predicate, unit, and the subjects of the unit's asserted triples with them (one a line)
ObjectRow = tuple[str, str, str, str]


@dataclass
class IndexedPage:
    """A page as the index keeps it: enough to copy it from the build cache and list it."""

    path: str
    title: str
    key: str
    owner: str | None
    subjects: list[str]
    #: (path under html/, build cache key) of the source text written beside the page
    texts: list[tuple[str, str]] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)


@dataclass
class UnitRows:
    """A unit's asserted triples as rows of the index (what is materialized from them follows
    from the ontology's axioms, which the index's fingerprint fixes)."""

    unit: str
    subjects: list[SubjectRow]
    objects: list[ObjectRow]

    def differences(self, other: UnitRows) -> UnitRows:
        """The rows of either that the other does not have the same (a changed unit's triples
        that changed: a unit is one registry file of thousands of organizations)."""
        mine_s, theirs_s = set(self.subjects), set(other.subjects)
        mine_o, theirs_o = set(self.objects), set(other.objects)
        return UnitRows(self.unit, sorted(mine_s ^ theirs_s), sorted(mine_o ^ theirs_o))

    def tokens(self, axioms: Axioms) -> set[str]:
        """The lookups these triples, and those materialized from them, answer (part of): for
        rows that are differences (`differences`), a subject's brief values were read
        differently only where its brief lines differ."""
        found = {subject_token(row[0]) for row in self.subjects}
        briefs: dict[str, list[str]] = defaultdict(list)
        for subject, _unit, brief, _rest in self.subjects:
            briefs[subject].append(brief)
        # a subject's row before and after (two), or one added or removed
        found |= {brief_token(subject) for subject, lines in briefs.items()
                  if (len(set(lines)) > 1 if len(lines) > 1 else lines[0] != "")}
        for obj, predicate, _unit, _subjects in self.objects:
            node = ox.NamedNode(obj)
            supers = axioms.properties.get(ox.NamedNode(predicate), ())
            pairs = [(obj, predicate)] + [(obj, p.value) for p in supers]
            if predicate == RDF_TYPE:
                pairs += [(c.value, RDF_TYPE) for c in axioms.classes.get(node, ())]
            for o, p in pairs:
                found |= {object_token(o, p), object_token(o, None)}
        if any(row[0].startswith(ONTOLOGY_NS) for row in self.subjects):
            found.add(TERMS_TOKEN)
        return found


def _line(triple: ox.Triple) -> str:
    return triple_text(triple) + " .\n"


def brief_sources(axioms: Axioms) -> frozenset[str]:
    """The predicates of the asserted triples from which a triple of `BRIEF_PROPERTIES` follows."""
    found = set(BRIEF_PROPERTIES)
    for predicate, supers in axioms.properties.items():
        if any(p.value in BRIEF_PROPERTIES for p in supers):
            found.add(predicate.value)  # type: ignore[union-attr]
    return frozenset(found)


def unit_rows(unit: str, asserted: Iterable[ox.Triple], brief: frozenset[str]) -> UnitRows:
    """The rows of a unit: its asserted triples by subject, and the subjects of those whose
    object is an IRI by (object, predicate)."""
    by_subject: dict[str, tuple[list[str], list[str]]] = {}
    by_object: dict[tuple[str, str], list[str]] = {}
    for triple in asserted:
        subject, predicate = _iri(triple.subject), triple.predicate.value
        by_subject.setdefault(subject, ([], []))[0 if predicate in brief else 1].append(_line(triple))
        if isinstance(triple.object, ox.NamedNode):
            by_object.setdefault((triple.object.value, predicate), []).append(subject)
    return UnitRows(
        unit,
        [(s, unit, "".join(b), "".join(r)) for s, (b, r) in by_subject.items()],
        [(o, p, unit, "\n".join(subjects)) for (o, p), subjects in by_object.items()],
    )


def _subject_node(text: str) -> ox.NamedNode | ox.BlankNode:
    return ox.BlankNode(text[2:]) if text.startswith("_:") else ox.NamedNode(text)


def with_inferred(asserted: list[ox.Triple], axioms: Axioms) -> list[ox.Triple]:
    """Asserted triples with what the release materializes from them, sorted, once each."""
    made = [i for t in asserted if t.predicate == RDF_TYPE_NODE or t.predicate in axioms.properties
            for i in inferred_triples(t, axioms)]
    return sorted_unique([*asserted, *made], triple_text)


def _parse(text: str) -> list[ox.Triple]:
    return [quad.triple for quad in ox.parse(text, ox.RdfFormat.N_TRIPLES)] if text else []


class LostEntry(Exception):
    """A page the index would copy is not in the build cache after all: build every page."""


class SiteIndex:
    """An open site index; changes are made in one transaction (`commit`)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection

    @classmethod
    def open(cls, path: Path, fingerprint: str) -> SiteIndex | None:
        """The index at `path` if it was made with `fingerprint`, else None."""
        if not path.is_file():
            return None
        try:
            db = sqlite3.connect(path, isolation_level="DEFERRED")
            db.executescript(DURABILITY)
            found = db.execute("SELECT value FROM meta WHERE name = 'fingerprint'").fetchone()
        except sqlite3.Error:
            return None
        if found is None or found[0] != fingerprint:
            db.close()
            return None
        return cls(db)

    @staticmethod
    def write_rows(release: Release, path: Path) -> bool:
        """A new index of the release's triples, without pages yet, in a file of its own (in a
        process beside the pages being built; `finish` adds them)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        db = sqlite3.connect(path)
        try:
            db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + TABLES)
            brief = brief_sources(release_axioms(release))
            for unit in release.units:
                SiteIndex(db).add_rows(unit_rows(unit.graph, release.dataset.unit_triples(unit.graph), brief))
            db.executescript(ROW_INDEXES)
            db.commit()
        finally:
            db.close()
        return True

    @staticmethod
    def finish(rows: Path, path: Path, fingerprint: str, units: dict[str, str],
               pages: Iterable[IndexedPage], files: Iterable[FileRow]) -> None:
        """Add the pages and the fingerprint to an index of `write_rows`, and put it at `path`."""
        db = sqlite3.connect(rows)
        try:
            db.executescript(DURABILITY)
            index = SiteIndex(db)
            index.put_pages(pages)
            index.put_files(files)
            index.set_meta(fingerprint, units)
            db.executescript(PAGE_INDEXES)
            db.commit()
        finally:
            db.close()  # the last connection: the write-ahead log is checkpointed and removed
        for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)  # an old index's, left by a killed process: not this one's
        rows.replace(path)

    def close(self) -> None:
        self.db.close()

    def commit(self) -> None:
        self.db.commit()

    # -- units ------------------------------------------------------------------------

    def set_meta(self, fingerprint: str, units: dict[str, str]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                            [("fingerprint", fingerprint), ("units", json.dumps(units, sort_keys=True))])

    def units(self) -> dict[str, str]:
        """The digest of every unit the index describes, by graph."""
        found = self.db.execute("SELECT value FROM meta WHERE name = 'units'").fetchone()
        return dict(json.loads(found[0])) if found else {}

    def unit_rows(self, unit: str) -> UnitRows:
        """The rows of a unit as the index has them."""
        return UnitRows(unit, list(self.db.execute("SELECT * FROM subjects WHERE unit = ?", (unit,))),
                        list(self.db.execute("SELECT * FROM objects WHERE unit = ?", (unit,))))

    def remove_unit(self, unit: str) -> None:
        self.db.execute("DELETE FROM subjects WHERE unit = ?", (unit,))
        self.db.execute("DELETE FROM objects WHERE unit = ?", (unit,))

    def add_rows(self, rows: UnitRows) -> None:
        self.db.executemany("INSERT INTO subjects VALUES (?, ?, ?, ?)", rows.subjects)
        self.db.executemany("INSERT INTO objects VALUES (?, ?, ?, ?)", rows.objects)

    # -- pages ------------------------------------------------------------------------

    def pages(self) -> dict[str, IndexedPage]:
        """Every page (without its lookups), by path."""
        return {path: IndexedPage(path, title, key, owner, json.loads(subjects),
                                  [(p, k) for p, k in json.loads(texts)])
                for path, title, key, owner, subjects, texts in self.db.execute("SELECT * FROM pages")}

    def pages_reading(self, tokens: Iterable[str]) -> set[str]:
        """The pages that made any of these lookups."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS touched(token TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM touched")
        self.db.executemany("INSERT OR IGNORE INTO touched VALUES (?)", ((t,) for t in tokens))
        query = "SELECT DISTINCT reads.path FROM touched JOIN reads ON reads.token = touched.token"
        return {row[0] for row in self.db.execute(query)}

    def files(self) -> dict[str, FileRow]:
        return {row[0]: row for row in self.db.execute("SELECT * FROM files")}

    def put_files(self, rows: Iterable[FileRow]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", rows)

    def remove_files(self, paths: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM files WHERE path = ?", ((path,) for path in paths))

    def remove_pages(self, paths: Iterable[str]) -> None:
        for path in paths:
            self.db.execute("DELETE FROM pages WHERE path = ?", (path,))
            self.db.execute("DELETE FROM reads WHERE path = ?", (path,))

    def put_pages(self, pages: Iterable[IndexedPage]) -> None:
        listed = list(pages)
        self.db.executemany("INSERT INTO pages VALUES (?, ?, ?, ?, ?, ?)", (
            (page.path, page.title, page.key, page.owner, json.dumps(page.subjects), json.dumps(page.texts))
            for page in listed))
        self.db.executemany("INSERT INTO reads VALUES (?, ?)",
                            ((token, page.path) for page in listed for token in page.reads))


class StoredSite(Site):
    """`html.Site` answering from the site index: the lookups of a few pages cost a few
    queries each, where loading the release costs seconds at a million triples. What a page
    shows of the resources it links to (`BRIEF_PROPERTIES`: labels, types...) is read without
    the rest of their triples."""

    def __init__(self, index: SiteIndex, axioms: Axioms) -> None:
        super().__init__()
        self.db = index.db
        self.axioms = axioms
        self._loaded: dict[str, tuple[list[ox.Triple], set[ox.Triple], dict[str, Objects]]] = {}
        self._briefs: dict[str, dict[str, Objects]] = {}
        self._labels: dict[str, str] = {}
        self._pointers: dict[str, list[ox.Triple]] = {}

    def _load(self, subject: str) -> tuple[list[ox.Triple], set[ox.Triple], dict[str, Objects]]:
        found = self._loaded.get(subject)
        if found is None:
            rows = self.db.execute("SELECT brief, rest FROM subjects WHERE subject = ?", (subject,))
            asserted = _parse("".join(brief + rest for brief, rest in rows))
            triples = with_inferred(asserted, self.axioms)
            found = self._loaded[subject] = (triples, set(asserted), _by_predicate(triples))
        return found

    def _brief(self, subject: str) -> dict[str, Objects]:
        if subject not in self._briefs:
            self._fetch_briefs([subject])
        return self._briefs[subject]

    def _fetch_briefs(self, subjects: Iterable[str]) -> None:
        """The brief triples of many subjects, a few queries for all (an organization's page
        shows hundreds of signatures and statements)."""
        wanted = sorted({s for s in subjects if s not in self._briefs})
        lines: dict[str, list[str]] = {subject: [] for subject in wanted}
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start:start + BATCH]
            query = f"SELECT subject, brief FROM subjects WHERE subject IN ({','.join('?' * len(batch))})"
            for subject, brief in self.db.execute(query, batch):
                lines[subject].append(brief)
        for subject, found in lines.items():
            self._briefs[subject] = _by_predicate(with_inferred(_parse("".join(found)), self.axioms))

    def exists(self, subject: str) -> bool:
        return self.db.execute("SELECT 1 FROM subjects WHERE subject = ?", (subject,)).fetchone() is not None

    def _subject_triples(self, subject: str) -> list[ox.Triple]:
        return self._load(subject)[0]

    def _objects(self, subject: str, predicate: str) -> Objects:
        if predicate in BRIEF_PROPERTIES and subject not in self._loaded:
            return self._brief(subject).get(predicate, [])
        return self._load(subject)[2].get(predicate, [])

    def _is_asserted(self, triple: ox.Triple) -> bool:
        return triple in self._load(_iri(triple.subject))[1]

    def _label(self, subject: str) -> str:
        if subject not in self._labels:
            self._labels[subject] = self._own_label(subject)
        return self._labels[subject]

    def _pointing(self, iri: str) -> list[ox.Triple]:
        if iri not in self._pointers:
            rows = self.db.execute("SELECT predicate, subjects FROM objects WHERE object = ?", (iri,))
            node = ox.NamedNode(iri)
            found = [ox.Triple(_subject_node(s), ox.NamedNode(p), node) for p, subjects in rows
                     for s in subjects.split("\n")]
            self._pointers[iri] = sorted_unique(found, triple_text)
            self._fetch_briefs(_iri(t.subject) for t in found)  # what the page shows of each
        return self._pointers[iri]

    def _terms(self) -> list[str]:
        query = "SELECT DISTINCT subject FROM subjects WHERE subject >= ? AND subject < ?"
        return sorted(row[0] for row in self.db.execute(query, (ONTOLOGY_NS, ONTOLOGY_NS + "\U0010ffff")))

    def _subjects_of_type(self, type_iri: str) -> list[str]:
        """The subjects whose asserted or materialized types include `type_iri`: those of an
        asserted triple from which ``?s rdf:type <type_iri>`` follows (`graph.inferred`)."""
        target, rdf_type = ox.NamedNode(type_iri), ox.NamedNode(RDF_TYPE)
        found: set[str] = set()
        query = "SELECT object, predicate, subjects FROM objects WHERE predicate = ? OR object = ?"
        typing = [p.value for p, supers in self.axioms.properties.items() if rdf_type in supers]  # type: ignore[union-attr]
        for obj, predicate, subjects in self.db.execute(query, (RDF_TYPE, type_iri)):
            node = ox.NamedNode(obj)
            if ((predicate == RDF_TYPE and (node == target or target in self.axioms.classes.get(node, ())))
                    or (predicate in typing and node == target)):
                found.update(subjects.split("\n"))
        return sorted(found)


def _by_predicate(triples: list[ox.Triple]) -> dict[str, Objects]:
    found: dict[str, Objects] = defaultdict(list)
    for triple in triples:
        found[triple.predicate.value].append(triple.object)  # type: ignore[arg-type]
    return dict(found)


def indexed(built: Built) -> IndexedPage:
    """What the index keeps of a page that was built."""
    return IndexedPage(built.path, built.title, built.key, built.owner, built.subjects,
                       [(path, key) for path, _digest, key in built.texts], built.reads)


def written_rows(built: Built, root: Path) -> list[FileRow]:
    """The rows of a built page's files (the page and its source text) as written under `root`."""
    return [(path, key, digest, file_stat(root / path))
            for path, digest, key in [(built.path, built.digest or "", built.key), *built.texts]]


def rows_file(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.rows")


def start_rows(release: Release, path: Path, fingerprint: str) -> Background[bool] | None:
    """Begin a new index's rows in a forked process, unless the index at `path` can be used."""
    found = SiteIndex.open(path, fingerprint)
    if found is not None:
        found.close()
        return None
    return fork_background(lambda target: SiteIndex.write_rows(release, target), [rows_file(path)])


def create_for(release: Release, fingerprint: str, built: list[Built], path: Path,
               rows: Background[bool] | None, root: Path) -> Background[bool]:
    """The site index of a release whose pages were all built, from the rows `start_rows`
    began (written where it did not, or failed), in a forked process beside the other
    exporters (here on one CPU): join what it returns. A cache that cannot be written only
    costs the next publish its time."""
    rows_written = rows is not None and rows.join() == [True]  # a child's: joined by its parent
    target = rows_file(path)  # named by this process, as `start_rows` named it
    try:  # here: the staged release is moved once the exporters are done
        files = [row for b in built for row in written_rows(b, root)]
    except OSError:
        with contextlib.suppress(OSError):
            target.unlink(missing_ok=True)
        return Background()

    def finish(_task: None) -> bool:
        _finish(release, fingerprint, built, path, target, rows_written, files)
        return True

    finishing = fork_background(finish, [None])
    if not finishing.started:
        finish(None)
    return finishing


def _finish(release: Release, fingerprint: str, built: list[Built], path: Path, target: Path,
            rows_written: bool, files: list[FileRow]) -> None:
    units = {unit.graph: unit.digest for unit in release.units}
    pages = (indexed(b) for b in built)
    try:
        if not rows_written:
            SiteIndex.write_rows(release, target)
        SiteIndex.finish(target, path, fingerprint, units, pages, files)
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError):
            target.unlink(missing_ok=True)


def write_changed(exporter: HtmlExporter, release: Release, folder: Path, path: Path, fingerprint: str,
                  context: dict[str, Any], version: str) -> list[Path] | None:
    """The pages of a release from the site index at `path`: those whose lookups meet a changed
    unit built again, the others copied from the build cache; None where there is no index made
    with `fingerprint` (or it cannot be read), and the pages must all be built."""
    index = SiteIndex.open(path, fingerprint)
    if index is None:
        return None
    try:
        return _write_changed(exporter, release, folder, index, fingerprint, context, version)
    except (sqlite3.Error, LostEntry):
        return None
    finally:
        index.close()


def release_axioms(release: Release) -> Axioms:
    return ontology_axioms(release.dataset.unit_triples(ONTOLOGY_GRAPH))


def _changed_tokens(release: Release, index: SiteIndex, axioms: Axioms) -> tuple[set[str], dict[str, str]]:
    """Replace the changed units' rows in the index (not committed); the lookups their triples
    answered before or answer now, and the digest of every unit now."""
    before = index.units()
    now = {unit.graph: unit.digest for unit in release.units}
    changed = sorted(g for g in before.keys() | now.keys() if before.get(g) != now.get(g))
    brief = brief_sources(axioms)
    rows = [unit_rows(unit, release.dataset.unit_triples(unit), brief) for unit in changed if unit in now]
    new = {row.unit: row for row in rows}
    tokens: set[str] = set()
    for unit in changed:
        old = index.unit_rows(unit)
        tokens |= old.differences(new.get(unit, UnitRows(unit, [], []))).tokens(axioms)
        index.remove_unit(unit)
    for row in rows:
        index.add_rows(row)
    return tokens, now


def _plans(site: StoredSite, paths: Iterable[str], pages: dict[str, IndexedPage],
           subjects: set[str]) -> list[Plan]:
    """The plans of some pages now: their subjects before, with those of the changed units."""
    by_path: dict[str, set[str]] = defaultdict(set)
    for subject in subjects:
        page = page_path(subject)
        if page is not None:
            by_path[page].add(subject)
    plans = []
    for path in sorted(paths):
        old = pages.get(path)
        found = sorted(s for s in {*(old.subjects if old else ()), *by_path[path]} if site.exists(s))
        if found:
            owner = next((s for s in found if page_link(s) == path), None)
            plans.append(Plan(path, found, owner))
    return plans


def _write_changed(exporter: HtmlExporter, release: Release, folder: Path, index: SiteIndex,
                   fingerprint: str, context: dict[str, Any], version: str) -> list[Path]:
    cache, root = release.cache, folder / HTML_FOLDER
    axioms = release_axioms(release)
    tokens, units = _changed_tokens(release, index, axioms)
    site = StoredSite(index, axioms)
    pages = index.pages()
    packed = cache.packed(CACHE_KIND)
    subjects = {token[2:] for token in tokens if token.startswith("s ")}
    reached = index.pages_reading(tokens) | {p for s in subjects if (p := page_path(s)) is not None}
    reached |= {p for p, page in pages.items()
                if page.key not in packed or any(key not in packed for _path, key in page.texts)}
    plans = _plans(site, reached, pages, subjects)
    previous = None if release.previous is None else release.previous / HTML_FOLDER
    store, keep = packing(cache, root, previous)
    # here, and rendered here: the pages' own nodes are compacted, not read from the dump
    built = build_group(site, plans, context, version, root, packed, {}, store, keep, previous)
    kept = [page for path, page in pages.items() if path not in reached]
    index.remove_pages(reached)
    index.put_pages(indexed(b) for b in built)
    published = index.files()
    placed = _place_kept(sorted((page.path, page.key) for page in kept)
                         + sorted(t for page in kept for t in page.texts), packed, root, previous, published)
    rows = {row[0]: row for row in [*placed, *(row for b in built for row in written_rows(b, root))]}
    index.remove_files(published.keys() - rows.keys())
    index.put_files(row for path, row in rows.items() if published.get(path) != row)
    index.set_meta(fingerprint, units)
    index.commit()
    files = sorted([(b.path, [p for p, _d, _k in b.texts]) for b in built]
                   + [(page.path, [p for p, _k in page.texts]) for page in kept])
    written: list[Path] = []
    for page_file, text_files in files:  # each page, then its source text, as `HtmlExporter._write`
        for path in (page_file, *text_files):
            release.wrote(root / path, rows[path][2])
            written.append(root / path)
    missed = sorted(b.path for b in built if b.rendered)
    exporter.stats = CacheStats(hits=len(kept) + len(built) - len(missed), misses=len(missed), missed=missed)
    titles = sorted([(b.path, b.title) for b in built] + [(page.path, page.title) for page in kept])
    return [*written, write_index(release, root, titles, version)]


def file_stat(path: Path) -> str:
    """Where a file lies and what it was when written (device, inode, size, modification time):
    a file of the release being replaced that still has these was not changed since."""
    try:
        found = path.stat()
    except OSError:
        return ""
    return f"{found.st_dev} {found.st_ino} {found.st_size} {found.st_mtime_ns}"


def still_published(path: Path, row: FileRow) -> bool:
    """Whether a file of the release being replaced still holds what was published there: a
    regular file with the stat recorded (a cheap refusal), and the SHA-256 recorded, read
    again. The stat alone is no proof: an edit in place can keep the size and restore the
    modification time, and that edit would then be linked into every later release."""
    if not row[3] or file_stat(path) != row[3]:
        return False
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        return sha256_file(path) == row[2]
    except OSError:
        return False


def _place_kept(files: list[tuple[str, str]], packed: dict[str, Location], root: Path, previous: Path | None,
                published: dict[str, FileRow]) -> list[FileRow]:
    """Write the files (pages and source texts) no change reached, in forked workers: linked from
    the release being replaced where it has them as published (writing thousands of small files
    costs a second at a million triples, linking them a tenth of that), else copied from the
    packs. The row of each, for the index."""
    def place(group: list[tuple[str, str]]) -> list[FileRow]:
        done, folders = [], set()
        for path, key in group:
            target = root / path
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            known = published.get(path)
            if (previous is not None and known is not None and known[1] == key
                    and still_published(previous / path, known)):
                with contextlib.suppress(OSError):
                    os.link(previous / path, target)
                    done.append(known)
                    continue
            digest = copy_packed(packed.get(key), target)
            if digest is None:
                raise LostEntry(path)
            done.append((path, key, digest, file_stat(target)))
        return done

    jobs = workers()
    return [row for part in fork_map(place, [files[i::jobs * 4] for i in range(jobs * 4)]) for row in part]
