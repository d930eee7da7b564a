"""Writing the release's files: folders made only where missing, links where the bytes are the same."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from publisher.export.files import line_count, sha256_place, write_bytes


def test_a_file_is_written_into_its_folder_made_where_missing(tmp_path: Path) -> None:
    """The folders a file needs are made (all of them); an existing folder and file are written
    into as before (the file's bytes replaced)."""
    deep = tmp_path / "a" / "b" / "c.html"
    assert write_bytes(deep, b"one") == deep and deep.read_bytes() == b"one"
    beside = tmp_path / "a" / "b" / "d.html"
    write_bytes(beside, memoryview(b"two"))
    write_bytes(deep, b"three")
    assert (deep.read_bytes(), beside.read_bytes()) == (b"three", b"two")


def test_a_file_holding_the_same_bytes_is_linked_into_a_missing_folder(tmp_path: Path) -> None:
    previous = tmp_path / "old" / "page.html"
    write_bytes(previous, b"same")
    target = tmp_path / "new" / "statement" / "page.html"
    assert sha256_place(target, b"same", previous) == hashlib.sha256(b"same").hexdigest()
    assert os.stat(target).st_ino == os.stat(previous).st_ino
    other = tmp_path / "new" / "other" / "page.html"
    assert sha256_place(other, b"changed", previous) == hashlib.sha256(b"changed").hexdigest()
    assert other.read_bytes() == b"changed" and os.stat(other).st_ino != os.stat(previous).st_ino
    missing = tmp_path / "new" / "third" / "page.html"
    assert sha256_place(missing, b"x", tmp_path / "gone.html") == hashlib.sha256(b"x").hexdigest()
    assert missing.read_bytes() == b"x"


def test_a_file_placed_with_its_digest_is_the_file_hashed_here(tmp_path: Path) -> None:
    """`sha256_place` given the data's SHA-256 writes (or links) the same and answers it."""
    digest = hashlib.sha256(b"page").hexdigest()
    previous = write_bytes(tmp_path / "old" / "page.html", b"page")
    for name, before in (("written", None), ("linked", previous), ("changed", tmp_path / "old" / "x")):
        assert sha256_place(tmp_path / name / "page.html", b"page", before, digest) == digest
        assert (tmp_path / name / "page.html").read_bytes() == b"page"
    assert os.stat(tmp_path / "linked" / "page.html").st_ino == os.stat(previous).st_ino


def test_a_file_moved_unchanged_is_not_counted_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The release's N-Triples dump is counted in the staged folder, then where it was moved."""
    staged = tmp_path / "staged.nt"
    staged.write_bytes(b"<a> <b> <c> .\n" * 3)
    assert line_count(staged) == 3
    moved = tmp_path / "moved.nt"
    staged.rename(moved)
    monkeypatch.setattr(Path, "open", lambda *args, **kwargs: pytest.fail("read again"))
    assert line_count(moved) == 3


def test_a_file_changed_in_place_is_counted_again(tmp_path: Path) -> None:
    dump = tmp_path / "nida.nt"
    dump.write_bytes(b"<a> <b> <c> .\n")
    assert line_count(dump) == 1
    with dump.open("ab") as handle:
        handle.write(b"<a> <b> <d> .\n")
    assert line_count(dump) == 2
