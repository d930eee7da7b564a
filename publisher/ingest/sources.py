"""The text of a statement as received: plain text, an HTML page, a PDF or a DOCX.

The format is told by the file's first bytes (`%PDF-`, a ZIP holding `word/document.xml`),
else by its extension (`.html`, `.htm`, `.xhtml`); anything else is read as UTF-8 text, as
before. Each reader yields blocks (a paragraph, a heading, one list item) and `layout_text`
joins them the way the layout parser reads plain text: paragraphs separated by one blank
line, the items of a list (numbered or not) on consecutive lines, LF line endings, spaces
collapsed. The same bytes always give the same text, since the offsets of the draft point
into it. The libraries are imported only here, when such a file is ingested.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from publisher.errors import InputError
from publisher.ingest.provenance import Original
from publisher.load.files import check_source_file, display_path, read_bytes, read_text
from publisher.settings import MAX_ORIGINAL_BYTES, MAX_SOURCE_BYTES

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML = "text/html"
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
#: a list item as printed: "1.", "1)", "1-", "(1)", a bullet
LIST_ITEM = re.compile(r"^\s*(?:\(?\d+\s*[.)\-\u2013]|[\u2022\u25cf\u25aa\u2023\u2043\u2219\-*] )")
#: horizontal white space of any kind, NBSP included (HTML, PDF and Word all use it between words)
SPACES = re.compile(r"[^\S\n]+")
#: PDF fonts' ligatures, read back as the letters they stand for
LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                           "\u00ad": None})


@dataclass(frozen=True)
class Block:
    """A paragraph, a heading or one list item; `text` may hold line breaks (<br>, Word's)."""

    text: str
    item: bool = False


@dataclass(frozen=True)
class Received:
    """What `nida ingest` was given: the text to parse, and the document it came from, if any."""

    text: str
    original: Original | None = None


def read_statement(file: Path, root: Path) -> Received:
    """The text of `file`, extracted if it is a PDF, DOCX or HTML page."""
    shown = display_path(file, root)
    check_source_file(file, shown, limit=MAX_ORIGINAL_BYTES)
    media_type = sniff(file, read_head(file, root), shown)
    if media_type is None:
        check_source_file(file, shown)
        return Received(read_text(file, root))
    data = read_bytes(file, root)
    reader, tool = READERS[media_type]
    text = layout_text(reader(data, shown))
    if not text.strip():
        raise InputError(NO_TEXT[media_type], shown)
    if len(text.encode("utf-8")) > MAX_SOURCE_BYTES:
        raise InputError(f"its text is more than the {MAX_SOURCE_BYTES} bytes a source text may have"
                         " (it is published as one literal); check it is the statement alone", shown)
    return Received(text, Original(file.name, media_type, data, tool, version(tool)))


def read_head(file: Path, root: Path) -> bytes:
    try:
        with file.open("rb") as handle:
            return handle.read(8)
    except OSError:
        return read_bytes(file, root)[:8]  # says why, naming the file


def sniff(file: Path, head: bytes, shown: str) -> str | None:
    """The media type of a document nida extracts text from, or None for plain text."""
    suffix = file.suffix.lower()
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return DOCX  # a ZIP: read_docx says so if it is not a Word document
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("is a Word 97-2003 document (.doc): open it in Word or LibreOffice, save it as"
                         " .docx, and ingest that", shown)
    if suffix == ".pdf":
        raise InputError("is named .pdf but does not start like a PDF (%PDF-): it is damaged or not a PDF;"
                         " download it again", shown)
    if suffix == ".docx":
        raise InputError("is named .docx but is not a ZIP file: it is damaged or not a Word document;"
                         " save it again from Word or LibreOffice", shown)
    return HTML if suffix in HTML_SUFFIXES else None


def layout_text(blocks: Iterable[Block]) -> str:
    """Blocks as the layout parser reads plain text: one blank line between paragraphs, list items
    on consecutive lines, spaces collapsed, no trailing spaces, LF, one final newline."""
    out: list[str] = []
    previous_item = False
    for block in blocks:
        lines = [SPACES.sub(" ", line).strip() for line in block.text.translate(LIGATURES).split("\n")]
        text = "\n".join(line for line in lines if line)
        if not text:
            continue
        item = block.item or bool(LIST_ITEM.match(text))
        if out:
            out.append("\n" if item and previous_item else "\n\n")
        out.append(unicodedata.normalize("NFC", text))
        previous_item = item
    return "".join(out) + "\n" if out else ""


# ----------------------------------------------------------------------------- PDF


def read_pdf(data: bytes, shown: str) -> list[Block]:
    """pdfminer.six's text boxes, top to bottom on each page. A box's lines are one paragraph
    (wrapped lines joined with a space), but a line that starts a list item starts a new block,
    so a numbered list keeps one item per line."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    blocks: list[Block] = []
    try:
        for page in extract_pages(io.BytesIO(data), laparams=LAParams()):
            for element in page:
                if isinstance(element, LTTextContainer):
                    blocks += _unwrap(element.get_text())
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError("the PDF is encrypted with a password: open it, save or print an unprotected copy"
                         " as PDF, and ingest that", shown) from None
    except Exception:  # pdfminer raises many kinds on damaged files; each is the same to a user
        raise InputError("cannot be read as a PDF: it is damaged or not a PDF;"
                         " download it again, or save its text as UTF-8 .txt", shown) from None
    return blocks


def _unwrap(box: str) -> list[Block]:
    """A line continues the one before unless it starts a list item; a line without a letter or
    digit (a lone "-" rule) is a block of its own, and nothing continues it."""
    blocks: list[list[str]] = []
    for line in box.split("\n"):
        if not line.strip():
            continue
        if not blocks or LIST_ITEM.match(line) or not _worded(line) or not _worded(blocks[-1][-1]):
            blocks.append([line.strip()])
        else:
            blocks[-1].append(line.strip())
    return [Block(" ".join(lines), item=bool(LIST_ITEM.match(lines[0]))) for lines in blocks]


def _worded(line: str) -> bool:
    return any(c.isalnum() for c in line)


# ----------------------------------------------------------------------------- DOCX


def read_docx(data: bytes, shown: str) -> list[Block]:
    """python-docx's paragraphs and table cells in document order; Word's automatic list
    numbers (not in the paragraph's text) are written as "1. " ahead of the item."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            if "word/document.xml" not in package.namelist():
                raise InputError("is a ZIP file but not a Word document (.docx); save the statement as .docx,"
                                 " PDF, HTML or UTF-8 .txt", shown)
        document = docx.Document(io.BytesIO(data))
        numbers = _Numbering(document)
        blocks: list[Block] = []
        for part in document.iter_inner_content():
            paragraphs = ([p for row in part.rows for cell in row.cells for p in cell.paragraphs]
                          if isinstance(part, Table) else [part])
            for paragraph in paragraphs:
                prefix = numbers.prefix(paragraph)
                blocks.append(Block(prefix + paragraph.text, item=prefix != "" or numbers.listed(paragraph)))
        return blocks
    except InputError:
        raise
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError):
        raise InputError("cannot be read as a Word document: it is damaged;"
                         " save it again from Word or LibreOffice", shown) from None


class _Numbering:
    """Counts Word's numbered list items per list (w:num) and level, from the level's start value
    or the list's w:startOverride (how Word restarts a list at 1), as Word shows them."""

    def __init__(self, document: object) -> None:
        self.formats: dict[tuple[str, str], str] = {}
        self.starts: dict[tuple[str, str], int] = {}
        self.counts: dict[tuple[str, str], int] = {}
        part = getattr(document, "part", None)
        try:
            numbering = part.numbering_part.element if part is not None else None
        except (KeyError, NotImplementedError):
            numbering = None
        if numbering is None:
            return
        w = "{%s}" % numbering.nsmap["w"]  # noqa: UP031 - braces of Clark notation
        abstract = {a.get(w + "abstractNumId"): a for a in numbering.iter(w + "abstractNum")}
        for num in numbering.iter(w + "num"):
            ref = num.find(w + "abstractNumId")
            definition = abstract.get(ref.get(w + "val")) if ref is not None else None
            overrides = {o.get(w + "ilvl"): o.find(w + "startOverride") for o in num.iter(w + "lvlOverride")}
            for level in definition.iter(w + "lvl") if definition is not None else ():
                key = (num.get(w + "numId") or "", level.get(w + "ilvl") or "0")
                fmt, start = level.find(w + "numFmt"), overrides.get(key[1])
                start = start if start is not None else level.find(w + "start")
                self.formats[key] = (fmt.get(w + "val") if fmt is not None else "decimal") or "decimal"
                value = start.get(w + "val") if start is not None else "1"
                self.starts[key] = int(value) if value and value.isdigit() else 1

    @staticmethod
    def _key(paragraph: object) -> tuple[str, str] | None:
        """The paragraph's list and level: its own numbering, else its style's (Word's "List
        Number" style numbers every paragraph of that style), else the base styles'."""
        num = getattr(getattr(getattr(paragraph, "_p", None), "pPr", None), "numPr", None)
        style = getattr(paragraph, "style", None)
        for _ in range(16):  # styles may be based on styles; never loop on a cycle
            if num is not None or style is None:
                break
            num = getattr(getattr(style.element, "pPr", None), "numPr", None)
            style = style.base_style
        if num is None or num.numId is None or num.numId.val == 0:  # numId 0: numbering removed
            return None
        level = num.ilvl.val if num.ilvl is not None else 0
        return str(num.numId.val), str(level)

    def listed(self, paragraph: object) -> bool:
        return self._key(paragraph) is not None

    def prefix(self, paragraph: object) -> str:
        key = self._key(paragraph)
        if key is None or self.formats.get(key, "decimal") in ("bullet", "none"):
            return ""
        self.counts[key] = self.counts.get(key, 0) + 1
        return f"{self.starts.get(key, 1) + self.counts[key] - 1}. "


# ----------------------------------------------------------------------------- HTML

#: elements that are never the statement: scripts, styles, the site's menus and footers
HTML_SKIPPED = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
                "button", "svg", "iframe")
HTML_BLOCKS = frozenset({"p", "div", "section", "article", "main", "blockquote", "h1", "h2", "h3", "h4", "h5",
                         "h6", "li", "dt", "dd", "pre", "td", "th", "caption", "figcaption", "address",
                         "body", "table", "tr", "ul", "ol", "dl"})


def read_html(data: bytes, shown: str) -> list[Block]:
    """BeautifulSoup (Python's own html.parser) over the page's <main> or <article>, else its
    <body>: each block element is a paragraph, each <li> an item (numbered "1. " in an <ol>),
    <br> a line break; scripts, menus, headers and footers are left out."""
    from bs4 import BeautifulSoup
    from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

    soup = BeautifulSoup(data, "html.parser")
    for skipped in soup.find_all(HTML_SKIPPED):
        skipped.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks: list[Block] = []
    current: list[str] = []
    state = {"item": False}

    def flush() -> None:
        text = "".join(current)
        if text.strip():
            blocks.append(Block(text, item=state["item"]))
        current.clear()
        state["item"] = False

    def walk(node: Tag, emit: Callable[[str], None]) -> None:
        for child in node.children:
            if isinstance(child, (Comment, Declaration, Doctype, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                emit(" ".join(str(child).split("\n")) if child.parent is None or child.parent.name != "pre"
                     else str(child))
            elif isinstance(child, Tag):
                if child.name == "br":
                    emit("\n")
                elif child.name in HTML_BLOCKS:
                    flush()
                    if child.name == "li":
                        state["item"] = True
                        parent = child.parent
                        if isinstance(parent, Tag) and parent.name == "ol":
                            items = list(parent.find_all("li", recursive=False))
                            first = str(parent.get("start") or "1")
                            start = int(first) if first.isdigit() else 1
                            emit(f"{start + items.index(child)}. ")
                    walk(child, emit)
                    flush()
                else:
                    walk(child, emit)

    if isinstance(root, Tag):
        walk(root, current.append)
    flush()
    if not blocks and not soup.find():
        raise InputError("cannot be read as an HTML page: it has no elements; save the page again"
                         " (\"Web page, HTML only\") or its text as UTF-8 .txt", shown)
    return blocks


READERS: dict[str, tuple[Callable[[bytes, str], list[Block]], str]] = {
    PDF: (read_pdf, "pdfminer.six"),
    DOCX: (read_docx, "python-docx"),
    HTML: (read_html, "beautifulsoup4"),
}
NO_TEXT = {
    PDF: "the PDF has no text layer (a scan or an image): run OCR on it (e.g. ocrmypdf in.pdf out.pdf) and"
         " ingest the result, or save the statement's text as UTF-8 .txt",
    DOCX: "the Word document has no text: check it is the statement, or save its text as UTF-8 .txt",
    HTML: "the HTML page has no text outside its menus and scripts: save the statement's text as UTF-8 .txt",
}
