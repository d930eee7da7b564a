"""Every path, IRI and limit in one place; the only module that reads the environment."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.errors import InputError

ONTOLOGY_NS = "https://w3id.org/nida/ontology#"
ONTOLOGY_IRI = "https://w3id.org/nida/ontology"
DATA_BASE = "https://w3id.org/nida/id/"
SHAPES_NS = "https://w3id.org/nida/shapes#"
DATASET_IRI = "https://w3id.org/nida/id/dataset"
#: the DCAT catalogue of release <version> is CATALOG_IRI + "/" + version
CATALOG_IRI = "https://w3id.org/nida/id/catalog"
#: where the files of release <version> are downloaded from: RELEASE_BASE + version + "/" + path
RELEASE_BASE = "https://w3id.org/nida/release/"
RELEASE_FILE = "release.toml"
#: the largest source.txt: it is published as one literal, which RDF parsers (Oxigraph's among
#: them) read only up to 16 MiB per token, and escaping can double it
MAX_SOURCE_BYTES = 8 << 20
#: the largest original (PDF, DOCX, HTML) `nida ingest` reads: kept byte for byte, never published
MAX_ORIGINAL_BYTES = 64 << 20
#: JSON-LD input: the deepest nesting of arrays and objects (parsers recurse on it)
MAX_JSON_DEPTH = 128
#: SPARQL: the deepest bracket nesting a query may have (Oxigraph's parser overflows near 3,000)
MAX_QUERY_NESTING = 256

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


def _env_int_or(name: str, default: int) -> int:
    value = _env_int(name)
    return default if value is None else value


def _env_jobs() -> int:
    value = os.environ.get("NIDA_JOBS", "").strip()
    if value and not value.isdigit():
        raise InputError("must be a whole number (0: one per CPU, 1: no forking)", "NIDA_JOBS")
    return int(value) if value else 0


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    try:
        return float(value) if value else default
    except ValueError:
        return default


def _env_str(name: str) -> str | None:
    return os.environ.get(name) or None


@dataclass(frozen=True)
class ReleaseInfo:
    """The dataset's metadata, from `release.toml` at the project root (the one place for it)."""

    title: str
    description: str
    version: str
    license: str
    keywords: tuple[str, ...]
    publisher_name: str
    publisher_url: str
    #: the release date: SOURCE_DATE_EPOCH when set, else `date` in release.toml; never the clock
    date: datetime.date

    @property
    def base(self) -> str:
        """The IRI the files of this release are published under."""
        return f"{RELEASE_BASE}{self.version}/"


def _release_info(path: Path, source_date_epoch: int | None) -> ReleaseInfo:
    try:
        with path.open("rb") as handle:
            table: dict[str, Any] = tomllib.load(handle)
    except FileNotFoundError:
        raise InputError("no release metadata; add release.toml (title, version, license, publisher)",
                         path.name) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", path.name) from None
    try:
        dataset, publisher = table["dataset"], table["publisher"]
        if source_date_epoch is not None:
            date = datetime.datetime.fromtimestamp(source_date_epoch, datetime.UTC).date()
        else:
            date = datetime.date.fromisoformat(str(dataset["date"]))
        return ReleaseInfo(
            title=str(dataset["title"]), description=str(dataset["description"]),
            version=str(dataset["version"]), license=str(dataset["license"]),
            keywords=tuple(str(k) for k in dataset.get("keywords", [])),
            publisher_name=str(publisher["name"]), publisher_url=str(publisher["url"]), date=date,
        )
    except KeyError as exc:
        raise InputError(f"missing key {exc.args[0]!r}; see the comments in the file", path.name) from None
    except ValueError as exc:
        raise InputError(f"invalid date: {exc}; write YYYY-MM-DD", path.name) from None


@dataclass(frozen=True)
class Settings:
    """Where the project lives and what the release is called.

    `root` defaults to the working directory (or ``NIDA_ROOT``); the folders below it
    follow the fixed project layout.
    """

    root: Path = field(default_factory=lambda: _env_path("NIDA_ROOT") or Path.cwd())
    source_date_epoch: int | None = field(default_factory=lambda: _env_int("SOURCE_DATE_EPOCH"))
    #: processes working at once in validate and publish (publisher/jobs.py): 0 is one per CPU,
    #: 1 runs everything in this process (no fork: a debugger sees it all)
    jobs: int = field(default_factory=_env_jobs)
    #: SPARQL: seconds a query may run (serve), and the most rows/triples an answer may have
    query_timeout: float = field(default_factory=lambda: _env_float("NIDA_QUERY_TIMEOUT", 10.0))
    result_limit: int = field(default_factory=lambda: _env_int_or("NIDA_RESULT_LIMIT", 10000))
    #: serve: the largest request (body, or query string) accepted; larger ones get 413
    max_request_bytes: int = field(default_factory=lambda: _env_int_or("NIDA_MAX_REQUEST_BYTES", 1 << 20))
    #: serve: how many queries run at once (one worker process each)
    query_workers: int = field(default_factory=lambda: _env_int_or("NIDA_QUERY_WORKERS", 2))
    #: serve: how many more queries may wait for a worker, and for how many seconds; past
    #: either, 503 (so slow queries never hold the threads of other requests for long)
    query_queue: int = field(default_factory=lambda: _env_int_or("NIDA_QUERY_QUEUE", 16))
    query_wait: float = field(default_factory=lambda: _env_float("NIDA_QUERY_WAIT", 0.5))
    #: serve: open connections at most (idle ones included), and seconds a silent one is kept
    max_connections: int = field(default_factory=lambda: _env_int_or("NIDA_MAX_CONNECTIONS", 500))
    idle_timeout: float = field(default_factory=lambda: _env_float("NIDA_IDLE_TIMEOUT", 10.0))
    #: serve: seconds between checks whether the release folder was published again
    reload_interval: float = field(default_factory=lambda: _env_float("NIDA_RELOAD_INTERVAL", 1.0))
    #: push: credentials (else ~/.netrc), retries and backoff on connection errors and 5xx
    push_user: str | None = field(default_factory=lambda: _env_str("NIDA_PUSH_USER"), repr=False)
    push_password: str | None = field(default_factory=lambda: _env_str("NIDA_PUSH_PASSWORD"), repr=False)
    push_retries: int = field(default_factory=lambda: _env_int_or("NIDA_PUSH_RETRIES", 3))
    push_backoff: float = field(default_factory=lambda: _env_float("NIDA_PUSH_BACKOFF", 0.5))
    push_timeout: float = field(default_factory=lambda: _env_float("NIDA_PUSH_TIMEOUT", 30.0))
    #: validation results per statement shard (publisher/validation/incremental.py); NIDA_CACHE_DIR overrides
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

    @property
    def queries_dir(self) -> Path:
        """The example queries: the project's queries/, else the ones shipped beside the package."""
        here = self.root / "queries"
        return here if here.is_dir() else Path(__file__).resolve().parent.parent / "queries"

    @functools.cached_property
    def release(self) -> ReleaseInfo:
        """Read once: every file of a release must name the same version and date."""
        return _release_info(self.root / RELEASE_FILE, self.source_date_epoch)


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment, with the command-line options given (not None) on top."""
    return dataclasses.replace(Settings(), **{k: v for k, v in overrides.items() if v is not None})
