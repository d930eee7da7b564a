"""void.ttl is a DCAT-AP 3 catalogue: one dcat:Catalog, the Linked Data and two datasets
derived from it, conforming to publisher/release/dcat_ap_3.ttl; `nida verify` reports where not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from publisher.release.dcat import check_dcat_ap
from tests.conftest import run
from tests.export.test_void import load as store
from tests.export.test_void import values as objects

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CATALOG = "https://w3id.org/nida/id/catalog/0.1.0"
DATASET = "https://w3id.org/nida/id/dataset/0.1.0"
BASE = "https://w3id.org/nida/release/0.1.0/"


def subjects(found: ox.Store, kind: str) -> list[str]:
    return sorted(q.subject.value for q in found.quads_for_pattern(
        None, ox.NamedNode(RDF_TYPE), ox.NamedNode(kind)))


@pytest.fixture
def copy(release: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(release, tmp_path / "dist"))


def test_the_release_conforms_to_dcat_ap_3(release: Path) -> None:
    assert check_dcat_ap(release / "void.ttl") == []


def test_one_catalogue_of_three_datasets(release: Path) -> None:
    found = store(release)
    assert subjects(found, DCAT + "Catalog") == [CATALOG]
    assert subjects(found, DCAT + "Dataset") == [DATASET, DATASET + "/network", DATASET + "/tables"]
    assert objects(found, CATALOG, DCAT + "dataset") == subjects(found, DCAT + "Dataset")
    assert objects(found, CATALOG, DCT + "title") == ["nida: joint statements of civil-society organizations"]
    assert objects(found, CATALOG, DCT + "publisher") == ["https://w3id.org/nida/"]
    assert objects(found, CATALOG, FOAF + "homepage") == [BASE + "html/index.html"]
    assert objects(found, DATASET, DCAT + "landingPage") == [BASE + "html/index.html"]
    for derived in ("/network", "/tables"):
        assert objects(found, DATASET + derived, DCT + "source") == [DATASET]
    assert objects(found, "https://w3id.org/nida/", RDF_TYPE) == [FOAF + "Agent", FOAF + "Organization"]
    assert objects(found, "https://w3id.org/nida/", FOAF + "name") == ["nida project"]


def test_entailed_graphs_say_what_they_are_entailed_from(release: Path) -> None:
    found = store(release)
    graph = "https://w3id.org/nida/id/graph/"
    assert objects(found, graph + "entailed/organizations", "http://www.w3.org/ns/prov#wasDerivedFrom") == [
        graph + "organizations"]
    assert objects(found, graph + "organizations", "http://www.w3.org/ns/prov#wasDerivedFrom") == []


def test_a_catalogue_dcat_ap_refuses_is_reported_by_verify(copy: Path) -> None:
    void = copy / "void.ttl"
    text = void.read_text(encoding="utf-8")
    # a distribution without an access URL, and a publisher that is not a foaf:Agent
    lines = [line for line in text.splitlines(keepends=True)
             if not line.lstrip().startswith("dcat:accessURL <" + BASE + "nida.nq>")]
    broken = "".join(lines).replace("foaf:Agent , foaf:Organization", "foaf:Organization")
    assert broken != text
    void.write_text(broken, encoding="utf-8")
    problems = check_dcat_ap(void)
    assert problems == sorted([
        f"void.ttl: <{CATALOG}> Catalogue.publisher (DCAT-AP 3): Value does not have class foaf:Agent",
        f"void.ttl: <{DATASET}> Dataset.publisher (DCAT-AP 3): Value does not have class foaf:Agent",
        f"void.ttl: <{DATASET}/network> Dataset.publisher (DCAT-AP 3): Value does not have class foaf:Agent",
        f"void.ttl: <{DATASET}/tables> Dataset.publisher (DCAT-AP 3): Value does not have class foaf:Agent",
        f"void.ttl: <{BASE}nida.nq> Distribution.accessURL (DCAT-AP 3): Less than 1 values on"
        f" <{BASE}nida.nq>->dcat:accessURL",
    ])
    result = run("verify", "--no-shapes", str(copy))
    assert result.exit_code == 1
    assert set(problems) <= set(result.stdout.splitlines())


def test_two_catalogues_are_one_too_many(copy: Path) -> None:
    void = copy / "void.ttl"
    void.write_text(void.read_text(encoding="utf-8") + f"<{CATALOG}/copy> a dcat:Catalog ;\n"
                    ' dct:title "x" ; dct:description "y" ; dct:publisher <https://w3id.org/nida/> .\n',
                    encoding="utf-8")
    assert check_dcat_ap(void) == ["void.ttl: 2 dcat:Catalog where DCAT-AP asks for one catalogue"]
