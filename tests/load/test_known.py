"""What an earlier run learnt of the input files (`publisher.load.known`): trusted, unread, only
while a file's status is as remembered; a file written since, or lately, is read again."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from publisher import load
from publisher.errors import InputError
from publisher.load import known
from publisher.load.dataset import load_dataset
from publisher.load.known import KNOWN_FILE, KnownFiles
from publisher.load.units import dataset_units
from publisher.settings import Settings
from tests.conftest import run

FAKE = "f" * 64


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as left alone at once (else only three seconds after they were written)."""
    monkeypatch.setattr(known, "SETTLED_NS", 0)


def remembered(folder: Path, path: Path, **changes: object) -> None:
    """Learn a file's facts and keep them, with `changes` made to what is kept (a digest, say)."""
    files = KnownFiles(folder)
    files.facts(path, path.parent)
    files.save()
    kept = json.loads((folder / KNOWN_FILE).read_text())
    entry = kept[os.path.abspath(path)]
    if "digest" in changes:
        entry[5] = changes["digest"]
    (folder / KNOWN_FILE).write_text(json.dumps(kept))


def test_a_file_whose_status_is_unchanged_is_not_read(tmp_path: Path, settled: None) -> None:
    path = tmp_path / "statement.ttl"
    path.write_bytes(b"<a> <b> <c> .\n")
    remembered(tmp_path / "cache", path, digest=FAKE)  # so a read would give another digest
    facts = KnownFiles(tmp_path / "cache").facts(path, tmp_path)
    assert (facts.digest, facts.size, facts.references) == (FAKE, 14, False)


def test_a_file_written_since_is_read_again_even_with_its_old_size_and_time(tmp_path: Path, settled: None) -> None:
    path = tmp_path / "statement.ttl"
    path.write_bytes(b"<a> <b> <c> .\n")
    remembered(tmp_path / "cache", path, digest=FAKE)
    before = os.stat(path)
    path.write_bytes(b"<a> <b> <d> .\n")  # the same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same modification time
    facts = KnownFiles(tmp_path / "cache").facts(path, tmp_path)
    assert facts.digest == hashlib.sha256(b"<a> <b> <d> .\n").hexdigest()  # its change time differs


def test_a_file_written_lately_is_not_remembered(tmp_path: Path) -> None:
    path = tmp_path / "statement.ttl"
    path.write_bytes(b"<a> <b> <c> .\n")
    files = KnownFiles(tmp_path / "cache")
    assert files.facts(path, tmp_path).digest == hashlib.sha256(path.read_bytes()).hexdigest()
    files.save()
    assert not (tmp_path / "cache" / KNOWN_FILE).exists()  # nothing was learnt to keep


def test_files_that_are_gone_are_forgotten(tmp_path: Path, settled: None) -> None:
    kept, gone = tmp_path / "kept.ttl", tmp_path / "gone.ttl"
    for path in (kept, gone):
        path.write_bytes(b"<a> <b> <c> .\n")
        remembered(tmp_path / "cache", path)
    gone.unlink()
    learnt = tmp_path / "new.ttl"
    learnt.write_bytes(b"<a> <b> <d> .\n")
    remembered(tmp_path / "cache", learnt)
    assert sorted(json.loads((tmp_path / "cache" / KNOWN_FILE).read_text())) == [str(kept), str(learnt)]


def test_a_damaged_record_is_ignored(tmp_path: Path, settled: None) -> None:
    path = tmp_path / "statement.ttl"
    path.write_bytes(b"<a> <owl:imports> <c> .\n")
    (tmp_path / "cache").mkdir()
    for damaged in (b"{not json", b"[1, 2]", json.dumps({os.path.abspath(path): [1, 2]}).encode()):
        (tmp_path / "cache" / KNOWN_FILE).write_bytes(damaged)
        facts = KnownFiles(tmp_path / "cache").facts(path, tmp_path)
        assert (facts.digest, facts.references) == (hashlib.sha256(path.read_bytes()).hexdigest(), True)


def test_a_missing_file_is_an_input_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        KnownFiles(tmp_path / "cache").facts(tmp_path / "data" / "gone.ttl", tmp_path)
    assert str(raised.value) == "data/gone.ttl: no such file"


def test_a_known_digest_is_the_first_read_of_consistent_inputs(tmp_path: Path, settled: None) -> None:
    """During a publish, a file taken as known must not be read later with other bytes."""
    path = tmp_path / "statement.ttl"
    path.write_bytes(b"<a> <b> <c> .\n")
    remembered(tmp_path / "cache", path, digest=FAKE)
    with load.consistent_inputs(tmp_path):
        KnownFiles(tmp_path / "cache").facts(path, tmp_path)
        with pytest.raises(InputError, match="changed while it was being published"):
            load.read_bytes(path, tmp_path)


def test_a_re_publish_reads_no_unchanged_file_and_publishes_the_same(project: Path, settled: None) -> None:
    settings = Settings(root=project)
    first = dataset_units(load_dataset(settings, lazy=True), project)
    kept = json.loads((settings.cache_dir / KNOWN_FILE).read_text())
    assert sorted(kept) == sorted(os.path.abspath(f) for unit in first for f in unit.files)
    assert run("publish", "--quiet", "--out", "one").exit_code == 0
    again = dataset_units(load_dataset(settings, lazy=True), project)
    assert again == first
    assert run("publish", "--quiet", "--out", "two").exit_code == 0
    assert (project / "one" / "SHA256SUMS").read_bytes() == (project / "two" / "SHA256SUMS").read_bytes()


def test_validate_without_the_cache_keeps_nothing(project: Path, settled: None) -> None:
    result = run("validate", "--no-cache")
    assert result.exit_code == 0, result.output
    assert not (project / ".nida-cache" / KNOWN_FILE).exists()
