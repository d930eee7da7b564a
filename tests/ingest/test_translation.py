"""`nida ingest FILE --translation-of SLUG`: a language version aligned to its statement.

The Arabic translation of the kobani fixture is ingested as the `ar` version of the kobani
statement: written beside it, aligned part by part, names printed in Arabic script recorded as
skos:altLabel@ar of the aligned organizations; it validates and publishes, the example query
lists each demand in both languages, and the statement's page shows the version right to left.
Texts whose counts differ, or that list another organization at a position, are refused.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from rdflib import Graph

from publisher.ingest.translation import detect_language
from tests.conftest import BASE, copy_project
from tests.ingest.bilingual import (
    ENGLISH,
    KOBANI,
    VERSION_TTL,
    arabic_text,
    make_bilingual,
    run,
)
from tests.ingest.test_ingest import snapshot
from tests.reliability.test_release_contract import pyshacl_results, shipped_shapes

ORG = BASE + "organization/"
RECORDED = [
    (1, "سوريون من أجل الحقيقة والعدالة", "syrians-for-truth-and-justice"),
    (2, "بيل \u2013 أمواج مدنية", "pel-civil-waves"),
    (3, "تاء مربوطة (سوريا)", "taa-marbouta"),
    (4, "جمعية هفدستي للحوار (ألمانيا)", "hevdesti-association-for-dialogue"),
    (5, "منظمة دجلة للتنمية والبيئة", "dijla-organisation-for-development-and-environment"),
]
DEMANDS = {
    "1-1": ("Demand that all parties allow technical teams safe access to the Alouk water station.",
            "مطالبة جميع الأطراف بالسماح للفرق الفنية بالوصول الآمن إلى محطة مياه علوك."),
    "1-2": ("Mandate the United Nations to monitor the water supply in Northeast Syria.",
            "تكليف الأمم المتحدة بمراقبة إمدادات المياه في شمال شرق سوريا."),
    "1-3": ("Condemn the use of water as a weapon of war.", "إدانة استخدام المياه كسلاح حرب."),
    "2-1": ("Guarantee the safe passage of repair crews and spare parts.",
            "ضمان المرور الآمن لفرق الإصلاح وقطع الغيار."),
    "2-2": ("Restore the electricity lines that feed the pumping stations.",
            "إعادة تأهيل خطوط الكهرباء التي تغذّي محطات الضخ."),
    "3-1": ("Fund emergency water trucking for Kobani and its countryside.",
            "تمويل نقل المياه الطارئ بالصهاريج إلى كوباني وريفها."),
    "3-2": ("Support the long-term rehabilitation of water infrastructure.",
            "دعم إعادة التأهيل طويلة الأمد للبنية التحتية للمياه."),
}



def test_the_version_is_written_beside_the_statement_and_reported(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NIDA_ROOT", raising=False)
    _english, result = make_bilingual(tmp_path)
    assert result.exit_code == 0, result.output
    folder = f"data/statements/{KOBANI}"
    assert result.output == "\n".join([
        f"ingested the ar version of statement/{KOBANI} as statement/{KOBANI}/ar",
        "  aligned by position: sections: 3, demands: 7, signatures: 6",
        "  organizations: 1 signatures matched by a recorded label, 5 names recorded as skos:altLabel@ar "
        "of the aligned organization",
        *(f"  recorded: signature {n} {name!r} as skos:altLabel@ar of <{ORG}{slug}>" for n, name, slug in RECORDED),
        f"written: {folder}/source.ar.txt, {folder}/statement.ar.ttl, data/organizations.ttl",
    ]) + "\n"
    assert (tmp_path / folder / "source.ar.txt").read_text(encoding="utf-8") == arabic_text()
    appended = (tmp_path / "data/organizations.ttl").read_text(encoding="utf-8").split(
        f"# Added by nida ingest for the ar version of statement/{KOBANI}:")[1]
    assert [line for line in appended.splitlines() if line.startswith("<")] == [
        f'<organization/{slug}> skos:altLabel "{name}"@ar .' for _n, name, slug in RECORDED]
    version = (tmp_path / VERSION_TTL).read_text(encoding="utf-8")
    assert version.count("a nida:DemandVersion ;") == 7 and version.count("a nida:SignatureVersion ;") == 6
    # signature 6 is printed in Arabic in both versions: it is the organization's own label
    name = "جمعية بيتنا للتنمية"
    start = arabic_text().index("6. " + name) + 3
    assert (f'nida:nameAsPrinted "{name}"@ar ;\n    nida:nameStart {start} ;\n'
            f"    nida:nameEnd {start + len(name)} ;\n    nida:signatory <organization/jm-yh-bytn-lltnmyh> .") in version


def test_bilingual_statement_validates_publishes_and_answers_in_both_languages(fresh: Path) -> None:
    validated = run("validate", "--format", "json")
    assert validated.exit_code == 0, validated.output
    published = run("publish", "-q")
    assert published.exit_code == 0, published.output
    answer = run("query", "demands-in-every-language", "--format", "csv")
    assert answer.exit_code == 0, answer.output
    rows = list(csv.reader(io.StringIO(answer.output)))
    assert rows == [["demand", "language", "text"]] + [
        [f"{BASE}statement/{KOBANI}/demand/{d}", language, text]
        for d, (english, arabic) in DEMANDS.items() for language, text in (("ar", arabic), ("en", english))]
    # the published dump, entailed triples included, conforms to the shapes it ships (plain pySHACL)
    results = pyshacl_results(Graph().parse(fresh / "dist/nida.ttl", format="turtle"),
                              shipped_shapes(fresh / "dist", "core.ttl", "fidelity.ttl", "versions.ttl"))
    assert [r for r in results if r[0] == "Violation" or r[2].startswith(f"{BASE}statement/{KOBANI}/ar")] == []
    assert run("verify", "dist").exit_code == 0
    # the statement's record holds the version: every asserted triple of its nodes
    graph = f" <{BASE}graph/statement/{KOBANI}> .\n"
    lines = (fresh / "dist/nida.nq").read_text(encoding="utf-8").splitlines(keepends=True)
    asserted = Graph().parse(data="".join(line[:-len(graph)] + " .\n" for line in lines if line.endswith(graph)),
                             format="nt")
    version = {t for t in asserted if str(t[0]).startswith(f"{BASE}statement/{KOBANI}/ar")
               or str(t[0]) == f"{BASE}source/{KOBANI}/ar"}
    assert len(version) == 26 + 6 + 3 * 7 + 7 * 7 + 6 * 8  # version, source, sections, demands, signatures
    record = Graph().parse(fresh / "dist/statements" / f"{KOBANI}.jsonld", format="json-ld")
    assert version - set(record) == set()
    page = (fresh / "dist/html/statement" / f"{KOBANI}.html").read_text(encoding="utf-8")
    assert '<section class="version" id="ar" lang="ar" dir="rtl">' in page
    assert ('<li class="demand" id="ar/demand/1-3" value="3"><p class="verbatim"><a href="#demand/1-3">'
            "إدانة استخدام المياه كسلاح حرب.</a></p></li>") in page
    assert page.count('class="demand" id="ar/demand/') == 7
    assert page.count('class="signature" id="ar/signature/') == 6
    source = (fresh / "dist/html/source" / f"{KOBANI}.html").read_text(encoding="utf-8")
    assert '<section class="version" id="ar">' in source
    assert f'<pre class="source verbatim" lang="ar" dir="rtl">{arabic_text()}</pre>' in source


def test_language_is_detected_from_the_script() -> None:
    assert detect_language(arabic_text()) == "ar"
    assert detect_language("ئێمە داوا دەکەین ڕێکخراوەکان") == "ckb"
    assert detect_language("Em daxwaz dikin ku hemû alî") is None


def refused(root: Path, text: str, *options: str) -> str:
    (root / "incoming").mkdir(exist_ok=True)
    (root / "incoming" / "version.txt").write_text(text, encoding="utf-8")
    before = snapshot(root)
    result = run("ingest", "incoming/version.txt", *options)
    assert result.exit_code == 2, result.output
    assert snapshot(root) == before
    assert result.output.count("\n") == 1
    return result.output


def line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def test_a_version_with_other_counts_is_refused(fresh: Path) -> None:
    text = arabic_text()
    fewer = text.replace("2) إعادة تأهيل خطوط الكهرباء التي تغذّي محطات الضخ.\n", "")
    assert refused(fresh, fewer, "--translation-of", KOBANI, "--force") == (
        f"nida: error: incoming/version.txt:{line_of(fewer, 'ثانياً')}: the ar version has 1 demands in "
        f"section 2, statement/{KOBANI} has 2: a version translates every section, demand and signature of the "
        "statement, in the same order; nothing was written\n")
    unsigned = text.replace("6. جمعية بيتنا للتنمية\n", "")
    assert refused(fresh, unsigned, "--translation-of", KOBANI, "--force") == (
        f"nida: error: incoming/version.txt: the ar version has 5 signatures, statement/{KOBANI} has 6: a version "
        "translates every section, demand and signature of the statement, in the same order; nothing was written\n")


def test_a_signatory_of_another_organization_is_refused(fresh: Path) -> None:
    swapped = arabic_text().replace("5. منظمة دجلة للتنمية والبيئة\n6. جمعية بيتنا للتنمية",
                                    "5. جمعية بيتنا للتنمية\n6. منظمة دجلة للتنمية والبيئة")
    assert refused(fresh, swapped, "--translation-of", KOBANI, "--force") == (
        f"nida: error: incoming/version.txt:{line_of(swapped, '5. ')}: signature 5 'جمعية بيتنا للتنمية' is a name "
        f"of <{ORG}jm-yh-bytn-lltnmyh>, but signature 5 of statement/{KOBANI} is "
        f"<{ORG}dijla-organisation-for-development-and-environment>: the ar version must list the signatories "
        "in the statement's order; nothing was written\n")


def test_other_refusals(fresh: Path) -> None:
    text = arabic_text()
    assert refused(fresh, text, "--translation-of", KOBANI) == (
        f"nida: error: data/statements/{KOBANI}/statement.ar.ttl already exists: pass --force to overwrite it\n")
    assert refused(fresh, text, "--translation-of", "no-such-statement") == (
        "nida: error: --translation-of 'no-such-statement': there is no statement of that slug "
        "(data/statements/no-such-statement/statement.ttl is missing); ingest the statement first\n")
    assert refused(fresh, ENGLISH.read_text(encoding="utf-8"), "--translation-of", KOBANI, "--force") == (
        "nida: error: incoming/version.txt: cannot tell the language of the text from its script: "
        "give --language (e.g. --language kmr)\n")
    assert refused(fresh, text, "--translation-of", KOBANI, "--language", "en", "--force") == (
        f"nida: error: incoming/version.txt: statement/{KOBANI} is itself in 'en': a version is in another "
        "language; give --language\n")
    assert refused(fresh, text, "--language", "ar") == "nida: error: --language goes with --translation-of\n"


def test_forced_again_the_version_is_the_same(fresh: Path) -> None:
    before = snapshot(fresh)
    again = run("ingest", "incoming/kobani.ar.txt", "--translation-of", KOBANI, "--language", "ar", "--force")
    assert again.exit_code == 0, again.output
    assert "0 names recorded" in again.output  # the names are now labels of the registry
    assert snapshot(fresh) == before


def test_a_version_needs_its_source_and_its_statement(fresh: Path) -> None:
    folder = fresh / "data/statements" / KOBANI
    (folder / "source.ar.txt").rename(fresh / "source.ar.txt")
    result = run("validate")
    assert result.exit_code == 2
    assert result.output == (f"nida: error: data/statements/{KOBANI}/statement.ar.ttl: statement.ar.ttl has no "
                             "source.ar.txt; add the printed text byte for byte\n")
    (fresh / "data/statements/orphan").mkdir()
    (folder / "statement.ar.ttl").rename(fresh / "data/statements/orphan/statement.ar.ttl")
    result = run("validate")
    assert result.exit_code == 2
    assert result.output == ("nida: error: data/statements/orphan/statement.ar.ttl: a language version needs the "
                             "statement it translates: statement.ttl is missing beside it\n")


def test_the_statement_ingested_again_keeps_its_versions(fresh: Path) -> None:
    folder = fresh / "data/statements" / KOBANI
    versions = {name: (folder / name).read_bytes() for name in ("statement.ar.ttl", "source.ar.txt")}
    again = run("ingest", str(ENGLISH), "--slug", KOBANI, "--force")
    assert again.exit_code == 0, again.output
    assert {name: (folder / name).read_bytes() for name in versions} == versions
    assert run("validate").exit_code == 0


def test_a_version_added_after_a_publish_republishes_as_a_cold_publish(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The re-publish that reuses the cache and the site index writes what a cold one does."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.chdir(root)
    monkeypatch.delenv("NIDA_ROOT", raising=False)
    monkeypatch.setenv("NIDA_CACHE_DIR", str(tmp_path / "cache"))
    copy_project(root)
    assert run("ingest", str(ENGLISH), "--slug", KOBANI).exit_code == 0
    assert run("publish", "-q").exit_code == 0
    (root / "version.txt").write_text(arabic_text(), encoding="utf-8")
    assert run("ingest", "version.txt", "--translation-of", KOBANI).exit_code == 0
    assert run("publish", "-q").exit_code == 0
    monkeypatch.setenv("NIDA_CACHE_DIR", str(tmp_path / "cold-cache"))
    assert run("publish", "-q", "--out", str(tmp_path / "cold")).exit_code == 0
    files = sorted(p.relative_to(root / "dist") for p in (root / "dist").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "cold") for p in (tmp_path / "cold").rglob("*") if p.is_file())
    assert [f for f in files if (root / "dist" / f).read_bytes() != (tmp_path / "cold" / f).read_bytes()] == []
