"""Property tests with hypothesis (issue 8).

- The ingest parser never crashes: arbitrary text gives a layout or a one-line InputError.
- Text anchors: for any generated statement, every verbatim literal of the draft equals the
  source at its offsets; a few generated drafts are also validated against the shapes.
- Round trip: a generated valid graph (extra places with arbitrary labels) survives publish
  and parses back from every full dump unchanged.

Budgets are small in CI; NIDA_FUZZ_EXAMPLES raises them all (e.g. 1000 for a long run).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from publisher.errors import InputError
from publisher.graph import release_quads, union_triples
from publisher.ingest import ingest
from publisher.ingest.layout import parse_layout
from publisher.load.dataset import load_dataset
from publisher.release.verify import FORMATS, FULL_DUMPS, parse
from publisher.release.write import write_release
from publisher.settings import Settings
from publisher.validation.engine import validate
from tests.conftest import copy_project

BUDGET = int(os.environ.get("NIDA_FUZZ_EXAMPLES", "0"))


def budget(default: int) -> settings:
    return settings(max_examples=max(BUDGET, default) if BUDGET else default, deadline=None, derandomize=not BUDGET, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# --- arbitrary text --------------------------------------------------------------------------

LINEISH = st.sampled_from(["\n", "\r\n", "\n\n", "First: To the United Nations Security Council:\n",
                           "1. ", "2) ", "Signed by:\n", "ABOUT STJ\n", "-\n", "Second: To all parties:\n",
                           "Signatory organizations:\n", "\u2028", "\ufeff", "\t", "  3. "])
ARBITRARY = st.lists(st.one_of(st.text(max_size=60), LINEISH), max_size=40).map("".join)


@budget(100)
@example("\ufeff")  # found by a 1,000-example run: a byte order mark alone
@example("\ufeff\n\u2028\n")
@given(ARBITRARY)
def test_layout_parser_never_crashes(text: str) -> None:
    try:
        layout = parse_layout(text, "fuzz.txt")
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("fuzz.txt")
        return
    for span in [layout.title, *([layout.subtitle] if layout.subtitle else [])]:
        assert text[span.start:span.end] == span.text


# --- generated statements ----------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzéêçüğşÊÇ"
WORD = st.text(alphabet=LETTERS, min_size=3, max_size=9)
SENTENCE = st.lists(WORD, min_size=3, max_size=12).map(lambda ws: " ".join(ws).capitalize() + ".")
NAME = st.lists(WORD, min_size=2, max_size=4).map(lambda ws: " ".join(w.capitalize() for w in ws))


@st.composite
def statements(draw: st.DrawFn) -> str:
    title = "Syria: " + " ".join(w.capitalize() for w in draw(st.lists(WORD, min_size=3, max_size=8)))
    body = [" ".join(draw(st.lists(SENTENCE, min_size=1, max_size=3)))
            for _ in range(draw(st.integers(1, 3)))]
    demands = draw(st.lists(SENTENCE, min_size=1, max_size=5))
    second = draw(st.lists(SENTENCE, min_size=0, max_size=3))
    names = draw(st.lists(NAME, min_size=1, max_size=8, unique_by=lambda n: n.lower()))
    lines = [title, "", *[p + "\n" for p in body], "First: To the United Nations Security Council:", ""]
    lines += [f"{n}. {d}" for n, d in enumerate(demands, 1)]
    if second:
        lines += ["", "Second: To the Syrian Transitional Government and the Syrian Democratic Forces:", ""]
        lines += [f"{n}) {d}" for n, d in enumerate(second, 1)]
    lines += ["", "Signed by:", ""] + [f"{n}. {name}" for n, name in enumerate(names, 1)]
    lines += ["", "ABOUT STJ", "", draw(SENTENCE)]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield copy_project(tmp_path_factory.mktemp("fuzz-project"))


ANCHORS = [("http://purl.org/dc/terms/title", "titleStart", "titleEnd"),
           ("http://purl.org/dc/terms/alternative", "subtitleStart", "subtitleEnd"),
           ("https://w3id.org/nida/ontology#text", "textStart", "textEnd"),
           ("https://w3id.org/nida/ontology#nameAsPrinted", "nameStart", "nameEnd")]


def anchors_hold(statement: Path, source: str) -> int:
    store = ox.Store()
    store.bulk_extend(ox.parse(path=str(statement), format=ox.RdfFormat.TURTLE))
    checked = 0
    for literal_p, start_p, end_p in ANCHORS:
        start_iri, end_iri = (ox.NamedNode("https://w3id.org/nida/ontology#" + p) for p in (start_p, end_p))
        for quad in store.quads_for_pattern(None, ox.NamedNode(literal_p), None):
            starts = list(store.quads_for_pattern(quad.subject, start_iri, None))
            ends = list(store.quads_for_pattern(quad.subject, end_iri, None))
            assert len(starts) == len(ends) == 1, quad
            start, end = int(starts[0].object.value), int(ends[0].object.value)
            assert source[start:end] == quad.object.value, (quad.subject, start, end)
            checked += 1
    return checked


def ingest_fresh(root: Path, text: str, slug: str) -> Path:
    source = root / "incoming.txt"
    source.write_text(text, encoding="utf-8")
    folder = root / "data/statements" / slug
    for other in (root / "data/statements").glob("fuzz-*"):  # one generated statement at a time
        shutil.rmtree(other)
    for registry in ("organizations.ttl", "actors.ttl"):  # each example starts from the bundled registries
        shutil.copy2(Path(__file__).resolve().parents[2] / "data" / registry, root / "data" / registry)
    ingest(Settings(root=root), source, slug=slug, publisher="STJ", force=True)
    return folder


@budget(50)
@given(st.one_of(ARBITRARY, statements().map(lambda t: t.replace("Signed by:", "", 1))))
def test_ingest_of_any_text_is_a_draft_or_one_clear_error(fuzz_root: Path, text: str) -> None:
    try:
        folder = ingest_fresh(fuzz_root, text, "fuzz-any")
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("incoming.txt")
        return
    assert anchors_hold(folder / "statement.ttl", text) >= 1


@budget(50)
@given(statements())
def test_text_anchors_of_generated_statements(fuzz_root: Path, text: str) -> None:
    folder = ingest_fresh(fuzz_root, text, "fuzz-anchors")
    source = (folder / "source.txt").read_bytes().decode("utf-8")
    assert source == text
    assert anchors_hold(folder / "statement.ttl", source) >= 3


@budget(3)
@given(statements())
def test_generated_drafts_validate(fuzz_root: Path, text: str) -> None:
    ingest_fresh(fuzz_root, text, "fuzz-validate")
    report = validate(load_dataset(Settings(root=fuzz_root)))
    problems = [(r.severity, r.message) for r in report.results if "Violation" in str(r.severity)]
    assert report.conforms(False), problems


# --- round trip --------------------------------------------------------------------------

LABEL = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=40)
LANG = st.sampled_from([None, "en", "ar", "ku", "de-CH", "fr"])


def turtle_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


@budget(5)
@given(st.lists(st.tuples(LABEL, LANG), min_size=1, max_size=6))
def test_generated_graph_survives_publish_and_parse(tmp_path_factory: pytest.TempPathFactory,
                                                    labels: list[tuple[str, str | None]]) -> None:
    root = copy_project(tmp_path_factory.mktemp("roundtrip"))
    extra = "".join(
        f"<place/fuzz-{n}> a nida:Place ;\n    skos:prefLabel {turtle_string(label)}{'@' + lang if lang else ''} .\n\n"
        for n, (label, lang) in enumerate(labels))
    with (root / "data/places.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\n" + extra)
    settings_ = Settings(root=root)
    dataset = load_dataset(settings_)
    quads = release_quads(dataset)
    want = {ox.Triple(q.subject, q.predicate, q.object) for q in union_triples(quads)} \
        if not isinstance(next(iter(union_triples(quads)), None), ox.Triple) else set(union_triples(quads))
    out = root / "dist"
    write_release(dataset, settings_, out)  # the exporters and the swap of publish (validation aside)
    for name in FULL_DUMPS:
        parsed = parse(out / name, FORMATS[Path(name).suffix])
        got = {ox.Triple(q.subject, q.predicate, q.object) for q in parsed}
        assert got == want, (name, len(got ^ want))
