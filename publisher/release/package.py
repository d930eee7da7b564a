"""The archive package of `nida publish --package`: an RO-Crate and a BagIt bag.

- `ro-crate-metadata.json` (RO-Crate 1.1, made with the rocrate library) goes into the
  release itself, so the release folder is a crate; it lists every file of the release
  with its media type, byte size and SHA-256, and SHA256SUMS covers it.
- The bag is a sibling folder, `<out>-bag/` (e.g. `dist-bag/`), made with the bagit
  library: `data/` holds the release byte for byte (crate included, the "BagIt RO-Crate"
  layout), with SHA-256 and SHA-512 manifests.

Both are deterministic: the crate's date and the bag's Bagging-Date are the release date
(SOURCE_DATE_EPOCH or release.toml), never the clock; JSON is written with sorted keys.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from publisher import __version__
from publisher.errors import InputError
from publisher.export.files import media_type, release_names, sha256_file
from publisher.load import display_path
from publisher.settings import Settings

CRATE_FILE = "ro-crate-metadata.json"
CRATE_VERSION = "1.1"
BAG_SUFFIX = "-bag"
BAG_CHECKSUMS = ("sha256", "sha512")


def bag_folder(out: Path) -> Path:
    return out.with_name(out.name + BAG_SUFFIX)


def check_bag_target(out: Path, root: Path) -> None:
    """The bag folder is replaced whole: only when it is absent, empty, or a bag nida made."""
    bag = bag_folder(out)
    if bag.is_symlink() or (bag.exists() and not bag.is_dir()):
        raise InputError("the bag folder is a symlink or a file; remove it or choose another --out",
                         display_path(bag, root))
    if bag.is_dir() and any(bag.iterdir()) and not ((bag / "bagit.txt").is_file()
                                                    and (bag / "data" / "SHA256SUMS").is_file()):
        raise InputError("the bag folder holds files that are not a bag of a nida release, and publishing "
                         "with --package would replace it; move them or choose another --out",
                         display_path(bag, root))


def crate_metadata(folder: Path, settings: Settings, later: tuple[str, ...] = ()) -> dict[str, Any]:
    """The RO-Crate metadata of the release in `folder`; `later` names files written after it
    (SHA256SUMS), listed without size and checksum."""
    info = settings.release
    from rocrate.rocrate import ROCrate  # here: importing rocrate costs 0.1 s a publish without --package

    crate = ROCrate(version=CRATE_VERSION)
    root = crate.root_dataset
    root["name"] = info.title
    root["description"] = info.description
    root["version"] = info.version
    root["datePublished"] = info.date.isoformat()
    root["keywords"] = list(info.keywords)
    root["identifier"] = info.base
    publisher = crate.add_jsonld({"@id": info.publisher_url, "@type": "Organization",
                                  "name": info.publisher_name, "url": info.publisher_url})
    root["publisher"] = publisher
    license_ = crate.add_jsonld({"@id": info.license, "@type": "CreativeWork",
                                 "name": "Creative Commons Attribution 4.0 International"
                                 if "/by/4.0" in info.license else info.license})
    root["license"] = license_
    names = sorted({*release_names(folder, frozenset({CRATE_FILE})), *later})
    for name in names:
        path = folder / name
        properties: dict[str, Any] = {"name": name, "encodingFormat": media_type(name)}
        if path.is_file():
            properties["contentSize"] = str(path.stat().st_size)
            properties["sha256"] = sha256_file(path)
        crate.add_file(dest_path=name, properties=properties)
    metadata: dict[str, Any] = crate.metadata.generate()
    metadata["@graph"].sort(key=lambda entity: (entity["@id"] not in ("./", CRATE_FILE), entity["@id"]))
    return metadata


def write_crate(folder: Path, settings: Settings, later: tuple[str, ...] = ()) -> Path:
    text = json.dumps(crate_metadata(folder, settings, later), indent=2, sort_keys=True, ensure_ascii=False)
    target = folder / CRATE_FILE
    target.write_text(text + "\n", encoding="utf-8")
    return target


def make_bag(release: Path, target: Path, settings: Settings) -> Path:
    """Copy the release into `target` and make it a BagIt bag (target must not exist)."""
    import bagit  # here: as rocrate, only a publish with --package needs it

    info = settings.release
    shutil.copytree(release, target)
    bag_info = {
        "Bagging-Date": info.date.isoformat(),
        "Bag-Software-Agent": f"nida {__version__} (bagit.py {bagit.VERSION})",
        "External-Description": info.title,
        "External-Identifier": info.base,
        "Source-Organization": info.publisher_name,
        "Version": info.version,
    }
    bagit.make_bag(str(target), bag_info=bag_info, checksums=list(BAG_CHECKSUMS))
    return target
