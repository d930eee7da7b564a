"""`nida publish --out X` never replaces what nida did not write (issue 15, item 1).

The release is swapped in whole, so X is replaced: only when X is absent, empty, or a release
(SHA256SUMS and void.ttl at its top); never the project, its inputs or the cache; a symlinked
`dist` is followed, and stays a symlink to the new release.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import run
from tests.test_errors import error_line

REFUSED = "publishing would replace it; choose an empty or new folder"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".nida.lock"}


@pytest.mark.parametrize(("out", "message"), [
    (".", "--out would replace the project itself"),
    ("..", "--out would replace the project itself"),
    ("data", "--out would replace or sit inside data/"),
    ("data/statements", "--out would replace or sit inside data/"),
    ("shapes", "--out would replace or sit inside shapes/"),
    ("ontology", "--out would replace or sit inside ontology/"),
    (".nida-cache", "--out would replace or sit inside the cache"),
])
def test_project_folders_are_never_the_release(project: Path, out: str, message: str) -> None:
    before = tree(project)
    result = run("publish", "--quiet", "--out", out)
    assert result.exit_code == 2, result.output
    assert error_line(result) == f"nida: error: {out}: {message}; choose a folder of its own" + (
        ", e.g. dist" if "project itself" in message else "")
    assert tree(project) == before


def test_a_folder_nida_did_not_write_is_refused(project: Path) -> None:
    notes = project / "notes"
    notes.mkdir()
    (notes / "thesis.txt").write_text("years of work", encoding="utf-8")
    result = run("publish", "--quiet", "--out", "notes")
    assert result.exit_code == 2
    assert error_line(result) == (
        "nida: error: notes: --out is a folder that nida did not publish (no SHA256SUMS and void.ttl), and "
        f"{REFUSED}")
    assert tree(notes) == {"thesis.txt": b"years of work"}
    assert not list(project.glob(".notes.tmp-*"))


def test_an_empty_folder_and_a_release_are_replaced(project: Path) -> None:
    (project / "empty").mkdir()
    assert run("publish", "--quiet", "--out", "empty").exit_code == 0
    assert (project / "empty/SHA256SUMS").is_file()
    (project / "empty/stray.txt").write_text("x", encoding="utf-8")  # a release with an extra file
    assert run("publish", "--quiet", "--out", "empty").exit_code == 0
    assert not (project / "empty/stray.txt").exists()


def test_a_symlinked_dist_is_followed_and_stays_a_symlink(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("disk") / "nida-release"
    elsewhere.mkdir()
    (project / "dist").symlink_to(elsewhere)
    for _ in range(2):  # into the empty target, then over the release there
        result = run("publish", "--quiet")
        assert result.exit_code == 0, result.output
        assert (project / "dist").is_symlink()
        assert os.readlink(project / "dist") == str(elsewhere)
        assert (elsewhere / "SHA256SUMS").is_file()


def test_a_dangling_symlink_is_refused(project: Path) -> None:
    (project / "dist").symlink_to(project / "gone")
    result = run("publish", "--quiet")
    assert result.exit_code == 2
    assert error_line(result) == "nida: error: dist: --out is a symlink to nothing; remove it or point it at a folder"
    assert (project / "dist").is_symlink()


def test_package_never_replaces_a_bag_folder_nida_did_not_write(project: Path) -> None:
    bag = project / "dist-bag"
    bag.mkdir()
    (bag / "keep.txt").write_text("mine", encoding="utf-8")
    result = run("publish", "--quiet", "--package")
    assert result.exit_code == 2
    assert error_line(result).startswith("nida: error: dist-bag: the bag folder holds files that are not a bag")
    assert tree(bag) == {"keep.txt": b"mine"}
    assert not (project / "dist").exists()
