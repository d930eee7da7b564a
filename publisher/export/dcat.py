"""The release as a DCAT-AP 3 catalogue: which files are distributions, of which dataset.

A data portal harvesting void.ttl meets one `dcat:Catalog` with three datasets: the Linked
Data itself (its distributions are the five dumps, the JSON-LD context, the ontology and the
shapes), and two derived from it, the tidy tables and the co-signature network. The HTML
site is the landing page, the example queries are `void:exampleResource`s; neither is a
distribution, and nor are the per-statement records (SHA256SUMS and the RO-Crate list every
file). Every class DCAT-AP 3 gives as a property's range is stated (`dct:MediaType`,
`dct:LicenseDocument`, `foaf:Agent`, ...), so the catalogue conforms without inference;
`publisher/release/dcat_ap_3.ttl` checks it.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from publisher.export.files import media_type
from publisher.export.jsonld import CONTEXT_FILE
from publisher.export.network import NETWORK_FILE
from publisher.export.tables import METADATA_FILE, TABLES_FOLDER
from publisher.settings import CATALOG_IRI, DATASET_IRI, PREFIXES, ReleaseInfo

DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
FOAF = "http://xmlns.com/foaf/0.1/"
DCT = PREFIXES["dct"]
RDFS = PREFIXES["rdfs"]
PROV = PREFIXES["prov"]
RDF_TYPE = PREFIXES["rdf"] + "type"
XSD = PREFIXES["xsd"]
IANA = "https://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
CSVW = "http://www.w3.org/ns/csvw"
DUMPS = ("nida.ttl", "nida.nt", "nida.trig", "nida.nq", "nida.jsonld")
LANDING_PAGE = "html/index.html"

#: the EU Publications Office's file type for each kind of distribution (DCAT-AP's dct:format)
FILE_TYPES = {".ttl": "RDF_TURTLE", ".nt": "RDF_N_TRIPLES", ".trig": "RDF_TRIG", ".nq": "RDF_N_QUADS",
              ".jsonld": "JSON_LD", ".csv": "CSV", ".json": "JSON", ".graphml": "XML"}


def dataset_iri(version: str) -> str:
    return f"{DATASET_IRI}/{version}"


def catalog_iri(version: str) -> str:
    return f"{CATALOG_IRI}/{version}"


@dataclass(frozen=True)
class Part:
    """A dataset of the catalogue and which release files are its distributions."""

    key: str  # "" for the Linked Data itself; else the IRI's last segment
    title: str
    description: str
    holds: Callable[[str], bool]

    def iri(self, version: str) -> str:
        return dataset_iri(version) + (f"/{self.key}" if self.key else "")


def _is_linked_data(name: str) -> bool:
    return name in DUMPS or name == CONTEXT_FILE or (
        name.startswith(("ontology/", "shapes/")) and name.endswith(".ttl"))


def _is_table(name: str) -> bool:
    return posixpath.dirname(name) == TABLES_FOLDER and name.endswith((".csv", "/" + METADATA_FILE))


PARTS = (
    Part("", "", "", _is_linked_data),
    Part("tables", "tables", "Tidy CSV tables (statements, sections, demands, signatures, "
         "organizations, addressees) with CSV on the Web metadata that maps them back to the "
         "triples of the Linked Data they are derived from.", _is_table),
    Part("network", "co-signature network", "Organizations as nodes and an edge between two "
         "organizations for every statement both signed, as GraphML for Gephi and other graph "
         "tools; derived from the Linked Data.", lambda name: name == NETWORK_FILE),
)


def part_of(name: str) -> Part | None:
    """The dataset a release file is a distribution of, or None when it is not one."""
    return next((part for part in PARTS if part.holds(name)), None)


class Triples:
    """Triples made with their nodes shared (thousands of them repeat the same few IRIs)."""

    def __init__(self) -> None:
        self.triples: list[ox.Triple] = []
        self.nodes: dict[str, ox.NamedNode] = {}

    def node(self, iri: str) -> ox.NamedNode:
        found = self.nodes.get(iri)
        if found is None:
            found = self.nodes[iri] = ox.NamedNode(iri)
        return found

    def add(self, s: str, p: str, o: str | ox.Literal) -> None:
        obj = o if isinstance(o, ox.Literal) else self.node(o)
        self.triples.append(ox.Triple(self.node(s), self.node(p), obj))

    def typed(self, iri: str, *classes: str) -> str:
        for kind in classes:
            self.add(iri, RDF_TYPE, kind)
        return iri


def text(value: str) -> ox.Literal:
    return ox.Literal(value)


def typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=_datatype(datatype))


@functools.cache
def _datatype(name: str) -> ox.NamedNode:
    return ox.NamedNode(XSD + name)


def describe_catalog(out: Triples, info: ReleaseInfo, names: list[str]) -> None:
    """The catalogue and its datasets (those with files among `names`, the release's), with
    DCAT-AP 3's mandatory title, description and publisher, and the licence, release date,
    version and landing page they share."""
    catalog = out.typed(catalog_iri(info.version), DCAT + "Catalog")
    out.add(catalog, DCT + "title", text(info.title))
    out.add(catalog, DCT + "description", text(info.description))
    home = None
    if LANDING_PAGE in names:
        home = out.typed(info.base + LANDING_PAGE, FOAF + "Document")
        out.add(catalog, FOAF + "homepage", home)
    out.typed(info.publisher_url, FOAF + "Agent", FOAF + "Organization")
    out.add(info.publisher_url, FOAF + "name", text(info.publisher_name))
    out.typed(info.license, DCT + "LicenseDocument")
    main = dataset_iri(info.version)
    for part in PARTS:
        if part.key and not any(map(part.holds, names)):
            continue
        dataset = out.typed(part.iri(info.version), DCAT + "Dataset")
        out.add(catalog, DCAT + "dataset", dataset)
        if part.key:
            out.add(dataset, DCT + "title", text(f"{info.title}: {part.title}"))
            out.add(dataset, DCT + "description", text(part.description))
            out.add(dataset, DCT + "source", main)
            out.add(dataset, PROV + "wasDerivedFrom", main)
        else:
            out.add(dataset, DCT + "title", text(info.title))
            out.add(dataset, DCT + "description", text(info.description))
            if home is not None:
                out.add(dataset, DCAT + "landingPage", home)
        for subject in (catalog, dataset):
            out.add(subject, DCT + "publisher", info.publisher_url)
            out.add(subject, DCT + "license", info.license)
            out.add(subject, DCT + "issued", typed(info.date.isoformat(), "date"))
        out.add(dataset, DCAT + "version", text(info.version))
        for keyword in info.keywords:
            out.add(dataset, DCAT + "keyword", text(keyword))


def _registered_type(name: str) -> str:
    """DCAT-AP asks for a type IANA registered: CSVW metadata has its own, GraphML has none."""
    if name.endswith("/" + METADATA_FILE):
        return "application/csvm+json"
    return "application/xml" if name.endswith(".graphml") else media_type(name)


@functools.cache
def _file_terms() -> dict[str, ox.NamedNode]:
    """The predicates and classes every distribution's description repeats, made once."""
    names = {"distribution": DCAT + "distribution", "type": RDF_TYPE, "Distribution": DCAT + "Distribution",
             "title": DCT + "title", "accessURL": DCAT + "accessURL", "downloadURL": DCAT + "downloadURL",
             "Resource": RDFS + "Resource", "mediaType": DCAT + "mediaType", "MediaType": DCT + "MediaType",
             "format": DCT + "format", "MediaTypeOrExtent": DCT + "MediaTypeOrExtent",
             "byteSize": DCAT + "byteSize", "license": DCT + "license",
             "checksum": SPDX + "checksum", "Checksum": SPDX + "Checksum", "algorithm": SPDX + "algorithm",
             "sha256": SPDX + "checksumAlgorithm_sha256", "ChecksumAlgorithm": SPDX + "ChecksumAlgorithm",
             "checksumValue": SPDX + "checksumValue"}
    return {key: ox.NamedNode(iri) for key, iri in names.items()}


def describe_distribution(out: Triples, info: ReleaseInfo, part: Part, name: str, size: int,
                          digest: str) -> None:
    """A file (its POSIX path in the release) as a `dcat:Distribution` of its dataset."""
    iri = info.base + name
    file, checksum, t = ox.NamedNode(iri), ox.NamedNode(iri + "#sha256"), _file_terms()
    media = out.node(IANA + _registered_type(name))
    out.triples += [
        ox.Triple(out.node(part.iri(info.version)), t["distribution"], file),
        ox.Triple(file, t["type"], t["Distribution"]),
        ox.Triple(file, t["type"], t["Resource"]),  # DCAT-AP 3's range of the access and download URL
        ox.Triple(file, t["title"], ox.Literal(name)),
        ox.Triple(file, t["accessURL"], file),
        ox.Triple(file, t["downloadURL"], file),
        ox.Triple(file, t["mediaType"], media),
        ox.Triple(media, t["type"], t["MediaType"]),
        ox.Triple(file, t["byteSize"], typed(size, "nonNegativeInteger")),
        ox.Triple(file, t["license"], out.node(info.license)),
        ox.Triple(file, t["checksum"], checksum),
        ox.Triple(checksum, t["type"], t["Checksum"]),
        ox.Triple(checksum, t["algorithm"], t["sha256"]),
        ox.Triple(t["sha256"], t["type"], t["ChecksumAlgorithm"]),
        ox.Triple(checksum, t["checksumValue"], typed(digest, "hexBinary")),
    ]
    if (kind := FILE_TYPES.get(posixpath.splitext(name)[1])) is not None:
        out.triples += [ox.Triple(file, t["format"], out.node(FILE_TYPE + kind)),
                        ox.Triple(out.node(FILE_TYPE + kind), t["type"], t["MediaTypeOrExtent"])]
    if name.endswith(METADATA_FILE):
        out.add(iri, DCT + "conformsTo", out.typed(CSVW, DCT + "Standard"))
