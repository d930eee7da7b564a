"""Layouts of issue 18: Arabic and Kurmanji headings, list markers (numbers in any digits,
letters, bullets), unnumbered and comma-separated signatories, lead-ins that are not
positions, the body's language, and default slugs of whole words.

The Arabic and Kurmanji fixtures are translations of kobani-water-crisis.txt; every draft is
ingested by the CLI, must validate (exit 0) and publish.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from publisher.cli import cli
from publisher.ingest.language import language_of
from publisher.ingest.layout import parse_layout
from publisher.ingest.slugs import default_slug, romanize_arabic_word
from tests.conftest import BASE, copy_project, run

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ingest"
KOBANI = (FIXTURES / "kobani-water-crisis.txt").read_text(encoding="utf-8")


#: fixture -> exact outcome: default slug, language, (sections: demands each), positions,
#: lead-ins, signatures, and some demands as (section, ordinal, start, end, text)
CASES: dict[str, dict[str, Any]] = {
    "kobani-water-crisis-ar": {
        "slug": "surya-mnzmat-al-mjtm-al-mdni-thdhr-mn-azma-myah-fi-kubani",
        "language": "ar",
        "demands": [3, 2, 2],
        "positions": 5,
        "lead_ins": [(9, "لذلك، نطالب بما يلي:")],
        "signatures": ["سوريون من أجل الحقيقة والعدالة", "بيل - الأمواج المدنية", "تاء مربوطة (سوريا)",
                       "جمعية هفدستي للحوار (ألمانيا)", "منظمة دجلة للتنمية والبيئة", "جمعية بيتنا للتنمية"],
        "sample": [(1, 1, 622, 696, "مطالبة جميع الأطراف بالسماح للفرق الفنية بالوصول الآمن إلى محطة مياه علوك."),
                   (2, 2, 907, 955, "إعادة تشغيل خطوط الكهرباء التي تغذّي محطات الضخ."),
                   (3, 2, 1071, 1126, "دعم إعادة تأهيل البنية التحتية للمياه على المدى الطويل.")],
        "addressees": ["مجلس الأمن الدولي", "الحكومة السورية الانتقالية",
                       "المجتمع الدولي والجهات المانحة الإنسانية"],
    },
    "kobani-water-crisis-ku": {
        "slug": "suriye-rexistinen-civaka-sivil-li-ser-kriza-ave-ya-kobane",
        "language": "ku",
        "demands": [3, 2, 2],
        "positions": 5,
        "lead_ins": [(7, "Ji ber vê yekê, em van tiştan daxwaz dikin:")],
        "signatures": ["Syrians for Truth and Justice", "PEL - Civil Waves", "Taa Marbouta (Syria)",
                       "Hevdestî Association for Dialogue (Germany)"],
        "sample": [(1, 3, 820, 864, "Bikaranîna avê wek çekeke şer şermezar bike."),  # c.
                   (2, 1, 920, 982, "Derbasbûna ewle ya tîmên tamîrê û parçeyên yedek garantî bike."),  # -
                   (3, 2, 1207, 1263, "Piştgiriya nûavakirina binesaziya avê ya demdirêj bikin.")],  # (2)
        "addressees": ["Encûmena Ewlehiyê ya Neteweyên Yekbûyî", "Hikûmeta Veguhêz a Sûriyeyê",
                       "civaka navneteweyî û bexşkarên mirovî"],
    },
    "idlib-schools-bullets": {
        "slug": "syria-civil-society-organizations-demand-protection",  # "-of" dropped
        "language": "en",
        "demands": [3, 2, 12],
        "positions": 3,
        "lead_ins": [(5, "Therefore, we call for the following:")],
        "signatures": ["Syrians for Truth and Justice", "Hurras Network", "Violet Organization"],
        "sample": [(1, 3, 535, 572, "Respect the Safe Schools Declaration."),  # •
                   (2, 2, 692, 731, "Pay the salaries of displaced teachers."),  # (b)
                   (3, 10, 1254, 1303, "Include civil society in the education committee."),
                   (3, 12, 1358, 1412, "Report every attack on a school to the United Nations.")],
        "addressees": ["all parties to the conflict", "the United Nations and humanitarian donors",
                       "the Syrian Transitional Government"],
    },
    "raqqa-detainees-dashes": {
        "slug": "syria-organizations-call-for-the-release-of-civilians",
        "language": "en",
        "demands": [2],
        "positions": 1,
        "lead_ins": [(3, "We call for the following:")],
        "signatures": ["Syrians for Truth and Justice", "Lawyers and Doctors for Human Rights",
                       "Caesar Families Association"],
        "sample": [(1, 2, 306, 363, "Disclose the places of detention and allow family visits.")],  # –
        "addressees": ["the Syrian Democratic Forces"],
    },
}


@pytest.mark.parametrize("name", list(CASES))
def test_layout_of_each_variant(name: str) -> None:
    case = CASES[name]
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    layout = parse_layout(text, name)
    assert [len(s.demands) for s in layout.sections] == case["demands"]
    assert [s.addressee_phrase for s in layout.sections] == case["addressees"]
    assert len(layout.positions) == case["positions"]
    assert [(s.line, s.text) for s in layout.lead_ins] == case["lead_ins"]
    assert [s.span.text for s in layout.signatures] == case["signatures"]
    assert [s.ordinal for s in layout.signatures] == list(range(1, len(case["signatures"]) + 1))
    for section, ordinal, start, end, demand in case["sample"]:
        span = layout.sections[section - 1].demands[ordinal - 1].span
        assert (span.start, span.end, span.text) == (start, end, demand)
    spans = [layout.title, *(p.span for p in layout.positions), *(s.span for s in layout.signatures),
             *(s.span for s in layout.sections), *(d.span for s in layout.sections for d in s.demands)]
    for span in spans:  # code point offsets, Arabic included
        assert text[span.start:span.end] == span.text
    assert default_slug(layout.title.text) == case["slug"]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Result]]]:
    """The bundled project with every variant ingested under its default slug."""
    root = copy_project(tmp_path_factory.mktemp("layouts"))
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.delenv("NIDA_ROOT", raising=False)
        yield root, {name: run("ingest", str(FIXTURES / f"{name}.txt")) for name in CASES}


@pytest.mark.parametrize("name", list(CASES))
def test_ingest_writes_language_slug_and_counts(ingested: tuple[Path, dict[str, Result]], name: str) -> None:
    root, results = ingested
    case, result = CASES[name], results[name]
    assert result.exit_code == 0, result.output
    slug = case["slug"]
    assert f"ingested statement/{slug} into data/statements/{slug}\n" in result.output
    assert (f"  sections: {len(case['demands'])}, demands: {sum(case['demands'])}, body sentences: "
            f"{case['positions']}, signatures: {len(case['signatures'])}\n"
            f"  language: {case['language']} (of the body: dct:language)\n") in result.output
    for line, text in case["lead_ins"]:
        assert f"  lead-in, not a position: line {line} {text!r}\n" in result.output
    st = ox.Store()
    st.load(path=str(root / "data/statements" / slug / "statement.ttl"), format=ox.RdfFormat.TURTLE)
    languages = [row[0].value for row in st.query(  # type: ignore[union-attr]
        f"SELECT ?l WHERE {{ <{BASE}statement/{slug}> <http://purl.org/dc/terms/language> ?l }}")]
    assert languages == [case["language"]]
    source = (root / "data/statements" / slug / "source.txt").read_text(encoding="utf-8")
    literals = st.query("""PREFIX nida: <https://w3id.org/nida/ontology#> SELECT ?l ?s ?e WHERE {
        { ?n nida:text ?l ; nida:textStart ?s ; nida:textEnd ?e } UNION
        { ?n nida:nameAsPrinted ?l ; nida:nameStart ?s ; nida:nameEnd ?e } }""")
    checked = 0
    for literal, start, end in literals:  # type: ignore[misc]
        assert source[int(start.value):int(end.value)] == literal.value
        checked += 1
    assert checked == (len(case["demands"]) + sum(case["demands"]) + case["positions"]
                       + len(case["signatures"]))


def test_variants_validate_and_publish(ingested: tuple[Path, dict[str, Result]],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root, results = ingested
    assert all(r.exit_code == 0 for r in results.values())
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["validate", "--format", "json"])
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["counts"]["violation"] == 0
    published = run("publish")
    assert published.exit_code == 0, published.output
    nt = (root / "dist" / "nida.nt").read_text(encoding="utf-8")
    for case in CASES.values():
        assert (f'<{BASE}statement/{case["slug"]}> <http://purl.org/dc/terms/language> '
                f'"{case["language"]}"^^<http://www.w3.org/2001/XMLSchema#language>') in nt
    # the Arabic statement's text is shown right to left: subtitle, 5 positions, 3 section
    # headings, 7 demands; its source text too; the page's own words and English text stay as they are
    arabic = CASES["kobani-water-crisis-ar"]["slug"]
    page = (root / "dist/html/statement" / f"{arabic}.html").read_text(encoding="utf-8")
    assert page.count('lang="ar" dir="rtl"') == 16
    assert '<p class="verbatim" lang="ar" dir="rtl">مطالبة جميع الأطراف' in page
    assert '<h1 class="verbatim" id="title" dir="auto">سوريا:' in page
    source = (root / "dist/html/source" / f"{arabic}.html").read_text(encoding="utf-8")
    assert '<pre class="source verbatim" lang="ar" dir="rtl">' in source
    kurmanji = (root / "dist/html/statement" / f"{CASES['kobani-water-crisis-ku']['slug']}.html").read_text(
        encoding="utf-8")
    assert kurmanji.count('lang="ku" dir="ltr"') == 1 + 5 + 3 + 7
    english = (root / "dist/html/statement" / f"{CASES['idlib-schools-bullets']['slug']}.html").read_text(
        encoding="utf-8")
    assert " dir=\"rtl\"" not in english and " lang=" not in english.split("<body", 1)[1]


# ----------------------------------------------------------------------------- unreadable layouts

AR = (FIXTURES / "kobani-water-crisis-ar.txt").read_text(encoding="utf-8")
KU = (FIXTURES / "kobani-water-crisis-ku.txt").read_text(encoding="utf-8")

UNREADABLE: list[tuple[str, str, int, str]] = [
    ("bullet in a numbered list", KOBANI.replace("2. Mandate the", "- Mandate the"), 15,
     "demand marked as a bullet in a list of numbers: mark every demand of a section the same way "
     "(1., 2., 3.)"),
    ("letters skip", KU.replace("b. Neteweyên", "c. Neteweyên").replace("c. Bikaranîna", "d. Bikaranîna"), 12,
     "demand letter c skips b: number the list a, b, c... without gaps"),
    ("Arabic-Indic digits skip", AR.replace("٢. تكليف", "٣. تكليف"), 14,
     "demand number 3 skips 2: number the list 1, 2, 3... without gaps"),
    ("Arabic ordinal out of order", AR.replace("ثالثاً: إلى", "رابعاً: إلى"), 22,
     "section heading 'رابعاً' where 'ثالثاً' was expected: sections are numbered أولاً, ثانياً, ثالثاً... "
     "in order"),
    ("demand heading without addressee", AR.replace("أولاً: إلى مجلس الأمن الدولي – فوراً:", "المطالب:"), 13,
     "the demands under 'المطالب:' name no addressee: add a heading such as 'First: To <addressee>:' "
     "(أولاً: إلى <الجهة>: / Yekem: Ji bo <...>:) above the list"),
    ("Arabic signatories without heading", AR.replace("المنظمات الموقّعة:\n", ""), 30,
     "no signatories block: this numbered list has no heading"),
    ("numbered then unnumbered signatories", AR.replace("٣. تاء مربوطة", "تاء مربوطة"), 33,
     "a line without a number in the numbered list of signatories"),
    ("empty Kurmanji signatories block", KU[:KU.index("Syrians for Truth")], 27,
     "the signatories block lists no signatories: add one line per organization (numbered or not), "
     "or their names separated by commas"),
]


@pytest.mark.parametrize("name, content, line, message", UNREADABLE, ids=[u[0] for u in UNREADABLE])
def test_unreadable_layout_names_the_line(project: Path, name: str, content: str, line: int,
                                          message: str) -> None:
    (project / "bad.txt").write_text(content, encoding="utf-8")
    result = run("ingest", "bad.txt", "--slug", "bad")
    assert result.exit_code == 2
    assert result.output.splitlines()[0].startswith(f"nida: error: bad.txt:{line}: {message}"), result.output
    assert len(result.output.splitlines()) == 1
    assert not (project / "data/statements/bad").exists()


# ----------------------------------------------------------------------------- language and slugs


def test_english_body_with_an_arabic_title_is_en_and_says_so(project: Path) -> None:
    text = "سوريا: أزمة المياه في كوباني\n" + KOBANI[KOBANI.index("\n") + 1:]
    (project / "mixed.txt").write_text(text, encoding="utf-8")
    result = run("ingest", "mixed.txt")
    assert result.exit_code == 0, result.output
    assert ("warning: line 1: the title is in Arabic, the body in English: dct:language is 'en' (the "
            "body's) and dct:title stays the title as printed, without a language tag; check both\n"
            ) in result.output
    assert "ingested statement/surya-azma-al-myah-fi-kubani into" in result.output
    ttl = (project / "data/statements/surya-azma-al-myah-fi-kubani/statement.ttl").read_text(encoding="utf-8")
    assert 'dct:language "en"^^xsd:language' in ttl
    assert 'dct:title "سوريا: أزمة المياه في كوباني"' in ttl


@pytest.mark.parametrize("text, language", [
    ("Stop the shelling of schools and protect the children.", "en"),
    ("Em bang li hemû aliyan dikin ku şer rawestînin.", "ku"),
    ("ندعو جميع الأطراف إلى وقف القصف.", "ar"),
    ("داوا لە هەموو لایەنەکان دەکەین شەڕ ڕابگرن.", "ckb"),  # Sorani: ڕ and ە
])
def test_language_of(text: str, language: str) -> None:
    assert language_of(text) == language


@pytest.mark.parametrize("title, slug", [
    ("Syria: Civil Society Organizations Call for an Immediate Halt to the Military Escalation in "
     "Northeast Syria", "syria-civil-society-organizations-call-for-an-immediate-halt"),
    ("Kobani: Civil Society Organizations Demand Urgent Action on the Water Crisis in the Region",
     "kobani-civil-society-organizations-demand-urgent-action"),  # not "...-action-on"
    ("Short title", "short-title"),
    ("Of the and", "of"),  # only function words: the first is kept, never an empty slug
    ("A" * 70, "a" * 60),
    ("مجلس الأمن الدولي", "mjls-al-amn-al-duli"),
    ("سوريا: على الأطراف وقف القتال في", "surya-ala-al-atraf-wqf-al-qtal"),  # trailing "fi" dropped
    ("Rêxistinên Kurd bang dikin ji bo", "rexistinen-kurd-bang-dikin"),  # trailing "ji bo" dropped
    ("١٢ منظمة تطالب", "12-mnzma-ttalb"),
])
def test_default_slug(title: str, slug: str) -> None:
    assert default_slug(title) == slug
    assert default_slug(title) == default_slug(title)  # stable
    assert len(slug) <= 60


def test_romanized_arabic_words() -> None:
    assert [romanize_arabic_word(w) for w in ("سوريا", "الدولي", "كوباني", "وقف", "يوم")] == [
        "surya", "al-duli", "kubani", "wqf", "yum"]


@pytest.mark.parametrize("marker", ["المطالب:", "التوصيات", "Daxwazên me:", "Demands:"])
def test_a_demands_marker_before_addressed_sections_is_not_a_position(marker: str) -> None:
    text = AR.replace("أولاً: إلى", marker + "\n\nأولاً: إلى", 1)
    layout = parse_layout(text, "x")
    assert [(s.line, s.text) for s in layout.lead_ins] == [(9, "لذلك، نطالب بما يلي:"), (11, marker)]
    assert len(layout.positions) == 5 and [len(s.demands) for s in layout.sections] == [3, 2, 2]
