"""The pyld shortcuts apply only with the PyLD release they were written against (issue 16).

With any other release, plain pyld does all the work; `nida serve` always uses plain pyld. The
output is the same bytes either way, which the equivalence tests in test_scale.py check at length.
"""

from __future__ import annotations

import pytest
from pyld import jsonld

from publisher.export import processor
from publisher.export.base import Release
from publisher.export.jsonld import build_context, compact, dump_json
from publisher.export.processor import PYLD_PINNED, Processor, pyld_version, shared_processor
from publisher.load.dataset import load_dataset
from publisher.settings import Settings
from tests.conftest import REPO


def test_the_installed_pyld_is_the_pinned_one() -> None:
    """CI installs the release the shortcuts were made for; if this fails, pyld was upgraded:
    re-run the equivalence tests against it, then move PYLD_PINNED."""
    assert pyld_version() == PYLD_PINNED
    assert isinstance(shared_processor(), Processor)


def test_another_pyld_release_gets_plain_pyld(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processor, "pyld_version", lambda: "3.4.0")
    found = shared_processor()
    assert type(found) is jsonld.JsonLdProcessor


def test_plain_and_shortcut_compaction_give_the_same_bytes() -> None:
    settings = Settings(root=REPO)
    dataset = load_dataset(settings)
    release = Release(dataset, settings)
    context = build_context(dataset.ontology)
    triples = sorted({quad.triple for quad in release.quads}, key=str)[:400]
    assert dump_json(compact(triples, context, plain=True)) == dump_json(compact(triples, context))
