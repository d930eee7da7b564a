"""Answering a page's lookups from the site index (`StoredSite`), as `Site` answers them from memory."""

from __future__ import annotations

import os
import stat
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from publisher.export.files import sha256_file
from publisher.export.html.build import Built
from publisher.export.html.paths import (
    BRIEF_PROPERTIES,
    RDF_TYPE,
    term_iri,
)
from publisher.export.html.rows import FileRow, IndexedPage, parse_lines, subject_node, with_inferred
from publisher.export.html.site import Objects, Site
from publisher.export.html.store import BATCH, SiteIndex
from publisher.graph import Axioms, sorted_unique, triple_text
from publisher.settings import ONTOLOGY_NS


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
            asserted = parse_lines("".join(brief + rest for brief, rest in rows))
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
            self._briefs[subject] = _by_predicate(with_inferred(parse_lines("".join(found)), self.axioms))

    def exists(self, subject: str) -> bool:
        return self.db.execute("SELECT 1 FROM subjects WHERE subject = ?", (subject,)).fetchone() is not None

    def _subject_triples(self, subject: str) -> list[ox.Triple]:
        return self._load(subject)[0]

    def _objects(self, subject: str, predicate: str) -> Objects:
        if predicate in BRIEF_PROPERTIES and subject not in self._loaded:
            return self._brief(subject).get(predicate, [])
        return self._load(subject)[2].get(predicate, [])

    def _is_asserted(self, triple: ox.Triple) -> bool:
        return triple in self._load(term_iri(triple.subject))[1]

    def _label(self, subject: str) -> str:
        if subject not in self._labels:
            self._labels[subject] = self._own_label(subject)
        return self._labels[subject]

    def _pointing(self, iri: str) -> list[ox.Triple]:
        if iri not in self._pointers:
            rows = self.db.execute("SELECT predicate, subjects FROM objects WHERE object = ?", (iri,))
            node = ox.NamedNode(iri)
            found = [ox.Triple(subject_node(s), ox.NamedNode(p), node) for p, subjects in rows
                     for s in subjects.split("\n")]
            self._pointers[iri] = sorted_unique(found, triple_text)
            self._fetch_briefs(term_iri(t.subject) for t in found)  # what the page shows of each
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
