"""What was learnt of each input file by an earlier run, trusted while the file's status is
unchanged (as git's index and make's timestamps are): a re-publish of a million triples read
and hashed 87 MB of statements it did not change (0.2 s, with the other CPU idle) only to find
their digests unchanged.

A file's status is its size, modification and change times (nanoseconds), inode and device.
Writing a file sets its change time to the time of the write, which no user can set back; and
a file is remembered only once it has been left alone for `SETTLED_NS`, so a later write can
never leave its status as remembered (git's "racily clean" entries). Remembered: the SHA-256
of its bytes, their length, and whether it may name another document (`may_reference`).
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from publisher.load.files import read_digested, same_as_first_read

#: the file, in the cache folder, that holds what is known (by absolute path)
KNOWN_FILE = "files.json"
#: how long a file must have been left alone to be remembered: well over the tick of any file
#: system's timestamps (two seconds on FAT)
SETTLED_NS = 3_000_000_000
#: what a remembered entry is checked against: `os.stat_result` fields, in this order
STATUS_FIELDS = ("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino", "st_dev")


@dataclass(frozen=True)
class Facts:
    digest: str  # SHA-256 of the bytes
    size: int
    references: bool  # `may_reference`


def may_reference(data: bytes) -> bool:
    """Whether a file may name another document (`REFERENCE_PREDICATES`, or an escaped IRI that
    could spell one): it is parsed at once, so that `references` has what it names."""
    # a backslash is looked for first: one memchr pass over the file, where each escape was a
    # slower search of its own (0.12 s of 0.21 s over the files of a million triples)
    return (b"imports" in data or b"shapesGraph" in data
            or (b"\\" in data and (b"\\u" in data or b"\\U" in data)))


def _status(path: Path) -> list[int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None  # reading it reports why
    return [getattr(found, name) for name in STATUS_FIELDS]


class KnownFiles:
    """The facts of input files: remembered ones where the status agrees, else read (`facts`);
    `save` keeps what was learnt for the next run. Without a folder, every file is read."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / KNOWN_FILE if folder is not None else None
        self.entries = self._read()
        self.changed = False
        self._facts: dict[str, Facts] = {}

    def _read(self) -> dict[str, list[Any]]:
        try:
            data = orjson.loads(self.path.read_bytes()) if self.path is not None else {}
        except (OSError, orjson.JSONDecodeError):
            return {}  # none yet, or damaged: every file is read again
        return data if isinstance(data, dict) else {}

    def facts(self, path: Path, root: Path) -> Facts:
        """The file's facts, once per run: unread where its status is as remembered (the digest
        then counts as its first read, for `consistent_inputs`); an unreadable file is an input
        error naming it."""
        key = os.path.abspath(path)
        if key in self._facts:
            return self._facts[key]
        status = _status(path)
        entry = self.entries.get(key)
        if status is not None and isinstance(entry, list) and len(entry) == 8 and entry[:5] == status:
            found = Facts(str(entry[5]), int(entry[6]), bool(entry[7]))
            same_as_first_read(path, found.digest, root)
        else:
            data, digest = read_digested(path, root)
            found = Facts(digest, len(data), may_reference(data))
            self._remember(key, path, status, found)
        self._facts[key] = found
        return found

    def _remember(self, key: str, path: Path, status: list[int] | None, found: Facts) -> None:
        """Keep the facts for the next run if the file was not written while it was read, nor
        lately (see the module)."""
        if status is None or _status(path) != status or not self.path:
            return
        if time.time_ns() - max(status[1], status[2]) < SETTLED_NS:
            self.entries.pop(key, None)
            return
        self.entries[key] = [*status, found.digest, found.size, found.references]
        self.changed = True

    def save(self) -> None:
        """Write what is known, if anything was learnt, without the files that are gone
        (atomically: two publishes at once each leave a whole file; a folder that cannot be
        written only costs the next run time)."""
        if not self.changed or self.path is None:
            return
        for key in [key for key in self.entries if key not in self._facts and not os.path.exists(key)]:
            del self.entries[key]  # a file gone (a statement removed or renamed): forgotten
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".files-", dir=self.path.parent)
            with os.fdopen(handle, "wb") as out:
                out.write(orjson.dumps(self.entries, option=orjson.OPT_SORT_KEYS))
            os.replace(temporary, self.path)
        except OSError:
            return
        self.changed = False
