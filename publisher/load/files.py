"""Reading input files: paths as users typed them, bytes that must not change mid-publish."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from publisher.errors import InputError
from publisher.locking import project_lock
from publisher.settings import MAX_SOURCE_BYTES


def display_path(path: Path, root: Path) -> str:
    """Show paths relative to the project root, as users typed them."""
    try:  # issue 8: a link is shown where it is, not where it points
        return str(Path(os.path.abspath(path)).relative_to(os.path.abspath(root)))
    except ValueError:
        pass
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


#: during `consistent_inputs`: the SHA-256 of every input file as first read, by absolute path
_FIRST_READS: dict[str, str] | None = None


@contextmanager
def consistent_inputs(root: Path) -> Iterator[None]:
    """Hold the project's lock shared (no `nida ingest` writes meanwhile) and make every read
    of an input file agree with its first: publish reads a file several times (parsing,
    cache keys, copies into the release, forked exporters), and an editor saving a file
    in between gave a release whose pages and dumps disagreed. A second read that differs
    is an input error, and nothing is published. Only digests are kept, not the bytes."""
    global _FIRST_READS
    with project_lock(root, exclusive=False):
        previous, _FIRST_READS = _FIRST_READS, {}
        try:
            yield
        finally:
            _FIRST_READS = previous


def same_as_first_read(path: Path, digest: str, root: Path) -> None:
    """During `consistent_inputs`: take `digest` (SHA-256) as the file's bytes, read or known
    (`load.known`); every later read must agree with it."""
    if _FIRST_READS is not None and _FIRST_READS.setdefault(os.path.abspath(path), digest) != digest:
        raise InputError("changed while it was being published (read twice with different contents);"
                         " nothing was published: publish again once it is saved", display_path(path, root))


def read_bytes(path: Path, root: Path) -> bytes:
    """A file's bytes; what keeps it from being read, as an input error naming it."""
    data = _read(path, root)
    if _FIRST_READS is not None:
        same_as_first_read(path, hashlib.sha256(data).hexdigest(), root)
    return data


def read_digested(path: Path, root: Path) -> tuple[bytes, str]:
    """`read_bytes`, with the bytes' SHA-256 (hashed once, for the caller and `consistent_inputs`)."""
    data = _read(path, root)
    digest = hashlib.sha256(data).hexdigest()
    same_as_first_read(path, digest, root)
    return data, digest


def _read(path: Path, root: Path) -> bytes:
    shown = display_path(path, root)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", shown) from None
    except IsADirectoryError:
        raise InputError("is a folder, expected a file", shown) from None
    except PermissionError:
        raise InputError("cannot read the file (permission denied); fix its permissions", shown) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", shown) from None


def read_text(path: Path, root: Path) -> str:
    """Read a UTF-8 file; a decoding error names the line of the first bad byte."""
    shown = display_path(path, root)
    raw = read_bytes(path, root)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8", shown, line
        ) from None


def check_source_file(path: Path, shown: str, limit: int = MAX_SOURCE_BYTES) -> None:
    """A statement's text (`source.txt`, or the file given to `nida ingest`), checked before it is
    read: a regular file (a FIFO or /dev/zero would be read for ever) of at most MAX_SOURCE_BYTES
    (it is published as one literal)."""
    try:
        found = path.stat()
    except FileNotFoundError:
        raise InputError("no such file", shown) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", shown) from None
    if stat.S_ISDIR(found.st_mode):
        raise InputError("is a folder, expected a file", shown)  # as read_bytes says it
    if not stat.S_ISREG(found.st_mode):
        raise InputError("not a regular file (a FIFO or device); save the statement's text as a file and"
                         " give its path", shown)
    if found.st_size > limit:
        what = ("a source text may have (it is published as one literal); check it is the statement's text"
                if limit == MAX_SOURCE_BYTES else "an original document may have; check it is the statement")
        raise InputError(f"{found.st_size} bytes, more than the {limit} {what} alone", shown)
