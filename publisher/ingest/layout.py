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

The parts found are verbatim spans (publisher/ingest/spans.py). The parser is a few small
functions over a `Cursor` (the lines, the position in them, the file for errors), one per
part of the text: header, body (sections, demands, paragraphs), signatories, ABOUT block.
Errors are InputError with the 1-based line of the problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from publisher.errors import InputError
from publisher.ingest.lists import Item, item, marker_example, numbered, numbering_problem
from publisher.ingest.sentences import sentences
from publisher.ingest.spans import (
    About,
    Demand,
    Layout,
    Line,
    Position,
    Section,
    Signature,
    Span,
    split_lines,
)
from publisher.ingest.vocabulary import (
    ADDRESS_WORDS,
    APPEAL_WORDS,
    DEMAND_HEADINGS,
    LEAD_INS,
    ORDINALS,
    SIGNATORY_HEADINGS,
    alternatives,
    every,
    fold,
)

SEPARATOR = r"\s*[:.\-\u2013\u2014]\s*"
SECTION = re.compile(
    r"^\s*(?:(?P<word>" + alternatives(every(ORDINALS)) + r")" + SEPARATOR + r")?"
    r"(?P<to>(?:" + alternatives(every(ADDRESS_WORDS)) + r")\s+(?P<rest>.+))$",
    re.IGNORECASE,
)
SIGNATORIES = re.compile(r"^\s*(?:" + alternatives(every(SIGNATORY_HEADINGS)) + r")\s*:?$", re.IGNORECASE)
DEMAND_HEADING = re.compile(r"^\s*(?:" + alternatives(every(DEMAND_HEADINGS)) + r")\s*:?$", re.IGNORECASE)
LEAD_IN = re.compile(r"^(?:" + "|".join(LEAD_INS.values()) + r")\s*:$", re.IGNORECASE)
ABOUT = re.compile(r"^\s*(?P<heading>ABOUT\s+(?P<name>\S(?:.*[^\s:])?))(?:\s*:)?$")
STRAY = re.compile(r"^\s*[-\u2013\u2014_*\u2022]+\s*$")
APPEAL = re.compile(r"^\s*(?:" + alternatives(every(APPEAL_WORDS)) + r")(?!\w)", re.IGNORECASE)
QUALIFIER = re.compile(r"(?<!\s)\s+[\u2013\u2014-]\s+")  # tried once per run of spaces: linear
#: signatories printed on one line: "A, B; C" or "أ، ب"
NAME_RUN = re.compile(r"[^\s,;\u060c\u061b](?:[^,;\u060c\u061b]*[^\s,;\u060c\u061b])?")
#: "ABOUT US" and the like name no organization: the block is then not modeled
NOT_AN_ORGANIZATION = {"us", "the signatories", "the signatory organizations", "this statement"}
TERMINAL = (".", ":", "!", "?", ";", "…")


def is_section(line: Line) -> re.Match[str] | None:
    match = SECTION.match(line.text)
    if match and match.group("rest").rstrip().endswith(":"):
        return match
    return None


def ordinal_of(word: str) -> int:
    """1 for 'First', 'أولاً' or 'Yekem' (case and spacing folded)."""
    for words in ORDINALS.values():
        folded = [fold(w) for w in words]
        if fold(word) in folded:
            return folded.index(fold(word)) + 1
    raise ValueError(word)  # pragma: no cover - SECTION matches only words of the table


def structural(line: Line) -> bool:
    return bool(is_section(line) or numbered(line) or SIGNATORIES.match(line.text)
                or ABOUT.match(line.text) or DEMAND_HEADING.match(line.text))

NO_DEMANDS = ("section without demands: list the demands under its heading (1. ..., 2. ...; a. ...; or"
              " - ... bullets)")


class Cursor:
    """The lines of a text, the parse's position in them, and the file errors name."""

    def __init__(self, text: str, where: str) -> None:
        self.source = text
        self.lines = split_lines(text)
        self.where = where
        self.i = 0

    def done(self) -> bool:
        return self.i >= len(self.lines)

    @property
    def line(self) -> Line:
        return self.lines[self.i]

    def next_line(self) -> Line | None:
        return self.lines[self.i + 1] if self.i + 1 < len(self.lines) else None

    def skip_blank(self) -> None:
        while not self.done() and self.line.blank:
            self.i += 1

    def fail(self, message: str, line: int) -> InputError:
        return InputError(message, self.where, line)


@dataclass
class Body:
    """What the body holds, and where the parse is in it (the section being read, the demand
    a wrapped line continues, whether a paragraph closed the section's list)."""

    sections: list[Section] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    current: Section | None = None
    last_demand: Demand | None = None
    list_closed: bool = False
    signatories_at: int | None = None
    marker: str = "number"  # the kind of marker of the current section's list
    lead_ins: list[Span] = field(default_factory=list)


def parse_layout(text: str, where: str) -> Layout:
    """Parse a statement text; `where` names the file in error messages."""
    if not text.lstrip("\ufeff").strip():  # a byte order mark alone is empty too (found by fuzzing)
        raise InputError("the file is empty; give the statement's plain text", where, 1)
    cursor = Cursor(text, where)
    title, subtitle = _header(cursor)
    body, heading = _body(cursor)
    signatures = _signatures(cursor, heading)
    about = _about(cursor, body.skipped)
    return Layout(title, subtitle, body.sections, body.positions, signatures, about, body.skipped,
                  body.lead_ins)


def _header(cursor: Cursor) -> tuple[Span, Span | None]:
    """The title, and a subtitle: a line after it without a closing full stop and followed by a
    blank line, or a '- Subtitle' line (a repeated title is skipped)."""
    cursor.skip_blank()
    if cursor.done():
        raise cursor.fail("the file is empty; give the statement's plain text", 1)
    title = cursor.line.stripped()
    if structural(cursor.line):
        raise cursor.fail("the text starts with a heading or list, not with the statement's title",
                          title.line)
    cursor.i += 1
    subtitle: Span | None = None
    dash_subtitle: Span | None = None
    while True:
        cursor.skip_blank()
        if cursor.done() or structural(cursor.line):
            break
        span = cursor.line.stripped()
        following = cursor.next_line()
        if span.text == title.text:
            pass
        elif span.text.startswith("- ") and dash_subtitle is None and subtitle is None:
            inner = span.text[2:].lstrip()
            offset = span.start + len(span.text) - len(inner)
            dash_subtitle = Span(inner, offset, offset + len(inner), span.line)
        elif (subtitle is None and not span.text.endswith(TERMINAL)
              and following is not None and following.blank):
            subtitle = span
        else:
            break
        cursor.i += 1
    return title, subtitle or dash_subtitle


def _body(cursor: Cursor) -> tuple[Body, int]:
    """Paragraphs (as positions, sentence by sentence), addressed sections and their demands,
    up to the signatories' heading."""
    body = Body()
    while not cursor.done():
        line = cursor.line
        listed = item(line) if body.current is not None and not body.list_closed else numbered(line)
        if line.blank or (STRAY.match(line.text) and listed is None):
            body.last_demand = None
        elif SIGNATORIES.match(line.text):
            body.signatories_at = cursor.i
            break
        elif ABOUT.match(line.text):
            break
        elif section := is_section(line):
            _open_section(cursor, body, section)
        elif DEMAND_HEADING.match(line.text):
            _demand_heading(cursor, body)
        elif listed is not None:
            _add_demand(cursor, body, listed)
        elif body.last_demand is not None and not APPEAL.match(line.text):  # a demand wrapped over lines
            end = line.stripped().end
            span = body.last_demand.span
            body.last_demand.span = Span(cursor.source[span.start:end], span.start, end, span.line)
        else:
            _add_paragraph(cursor, body)
        cursor.i += 1
    if body.current is not None and not body.current.demands:
        raise cursor.fail(NO_DEMANDS, body.current.span.line)
    if body.signatories_at is None:
        at = next((ln.number for ln in cursor.lines if ABOUT.match(ln.text)), cursor.lines[-1].number)
        raise cursor.fail("no signatories block: add a line 'Signatory organizations:' (or 'Signatories:', "
                          "'Signed by:', 'المنظمات الموقعة:', 'Rêxistinên îmzeker:') followed by the list "
                          "of signatories", at)
    return body, body.signatories_at


def _open_section(cursor: Cursor, body: Body, section: re.Match[str]) -> None:
    """A heading 'First: To <addressees> - <qualifier>:' begins a section; the one before it
    must have demands, and ordinal words must count up from First."""
    line = cursor.line
    word = section.group("word")
    ordinal = len(body.sections) + 1
    if word and ordinal_of(word) != ordinal:
        names = next(ws for ws in ORDINALS.values() if fold(word) in [fold(w) for w in ws])
        expected = names[ordinal - 1].capitalize() if ordinal <= len(names) else ""
        raise cursor.fail(f"section heading {word!r} where {expected!r} was expected: sections are "
                          f"numbered {', '.join(n.capitalize() for n in names[:3])}... in order", line.number)
    if body.current is not None and not body.current.demands:
        raise cursor.fail(NO_DEMANDS, body.current.span.line)
    rest = section.group("rest").rstrip()[:-1].rstrip()  # without the closing ':'
    parts = QUALIFIER.split(rest, maxsplit=1)
    qualifier = parts[1].strip() if len(parts) > 1 else None
    body.current = Section(ordinal, line.stripped(), parts[0].strip(), qualifier)
    body.sections.append(body.current)
    body.list_closed = False
    body.last_demand = None


def _demand_heading(cursor: Cursor, body: Body) -> None:
    """'Demands:' / 'المطالب:' / 'Daxwaz:' announces the addressed sections; it names no
    addressee, which every section needs, so a list right under it is refused."""
    line = cursor.line
    following = next((ln for ln in cursor.lines[cursor.i + 1:] if not ln.blank), None)
    if following is not None and item(following) is not None:
        raise cursor.fail(f"the demands under {line.text.strip()!r} name no addressee: add a heading "
                          "such as 'First: To <addressee>:' (أولاً: إلى <الجهة>: / Yekem: Ji bo <...>:) "
                          "above the list", following.number)
    body.lead_ins.append(line.stripped())
    body.last_demand = None


def _add_demand(cursor: Cursor, body: Body, listed: Item) -> None:
    """A list line in a section is its next demand: numbers and letters count up without
    gaps, bullets are counted as printed; one kind of marker per list."""
    line = cursor.line
    current = body.current
    if current is None or body.list_closed:
        if not any(SIGNATORIES.match(ln.text) for ln in cursor.lines[cursor.i:]):
            raise cursor.fail("no signatories block: this numbered list has no heading; add "
                              "'Signatory organizations:' above the signatories (or a heading such as "
                              "'First: To <addressee>:' above demands)", line.number)
        raise cursor.fail("numbered demand outside an addressed section: add a heading such as "
                          "'First: To <addressee>:' above the list", line.number)
    expected_number = len(current.demands) + 1
    if current.demands and body.marker != listed.kind:
        raise cursor.fail(f"demand marked as a {listed.kind} in a list of {body.marker}s: mark every "
                          f"demand of a section the same way ({marker_example(body.marker)})", line.number)
    body.marker = listed.kind
    if listed.value is not None and listed.value != expected_number:
        problem = numbering_problem("demand", listed.value, expected_number, listed.kind)
        raise cursor.fail(problem, line.number)
    body.last_demand = Demand(expected_number, listed.text)
    current.demands.append(body.last_demand)


def _add_paragraph(cursor: Cursor, body: Body) -> None:
    """Consecutive non-blank, non-structural lines: one paragraph, a position per sentence
    (the first of a closing appeal marked so); it closes the section's list of demands. A last
    sentence that only leads in to the demands ("Therefore, we call for the following:") says
    nothing of its own: it is kept as a lead-in, not a position."""
    lines = cursor.lines
    first = cursor.i
    while (following := cursor.next_line()) is not None and not following.blank \
            and not structural(following) and not STRAY.match(following.text):
        cursor.i += 1
    if body.current is not None and not body.current.demands:
        raise cursor.fail(NO_DEMANDS, body.current.span.line)
    appeal = bool(APPEAL.match(lines[first].text))
    begin, end = lines[first].stripped().start, lines[cursor.i].stripped().end
    found = sentences(cursor.source[begin:end], begin, lines[first].number)
    if found and LEAD_IN.match(found[-1].text) and _announces_demands(cursor):
        body.lead_ins.append(found.pop())
    for k, sentence in enumerate(found):
        body.positions.append(Position(len(body.positions) + 1, sentence, appeal=appeal and k == 0))
    body.list_closed = body.current is not None


def _announces_demands(cursor: Cursor) -> bool:
    following = next((ln for ln in cursor.lines[cursor.i + 1:] if not ln.blank), None)
    return following is not None and bool(is_section(following) or DEMAND_HEADING.match(following.text)
                                          or item(following))


def _signatures(cursor: Cursor, heading: int) -> list[Signature]:
    """The signatories after their heading, up to an ABOUT block: numbered 1, 2, 3... without
    gaps, one per line unnumbered (bullets allowed), or several on a line separated by commas
    or semicolons (Arabic ones too)."""
    signatures: list[Signature] = []
    numbered_list: bool | None = None
    cursor.i = heading + 1
    while not cursor.done():
        line = cursor.line
        if ABOUT.match(line.text):
            break
        listed = item(line)
        if line.blank or (STRAY.match(line.text) and listed is None):
            pass
        elif listed is not None and listed.kind == "number" and numbered_list is not False:
            numbered_list = True
            assert listed.value is not None
            expected_number = len(signatures) + 1
            if listed.value != expected_number:
                raise cursor.fail(numbering_problem("signatory", listed.value, expected_number), line.number)
            signatures.append(Signature(listed.value, listed.text))
        elif numbered_list is True:
            raise cursor.fail("a line without a number in the numbered list of signatories: number it,"
                              " join it to the line above if it continues that name, or end the list"
                              " with 'ABOUT <ORG>'", line.number)
        else:
            numbered_list = False
            span = listed.text if listed is not None else line.stripped()
            for name in _names_on_line(span):
                signatures.append(Signature(len(signatures) + 1, name))
        cursor.i += 1
    if not signatures:
        raise cursor.fail("the signatories block lists no signatories: add one line per organization"
                          " (numbered or not), or their names separated by commas",
                          cursor.lines[heading].number)
    return signatures


def _names_on_line(span: Span) -> list[Span]:
    """The names on one unnumbered signatory line: split at commas and semicolons (a trailing
    one or a closing full stop is not part of a name)."""
    text = span.text.rstrip(".")
    return [Span(m.group(), span.start + m.start(), span.start + m.end(), span.line)
            for m in NAME_RUN.finditer(text)]


def _about(cursor: Cursor, skipped: list[tuple[int, str]]) -> About | None:
    """The 'ABOUT <ORG>' block the signatories end at, if any: its heading and profile text
    ('ABOUT US' and the like name no organization, and are noted as skipped)."""
    if cursor.done():
        return None
    line = cursor.line
    match = ABOUT.match(line.text)
    assert match is not None
    heading = line.group(match, "heading")
    rest = [ln for ln in cursor.lines[cursor.i + 1:] if not ln.blank]
    profile = None
    if rest:
        begin, end = rest[0].stripped().start, rest[-1].stripped().end
        profile = Span(cursor.source[begin:end], begin, end, rest[0].number)
    if match.group("name").strip().lower() in NOT_AN_ORGANIZATION:
        skipped.append((line.number, heading.text))
        return None
    return About(heading, match.group("name"), profile)
