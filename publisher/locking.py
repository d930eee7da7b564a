"""One advisory lock per project, so that writers of `data/` never interleave.

`nida ingest` appends to the shared registries (`data/organizations.ttl`, `actors.ttl`):
two runs at once would each read the file, append, and lose the other's block. Writers
take the lock exclusively; readers that need a consistent view of the input files
(`publish`) take it shared. The lock is `flock(2)` on `<root>/.nida.lock`: the kernel
drops it when the process dies, so a crash never leaves the project locked. The file is
hidden, so loaders skip it, and it is never removed (removing a flock file races).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from publisher.errors import InputError

LOCK_NAME = ".nida.lock"


@contextmanager
def project_lock(root: Path, *, exclusive: bool) -> Iterator[None]:
    """Hold the project's lock (waiting for it) for the duration of the block."""
    path = root / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise InputError(f"cannot open the project lock: {exc.strerror}; check the folder is writable",
                         path) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the lock
