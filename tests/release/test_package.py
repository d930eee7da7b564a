"""`nida publish --package`: an RO-Crate in the release and a BagIt bag next to it,
byte-identical on every run, made without touching the network."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bagit
import pytest
from rocrate.rocrate import ROCrate

from tests.conftest import copy_project, run


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def refuse(*args: Any, **kwargs: Any) -> None:
    raise AssertionError(f"network access attempted: {args}")


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bundled data published twice with --package, with every network call refused."""
    project = copy_project(tmp_path_factory.mktemp("package"))
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(project)
        mp.delenv("NIDA_ROOT", raising=False)
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        mp.setattr(socket.socket, "connect", refuse)
        mp.setattr(socket, "create_connection", refuse)
        mp.setattr(socket, "getaddrinfo", refuse)
        for out in ("one", "two"):
            result = run("publish", "--package", "--out", out)
            assert result.exit_code == 0, result.output
        yield project


def test_package_is_byte_identical_and_the_bag_validates(packaged: Path) -> None:
    assert files(packaged / "one") == files(packaged / "two")
    assert files(packaged / "one-bag") == files(packaged / "two-bag")
    bag = bagit.Bag(str(packaged / "one-bag"))
    bag.validate()
    assert bag.info["Bagging-Date"] == "2026-11-28"
    assert bag.info["Version"] == "0.1.0"
    assert sorted(bag.payload_files()) == sorted(f"data/{name}" for name in files(packaged / "one"))
    assert files(packaged / "one-bag/data") == files(packaged / "one")
    assert run("verify", str(packaged / "one")).exit_code == 0


def test_crate_lists_every_file(packaged: Path) -> None:
    release = packaged / "one"
    metadata = json.loads((release / "ro-crate-metadata.json").read_text(encoding="utf-8"))
    assert metadata["@context"] == "https://w3id.org/ro/crate/1.1/context"
    entities = {e["@id"]: e for e in metadata["@graph"]}
    root = entities["./"]
    assert root["datePublished"] == "2026-11-28"
    assert root["license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    assert entities["ro-crate-metadata.json"]["conformsTo"] == {"@id": "https://w3id.org/ro/crate/1.1"}
    listed = sorted(part["@id"] for part in root["hasPart"])
    assert listed == sorted(set(files(release)) - {"ro-crate-metadata.json"})
    for name in listed:
        assert entities[name]["@type"] == "File"
        if name != "SHA256SUMS":
            assert entities[name]["contentSize"] == str((release / name).stat().st_size)
    # the rocrate library reads it back, offline
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", refuse)
        crate = ROCrate(str(release))
    assert sorted(e.id for e in crate.data_entities) == listed


def test_without_package_no_crate_and_no_bag(release: Path) -> None:
    assert not (release / "ro-crate-metadata.json").exists()
    assert not release.with_name(release.name + "-bag").exists()


def test_verify_checks_the_crate_and_the_bag(packaged: Path, tmp_path: Path) -> None:
    assert run("verify", str(packaged / "one-bag")).exit_code == 0
    bag = Path(shutil.copytree(packaged / "one-bag", tmp_path / "bag"))
    with (bag / "data/nida.nt").open("a", encoding="utf-8") as handle:
        handle.write("# appended\n")
    result = run("verify", str(bag))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("bag: ") for line in lines)
    assert "data/nida.nt: SHA-256 differs from ro-crate-metadata.json" in lines
    release = Path(shutil.copytree(packaged / "one", tmp_path / "release"))
    (release / "extra.txt").write_text("x", encoding="utf-8")
    assert "extra.txt: not listed in ro-crate-metadata.json" in run("verify", str(release)).stdout
