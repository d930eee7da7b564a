"""Pages built into the release: copied from the build cache where their key is there, else rendered."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from publisher.buildcache import BuildCache, Location, code_version, content_key, read_packed
from publisher.export.base import Release
from publisher.export.files import sha256_place
from publisher.export.html.overview import CYTOSCAPE, NETWORK_PAGE, STATIC, network_data, overview
from publisher.export.html.pages import Plan, build_page, index_context
from publisher.export.html.paths import CACHE_KIND, HTML_FOLDER, INDEX_PAGE, page_link
from publisher.export.html.render import (
    GROUPS_PER_WORKER,
    DumpNode,
    balanced,
    environment,
    page_keys,
    plan_size,
    render,
    render_group,
    script_text,
)
from publisher.export.html.site import Page, Site
from publisher.export.html.store import INDEX_FILE
from publisher.export.network import CACHE_KIND as NETWORK_KIND
from publisher.export.network import NETWORK_FILE, network_key, release_co_signatures
from publisher.export.tables import METADATA_FILE, TABLE_ROWS, TABLES, rows_digests, table_records
from publisher.jobs import fork_map, workers

TEXT_KIND = "html-text"  # a source page's text, packed with the pages
INDEX_KIND = "html-index"  # the index page (`index_page`)


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


@dataclass(frozen=True)
class Build:
    """One build of the site's pages, fixed for its length: what pages look up (`Site`, or
    `StoredSite` from the site index), the JSON-LD context and ontology version every page is
    made with, the html/ folder written, the build cache and what it has packed, and the html/
    folder of the release being replaced (a file holding the same bytes is linked from it)."""

    site: Site
    context: dict[str, Any]
    version: str
    root: Path
    cache: BuildCache
    packed: dict[str, Location]
    previous: Path | None

    @classmethod
    def of(cls, release: Release, folder: Path, site: Site, context: dict[str, Any], version: str) -> Build:
        previous = None if release.previous is None else release.previous / HTML_FOLDER
        cache = release.cache
        return cls(site, context, version, folder / HTML_FOLDER, cache, cache.packed(CACHE_KIND), previous)

    def replaced(self, path: str) -> Path | None:
        """The same file in the release being replaced (see `sha256_place`)."""
        return None if self.previous is None else self.previous / path

    def place(self, path: str, data: bytes, digest: str | None = None) -> str:
        """Write (or link) a file of html/; its SHA-256 (`digest`, where given)."""
        return sha256_place(self.root / path, data, self.replaced(path), digest)

    def render(self, keyed: list[tuple[str, Page]], known: dict[str, DumpNode]) -> list[str]:
        """Render pages (with their cache keys), pack them in the build cache and write them;
        the SHA-256 of each page's file (hashed once, for the pack's index and the release)."""
        made = render_group([page for _key, page in keyed], self.context, self.version, known)
        digests = [hashlib.sha256(data).hexdigest() for data in made]
        self.cache.put_pack(CACHE_KIND, [(key, data) for (key, _page), data in zip(keyed, made, strict=True)],
                            digests)
        return [self.place(page.path, data, digest)
                for (_key, page), data, digest in zip(keyed, made, digests, strict=True)]


def build_group(build: Build, plans: list[Plan], known: dict[str, DumpNode] | None) -> list[Built]:
    """Build some pages: each is copied from the build cache where its key is packed there, else
    rendered here if `known` (the JSON-LD dump's nodes, or {} for each page to compact its own)
    is given, else its plan is handed back to be rendered once the dump's nodes are at hand."""
    made = [build_recorded(build.site, plan) for plan in plans]
    pages = [page for page, _reads in made]
    built: list[Built] = []
    todo: list[tuple[str, Page]] = []
    texts: list[tuple[str, bytes]] = []
    keys = page_keys(pages, build.context, build.version)
    for plan, (page, reads), key in zip(plans, made, keys, strict=True):
        digest = copy_packed(build.packed.get(key), build.root / page.path, build.replaced(page.path))
        built.append(Built(page.path, page.title, key, digest, plan if digest is None else None,
                           texts=write_source_text(build, page, key, texts),
                           subjects=plan.subjects, owner=plan.owner, reads=reads))
        if digest is None:
            todo.append((key, page))
    build.cache.put_pack(CACHE_KIND, texts)
    if known is not None and todo:
        digests = build.render(todo, known)
        for item, digest in zip([b for b in built if b.plan is not None], digests, strict=True):
            item.digest, item.plan, item.rendered = digest, None, True
    return built


def render_missing(build: Build, plans: list[Plan], keys: dict[str, str],
                   known: dict[str, DumpNode]) -> dict[str, str]:
    """Build and render the pages `build_group` handed back, in forked workers (again: pages are
    not sent between processes, only plans and digests); each page file's SHA-256, by path."""
    def work(group: list[Plan]) -> list[str]:
        return build.render([(keys[plan.path], build_page(build.site, plan)) for plan in group], known)

    groups = balanced(plans, lambda plan: plan_size(build.site, plan), workers() * GROUPS_PER_WORKER)
    rendered = fork_map(work, groups)
    return {plan.path: digest for group, digests in zip(groups, rendered, strict=True)
            for plan, digest in zip(group, digests, strict=True)}


def write_source_text(build: Build, page: Page, key: str,
                      new: list[tuple[str, bytes]]) -> list[tuple[str, str, str]]:
    """A source's page has its plain text beside it (`<slug>.txt`), kept in the build cache
    (under a key made of the page's) for re-publishes that copy the page."""
    text = page.context.get("source_text")
    if text is None:
        return []
    path, data = page.path[:-len(".html")] + ".txt", text.encode("utf-8")
    text_key = content_key(TEXT_KIND, [key])
    if text_key not in build.packed:
        new.append((text_key, data))
    return [(path, build.place(path, data), text_key)]


#: the release's files a reader downloads, as the index lists them (name, what it is)
DOWNLOADS = (
    ("nida.ttl", "everything, Turtle"), ("nida.nt", "everything, N-Triples (one triple per line, sorted)"),
    ("nida.trig", "named graphs, TriG"), ("nida.nq", "named graphs, N-Quads"),
    ("nida.jsonld", "everything, JSON-LD"), ("context.jsonld", "the JSON-LD context"),
    *((f"tables/{table.name}.csv", f"table of {table.name.replace('_', ' ')}, CSV") for table in TABLES),
    (f"tables/{METADATA_FILE}", "what the tables mean (CSV on the Web metadata)"),
    (NETWORK_FILE, "the co-signature network, GraphML (Gephi)"),
    ("void.ttl", "the release described (VoID, DCAT)"), ("SHA256SUMS", "checksums of every file"),
)


def downloads(release: Release) -> dict[str, Any]:
    """The index's list of downloads, example queries and services (links from html/)."""
    queries = release.settings.queries_dir
    names = sorted(file.name for file in queries.glob("*.rq")) if queries.is_dir() else []
    return {"downloads": [{"name": name, "text": text, "href": f"../{name}"} for name, text in DOWNLOADS],
            "queries": [{"name": name, "href": f"../queries/{name}"} for name in names]}


def search_entries(rows: dict[str, list[list[str]]]) -> Markup:
    """What the index's search finds besides the pages it lists: every demand's text, linked to
    the demand on its statement's page."""
    entries = [{"text": row[4], "kind": "demand", "href": link}
               for row in rows.get("demands", []) if (link := page_link(row[0])) is not None]
    return script_text(json.dumps(entries, ensure_ascii=False, sort_keys=True))


def write_index(release: Release, root: Path, titles: list[tuple[str, str]], version: str) -> list[Path]:
    """The index (the downloads, the example queries, the overview, a search, and a list of every
    page) and the network page with the script it draws with."""
    env = environment()
    return [release.write(root / INDEX_PAGE, index_page(release, titles, env, version)),
            release.write(root / NETWORK_PAGE, network_page(release, env, version)),
            release.write(root / CYTOSCAPE, (STATIC / Path(CYTOSCAPE).name).read_bytes())]


def index_page(release: Release, titles: list[tuple[str, str]], env: Environment, version: str) -> bytes:
    """The index page, kept in the build cache under everything it shows: the pages' titles, the
    downloads and queries, the ontology's labels and the tables' rows (by `rows_digests`, unparsed).
    An edit that changes no row and no title does not parse every row again to render it (0.25 s
    at a million triples)."""
    digests = rows_digests(release)
    listing = downloads(release)
    key = content_key(INDEX_KIND, [code_version(), version, release.ontology_digest,
                                   json.dumps([titles, listing]), *(digests[table.name] for table in TABLES)])
    data = release.cache.get(INDEX_KIND, key)
    if data is None:
        rows = release.product(TABLE_ROWS, lambda: table_records(release))  # shared with the network
        context = {**index_context([Page(path, "", title) for path, title in titles]), **listing,
                   "search": search_entries(rows), **overview(release, rows)}
        page = Page(INDEX_PAGE, "index.html", "nida: joint statements of civil-society organizations",
                    context=context)
        data = render(env, page, version, None)
        release.cache.put(INDEX_KIND, key, data)
    return data


def draw_network_page(release: Release, version: str) -> bool:
    """`network_page`, into the build cache (where `network_page` finds it), in a process forked
    as the exporters start (`HtmlExporter.start`): counting who signed with whom takes half a
    second at a million triples, which the page index would otherwise spend after every page is
    built, with the other CPU idle."""
    if release.cache.folder is None:
        return False
    network_page(release, environment(), version)
    return True


def network_page(release: Release, env: Environment, version: str) -> bytes:
    """The network page, kept in the build cache under the rows it is drawn from (as the GraphML
    is): counting who signed with whom takes a second at a million triples, which a re-publish
    after an edit that changes no signature or organization need not spend again."""
    key = network_key("network-page", release, version)
    data = release.cache.get(NETWORK_KIND, key)
    if data is None:
        page = Page(NETWORK_PAGE, "network.html", "The co-signature network",
                    context={"data": network_data(release_co_signatures(release)), "script": CYTOSCAPE})
        data = render(env, page, version, None)
        release.cache.put(NETWORK_KIND, key, data)
    return data


def index_file(release: Release) -> Path | None:
    """Where the site index is kept (`publisher.export.html.store`): in the build cache, if there is one."""
    folder = release.cache.folder
    return None if folder is None else folder / CACHE_KIND / INDEX_FILE


def index_fingerprint(release: Release, context: dict[str, Any], version: str) -> str:
    """What every page depends on besides its lookups: a site index made with another is not used."""
    return content_key("site-index", [code_version(),
                                      json.dumps(context, sort_keys=True), version, release.ontology_digest])
