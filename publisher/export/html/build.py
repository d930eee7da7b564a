"""Pages built into the release: copied from the build cache where their key is there, else rendered."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.buildcache import BuildCache, Location, code_version, content_key, read_packed
from publisher.export.base import Release, sha256_place
from publisher.export.html.pages import Plan, build_page, index_context
from publisher.export.html.paths import CACHE_KIND, INDEX_PAGE
from publisher.export.html.render import DumpNode, Store, environment, page_keys, render, render_and_store
from publisher.export.html.site import Page, Site
from publisher.export.html.store import INDEX_FILE

TEXT_KIND = "html-text"  # a source page's text, packed with the pages


FEW_MISSING = 20  # below one page in this many to render, pages compact their JSON-LD themselves


@dataclass
class Built:
    """What a worker says of a page it built: its title, and its file's SHA-256 where it was
    copied from the cache or rendered, else its plan, still to render; and what the site index
    keeps of it (its subjects and lookups)."""

    path: str
    title: str
    key: str
    digest: str | None
    plan: Plan | None
    rendered: bool = False
    #: (path under html/, SHA-256, build cache key) of the source text written beside a source's page
    texts: list[tuple[str, str, str]] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    owner: str | None = None
    reads: list[str] = field(default_factory=list)


def copy_packed(location: Location | None, target: Path, previous: Path | None = None) -> str | None:
    """Write a page from its pack (or link `previous`, where it holds the same bytes: see
    `sha256_place`); its SHA-256, None where the pack does not hold it whole."""
    if location is None:
        return None
    data = read_packed([location])[0]
    return None if data is None else sha256_place(target, data, previous)


def build_recorded(site: Site, plan: Plan) -> tuple[Page, list[str]]:
    """`build_page`, with the lookups it made (`Site.reads`)."""
    site.reads = set()
    try:
        page = build_page(site, plan)
    finally:
        reads, site.reads = site.reads, None
    return page, sorted(reads or ())


#: keeps entries (key, bytes) in the build cache's packs
Keep = Callable[[list[tuple[str, bytes]]], None]


def packing(cache: BuildCache, root: Path, previous: Path | None) -> tuple[Store, Keep]:
    """How `build_group` stores what it renders (pages packed in the build cache, and written
    under `root`, or linked from `previous`: see `sha256_place`) and keeps source texts."""
    def store(rendered: list[tuple[str, Page, bytes]]) -> list[str]:
        cache.put_pack(CACHE_KIND, [(key, data) for key, _page, data in rendered])
        return [sha256_place(root / page.path, data, previous and previous / page.path)
                for _key, page, data in rendered]

    def keep(entries: list[tuple[str, bytes]]) -> None:
        cache.put_pack(CACHE_KIND, entries)

    return store, keep


def build_group(site: Site, plans: list[Plan], context: dict[str, Any], version: str, root: Path,
                packed: dict[str, Location], known: dict[str, DumpNode] | None, store: Store,
                keep: Keep, previous: Path | None = None) -> list[Built]:
    """Build some pages, write those whose key is packed in the build cache, and render the
    others here if `known` (the JSON-LD dump's nodes) is given, else hand back their plans
    (`previous`: the html/ folder of the release being replaced, whose same files are linked)."""
    made = [build_recorded(site, plan) for plan in plans]
    pages = [page for page, _reads in made]
    built: list[Built] = []
    todo: list[tuple[str, Page]] = []
    texts: list[tuple[str, bytes]] = []
    for plan, (page, reads), key in zip(plans, made, page_keys(pages, context, version), strict=True):
        digest = copy_packed(packed.get(key), root / page.path, previous and previous / page.path)
        built.append(Built(page.path, page.title, key, digest, plan if digest is None else None,
                           texts=write_source_text(root, page, key, packed, texts, previous),
                           subjects=plan.subjects, owner=plan.owner, reads=reads))
        if digest is None:
            todo.append((key, page))
    keep(texts)
    if known is not None and todo:
        digests = render_and_store(todo, context, version, known, store)
        for item, digest in zip([b for b in built if b.plan is not None], digests, strict=True):
            item.digest, item.plan, item.rendered = digest, None, True
    return built


def write_source_text(root: Path, page: Page, key: str, packed: dict[str, Location],
                      new: list[tuple[str, bytes]],
                      previous: Path | None = None) -> list[tuple[str, str, str]]:
    """A source's page has its plain text beside it (`<slug>.txt`), kept in the build cache
    (under a key made of the page's) for re-publishes that copy the page."""
    text = page.context.get("source_text")
    if text is None:
        return []
    path, data = page.path[:-len(".html")] + ".txt", text.encode("utf-8")
    text_key = content_key(TEXT_KIND, [key])
    if text_key not in packed:
        new.append((text_key, data))
    return [(path, sha256_place(root / path, data, previous and previous / path), text_key)]


def write_index(release: Release, root: Path, titles: list[tuple[str, str]], version: str) -> Path:
    """The index: a list of every page (path, title), rendered each time."""
    listed = [Page(path, "", title) for path, title in titles]
    index = Page(INDEX_PAGE, "index.html", "nida: joint statements of civil-society organizations",
                 context=index_context(listed))
    return release.write(root / INDEX_PAGE, render(environment(), index, version, None))


def index_file(release: Release) -> Path | None:
    """Where the site index is kept (`publisher.export.html.store`): in the build cache, if there is one."""
    folder = release.cache.folder
    return None if folder is None else folder / CACHE_KIND / INDEX_FILE


def index_fingerprint(release: Release, context: dict[str, Any], version: str) -> str:
    """What every page depends on besides its lookups: a site index made with another is not used."""
    return content_key("site-index", [code_version(),
                                      json.dumps(context, sort_keys=True), version, release.ontology_digest])
