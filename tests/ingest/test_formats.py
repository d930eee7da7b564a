"""`nida ingest` of a statement received as a PDF, a DOCX or an HTML page (issue 18, part 3).

Each document is made here from the text of a fixture (reportlab, python-docx, HTML written
out), ingested, and compared with the plain-text ingest of the same fixture: the same
sections, demands, sentences, signatures and organizations. The original is kept byte for
byte, its provenance is exactly the triples below, the draft validates and publishes, and a
document nida cannot read gives one line, exit 2, and writes nothing.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from publisher.cli import cli
from tests.conftest import BASE, copy_project, run
from tests.ingest.test_ingest import FIXTURES, snapshot

PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
SPDX = "http://spdx.org/rdf/terms#"
NIDA = "https://w3id.org/nida/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def make_pdf(text: str) -> bytes:
    """One PDF line per text line (long lines wrapped, as a word processor would), a blank line
    as a line's height of space; Helvetica, so the fixture must be Latin-1."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setFont("Helvetica", 10)
    y = A4[1] - 50
    for line in text.split("\n"):
        for part in simpleSplit(line, "Helvetica", 10, A4[0] - 100) or [""]:
            if y < 50:
                pdf.showPage()
                pdf.setFont("Helvetica", 10)
                y = A4[1] - 50
            pdf.drawString(50, y, part)
            y -= 14
    pdf.save()
    return out.getvalue()


def make_docx(text: str) -> bytes:
    """One Word paragraph per line of text, no empty paragraphs (Word spaces paragraphs itself)."""
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        if line.strip():
            document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_word_numbered_docx(text: str) -> bytes:
    """Numbered lines as Word numbers them: paragraphs of the "List Number" style without the
    printed number, each list restarted at 1 by a w:num of its own with a w:startOverride."""
    import re

    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    document = docx.Document()
    numbering = document.part.numbering_part.element
    style_num = document.styles["List Number"].element.pPr.numPr.numId.val
    abstract = next(n for n in numbering.findall(qn("w:num")) if n.numId == style_num).abstractNumId.val
    num_id, in_list, last = 1000, False, None
    for line in text.split("\n"):
        item = re.match(r"^\s*\d+[.)-]\s*", line)
        worded = any(c.isalnum() for c in line)
        if item is None:
            if worded and last is not None:  # a wrapped item: one Word paragraph
                last.add_run(" " + line.strip())
            elif line.strip():
                document.add_paragraph(line)  # a heading, a paragraph, a lone "-"
            in_list = in_list and not (worded and last is None)
            last = None
            continue
        if not in_list:
            num_id += 1
            numbering.append(parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/>'
                '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))
        last = document.add_paragraph(line[item.end():], style="List Number")
        last._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = num_id
        in_list = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_html(text: str) -> bytes:
    """A saved web page: a menu, a script and a footer around <main>, one <p> per paragraph of
    the text, its lines separated by <br>."""
    paragraphs = "\n".join("<p>" + "<br>\n".join(html.escape(line) for line in block.split("\n")) + "</p>"
                           for block in text.strip("\n").split("\n\n"))
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>Statement</title>"
            "<script>var tracking = 'Signatories: 1. Nobody';</script></head>\n<body>"
            "<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>\n"
            f"<main>\n{paragraphs}\n</main>\n<footer>&copy; 2025 the site</footer></body></html>\n").encode()


#: (suffix, media type, tool, maker)
FORMATS: dict[str, tuple[str, str, str, Callable[[str], bytes]]] = {
    "pdf": (".pdf", "application/pdf", "pdfminer.six", make_pdf),
    "docx": (".docx", DOCX, "python-docx", make_docx),
    "html": (".html", "text/html", "beautifulsoup4", make_html),
    "word-numbered": (".docx", DOCX, "python-docx", make_word_numbered_docx),
}
CASES = [("afrin-returns", "pdf"), ("afrin-returns", "docx"), ("afrin-returns", "html"),
         ("kobani-water-crisis", "docx"), ("kobani-water-crisis", "html"),
         ("kobani-water-crisis", "word-numbered"), ("detainees-disappeared", "word-numbered")]  # Arabic: not in Helvetica

STRUCTURE = """
PREFIX nida: <https://w3id.org/nida/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?kind ?ordinal ?value WHERE {
  { ?s nida:hasSection ?n . ?n nida:ordinal ?ordinal ; nida:addressee ?value . BIND("section" AS ?kind) }
  UNION { ?s nida:hasSection/nida:hasDemand ?n . ?n nida:ordinal ?ordinal ; nida:section/nida:ordinal ?value .
          BIND("demand" AS ?kind) }
  UNION { ?s nida:hasPosition ?n . ?n nida:ordinal ?ordinal . BIND("position" AS ?value) BIND("position" AS ?kind) }
  UNION { ?s nida:hasSignature ?n . ?n nida:ordinal ?ordinal ; nida:signatory ?value . BIND("signature" AS ?kind) }
  UNION { ?s dct:publisher ?value . BIND("publisher" AS ?kind) BIND(0 AS ?ordinal) }
  UNION { ?s dct:title ?value . BIND("title" AS ?kind) BIND(0 AS ?ordinal) }
}"""


def structure(path: Path) -> list[tuple[str, ...]]:
    st = ox.Store()
    st.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return sorted(tuple(term.value for term in row) for row in st.query(STRUCTURE))  # type: ignore[union-attr]


def triples(path: Path, subject_prefix: str) -> set[tuple[str, str, str]]:
    """Every triple of the file whose subject starts with `subject_prefix`, as (s, p, o) strings,
    literals with their datatype."""
    found = set()
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        if quad.subject.value.startswith(subject_prefix):
            obj = quad.object
            value = f"{obj.value}^^{obj.datatype.value}" if isinstance(obj, ox.Literal) else obj.value
            found.add((quad.subject.value, quad.predicate.value, value))
    return found


@pytest.mark.parametrize("fixture, kind", CASES, ids=[f"{f}-{k}" for f, k in CASES])
def test_a_document_ingests_like_its_text(project: Path, fixture: str, kind: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    suffix, media_type, tool, make = FORMATS[kind]
    text = (FIXTURES / f"{fixture}.txt").read_text(encoding="utf-8")
    document = make(text)
    (project / f"received{suffix}").write_bytes(document)
    result = run("ingest", f"received{suffix}", "--slug", "doc")
    assert result.exit_code == 0, result.output
    other = copy_project(project / "plain-project")  # the text alone, into the same registries
    monkeypatch.chdir(other)
    plain = run("ingest", str(FIXTURES / f"{fixture}.txt"), "--slug", "doc")
    assert plain.exit_code == 0, plain.output
    monkeypatch.chdir(project)
    # the same summary; lines are numbered in each source.txt (an extracted text has no leading blank line)
    summary = [re.sub(r"line \d+", "line N", line) for line in result.output.splitlines() if line.startswith("  ")]
    assert summary == [re.sub(r"line \d+", "line N", line) for line in plain.output.splitlines()
                       if line.startswith("  ")]
    folder = project / "data/statements/doc"
    assert sorted(p.name for p in folder.iterdir()) == sorted(["source.txt", "statement.ttl", f"original{suffix}"])
    assert result.output.splitlines()[-1].startswith(
        f"written: data/statements/doc/source.txt, data/statements/doc/original{suffix}, "
        "data/statements/doc/statement.ttl, data/organizations.ttl")
    # the original, byte for byte; the extracted text is what the offsets point into
    kept = (folder / f"original{suffix}").read_bytes()
    assert kept == document
    digest = hashlib.sha256(document).hexdigest()
    source = (folder / "source.txt").read_text(encoding="utf-8")
    assert "\r" not in source and source.endswith("\n") and "\n\n\n" not in source
    assert "Signatories: 1. Nobody" not in source and "Home" not in source and "the site" not in source
    # the same statement: sections, demands, sentences, signatures, organizations, publisher
    assert structure(folder / "statement.ttl") == structure(other / "data/statements/doc/statement.ttl")
    for registry in ("organizations.ttl", "actors.ttl"):
        assert (project / "data" / registry).read_bytes() == (other / "data" / registry).read_bytes()
    # provenance, exactly
    src = f"{BASE}source/doc"
    expected = {
        (src, PROV + "wasDerivedFrom", f"{src}/original"),
        (src, PROV + "wasGeneratedBy", f"{src}/extraction"),
        (f"{src}/original", RDF_TYPE, NIDA + "OriginalFile"),
        (f"{src}/original", SCHEMA + "name", f"received{suffix}^^{XSD}string"),
        (f"{src}/original", SCHEMA + "encodingFormat", f"{media_type}^^{XSD}string"),
        (f"{src}/original", SPDX + "checksum", f"{src}/original/sha256"),
        (f"{src}/original/sha256", RDF_TYPE, SPDX + "Checksum"),
        (f"{src}/original/sha256", SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256"),
        (f"{src}/original/sha256", SPDX + "checksumValue", f"{digest}^^{XSD}hexBinary"),
        (f"{src}/extraction", RDF_TYPE, NIDA + "TextExtraction"),
        (f"{src}/extraction", PROV + "used", f"{src}/original"),
        (f"{src}/extraction", PROV + "wasAssociatedWith", f"{src}/extraction/tool"),
        (f"{src}/extraction/tool", RDF_TYPE, PROV + "SoftwareAgent"),
        (f"{src}/extraction/tool", SCHEMA + "name", f"{tool}^^{XSD}string"),
        (f"{src}/extraction/tool", SCHEMA + "softwareVersion", f"{version(tool)}^^{XSD}string"),
    }
    found = triples(folder / "statement.ttl", src)
    source_bytes = (folder / "source.txt").read_bytes()
    assert found - expected == {
        (src, RDF_TYPE, NIDA + "Source"),
        (src, NIDA + "sha256", f"{hashlib.sha256(source_bytes).hexdigest()}^^{XSD}string"),
        (src, NIDA + "byteLength", f"{len(source_bytes)}^^{XSD}integer"),
        (src, NIDA + "charLength", f"{len(source)}^^{XSD}integer"),
        (src, SCHEMA + "encodingFormat", f"text/plain; charset=utf-8^^{XSD}string"),
    }
    assert expected <= found
    # deterministic: the same document gives the same bytes
    again = run("ingest", f"received{suffix}", "--slug", "doc", "--force")
    assert again.exit_code == 0, again.output
    assert (folder / "source.txt").read_text(encoding="utf-8") == source


def test_documents_validate_and_publish(project: Path) -> None:
    text = (FIXTURES / "afrin-returns.txt").read_text(encoding="utf-8")
    for kind, (suffix, _, _, make) in FORMATS.items():
        (project / f"received{suffix}").write_bytes(make(text))
        result = run("ingest", f"received{suffix}", "--slug", f"afrin-{kind}", "--force")
        assert result.exit_code == 0, result.output
    validated = CliRunner().invoke(cli, ["validate", "--format", "json"])
    report = json.loads(validated.stdout)
    assert validated.exit_code == 0, validated.stdout
    assert report["counts"]["violation"] == 0
    assert {r["shape"].rsplit("#", 1)[1] for r in report["results"]} == {
        "Reviewable-draft", "Statement-issued", "DuplicateSignatory"}
    published = run("publish")
    assert published.exit_code == 0, published.output
    dist = project / "dist"
    nt = (dist / "nida.nt").read_text(encoding="utf-8")
    for kind in FORMATS:
        assert f"<{BASE}source/afrin-{kind}/extraction> <{PROV}used> <{BASE}source/afrin-{kind}/original> ." in nt
    # the originals stay in data/: the release carries their checksums, not the documents
    released = [p.name for p in dist.rglob("original*")]
    assert released == []
    sums = (dist / "SHA256SUMS").read_text(encoding="utf-8")
    assert "original" not in sums
    verified = run("verify", "dist")
    assert verified.exit_code == 0, verified.output


# ----------------------------------------------------------------------------- unreadable documents


def encrypted_pdf(text: str) -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=1, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    pdf.drawString(50, 700, text)
    pdf.save()
    return out.getvalue()


def image_only_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=1)
    pdf.rect(50, 50, 300, 300, fill=1)  # a scan: marks, no text
    pdf.save()
    return out.getvalue()


UNREADABLE: list[tuple[str, str, Callable[[], bytes], str]] = [
    ("encrypted", "s.pdf", lambda: encrypted_pdf("Syria: a title"),
     "nida: error: s.pdf: the PDF is encrypted with a password: open it, save or print an unprotected copy as"
     " PDF, and ingest that"),
    ("no text layer", "s.pdf", image_only_pdf,
     "nida: error: s.pdf: the PDF has no text layer (a scan or an image): run OCR on it (e.g. ocrmypdf in.pdf"
     " out.pdf) and ingest the result, or save the statement's text as UTF-8 .txt"),
    ("truncated", "s.pdf", lambda: make_pdf("Syria: a title\n\nSignatories:\n1. Org\n")[:300],
     "nida: error: s.pdf: cannot be read as a PDF: it is damaged or not a PDF; download it"
     " again, or save its text as UTF-8 .txt"),
    ("not a pdf", "s.pdf", lambda: b"Syria: a title\n",
     "nida: error: s.pdf: is named .pdf but does not start like a PDF (%PDF-): it is damaged or not a PDF;"
     " download it again"),
    ("truncated docx", "s.docx", lambda: make_docx("Syria: a title\n")[:200],
     "nida: error: s.docx: cannot be read as a Word document: it is damaged; save it again from Word or"
     " LibreOffice"),
    ("zip, not docx", "s.docx", lambda: _zip({"content.xml": b"<x/>"}),
     "nida: error: s.docx: is a ZIP file but not a Word document (.docx); save the statement as .docx, PDF,"
     " HTML or UTF-8 .txt"),
    ("old .doc", "s.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
     "nida: error: s.doc: is a Word 97-2003 document (.doc): open it in Word or LibreOffice, save it as .docx,"
     " and ingest that"),
    ("empty page", "s.html", lambda: b"<html><body><nav>Home</nav><script>x()</script></body></html>",
     "nida: error: s.html: the HTML page has no text outside its menus and scripts: save the statement's"
     " text as UTF-8 .txt"),
]


def _zip(files: dict[str, bytes]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("name, file, make, message", UNREADABLE, ids=[u[0] for u in UNREADABLE])
def test_an_unreadable_document_is_one_line(project: Path, name: str, file: str, make: Callable[[], bytes],
                                            message: str) -> None:
    (project / file).write_bytes(make())
    before = snapshot(project)
    result = run("ingest", file, "--slug", "bad")
    assert result.exit_code == 2
    assert result.output == message + "\n"
    assert snapshot(project) == before


def test_the_shapes_check_the_provenance(project: Path) -> None:
    (project / "s.pdf").write_bytes(make_pdf((FIXTURES / "afrin-returns.txt").read_text(encoding="utf-8")))
    assert run("ingest", "s.pdf", "--slug", "afrin").exit_code == 0
    ttl = project / "data/statements/afrin/statement.ttl"
    text = ttl.read_text(encoding="utf-8")
    digest = hashlib.sha256((project / "s.pdf").read_bytes()).hexdigest()
    broken = (text.replace('"application/pdf"', '"image/png"')
              .replace(f'"{digest}"^^xsd:hexBinary', f'"{digest[:62]}"^^xsd:hexBinary')  # 31 bytes
              .replace('schema:softwareVersion "', 'schema:alternateName "'))
    assert broken.count("image/png") == 1 and digest not in broken
    ttl.write_text(broken, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--format", "json"])
    assert result.exit_code == 1
    violations = sorted((r["shape"].rsplit("#", 1)[1], r["focus"][len(BASE):])
                        for r in json.loads(result.stdout)["results"] if r["severity"] == "violation")
    assert violations == [("Checksum-value", "source/afrin/original/sha256"),
                          ("OriginalFile-encodingFormat", "source/afrin/original"),
                          ("SoftwareAgent-version", "source/afrin/extraction/tool")]
