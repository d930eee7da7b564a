"""Staging folders: written beside their target, swapped in at once, cleaned up after a kill.

Every writer (publish, ingest, serve's snapshots) stages under a name that carries its pid,
so a later run can tell a dead writer's leftovers from a live one's work.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from publisher.errors import InputError

_STAGING_PID = re.compile(r"(?:tmp|bag|serve)-(\d+)-")


def _owner_alive(name: str) -> bool:
    """Staging names carry their writer's pid after the prefix (``.dist.tmp-<pid>-xyz``, a bag's
    ``.dist.bag-<pid>-xyz``, a server's snapshot ``.dist.serve-<pid>-xyz``)."""
    found = _STAGING_PID.search(name)
    if found is None:
        return False
    pid = int(found.group(1))
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(folder: Path, patterns: Iterable[str]) -> list[Path]:
    """Remove what an interrupted (killed) run left behind: staging folders and files whose
    writing process is gone. Another live run's staging is left alone."""
    removed = []
    for pattern in patterns:
        for path in sorted(folder.glob(pattern)):
            if _owner_alive(path.name):
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    if ctypes.get_errno() in (errno.ENOSYS, errno.EINVAL, errno.EPERM):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))


def swap_in(staged: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staged, out)
        return
    if _exchange(staged, out):
        shutil.rmtree(staged)
        return
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(out, old)
    os.rename(staged, out)
    shutil.rmtree(old)


def write_text_file(path: Path, text: str) -> None:
    """Write a user-named file whole or not at all: staged beside it, then renamed over it.

    Raises InputError naming the path when it cannot be written (no such folder, no permission).
    """
    staged = path.with_name(f".{path.name}.tmp-{os.getpid()}-w")
    try:
        staged.write_text(text, encoding="utf-8")
        os.replace(staged, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            staged.unlink()
        reason = exc.strerror or str(exc)
        raise InputError(f"cannot write this file ({reason}); give a path in an existing,"
                         " writable folder", path) from None


def replace_files(contents: dict[Path, str], then: Callable[[], None] | None = None) -> None:
    """Write several files as one change: each staged beside its target (a killed writer's
    leftovers removed first), all renamed into place, then `then()` (a folder swapped in); on an
    OSError every file replaced is put back as it was, and the error is raised again."""
    originals = {path: path.read_bytes() if path.exists() else None for path in contents}
    staged: list[tuple[Path, Path]] = []
    replaced: list[Path] = []
    try:
        for path, content in contents.items():
            remove_stale(path.parent, (f".{path.name}.tmp-*",))
            handle, name = tempfile.mkstemp(prefix=f".{path.name}.tmp-{os.getpid()}-", dir=path.parent)
            with os.fdopen(handle, "wb") as out:
                out.write(content.encode("utf-8"))
            os.chmod(name, path.stat().st_mode & 0o777 if path.exists() else 0o644)
            staged.append((Path(name), path))
        for temp, path in staged:
            os.replace(temp, path)
            replaced.append(path)
        if then is not None:
            then()
    except OSError:
        for path in replaced:
            original = originals[path]
            if original is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(original)
        raise
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)

