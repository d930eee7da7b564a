"""The parts of a statement's text as the layout parser finds them: verbatim spans with offsets.

Offsets are code point offsets into the decoded text, start inclusive, end exclusive, so
``text[span.start:span.end] == span.text`` always (docs/MODEL.md, "Text anchors").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


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
    #: sentences and headings that only announce the demands ("we call for the following:"):
    #: not positions; they stay in source.txt and are listed in the summary
    lead_ins: list[Span] = field(default_factory=list)


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
