"""The HTML exporter: the whole site built once, or only what a change reaches."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from publisher import jobs
from publisher.export.base import Exporter, Release
from publisher.export.cached import CacheStats
from publisher.export.dumps import PieceSpec, dump_spec
from publisher.export.html import update
from publisher.export.html.build import (
    FEW_MISSING,
    Build,
    build_group,
    draw_network_page,
    index_file,
    index_fingerprint,
    render_missing,
    write_index,
)
from publisher.export.html.pages import plan_pages
from publisher.export.html.paths import HTML_FOLDER
from publisher.export.html.render import (
    GROUPS_PER_WORKER,
    balanced,
    dump_node_texts,
    environment,
    plan_size,
)
from publisher.export.html.site import Site
from publisher.export.jsonld import (
    JSONLD_NODES,
    build_context,
    dump_nodes,
    nodes_spec,
    ontology_version,
)
from publisher.export.network import CO_SIGNATURES
from publisher.export.nogc import collector_paused
from publisher.export.tables import ROWS_DIGESTS, TABLE_ROWS, TABLES_SPEC
from publisher.jobs import Background, workers


class HtmlExporter(Exporter):
    name = "html"
    media_type = "text/html"
    #: the pages embed the dump's JSON-LD nodes, the index's search finds demands by their text
    #: (the tables' rows), and the network page draws who signed with whom; `Site` reads the
    #: N-Triples dump's triples from its pieces, and does not keep the dump
    needs = frozenset({JSONLD_NODES, TABLE_ROWS, CO_SIGNATURES, ROWS_DIGESTS})

    def __init__(self) -> None:
        self.stats = CacheStats()
        self.rows: Background[bool] | None = None
        self.network: Background[bool] = Background()
        self.finishing: Background[bool] = Background()

    def start(self, release: Release) -> None:
        """Where the site index cannot be used, begin a new one beside the other exporters, and
        the network page (`draw_network_page`): every page will be built (`_write`)."""
        path = index_file(release)
        if path is not None:
            context = build_context(release.dataset.ontology)
            version = ontology_version(release.dataset.ontology)
            self.rows = update.start_rows(release, path, index_fingerprint(release, context, version))
            if self.rows is not None:
                environment()  # the templates, compiled here once: the network page's process needs them too
                self.network = jobs.fork_background(lambda _task: draw_network_page(release, version), [None],
                                                    name="drawing the network page", idle_only=True)

    def piece_specs(self, release: Release) -> list[PieceSpec]:
        """The N-Triples dump's (`Site`), the JSON-LD dump's nodes and the tables' rows."""
        return [dump_spec("ntriples"), nodes_spec(build_context(release.dataset.ontology)), TABLES_SPEC]

    def stop(self) -> None:
        if self.rows is not None:
            self.rows.stop()
            self.rows = None
        self.network.stop()
        self.finishing.join()  # the site index: the next publish reads it

    def write(self, release: Release, folder: Path) -> list[Path]:
        """With a site index in the build cache (`store`), only the pages a change can reach
        are built again; else pages are built in forked workers, which copy those whose key is
        in the build cache and render the others (or hand them back to be rendered once the
        JSON-LD dump's nodes are at hand). The index (a list of every page) is rendered each time."""
        context = build_context(release.dataset.ontology)
        version = ontology_version(release.dataset.ontology)
        fingerprint = index_fingerprint(release, context, version)
        path = index_file(release)
        with collector_paused():
            if path is not None and self.rows is None:
                changed = update.write_changed(release, folder, path, fingerprint, context, version)
                if changed is not None:
                    written, self.stats = changed
                    return written
            return self._write(release, folder, context, version, fingerprint, path)

    def _write(self, release: Release, folder: Path, context: dict[str, Any], version: str,
               fingerprint: str, index_file: Path | None) -> list[Path]:
        shutil.rmtree(folder / HTML_FOLDER, ignore_errors=True)  # anything a site index's attempt left
        build = Build.of(release, folder, Site(release), context, version)
        plans = plan_pages(build.site)
        # nothing cached (a first publish): every page is rendered where it is built
        known = None if build.packed else dump_node_texts(dump_nodes(release, context), context)
        groups = balanced(plans, lambda plan: plan_size(build.site, plan), workers() * GROUPS_PER_WORKER)
        environment()  # the templates, compiled before the workers are forked
        parts = jobs.fork_map(lambda group: build_group(build, group, known), groups)
        built = [b for part in parts for b in part]
        built.sort(key=lambda b: b.path)
        missing = [b for b in built if b.plan is not None]
        if missing:
            if known is None and len(missing) * FEW_MISSING >= len(built):
                known = dump_node_texts(dump_nodes(release, context), context)
            # a few pages compact their own nodes: reading every node of the dump would cost more
            known = known or {}
            keys = {b.path: b.key for b in missing}
            digests = render_missing(build, [b.plan for b in missing if b.plan is not None], keys, known)
            for item in missing:
                item.digest, item.plan, item.rendered = digests[item.path], None, True
        root = build.root
        written = []
        for item in built:
            release.wrote(root / item.path, item.digest or "")
            written.append(root / item.path)
            for path, digest, _key in item.texts:
                release.wrote(root / path, digest)
                written.append(root / path)
        rendered = [b.path for b in built if b.rendered]
        self.stats = CacheStats(hits=len(built) - len(rendered), misses=len(rendered), missed=rendered)
        self.network.join()  # the network page, in the build cache
        pages = write_index(release, root, [(b.path, b.title) for b in built], version)
        if index_file is not None:
            self.finishing = update.create_for(release, fingerprint, built, index_file, self.rows, root)
            self.rows = None
        return [*written, *pages]
