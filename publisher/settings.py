"""Every path, IRI and limit in one place; the only module that reads the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ONTOLOGY_NS = "https://w3id.org/nida/ontology#"
ONTOLOGY_IRI = "https://w3id.org/nida/ontology"
DATA_BASE = "https://w3id.org/nida/id/"
SHAPES_NS = "https://w3id.org/nida/shapes#"

#: Prefixes used by every writer, in this fixed order, so that output is stable.
PREFIXES: dict[str, str] = {
    "nida": ONTOLOGY_NS,
    "dct": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rico": "https://www.ica.org/standards/RiC/ontology#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "vann": "http://purl.org/vocab/vann/",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def _env_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class Settings:
    """Where the project lives and what the release is called.

    `root` defaults to the working directory (or ``NIDA_ROOT``); the folders below it
    follow the fixed project layout.
    """

    root: Path = field(default_factory=lambda: _env_path("NIDA_ROOT") or Path.cwd())
    source_date_epoch: int | None = field(default_factory=lambda: _env_int("SOURCE_DATE_EPOCH"))
    #: validation results per statement shard (publisher/incremental.py); NIDA_CACHE_DIR overrides
    cache_dir_override: Path | None = field(default_factory=lambda: _env_path("NIDA_CACHE_DIR"))

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def cache_dir(self) -> Path:
        return self.cache_dir_override or self.root / ".nida-cache"

    @property
    def out_dir(self) -> Path:
        return self.root / "dist"


def load_settings() -> Settings:
    return Settings()
