"""`nida ingest`: plain text -> draft statement + registry additions (issue 4).

The seed must come out with the curated statement's structure (compared with SPARQL on both
graphs); four texts written for these tests cover the layout's variants and every
reconciliation outcome; malformed inputs fail with one line and write nothing; and what
ingest writes validates (with draft warnings only) and publishes.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from publisher.cli import cli
from publisher.ingest.layout import parse_layout
from publisher.ingest.reconcile import (
    ORGANIZATION_BASE,
    Entry,
    PrintedName,
    Registry,
    normalize,
    reconcile_organization,
    slugify,
)
from tests.conftest import BASE, REPO, SLUG, STATEMENT_DIR, copy_project, run

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ingest"
SEED = REPO / STATEMENT_DIR / "source.txt"  # byte-identical to shared/seeds/000_8a0ca22e61b5950c.txt
NIDASH = "https://w3id.org/nida/shapes#"
PREFIXES = """
PREFIX nida: <https://w3id.org/nida/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def store(*files: Path) -> ox.Store:
    st = ox.Store()
    for file in files:
        st.load(path=str(file), format=ox.RdfFormat.TURTLE)
    return st


def rows(st: ox.Store, query: str, statement: str) -> list[tuple[str, ...]]:
    result = st.query(PREFIXES + query.replace("$statement", f"<{statement}>"))
    return sorted(tuple("" if v is None else v.value for v in row) for row in result)  # type: ignore[union-attr]


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "data").rglob("*")) if p.is_file()}


# ----------------------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Result, float]]:
    """A fresh project without the curated statement (registries kept), the seed ingested."""
    root = copy_project(tmp_path_factory.mktemp("seed"))
    shutil.rmtree(root / STATEMENT_DIR)
    (root / "incoming").mkdir()
    shutil.copyfile(SEED, root / "incoming" / "statement.txt")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.delenv("NIDA_ROOT", raising=False)
        began = time.perf_counter()
        result = run("ingest", "incoming/statement.txt", "--slug", SLUG)
        elapsed = time.perf_counter() - began
        yield root, result, elapsed


STRUCTURE = {
    "statement": """SELECT ?title ?ts ?te ?sub ?ss ?se ?publisher ?lang WHERE {
        $statement dct:title ?title ; nida:titleStart ?ts ; nida:titleEnd ?te ; dct:alternative ?sub ;
          nida:subtitleStart ?ss ; nida:subtitleEnd ?se ; dct:publisher ?publisher ; dct:language ?lang }""",
    "source": """SELECT ?sha ?bytes ?chars ?format WHERE { $statement prov:wasDerivedFrom ?s .
        ?s nida:sha256 ?sha ; nida:byteLength ?bytes ; nida:charLength ?chars ; <https://schema.org/encodingFormat> ?format }""",
    "signatures": """SELECT ?ordinal ?name ?start ?end ?organization WHERE {
        $statement nida:hasSignature ?s . ?s dct:isPartOf $statement ; nida:ordinal ?ordinal ;
          nida:nameAsPrinted ?name ; nida:nameStart ?start ; nida:nameEnd ?end ; nida:signatory ?organization }""",
    "signedBy": "SELECT ?organization WHERE { $statement nida:signedBy ?organization }",
    "sections": """SELECT ?ordinal ?text ?start ?end ?addressee WHERE {
        $statement nida:hasSection ?s . ?s dct:isPartOf $statement ; nida:ordinal ?ordinal ; nida:text ?text ;
          nida:textStart ?start ; nida:textEnd ?end ; nida:addressee ?addressee }""",
    "demands": """SELECT ?section ?ordinal ?text ?start ?end ?addressee WHERE {
        $statement nida:hasSection ?s . ?s nida:ordinal ?section ; nida:hasDemand ?d .
        ?d dct:isPartOf $statement ; nida:section ?s ; nida:ordinal ?ordinal ; nida:text ?text ;
          nida:textStart ?start ; nida:textEnd ?end ; nida:addressee ?addressee }""",
    "positions": """SELECT ?ordinal ?text ?start ?end WHERE {
        $statement nida:hasPosition ?p . ?p dct:isPartOf $statement ; nida:ordinal ?ordinal ; nida:text ?text ;
          nida:textStart ?start ; nida:textEnd ?end }""",
    "profile": """SELECT ?heading ?text ?start ?end ?describes WHERE {
        $statement nida:publisherProfile ?p . ?p nida:heading ?heading ; nida:text ?text ;
          nida:textStart ?start ; nida:textEnd ?end ; nida:describes ?describes }""",
}


@pytest.mark.parametrize("part", sorted(STRUCTURE))
def test_seed_reproduces_the_curated_structure(seed_project: tuple[Path, Result, float], part: str) -> None:
    root, result, _ = seed_project
    assert result.exit_code == 0, result.output
    curated = store(REPO / STATEMENT_DIR / "statement.ttl")
    ingested = store(root / STATEMENT_DIR / "statement.ttl")
    statement = f"{BASE}statement/{SLUG}"
    expected = rows(curated, STRUCTURE[part], statement)
    assert expected, part
    assert rows(ingested, STRUCTURE[part], statement) == expected


def test_seed_counts_and_summary(seed_project: tuple[Path, Result, float]) -> None:
    root, result, elapsed = seed_project
    st = store(root / STATEMENT_DIR / "statement.ttl")
    statement = f"{BASE}statement/{SLUG}"
    count = "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { $statement %s ?x }"
    assert rows(st, count % "nida:hasSignature", statement) == [("43",)]
    assert rows(st, count % "nida:signedBy", statement) == [("42",)]
    assert rows(st, count % "nida:hasSection/nida:hasDemand", statement) == [("7",)]
    assert "sections: 2, demands: 7, body sentences: 10, signatures: 43" in result.output
    assert "organizations: 42 matched (42 exact, 0 after normalization" in result.output
    assert "0 added, 0 flagged" in result.output
    # byte for byte, and the registries untouched (every name is already in them)
    assert (root / STATEMENT_DIR / "source.txt").read_bytes() == SEED.read_bytes()
    for registry in ("organizations.ttl", "actors.ttl"):
        assert (root / "data" / registry).read_bytes() == (REPO / "data" / registry).read_bytes()
    assert elapsed < 10, f"ingesting the seed took {elapsed:.2f} s"


def test_seed_draft_validates_and_publishes(seed_project: tuple[Path, Result, float],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root, _, _ = seed_project
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["validate", "--format", "json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.stdout
    assert report["counts"] == {"violation": 0, "warning": 20, "info": 0}
    drafts = sorted(r["focus"].rsplit(SLUG, 1)[1] for r in report["results"]
                    if r["shape"] == NIDASH + "Reviewable-draft")
    assert drafts == sorted(["", *(f"/position/{n}" for n in range(1, 11)),
                             *(f"/demand/1-{n}" for n in range(1, 6)), "/demand/2-1", "/demand/2-2"])
    others = sorted(r["shape"].rsplit("#", 1)[1] for r in report["results"]
                    if r["shape"] != NIDASH + "Reviewable-draft")
    assert others == ["DuplicateSignatory", "Statement-issued"]
    published = run("publish", "--out", "dist-seed")
    assert published.exit_code == 0, published.output
    nt = (root / "dist-seed" / "nida.nt").read_text(encoding="utf-8")
    assert f"<{BASE}statement/{SLUG}/demand/2-2>" in nt
    # only drafts may lack a demand type: once the draft mark is removed, the demand needs one
    ttl = root / STATEMENT_DIR / "statement.ttl"
    original = ttl.read_text(encoding="utf-8")
    block = original.index(f"<statement/{SLUG}/demand/1-1>\n")
    draft = "    nida:reviewStatus <concept/review-status/draft> ."
    mark = original.index(draft, block)
    ttl.write_text(original[:mark].rstrip(" ;\n") + " ." + original[mark + len(draft):], encoding="utf-8")
    try:
        result = CliRunner().invoke(cli, ["validate", "--format", "json"])
        report = json.loads(result.stdout)
        assert result.exit_code == 1
        assert [(r["shape"], r["focus"]) for r in report["results"] if r["severity"] == "violation"] == [
            (NIDASH + "Demand-demandType", f"{BASE}statement/{SLUG}/demand/1-1")]
    finally:
        ttl.write_text(original, encoding="utf-8")


# ----------------------------------------------------------------------------- four new texts

#: fixture -> (options, counts, organizations: printed name -> (outcome, organization slug))
CASES: dict[str, dict[str, Any]] = {
    "kobani-water-crisis": {
        "options": [],
        "summary": "sections: 3, demands: 7, body sentences: 5, signatures: 6",
        "organizations": "3 matched (1 exact, 2 after normalization, their printed forms recorded as "
                         "skos:altLabel), 2 added, 1 flagged",
        "signatures": {
            1: "syrians-for-truth-and-justice",
            2: "pel-civil-waves",  # "PEL - Civil Waves": normalized
            3: "taa-marbouta",  # "Taa Marbouta (Syria)": country dropped, normalized
            4: "hevdesti-association-for-dialogue",  # new, "(Germany)" dropped
            5: "dijla-organisation-for-development-and-environment",  # flagged: one letter off
            6: "jm-yh-bytn-lltnmyh",  # Arabic, transliterated slug
        },
        "addressees": {1: ["actor/un-security-council"], 2: ["actor/syrian-transitional-government"],
                       3: ["actor/humanitarian-donors", "actor/international-community"]},
        "publisher": "organization/syrians-for-truth-and-justice",
    },
    "afrin-returns": {
        "options": [],
        "summary": "sections: 1, demands: 4, body sentences: 4, signatures: 5",
        "organizations": "2 matched (1 exact, 1 after normalization, their printed forms recorded as "
                         "skos:altLabel), 2 added, 1 flagged",
        "signatures": {
            1: "komeleya-jinen-kurd-li-suriye",  # Kurdish, new
            2: "rexistina-mafen-mirovan-li-efrine",  # new, the ABOUT block's organization, acronym RMME
            3: "nsvh",  # flagged: the acronym of Network of Statelessness Victims in al-Hasakah
            4: "jiyan-foundation-for-human-rights",  # exact
            5: "union-der-syrischen-eziden",  # normalized
        },
        "addressees": {1: ["actor/syrian-democratic-forces", "actor/syrian-transitional-government"]},
        "publisher": "organization/rexistina-mafen-mirovan-li-efrine",
    },
    "detainees-disappeared": {
        "options": [],
        "summary": "sections: 4, demands: 7, body sentences: 4, signatures: 8",
        "organizations": "3 matched (2 exact, 1 after normalization, their printed forms recorded as "
                         "skos:altLabel), 4 added, 0 flagged",
        "signatures": {
            1: "lawyers-and-doctors-for-human-rights",
            2: "caesar-families-association",
            3: "syrian-feminist-lobby",  # "(Sweden)" dropped, exact
            4: "the-syria-campaign",  # "(UK)" is a country, not an acronym of the name
            5: "families-for-freedom",
            6: "ta-afi-initiative",
            7: "lawyers-and-doctors-for-human-rights",  # "&" printed: the organization of line 1
            8: "syrians-for-truth-and-justice",  # "For ... And": normalized
        },
        "addressees": {1: ["actor/syrian-transitional-government"], 2: ["actor/syrian-democratic-forces"],
                       3: ["actor/un-security-council", "actor/un-security-council-member-states"],
                       4: ["actor/united-nations"]},
        "publisher": None,
    },
    "earthquake-aid-access": {
        "options": ["--publisher", "STJ"],
        "summary": "sections: 1, demands: 6, body sentences: 3, signatures: 5",
        "organizations": "1 matched (1 exact, 0 after normalization, their printed forms recorded as "
                         "skos:altLabel), 5 added, 0 flagged",
        "signatures": {
            1: "bahar-organization",
            2: "mndhmh-bhr-llghthh",
            3: "hevi-organization-for-relief",
            4: "al-sham-humanitarian-foundation",
            5: "mazaya-women-s-centre",
        },
        "addressees": {1: ["actor/all-parties-controlling-crossings-and-roads"]},
        "publisher": "organization/syrians-for-truth-and-justice",
    },
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Result]]]:
    """The bundled project with the four texts ingested one after the other."""
    root = copy_project(tmp_path_factory.mktemp("corpus"))
    results = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.delenv("NIDA_ROOT", raising=False)
        for name, case in CASES.items():
            results[name] = run("ingest", str(FIXTURES / f"{name}.txt"), "--slug", name, *case["options"])
        yield root, results


@pytest.mark.parametrize("name", list(CASES))
def test_fixture_counts_and_reconciliation(corpus: tuple[Path, dict[str, Result]], name: str) -> None:
    root, results = corpus
    case, result = CASES[name], results[name]
    assert result.exit_code == 0, result.output
    assert case["summary"] in result.output
    assert f"organizations: {case['organizations']}" in result.output
    st = store(root / "data/statements" / name / "statement.ttl")
    statement = f"{BASE}statement/{name}"
    signatures = rows(st, "SELECT ?o ?org WHERE { $statement nida:hasSignature ?s . "
                          "?s nida:ordinal ?o ; nida:signatory ?org }", statement)
    assert sorted((int(o), org) for o, org in signatures) == sorted(
        (n, ORGANIZATION_BASE + slug) for n, slug in case["signatures"].items())
    addressees = rows(st, "SELECT ?o ?a WHERE { $statement nida:hasSection ?s . ?s nida:ordinal ?o ; "
                          "nida:addressee ?a }", statement)
    assert sorted((int(o), a) for o, a in addressees) == sorted(
        (n, BASE + a) for n, actors in case["addressees"].items() for a in actors)
    publisher = rows(st, "SELECT ?p WHERE { $statement dct:publisher ?p }", statement)
    assert publisher == ([(BASE + case["publisher"],)] if case["publisher"] else [])
    source = (root / "data/statements" / name / "source.txt").read_bytes()
    assert source == (FIXTURES / f"{name}.txt").read_bytes()
    # every verbatim literal is at its offsets
    text = source.decode("utf-8")
    for literal, start, end in rows(st, """SELECT ?l ?s ?e WHERE {
            { ?n nida:text ?l ; nida:textStart ?s ; nida:textEnd ?e } UNION
            { ?n nida:nameAsPrinted ?l ; nida:nameStart ?s ; nida:nameEnd ?e } UNION
            { ?n dct:title ?l ; nida:titleStart ?s ; nida:titleEnd ?e } }""", statement):
        assert text[int(start):int(end)] == literal


def test_fixture_registry_outcomes(corpus: tuple[Path, dict[str, Result]]) -> None:
    root, results = corpus
    registry = store(root / "data/organizations.ttl", root / "data/actors.ttl")
    q = "SELECT ?l WHERE { <%s> %s ?l }"
    org = ORGANIZATION_BASE
    # normalized matches: the printed form recorded as an altLabel of the existing organization
    assert ("PEL - Civil Waves",) in rows(registry, q % (org + "pel-civil-waves", "skos:altLabel"), "")
    assert ("Taa Marbouta",) in rows(registry, q % (org + "taa-marbouta", "skos:altLabel"), "")
    assert ("Syrians For Truth And Justice",) in rows(
        registry, q % (org + "syrians-for-truth-and-justice", "skos:altLabel"), "")
    # new organizations: the name proper as prefLabel; a printed acronym kept
    assert rows(registry, q % (org + "hevdesti-association-for-dialogue", "skos:prefLabel"), "") == [
        ("Hevdestî Association for Dialogue",)]
    assert rows(registry, q % (org + "jm-yh-bytn-lltnmyh", "skos:prefLabel"), "") == [("جمعية بيتنا للتنمية",)]
    assert rows(registry, q % (org + "rexistina-mafen-mirovan-li-efrine", "nida:acronym"), "") == [("RMME",)]
    assert rows(registry, q % (org + "lawyers-and-doctors-for-human-rights", "skos:altLabel"), "") == [
        ("Lawyers & Doctors for Human Rights",)]
    # flagged: draft, with a note naming the possible duplicate; never merged
    for slug, duplicate in (("dijla-organisation-for-development-and-environment",
                             "dijla-organization-for-development-and-environment"),
                            ("nsvh", "network-of-statelessness-victims-in-al-hasakah")):
        assert rows(registry, q % (org + slug, "nida:reviewStatus"), "") == [
            (BASE + "concept/review-status/draft",)]
        (note,), = rows(registry, q % (org + slug, "skos:editorialNote"), "")
        assert f"Possible duplicate of <{org}{duplicate}>" in note
    warnings = results["kobani-water-crisis"].output + results["afrin-returns"].output
    assert "possible duplicate of <https://w3id.org/nida/id/organization/dijla-organization-for-development" in warnings
    assert "'NSVH': possible duplicate of <https://w3id.org/nida/id/organization/network-of-statelessness" in warnings
    assert "addressee 'humanitarian donors' is not in data/actors.ttl" in warnings
    # registries only grow: the original files are a prefix of the new ones
    for name in ("organizations.ttl", "actors.ttl"):
        original = (REPO / "data" / name).read_text(encoding="utf-8")
        assert (root / "data" / name).read_text(encoding="utf-8").startswith(original)


def test_fixture_layout_details() -> None:
    afrin = parse_layout((FIXTURES / "afrin-returns.txt").read_text(encoding="utf-8"), "x")
    assert afrin.subtitle is not None and afrin.subtitle.text.startswith("The Signatory Organizations Call")
    assert [s.span.text for s in afrin.signatures][:2] == ["Komeleya Jinên Kurd li Sûriyê",
                                                          "Rêxistina Mafên Mirovan li Efrînê (RMME)"]
    detainees = parse_layout((FIXTURES / "detainees-disappeared.txt").read_text(encoding="utf-8"), "x")
    wrapped = detainees.sections[1].demands[0].span.text
    assert wrapped.startswith("Publish the lists") and "camps,\nincluding foreign" in wrapped
    assert [p.appeal for p in detainees.positions].count(True) == 1
    kobani = parse_layout((FIXTURES / "kobani-water-crisis.txt").read_text(encoding="utf-8"), "x")
    assert [s.qualifier for s in kobani.sections] == ["immediately", "urgently", None]
    assert kobani.sections[2].demands[0].span.text.startswith("Fund emergency")


def test_fixtures_validate_and_publish(corpus: tuple[Path, dict[str, Result]],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = corpus
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["validate", "--format", "json"])
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.stdout
    assert report["counts"]["violation"] == 0
    shapes = {r["shape"].rsplit("#", 1)[1] for r in report["results"]}
    assert shapes == {"Reviewable-draft", "Statement-issued", "DuplicateSignatory"}
    drafts = {r["focus"][len(BASE):] for r in report["results"] if r["shape"] == NIDASH + "Reviewable-draft"}
    assert {"organization/nsvh", "organization/dijla-organisation-for-development-and-environment",
            "actor/humanitarian-donors", "statement/kobani-water-crisis/section/3",
            "statement/detainees-disappeared/demand/2-1"} <= drafts
    assert "organization/hevdesti-association-for-dialogue" not in drafts  # added, nothing to doubt
    published = run("publish")
    assert published.exit_code == 0, published.output
    nt = (root / "dist" / "nida.nt").read_text(encoding="utf-8")
    for name in CASES:
        assert f"<{BASE}statement/{name}> <http://purl.org/dc/terms/title>" in nt


# ----------------------------------------------------------------------------- overwrite, --force


def test_refuses_to_overwrite_without_force_and_is_stable_with_it(project: Path) -> None:
    text = FIXTURES / "kobani-water-crisis.txt"
    assert run("ingest", str(text), "--slug", "kobani").exit_code == 0
    before = snapshot(project)
    again = run("ingest", str(text), "--slug", "kobani")
    assert again.exit_code == 2
    assert again.output.strip() == ("nida: error: data/statements/kobani already exists: pass --force to "
                                    "overwrite it, or --slug to choose another name")
    assert snapshot(project) == before
    forced = run("ingest", str(text), "--slug", "kobani", "--force")
    assert forced.exit_code == 0, forced.output
    # the second run finds every name the first one added: nothing new, the same IRIs
    assert "6 matched (6 exact" in forced.output and "0 added, 0 flagged" in forced.output
    after = snapshot(project)
    for name in ("data/organizations.ttl", "data/actors.ttl", "data/statements/kobani/source.txt"):
        assert after[name] == before[name]


def test_default_slug_from_title(project: Path) -> None:
    result = run("ingest", str(FIXTURES / "afrin-returns.txt"))
    assert result.exit_code == 0, result.output
    folders = [p.name for p in (project / "data/statements").iterdir()]
    assert "syria-kurdish-and-arab-organizations-call-for-the-safe" in folders
    assert not [p for p in (project / "data/statements").iterdir() if p.name.startswith(".")]


def test_bad_slug_and_unknown_publisher(project: Path) -> None:
    text = str(FIXTURES / "earthquake-aid-access.txt")
    before = snapshot(project)
    bad = run("ingest", text, "--slug", "Not A Slug")
    assert bad.exit_code == 2 and bad.output.startswith("nida: error: --slug 'Not A Slug'")
    unknown = run("ingest", text, "--publisher", "Nobody At All")
    assert unknown.exit_code == 2 and "is not an organization of data/organizations.ttl" in unknown.output
    assert snapshot(project) == before


def test_a_failed_write_leaves_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import publisher.ingest as ingest_module

    def broken(staged: Path, out: Path) -> None:
        raise OSError(28, "No space left on device", str(out))

    monkeypatch.setattr(ingest_module, "swap_in", broken)
    before = snapshot(project)
    result = run("ingest", str(FIXTURES / "kobani-water-crisis.txt"), "--slug", "kobani")
    assert result.exit_code == 2
    assert result.output.startswith("nida: error: data/statements/kobani: cannot write: No space left on device")
    assert snapshot(project) == before
    leftovers = [p for p in (project / "data").rglob("*") if p.name.startswith(".")]
    assert leftovers == []


# ----------------------------------------------------------------------------- malformed inputs

SEED_TEXT = SEED.read_text(encoding="utf-8")


def seed_line(prefix: str) -> int:
    return next(n for n, line in enumerate(SEED_TEXT.splitlines(), 1) if line.startswith(prefix))


MALFORMED: list[tuple[str, bytes, int, str]] = [
    ("empty", b"", 1, "the file is empty"),
    ("only blank lines", b"\n  \n\n", 1, "the file is empty"),
    ("not UTF-8", "Syria: a title\n\nCaf\xe9 text\n".encode("latin-1"), 3, "not valid UTF-8 (byte 0xe9)"),
    ("no signatories heading", SEED_TEXT.replace("Signatory organizations:\n", "").encode(),
     seed_line("1. Syrians For") - 1, "no signatories block: this numbered list has no heading"),
    ("no signatories at all",
     (SEED_TEXT[:SEED_TEXT.index("Signatory organizations:")] + SEED_TEXT[SEED_TEXT.index("ABOUT STJ"):]).encode(),
     seed_line("Signatory organizations:"), "no signatories block: add a line 'Signatory organizations:'"),
    ("demand numbers skip", SEED_TEXT.replace("3. Prevent the outbreak", "4. Prevent the outbreak").encode(),
     seed_line("3. Prevent"), "demand number 4 skips 3"),
    ("demand number repeated", SEED_TEXT.replace("2. Commit to", "1. Commit to").encode(),
     seed_line("2. Commit to"), "demand number 1 repeats"),
    ("signatory numbers skip", SEED_TEXT.replace(" 31. Rony", " 32. Rony").encode(), seed_line(" 31. Rony"),
     "signatory number 32 skips 31"),
    ("signatory number repeated", SEED_TEXT.replace("20. ARAS", "19. ARAS").encode(), seed_line("20. ARAS"),
     "signatory number 19 repeats"),
    ("empty signatories block", SEED_TEXT[:SEED_TEXT.index("1. Syrians For")].encode(),
     seed_line("Signatory organizations:"), "the signatories block lists no signatories"),
]


@pytest.mark.parametrize("name, content, line, message", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_input(project: Path, name: str, content: bytes, line: int, message: str) -> None:
    (project / "bad.txt").write_bytes(content)
    before = snapshot(project)
    result = run("ingest", "bad.txt", "--slug", "bad")
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert lines[0].startswith(f"nida: error: bad.txt:{line}: {message}"), lines[0]
    assert snapshot(project) == before


# ----------------------------------------------------------------------------- reconciliation rules


def test_normalize_and_slugify() -> None:
    assert normalize("PÊL- Civil Waves") == normalize("pel  civil-waves") == "pel civil waves"
    assert normalize("Lawyers & Doctors") == "lawyers and doctors"
    assert slugify("Shawshka Women's Association") == "shawshka-women-s-association"
    assert slugify("RÊ for rehabilitation and development") == "re-for-rehabilitation-and-development"
    assert slugify("Jiyan \u2013 Kurdish Women's Movement") == "jiyan-kurdish-women-s-movement"
    assert slugify("منظمة") == "mndhmh"


def test_printed_name_parts() -> None:
    nsvh = PrintedName.parse("Network of Statelessness Victims in al-Hasakah (NSVH)")
    assert (nsvh.core, nsvh.acronym, nsvh.qualifier) == ("Network of Statelessness Victims in al-Hasakah", "NSVH", None)
    uk = PrintedName.parse("The Syria Campaign (UK)")
    assert (uk.core, uk.acronym, uk.qualifier) == ("The Syria Campaign", None, "UK")
    assert PrintedName.parse("Fajr").core == "Fajr"


def registry() -> Registry:
    return Registry(ORGANIZATION_BASE, [
        Entry(ORGANIZATION_BASE + "fajr", "Fajr"),
        Entry(ORGANIZATION_BASE + "syrians-for-truth-and-justice", "Syrians for Truth and Justice", acronyms=["STJ"]),
    ])


def test_reconcile_outcomes() -> None:
    reg = registry()
    assert reconcile_organization(reg, "Fajr").kind == "exact"
    normalized = reconcile_organization(reg, "SYRIANS FOR TRUTH AND JUSTICE")
    assert normalized.kind == "normalized"
    assert normalized.entry.added_alt_labels == ["SYRIANS FOR TRUTH AND JUSTICE"]
    near = reconcile_organization(reg, "Syrians for Truth and Justise")
    assert near.kind == "flagged" and near.entry.new and near.duplicates[0].slug == "syrians-for-truth-and-justice"
    acronym = reconcile_organization(reg, "STJ Syria")
    assert acronym.kind == "flagged" and "acronym 'STJ'" in acronym.reason
    added = reconcile_organization(reg, "Bahar Organization")
    assert added.kind == "added" and added.entry.iri == ORGANIZATION_BASE + "bahar-organization"


def test_slug_collisions_get_a_number() -> None:
    reg = registry()
    assert reg.add("Fajr").iri == ORGANIZATION_BASE + "fajr-2"
    assert reg.add("FAJR").iri == ORGANIZATION_BASE + "fajr-3"


def test_about_us_names_no_publisher_and_errors_name_the_file(project: Path) -> None:
    text = (FIXTURES / "detainees-disappeared.txt").read_text(encoding="utf-8")
    (project / "us.txt").write_text(text + "\nABOUT US\n\nWe are a coalition.\n", encoding="utf-8")
    result = run("ingest", "us.txt", "--slug", "us")
    assert result.exit_code == 0, result.output
    assert "publisher: none" in result.output and "'ABOUT US' is not modeled" in result.output
    (project / "conflict.txt").write_text(
        (FIXTURES / "kobani-water-crisis.txt").read_text(encoding="utf-8"), encoding="utf-8")
    before = snapshot(project)
    conflict = run("ingest", "conflict.txt", "--publisher", "doz")
    assert conflict.exit_code == 2
    assert conflict.output.startswith("nida: error: conflict.txt:39: --publisher 'doz' is ")
    assert snapshot(project) == before


def test_an_ordinal_word_with_a_long_s_is_read_not_a_crash() -> None:
    """'first' spelled with a long s (U+017F) matches the heading pattern case-insensitively (it
    is 's' there); the ordinal lookup folds case the same way (it raised ValueError)."""
    heading = "fir\u017ft: To the parties:"
    layout = parse_layout(f"Title\n\nBody text here.\n\n{heading}\n1. Stop.\n\nSignatories:\n1. Org\n", "f")
    assert [section.addressee_phrase for section in layout.sections] == ["the parties"]
