"""The project lock: exclusive holders exclude each other and shared holders."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from publisher.locking import LOCK_NAME, project_lock


def _can_take(root: Path, flag: int) -> bool:
    fd = os.open(root / LOCK_NAME, os.O_RDWR)
    try:
        fcntl.flock(fd, flag | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_exclusive_lock_excludes_everyone_until_released(tmp_path: Path) -> None:
    with project_lock(tmp_path, exclusive=True):
        assert not _can_take(tmp_path, fcntl.LOCK_SH)
        assert not _can_take(tmp_path, fcntl.LOCK_EX)
    assert _can_take(tmp_path, fcntl.LOCK_EX)


def test_shared_lock_admits_readers_and_excludes_writers(tmp_path: Path) -> None:
    with project_lock(tmp_path, exclusive=False):
        assert _can_take(tmp_path, fcntl.LOCK_SH)
        assert not _can_take(tmp_path, fcntl.LOCK_EX)
