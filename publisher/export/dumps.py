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
import re
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, Protocol

import pyoxigraph as ox

from publisher import graph as graph_module
from publisher.buildcache import Mapped, code_version
from publisher.export.packing import Chunk, Joined, joined, pack_bytes, records
from publisher.graph import by_graph, graph_order, serialize_bytes, serialize_text
from publisher.remember import remembered
from publisher.settings import PREFIXES
from publisher.textlines import split_lines_keepends

CODE = code_version()


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
    """What a dump is assembled from (`Release.mapped_pieces`): one piece per unit, cached."""

    def mapped_pieces(self, spec: PieceSpec, parallel: bool = False) -> list[Mapped]: ...


def graph_runs(quads: Iterable[ox.Quad]) -> list[tuple[str, list[ox.Quad]]]:
    """(graph IRI, as `graph.graph_name` gives it, and quads) of each run of quads of one graph, in
    order: the graph is asked for in C (`itertools.groupby`), its IRI once per run."""
    return [(name.value if isinstance(name, ox.NamedNode) else "", list(run))
            for name, run in itertools.groupby(quads, key=graph_module.QUAD_GRAPH)]


def merged_lines(pieces: Iterable[bytes]) -> bytes:
    """Sorted, unique lines of all pieces (bytes sort as code points do). Each piece is sorted
    already, and Python's sort merges such runs in a fraction of the time of sorting a set."""
    lines = b"".join(pieces).split(b"\n")
    lines.sort()
    unique = dict.fromkeys(lines)
    unique.pop(b"", None)
    return b"".join(line + b"\n" for line in unique)


def sorted_lines(data: bytes) -> bytes:
    """`merged_lines([data])`: the writer's output as it is where its lines are sorted and unique
    already, as they are for a graph's quads and a union's triples (each sorted as their lines
    sort: `publisher.graph.triple_text`), which only a comparison of neighbours shows; sorted
    and made unique where they are not."""
    lines = data.split(b"\n")
    body = lines[:-1]
    if not lines[-1] and (not body or body[0]) and all(map(operator.lt, body, body[1:])):
        return data
    return merged_lines([data])


def _nquads_piece(quads: list[ox.Quad]) -> bytes:
    """(graph, its sorted N-Quads lines) records: the ontology's unit writes two graphs."""
    return pack_bytes((graph_order(name).encode("utf-8"),
                       sorted_lines(serialize_bytes(part, ox.RdfFormat.N_QUADS)))
                      for name, part in by_graph(quads).items())


def nquads(release: Pieces) -> bytes:
    return b"".join(nquads_chunks(release))


def nquads_chunks(release: Pieces) -> list[Chunk]:
    """Graph by graph (by graph IRI), each graph's lines sorted and unique: no sort of the whole
    dump is needed, so a re-publish only concatenates."""
    return joined(records(release.mapped_pieces(dump_spec("nquads"))))


#: a subject's lines in sorted N-Triples: the first line's subject (up to its first space), and
#: the lines after it that begin with the same subject and a space
SUBJECT_BLOCK = re.compile(rb"^([^ \n]+) [^\n]*\n(?:\1 [^\n]*\n)*", re.MULTILINE)


def subject_blocks(lines: bytes) -> list[tuple[bytes, bytes]]:
    """(subject, its lines) of sorted N-Triples lines: the dump orders whole blocks by subject,
    so it sorts a record per subject instead of a line per triple. Found by a regular expression
    (in C), unless a line is not of a subject without spaces (a quoted triple's): then as
    `_subject_blocks` finds them, line by line."""
    if not lines.startswith(b"<<") and b"\n<<" not in lines:
        found = [(match[1], match[0]) for match in SUBJECT_BLOCK.finditer(lines)]
        if sum(len(block) for _subject, block in found) == len(lines):
            return found
    return _subject_blocks(lines)


def _subject_blocks(lines: bytes) -> list[tuple[bytes, bytes]]:
    """`subject_blocks`, line by line."""
    blocks: list[tuple[bytes, bytes]] = []
    current, start, offset = b"", 0, 0
    for line in lines.split(b"\n")[:-1]:
        # a subject's text holds no space (an IRI or a blank node; a quoted triple keys its line)
        subject = line if line.startswith(b"<<") else line[:line.index(b" ")]
        if subject != current and offset:
            blocks.append((current, lines[start:offset]))
            start = offset
        current = subject
        offset += len(line) + 1
    if offset:
        blocks.append((current, lines[start:offset]))
    return blocks


def union_blocks(quads: list[ox.Quad]) -> list[tuple[bytes, bytes]]:
    """`subject_blocks` of the union of the quads' graphs (`graph.union_ntriples`): the N-Triples
    piece, and the subjects of the Turtle piece (remembered, within `unions_remembered`,
    for both)."""
    return remembered(quads, "union blocks",
                      lambda: subject_blocks(graph_module.union_ntriples(quads)))


def _ntriples_piece(quads: list[ox.Quad]) -> bytes:
    return pack_bytes(union_blocks(quads))


def ntriples(release: Pieces) -> bytes:
    return b"".join(ntriples_chunks(release))


def ntriples_chunks(release: Pieces) -> list[Chunk]:
    """Subject blocks by subject (a line sorts as its subject's text does, a space sorting
    before any character that can go on a term); the blocks of a subject described by several
    units are merged line by line."""
    found = records(release.mapped_pieces(dump_spec("ntriples")))
    out = Joined(found)
    for _subject, group in itertools.groupby(found.spans, key=operator.itemgetter(0)):
        same = list(group)
        if len(same) == 1:
            out.span(same[0])
        else:
            out.add(merged_lines(found.text(span).tobytes() for span in same))
    return out.done()


def prefix_header() -> str:
    """The prefix lines pyoxigraph writes for PREFIXES, sorted."""
    probe = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o"))
    text = serialize_text([probe], ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return "".join(sorted(line for line in split_lines_keepends(text) if line.startswith("@prefix ")))


PREFIX_LINE = b"@prefix "


def body(data: bytes) -> bytes:
    """Turtle or TriG without its prefix lines: the writer writes them first, so the body is what
    follows them (unless a prefix line comes later: then every line is looked at)."""
    start = 0
    while data.startswith(PREFIX_LINE, start):
        end = data.find(b"\n", start)
        start = len(data) if end < 0 else end + 1
    rest = data[start:]
    if b"\n" + PREFIX_LINE not in rest:
        return rest
    parts = rest.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]] + [parts[-1]]
    return b"".join(line for line in lines if not line.startswith(PREFIX_LINE))


def _trig_piece(quads: list[ox.Quad]) -> bytes:
    """(graph, TriG block) records: the ontology's unit writes two graphs."""
    return pack_bytes((graph_order(name).encode("utf-8"),
                       body(serialize_bytes(part, ox.RdfFormat.TRIG, prefixes=PREFIXES)))
                      for name, part in by_graph(quads).items())


def trig(release: Pieces) -> bytes:
    return b"".join(trig_chunks(release))


def trig_chunks(release: Pieces) -> list[Chunk]:
    found = records(release.mapped_pieces(dump_spec("trig")))
    return [prefix_header().encode("utf-8"), *joined(found)] if found.spans else []


#: where a subject's block begins in the Turtle writer's output: a line that does not begin
#: with a tab (the lines of a subject's further predicates do)
TURTLE_BLOCK = re.compile(rb"(?<=\n)(?=[^\t])")


def _turtle_piece(quads: list[ox.Quad]) -> bytes:
    """[[subject, Turtle block]...] of the unit's triples (a block per subject, as written); the
    subjects in order are those of the N-Triples piece's blocks (`union_blocks`)."""
    subjects = [subject for subject, _lines in union_blocks(quads)]
    text = body(serialize_bytes(graph_module.union_triples(quads), ox.RdfFormat.TURTLE, prefixes=PREFIXES))
    blocks = TURTLE_BLOCK.split(text) if text else []
    if len(blocks) != len(subjects):
        raise ValueError("cannot split the Turtle writer's output by subject")
    return pack_bytes(zip(subjects, blocks, strict=True))


def turtle(release: Pieces) -> bytes:
    return b"".join(turtle_chunks(release))


def turtle_chunks(release: Pieces) -> list[Chunk]:
    """Subject blocks by subject; a subject described in two graphs gets a block from each."""
    found = records(release.mapped_pieces(dump_spec("turtle")))
    return [prefix_header().encode("utf-8"), *joined(found)] if found.spans else []


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
