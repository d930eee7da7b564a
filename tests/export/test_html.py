"""The HTML pages: one per resource, labels, links that resolve, embedded JSON-LD, a real browser."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
from pyld import jsonld

from publisher.export.base import Release
from publisher.export.html.exporter import HtmlExporter
from publisher.export.html.overview import MAX_EDGES, network_data
from publisher.export.html.paths import page_link, page_path, relative_href
from publisher.export.html.render import environment
from publisher.export.html.site import Row, Value, _chosen
from publisher.export.network import CoSignatures
from publisher.graph import release_quads, union_triples
from publisher.load.dataset import load_dataset
from publisher.settings import ONTOLOGY_NS as ONTOLOGY
from publisher.settings import Settings
from tests.browser import headless_chromium
from tests.conftest import BASE, SLUG, STATEMENT_IRI, edit, run

STATEMENT_PAGE = f"statement/{SLUG}.html"
SCRIPT = re.compile(r'<script type="application/ld\+json">\n(.*?)\n</script>', re.S)
NIDA = "https://w3id.org/nida/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


class Page(HTMLParser):
    """The parts of a page the tests look at: elements with their attributes and text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict[str, str | None]] = []
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self._open: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        attributes["tag"] = tag
        self.elements.append(attributes)
        if attributes.get("id"):
            self.ids.add(attributes["id"] or "")
        if tag in ("a", "li", "h1", "p", "h3"):
            self._open.append((tag, attributes, []))

    def handle_data(self, data: str) -> None:
        for _, _, text in self._open:
            text.append(data)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                _, attributes, text = self._open.pop(index)
                attributes["text"] = "".join(text)
                if tag == "a" and attributes.get("href"):
                    self.links.append((attributes["href"] or "", attributes["text"] or ""))
                break

    def having(self, tag: str, css_class: str) -> list[dict[str, str | None]]:
        return [e for e in self.elements if e["tag"] == tag and css_class in (e.get("class") or "").split()]


@pytest.fixture(scope="module")
def html(release: Path) -> Path:
    return release / "html"


@pytest.fixture(scope="module")
def pages(html: Path) -> dict[str, str]:
    return {p.relative_to(html).as_posix(): p.read_text(encoding="utf-8") for p in sorted(html.rglob("*.html"))}


@pytest.fixture(scope="module")
def store(release: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(release / "nida.nt"), format=ox.RdfFormat.N_TRIPLES)
    return store


def values(store: ox.Store, query: str) -> list[str]:
    return [row[0].value for row in store.query(query)]  # type: ignore[index,union-attr]


@pytest.fixture(scope="module")
def statement(pages: dict[str, str]) -> Page:
    return Page(pages[STATEMENT_PAGE])


# -- where pages live ---------------------------------------------------------------------------


@pytest.mark.parametrize(("iri", "path", "link"), [
    (STATEMENT_IRI, STATEMENT_PAGE, STATEMENT_PAGE),
    (f"{STATEMENT_IRI}/demand/1-2", STATEMENT_PAGE, f"{STATEMENT_PAGE}#demand/1-2"),
    (f"{STATEMENT_IRI}/signature/9", STATEMENT_PAGE, f"{STATEMENT_PAGE}#signature/9"),
    (f"{BASE}organization/doz", "organization/doz.html", "organization/doz.html"),
    (f"{BASE}source/{SLUG}", f"source/{SLUG}.html", f"source/{SLUG}.html"),
    (f"{BASE}concept/risk", "concept/risk.html", "concept/risk.html"),
    (f"{BASE}concept/risk/ethnic-cleansing", "concept/risk/ethnic-cleansing.html",
     "concept/risk/ethnic-cleansing.html"),
    ("https://w3id.org/nida/ontology", "ontology/index.html", "ontology/index.html"),
    (f"{NIDA}Demand", "ontology/index.html", "ontology/index.html#Demand"),
    (f"{BASE}graph/actors", None, None),
    (f"{BASE}organization/../x", None, None),
    ("http://www.wikidata.org/entity/Q858", None, None),
])
def test_page_path_mirrors_the_iri(iri: str, path: str | None, link: str | None) -> None:
    assert page_path(iri) == path
    assert page_link(iri) == link


#: the macros that wrote a value and a list of values before `Value.__html__` did
VALUE_MACROS = """{% macro value(v) -%}
{% if v.href %}<a href="{{ v.href }}"{% if v.external %} rel="external"{% endif %}>{{ v.text }}</a>\
{% elif v.lang %}<span lang="{{ v.lang }}">{{ v.text }}</span>{% else %}<span>{{ v.text }}</span>{% endif %}
{%- endmacro %}
{% macro values(vs) -%}
{% for v in vs %}{% if not loop.first %}, {% endif %}{{ value(v) }}{% endfor %}
{%- endmacro %}
"""


def test_a_value_writes_what_the_macro_wrote() -> None:
    """`Value.__html__` (``{{ v }}``, ``{{ vs | join(", ") }}``) writes each kind of value, its
    markup escaped, byte for byte as the Jinja macros it replaces."""
    env = environment()
    kinds = [Value('<b>"Tom" & Jerry\'s</b>', "../organization/a&b.html#x", False),
             Value("Ext <x>", 'https://example.org/?a=1&b="2"', True), Value("nur <das>", lang="de-x&"),
             Value("plain & <simple>"), Value(""), Value("no link", "", True), Value("both", "https://x.org/", True, "en"), Value("x", None, False, "")]
    lists = [[], kinds[:1], kinds, kinds[::-1]]
    old = env.from_string(VALUE_MACROS + "{% for v in vs %}[{{ value(v) }}]{% endfor %}"
                          "{% for l in ls %}({{ values(l) }}){% endfor %}")
    new = env.from_string('{% for v in vs %}[{{ v }}]{% endfor %}{% for l in ls %}({{ l | join(", ") }}){% endfor %}')
    assert new.render(vs=kinds, ls=lists) == old.render(vs=kinds, ls=lists)
    assert '<a href="../organization/a&amp;b.html#x">&lt;b&gt;&#34;Tom&#34; &amp; Jerry&#39;s&lt;/b&gt;</a>' in \
        new.render(vs=kinds, ls=[])


def test_a_value_and_a_row_repr_as_their_dataclasses_did() -> None:
    """Pages' cache keys are the reprs of their contexts: `Value` and `Row` write theirs by hand
    (no guard against recursion), exactly as the dataclasses' generated reprs."""
    plain_value = dataclasses.make_dataclass("Value", [("text", str), ("href", str | None, None),
                                                       ("external", bool, False), ("lang", str | None, None)],
                                             frozen=True)
    plain_row = dataclasses.make_dataclass("Row", [("label", str), ("values", list)])
    fields = [("a'\"<\\ é", None, False, None), ("x", "../a.html#b", True, "en"), ("", "", False, "")]
    for each in fields:
        assert repr(Value(*each)) == repr(plain_value(*each))
    assert repr(Row("Label's", [Value(*each) for each in fields])) == \
        repr(plain_row("Label's", [plain_value(*each) for each in fields]))
    assert repr(Row("none", [])) == repr(plain_row("none", []))


def test_the_templates_are_compiled_once_before_workers_fork() -> None:
    """`environment()` compiles every template: the page workers forked after it compile none."""
    env = environment()
    assert env.list_templates() and len(env.cache) >= len(env.list_templates())  # type: ignore[arg-type]
    assert all(env.get_template(name) is env.get_template(name) for name in env.list_templates())


def test_the_value_chosen_of_one_or_several_is_the_first_english_one() -> None:
    """`_chosen` answers a single value at once: what the whole rule answers for it too."""
    def plain(found: list[ox.NamedNode | ox.Literal]) -> str | None:
        english = [o for o in found if isinstance(o, ox.Literal) and o.language in (None, "en")]
        chosen = english or found
        return chosen[0].value if chosen else None

    terms = [ox.Literal("fr", language="fr"), ox.Literal("en", language="en"), ox.Literal("plain"),
             ox.NamedNode("https://example.org/x"), ox.Literal("7", datatype=ox.NamedNode(
                 "http://www.w3.org/2001/XMLSchema#integer"))]
    cases = [[], *([t] for t in terms), terms, terms[::-1], [terms[0], terms[3]], [terms[3], terms[0]]]
    for found in cases:
        assert _chosen(found) == plain(found)


def test_relative_links() -> None:
    assert relative_href(STATEMENT_PAGE, "organization/doz.html") == "../organization/doz.html"
    assert relative_href("concept/risk/x.html", "index.html") == "../../index.html"
    assert relative_href(STATEMENT_PAGE, f"{STATEMENT_PAGE}#demand/1-1") == "#demand/1-1"
    assert relative_href("index.html", "ontology/index.html#Demand") == "ontology/index.html#Demand"


# -- what is on the pages -----------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "query"), [
    ("statement", "SELECT ?s { ?s a nida:Statement }"),
    ("organization", "SELECT ?s { ?s a nida:Organization }"),
    ("actor", "SELECT ?s { ?s a nida:Actor }"),
    ("place", "SELECT ?s { ?s a nida:Place }"),
    ("agreement", "SELECT ?s { ?s a nida:Agreement }"),
    ("event", "SELECT ?s { ?s a nida:Event }"),
    ("source", "SELECT ?s { ?s a nida:Source }"),
    ("concept", "SELECT ?s { { ?s a skos:Concept } UNION { ?s a skos:ConceptScheme } }"),
])
def test_one_page_per_resource(html: Path, store: ox.Store, kind: str, query: str) -> None:
    prefixes = f"PREFIX nida: <{NIDA}> PREFIX skos: <{SKOS}> "
    expected = sorted(page_path(iri) for iri in values(store, prefixes + query))
    found = sorted(p.relative_to(html).as_posix() for p in (html / kind).rglob("*.html"))
    assert found == expected
    assert found


def test_pages_are_html5_without_external_assets(pages: dict[str, str]) -> None:
    assert len(pages) > 100
    for name, text in pages.items():
        assert text.startswith('<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">'), name
        assert "<style>" in text, name
        page = Page(text)
        for element in page.elements:
            assert element["tag"] not in ("link", "img", "iframe"), (name, element)
            if element["tag"] == "script":  # no external script; the index has its search, the
                # network page its data and the Cytoscape.js the release carries
                assert element.get("src") in ((None, "assets/cytoscape.min.js") if name == "network.html"
                                              else (None,)), name
                allowed = ("application/ld+json", "application/json", None) \
                    if name in ("index.html", "network.html") else ("application/ld+json",)
                assert element.get("type") in allowed, name
        assert sum(1 for e in page.elements if e["tag"] == "h1") == 1, name


def test_pages_parse_as_html5_without_errors(pages: dict[str, str]) -> None:
    import html5lib

    for name, text in pages.items():
        html5lib.HTMLParser(strict=True).parse(text)  # raises on any HTML5 parse error
        assert name


def test_statement_page_has_the_demands_in_order(statement: Page, store: ox.Store) -> None:
    demands = statement.having("li", "demand")
    expected = values(store, f"""PREFIX nida: <{NIDA}>
        SELECT ?text {{ ?d a nida:Demand ; nida:text ?text ; nida:ordinal ?n ; nida:section/nida:ordinal ?s }}
        ORDER BY ?s ?n""")
    assert len(demands) == len(expected) == 7
    assert [(d["text"] or "").strip().split("\n")[0] for d in demands] == expected
    assert [d["value"] for d in demands] == ["1", "2", "3", "4", "5", "1", "2"]
    sections = [e["text"] for e in statement.elements if e["tag"] == "h3"]
    assert sections[0] == "First: To the United Nations Security Council \u2013 immediately:"


def test_statement_page_has_43_signatories_linking_42_organizations(statement: Page, html: Path,
                                                                   store: ox.Store) -> None:
    signatures = statement.having("li", "signature")
    assert len(signatures) == 43
    assert [s["value"] for s in signatures] == [str(n) for n in range(1, 44)]
    printed = values(store, f"""PREFIX nida: <{NIDA}>
        SELECT ?name {{ ?s a nida:Signature ; nida:nameAsPrinted ?name ; nida:ordinal ?n }} ORDER BY ?n""")
    names = [a for a in statement.having("a", "printed-name")]
    assert [a["text"] for a in names] == printed
    assert "PEACE SHE LEADAR NET WORK" in printed and "PÊL- Civil Waves" in printed
    organizations = {a["href"] for a in names}
    assert len(organizations) == 42
    assert all((html / "statement" / (href or "")).resolve().is_file() for href in organizations)


def test_statement_page_shows_title_publisher_and_source(statement: Page, pages: dict[str, str],
                                                         html: Path, store: ox.Store) -> None:
    text = pages[STATEMENT_PAGE]
    (title,) = [e["text"] for e in statement.elements if e["tag"] == "h1"]
    assert title == values(store, f"SELECT ?t {{ <{STATEMENT_IRI}> <http://purl.org/dc/terms/title> ?t }}")[0]
    assert "The Syrian organizations signing this statement call on" in text
    assert ('<a href="../organization/syrians-for-truth-and-justice.html">Syrians for Truth and Justice</a>'
            in text)
    (sha,) = values(store, f"SELECT ?h {{ ?s <{NIDA}sha256> ?h }}")
    assert f'<span class="checksum">{sha}</span>' in text
    assert hashlib.sha256((html / f"source/{SLUG}.txt").read_bytes()).hexdigest() == sha
    assert len(statement.having("li", "position")) == 10
    assert "ABOUT STJ" in text


def test_labels_instead_of_iris(pages: dict[str, str], store: ox.Store) -> None:
    for name, text in pages.items():
        for _href, label in Page(text).links:
            # nida's own resources by label; an external IRI shows as a CURIE where it has a prefix.
            assert not label.startswith((BASE, NIDA, "http://www.wikidata.org/")), (name, label)
    doz = Page(pages["organization/doz.html"])
    assert [e["text"] for e in doz.elements if e["tag"] == "h1"] == ["DOZ"]
    assert any(label.startswith("Syria: Civil Society") for _, label in doz.links)
    dijla = pages["organization/dijla-organization-for-development-and-environment.html"]
    assert "“dijla Organization for Development and Environment”" in dijla
    assert "“Dijla Organization for Development and Environment”" in dijla
    assert "(signature 9)" in dijla and "(signature 39)" in dijla
    actor = pages["actor/un-security-council.html"]
    assert "United Nations Security Council" in actor and ">United Nations</a>" in actor
    ontology = pages["ontology/index.html"]
    for label in ("Statement", "Demand", "signatory", "name as printed", "Demand types"):
        assert f">{label}" in ontology or f"{label} <code>" in ontology, label


def test_every_internal_link_resolves(html: Path, pages: dict[str, str]) -> None:
    parsed = {name: Page(text) for name, text in pages.items()}
    checked = 0
    for name, page in parsed.items():
        for href, _ in page.links:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https"):
                continue
            assert not parts.scheme and not href.startswith("/"), (name, href)
            target = (html / name).parent / unquote(parts.path) if parts.path else html / name
            assert target.resolve().is_file(), (name, href)
            if parts.fragment and target.suffix == ".html":
                key = target.resolve().relative_to(html.resolve()).as_posix()
                assert unquote(parts.fragment) in parsed[key].ids, (name, href)
            checked += 1
    assert checked > 500


def _page_triples(release: Path) -> dict[str, set[str]]:
    """The N-Triples lines of the release, by the page that describes their subject."""
    grouped: dict[str, set[str]] = defaultdict(set)
    for triple in ox.parse(path=str(release / "nida.nt"), format=ox.RdfFormat.N_TRIPLES):
        path = page_path(triple.subject.value)  # type: ignore[union-attr]
        assert path is not None, triple
        grouped[path].add(str(triple))
    return grouped


def test_embedded_jsonld_is_exactly_the_page_triples(release: Path, pages: dict[str, str]) -> None:
    expected = _page_triples(release)
    assert set(expected) <= set(pages)
    for name, text in pages.items():
        scripts = SCRIPT.findall(text)
        if name in ("index.html", "network.html"):  # pages of the whole collection, not of resources
            assert scripts == []
            continue
        (script,) = scripts
        assert "</" not in script and "<" not in script
        document = json.loads(script)
        assert isinstance(document["@context"], dict)
        nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
        found = {str(t) for t in ox.parse(nquads, format=ox.RdfFormat.N_TRIPLES)}
        assert found == expected[name], name


def test_html_is_deterministic(project: Path, tmp_path: Path) -> None:
    settings = Settings(root=project, source_date_epoch=None)
    dataset = load_dataset(settings)
    quads = release_quads(dataset)
    release = Release(quads=quads, triples=union_triples(quads), dataset=dataset, settings=settings)
    one, two = tmp_path / "one", tmp_path / "two"
    exporters = HtmlExporter(), HtmlExporter()
    first = exporters[0].write(release, one)
    second = exporters[1].write(release, two)
    for exporter in exporters:
        exporter.stop()
    assert [p.relative_to(one) for p in first] == [p.relative_to(two) for p in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second, strict=True))


# -- a real browser -------------------------------------------------------------------------------


def test_statement_page_in_a_headless_browser(html: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    browser = headless_chromium(tmp_path)
    try:
        browser.set_page_load_timeout(30)
        browser.get((html / STATEMENT_PAGE).resolve().as_uri())
        assert browser.title.startswith("Syria: Civil Society Organizations Call")
        demands = browser.find_elements(By.CSS_SELECTOR, "li.demand > p")
        assert len(demands) == 7
        assert all(d.is_displayed() and d.text for d in demands)
        assert demands[0].text.startswith("Call on all parties to return to the negotiating table")
        signatories = browser.find_elements(By.CSS_SELECTOR, "li.signature a.printed-name")
        assert len(signatories) == 43
        assert signatories[23].text == "PEACE SHE LEADAR NET WORK"
        count = browser.execute_script(
            "return JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text)['@graph'].length")
        assert count > 60
        screenshot = tmp_path / "statement.png"
        assert browser.save_screenshot(str(screenshot))
        assert screenshot.stat().st_size > 10_000
        # Relative links work from file://: follow signature 12 to its organization.
        signatories[11].click()
        heading = browser.find_element(By.TAG_NAME, "h1").text
        assert heading == "PÊL- Civil Waves"
        assert browser.current_url.endswith("/organization/pel-civil-waves.html")
    finally:
        browser.quit()


def test_markup_in_the_data_is_escaped(project: Path) -> None:
    hostile = 'DOZ </script><script>alert(1)</script> <b>&amp;</b>'
    edit(project / "data/organizations.ttl", 'skos:prefLabel "DOZ"', f'skos:prefLabel "{hostile}"')
    result = run("publish")
    assert result.exit_code == 0, result.output
    page = (project / "dist/html/organization/doz.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<b>" not in page
    assert "DOZ &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;&amp;amp;&lt;/b&gt;" in page
    (script,) = SCRIPT.findall(page)
    assert "<" not in script
    document = json.loads(script)
    assert hostile in json.dumps(document, ensure_ascii=False)
    statement = (project / f"dist/html/{STATEMENT_PAGE}").read_text(encoding="utf-8")
    assert statement.count("<script") == 1


def test_the_index_links_every_download_and_query(release: Path) -> None:
    index = (release / "html" / "index.html").read_text(encoding="utf-8")
    downloads = index.split('<ul class="downloads">', 1)[1].split("</ul>", 1)[0]
    queries = index.split('<ul class="queries">', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'href="\.\./([^"]+)"', downloads + queries)
    assert len(links) == 18 + 14  # the dumps, context, tables, network, void.ttl, SHA256SUMS; the queries
    assert [link for link in links if not (release / link).is_file()] == []
    published = {p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()}
    listed = {name for name in published if not name.startswith(("html/", "statements/", "ontology/", "shapes/"))}
    assert listed == set(links)  # every file of the release besides the pages, records and copies
    services = index.split('<p id="services">', 1)[1].split("</p>", 1)[0]
    assert "<code>/sparql</code>" in services and "<code>/reconcile</code>" in services


def test_the_index_search_finds_pages_and_demands_in_a_headless_browser(html: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    browser = headless_chromium(tmp_path)
    try:
        browser.set_page_load_timeout(30)
        browser.get((html / "index.html").resolve().as_uri())
        search = browser.find_element(By.ID, "search")
        search.send_keys("negotiating table")
        found = browser.find_elements(By.CSS_SELECTOR, "#search-results li")
        assert [item.get_attribute("class") for item in found] == ["demand"]
        assert found[0].text.startswith("Call on all parties to return to the negotiating table")
        search.clear()
        search.send_keys("truth justice")
        found = browser.find_elements(By.CSS_SELECTOR, "#search-results li")
        assert [(item.get_attribute("class"), item.find_element(By.TAG_NAME, "a").text) for item in found] == [
            ("organization", "Syrians for Truth and Justice")]
        found[0].find_element(By.TAG_NAME, "a").click()
        assert browser.current_url.endswith("/organization/syrians-for-truth-and-justice.html")
        browser.back()
        search = browser.find_element(By.ID, "search")
        search.clear()
        search.send_keys("   ")
        assert browser.find_elements(By.CSS_SELECTOR, "#search-results li") == []
    finally:
        browser.quit()


def test_the_index_counts_demands_per_addressee_and_type_as_sparql_does(release: Path) -> None:
    store = ox.Store()
    store.bulk_load(path=str(release / "nida.nq"), format=ox.RdfFormat.N_QUADS)
    index = (release / "html" / "index.html").read_text(encoding="utf-8")
    tallies = {caption: re.findall(r'<a href="([^"]+)">[^<]*</a></th><td class="bar"><span style="width: \d+%">'
                                   r'</span></td><td class="count">(\d+)</td>', body)
               for caption, body in re.findall(r"<caption>([^<]+)</caption>(.*?)</table>", index, re.S)}
    for caption, prop in (("Demands per addressee", "addressee"), ("Demands per type", "demandType")):
        query = (f"SELECT ?v (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a <{ONTOLOGY}Demand> ; <{ONTOLOGY}{prop}> ?v }}"
                 " GROUP BY ?v")
        expected = {page_link(row[0].value): row[1].value for row in store.query(query, use_default_graph_as_union=True)}
        assert dict(tallies[caption]) == expected, caption
        assert len(expected) >= 3


def test_the_network_page_draws_every_signing_organization(html: Path, tmp_path: Path) -> None:
    """Cytoscape.js, bundled into the release, draws the co-signature network from file://."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    assert (html / "assets" / "cytoscape.min.js").read_bytes().startswith(b"/**\n * Copyright (c) 2016-2024, The Cytoscape")
    browser = headless_chromium(tmp_path)
    try:
        browser.set_page_load_timeout(30)
        browser.get((html / "network.html").resolve().as_uri())
        WebDriverWait(browser, 20).until(lambda b: b.execute_script("return !!window.nidaNetwork"))
        nodes = browser.execute_script("return window.nidaNetwork.nodes().length")
        edges = browser.execute_script("return window.nidaNetwork.edges().length")
        assert (nodes, edges) == (42, 861)  # 42 organizations signed (43 signatures), all co-signed once
        summary = browser.find_element(By.ID, "network-summary").text
        assert summary == "42 organizations; 861 of 861 ties drawn (the strongest)."
        positions = browser.execute_script(
            "return window.nidaNetwork.nodes().map(n => [n.position('x'), n.position('y')])")
        assert len({(round(x), round(y)) for x, y in positions}) == 42  # laid out, not piled up
        screenshot = tmp_path / "network.png"
        assert browser.save_screenshot(str(screenshot))
        assert screenshot.stat().st_size > 30_000  # a drawing, not a blank page
        label = browser.execute_script(
            "return window.nidaNetwork.getElementById("
            "'https://w3id.org/nida/id/organization/syrians-for-truth-and-justice').data('label')")
        assert label == "Syrians for Truth and Justice"
    finally:
        browser.quit()


def test_the_network_page_keeps_the_strongest_ties_of_many() -> None:
    """Past MAX_EDGES ties, the page draws the strongest, ties of equal weight by their pair:
    exactly the first MAX_EDGES of all of them sorted so (chosen without sorting them all)."""
    organizations = [f"{BASE}organization/o{n:04d}" for n in range(120)]
    pairs = [(a, b) for i, a in enumerate(organizations) for b in organizations[i + 1:]]
    ties = Counter({pair: 1 + (index * 7919) % 13 for index, pair in enumerate(pairs)})
    found = CoSignatures(labels={}, statements=Counter(dict.fromkeys(organizations, 1)), ties=ties)
    data = json.loads(str(network_data(found)))
    expected = sorted(sorted(ties.items(), key=lambda item: (-item[1], item[0]))[:MAX_EDGES])
    assert len(pairs) == 7140 and data["ties"] == 7140
    assert [(e["source"], e["target"], e["weight"]) for e in data["edges"]] == [(a, b, w) for (a, b), w in expected]
    assert len(data["edges"]) == MAX_EDGES == 3000
