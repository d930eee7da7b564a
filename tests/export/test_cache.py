"""The per-statement exporters (records, html) reuse the build cache: a change re-makes exactly
the outputs it shows in, and the release is the same bytes with a cold, warm or deleted cache."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from publisher.export import records as records_module
from publisher.export.base import Release
from publisher.export.html import build as build_module
from publisher.export.html.exporter import HtmlExporter
from publisher.export.html.pages import build_pages
from publisher.export.html.render import document_text, dump_node_texts, page_node_texts
from publisher.export.html.site import Site
from publisher.export.jsonld import build_context, compact, context_text, dump_nodes, json_text, node_text
from publisher.export.records import StatementRecordsExporter
from publisher.graph import release_quads, union_triples
from publisher.jobs import workers
from publisher.load.dataset import load_dataset
from publisher.settings import Settings
from tests.conftest import REPO, copy_project, edit, run

sys.path.insert(0, str(REPO / "benchmarks"))

SIGNER = "relief-and-civil-society-organization-3"


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def release_of(root: Path, cache: Path) -> Release:
    settings = Settings(root=root, cache_dir_override=cache)
    dataset = load_dataset(settings)
    quads = release_quads(dataset)
    return Release(quads=quads, triples=union_triples(quads), dataset=dataset, settings=settings)


def export(root: Path, cache: Path, out: Path) -> tuple[StatementRecordsExporter, HtmlExporter]:
    release = release_of(root, cache)
    records, html = StatementRecordsExporter(), HtmlExporter()
    records.write(release, out)
    html.write(release, out)
    for exporter in (records, html):
        exporter.stop()  # as the release does: the site index is finished beside, and joined here
    return records, html


def changed(before: dict[str, bytes], after: dict[str, bytes], folder: str) -> set[str]:
    names = {n for n in before.keys() | after.keys() if n.startswith(folder)}
    return {n[len(folder):] for n in names if before.get(n) != after.get(n)}


def test_one_statement_changed_remakes_only_what_shows_it(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    records, html = export(corpus, cache, tmp_path / "a")
    assert (records.stats.hits, records.stats.misses) == (0, 3)
    assert (html.stats.hits, html.stats.misses, len(html.stats.missed)) == (0, 112, 112)
    statement = corpus / "data" / "statements" / "synthetic-00002" / "statement.ttl"
    edit(statement, "(2)\" ;", "(2), revised\" ;")
    records, html = export(corpus, cache, tmp_path / "b")
    assert (records.stats.hits, records.stats.misses) == (2, 1)
    assert records.stats.missed == ["synthetic-00002"]
    before, after = files(tmp_path / "a"), files(tmp_path / "b")
    assert changed(before, after, "statements/") == {"synthetic-00002.jsonld"}
    # the statement's page, its source's page (labelled by the title) and the pages of the
    # organizations that list it among the statements they signed; nothing else
    shown = changed(before, after, "html/") - {"index.html"}
    assert set(html.stats.missed) == shown
    assert {"statement/synthetic-00002.html", "source/synthetic-00002.html"} < shown
    assert all(p.startswith("organization/") for p in shown - {"statement/synthetic-00002.html",
                                                                 "source/synthetic-00002.html"})
    assert (html.stats.hits, html.stats.misses) == (103, 9)  # 6 signatories and the publisher
    assert all("(2), revised" in after[f"html/{p}"].decode("utf-8") for p in shown)


def test_cold_warm_and_deleted_cache_give_the_same_bytes(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    export(corpus, cache, tmp_path / "cold")
    records, html = export(corpus, cache, tmp_path / "warm")
    assert records.stats.misses == html.stats.misses == 0
    shutil.rmtree(cache)
    export(corpus, cache, tmp_path / "deleted")
    cold = files(tmp_path / "cold")
    assert len(cold) > 50
    assert files(tmp_path / "warm") == cold == files(tmp_path / "deleted")


def test_renamed_organization_remakes_exactly_the_pages_that_show_its_name(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    export(corpus, cache, tmp_path / "a")
    registry = corpus / "data" / "organizations.ttl"
    edit(registry, '"Relief and Civil Society Organization 3"', '"Relief & Civil Society Organization Three"')
    records, html = export(corpus, cache, tmp_path / "b")
    before, after = files(tmp_path / "a"), files(tmp_path / "b")
    shown = {p for p, data in after.items() if p.startswith("html/") and b"Organization Three" in data}
    signs = {p for p, data in before.items() if p.startswith("statements/") and SIGNER.encode() in data}
    assert signs == {"statements/synthetic-00001.jsonld", "statements/synthetic-00002.jsonld"}
    collection = {"index.html", "network.html"}  # kept in the cache apart from the pages
    assert set(html.stats.missed) == {p[len("html/"):] for p in shown} - collection
    assert sorted(html.stats.missed) == [f"organization/{SIGNER}.html", "statement/synthetic-00001.html",
                                         "statement/synthetic-00002.html"]
    assert (html.stats.hits, html.stats.misses) == (109, 3)
    assert changed(before, after, "html/") == set(html.stats.missed) | collection
    assert {f"statements/{s}.jsonld" for s in records.stats.missed} == signs
    assert records.stats.hits == 3 - len(signs)


def test_the_network_page_is_drawn_again_only_when_its_rows_change(corpus: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept in the cache under the signatures' and organizations' rows: a comment in a statement
    reads it back, a renamed organization draws it again."""
    cache = tmp_path / "cache"
    export(corpus, cache, tmp_path / "a")
    drawn: list[str] = []
    count = build_module.release_co_signatures
    monkeypatch.setattr(build_module, "release_co_signatures",
                        lambda release: drawn.append("drawn") or count(release))
    statement = corpus / "data/statements/synthetic-00002/statement.ttl"
    statement.write_text(statement.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    export(corpus, cache, tmp_path / "b")
    assert drawn == []
    assert files(tmp_path / "b")["html/network.html"] == files(tmp_path / "a")["html/network.html"]
    edit(corpus / "data" / "organizations.ttl", '"Relief and Civil Society Organization 3"',
         '"Relief & Civil Society Organization Three"')
    export(corpus, cache, tmp_path / "c")
    assert drawn == ["drawn"]
    assert b"Organization Three" in files(tmp_path / "c")["html/network.html"]


def test_the_index_page_is_rendered_again_only_when_what_it_shows_changes(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept in the cache under the pages' titles, the downloads and the tables' rows: a comment
    in a statement reads it back without parsing a row; a changed title renders it again."""
    cache = tmp_path / "cache"
    export(corpus, cache, tmp_path / "a")
    parsed: list[str] = []
    parse = build_module.table_records
    monkeypatch.setattr(build_module, "table_records", lambda release: parsed.append("rows") or parse(release))
    statement = corpus / "data/statements/synthetic-00002/statement.ttl"
    statement.write_text(statement.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    export(corpus, cache, tmp_path / "b")
    assert parsed == []
    assert files(tmp_path / "b")["html/index.html"] == files(tmp_path / "a")["html/index.html"]
    edit(statement, "(2)\" ;", "(2), revised\" ;")
    export(corpus, cache, tmp_path / "c")
    assert parsed == ["rows"]
    assert b"(2), revised" in files(tmp_path / "c")["html/index.html"]
    shutil.rmtree(cache)
    export(corpus, cache, tmp_path / "d")  # made from nothing cached: the same page
    assert files(tmp_path / "d")["html/index.html"] == files(tmp_path / "c")["html/index.html"]


@pytest.mark.parametrize("fail", [False, True])
def test_the_network_page_drawn_beside_is_the_one_drawn_at_the_end(corpus: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch, fail: bool) -> None:
    """`HtmlExporter.start` draws the network page into the build cache in a forked process, and
    the page index reads it there without counting anything itself; where that process fails,
    the page is drawn at the end, as without it: the same bytes either way."""
    plain = HtmlExporter()
    plain.write(release_of(corpus, tmp_path / "plain-cache"), tmp_path / "plain")
    plain.stop()
    parent, count, drawn = os.getpid(), build_module.release_co_signatures, []

    def counted(release: Release) -> object:
        if os.getpid() == parent:
            drawn.append("here")
        elif fail:
            raise RuntimeError("background process failed")
        return count(release)

    monkeypatch.setattr(build_module, "release_co_signatures", counted)
    release = release_of(corpus, tmp_path / "cache")
    beside = HtmlExporter()
    beside.start(release)
    assert len(beside.network.started) == 1
    beside.write(release, tmp_path / "beside")
    beside.stop()
    assert drawn == (["here"] if fail else [])
    assert files(tmp_path / "beside")["html/network.html"] == files(tmp_path / "plain")["html/network.html"]


def test_publish_is_byte_identical_with_cold_warm_and_deleted_cache(project: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIDA_CACHE_DIR", str(tmp_path / "cache"))
    outputs = []
    for name in ("cold", "warm", "deleted"):
        if name == "deleted":
            shutil.rmtree(tmp_path / "cache")
        assert run("publish", "--out", str(tmp_path / name)).exit_code == 0
        outputs.append(files(tmp_path / name))
    assert outputs[0] == outputs[1] == outputs[2]
    assert re.search(rb"html/statement/[^\n]+\.html", outputs[0]["SHA256SUMS"])


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Release:
    root = copy_project(tmp_path_factory.mktemp("bundled"))
    return release_of(root, tmp_path_factory.mktemp("cache"))


def test_page_json_ld_from_the_dump_equals_each_page_compacted_alone(bundled: Release) -> None:
    pages = build_pages(Site(bundled))
    context = build_context(bundled.dataset.ontology)
    expected = [json.dumps(compact(page.triples, context), indent=2, sort_keys=True, ensure_ascii=False)
                for page in pages]
    known = dump_node_texts(dump_nodes(bundled, context), context)
    subjects = {t.subject.value for page in pages for t in page.triples if isinstance(t.subject, ox.NamedNode)}
    assert len(pages) > 100
    assert subjects <= set(known)
    half = dict(sorted(known.items())[::2])  # as if the other half were described by two units
    for nodes in (known, half, {}):  # spliced from the dump's node texts, or compacted here
        texts = page_node_texts(pages, context, nodes)
        assert [document_text(context, context_text(context), own) for own in texts] == expected


def test_a_page_of_one_node_whose_keys_sort_before_the_context_is_encoded_whole() -> None:
    context = {"nid": "https://w3id.org/nida/id/"}
    node = {"!": "first", "id": "nid:x", "title": "<b>"}
    text = document_text(context, context_text(context), [node_text(node)])
    assert text == json.dumps({"@context": context, **node}, indent=2, sort_keys=True, ensure_ascii=False)
    assert list(json.loads(text)) == ["!", "@context", "id", "title"]


@pytest.mark.skipif(workers() < 2, reason="records are framed beside only with two CPUs or more")
@pytest.mark.parametrize("fail", [False, True])
def test_records_framed_beside_equal_records_framed_in_write(corpus: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch, fail: bool) -> None:
    plain = StatementRecordsExporter()
    plain.write(release_of(corpus, tmp_path / "plain-cache"), tmp_path / "plain")
    if fail:  # every background process fails: write frames them all itself
        parent, scopes = os.getpid(), records_module.changed_scopes

        def scopes_in_parent_only(*args: object) -> object:
            if os.getpid() != parent:
                raise RuntimeError("background process failed")
            return scopes(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(records_module, "changed_scopes", scopes_in_parent_only)
    release = release_of(corpus, tmp_path / "cache")
    beside = StatementRecordsExporter()
    beside.start(release)
    assert len(beside.background.started) == 2
    beside.write(release, tmp_path / "beside")
    assert (beside.stats.hits, beside.stats.misses) == (0, 3)
    assert beside.stats.missed == ["synthetic-00001", "synthetic-00002", "synthetic-00003"]
    assert files(tmp_path / "beside") == files(tmp_path / "plain")
    again = StatementRecordsExporter()
    again.start(release)  # every record is in the cache now: nothing to frame beside
    assert again.background.started == []


def test_pages_of_a_truncated_pack_are_rendered_again(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    export(corpus, cache, tmp_path / "cold")
    packs = sorted((cache / "build" / "html" / "packs").glob("*.pack"))
    assert len(packs) >= 2
    # the pack of the most entries: pages (a source's text is packed apart from the pages)
    pack = max(packs, key=lambda p: (len(p.with_suffix(".index").read_text().splitlines()), p.name))
    pack.write_bytes(pack.read_bytes()[:10])
    _records, html = export(corpus, cache, tmp_path / "warm")
    assert 0 < html.stats.misses < html.stats.hits
    assert files(tmp_path / "warm") == files(tmp_path / "cold")


@pytest.mark.parametrize("value", [
    {"b": [], "a": {}, "c": [{}], "d": 1, "e": True, "f": None, "g": 1.5, "h": -0.0},
    {"text": "\u2028\x7f\x00\x1f\"\\/\n\t\r\b\f é 𝄞 <script>", "list": ["z", "a", ["nested"]]},
    {"big": 2**70, "negative big": -(2**65)},  # beyond orjson's integers: json.dumps writes them
    "plain", [], {},
])
def test_json_text_is_json_dumps_indented_and_sorted(value: object) -> None:
    assert json_text(value) == json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def test_a_node_text_is_the_node_as_it_sits_in_the_dumps_graph() -> None:
    """Nested objects and arrays, escaped line breaks and non-ASCII text, an empty node."""
    for node in [{"id": "nid:x", "title": "a\nb é", "list": [{"@value": "1"}, "z"], "empty": {}}, {}]:
        whole = json.dumps({"@graph": [node]}, indent=2, sort_keys=True, ensure_ascii=False)
        assert node_text(node) == (node.get("id", ""), "\n".join(whole.split("\n")[2:-2]))
