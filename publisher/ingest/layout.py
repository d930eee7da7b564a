"""Parse the layout of a joint statement's plain text into spans with exact offsets.

The family of texts this reads (see the seed statement):

    Title
    - Subtitle In Title Case          (optional, a variant)
    Title                             (optional repetition)
    Subtitle in sentence case         (optional; no closing full stop)
    Body paragraphs ...
    First: To <addressees> - <qualifier>:   (a hyphen, en dash or em dash)
    1. demand
    2. demand
    Second: To <addressees>:
    1) demand
    Finally, we call on ... (closing appeal)
    Signatory organizations:          (or Signatories: / Signed by: ...)
     1. Name
     -
    ABOUT <ORG>
    profile paragraphs

Offsets are code point offsets into the decoded text, start inclusive, end exclusive,
so ``text[span.start:span.end] == span.text`` always (docs/MODEL.md, "Text anchors").
Errors are InputError with the 1-based line of the problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pysbd

from publisher.errors import InputError


@dataclass(frozen=True)
class Span:
    """A verbatim piece of the source: ``source[start:end] == text``."""

    text: str
    start: int
    end: int
    line: int


@dataclass
class Demand:
    ordinal: int
    span: Span


@dataclass
class Section:
    ordinal: int
    span: Span  # the heading line as printed
    addressee_phrase: str  # "the United Nations Security Council"
    qualifier: str | None  # "immediately"
    demands: list[Demand] = field(default_factory=list)


@dataclass
class Position:
    ordinal: int
    span: Span
    appeal: bool = False  # the closing appeal ("Finally, we call on ...")


@dataclass
class Signature:
    ordinal: int
    span: Span  # the name as printed, without number and surrounding spaces


@dataclass
class About:
    heading: Span  # "ABOUT STJ"
    name: str  # "STJ"
    text: Span | None  # the paragraphs after the heading


@dataclass
class Layout:
    title: Span
    subtitle: Span | None
    sections: list[Section]
    positions: list[Position]
    signatures: list[Signature]
    about: About | None
    #: lines that were not modeled, (line number, text), for the summary
    skipped: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Line:
    number: int  # 1-based
    start: int  # offset of the first character of the line
    text: str  # without the line break and trailing whitespace (the patterns below end at `$`, so
    # none of them re-scans a run of spaces from every position: they are linear in the line)

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    def stripped(self) -> Span:
        """The line without surrounding whitespace, as a span."""
        content = self.text.strip()
        lead = len(self.text) - len(self.text.lstrip())
        return Span(content, self.start + lead, self.start + lead + len(content), self.number)

    def group(self, match: re.Match[str], group: int | str) -> Span:
        return Span(match.group(group), self.start + match.start(group), self.start + match.end(group),
                    self.number)


ORDINAL_WORDS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                 "tenth", "eleventh", "twelfth"]
SECTION = re.compile(
    r"^\s*(?:(?P<word>" + "|".join(ORDINAL_WORDS) + r")\s*[:.\-\u2013\u2014]\s*)?"
    r"(?P<to>To\s+(?P<rest>.+))$",
    re.IGNORECASE,
)
NUMBERED = re.compile(r"^\s*(?P<number>\d+)\s*(?P<mark>[.)\-\u2013])\s*(?P<text>\S.*)$")
SIGNATORIES = re.compile(
    r"^\s*(?:signatory\s+organi[sz]ations|signatories|signed\s+by|signing\s+organi[sz]ations|"
    r"the\s+undersigned\s+organi[sz]ations|undersigned\s+organi[sz]ations|list\s+of\s+signatories)"
    r"\s*:?$",
    re.IGNORECASE,
)
ABOUT = re.compile(r"^\s*(?P<heading>ABOUT\s+(?P<name>\S(?:.*[^\s:])?))(?:\s*:)?$")
STRAY = re.compile(r"^\s*[-\u2013\u2014_*\u2022]+\s*$")
BULLET = re.compile(r"^\s*[-\u2022*]\s+(?P<text>\S.*)$")
APPEAL = re.compile(r"^\s*Finally\b", re.IGNORECASE)
QUALIFIER = re.compile(r"(?<!\s)\s+[\u2013\u2014-]\s+")  # tried once per run of spaces: linear
#: "ABOUT US" and the like name no organization: the block is then not modeled
NOT_AN_ORGANIZATION = {"us", "the signatories", "the signatory organizations", "this statement"}
TERMINAL = (".", ":", "!", "?", ";", "…")

_SEGMENTER: pysbd.Segmenter | None = None


def _segmenter() -> pysbd.Segmenter:
    global _SEGMENTER
    if _SEGMENTER is None:
        _SEGMENTER = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return _SEGMENTER


def split_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    offset = 0
    for number, raw in enumerate(text.splitlines(keepends=True), start=1):
        content = raw.rstrip("\r\n").rstrip()
        if number == 1 and content.startswith("\ufeff"):  # a byte order mark is not text
            lines.append(Line(number, offset + 1, content[1:]))
        else:
            lines.append(Line(number, offset, content))
        offset += len(raw)
    return lines


#: pysbd rescans the whole paragraph once per abbreviation-like word (quadratic): a longer
#: paragraph is segmented in chunks of about this many characters, cut after a sentence end
CHUNK = 4000
CHUNK_CUT = re.compile(r"[.!?]\s+(?=[A-Z])|\s+")


def chunks(text: str) -> list[tuple[int, str]]:
    """(offset, piece) pieces of `text`, each at most about CHUNK long; one piece when short,
    so an ordinary paragraph is segmented exactly as a whole."""
    pieces: list[tuple[int, str]] = []
    offset = 0
    while len(text) - offset > CHUNK:
        window = text[offset + CHUNK // 2:offset + CHUNK]
        ends = [m.end() for m in CHUNK_CUT.finditer(window) if not m.group().isspace()]
        spaces = [m.end() for m in CHUNK_CUT.finditer(window)]
        cut = (ends or spaces or [len(window)])[-1] + offset + CHUNK // 2
        pieces.append((offset, text[offset:cut]))
        offset = cut
    pieces.append((offset, text[offset:]))
    return pieces


def sentences(text: str, start: int, line: int) -> list[Span]:
    """Sentences of one paragraph (text = source[start:start+len(text)]), without trailing spaces."""
    spans = []
    for offset, chunk in chunks(text):
        for piece in _segmenter().segment(chunk):
            sentence = piece.sent.rstrip()
            lead = len(sentence) - len(sentence.lstrip())
            sentence = sentence.strip()
            if not sentence:
                continue
            at = offset + piece.start
            begin = start + at + lead
            spans.append(Span(sentence, begin, begin + len(sentence), line + text.count("\n", 0, at)))
    return spans


def is_section(line: Line) -> re.Match[str] | None:
    match = SECTION.match(line.text)
    if match and match.group("rest").rstrip().endswith(":"):
        return match
    return None


def structural(line: Line) -> bool:
    return bool(is_section(line) or NUMBERED.match(line.text) or SIGNATORIES.match(line.text)
                or ABOUT.match(line.text))


def parse_layout(text: str, where: str) -> Layout:
    """Parse a statement text; `where` names the file in error messages."""
    lines = split_lines(text)
    if not text.lstrip("\ufeff").strip():  # a byte order mark alone is empty too (found by fuzzing)
        raise InputError("the file is empty; give the statement's plain text", where, 1)
    source = text

    def fail(message: str, line: int) -> InputError:
        return InputError(message, where, line)

    i = 0
    n = len(lines)

    def skip_blank(i: int) -> int:
        while i < n and lines[i].blank:
            i += 1
        return i

    # ------------------------------------------------------------------ header
    i = skip_blank(i)
    if i >= n:
        raise fail("the file is empty; give the statement's plain text", 1)
    title = lines[i].stripped()
    if structural(lines[i]):
        raise fail("the text starts with a heading or list, not with the statement's title", title.line)
    i += 1
    subtitle: Span | None = None
    dash_subtitle: Span | None = None
    while True:
        i = skip_blank(i)
        if i >= n or structural(lines[i]):
            break
        span = lines[i].stripped()
        if span.text == title.text:
            i += 1
            continue
        if span.text.startswith("- ") and dash_subtitle is None and subtitle is None:
            inner = span.text[2:].lstrip()
            offset = span.start + len(span.text) - len(inner)
            dash_subtitle = Span(inner, offset, offset + len(inner), span.line)
            i += 1
            continue
        if subtitle is None and not span.text.endswith(TERMINAL) and i + 1 < n and lines[i + 1].blank:
            subtitle = span
            i += 1
            continue
        break
    subtitle = subtitle or dash_subtitle

    # ------------------------------------------------------------------ body, sections, demands
    sections: list[Section] = []
    positions: list[Position] = []
    skipped: list[tuple[int, str]] = []
    current: Section | None = None
    last_demand: Demand | None = None
    list_closed = False  # a paragraph came after the current section's demands
    signatories_at: int | None = None

    def add_paragraph(first: int, last: int, appeal: bool) -> None:
        begin = lines[first].stripped().start
        end = lines[last].stripped().end
        for k, sentence in enumerate(sentences(source[begin:end], begin, lines[first].number)):
            positions.append(Position(len(positions) + 1, sentence, appeal=appeal and k == 0))

    while i < n:
        line = lines[i]
        if line.blank or STRAY.match(line.text):
            last_demand = None
            i += 1
            continue
        if SIGNATORIES.match(line.text):
            signatories_at = i
            break
        if ABOUT.match(line.text):
            break
        section = is_section(line)
        if section:
            word = section.group("word")
            ordinal = len(sections) + 1
            if word and ORDINAL_WORDS.index(word.lower()) + 1 != ordinal:
                expected = ORDINAL_WORDS[ordinal - 1].capitalize() if ordinal <= len(ORDINAL_WORDS) else ""
                raise fail(f"section heading {word!r} where {expected!r} was expected: "
                           "sections are numbered First, Second, Third... in order", line.number)
            if current is not None and not current.demands:
                raise fail("section without numbered demands: number the demands under its heading "
                           "(1. ..., 2. ...)", current.span.line)
            rest = section.group("rest").rstrip()[:-1].rstrip()  # without the closing ':'
            parts = QUALIFIER.split(rest, maxsplit=1)
            phrase = parts[0].strip()
            current = Section(ordinal, line.stripped(), phrase, parts[1].strip() if len(parts) > 1 else None)
            sections.append(current)
            list_closed = False
            last_demand = None
            i += 1
            continue
        numbered = NUMBERED.match(line.text)
        if numbered:
            if current is None or list_closed:
                if not any(SIGNATORIES.match(ln.text) for ln in lines[i:]):
                    raise fail("no signatories block: this numbered list has no heading; add "
                               "'Signatory organizations:' above the signatories (or a heading such as "
                               "'First: To <addressee>:' above demands)", line.number)
                raise fail("numbered demand outside an addressed section: add a heading such as "
                           "'First: To <addressee>:' above the list", line.number)
            number = int(numbered.group("number"))
            expected_number = len(current.demands) + 1
            if number != expected_number:
                raise fail(_numbering_problem("demand", number, expected_number), line.number)
            last_demand = Demand(number, line.group(numbered, "text"))
            current.demands.append(last_demand)
            i += 1
            continue
        if last_demand is not None and not APPEAL.match(line.text):  # a demand wrapped over lines
            end = line.stripped().end
            span = last_demand.span
            last_demand.span = Span(source[span.start:end], span.start, end, span.line)
            i += 1
            continue
        # a paragraph: consecutive non-blank, non-structural lines
        first = i
        while i + 1 < n and not lines[i + 1].blank and not structural(lines[i + 1]) \
                and not STRAY.match(lines[i + 1].text):
            i += 1
        if current is not None and not current.demands:
            raise fail("section without numbered demands: number the demands under its heading "
                       "(1. ..., 2. ...)", current.span.line)
        add_paragraph(first, i, bool(APPEAL.match(lines[first].text)))
        list_closed = current is not None
        i += 1

    if current is not None and not current.demands:
        raise fail("section without numbered demands: number the demands under its heading (1. ..., 2. ...)",
                   current.span.line)
    if signatories_at is None:
        at = next((ln.number for ln in lines if ABOUT.match(ln.text)), lines[-1].number)
        raise fail("no signatories block: add a line 'Signatory organizations:' (or 'Signatories:', "
                   "'Signed by:') followed by the numbered list of signatories", at)

    # ------------------------------------------------------------------ signatories
    signatures: list[Signature] = []
    numbered_list: bool | None = None
    i = signatories_at + 1
    while i < n:
        line = lines[i]
        if line.blank or STRAY.match(line.text):
            i += 1
            continue
        if ABOUT.match(line.text):
            break
        numbered = NUMBERED.match(line.text)
        bullet = BULLET.match(line.text)
        if numbered and numbered_list is not False:
            numbered_list = True
            number = int(numbered.group("number"))
            expected_number = len(signatures) + 1
            if number != expected_number:
                raise fail(_numbering_problem("signatory", number, expected_number), line.number)
            signatures.append(Signature(number, line.group(numbered, "text")))
        elif numbered_list is True:
            raise fail("a line without a number in the numbered list of signatories: number it, join it to"
                       " the line above if it continues that name, or end the list with 'ABOUT <ORG>'",
                       line.number)
        else:
            numbered_list = False
            span = line.group(bullet, "text") if bullet else line.stripped()
            signatures.append(Signature(len(signatures) + 1, span))
        i += 1
    if not signatures:
        raise fail("the signatories block lists no signatories: add one numbered line per organization",
                   lines[signatories_at].number)

    # ------------------------------------------------------------------ ABOUT block
    about: About | None = None
    if i < n:
        match = ABOUT.match(lines[i].text)
        assert match is not None
        heading = lines[i].group(match, "heading")
        body = [ln for ln in lines[i + 1:] if not ln.blank]
        profile = None
        if body:
            begin, end = body[0].stripped().start, body[-1].stripped().end
            profile = Span(source[begin:end], begin, end, body[0].number)
        if match.group("name").strip().lower() not in NOT_AN_ORGANIZATION:
            about = About(heading, match.group("name"), profile)
        else:
            skipped.append((lines[i].number, heading.text))

    return Layout(title, subtitle, sections, positions, signatures, about, skipped)


def _numbering_problem(kind: str, number: int, expected: int) -> str:
    if number < expected:
        return (f"{kind} number {number} repeats or goes back (expected {expected}): "
                "number the list 1, 2, 3... as printed, each number once")
    missing = ", ".join(str(k) for k in range(expected, number)) if number - expected <= 5 \
        else f"{expected} to {number - 1}"
    return (f"{kind} number {number} skips {missing}: number the list 1, 2, 3... without gaps")
