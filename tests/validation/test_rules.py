"""Every shape in shapes/ can fail, and says so clearly.

For each property shape of shapes/core.ttl and each SHACL-SPARQL rule of
shapes/fidelity.ttl, one small textual mutation of a copy of the project makes
it fail; `nida validate --format json` must then report that shape, on that
focus node, with that message. The unmutated project must conform with exactly
the known warnings.

The last tests check the shapes themselves: every shape has a test here, an
IRI, a severity and a message; and every SPARQL rule starts from $this
(PITFALLS.md: otherwise rdflib evaluates it in quadratic time).
"""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from rdflib import BNode, Graph, Namespace, URIRef, Variable
from rdflib.namespace import RDF
from rdflib.paths import Path as RDFPath
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from publisher.cli import cli
from tests.conftest import BASE, REPO, SLUG, STATEMENT_DIR
from tests.validation.test_versions import VERSION_SHAPES

SH = Namespace("http://www.w3.org/ns/shacl#")
NIDASH = "https://w3id.org/nida/shapes#"

STATEMENT_TTL = str(STATEMENT_DIR / "statement.ttl")
SOURCE_TXT = str(STATEMENT_DIR / "source.txt")
ORGANIZATIONS = "data/organizations.ttl"
ACTORS = "data/actors.ttl"
PLACES = "data/places.ttl"
AGREEMENTS = "data/agreements.ttl"
EVENTS = "data/events.ttl"
ONTOLOGY = "ontology/nida.ttl"

# IRIs of the seed statement's nodes, and their relative form in statement.ttl
STATEMENT = f"{BASE}statement/{SLUG}"
SOURCE = f"{BASE}source/{SLUG}"
ABOUT = f"{STATEMENT}/about"
REL = f"<statement/{SLUG}"  # REL + ">" is the statement, REL + "/section/1>" a section


def signature(n: int) -> str:
    return f"{STATEMENT}/signature/{n}"


def section(n: int) -> str:
    return f"{STATEMENT}/section/{n}"


def demand(s: int, n: int) -> str:
    return f"{STATEMENT}/demand/{s}-{n}"


def position(name: str) -> str:
    return f"{STATEMENT}/position/{name}"


def iri(path: str) -> str:
    return BASE + path


@dataclass(frozen=True)
class Case:
    """A mutation and the result it must produce."""

    name: str
    file: str
    edits: tuple[tuple[str, str], ...]  # (old, new): each old occurs exactly once in file
    shape: str  # local name in nidash:
    focus: str
    message: str  # a substring of the result's message
    constraint: str = "SPARQLConstraintComponent"  # local name in sh:
    severity: str = "violation"
    value: str | None = None  # when given, the result's sh:value


def case(name: str, file: str, old: str, new: str, shape: str, focus: str, message: str,
         constraint: str = "SPARQLConstraintComponent", **kw: Any) -> Case:
    return Case(name, file, ((old, new),), shape, focus, message, constraint, **kw)


SPDX = "http://spdx.org/rdf/terms#"
ORIGINAL = f"{SOURCE}/original"
#: the provenance `nida ingest` writes for a statement extracted from a PDF, added to the seed
PROVENANCE = (
    'schema:encodingFormat "text/plain; charset=utf-8" ;\n'
    f"    prov:wasDerivedFrom <source/{SLUG}/original> ;\n    prov:wasGeneratedBy <source/{SLUG}/extraction> .\n\n"
    f'<source/{SLUG}/original>\n    a nida:OriginalFile ;\n    schema:name "statement.pdf" ;\n'
    '    schema:encodingFormat "application/pdf" ;\n'
    f"    <{SPDX}checksum> <source/{SLUG}/original/sha256> .\n\n"
    f"<source/{SLUG}/original/sha256>\n    a <{SPDX}Checksum> ;\n"
    f"    <{SPDX}algorithm> <{SPDX}checksumAlgorithm_sha256> ;\n"
    f'    <{SPDX}checksumValue> "{"ab" * 32}"^^xsd:hexBinary .\n\n'
    f"<source/{SLUG}/extraction>\n    a nida:TextExtraction ;\n    prov:used <source/{SLUG}/original> ;\n"
    f"    prov:wasAssociatedWith <source/{SLUG}/extraction/tool> .\n\n"
    f'<source/{SLUG}/extraction/tool>\n    a prov:SoftwareAgent ;\n    schema:name "pdfminer.six" ;\n'
    '    schema:softwareVersion "20260107" .\n')


def provenance_case(name: str, old: str, new: str, shape: str, focus: str, message: str, constraint: str,
                    **kw: Any) -> Case:
    """A mutation of the provenance block added to the seed's source node."""
    return Case(name, STATEMENT_TTL, (('schema:encodingFormat "text/plain; charset=utf-8" .', PROVENANCE),
                                      (old, new)), shape, focus, message, constraint, **kw)


TITLE = "Syria: Civil Society Organizations Call for an Immediate Halt to the Military Escalation in Northeast Syria"

CASES: list[Case] = [
    # ---------------------------------------------------------------- core: Statement
    case("statement title missing", STATEMENT_TTL, f'    dct:title "{TITLE}" ;\n', "",
         "Statement-title", STATEMENT, "Every statement needs exactly one dct:title", "MinCountConstraintComponent"),
    case("statement title with language tag", STATEMENT_TTL, f'"{TITLE}" ;', f'"{TITLE}"@en ;',
         "Statement-title", STATEMENT, "a plain string without language tag", "DatatypeConstraintComponent"),
    case("statement titleStart not an integer", STATEMENT_TTL, "nida:titleStart 2 ;", 'nida:titleStart "2" ;',
         "Statement-titleStart", STATEMENT, "exactly one nida:titleStart, an integer >= 0",
         "DatatypeConstraintComponent"),
    case("statement titleStart negative", STATEMENT_TTL, "nida:titleStart 2 ;", "nida:titleStart -1 ;",
         "Statement-titleStart", STATEMENT, "exactly one nida:titleStart, an integer >= 0",
         "MinInclusiveConstraintComponent"),
    case("statement titleEnd missing", STATEMENT_TTL, "    nida:titleEnd 109 ;\n", "",
         "Statement-titleEnd", STATEMENT, "exactly one nida:titleEnd", "MinCountConstraintComponent"),
    case("statement subtitle with language tag", STATEMENT_TTL,
         'prioritize dialogue" ;', 'prioritize dialogue"@en ;',
         "Statement-alternative", STATEMENT, "at most one dct:alternative, a plain string",
         "DatatypeConstraintComponent"),
    case("statement two subtitleStarts", STATEMENT_TTL, "nida:subtitleStart 441 ;", "nida:subtitleStart 441, 442 ;",
         "Statement-subtitleStart", STATEMENT, "nida:subtitleStart is at most one integer",
         "MaxCountConstraintComponent"),
    case("statement subtitleEnd a decimal", STATEMENT_TTL, "nida:subtitleEnd 656 ;", "nida:subtitleEnd 656.0 ;",
         "Statement-subtitleEnd", STATEMENT, "nida:subtitleEnd is at most one integer",
         "DatatypeConstraintComponent"),
    case("statement publisher not an organization", STATEMENT_TTL,
         "dct:publisher <organization/syrians-for-truth-and-justice> ;", "dct:publisher <actor/united-nations> ;",
         "Statement-publisher", STATEMENT, "dct:publisher is at most one nida:Organization",
         "ClassConstraintComponent", value=iri("actor/united-nations")),
    case("statement language a plain string", STATEMENT_TTL,
         'dct:language "en"^^xsd:language ;', 'dct:language "en" ;',
         "Statement-language", STATEMENT, "exactly one dct:language, an xsd:language literal",
         "DatatypeConstraintComponent"),
    case("statement publicationDateKnown not a boolean", STATEMENT_TTL,
         "nida:publicationDateKnown false ;", 'nida:publicationDateKnown "no" ;',
         "Statement-publicationDateKnown", STATEMENT, "nida:publicationDateKnown is at most one boolean",
         "DatatypeConstraintComponent"),
    case("statement issued not a date", STATEMENT_TTL,
         "    nida:publicationDateKnown false ;\n", '    dct:issued "autumn 2025" ;\n',
         "Statement-issuedDate", STATEMENT, "dct:issued is at most one xsd:date",
         "DatatypeConstraintComponent"),
    case("statement without source", STATEMENT_TTL,
         f"    prov:wasDerivedFrom <source/{SLUG}> ;\n", "",
         "Statement-wasDerivedFrom", STATEMENT, "exactly one prov:wasDerivedFrom, its nida:Source",
         "MinCountConstraintComponent"),
    case("statement hasSection to an actor", STATEMENT_TTL, "nida:hasSection\n", "nida:hasSection <actor/isis>,\n",
         "Statement-hasSection", STATEMENT, "nida:hasSection must point to nida:Section nodes",
         "ClassConstraintComponent", value=iri("actor/isis")),
    case("statement hasPosition to an actor", STATEMENT_TTL, "nida:hasPosition\n", "nida:hasPosition <actor/isis>,\n",
         "Statement-hasPosition", STATEMENT, "nida:hasPosition must point to nida:Position nodes",
         "ClassConstraintComponent", value=iri("actor/isis")),
    case("statement hasSignature to an actor", STATEMENT_TTL, "nida:hasSignature\n",
         "nida:hasSignature <actor/isis>,\n",
         "Statement-hasSignature", STATEMENT, "nida:hasSignature links to its nida:Signature nodes",
         "ClassConstraintComponent", value=iri("actor/isis")),
    case("statement signedBy an actor", STATEMENT_TTL, "nida:signedBy\n", "nida:signedBy <actor/isis>,\n",
         "Statement-signedBy", STATEMENT, "nida:signedBy links to the nida:Organization nodes",
         "ClassConstraintComponent", value=iri("actor/isis")),
    case("statement addressee an organization", STATEMENT_TTL,
         "    nida:addressee <actor/un-security-council>, <actor/un-security-council-member-states> ;",
         "    nida:addressee <organization/doz>, <actor/un-security-council-member-states> ;",
         "Statement-addressee", STATEMENT, "nida:addressee must point to a nida:Actor",
         "ClassConstraintComponent", value=iri("organization/doz")),
    case("statement publisherProfile a section", STATEMENT_TTL,
         f"nida:publisherProfile {REL}/about> ;", f"nida:publisherProfile {REL}/section/1> ;",
         "Statement-publisherProfile", STATEMENT, "nida:publisherProfile is at most one nida:PublisherProfile",
         "ClassConstraintComponent", value=section(1)),
    # ---------------------------------------------------------------- core: Source
    case("source sha256 in uppercase", STATEMENT_TTL, 'nida:sha256 "f8b3', 'nida:sha256 "F8b3',
         "Source-sha256", SOURCE, "64 lowercase hex digits", "PatternConstraintComponent"),
    case("source byteLength missing", STATEMENT_TTL, "    nida:byteLength 6744 ;\n", "",
         "Source-byteLength", SOURCE, "exactly one nida:byteLength", "MinCountConstraintComponent"),
    case("source charLength a string", STATEMENT_TTL, "nida:charLength 6734 ;", 'nida:charLength "6734" ;',
         "Source-charLength", SOURCE, "exactly one nida:charLength, an integer >= 1", "DatatypeConstraintComponent"),
    case("source encodingFormat without charset", STATEMENT_TTL,
         'schema:encodingFormat "text/plain; charset=utf-8"', 'schema:encodingFormat "text/plain"',
         "Source-encodingFormat", SOURCE, 'schema:encodingFormat "text/plain; charset=utf-8"',
         "HasValueConstraintComponent"),
    case("source IRI not the folder name", STATEMENT_TTL,
         f"<source/{SLUG}>\n    a nida:Source ;", "<source/elsewhere>\n    a nida:Source ;",
         "Source-content", iri("source/elsewhere"), "The source has no text", "MinCountConstraintComponent"),
    # ---------------------------------------------------------------- core: original file, extraction
    provenance_case("source derived from a statement", f"    prov:wasDerivedFrom <source/{SLUG}/original> ;",
                    f"    prov:wasDerivedFrom {REL}> ;", "Source-original", SOURCE,
                    "A source is derived from at most one original", "ClassConstraintComponent", value=STATEMENT),
    provenance_case("source generated by two extractions", f"    prov:wasGeneratedBy <source/{SLUG}/extraction> .",
                    f"    prov:wasGeneratedBy <source/{SLUG}/extraction>, <source/{SLUG}/extraction2> .\n"
                    f"<source/{SLUG}/extraction2> a nida:TextExtraction ; prov:used <source/{SLUG}/original> ;"
                    f" prov:wasAssociatedWith <source/{SLUG}/extraction/tool> .",
                    "Source-extraction", SOURCE, "A source is generated by at most one activity",
                    "MaxCountConstraintComponent"),
    provenance_case("original without a name", '    schema:name "statement.pdf" ;\n', "",
                    "OriginalFile-name", ORIGINAL, "exactly one schema:name", "MinCountConstraintComponent"),
    provenance_case("original an image", '"application/pdf"', '"image/png"', "OriginalFile-encodingFormat",
                    ORIGINAL, "exactly one schema:encodingFormat", "PatternConstraintComponent"),
    provenance_case("original without checksum", f"    <{SPDX}checksum> <source/{SLUG}/original/sha256> .",
                    "    a nida:OriginalFile .", "OriginalFile-checksum", ORIGINAL, "exactly one spdx:checksum",
                    "MinCountConstraintComponent"),
    provenance_case("checksum in md5", f"<{SPDX}checksumAlgorithm_sha256>", f"<{SPDX}checksumAlgorithm_md5>",
                    "Checksum-algorithm", ORIGINAL + "/sha256", "spdx:checksumAlgorithm_sha256",
                    "HasValueConstraintComponent"),
    provenance_case("checksum 31 bytes", f'"{"ab" * 32}"^^xsd:hexBinary', f'"{"ab" * 31}"^^xsd:hexBinary',
                    "Checksum-value", ORIGINAL + "/sha256", "64 lowercase hex digits", "PatternConstraintComponent"),
    provenance_case("extraction used the statement", f"    prov:used <source/{SLUG}/original> ;",
                    f"    prov:used {REL}> ;", "TextExtraction-used", SOURCE + "/extraction",
                    "exactly one prov:used, the nida:OriginalFile", "ClassConstraintComponent", value=STATEMENT),
    provenance_case("extraction without a tool", f"    prov:wasAssociatedWith <source/{SLUG}/extraction/tool> .",
                    "    a nida:TextExtraction .", "TextExtraction-tool", SOURCE + "/extraction",
                    "exactly one prov:wasAssociatedWith", "MinCountConstraintComponent"),
    provenance_case("tool without a name", '    schema:name "pdfminer.six" ;\n', "", "SoftwareAgent-name",
                    SOURCE + "/extraction/tool", "exactly one schema:name", "MinCountConstraintComponent"),
    provenance_case("tool version a number", 'schema:softwareVersion "20260107"', "schema:softwareVersion 20260107",
                    "SoftwareAgent-version", SOURCE + "/extraction/tool", "exactly one schema:softwareVersion",
                    "DatatypeConstraintComponent"),
    # ---------------------------------------------------------------- core: passages
    case("position without isPartOf", STATEMENT_TTL,
         f'    dct:isPartOf {REL}> ;\n    nida:ordinal 1 ;\n    nida:text "The undersigned Syrian',
         '    nida:ordinal 1 ;\n    nida:text "The undersigned Syrian',
         "Passage-isPartOf", position("concern-escalation"), "exactly one dct:isPartOf: the nida:Statement",
         "MinCountConstraintComponent"),
    case("position part of a section, not of a statement", STATEMENT_TTL,
         f'    dct:isPartOf {REL}> ;\n    nida:ordinal 1 ;\n    nida:text "The undersigned Syrian',
         f'    dct:isPartOf {REL}/section/1> ;\n    nida:ordinal 1 ;\n    nida:text "The undersigned Syrian',
         "Passage-isPartOf", position("concern-escalation"), "exactly one dct:isPartOf: the nida:Statement",
         "QualifiedMinCountConstraintComponent"),
    case("demand text with language tag", STATEMENT_TTL,
         'effective ceasefire monitoring." ;', 'effective ceasefire monitoring."@en ;',
         "Passage-text", demand(1, 2), "exactly one nida:text, a plain string", "DatatypeConstraintComponent"),
    case("demand textStart not a number", STATEMENT_TTL, "nida:textStart 2688 ;", 'nida:textStart "x" ;',
         "Passage-textStart", demand(1, 2), "exactly one nida:textStart, an integer >= 0",
         "DatatypeConstraintComponent"),
    case("demand textStart negative", STATEMENT_TTL, "nida:textStart 2688 ;", "nida:textStart -2688 ;",
         "Passage-textStart", demand(1, 2), "exactly one nida:textStart, an integer >= 0",
         "MinInclusiveConstraintComponent"),
    case("demand textEnd missing", STATEMENT_TTL, "    nida:textEnd 2905 ;\n", "",
         "Passage-textEnd", demand(1, 2), "exactly one nida:textEnd", "MinCountConstraintComponent"),
    case("position addressee a place", STATEMENT_TTL,
         "nida:addressee <actor/international-community> ;", "nida:addressee <place/syria> ;",
         "Passage-addressee", position("warning-international-community"),
         "nida:addressee must point to a nida:Actor", "ClassConstraintComponent", value=iri("place/syria")),
    case("demand type from the risk scheme", STATEMENT_TTL,
         "nida:demandType <concept/demand-type/activate-un-envoy> ;",
         "nida:demandType <concept/risk/destabilization> ;",
         "Passage-demandType", demand(1, 2), "nida:demandType must be a concept of the scheme <concept/demand-type>",
         "NodeConstraintComponent", value=iri("concept/risk/destabilization")),
    case("condemns a risk", STATEMENT_TTL, "<concept/violation-type/torture>,", "<concept/risk/destabilization>,",
         "Passage-condemns", position("condemnation-violations"),
         "nida:condemns must be a concept of the scheme <concept/violation-type>", "NodeConstraintComponent",
         value=iri("concept/risk/destabilization")),
    case("rejects a legal framework", STATEMENT_TTL, "<concept/violation-type/hate-speech>,",
         "<concept/legal-framework/ihl>,",
         "Passage-rejects", position("appeal-reject-hate-speech"),
         "nida:rejects must be a concept of the scheme <concept/violation-type>", "NodeConstraintComponent",
         value=iri("concept/legal-framework/ihl")),
    case("warnsOf a violation type", STATEMENT_TTL,
         "nida:warnsOf <concept/risk/mass-killings-based-on-identity> ;",
         "nida:warnsOf <concept/violation-type/mass-killings> ;",
         "Passage-warnsOf", position("concern-mass-killings"),
         "nida:warnsOf must be a concept of the scheme <concept/risk>", "NodeConstraintComponent",
         value=iri("concept/violation-type/mass-killings")),
    case("legalFramework a demand type", STATEMENT_TTL,
         "nida:legalFramework <concept/legal-framework/ihl>, <concept/legal-framework/ihrl> .",
         "nida:legalFramework <concept/demand-type/ceasefire>, <concept/legal-framework/ihrl> .",
         "Passage-legalFramework", position("call-ceasefire-and-end-to-violations"),
         "nida:legalFramework must be a concept of the scheme <concept/legal-framework>",
         "NodeConstraintComponent", value=iri("concept/demand-type/ceasefire")),
    case("mentions a literal", STATEMENT_TTL,
         "nida:mentions <actor/un-special-envoy-for-syria> .", 'nida:mentions "UN Special Envoy" .',
         "Passage-mentions", demand(1, 2), "nida:mentions must point to an IRI", "NodeKindConstraintComponent"),
    # ---------------------------------------------------------------- core: Section, Demand, Position, profile
    case("section ordinal 0", STATEMENT_TTL, 'nida:ordinal 1 ;\n    nida:text "First:',
         'nida:ordinal 0 ;\n    nida:text "First:',
         "Section-ordinal", section(1), "exactly one nida:ordinal, an integer >= 1",
         "MinInclusiveConstraintComponent"),
    case("section without addressee", STATEMENT_TTL,
         "    nida:addressee <actor/un-security-council> ;\n    nida:hasDemand", "    nida:hasDemand",
         "Section-addressee", section(1), "Every section needs at least one nida:addressee",
         "MinCountConstraintComponent"),
    case("section hasDemand an actor", STATEMENT_TTL, f"{REL}/demand/2-2> .\n", f"{REL}/demand/2-2>, <actor/isis> .\n",
         "Section-hasDemand", section(2), "nida:hasDemand links to its numbered nida:Demand nodes",
         "ClassConstraintComponent", value=iri("actor/isis")),
    case("demand without section", STATEMENT_TTL,
         f"    nida:section {REL}/section/1> ;\n    nida:ordinal 3 ;\n", "    nida:ordinal 3 ;\n",
         "Demand-section", demand(1, 3), "Every demand needs exactly one nida:section",
         "MinCountConstraintComponent"),
    case("demand ordinal a string", STATEMENT_TTL, 'nida:ordinal 4 ;\n    nida:text "Press for',
         'nida:ordinal "4" ;\n    nida:text "Press for',
         "Demand-ordinal", demand(1, 4), "exactly one nida:ordinal, an integer >= 1: its number as printed",
         "DatatypeConstraintComponent"),
    case("demand without addressee", STATEMENT_TTL,
         "    nida:addressee\n        <actor/syrian-transitional-government>,\n"
         "        <actor/syrian-democratic-forces> ;\n    nida:demandType\n"
         "        <concept/demand-type/implement-agreement>,",
         "    nida:demandType\n        <concept/demand-type/implement-agreement>,",
         "Demand-addressee", demand(2, 2), "Every demand needs at least one nida:addressee",
         "MinCountConstraintComponent"),
    case("demand without demand type", STATEMENT_TTL,
         "    nida:demandType <concept/demand-type/un-sponsorship-of-transition> ;\n", "",
         "Demand-demandType", demand(1, 5), "Every demand needs at least one nida:demandType",
         "MinCountConstraintComponent"),
    case("position with two ordinals", STATEMENT_TTL, 'nida:ordinal 8 ;\n    nida:text "Therefore',
         'nida:ordinal 8, 80 ;\n    nida:text "Therefore',
         "Position-ordinal", position("commitment"), "Every position needs exactly one nida:ordinal",
         "MaxCountConstraintComponent"),
    case("profile describes an actor", STATEMENT_TTL,
         "nida:describes <organization/syrians-for-truth-and-justice> ;", "nida:describes <actor/united-nations> ;",
         "PublisherProfile-describes", ABOUT, "exactly one nida:describes: the nida:Organization",
         "ClassConstraintComponent", value=iri("actor/united-nations")),
    case("profile without heading", STATEMENT_TTL, '    nida:heading "ABOUT STJ" ;\n', "",
         "PublisherProfile-heading", ABOUT, "exactly one nida:heading", "MinCountConstraintComponent"),
    # ---------------------------------------------------------------- core: Signature
    case("signature part of an actor", STATEMENT_TTL,
         f"{REL}/signature/5>\n    a nida:Signature ;\n    dct:isPartOf {REL}> ;",
         f"{REL}/signature/5>\n    a nida:Signature ;\n    dct:isPartOf <actor/isis> ;",
         "Signature-isPartOf", signature(5), "exactly one dct:isPartOf: the nida:Statement it signs",
         "ClassConstraintComponent", value=iri("actor/isis")),
    case("signature without ordinal", STATEMENT_TTL, '    nida:ordinal 7 ;\n    nida:nameAsPrinted "Fajr"',
         '    nida:nameAsPrinted "Fajr"',
         "Signature-ordinal", signature(7), "Every signature needs exactly one nida:ordinal",
         "MinCountConstraintComponent"),
    case("signature name with language tag", STATEMENT_TTL, 'nida:nameAsPrinted "Fajr" ;',
         'nida:nameAsPrinted "Fajr"@en ;',
         "Signature-nameAsPrinted", signature(7), "exactly one nida:nameAsPrinted, a plain string",
         "DatatypeConstraintComponent"),
    case("signature nameStart negative", STATEMENT_TTL, "nida:nameStart 4493 ;", "nida:nameStart -1 ;",
         "Signature-nameStart", signature(4), "exactly one nida:nameStart, an integer >= 0",
         "MinInclusiveConstraintComponent"),
    case("signature with two nameEnds", STATEMENT_TTL, "nida:nameEnd 4496 ;", "nida:nameEnd 4496, 4497 ;",
         "Signature-nameEnd", signature(4), "exactly one nida:nameEnd", "MaxCountConstraintComponent"),
    case("signature without signatory", STATEMENT_TTL,
         "    nida:nameEnd 5649 ;\n    nida:signatory <organization/jho> .", "    nida:nameEnd 5649 .",
         "Signature-signatory", signature(42), "Every signature needs exactly one nida:signatory",
         "MinCountConstraintComponent"),
    case("signatory a literal", STATEMENT_TTL, "nida:signatory <organization/jho> .", 'nida:signatory "Jho" .',
         "Signature-signatory", signature(42), "Every signature needs exactly one nida:signatory",
         "NodeKindConstraintComponent"),
    # ---------------------------------------------------------------- core: registries
    case("organization without prefLabel", ORGANIZATIONS, 'skos:prefLabel "DOZ" .', 'skos:altLabel "DOZ" .',
         "Organization-prefLabel", iri("organization/doz"), "Every organization needs exactly one skos:prefLabel",
         "MinCountConstraintComponent"),
    case("organization altLabel empty", ORGANIZATIONS,
         'skos:altLabel "Syrians For Truth and Justice" ;', 'skos:altLabel "  " ;',
         "Organization-altLabel", iri("organization/syrians-for-truth-and-justice"),
         "skos:altLabel of an organization is a string: another form of its name as printed, plain, or tagged "
         'with its language where a language version prints it ("..."@ar)', "PatternConstraintComponent"),
    case("organization altLabel an IRI", ORGANIZATIONS,
         'skos:altLabel "Syrians For Truth and Justice" ;', "skos:altLabel <organization/stj> ;",
         "Organization-altLabel", iri("organization/syrians-for-truth-and-justice"),
         "skos:altLabel of an organization is a string", "NodeKindConstraintComponent"),
    case("organization acronym an IRI", ORGANIZATIONS, 'nida:acronym "STJ" .', "nida:acronym <organization/stj> .",
         "Organization-acronym", iri("organization/syrians-for-truth-and-justice"),
         "nida:acronym is a plain string", "DatatypeConstraintComponent"),
    case("organization sameAs a literal", ORGANIZATIONS, 'skos:prefLabel "Fajr" .',
         'skos:prefLabel "Fajr" ;\n    <http://www.w3.org/2002/07/owl#sameAs> "Q123" .',
         "Organization-sameAs", iri("organization/fajr"), "owl:sameAs must be an IRI",
         "NodeKindConstraintComponent"),
    case("actor without prefLabel", ACTORS, 'skos:prefLabel "ISIS" ;', 'skos:altLabel "ISIS" ;',
         "Actor-prefLabel", iri("actor/isis"), "Every actor needs exactly one skos:prefLabel",
         "MinCountConstraintComponent"),
    case("actor altLabel with language tag", ACTORS, 'skos:altLabel "SDF" .', 'skos:altLabel "SDF"@en .',
         "Actor-altLabel", iri("actor/syrian-democratic-forces"), "skos:altLabel of an actor is a plain string",
         "DatatypeConstraintComponent"),
    case("actor sameAs a literal", ACTORS, "owl:sameAs wd:Q30 .", 'owl:sameAs "Q30" .',
         "Actor-sameAs", iri("actor/united-states"), "owl:sameAs must be an IRI", "NodeKindConstraintComponent"),
    case("actor subOrganizationOf a place", ACTORS, "org:subOrganizationOf <actor/united-nations> ;",
         "org:subOrganizationOf <place/syria> ;",
         "Actor-subOrganizationOf", iri("actor/un-security-council"),
         "org:subOrganizationOf must point to a nida:Actor", "ClassConstraintComponent", value=iri("place/syria")),
    case("actor postIn a place", ACTORS, "org:postIn <actor/united-nations> ;", "org:postIn <place/syria> ;",
         "Actor-postIn", iri("actor/un-special-envoy-for-syria"), "org:postIn must point to a nida:Actor",
         "ClassConstraintComponent", value=iri("place/syria")),
    case("place with two prefLabels", PLACES, 'skos:prefLabel "Syria" ;', 'skos:prefLabel "Syria", "Syrie" ;',
         "Place-prefLabel", iri("place/syria"), "Every place needs exactly one skos:prefLabel",
         "MaxCountConstraintComponent"),
    case("place altLabel with language tag", PLACES, 'skos:altLabel "Suwayda" ;', 'skos:altLabel "Suwayda"@en ;',
         "Place-altLabel", iri("place/as-suwayda-governorate"), "skos:altLabel of a place is a plain string",
         "DatatypeConstraintComponent"),
    case("place sameAs a literal", PLACES, "owl:sameAs wd:Q235563 .", 'owl:sameAs "Q235563" .',
         "Place-sameAs", iri("place/raqqa-governorate"), "owl:sameAs must be an IRI",
         "NodeKindConstraintComponent"),
    case("place contained in an actor", PLACES,
         'skos:prefLabel "Syrian coast" ;\n    schema:containedInPlace <place/syria> .',
         'skos:prefLabel "Syrian coast" ;\n    schema:containedInPlace <actor/isis> .',
         "Place-containedInPlace", iri("place/syrian-coast"), "schema:containedInPlace must point to a nida:Place",
         "ClassConstraintComponent", value=iri("actor/isis")),
    case("agreement without prefLabel", AGREEMENTS, '    skos:prefLabel "10 March 2025 Agreement" ;\n', "",
         "Agreement-prefLabel", iri("agreement/10-march-2025-agreement"),
         "Every agreement needs exactly one skos:prefLabel", "MinCountConstraintComponent"),
    case("agreement altLabel with language tag", AGREEMENTS, 'skos:altLabel "March 2025 Agreement" ;',
         'skos:altLabel "March 2025 Agreement"@en ;',
         "Agreement-altLabel", iri("agreement/10-march-2025-agreement"),
         "skos:altLabel of an agreement is a plain string", "DatatypeConstraintComponent"),
    case("agreement date a string", AGREEMENTS, 'dct:date "2025-03-10"^^xsd:date ;', 'dct:date "10 March 2025" ;',
         "Agreement-date", iri("agreement/10-march-2025-agreement"), "dct:date of an agreement is at most one xsd:date",
         "DatatypeConstraintComponent"),
    case("agreement party a place", AGREEMENTS, "<actor/syrian-democratic-forces> ;\n    nida:underAuspicesOf",
         "<place/syria> ;\n    nida:underAuspicesOf",
         "Agreement-party", iri("agreement/10-march-2025-agreement"), "nida:party must point to a nida:Actor",
         "ClassConstraintComponent", value=iri("place/syria")),
    case("agreement under auspices of a place", AGREEMENTS, "nida:underAuspicesOf <actor/united-states> .",
         "nida:underAuspicesOf <place/syria> .",
         "Agreement-underAuspicesOf", iri("agreement/10-march-2025-agreement"),
         "nida:underAuspicesOf must point to a nida:Actor", "ClassConstraintComponent", value=iri("place/syria")),
    case("event prefLabel with language tag", EVENTS, 'skos:prefLabel "Coastal massacres" ;',
         'skos:prefLabel "Coastal massacres"@en ;',
         "Event-prefLabel", iri("event/coastal-massacres"), "Every event needs exactly one skos:prefLabel",
         "DatatypeConstraintComponent"),
    case("event altLabel a number", EVENTS, 'skos:prefLabel "Suwayda massacres" ;',
         'skos:prefLabel "Suwayda massacres" ;\n    skos:altLabel 2025 ;',
         "Event-altLabel", iri("event/suwayda-massacres"), "skos:altLabel of an event is a plain string",
         "DatatypeConstraintComponent"),
    case("event place an actor", EVENTS, "nida:place <place/syrian-coast> .", "nida:place <actor/isis> .",
         "Event-place", iri("event/coastal-massacres"), "nida:place must point to a nida:Place",
         "ClassConstraintComponent", value=iri("actor/isis")),
    case("event involves a place", EVENTS, "nida:involves <actor/isis> ;", "nida:involves <place/syria> ;",
         "Event-involves", iri("event/reported-escape-of-isis-members"), "nida:involves must point to a nida:Actor",
         "ClassConstraintComponent", value=iri("place/syria")),
    # ---------------------------------------------------------------- core: concepts (ontology)
    case("concept prefLabel without language", ONTOLOGY, 'skos:prefLabel "Draft"@en ;', 'skos:prefLabel "Draft" ;',
         "Concept-prefLabel", iri("concept/review-status/draft"), "a skos:prefLabel with a language tag",
         "DatatypeConstraintComponent"),
    case("concept prefLabel twice in one language", ONTOLOGY, 'skos:prefLabel "Draft"@en ;',
         'skos:prefLabel "Draft"@en, "Unchecked"@en ;',
         "Concept-prefLabel", iri("concept/review-status/draft"), "at most one per language",
         "UniqueLangConstraintComponent"),
    case("concept without definition", ONTOLOGY,
         '    skos:definition "Checked by a person against the source text."@en ;\n', "",
         "Concept-definition", iri("concept/review-status/reviewed"), "Every concept needs a skos:definition",
         "MinCountConstraintComponent"),
    case("concept in an unknown scheme", ONTOLOGY,
         'is destabilized."@en ;\n    skos:inScheme concept:risk ;',
         'is destabilized."@en ;\n    skos:inScheme concept:nonexistent ;',
         "Concept-inScheme", iri("concept/risk/destabilization"), "Every concept needs skos:inScheme",
         "ClassConstraintComponent", value=iri("concept/nonexistent")),
    case("concept not a top concept", ONTOLOGY,
         'against the source text."@en ;\n    skos:inScheme concept:review-status ;\n'
         "    skos:topConceptOf concept:review-status .\n\nreview:reviewed",
         'against the source text."@en ;\n    skos:inScheme concept:review-status .\n\nreview:reviewed',
         "Concept-topConceptOf", iri("concept/review-status/draft"), "Every concept needs skos:topConceptOf",
         "MinCountConstraintComponent"),
    case("scheme top concept not a concept", ONTOLOGY,
         "        review:draft ,\n        review:reviewed ;", "        review:draft ,\n        review:unknown ;",
         "ConceptScheme-hasTopConcept", iri("concept/review-status"),
         "Every concept scheme needs skos:hasTopConcept links to its skos:Concept nodes",
         "ClassConstraintComponent", value=iri("concept/review-status/unknown")),
    # ---------------------------------------------------------------- core: review status
    case("review status not a review-status concept", STATEMENT_TTL,
         "nida:mentions <agreement/10-march-2025-agreement>, <actor/all-parties> .",
         "nida:mentions <agreement/10-march-2025-agreement>, <actor/all-parties> ;\n"
         "    nida:reviewStatus <concept/risk/destabilization> .",
         "Reviewable-reviewStatus", demand(1, 1), "nida:reviewStatus is at most one concept of the scheme",
         "NodeConstraintComponent", value=iri("concept/risk/destabilization")),
    case("draft node", STATEMENT_TTL,
         "nida:mentions <agreement/10-march-2025-agreement>, <actor/all-parties> .",
         "nida:mentions <agreement/10-march-2025-agreement>, <actor/all-parties> ;\n"
         "    nida:reviewStatus <concept/review-status/draft> .",
         "Reviewable-draft", demand(1, 1), "draft node, machine-made; review it and remove nida:reviewStatus",
         "NotConstraintComponent", severity="warning", value=iri("concept/review-status/draft")),
    # ---------------------------------------------------------------- fidelity 1: text at offsets
    case("demand text edited", STATEMENT_TTL, '"Prevent the outbreak of any', '"Prevent an outbreak of any',
         "PassageTextAtOffsets", demand(1, 3),
         "nida:text is not verbatim at [nida:textStart 2909, nida:textEnd 3079) of source.txt: "
         'source.txt has "Prevent the outbreak of any ethno-national conflict (Kurdish..." there; '
         "the literal occurs nowhere in source.txt"),
    case("demand text shifted by one", STATEMENT_TTL, "nida:textStart 2909 ;", "nida:textStart 2910 ;",
         "PassageTextAtOffsets", demand(1, 3), "the literal occurs at offset 2909: fix the offsets"),
    case("profile text end past the source", STATEMENT_TTL, "nida:textEnd 6734 .", "nida:textEnd 6800 .",
         "PassageTextAtOffsets", ABOUT, "the end is past the end of source.txt (6734 characters)"),
    case("section text start after end", STATEMENT_TTL, "nida:textStart 3440 ;", "nida:textStart 3519 ;",
         "PassageTextAtOffsets", section(2), "the start is not before the end"),
    case("signature typo corrected", STATEMENT_TTL, '"PEACE SHE LEADAR NET WORK"', '"PEACE SHE LEADER NETWORK"',
         "SignatureNameAtOffsets", signature(24),
         'nida:nameAsPrinted is not verbatim at [nida:nameStart 5142, nida:nameEnd 5167) of source.txt: '
         'source.txt has "PEACE SHE LEADAR NET WORK" there; the name occurs nowhere in source.txt'),
    case("signature name with its number", STATEMENT_TTL, "nida:nameStart 4500 ;", "nida:nameStart 4497 ;",
         "SignatureNameAtOffsets", signature(5), 'source.txt has "5. Taa marbouta" there; the name occurs at offset 4500'),
    case("title offsets shifted", STATEMENT_TTL, "nida:titleStart 2 ;", "nida:titleStart 3 ;",
         "StatementTitleAtOffsets", STATEMENT, "the title first occurs at offset 2: fix the offsets"),
    case("subtitle without start", STATEMENT_TTL, "    nida:subtitleStart 441 ;\n", "",
         "StatementSubtitleAtOffsets", STATEMENT,
         "the subtitle needs both nida:subtitleStart and nida:subtitleEnd"),
    case("subtitle in title case", STATEMENT_TTL,
         '"The Syrian organizations signing this statement call on',
         '"The Syrian Organizations Signing This Statement Call On',
         "StatementSubtitleAtOffsets", STATEMENT, "dct:alternative is not verbatim at [nida:subtitleStart 441"),
    # ---------------------------------------------------------------- fidelity 2: source integrity
    case("sha256 recorded wrong", STATEMENT_TTL, 'nida:sha256 "f8b3', 'nida:sha256 "08b3',
         "SourceSha256Matches", SOURCE,
         "source.txt changed since its SHA-256 was recorded: it now hashes to "
         "f8b3aef8f7a07e3dc31cc7f96e5bb601cd58823ec3f4f85d9356b25e8920e87a"),
    case("source text edited", SOURCE_TXT, "Signatory organizations:", "Signatory organisations:",
         "SourceSha256Matches", SOURCE, "source.txt changed since its SHA-256 was recorded"),
    case("charLength recorded wrong", STATEMENT_TTL, "nida:charLength 6734 ;", "nida:charLength 6735 ;",
         "SourceCharLengthMatches", SOURCE, "source.txt has 6734 characters, not the recorded nida:charLength 6735"),
    case("byteLength recorded as characters", STATEMENT_TTL, "nida:byteLength 6744 ;", "nida:byteLength 6734 ;",
         "SourceByteLengthMatches", SOURCE, "source.txt has 6744 bytes in UTF-8, not the recorded nida:byteLength 6734"),
    # ---------------------------------------------------------------- fidelity 3: unique ordinals
    case("two sections numbered 1", STATEMENT_TTL, 'nida:ordinal 2 ;\n    nida:text "Second:',
         'nida:ordinal 1 ;\n    nida:text "Second:',
         "SectionOrdinalUnique", section(2), f"Section ordinal 1 is used twice in this statement (also by {section(1)})"),
    case("two positions numbered 7", STATEMENT_TTL, 'nida:ordinal 8 ;\n    nida:text "Therefore',
         'nida:ordinal 7 ;\n    nida:text "Therefore',
         "PositionOrdinalUnique", position("commitment"),
         f"Position ordinal 7 is used twice in this statement (also by {position('concern-mass-killings')})"),
    case("two signatures numbered 39", STATEMENT_TTL, 'nida:ordinal 40 ;\n    nida:nameAsPrinted "We care"',
         'nida:ordinal 39 ;\n    nida:nameAsPrinted "We care"',
         "SignatureOrdinalUnique", signature(40),
         f"Signature ordinal 39 is used twice in this statement (also by {signature(39)})"),
    case("two demands numbered 1 in a section", STATEMENT_TTL, 'nida:ordinal 2 ;\n    nida:text "Commit to',
         'nida:ordinal 1 ;\n    nida:text "Commit to',
         "DemandOrdinalUnique", demand(2, 2), f"Demand ordinal 1 is used twice in this section (also by {demand(2, 1)})"),
    # ---------------------------------------------------------------- fidelity 4: contiguous ordinals
    case("sections 1 and 3", STATEMENT_TTL, 'nida:ordinal 2 ;\n    nida:text "Second:',
         'nida:ordinal 3 ;\n    nida:text "Second:',
         "SectionOrdinalContiguous", section(2), "Section ordinal 3 has no section 2 before it"),
    case("positions without 10", STATEMENT_TTL, 'nida:ordinal 10 ;\n    nida:text "We also warn',
         'nida:ordinal 11 ;\n    nida:text "We also warn',
         "PositionOrdinalContiguous", position("warning-international-community"),
         "Position ordinal 11 has no position 10 before it"),
    case("signatures without 43", STATEMENT_TTL, 'nida:ordinal 43 ;\n    nida:nameAsPrinted "Peace land"',
         'nida:ordinal 44 ;\n    nida:nameAsPrinted "Peace land"',
         "SignatureOrdinalContiguous", signature(43), "Signature ordinal 44 has no signature 43 before it"),
    case("demands without 5", STATEMENT_TTL, 'nida:ordinal 5 ;\n    nida:text "Ensure UN',
         'nida:ordinal 6 ;\n    nida:text "Ensure UN',
         "DemandOrdinalContiguous", demand(1, 5), "Demand ordinal 6 has no demand 5 before it in its section"),
    Case("demands 3 and 4 swapped", STATEMENT_TTL,
         (('nida:ordinal 3 ;\n    nida:text "Prevent', 'nida:ordinal 4 ;\n    nida:text "Prevent'),
          ('nida:ordinal 4 ;\n    nida:text "Press for', 'nida:ordinal 3 ;\n    nida:text "Press for')),
         "DemandOrdinalAsPrinted", demand(1, 3), "Demand ordinal 4 is not the number printed before its text (3)"),
    Case("signatures 5 and 6 swapped", STATEMENT_TTL,
         (('nida:ordinal 5 ;\n    nida:nameAsPrinted "Taa', 'nida:ordinal 6 ;\n    nida:nameAsPrinted "Taa'),
          ('nida:ordinal 6 ;\n    nida:nameAsPrinted "Dan', 'nida:ordinal 5 ;\n    nida:nameAsPrinted "Dan')),
         "SignatureOrdinalAsPrinted", signature(6),
         "Signature ordinal 5 is not the number printed before the name (6)"),
    # ---------------------------------------------------------------- fidelity 5, 6: registry and signedBy
    case("signatory not in the registry", STATEMENT_TTL, "nida:signatory <organization/ezdina-organization> .",
         "nida:signatory <organization/ezdina> .",
         "SignatoryInRegistry", signature(3),
         f"The signatory {iri('organization/ezdina')} is not in the organization registry",
         value=iri("organization/ezdina")),
    case("signedBy an organization without signature", STATEMENT_TTL, "nida:signedBy\n",
         "nida:signedBy <actor/isis>,\n",
         "SignedByHasSignature", STATEMENT,
         f"nida:signedBy lists {iri('actor/isis')}, but no signature of this statement has it",
         value=iri("actor/isis")),
    case("signatory missing from signedBy", STATEMENT_TTL, "        <organization/payam>,\n", "",
         "SignatoryInSignedBy", STATEMENT,
         f"{iri('organization/payam')} signs this statement (nida:signatory of a signature) but is missing",
         value=iri("organization/payam")),
    # ---------------------------------------------------------------- fidelity 7: structure
    case("signature not listed by its statement", STATEMENT_TTL,
         f"{REL}/signature/42>,\n        {REL}/signature/43> ;", f"{REL}/signature/42> ;",
         "PartListedByStatement", signature(43), f"This node is dct:isPartOf {STATEMENT}, but that statement does not list it",
         value=STATEMENT),
    case("signature part of the profile", STATEMENT_TTL,
         f"    dct:isPartOf {REL}> ;\n    nida:ordinal 10 ;\n    nida:nameAsPrinted",
         f"    dct:isPartOf {REL}/about> ;\n    nida:ordinal 10 ;\n    nida:nameAsPrinted",
         "StatementPartIsPartOf", STATEMENT,
         f"The statement lists {signature(10)} (nida:hasSignature), but that node is not dct:isPartOf this statement",
         value=signature(10)),
    case("demand part of another statement", STATEMENT_TTL,
         f"    dct:isPartOf {REL}> ;\n    nida:section {REL}/section/1> ;\n    nida:ordinal 1 ;",
         f"    dct:isPartOf <statement/other> ;\n    nida:section {REL}/section/1> ;\n    nida:ordinal 1 ;",
         "DemandInSectionOfSameStatement", demand(1, 1),
         f"The demand's nida:section {section(1)} is not a section of its own statement", value=section(1)),
    case("demand moved to another section", STATEMENT_TTL,
         f"nida:section {REL}/section/1> ;\n    nida:ordinal 5 ;", f"nida:section {REL}/section/2> ;\n    nida:ordinal 5 ;",
         "DemandListedBySection", demand(1, 5),
         f"The demand's nida:section {section(2)} does not list it with nida:hasDemand", value=section(2)),
    case("section lists a demand of another section", STATEMENT_TTL, f"{REL}/demand/2-2> .\n",
         f"{REL}/demand/2-2>, {REL}/demand/1-1> .\n",
         "SectionDemandPointsBack", section(2),
         f"The section lists {demand(1, 1)} with nida:hasDemand, but that demand's nida:section is not this section",
         value=demand(1, 1)),
    case("demand not addressed to its section's actor", STATEMENT_TTL,
         "nida:addressee <actor/un-security-council> ;\n    nida:demandType <concept/demand-type/activate-un-envoy>",
         "nida:addressee <actor/united-nations> ;\n    nida:demandType <concept/demand-type/activate-un-envoy>",
         "DemandAddresseesIncludeSection", demand(1, 2),
         f"The demand's section is addressed to {iri('actor/un-security-council')}, but the demand is not",
         value=iri("actor/un-security-council")),
    case("profile of another organization than the publisher", STATEMENT_TTL,
         "dct:publisher <organization/syrians-for-truth-and-justice> ;", "dct:publisher <organization/doz> ;",
         "PublisherProfileDescribesPublisher", ABOUT,
         f"The publisher profile describes {iri('organization/syrians-for-truth-and-justice')}, but that is not the "
         "dct:publisher", value=iri("organization/syrians-for-truth-and-justice")),
    case("mentions a concept", STATEMENT_TTL, "nida:mentions <actor/un-special-envoy-for-syria> .",
         "nida:mentions <concept/legal-framework/ihl> .",
         "MentionIsKnownKind", demand(1, 2),
         f"nida:mentions {iri('concept/legal-framework/ihl')}, which is not a nida:Agreement, nida:Actor, "
         "nida:Place or nida:Event", value=iri("concept/legal-framework/ihl")),
    case("publication date neither given nor marked unknown", STATEMENT_TTL,
         "    nida:publicationDateKnown false ;\n", "",
         "PublicationDateRecorded", STATEMENT,
         "The statement has no dct:issued: write nida:publicationDateKnown false when no date is printed"),
    case("publication date given and marked unknown", STATEMENT_TTL,
         "    nida:publicationDateKnown false ;\n",
         '    nida:publicationDateKnown false ;\n    dct:issued "2025-10-01"^^xsd:date ;\n',
         "PublicationDateRecorded", STATEMENT,
         "The statement has dct:issued and nida:publicationDateKnown false"),
    # ---------------------------------------------------------------- fidelity 8: warning
    Case("organization signs twice", STATEMENT_TTL,
         (("nida:signatory <organization/payam> .", "nida:signatory <organization/peyam-association-for-development> ."),
          ("        <organization/payam>,\n", "")),
         "DuplicateSignatory", STATEMENT,
         "organization Peyam association for development signs this statement 2 times (signatures 37, 38): "
         "check it is the same organization",
         severity="warning", value=iri("organization/peyam-association-for-development")),
]

#: The warnings of the unmutated project, exactly: (shape, focus, value, message).
SEED_WARNINGS = sorted([
    (NIDASH + "Statement-issued", STATEMENT, None,
     "No publication date is printed in the source; add dct:issued if one becomes known"),
    (NIDASH + "DuplicateSignatory", STATEMENT, iri("organization/dijla-organization-for-development-and-environment"),
     "organization Dijla Organization for Development and Environment signs this statement 2 times "
     "(signatures 9, 39): check it is the same organization"),
], key=str)

FILE_OF_IRI = [  # where each kind of focus node is written
    ("statement/", STATEMENT_TTL), ("source/", STATEMENT_TTL), ("organization/", ORGANIZATIONS),
    ("actor/", ACTORS), ("place/", PLACES), ("agreement/", AGREEMENTS), ("event/", EVENTS),
    ("concept/", ONTOLOGY),
]


def mutate(root: Path, file: str, old: str, new: str) -> None:
    """Replace `old` by `new` in one file; `old` must occur exactly once."""
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file}, expected once"
    path.chmod(path.stat().st_mode | stat.S_IWUSR)  # source.txt is read-only in the repository
    path.write_text(text.replace(old, new), encoding="utf-8")


def validate_json(*options: str) -> tuple[Result, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["validate", "--format", "json", *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    report = json.loads(result.stdout)
    assert set(report) == {"conforms", "counts", "results"}
    assert set(report["counts"]) == {"violation", "warning", "info"}
    for item in report["results"]:
        assert {"severity", "focus", "path", "value", "message", "shape", "constraint", "file", "line"} <= set(item)
    return result, report


def show(results: list[dict[str, Any]]) -> str:
    return "\n".join(f"{r['severity']} {r['shape']} {r['constraint'].rsplit('#', 1)[-1]} {r['focus']} "
                     f"{r['value']}: {r['message']}" for r in results)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_fails_with_its_message(case: Case, project: Path) -> None:
    for old, new in case.edits:
        mutate(project, case.file, old, new)
    result, report = validate_json()
    if case.severity == "violation":
        assert result.exit_code == 1, show(report["results"])
        assert report["conforms"] is False
    else:
        assert result.exit_code == 0, show(report["results"])
        assert report["conforms"] is True
    found = [
        r for r in report["results"]
        if r["shape"] == NIDASH + case.shape and r["focus"] == case.focus
        and r["constraint"] == str(SH[case.constraint]) and case.message in r["message"]
    ]
    assert found, (f"no {case.shape} ({case.constraint}) result on {case.focus} with {case.message!r}; "
                   f"got:\n{show(report['results'])}")
    result_ = found[0]
    assert result_["severity"] == case.severity
    if case.value is not None:
        assert case.value in [r["value"] for r in found]
    assert report["counts"][case.severity] >= 1
    # the report names the file and line where the focus node is written
    expected_file = next(f for prefix, f in FILE_OF_IRI if result_["focus"].startswith(BASE + prefix))
    assert result_["file"] == expected_file
    assert isinstance(result_["line"], int)
    line = (project / expected_file).read_text(encoding="utf-8").splitlines()[result_["line"] - 1]
    assert case.focus.rsplit("/", 1)[1] in line


def test_draft_warning_fails_only_with_strict(project: Path) -> None:
    draft = next(c for c in CASES if c.shape == "Reviewable-draft")
    for old, new in draft.edits:
        mutate(project, draft.file, old, new)
    result, report = validate_json("--strict")
    assert result.exit_code == 1
    assert report["conforms"] is False
    assert report["counts"]["violation"] == 0


def test_seed_conforms_with_exactly_the_known_warnings(project: Path) -> None:
    result, report = validate_json()
    assert result.exit_code == 0, show(report["results"])
    assert report["conforms"] is True
    assert report["counts"] == {"violation": 0, "warning": 2, "info": 0}
    got = sorted(((r["shape"], r["focus"], r["value"], r["message"]) for r in report["results"]), key=str)
    assert got == SEED_WARNINGS
    assert all(r["severity"] == "warning" and r["file"] == STATEMENT_TTL for r in report["results"])


def test_seed_fails_with_strict(project: Path) -> None:
    result, report = validate_json("--strict")
    assert result.exit_code == 1
    assert report["conforms"] is False
    assert report["counts"] == {"violation": 0, "warning": 2, "info": 0}


# ----------------------------------------------------------------------------- the shapes themselves


def shapes_graph() -> Graph:
    graph = Graph()
    for path in sorted((REPO / "shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def reportable_shapes(graph: Graph) -> set[str]:
    """Shapes that can be a result's sh:sourceShape: property shapes of targeted node shapes,
    and node shapes with SPARQL rules. (Value shapes used by sh:node/sh:not report through the
    property shape that uses them.)"""
    targets = [SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target]
    targeted = {s for t in targets for s in graph.subjects(t, None)}
    shapes = {str(p) for s in targeted for p in graph.objects(s, SH.property)}
    shapes |= {str(s) for s in targeted if (s, SH.sparql, None) in graph}
    return shapes


def test_every_shape_has_a_failing_test() -> None:
    tested = ({NIDASH + c.shape for c in CASES} | {shape for shape, *_ in SEED_WARNINGS}
              | {NIDASH + shape for shape in VERSION_SHAPES})  # language versions: test_versions.py
    missing = reportable_shapes(shapes_graph()) - tested
    assert not missing, f"shapes without a mutation test: {sorted(missing)}"
    assert tested <= reportable_shapes(shapes_graph())


def test_shapes_are_named_with_severity_and_message() -> None:
    graph = shapes_graph()
    for prop in set(graph.objects(None, SH.property)):
        assert isinstance(prop, URIRef) and str(prop).startswith(NIDASH), prop
        assert graph.value(prop, SH.severity) in (SH.Violation, SH.Warning, SH.Info), prop
        assert graph.value(prop, SH.message) is not None, prop
    for shape, constraint in graph.subject_objects(SH.sparql):
        assert isinstance(shape, URIRef) and isinstance(constraint, URIRef), (shape, constraint)
        assert graph.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), shape
        assert graph.value(constraint, SH.message) is not None, constraint
        assert len(list(graph.objects(shape, SH.sparql))) == 1, f"{shape}: one rule per shape"
    # blank nodes only where RDF needs them (none at all in these shapes)
    assert not [t for t in graph if any(isinstance(x, BNode) for x in t)]


def sparql_rules() -> list[tuple[str, str]]:
    """(constraint IRI, query text with the declared prefixes) for every SPARQL rule."""
    graph = shapes_graph()
    rules = []
    for constraint in sorted(graph.subjects(RDF.type, SH.SPARQLConstraint)):
        prefixes = ""
        for declarations in graph.objects(constraint, SH.prefixes):
            for declaration in sorted(graph.objects(declarations, SH.declare)):
                prefix = graph.value(declaration, SH.prefix)
                namespace = graph.value(declaration, SH.namespace)
                prefixes += f"PREFIX {prefix}: <{namespace}>\n"
        rules.append((str(constraint), prefixes + str(graph.value(constraint, SH.select))))
    return rules


def unanchored_patterns(query: str) -> list[str]:
    """Triple patterns that rdflib would evaluate with neither subject nor object bound,
    given that $this is bound: each such pattern scans the whole graph once per focus node.

    Walks the algebra in rdflib's evaluation order: the triples of a BGP in their (reordered)
    order, lazy joins left to right, EXISTS with the bindings of the solution it filters."""
    algebra = prepareQuery(query).algebra
    problems: list[str] = []

    def free(term: Any, bound: set[Variable]) -> bool:
        return isinstance(term, Variable) and term not in bound

    def variables(term: Any) -> set[Variable]:
        return {term} if isinstance(term, Variable) else set()

    def expression(expr: Any, bound: set[Variable]) -> None:
        if isinstance(expr, CompValue):
            if expr.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
                walk(expr.graph, set(bound))
                return
            for value in expr.values():
                expression(value, bound)
        elif isinstance(expr, list):
            for value in expr:
                expression(value, bound)

    def walk(node: Any, bound: set[Variable]) -> set[Variable]:
        if not isinstance(node, CompValue):
            return bound
        name = node.name
        if name == "BGP":
            for s, p, o in node.triples:
                if free(s, bound) and free(o, bound):
                    problems.append(f"{s.n3()} {p.n3() if not isinstance(p, RDFPath) else p} {o.n3()}")
                bound = bound | variables(s) | variables(o) | variables(p)
            return bound
        if name == "Join":
            if node.lazy:
                return walk(node.p2, walk(node.p1, bound))
            return walk(node.p1, bound) | walk(node.p2, bound)
        if name == "LeftJoin":
            left = walk(node.p1, bound)
            right = walk(node.p2, left)
            expression(node.expr, right)
            return right
        if name == "Filter":
            inner = walk(node.p, bound)
            expression(node.expr, inner)
            return inner
        if name == "Extend":
            inner = walk(node.p, bound)
            expression(node.expr, inner)
            return inner | {node.var}
        if name == "Union":
            return walk(node.p1, bound) | walk(node.p2, bound)
        if name == "Minus":
            raise AssertionError("MINUS is not allowed in SHACL-SPARQL")
        if name == "AggregateJoin":
            return walk(node.p, bound) | {a.res for a in node.A}
        if "p" in node:
            return walk(node.p, bound)
        return bound

    walk(algebra, {Variable("this")})
    return problems


@pytest.mark.parametrize("name, query", sparql_rules(), ids=lambda x: x.rsplit("#", 1)[-1][:40])
def test_sparql_rule_starts_from_this(name: str, query: str) -> None:
    assert "$this" in query
    assert unanchored_patterns(query) == [], f"{name} scans the graph; start every pattern from a bound node"


def test_anchor_check_catches_a_scan() -> None:
    """The check above is not vacuous: the naive uniqueness query joins at ?other first."""
    naive = """PREFIX nida: <https://w3id.org/nida/ontology#>
    PREFIX dct: <http://purl.org/dc/terms/>
    SELECT $this ?value WHERE {
        $this nida:ordinal ?value ; dct:isPartOf ?statement .
        ?statement nida:hasSignature ?other .
        ?other nida:ordinal ?value .
        FILTER (?other != $this)
    }"""
    assert unanchored_patterns(naive) != []
