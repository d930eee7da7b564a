"""The folder a release is published into, refused where replacing it would lose what nida did not write."""

from __future__ import annotations

import os
from pathlib import Path

from publisher.errors import InputError
from publisher.load.files import display_path
from publisher.release.write import CHECKSUMS
from publisher.settings import Settings

#: what every release nida writes holds at its top: a folder without them is not replaced
RELEASE_MARKERS = (CHECKSUMS, "void.ttl")


def _overlaps(a: Path, b: Path) -> bool:
    return a == b or a in b.parents or b in a.parents


def resolve_out(out: Path, settings: Settings) -> Path:
    """The folder to publish into, followed through symlinks (a symlinked `dist` keeps pointing
    at the new release), and refused where swapping it would lose data that nida did not write:
    the project itself, its input folders, or a folder that is not empty and not a release."""
    shown = display_path(out, settings.root)
    if out.is_symlink() and not out.exists():
        raise InputError("--out is a symlink to nothing; remove it or point it at a folder", shown)
    real = Path(os.path.realpath(out))
    if real.exists() and not real.is_dir():
        raise InputError("--out exists and is not a folder; choose a folder", shown)
    root = Path(os.path.realpath(settings.root))
    if real == root or real in root.parents:
        raise InputError("--out would replace the project itself; choose a folder of its own, e.g. dist",
                         shown)
    inputs = {"data/": settings.data_dir, "ontology/": settings.ontology_dir,
              "shapes/": settings.shapes_dir, "the cache": settings.cache_dir}
    for name, folder in inputs.items():
        if _overlaps(real, Path(os.path.realpath(folder))):
            raise InputError(f"--out would replace or sit inside {name}; choose a folder of its own", shown)
    if real.is_dir() and any(real.iterdir()) and not all((real / m).is_file() for m in RELEASE_MARKERS):
        raise InputError("--out is a folder that nida did not publish (no SHA256SUMS and void.ttl), and "
                         "publishing would replace it; choose an empty or new folder", shown)
    return real


def prepare_out(out: Path, root: Path) -> None:
    shown = display_path(out, root)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        message = f"cannot create the output folder: {exc.strerror}; choose another --out"
        raise InputError(message, shown) from None
    if not os.access(out.parent, os.W_OK):
        raise InputError("cannot write the output folder (permission denied); choose another --out", shown)
