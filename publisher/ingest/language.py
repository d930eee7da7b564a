"""The language of a statement, from its body: `dct:language` describes the text, not the title.

A body in Arabic script is Arabic ("ar"), or Sorani Kurdish ("ckb") when it uses the letters
only Sorani writes (ڕ ڵ ێ ۆ ە); a body in Latin script is Kurmanji Kurdish ("ku") when its
function words are Kurmanji ones, else English ("en"). A title in another language than the
body is reported, never silently tagged with the body's language: verbatim literals carry no
language tag (shapes/core.ttl), so the editor is told and decides.
"""

from __future__ import annotations

import re
import unicodedata

from publisher.ingest.spans import Layout

SORANI_LETTERS = set("\u0695\u06b5\u06ce\u06c6\u06d5")
WORD = re.compile(r"\w+")
KURMANJI_WORDS = frozenset({"û", "ji", "li", "di", "de", "ku", "ya", "yên", "bi", "ev", "em", "me", "jî",
                            "re", "ên", "ê", "bo", "an", "ne", "ye", "dikin", "divê"})
ENGLISH_WORDS = frozenset({"the", "of", "and", "to", "in", "we", "for", "that", "on", "all", "is", "are",
                           "with", "by", "call", "their"})
NAMES = {"en": "English", "ar": "Arabic", "ku": "Kurdish (Kurmanji)", "ckb": "Kurdish (Sorani)"}


def language_of(text: str) -> str:
    """'ar', 'ckb', 'ku' or 'en' for a piece of text, by script, then by function words."""
    arabic = latin = 0
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            arabic += name.startswith("ARABIC")
            latin += name.startswith("LATIN")
    if arabic > latin:
        return "ckb" if SORANI_LETTERS & set(text) else "ar"
    words = [w.casefold() for w in WORD.findall(text)]
    kurmanji = sum(w in KURMANJI_WORDS for w in words)
    english = sum(w in ENGLISH_WORDS for w in words)
    return "ku" if kurmanji > english else "en"


def body_language(layout: Layout) -> str:
    """The language of the body: its sentences, section headings and demands (the title when
    the body is empty of them)."""
    parts = [p.span.text for p in layout.positions]
    for section in layout.sections:
        parts += [section.span.text, *(d.span.text for d in section.demands)]
    return language_of("\n".join(parts) or layout.title.text)


def title_mismatch(layout: Layout, language: str) -> str | None:
    """A warning when the title is in another language than the body, else None."""
    title = language_of(layout.title.text)
    script = {"ar", "ckb"}
    if title == language or (title in ("en", "ku") and language in ("en", "ku")) \
            or (title in script and language in script):
        return None
    return (f"line {layout.title.line}: the title is in {NAMES[title]}, the body in {NAMES[language]}: "
            f"dct:language is {language!r} (the body's) and dct:title stays the title as printed, "
            "without a language tag; check both")
