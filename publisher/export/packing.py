"""The records of a per-unit piece: (sort key, text) pairs, packed so that a dump is written from
its pieces in long runs.

A piece is its keys (each followed by KEY_END but the last), RECORD_END, the texts' lengths in
decimal (separated by spaces), RECORD_END, then the texts one after the other; no records, no
bytes. The keys are read in one split and the texts found by their lengths, and the texts of
records that follow one another in a piece and in the dump are written as one chunk: at a million
triples the N-Triples dump's 52,000 records come from about 1,100 such runs.
"""

from __future__ import annotations

import itertools
import mmap
import operator
from collections.abc import Iterable
from typing import NamedTuple

from publisher.buildcache import Mapped

KEY_END, RECORD_END = b"\x00", b"\x01"  # no serialized RDF or JSON text holds either byte raw
Chunk = bytes | memoryview
#: a record: its key, and where its text lies (the index of its piece, start, end)
Span = tuple[bytes, int, int, int]


def pack(records: Iterable[tuple[str, str]]) -> bytes:
    """(sort key, text) records as bytes: a piece stays bytes from the cache to the dump,
    never decoded (JSON for a million triples cost seconds and hundreds of megabytes)."""
    return pack_bytes((key.encode("utf-8"), text.encode("utf-8")) for key, text in records)


def pack_bytes(records: Iterable[tuple[bytes, bytes]]) -> bytes:
    """`pack` of records already UTF-8 (the writers' output, never decoded and encoded again)."""
    found = list(records)
    if not found:
        return b""
    keys = KEY_END.join(key for key, _text in found)
    lengths = b" ".join(b"%d" % len(text) for _key, text in found)
    return b"".join([keys, RECORD_END, lengths, RECORD_END, *(text for _key, text in found)])


class Records(NamedTuple):
    """The records of some pieces, sorted by key (bytes sort as code points do), those of one
    key by their texts (as sorting (key, text) pairs gives)."""

    sources: list[bytes | mmap.mmap]
    spans: list[Span]

    def text(self, span: Span) -> memoryview:
        return memoryview(self.sources[span[1]])[span[2]:span[3]]

    def texts(self) -> list[tuple[bytes, memoryview]]:
        views = [memoryview(source) for source in self.sources]
        return [(key, views[piece][start:end]) for key, piece, start, end in self.spans]


def records(pieces: Iterable[bytes | Mapped]) -> Records:
    """Every record of the pieces (bytes, or `Mapped` where they lie in the build cache)."""
    sources: list[bytes | mmap.mmap] = []
    spans: list[Span] = []
    for index, piece in enumerate(pieces):
        source, start, stop = (piece, 0, len(piece)) if isinstance(piece, bytes) else piece
        sources.append(source)
        if start == stop:
            continue
        keys_end = source.find(RECORD_END, start, stop)
        lengths_end = source.find(RECORD_END, keys_end + 1, stop) if keys_end >= 0 else -1
        if lengths_end < 0:
            raise ValueError("not a piece: no keys and lengths")
        keys = source[start:keys_end].split(KEY_END)
        ends = list(itertools.accumulate(map(int, source[keys_end + 1:lengths_end].split(b" ")),
                                         initial=lengths_end + 1))
        if len(ends) != len(keys) + 1 or ends[-1] != stop:
            raise ValueError("not a piece: its lengths do not add up")
        spans += zip(keys, itertools.repeat(index), ends, ends[1:])
    spans.sort(key=operator.itemgetter(0))
    found = Records(sources, spans)
    return Records(sources, _ties_by_text(found))


def _ties_by_text(found: Records) -> list[Span]:
    ordered: list[Span] = []
    for _key, group in itertools.groupby(found.spans, key=operator.itemgetter(0)):
        same = list(group)
        ordered += same if len(same) == 1 else sorted(same, key=lambda span: found.text(span).tobytes())
    return ordered


def unpack(pieces: Iterable[bytes]) -> list[tuple[bytes, bytes]]:
    """Every record of the pieces, sorted (`records`)."""
    return [(key, bytes(text)) for key, text in unpack_views(pieces)]


def unpack_views(pieces: Iterable[bytes | Mapped]) -> list[tuple[bytes, memoryview]]:
    """`unpack`, each text a view into its piece (or where the piece lies, mapped: `Mapped`): a
    dump is hundreds of megabytes at a million triples, and every copy of it costs time."""
    return records(pieces).texts()


class Joined:
    """Chunks to write one after the other: texts of records (`span`), each joined to the one
    before where it follows it in the same piece, and bytes made here (`add`)."""

    def __init__(self, found: Records) -> None:
        self._views = [memoryview(source) for source in found.sources]
        self._run: tuple[int, int, int] | None = None
        self.chunks: list[Chunk] = []

    def span(self, span: Span) -> None:
        _key, piece, start, end = span
        run = self._run
        if run is not None and run[0] == piece and run[2] == start:
            self._run = (piece, run[1], end)
        else:
            self._flush()
            self._run = (piece, start, end)

    def add(self, data: Chunk) -> None:
        self._flush()
        self.chunks.append(data)

    def done(self) -> list[Chunk]:
        self._flush()
        return self.chunks

    def _flush(self) -> None:
        if self._run is not None:
            piece, start, end = self._run
            self.chunks.append(self._views[piece][start:end])
            self._run = None


def joined(found: Records) -> list[Chunk]:
    """The texts of every record, in order, in as few chunks as they lie in."""
    out = Joined(found)
    for span in found.spans:
        out.span(span)
    return out.done()
