"""How a source text was made from the document a maintainer received, in PROV-O.

A statement ingested from a PDF, DOCX or HTML page keeps that document byte for byte as
`original.<ext>` beside `source.txt`. The draft says where `source.txt` comes from, so an
archive can check the chain: the source text `prov:wasGeneratedBy` an extraction that
`prov:used` the original file (its name as received, media type and SHA-256 as an
`spdx:Checksum`, as `void.ttl` gives the release's files) and `prov:wasAssociatedWith` the
extraction library, by name and version. No time is recorded: the draft must be the same
bytes whenever the same file is ingested.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rdflib import Literal

#: the spdx: prefix, as void.ttl uses it
SPDX = "http://spdx.org/rdf/terms#"
#: the statement folder's name of a kept original, by media type
ORIGINAL_NAMES = {
    "application/pdf": "original.pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "original.docx",
    "text/html": "original.html",
}


@dataclass(frozen=True)
class Original:
    """A received document, and the library that read its text."""

    name: str  # the file's name as received
    media_type: str
    data: bytes
    tool: str  # the distribution name of the extraction library, e.g. "pdfminer.six"
    version: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def kept_as(self) -> str:
        """Its file name in the statement folder."""
        return ORIGINAL_NAMES[self.media_type]


def original_iri(slug: str) -> str:
    return f"<source/{slug}/original>"


def source_links(slug: str) -> list[tuple[str, str]]:
    """The source node's properties that point at its original and its extraction."""
    return [("prov:wasDerivedFrom", original_iri(slug)),
            ("prov:wasGeneratedBy", f"<source/{slug}/extraction>")]


def quote(text: str) -> str:
    return Literal(text).n3()


def provenance_nodes(slug: str, original: Original) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(subject, types, properties) of the original, its checksum, the extraction and its tool."""
    base = f"source/{slug}"
    return [
        (original_iri(slug), "nida:OriginalFile", [
            ("schema:name", quote(original.name)),
            ("schema:encodingFormat", quote(original.media_type)),
            ("spdx:checksum", f"<{base}/original/sha256>"),
        ]),
        (f"<{base}/original/sha256>", "spdx:Checksum", [
            ("spdx:algorithm", "spdx:checksumAlgorithm_sha256"),
            ("spdx:checksumValue", f'"{original.sha256}"^^xsd:hexBinary'),
        ]),
        (f"<{base}/extraction>", "nida:TextExtraction", [
            ("prov:used", original_iri(slug)),
            ("prov:wasAssociatedWith", f"<{base}/extraction/tool>"),
        ]),
        (f"<{base}/extraction/tool>", "prov:SoftwareAgent", [
            ("schema:name", quote(original.tool)),
            ("schema:softwareVersion", quote(original.version)),
        ]),
    ]
