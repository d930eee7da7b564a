"""The whole-release dumps (N-Quads, N-Triples, TriG, Turtle) assembled from per-unit pieces.

Each unit's piece is written by pyoxigraph from the unit's sorted quads and kept in the
build cache (Release.pieces); the dump is the pieces merged in the order a single
serialization of the whole sorted release would give: N-Triples lines sorted and unique,
N-Quads and TriG graph by graph (by graph IRI), Turtle subject blocks by subject. So a
re-publish serializes only the units that changed (tests/test_scale.py compares the
assembled dumps with whole-release serializations).
"""

from __future__ import annotations

import io
import itertools
import operator
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, Protocol

import pyoxigraph as ox

from publisher import graph as graph_module
from publisher.buildcache import code_version
from publisher.graph import by_graph, graph_order, serialize_text
from publisher.settings import PREFIXES
from publisher.textlines import split_lines_keepends

CODE = code_version()


KEY_END, RECORD_END = b"\x00", b"\x01"  # no serialized RDF or JSON text holds either byte raw
Chunk = bytes | memoryview


class ChunkReader(io.RawIOBase):
    """Chunks read as one stream, so that a parser reads a dump without its pieces joined (a
    copy of hundreds of megabytes at a million triples)."""

    def __init__(self, chunks: Iterable[Chunk]) -> None:
        super().__init__()
        self._chunks = iter(chunks)
        self._current = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._current:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._current = memoryview(chunk).cast("B")
        size = min(len(buffer), len(self._current))
        buffer[:size] = self._current[:size]
        self._current = self._current[size:]
        return size


class Pieces(Protocol):
    """What a dump is assembled from (`Release.pieces`): one piece per unit, cached."""

    def pieces(self, kind: str, code: str, make: Callable[[list[ox.Quad]], bytes],
               parallel: bool = False) -> list[bytes]: ...


def pack(records: Iterable[tuple[str, str]]) -> bytes:
    """(sort key, text) records as bytes: a piece stays bytes from the cache to the dump,
    never decoded (JSON for a million triples cost seconds and hundreds of megabytes)."""
    return b"".join(key.encode("utf-8") + KEY_END + text.encode("utf-8") + RECORD_END
                    for key, text in records)


def unpack(pieces: Iterable[bytes]) -> list[tuple[bytes, bytes]]:
    """Every record of the pieces, sorted by key (bytes sort as code points do)."""
    return [(key, bytes(text)) for key, text in unpack_views(pieces)]


def unpack_views(pieces: Iterable[bytes]) -> list[tuple[bytes, memoryview]]:
    """`unpack`, each text a view into its piece: a dump is hundreds of megabytes at a million
    triples, and every copy of it costs time (the pieces are written out as they are)."""
    records = []
    for piece in pieces:
        view, start = memoryview(piece), 0
        while (end := piece.find(RECORD_END, start)) >= 0:
            middle = piece.index(KEY_END, start, end)
            records.append((piece[start:middle], view[middle + 1:end]))
            start = end + 1
    records.sort(key=lambda record: record[0])
    return _ties_by_text(records)


def _ties_by_text(records: list[tuple[bytes, memoryview]]) -> list[tuple[bytes, memoryview]]:
    """Records of one key in the order of their texts (as sorting (key, text) pairs gives)."""
    ordered: list[tuple[bytes, memoryview]] = []
    for _key, group in itertools.groupby(records, key=operator.itemgetter(0)):
        same = list(group)
        ordered += same if len(same) == 1 else sorted(same, key=lambda record: record[1].tobytes())
    return ordered


def merged_lines(pieces: Iterable[bytes]) -> bytes:
    """Sorted, unique lines of all pieces (bytes sort as code points do). Each piece is sorted
    already, and Python's sort merges such runs in a fraction of the time of sorting a set."""
    lines = b"".join(pieces).split(b"\n")
    lines.sort()
    unique = dict.fromkeys(lines)
    unique.pop(b"", None)
    return b"".join(line + b"\n" for line in unique)


def _lines(quads: list[ox.Quad], format: ox.RdfFormat) -> bytes:
    terms: list[ox.Quad] | list[ox.Triple] = quads
    if format != ox.RdfFormat.N_QUADS:
        terms = [quad.triple for quad in quads]
    return merged_lines([serialize_text(terms, format).encode("utf-8")])


def _nquads_piece(quads: list[ox.Quad]) -> bytes:
    """(graph, its sorted N-Quads lines) records: the ontology's unit writes two graphs."""
    return pack((graph_order(name), _lines(part, ox.RdfFormat.N_QUADS).decode("utf-8"))
                for name, part in by_graph(quads).items())


def nquads(release: Pieces) -> bytes:
    return b"".join(nquads_chunks(release))


def nquads_chunks(release: Pieces) -> list[Chunk]:
    """Graph by graph (by graph IRI), each graph's lines sorted and unique: no sort of the whole
    dump is needed, so a re-publish only concatenates."""
    return [text for _graph, text in unpack_views(release.pieces(*dump_spec("nquads")))]


def _subject_blocks(lines: bytes) -> bytes:
    """(subject, its lines) records of sorted N-Triples lines: the dump orders whole blocks by
    subject, so it sorts a record per subject instead of a line per triple."""
    records: list[bytes] = []
    current, start, offset = b"", 0, 0
    for line in lines.split(b"\n")[:-1]:
        # a subject's text holds no space (an IRI or a blank node; a quoted triple keys its line)
        subject = line if line.startswith(b"<<") else line[:line.index(b" ")]
        if subject != current and offset:
            records.append(current + KEY_END + lines[start:offset] + RECORD_END)
            start = offset
        current = subject
        offset += len(line) + 1
    if offset:
        records.append(current + KEY_END + lines[start:offset] + RECORD_END)
    return b"".join(records)


def _ntriples_piece(quads: list[ox.Quad]) -> bytes:
    return _subject_blocks(_lines(quads, ox.RdfFormat.N_TRIPLES))


def ntriples(release: Pieces) -> bytes:
    return b"".join(ntriples_chunks(release))


def ntriples_chunks(release: Pieces) -> list[Chunk]:
    """Subject blocks by subject (a line sorts as its subject's text does, a space sorting
    before any character that can go on a term); the blocks of a subject described by several
    units are merged line by line."""
    blocks = unpack_views(release.pieces(*dump_spec("ntriples")))
    out: list[Chunk] = []
    for _subject, group in itertools.groupby(blocks, key=operator.itemgetter(0)):
        same = list(group)
        out.append(same[0][1] if len(same) == 1 else merged_lines(bytes(block) for _s, block in same))
    return out


def prefix_header() -> str:
    """The prefix lines pyoxigraph writes for PREFIXES, sorted."""
    probe = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o"))
    text = serialize_text([probe], ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return "".join(sorted(line for line in split_lines_keepends(text) if line.startswith("@prefix ")))


def _body(text: str) -> str:
    lines = split_lines_keepends(text)
    return "".join(line for line in lines if not line.startswith("@prefix "))


def _trig_piece(quads: list[ox.Quad]) -> bytes:
    """(graph, TriG block) records: the ontology's unit writes two graphs."""
    return pack((graph_order(name), _body(serialize_text(part, ox.RdfFormat.TRIG, prefixes=PREFIXES)))
                for name, part in by_graph(quads).items())


def trig(release: Pieces) -> bytes:
    return b"".join(trig_chunks(release))


def trig_chunks(release: Pieces) -> list[Chunk]:
    blocks = unpack_views(release.pieces(*dump_spec("trig")))
    return [prefix_header().encode("utf-8"), *(body for _graph, body in blocks)] if blocks else []


def _turtle_piece(quads: list[ox.Quad]) -> bytes:
    """[[subject, Turtle block]...] of the unit's triples (a block per subject, as written)."""
    triples = graph_module.union_triples(quads)
    subjects = list(dict.fromkeys(str(t.subject) for t in triples))
    body = _body(serialize_text(triples, ox.RdfFormat.TURTLE, prefixes=PREFIXES))
    blocks: list[str] = []
    for line in split_lines_keepends(body):
        if line.startswith("\t") and blocks:
            blocks[-1] += line
        else:
            blocks.append(line)
    if len(blocks) != len(subjects):
        raise ValueError("cannot split the Turtle writer's output by subject")
    return pack(zip(subjects, blocks, strict=True))


def turtle(release: Pieces) -> bytes:
    return b"".join(turtle_chunks(release))


def turtle_chunks(release: Pieces) -> list[Chunk]:
    """Subject blocks by subject; a subject described in two graphs gets a block from each."""
    blocks = unpack_views(release.pieces(*dump_spec("turtle")))
    return [prefix_header().encode("utf-8"), *(body for _subject, body in blocks)] if blocks else []


class PieceSpec(NamedTuple):
    """One kind of per-unit piece, as `Release.pieces` is asked for it: made beside validation
    by `Release.make_pieces_beside`, with the same key, so that the exporter finds it cached."""

    kind: str
    code: str
    make: Callable[[list[ox.Quad]], bytes]


def dump_spec(kind: str) -> PieceSpec:
    """The pieces of a whole-release dump ("nquads", "ntriples", "trig", "turtle")."""
    makers = {"nquads": _nquads_piece, "ntriples": _ntriples_piece, "trig": _trig_piece,
              "turtle": _turtle_piece}
    return PieceSpec(kind, CODE, makers[kind])
