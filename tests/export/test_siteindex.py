"""The site index: a re-publish builds only the pages a change can reach, answering their
lookups from SQLite, and its release is byte-identical to one built from nothing."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from publisher.export.html.build import build_recorded
from publisher.export.html.pages import plan_pages
from publisher.export.html.paths import CACHE_KIND
from publisher.export.html.rows import release_axioms
from publisher.export.html.site import Site
from publisher.export.html.store import INDEX_FILE, SiteIndex
from publisher.export.html.stored import StoredSite
from tests.conftest import run
from tests.export.test_cache import export, files, release_of

STATEMENT = "data/statements/synthetic-00002/statement.ttl"
REGISTRY = "data/organizations.ttl"


def replace(corpus: Path, name: str, old: str, new: str) -> None:
    path = corpus / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(corpus: Path, name: str, text: str) -> None:
    with (corpus / name).open("a", encoding="utf-8") as handle:
        handle.write(text)


def test_stored_site_builds_every_page_as_the_site_in_memory(corpus: Path, tmp_path: Path) -> None:
    """Every page, the ontology's included, from the index: the same title, context, triples
    and lookups as from the whole release in memory."""
    cache = tmp_path / "cache"
    export(corpus, cache, tmp_path / "out")
    release = release_of(corpus, cache)
    site = Site(release)
    index = SiteIndex.open(cache / "build" / CACHE_KIND / INDEX_FILE, _fingerprint(release))
    assert index is not None
    stored = StoredSite(index, release_axioms(release))
    plans = plan_pages(site)
    assert len(plans) == 112
    for plan in plans:
        page, reads = build_recorded(site, plan)
        again, reads_again = build_recorded(stored, plan)
        assert (again.title, repr(again.context), again.triples) == (page.title, repr(page.context), page.triples)
        assert reads_again == reads
    assert {"terms", "s https://w3id.org/nida/ontology#Organization"} <= set(
        build_recorded(site, next(p for p in plans if p.path == "ontology/index.html"))[1])
    index.close()


class MadeEachTime(Site):
    """`Site` making each label again where it is shown (as before labels were remembered)."""

    def label(self, iri: str) -> str:
        return self._made_label(iri)


def test_labels_made_once_show_and_read_as_labels_made_each_time(corpus: Path, tmp_path: Path) -> None:
    """`Site.label` makes each label once per build and replays its lookups: every page is
    what a site that makes each label where it is shown builds, lookups included."""
    release = release_of(corpus, tmp_path / "cache")
    site, plain = Site(release), MadeEachTime(release)
    for plan in plan_pages(site):
        page, reads = build_recorded(site, plan)
        again, reads_again = build_recorded(plain, plan)
        assert (again.title, repr(again.context), again.triples) == (page.title, repr(page.context), page.triples)
        assert reads_again == reads
    assert len(site.shown) > 100 and not plain.shown


def _fingerprint(release: object) -> str:
    from publisher.export.html.build import index_fingerprint
    from publisher.export.jsonld import build_context, ontology_version

    ontology = release.dataset.ontology  # type: ignore[attr-defined]
    return index_fingerprint(release, build_context(ontology), ontology_version(ontology))  # type: ignore[arg-type]


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("a demand's type", lambda c: replace(c, STATEMENT, "nida:demandType <concept/demand-type/humanitarian-access>",
                                          "nida:demandType <concept/demand-type/ceasefire>")),
    ("an organization's name", lambda c: replace(c, REGISTRY, '"Relief and Civil Society Organization 3"',
                                                 '"Relief & Civil Society Organization Three"')),
    ("a comment", lambda c: append(c, STATEMENT, '\n<statement/synthetic-00002> '
                                   '<http://www.w3.org/2000/01/rdf-schema#comment> "edited" .\n')),
    ("a new organization", lambda c: append(c, REGISTRY, '\n<organization/brand-new> a '
                                            '<https://w3id.org/nida/ontology#Organization> ;\n'
                                            '    <http://www.w3.org/2004/02/skos/core#prefLabel> "Brand New" .\n')),
    ("another publisher", lambda c: replace(c, STATEMENT, "<organization/syrians-for-truth-and-justice>",
                                            "<organization/brand-new>")),
    ("a statement removed", lambda c: shutil.move(c / "data/statements/synthetic-00003", c.parent / "kept")),
    ("the statement back", lambda c: shutil.move(c.parent / "kept", c / "data/statements/synthetic-00003")),
    ("a new concept in the ontology", lambda c: append(c, "ontology/concepts.ttl", (
        '\n<https://w3id.org/nida/id/concept/demand-type/brand-new> a '
        '<http://www.w3.org/2004/02/skos/core#Concept> ;\n'
        '    <http://www.w3.org/2004/02/skos/core#prefLabel> "brand new"@en ;\n'
        '    <http://www.w3.org/2004/02/skos/core#definition> "A demand of a new kind."@en ;\n'
        '    <http://www.w3.org/2004/02/skos/core#topConceptOf> <https://w3id.org/nida/id/concept/demand-type> ;\n'
        '    <http://www.w3.org/2004/02/skos/core#inScheme> <https://w3id.org/nida/id/concept/demand-type> .\n'))),
    ("nothing", lambda c: None),
]


def test_each_change_republishes_the_bytes_of_a_publish_from_nothing(corpus: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus)
    monkeypatch.delenv("NIDA_ROOT", raising=False)

    def publish(cache: Path, out: Path) -> dict[str, bytes]:
        monkeypatch.setenv("NIDA_CACHE_DIR", str(cache))
        result = run("publish", "--quiet", "--out", str(out))
        assert result.exit_code == 0, result.output
        return files(out)

    publish(tmp_path / "cache", tmp_path / "again")
    assert (tmp_path / "cache" / "build" / CACHE_KIND / INDEX_FILE).is_file()
    for number, (name, change) in enumerate(EDITS):
        change(corpus)
        # into the same folder: the pages no change reached are linked from the release replaced
        again = publish(tmp_path / "cache", tmp_path / "again")
        shutil.rmtree(tmp_path / "fresh", ignore_errors=True)
        fresh = publish(tmp_path / "fresh", tmp_path / f"fresh-{number}")
        assert again.keys() == fresh.keys(), name
        assert [p for p in fresh if again[p] != fresh[p]] == [], name


def test_a_change_builds_only_the_pages_that_looked_it_up(corpus: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    export(corpus, cache, tmp_path / "a")
    built: list[list[str]] = []
    real = build_recorded

    def counting(site: Site, plan: object) -> object:
        built[-1].append(plan.path)  # type: ignore[attr-defined]
        return real(site, plan)  # type: ignore[arg-type]

    monkeypatch.setattr("publisher.export.html.build.build_recorded", counting)  # as build_group calls it
    built.append([])
    replace(corpus, REGISTRY, '"Relief and Civil Society Organization 3"', '"Relief & Civil Society Organization 3"')
    _records, html = export(corpus, cache, tmp_path / "b")
    # the organization's page, and the pages that show its name: the statements it signed
    assert sorted(built[-1]) == ["organization/relief-and-civil-society-organization-3.html",
                                 "statement/synthetic-00001.html", "statement/synthetic-00002.html"]
    assert (html.stats.hits, html.stats.misses) == (109, 3)
    built.append([])
    _records, html = export(corpus, cache, tmp_path / "c")
    assert built[-1] == [] and (html.stats.hits, html.stats.misses) == (112, 0)
    assert files(tmp_path / "c") == files(tmp_path / "b")
    # a comment: only the statement's page shows it; the pages that link the statement show
    # its title (a brief value), which did not change
    built.append([])
    append(corpus, STATEMENT, '\n<statement/synthetic-00002> <http://www.w3.org/2000/01/rdf-schema#comment> "x" .\n')
    _records, html = export(corpus, cache, tmp_path / "d")
    assert built[-1] == ["statement/synthetic-00002.html"]
    assert (html.stats.hits, html.stats.misses) == (111, 1)
    # its title: every page that shows it
    built.append([])
    replace(corpus, STATEMENT, '(2)" ;', '(2), revised" ;')
    _records, html = export(corpus, cache, tmp_path / "e")
    shown = sorted(p for p, data in files(tmp_path / "e").items() if b"(2), revised" in data and p.startswith("html/"))
    assert sorted(f"html/{p}" for p in built[-1]) == [p for p in shown if p != "html/index.html"]
    assert html.stats.misses == len(built[-1]) == 9


def test_an_index_of_other_code_or_a_damaged_one_is_rebuilt(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    export(corpus, cache, tmp_path / "a")
    path = cache / "build" / CACHE_KIND / INDEX_FILE
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = 'other' WHERE name = 'fingerprint'")
    db.close()
    _records, html = export(corpus, cache, tmp_path / "b")
    assert html.stats.misses == 0
    assert files(tmp_path / "b") == files(tmp_path / "a")
    path.write_bytes(b"not a database")
    _records, html = export(corpus, cache, tmp_path / "c")
    assert files(tmp_path / "c") == files(tmp_path / "a")
    assert SiteIndex.open(path, _fingerprint(release_of(corpus, cache))) is not None


def test_a_cache_that_cannot_be_written_only_costs_time(corpus: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder would be")
    export(corpus, blocker / "cache", tmp_path / "a")
    _records, html = export(corpus, blocker / "cache", tmp_path / "b")
    assert html.stats.hits == 0
    assert files(tmp_path / "b") == files(tmp_path / "a")


def publish_corpus(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`nida publish` of the corpus into tmp_path/dist, with its cache in tmp_path/cache."""
    monkeypatch.chdir(corpus)
    monkeypatch.delenv("NIDA_ROOT", raising=False)
    monkeypatch.setenv("NIDA_CACHE_DIR", str(tmp_path / "cache"))
    out = tmp_path / "dist"
    assert run("publish", "--quiet", "--out", str(out)).exit_code == 0
    return out


def test_a_page_changed_in_the_release_replaced_is_written_again(corpus: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages are linked from the release they replace only where they are still as published
    (same inode, size and modification time): an edited page is written from the build cache."""
    out = publish_corpus(corpus, tmp_path, monkeypatch)
    published = files(out)
    page = out / "html" / "organization" / "relief-and-civil-society-organization-3.html"
    inode = page.stat().st_ino
    with page.open("ab") as handle:  # in place: same inode
        handle.write(b"<!-- edited by hand -->")
    linked = out / "html" / "statement" / "synthetic-00001.html"
    linked_inode = linked.stat().st_ino
    assert run("publish", "--quiet", "--out", str(out)).exit_code == 0
    assert files(out) == published
    assert page.stat().st_ino != inode
    assert linked.stat().st_ino == linked_inode


def test_a_publish_without_cache_links_the_files_the_release_replaced_holds(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no build cache (deleted, or another version of nida), pages are built in full, and
    a page or source text the release being replaced holds byte for byte is linked from it;
    one edited there (same size too), or replaced by a symbolic link, is written afresh."""
    out = publish_corpus(corpus, tmp_path, monkeypatch)
    published = files(out)
    html = out / "html"
    edited = html / "organization" / "relief-and-civil-society-organization-3.html"
    edited.write_bytes(edited.read_bytes().replace(b"<html", b"<HTML", 1))  # the same size
    symlinked = html / "statement" / "synthetic-00002.html"
    (tmp_path / "elsewhere.html").write_bytes(symlinked.read_bytes())
    symlinked.unlink()
    symlinked.symlink_to(tmp_path / "elsewhere.html")
    kept = [html / "statement" / "synthetic-00001.html", html / "source" / "synthetic-00001.txt"]
    inodes = {path: path.stat().st_ino for path in [edited, *kept]}
    shutil.rmtree(tmp_path / "cache")
    assert run("publish", "--quiet", "--out", str(out)).exit_code == 0
    assert files(out) == published
    assert [path.stat().st_ino for path in kept] == [inodes[path] for path in kept]
    assert edited.stat().st_ino != inodes[edited]
    assert not symlinked.is_symlink()


def test_a_page_edited_in_place_with_its_stat_restored_is_not_linked(corpus: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15, item 4: the same inode, size and modification time prove nothing; the content
    is checked before a file of the release being replaced is linked into the new one."""
    out = publish_corpus(corpus, tmp_path, monkeypatch)
    published = files(out)
    page = out / "html" / "organization" / "relief-and-civil-society-organization-3.html"
    before = page.stat()
    with page.open("r+b") as handle:  # in place, the same size
        handle.write(b"<HTML")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = page.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
    assert run("publish", "--quiet", "--out", str(out)).exit_code == 0
    assert files(out) == published
    assert page.stat().st_ino != before.st_ino
