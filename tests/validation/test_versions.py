"""The shapes of language versions (shapes/versions.ttl) fail on a broken version, with their message.

Each case breaks the Arabic version of the bilingual kobani project (tests/ingest/bilingual.py)
in one way; `nida validate --format json` must then report that shape on that node, with
exactly that message, and name the version's file and line. The unbroken project conforms.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BASE
from tests.ingest.bilingual import KOBANI, VERSION_TTL, run

STATEMENT = f"{BASE}statement/{KOBANI}"
VERSION = f"{STATEMENT}/ar"
ORG = BASE + "organization/"
SH = "http://www.w3.org/ns/shacl#"
NIDASH = "https://w3id.org/nida/shapes#"


@dataclass(frozen=True)
class Case:
    name: str
    block: str  # the node (relative IRI) whose block of statement.ar.ttl is edited
    old: str  # a regular expression, found once in the block
    new: str
    shape: str
    focus: str
    message: str
    constraint: str


def case(name: str, block: str, old: str, new: str, shape: str, focus: str, message: str,
         constraint: str = "SPARQLConstraintComponent") -> Case:
    return Case(name, block, old, new, shape, focus, message, constraint)


V, D11, S1 = f"statement/{KOBANI}/ar", f"statement/{KOBANI}/ar/demand/1-1", f"statement/{KOBANI}/ar/signature/1"
TEXT = ("Every section and demand of a language version needs exactly one nida:{}, "
        "an integer: the character offset in its source text {}")
NAME = ("Every signature of a language version needs exactly one nida:{}, an integer: the character offset in "
        "its source text {}")

CASES = [
    case("no statement translated", V, r"    schema:translationOfWork <[^>]+> ;\n", "",
         "StatementVersion-translationOf", VERSION, "Every language version needs exactly one "
         "schema:translationOfWork: the nida:Statement it translates, <statement/<slug>>", "MinCountConstraintComponent"),
    case("no language", V, r'    dct:language "ar"\^\^xsd:language ;\n', "", "StatementVersion-language", VERSION,
         'Every language version needs exactly one dct:language, an xsd:language literal such as "ar"^^xsd:language: '
         "the language of its source text", "MinCountConstraintComponent"),
    case("untagged title", V, r'(dct:title "[^"]+")@ar', r"\1", "StatementVersion-title", VERSION,
         'Every language version needs exactly one dct:title tagged with its language ("..."@ar): the title exactly '
         "as printed in its source text", "DatatypeConstraintComponent"),
    case("no title start", V, r"    nida:titleStart \d+ ;\n", "", "StatementVersion-titleStart", VERSION,
         "Every language version needs exactly one nida:titleStart, an integer: the character offset in its source "
         "text where the printed title starts", "MinCountConstraintComponent"),
    case("no title end", V, r"    nida:titleEnd \d+ ;\n", "", "StatementVersion-titleEnd", VERSION,
         "Every language version needs exactly one nida:titleEnd, an integer: the character offset in its source "
         "text just after the printed title", "MinCountConstraintComponent"),
    case("source that is none", V, r"<source/([^>]+)/ar>", r"<source/\1/xx>", "StatementVersion-wasDerivedFrom",
         VERSION, "Every language version needs exactly one prov:wasDerivedFrom, its nida:Source "
         "<source/<slug>/<lang>> (the text of source.<lang>.txt)", "ClassConstraintComponent"),
    case("part of the statement", D11, r"dct:isPartOf <([^>]+)/ar>", r"dct:isPartOf <\1>", "VersionPart-isPartOf",
         BASE + D11, "Every part of a language version needs exactly one dct:isPartOf: the nida:StatementVersion it "
         "is printed in", "ClassConstraintComponent"),
    case("not aligned", D11, r"    nida:alignedWith <[^>]+> ;\n", "", "VersionPart-alignedWith", BASE + D11,
         "Every part of a language version needs exactly one nida:alignedWith: the section, demand or signature of "
         "the statement at the same position", "MinCountConstraintComponent"),
    case("ordinal as a string", D11, r"nida:ordinal 1 ;", 'nida:ordinal "1" ;', "VersionPart-ordinal", BASE + D11,
         "Every part of a language version needs exactly one nida:ordinal, an integer: its number as printed, the "
         "same as the part it is aligned with", "DatatypeConstraintComponent"),
    case("untagged demand", D11, r'(nida:text "[^"]+")@ar', r"\1", "VersionText-text", BASE + D11,
         "Every section and demand of a language version needs exactly one nida:text tagged with the version's "
         'language ("..."@ar): the text verbatim as printed in its source text', "DatatypeConstraintComponent"),
    case("no text start", D11, r"    nida:textStart \d+ ;\n", "", "VersionText-textStart", BASE + D11,
         TEXT.format("textStart", "where its nida:text starts"), "MinCountConstraintComponent"),
    case("no text end", D11, r" ;\n    nida:textEnd \d+ \.", " .", "VersionText-textEnd", BASE + D11,
         TEXT.format("textEnd", "just after its nida:text"), "MinCountConstraintComponent"),
    case("untagged name", S1, r'(nida:nameAsPrinted "[^"]+")@ar', r"\1", "SignatureVersion-nameAsPrinted", BASE + S1,
         "Every signature of a language version needs exactly one nida:nameAsPrinted tagged with the version's "
         'language ("..."@ar): the name exactly as printed', "DatatypeConstraintComponent"),
    case("no name start", S1, r"    nida:nameStart \d+ ;\n", "", "SignatureVersion-nameStart", BASE + S1,
         NAME.format("nameStart", "where the printed name starts"), "MinCountConstraintComponent"),
    case("no name end", S1, r"    nida:nameEnd \d+ ;\n", "", "SignatureVersion-nameEnd", BASE + S1,
         NAME.format("nameEnd", "just after the printed name"), "MinCountConstraintComponent"),
    case("no signatory", S1, r" ;\n    nida:signatory <[^>]+> \.", " .", "SignatureVersion-signatory", BASE + S1,
         "Every signature of a language version needs exactly one nida:signatory: the organization of "
         "data/organizations.ttl of the signature it is aligned with", "MinCountConstraintComponent"),
    case("a section fewer", f"{V}/section/3", r"(?s).*", "", "VersionSectionCount", VERSION,
         "The ar version has 2 sections, the statement it translates 3: a version has every section of the "
         "statement, in the same order"),
    case("a demand fewer", f"{V}/demand/3-2", r"(?s).*", "", "VersionDemandCount", VERSION,
         "The ar version has 6 demands, the statement it translates 7: a version has every demand of the "
         "statement, in the same order"),
    case("a signature fewer", f"{V}/signature/6", r"(?s).*", "", "VersionSignatureCount", VERSION,
         "The ar version has 5 signatures, the statement it translates 6: a version has every signatory line of "
         "the statement, in the same order"),
    case("aligned with the next demand", f"{V}/demand/1-2", r"demand/1-2> ;\n    nida:ordinal",
         "demand/1-3> ;\n    nida:ordinal", "AlignedAtSamePosition", f"{VERSION}/demand/1-2",
         f"nida:alignedWith {STATEMENT}/demand/1-3, but the part of the statement at this position is "
         f"{STATEMENT}/demand/1-2: a version's part <statement/<slug>/<lang>/X> aligns with <statement/<slug>/X>"),
    case("another organization", f"{V}/signature/3", r"<organization/taa-marbouta>",
         "<organization/pel-civil-waves>", "AlignedSignatory", f"{VERSION}/signature/3",
         f"This signature names {ORG}pel-civil-waves, but the signature it is aligned with "
         f"({STATEMENT}/signature/3) is signed by {ORG}taa-marbouta: a version's signature names the organization "
         "of the statement's signature at the same position"),
    case("a part not listed", V, r"\n        <statement/[^>]+/ar/demand/2-1>,", "", "VersionListsPart",
         f"{VERSION}/demand/2-1", f"The version {VERSION} does not list this part in its dct:hasPart: add it there "
         "(the version's record reaches its parts through dct:hasPart)"),
    case("text off by one", D11, r"nida:textStart (\d+) ;", "TEXT_START_PLUS_ONE", "PassageTextAtOffsets", BASE + D11,
         "nida:text is not verbatim at"),
]
#: the shapes of shapes/versions.ttl these cases make fail (tests/validation/test_rules.py counts them)
VERSION_SHAPES = {c.shape for c in CASES}


def mutate(root: Path, c: Case) -> None:
    path = root / VERSION_TTL
    text = path.read_text(encoding="utf-8")
    block = re.search(rf"^<{re.escape(c.block)}>\n(?:    .*\n)+", text, re.MULTILINE)
    assert block is not None, c.block
    old = block.group(0)
    if c.new == "TEXT_START_PLUS_ONE":
        new = re.sub(c.old, lambda m: f"nida:textStart {int(m.group(1)) + 1} ;", old, count=1)
    else:
        assert len(re.findall(c.old, old)) == 1 or c.old == r"(?s).*", (c.old, old)
        new = re.sub(c.old, c.new, old, count=1)
    assert new != old
    path.write_text(text.replace(old, new), encoding="utf-8")


def validate(root: Path) -> tuple[int, dict[str, Any]]:
    result = run("validate", "--format", "json")
    return result.exit_code, json.loads(result.stdout)



def test_the_bilingual_project_conforms(fresh: Path) -> None:
    code, report = validate(fresh)
    assert code == 0 and report["counts"]["violation"] == 0
    assert not [r for r in report["results"] if r["focus"].startswith(VERSION)]


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_a_broken_version_fails_with_the_message(c: Case, fresh: Path) -> None:
    mutate(fresh, c)
    code, report = validate(fresh)
    assert code == 1
    found = [r for r in report["results"] if r["shape"] == NIDASH + c.shape and r["focus"] == c.focus
             and r["constraint"] == SH + c.constraint]
    assert found, json.dumps(report["results"], ensure_ascii=False, indent=1)
    assert found[0]["severity"] == "violation"
    if c.shape == "PassageTextAtOffsets":
        assert found[0]["message"].startswith(c.message)
    else:
        assert found[0]["message"] == c.message
    assert found[0]["file"] == VERSION_TTL
    line = (fresh / VERSION_TTL).read_text(encoding="utf-8").splitlines()[found[0]["line"] - 1]
    assert line == f"<{c.focus[len(BASE):]}>"


def test_the_fast_engine_reports_what_whole_graph_pyshacl_does(fresh: Path) -> None:
    """The sharded engine and plain pySHACL agree on a version broken in many ways at once."""
    for c in CASES:
        if c.name in ("a section fewer", "a demand fewer", "a signature fewer", "aligned with the next demand",
                      "another organization", "no language", "untagged demand", "no name start"):
            mutate(fresh, c)

    def results(*options: str) -> list[tuple[str, ...]]:
        report = json.loads(run("validate", "--format", "json", "--no-cache", *options).stdout)
        return sorted((r["severity"], r["shape"], r["focus"], str(r["value"]), r["message"])
                      for r in report["results"])

    fast = results()
    assert fast == results("--engine", "pyshacl")
    assert len([r for r in fast if r[2].startswith(VERSION)]) == 8
