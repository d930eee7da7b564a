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

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from publisher.export.base import Release
from publisher.export.html.rows import (
    FileRow,
    IndexedPage,
    UnitRows,
    brief_sources,
    release_axioms,
    unit_rows,
)

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
