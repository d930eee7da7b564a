"""The fast validation engine gives exactly the Report of whole-graph pySHACL.

Every mutation of tests/test_rules.py (one per rule) is applied, as many at once as
do not overlap, to a copy of the project that also holds five synthetic statements
from benchmarks/generate.py; on each mutated copy both engines must report the same
results: focus nodes, shapes, constraints, messages, severities, values, paths.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from publisher.load import load_dataset
from publisher.settings import Settings
from publisher.validate import validate
from tests.conftest import REPO, copy_project
from tests.test_rules import CASES, Case, mutate

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate


def rounds(cases: list[Case], size: int = 30) -> list[list[Case]]:
    """Group the mutations so that, within a group, no edit touches another one's text."""
    groups: list[tuple[list[Case], dict[str, str], list[tuple[str, str]]]] = []
    for case in cases:
        for group, texts, applied in groups:
            if len(group) >= size:
                continue
            trial = dict(texts)
            ok = True
            for old, new in case.edits:
                text = trial.setdefault(case.file, (REPO / case.file).read_text(encoding="utf-8"))
                if text.count(old) != 1:
                    ok = False
                    break
                trial[case.file] = text.replace(old, new)
            if ok and all(new in trial[file] for file, new in applied):
                group.append(case)
                texts.update(trial)
                applied.extend((case.file, new) for _, new in case.edits)
                break
        else:
            texts = {}
            for old, new in case.edits:
                text = texts.setdefault(case.file, (REPO / case.file).read_text(encoding="utf-8"))
                texts[case.file] = text.replace(old, new)
            groups.append(([case], texts, [(case.file, new) for _, new in case.edits]))
    return [group for group, _, _ in groups]


GROUPS = rounds(list(CASES))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project plus five synthetic statements (and their registry, appended)."""
    root = copy_project(tmp_path_factory.mktemp("corpus"))
    synthetic = generate(tmp_path_factory.mktemp("synthetic") / "p", statements=5, organizations=200)
    for folder in sorted((synthetic / "data" / "statements").iterdir()):
        shutil.copytree(folder, root / "data" / "statements" / folder.name)
    registry = (synthetic / "data" / "organizations.ttl").read_text(encoding="utf-8")
    stj = registry.index("<organization/syrians-for-truth-and-justice>")
    with (root / "data" / "organizations.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\n" + registry[:stj])
    return root


def compare(root: Path) -> int:
    dataset = load_dataset(Settings(root=root))
    fast = validate(dataset, engine="fast")
    slow = validate(dataset, engine="pyshacl")
    missing = sorted(set(slow.results) - set(fast.results))
    extra = sorted(set(fast.results) - set(slow.results))
    assert not missing and not extra, f"only pySHACL: {missing}\nonly fast: {extra}"
    assert fast.results == slow.results
    return len(fast.results)


def test_unmutated_corpus_same_report(corpus: Path) -> None:
    assert compare(corpus) >= 2  # the seed's known warnings


@pytest.mark.parametrize("group", range(len(GROUPS)))
def test_mutated_corpus_same_report(group: int, corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(corpus, root)
    for case in GROUPS[group]:
        for old, new in case.edits:
            mutate(root, case.file, old, new)
    assert compare(root) >= 1
