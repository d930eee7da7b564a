"""No exporter depends on the order the exporters run in: what they share is declared
(`Exporter.needs`) and kept until the last exporter that needs it has written."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.export import Exporter, exporters
from publisher.export.base import NTRIPLES_DUMP, Release
from publisher.export.jsonld import JSONLD_NODES
from publisher.load import load_dataset
from publisher.release import publish
from publisher.release import write as release_write
from publisher.release.write import exporter_groups
from publisher.settings import Settings
from tests.conftest import copy_project


def reversed_exporters() -> list[Exporter]:
    """Every exporter of stage 0 in reverse order (the forkable ones first, `jsonld` before
    `html`), `void` last as it describes the others' files."""
    ordered = exporters()
    return [*reversed([e for e in ordered if e.stage == 0]), *[e for e in ordered if e.stage > 0]]


def published(project: Path, cache: str, out: str) -> dict[str, bytes]:
    settings = Settings(root=project, cache_dir_override=project / cache)
    publish(load_dataset(settings, lazy=True), settings, project / out)
    return {path.relative_to(project / out).as_posix(): path.read_bytes()
            for path in sorted((project / out).rglob("*")) if path.is_file()}


def test_the_reverse_order_is_another_order() -> None:
    groups = exporter_groups(reversed_exporters())
    names = [exporter.name for group in groups for exporter in group]
    assert names[0] == "tables" and names.index("jsonld") < names.index("html") and names[-1] == "void"
    assert names != [exporter.name for group in exporter_groups(exporters()) for exporter in group]


def test_exporters_in_reverse_order_write_the_same_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = copy_project(tmp_path / "project")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    usual = published(project, "cache-usual", "usual")
    monkeypatch.setattr(release_write, "exporters", reversed_exporters)
    reverse = published(project, "cache-reverse", "reverse")
    assert list(reverse) == list(usual)
    assert [name for name in usual if reverse[name] != usual[name]] == []


def test_a_product_is_kept_until_the_last_exporter_needing_it_has_written(tmp_path: Path) -> None:
    settings = Settings(root=copy_project(tmp_path))
    release = Release(load_dataset(settings, lazy=True), settings)
    writers = {e.name: e for e in exporters()}
    release.expect(writers.values())
    made: list[str] = []
    assert release.product(JSONLD_NODES, lambda: made.append("first") or ["nodes"]) == ["nodes"]
    assert release.product(JSONLD_NODES, lambda: made.append("again") or ["other"]) == ["nodes"]
    release.finished(writers["jsonld"])
    assert release.product(JSONLD_NODES, lambda: made.append("again") or ["other"]) == ["nodes"]
    release.finished(writers["html"])  # the last exporter that needs the nodes
    assert release.product(JSONLD_NODES, lambda: made.append("after") or ["later"]) == ["later"]
    assert made == ["first", "after"]
    assert release.product(NTRIPLES_DUMP, lambda: b"x") == b"x"  # ntriples still to write


def test_an_exporter_run_alone_keeps_nothing(tmp_path: Path) -> None:
    settings = Settings(root=copy_project(tmp_path))
    release = Release(load_dataset(settings, lazy=True), settings)
    calls: list[int] = []
    for _ in range(2):
        release.product(JSONLD_NODES, lambda: calls.append(1) or [])
    assert calls == [1, 1]
