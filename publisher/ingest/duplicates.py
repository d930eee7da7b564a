"""A statement already in the data is not ingested again under another name.

The same statement arrives twice: forwarded by two members of a coalition, once as a PDF and
once pasted from the web page. Ingesting it again would publish two statements with the same
signatures, and every count researchers make would double. So a text is compared with every
`source.txt` of `data/statements/` (and a received document with every kept `original.*`):
the same bytes (SHA-256), or the same text once case and white space are folded, is refused,
naming the statement it repeats; `--force` ingests it anyway.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from publisher.errors import InputError
from publisher.ingest.provenance import ORIGINAL_NAMES, Original
from publisher.load.dataset import SOURCE_FILE, STATEMENT_FILE
from publisher.load.files import display_path, read_bytes


def fold(text: str) -> str:
    """The text compared: case folded, every run of white space one space, none at the ends."""
    return " ".join(text.casefold().split())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_not_ingested(statements: Path, text: str, original: Original | None, root: Path,
                       shown: str) -> None:
    """Raise if a statement of `statements` has this text (or this original) as its source."""
    if not statements.is_dir():
        return
    data = text.encode("utf-8")
    digest, folded = sha256(data), fold(text)
    for folder in sorted(p for p in statements.iterdir() if p.is_dir() and not p.name.startswith(".")):
        source = folder / SOURCE_FILE
        if not (folder / STATEMENT_FILE).is_file() or not source.is_file():
            continue
        why = None
        if original is not None:
            for name in sorted(set(ORIGINAL_NAMES.values())):
                kept = folder / name
                if kept.is_file() and sha256(read_bytes(kept, root)) == original.sha256:
                    why = f"the same file as {display_path(kept, root)} (SHA-256 {original.sha256[:12]}…)"
        if why is None:
            existing = read_bytes(source, root)
            if sha256(existing) == digest:
                why = f"the same text as {display_path(source, root)} (SHA-256 {digest[:12]}…)"
            elif fold(existing.decode("utf-8", errors="replace")) == folded:
                why = f"the same text as {display_path(source, root)} once case and spacing are folded"
        if why is not None:
            raise InputError(f"already ingested as statement/{folder.name}: {why}; pass --force to ingest"
                             " it again under another --slug", shown)
