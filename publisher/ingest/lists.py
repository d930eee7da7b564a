"""List markers of demands and signatories: numbers, letters and bullets.

Numbers may be ASCII or Arabic-Indic digits (١ ٢ ٣, ۱ ۲ ۳), of any length, as `1.`, `1)`,
`(1)`, `1-` or `1–`; letters as `a.`, `a)` or `(a)`; bullets as `-`, `•`, `*` or `–`. A list
is read with one kind of marker; numbers and letters must count up without gaps, so a
missing or repeated item is caught rather than silently renumbered.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from publisher.ingest.spans import Line, Span

DIGITS = r"[0-9\u0660-\u0669\u06f0-\u06f9]+"
NUMBERED = re.compile(
    r"^\s*(?:\((?P<pn>" + DIGITS + r")\)|(?P<number>" + DIGITS + r")\s*[.)\-\u2013])\s*(?P<text>\S.*)$")
LETTERED = re.compile(r"^\s*(?:\((?P<pl>[a-z])\)|(?P<letter>[a-z])[.)])\s+(?P<text>\S.*)$")
BULLETED = re.compile(r"^\s*[-\u2022*\u2013\u25aa\u25cf]\s+(?P<text>\S.*)$")


@dataclass(frozen=True)
class Item:
    """One list line: its marker kind ('number', 'letter', 'bullet'), the count it prints
    (None for a bullet) and the text after the marker."""

    kind: str
    value: int | None
    text: Span


def number_value(digits: str) -> int:
    """'12', '١٢' and '۱۲' are all 12 (int() reads any decimal digit; this says so)."""
    return int("".join(str(unicodedata.decimal(d)) for d in digits))


def numbered(line: Line) -> Item | None:
    match = NUMBERED.match(line.text)
    if match is None:
        return None
    digits = match.group("pn") or match.group("number")
    return Item("number", number_value(digits), line.group(match, "text"))


def item(line: Line) -> Item | None:
    """The line as a list item of any kind, else None."""
    if found := numbered(line):
        return found
    if match := LETTERED.match(line.text):
        letter = match.group("pl") or match.group("letter")
        return Item("letter", ord(letter) - ord("a") + 1, line.group(match, "text"))
    if match := BULLETED.match(line.text):
        return Item("bullet", None, line.group(match, "text"))
    return None


def marker_example(kind: str) -> str:
    return {"number": "1., 2., 3.", "letter": "a., b., c."}.get(kind, "- , - , -")


def numbering_problem(kind: str, number: int, expected: int, marker: str = "number") -> str:
    """Why a list's count is wrong, in the list's own terms (numbers or letters)."""
    def show(n: int) -> str:
        return chr(ord("a") + n - 1) if marker == "letter" and 1 <= n <= 26 else str(n)

    word = "letter" if marker == "letter" else "number"
    order = "a, b, c..." if marker == "letter" else "1, 2, 3..."
    if number < expected:
        return (f"{kind} {word} {show(number)} repeats or goes back (expected {show(expected)}): "
                f"number the list {order} as printed, each {word} once")
    missing = ", ".join(show(k) for k in range(expected, number)) if number - expected <= 5 \
        else f"{show(expected)} to {show(number - 1)}"
    return f"{kind} {word} {show(number)} skips {missing}: number the list {order} without gaps"
