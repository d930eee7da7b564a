"""Re-publishing the site from its index: build only the pages a change reaches, copy or link the rest."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from publisher.buildcache import Location
from publisher.export.base import Release
from publisher.export.cached import CacheStats
from publisher.export.html.build import Build, Built, build_group, copy_packed, write_index
from publisher.export.html.pages import Plan
from publisher.export.html.paths import (
    CACHE_KIND,
    HTML_FOLDER,
    page_link,
    page_path,
)
from publisher.export.html.rows import (
    FileRow,
    IndexedPage,
    UnitRows,
    brief_sources,
    release_axioms,
    unit_rows,
)
from publisher.export.html.store import LostEntry, SiteIndex
from publisher.export.html.stored import StoredSite, file_stat, indexed, still_published, written_rows
from publisher.graph import Axioms
from publisher.jobs import Background, Beside, fork_background


def rows_file(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.rows")


def start_rows(release: Release, path: Path, fingerprint: str) -> Background[bool] | None:
    """Begin a new index's rows in a forked process, unless the index at `path` can be used:
    wanted once every page is built, they wait for the CPU the pages leave idle."""
    found = SiteIndex.open(path, fingerprint)
    if found is not None:
        found.close()
        return None
    return fork_background(lambda target: SiteIndex.write_rows(release, target), [rows_file(path)],
                           name="writing the site index's rows", idle_only=True)


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

    finishing = fork_background(finish, [None], name="writing the site index")
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


def write_changed(release: Release, folder: Path, path: Path, fingerprint: str,
                  context: dict[str, Any], version: str) -> tuple[list[Path], CacheStats] | None:
    """The pages of a release from the site index at `path`: those whose lookups meet a changed
    unit built again, the others copied from the build cache; None where there is no index made
    with `fingerprint` (or it cannot be read), and the pages must all be built."""
    index = SiteIndex.open(path, fingerprint)
    if index is None:
        return None
    try:
        return _write_changed(release, folder, index, fingerprint, context, version)
    except (sqlite3.Error, LostEntry):
        return None
    finally:
        index.close()


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


def _write_changed(release: Release, folder: Path, index: SiteIndex, fingerprint: str,
                   context: dict[str, Any], version: str) -> tuple[list[Path], CacheStats]:
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
    kept = [page for path, page in pages.items() if path not in reached]
    published = index.files()
    previous = None if release.previous is None else release.previous / HTML_FOLDER
    kept_files = sorted((page.path, page.key) for page in kept)
    kept_files += sorted(text for page in kept for text in page.texts)
    placing = _begin_placing(kept_files, packed, root, previous, published)
    try:
        plans = _plans(site, reached, pages, subjects)
        build = Build(site, context, version, root, cache, packed, previous)
        # here, and rendered here: the pages' own nodes are compacted, not read from the dump
        built = build_group(build, plans, {})
        index.remove_pages(reached)
        index.put_pages(indexed(b) for b in built)
        titles = sorted([(b.path, b.title) for b in built] + [(page.path, page.title) for page in kept])
        listing = write_index(release, root, titles, version)  # while the kept pages are placed
        placed = [row for part in placing.results() for row in part]
    except BaseException:
        placing.stop()
        raise
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
    stats = CacheStats(hits=len(kept) + len(built) - len(missed), misses=len(missed), missed=missed)
    return [*written, *listing], stats


def _begin_placing(files: list[tuple[str, str]], packed: dict[str, Location], root: Path,
                   previous: Path | None, published: dict[str, FileRow]) -> Beside[list[FileRow]]:
    """Begin writing the files (pages and source texts) no change reached, in one forked process,
    while the changed pages and the index page are made here (the two took the same time, and
    this process waited): linked from the release being replaced where it has them as
    published (writing thousands of small files costs a second at a million triples, linking
    them a tenth of that), else copied from the packs. The row of each, for the site index,
    from `results`."""
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

    return Beside(place, [files])
