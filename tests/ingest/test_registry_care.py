"""Registry care (issue 18, part 4): the ABOUT block's publisher reconciled like a signatory, a
statement already in the data refused unless --force, and `nida concepts`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest

from publisher.ingest.about import full_name, short_name_of
from tests.conftest import BASE, REPO, run
from tests.ingest.test_formats import make_pdf
from tests.ingest.test_ingest import FIXTURES, snapshot

ORG = BASE + "organization/"
GOLDEN = REPO / "tests" / "golden" / "concepts"
KOBANI = (FIXTURES / "kobani-water-crisis.txt").read_text(encoding="utf-8")
STJ_ABOUT = KOBANI[KOBANI.index("ABOUT STJ"):]


def values(path: Path, subject: str, predicate: str) -> list[str]:
    st = ox.Store()
    st.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=BASE)
    return sorted(q.object.value for q in st.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None))


def publisher_of(project: Path, slug: str) -> list[str]:
    return values(project / "data/statements" / slug / "statement.ttl", f"{BASE}statement/{slug}",
                  "http://purl.org/dc/terms/publisher")


def nabd_text(signatory: str, profile: str) -> str:
    """The Kobani fixture, its fifth signatory and its ABOUT block replaced."""
    text = KOBANI.replace("5. Dijla Organisation for Development and Environment", f"5. {signatory}")
    return text.replace(STJ_ABOUT, f"ABOUT NABD\n\n{profile}\n")


# ----------------------------------------------------------------------------- ABOUT <ORG>


def test_about_a_short_name_links_the_signatory_that_bears_it(project: Path) -> None:
    (project / "nabd.txt").write_text(nabd_text("Nabd for Civil Development", "NABD works in Suwayda."),
                                      encoding="utf-8")
    result = run("ingest", "nabd.txt", "--slug", "nabd")
    assert result.exit_code == 0, result.output
    nabd = ORG + "nabd-for-civil-development"
    assert publisher_of(project, "nabd") == [nabd]
    assert (f"warning: publisher: 'ABOUT NABD' linked to the signatory <{nabd}> ('Nabd for Civil Development'),"
            " whose name begins with or abbreviates 'NABD'; check it is the same") in result.output.splitlines()
    assert f"  publisher: <{nabd}>" in result.output.splitlines()
    registry = project / "data/organizations.ttl"
    assert values(registry, ORG + "nabd", "http://www.w3.org/2004/02/skos/core#prefLabel") == []  # none made
    assert "  added: <https://w3id.org/nida/id/organization/nabd> 'NABD'" not in result.output


def test_about_a_short_name_known_to_the_registry_is_flagged(project: Path) -> None:
    first = project / "nabd.txt"
    first.write_text(nabd_text("Nabd for Civil Development", "NABD works in Suwayda."), encoding="utf-8")
    assert run("ingest", "nabd.txt", "--slug", "nabd").exit_code == 0
    # a second statement Nabd publishes but does not sign
    detainees = (FIXTURES / "detainees-disappeared.txt").read_text(encoding="utf-8")
    (project / "second.txt").write_text(detainees + "\nABOUT NABD\n\nNABD works in Suwayda.\n", encoding="utf-8")
    result = run("ingest", "second.txt", "--slug", "second")
    assert result.exit_code == 0, result.output
    assert publisher_of(project, "second") == [ORG + "nabd"]
    assert (f"warning: publisher: 'ABOUT NABD' is not in data/organizations.ttl; added as a new organization "
            f"<{ORG}nabd> (possible duplicate of <{ORG}nabd-for-civil-development> ('Nabd for Civil Development'))"
            ) in result.output.splitlines()
    registry = project / "data/organizations.ttl"
    assert values(registry, ORG + "nabd", "https://w3id.org/nida/ontology#reviewStatus") == [
        BASE + "concept/review-status/draft"]
    assert values(registry, ORG + "nabd", "http://www.w3.org/2004/02/skos/core#editorialNote") == [
        f'Possible duplicate of <{ORG}nabd-for-civil-development> ("Nabd for Civil Development"): its name '
        "begins with or abbreviates 'NABD'. Added as a new organization by nida ingest; if it is the same "
        "organization, merge the two by hand."]
    assert "flagged as possible duplicates" in result.output and f"  flagged: <{ORG}nabd> 'NABD'" in result.output


def test_about_a_short_name_the_profile_spells_out_links_the_registry(project: Path) -> None:
    assert run("ingest", str(FIXTURES / "kobani-water-crisis.txt"), "--slug", "kobani").exit_code == 0
    detainees = (FIXTURES / "detainees-disappeared.txt").read_text(encoding="utf-8")
    (project / "t.txt").write_text(detainees + "\nABOUT DIJLA\n\nDijla Organisation for Development and "
                                   "Environment (DIJLA) works in al-Hasakah.\n", encoding="utf-8")
    result = run("ingest", "t.txt", "--slug", "t")
    assert result.exit_code == 0, result.output
    assert publisher_of(project, "t") == [ORG + "dijla-organisation-for-development-and-environment"]
    assert "publisher: 'ABOUT DIJLA'" not in result.output  # linked by the full name: nothing to check


def test_short_names() -> None:
    assert short_name_of("NABD", "Nabd for Civil Development")
    assert short_name_of("STJ", "Syrians for Truth and Justice (Syria)")
    assert not short_name_of("NABD", "Nabd")  # the same name: not a short form of it
    assert not short_name_of("NABD", "Civil Nabd Development")
    assert full_name("NABD", "The Nabd for Civil Development (NABD) works.") == "Nabd for Civil Development"
    assert full_name("NABD", "It works (NABD).") == "NABD"


# ----------------------------------------------------------------------------- a statement already ingested


def test_a_text_already_ingested_is_refused_unless_forced(project: Path) -> None:
    (project / "k.txt").write_text(KOBANI, encoding="utf-8")
    assert run("ingest", "k.txt", "--slug", "kobani").exit_code == 0
    digest = hashlib.sha256(KOBANI.encode()).hexdigest()
    before = snapshot(project)
    again = run("ingest", "k.txt", "--slug", "kobani-again")
    assert again.exit_code == 2
    assert again.output == (
        "nida: error: k.txt: already ingested as statement/kobani: the same text as "
        f"data/statements/kobani/source.txt (SHA-256 {digest[:12]}…); pass --force to ingest it again under "
        "another --slug\n")
    assert snapshot(project) == before
    # case and white space aside: the same statement, pasted from elsewhere
    (project / "pasted.txt").write_text(KOBANI.upper().replace("\n\n", "\r\n   \r\n").replace(" ", "  "),
                                        encoding="utf-8")
    pasted = run("ingest", "pasted.txt", "--slug", "pasted")
    assert pasted.exit_code == 2
    assert pasted.output == (
        "nida: error: pasted.txt: already ingested as statement/kobani: the same text as "
        "data/statements/kobani/source.txt once case and spacing are folded; pass --force to ingest it again "
        "under another --slug\n")
    assert snapshot(project) == before
    forced = run("ingest", "k.txt", "--slug", "kobani-again", "--force")
    assert forced.exit_code == 0, forced.output
    assert (project / "data/statements/kobani-again/source.txt").read_bytes() == KOBANI.encode()
    # one word changed: another statement
    (project / "other.txt").write_text(KOBANI.replace("three weeks", "four weeks"), encoding="utf-8")
    assert run("ingest", "other.txt", "--slug", "other").exit_code == 0


def test_a_document_already_ingested_is_refused_by_its_bytes(project: Path) -> None:
    text = (FIXTURES / "afrin-returns.txt").read_text(encoding="utf-8")
    pdf = make_pdf(text)
    (project / "a.pdf").write_bytes(pdf)
    assert run("ingest", "a.pdf", "--slug", "afrin").exit_code == 0
    (project / "copy.pdf").write_bytes(pdf)
    before = snapshot(project)
    again = run("ingest", "copy.pdf", "--slug", "afrin-copy")
    assert again.exit_code == 2
    assert again.output == (
        "nida: error: copy.pdf: already ingested as statement/afrin: the same file as "
        f"data/statements/afrin/original.pdf (SHA-256 {hashlib.sha256(pdf).hexdigest()[:12]}…); pass --force "
        "to ingest it again under another --slug\n")
    assert snapshot(project) == before
    # the text file of the same statement: the PDF's text is the .txt's, spacing aside
    plain = run("ingest", str(FIXTURES / "afrin-returns.txt"), "--slug", "afrin-text")
    assert plain.exit_code == 2
    assert "already ingested as statement/afrin: the same text as data/statements/afrin/source.txt once case " \
           "and spacing are folded" in plain.output
    assert run("ingest", "copy.pdf", "--slug", "afrin-copy", "--force").exit_code == 0


# ----------------------------------------------------------------------------- nida concepts


@pytest.mark.parametrize("args, golden", [((), "schemes.txt"), (("demand-type",), "demand-type.txt"),
                                          (("concept/legal-framework",), "legal-framework.txt"),
                                          ((BASE + "concept/legal-framework",), "legal-framework.txt")])
def test_concepts_golden(project: Path, args: tuple[str, ...], golden: str) -> None:
    result = run("concepts", *args)
    assert result.exit_code == 0, result.output
    assert result.output == (GOLDEN / golden).read_text(encoding="utf-8")


def test_concepts_unknown_scheme(project: Path) -> None:
    result = run("concepts", "demand-types")
    assert result.exit_code == 2
    assert result.output == ("nida: error: no concept scheme 'demand-types'; the schemes are: demand-type, "
                             "legal-framework, review-status, risk, violation-type (nida concepts lists them)\n")


def test_a_concept_added_as_the_readme_says_is_listed_and_validates(project: Path) -> None:
    """The README's recipe: a block in ontology/nida.ttl, and the concept in its scheme's
    skos:hasTopConcept; a skos:notation, when given, is the key."""
    ontology = project / "ontology/nida.ttl"
    text = ontology.read_text(encoding="utf-8")
    text = text.replace("        risk:destabilization ;\n", "        risk:destabilization ,\n        risk:famine ;\n", 1)
    text += ('\nrisk:famine\n    a skos:Concept ;\n    skos:prefLabel "Famine"@en ;\n'
             '    skos:definition "The risk that people starve."@en ;\n    skos:notation "R-FAM" ;\n'
             "    skos:inScheme concept:risk ;\n    skos:topConceptOf concept:risk .\n")
    ontology.write_text(text, encoding="utf-8")
    result = run("concepts", "risk")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "<https://w3id.org/nida/id/concept/risk>: Risks (8 concepts)"
    assert lines[4].startswith("<concept/risk/destabilization>")
    assert lines[-1].split() == ["R-FAM", "Famine", "The", "risk", "that", "people", "starve."]
    assert run("validate").exit_code == 0
