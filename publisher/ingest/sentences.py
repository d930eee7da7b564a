"""A paragraph split into sentences with pysbd, each a span of the source."""

from __future__ import annotations

import re

import pysbd

from publisher.ingest.spans import Span

_SEGMENTER: pysbd.Segmenter | None = None


def _segmenter() -> pysbd.Segmenter:
    global _SEGMENTER
    if _SEGMENTER is None:
        _SEGMENTER = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return _SEGMENTER


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
