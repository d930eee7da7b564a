"""void.ttl describes the release: its data files, every graph's triple count, the metadata."""

from __future__ import annotations

import datetime
import hashlib
import os
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import REPO, STATEMENT_IRI, run

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
DCT = "http://purl.org/dc/terms/"
DATASET = "https://w3id.org/nida/id/dataset/0.1.0"
BASE = "https://w3id.org/nida/release/0.1.0/"


def load(release: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(release / "void.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def values(store: ox.Store, subject: str, predicate: str) -> list[str]:
    return sorted(q.object.value for q in store.quads_for_pattern(
        ox.NamedNode(subject), ox.NamedNode(predicate), None))


DISTRIBUTIONS = {
    DATASET: ["context.jsonld", "nida.jsonld", "nida.nq", "nida.nt", "nida.trig", "nida.ttl",
              "ontology/nida.ttl", "shapes/core.ttl", "shapes/fidelity.ttl", "shapes/versions.ttl"],
    DATASET + "/network": ["network.graphml"],
    DATASET + "/tables": [f"tables/{name}" for name in (
        "actors.csv", "csv-metadata.json", "demand_addressees.csv", "demand_types.csv", "demands.csv",
        "organizations.csv", "sections.csv", "signatures.csv", "statements.csv")],
}


def test_the_data_files_are_distributions_with_size_type_and_checksum(release: Path) -> None:
    store = load(release)
    for dataset, names in DISTRIBUTIONS.items():
        assert [iri[len(BASE):] for iri in values(store, dataset, DCAT + "distribution")] == names
    all_described = {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(DCAT + "distribution"), None)}
    assert len(all_described) == 20  # no HTML page, query, record or checksum file is a distribution
    for name in (name for names in DISTRIBUTIONS.values() for name in names):
        iri = BASE + name
        data = (release / name).read_bytes()
        assert values(store, iri, DCAT + "byteSize") == [str(len(data))]
        assert values(store, iri, DCAT + "accessURL") == values(store, iri, DCAT + "downloadURL") == [iri]
        (checksum,) = values(store, iri, SPDX + "checksum")
        assert values(store, checksum, SPDX + "checksumValue") == [hashlib.sha256(data).hexdigest()]
        assert values(store, checksum, SPDX + "algorithm") == [SPDX + "checksumAlgorithm_sha256"]
        (media,) = values(store, iri, DCAT + "mediaType")
        assert media.startswith("https://www.iana.org/assignments/media-types/")
    iana = "https://www.iana.org/assignments/media-types/"
    assert values(store, BASE + "nida.trig", DCAT + "mediaType") == [iana + "application/trig"]
    assert values(store, BASE + "tables/csv-metadata.json", DCAT + "mediaType") == [iana + "application/csvm+json"]
    assert values(store, BASE + "network.graphml", DCAT + "mediaType") == [iana + "application/xml"]
    assert values(store, BASE + "nida.nq", DCT + "format") == [
        "http://publications.europa.eu/resource/authority/file-type/RDF_N_QUADS"]


def test_triple_counts_per_graph_match_the_nquads(release: Path) -> None:
    store = load(release)
    counts = Counter(q.graph_name.value for q in  # type: ignore[union-attr]
                     ox.parse(path=str(release / "nida.nq"), format=ox.RdfFormat.N_QUADS))
    subsets = values(store, DATASET, VOID + "subset")
    assert subsets == sorted(counts)
    for graph in subsets:
        assert values(store, graph, VOID + "triples") == [str(counts[graph])]
    total = sum(1 for _ in (release / "nida.nt").open("rb"))
    assert values(store, DATASET, VOID + "triples") == [str(total)]


def test_dataset_metadata_comes_from_release_toml(release: Path) -> None:
    store = load(release)
    assert values(store, DATASET, DCAT + "version") == ["0.1.0"]
    assert values(store, DATASET, DCT + "license") == ["https://creativecommons.org/licenses/by/4.0/"]
    assert values(store, DATASET, DCT + "publisher") == ["https://w3id.org/nida/"]
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    date = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date().isoformat() if epoch else "2026-11-28"
    assert values(store, DATASET, DCT + "issued") == [date]
    queries = sorted(f"{BASE}queries/{p.name}" for p in (REPO / "queries").glob("*.rq"))
    assert len(queries) >= 10
    assert values(store, DATASET, VOID + "exampleResource") == [STATEMENT_IRI, *queries]
    assert len(values(store, DATASET, VOID + "dataDump")) == 5


def test_date_from_source_date_epoch_and_queries_as_example_resources(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    (project / "queries").mkdir(exist_ok=True)
    (project / "queries/count.rq").write_text("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }\n", encoding="utf-8")
    result = run("publish")
    assert result.exit_code == 0, result.output
    store = load(project / "dist")
    assert values(store, DATASET, DCT + "issued") == ["2026-01-01"]
    queries = sorted(f"{BASE}queries/{p.name}" for p in (project / "queries").glob("*.rq"))
    assert BASE + "queries/count.rq" in queries
    assert values(store, DATASET, VOID + "exampleResource") == [STATEMENT_IRI, *queries]
    assert (project / "dist/queries/count.rq").exists()


def test_missing_release_toml_is_an_input_error(project: Path) -> None:
    (project / "release.toml").unlink()
    result = run("publish")
    assert result.exit_code == 2
    assert "release.toml" in result.output
    assert not (project / "dist").exists()
