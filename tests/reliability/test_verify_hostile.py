"""`nida verify` on a release someone tampered with: one line per problem, never a hang, never a
file outside the release opened (issue 15, item 10)."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

import pytest

from publisher.release.verify import verify
from tests.conftest import run


@pytest.fixture
def copy(release: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(release, tmp_path / "dist"))


def verify_within(dist: Path, seconds: float = 60) -> list[str]:
    """verify() in a thread, so that a hang fails the test instead of stopping the suite."""
    found: list[list[str]] = []
    worker = threading.Thread(target=lambda: found.append(verify(dist)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert found, f"verify did not finish in {seconds} s"
    return found[0]


def test_sums_naming_a_file_outside_the_release_are_refused_unread(copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"not yours")
    digest = hashlib.sha256(b"not yours").hexdigest()  # a correct digest: reading it would pass
    sums = copy / "SHA256SUMS"
    for name in ("../secret.txt", str(secret), "../../etc/passwd", "html/../../secret.txt"):
        sums.write_text(sums.read_text(encoding="utf-8") + f"{digest}  {name}\n", encoding="utf-8")
    lines = verify_within(copy)
    for number, name in enumerate(("../secret.txt", str(secret), "../../etc/passwd", "html/../../secret.txt")):
        count = len(sums.read_text(encoding="utf-8").splitlines()) - 3 + number
        assert (f"SHA256SUMS:{count}: names {name!r}, which is not a file inside the release; it was not opened"
                in lines), lines


def test_a_symlinked_folder_out_of_the_release_is_not_followed(copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.txt").write_bytes(b"x")
    (copy / "html" / "escape").symlink_to(outside)
    sums = copy / "SHA256SUMS"
    sums.write_text(sums.read_text(encoding="utf-8") + f"{hashlib.sha256(b'x').hexdigest()}  html/escape/x.txt\n",
                    encoding="utf-8")
    lines = verify_within(copy)
    assert any(line.endswith("names 'html/escape/x.txt', which is not a file inside the release; it was not opened")
               for line in lines), lines


def test_a_fifo_in_the_release_is_reported_not_opened(copy: Path) -> None:
    os.mkfifo(copy / "nida.ttl.fifo")
    (copy / "nida.nt").unlink()
    os.mkfifo(copy / "nida.nt")
    lines = verify_within(copy, 60)
    assert "nida.nt: not a regular file (a FIFO, device, socket or symbolic link); it was not opened" in lines
    assert "nida.ttl.fifo: not a regular file (a FIFO, device, socket or symbolic link); it was not opened" in lines


def test_a_fifo_for_the_checksums_file_ends_at_once(copy: Path) -> None:
    (copy / "SHA256SUMS").unlink()
    os.mkfifo(copy / "SHA256SUMS")
    result = run("verify", str(copy))  # is_file() is false for a FIFO: no release, and nothing is read
    assert result.exit_code == 2
    assert result.output.strip().endswith(": not a nida release: no SHA256SUMS")


@pytest.mark.parametrize("void", [
    "this is not turtle",
    "[] <http://www.w3.org/ns/dcat#distribution> <https://w3id.org/nida/release/0.1.0/nida.ttl> .",
    "<https://w3id.org/nida/id/dataset/x> <http://www.w3.org/ns/dcat#distribution> [] .",
    "<https://w3id.org/nida/id/dataset/x> <http://www.w3.org/ns/dcat#distribution> <https://w3id.org/nida/release/../../etc/passwd> .",
])
def test_a_malformed_void_is_lines_not_a_traceback(copy: Path, void: str) -> None:
    (copy / "void.ttl").write_text(void + "\n", encoding="utf-8")
    result = run("verify", "--no-shapes", str(copy))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.stdout.splitlines(), result.output
