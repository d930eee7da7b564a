"""The whole-release dumps (N-Quads, N-Triples, TriG, Turtle) assembled from per-unit pieces.

Each unit's piece is written by pyoxigraph from the unit's sorted quads and kept in the
build cache (Release.pieces); the dump is the pieces merged in the order a single
serialization of the whole sorted release would give: N-Triples lines sorted and unique,
N-Quads and TriG graph by graph (by graph IRI), Turtle subject blocks by subject. So a
re-publish serializes only the units that changed (tests/test_scale.py compares the
assembled dumps with whole-release serializations).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from publisher import graph as graph_module
from publisher import units as units_module
from publisher.buildcache import code_digest
from publisher.export import Release
from publisher.graph import by_graph, graph_order, serialize_text
from publisher.settings import PREFIXES

_SETTINGS = Path(__file__).resolve().parents[1] / "settings.py"
CODE = code_digest(Path(__file__), Path(graph_module.__file__), Path(units_module.__file__), _SETTINGS)


KEY_END, RECORD_END = b"\x00", b"\x01"  # no serialized RDF or JSON text holds either byte raw


def pack(records: Iterable[tuple[str, str]]) -> bytes:
    """(sort key, text) records as bytes: a piece stays bytes from the cache to the dump,
    never decoded (JSON for a million triples cost seconds and hundreds of megabytes)."""
    return b"".join(key.encode("utf-8") + KEY_END + text.encode("utf-8") + RECORD_END
                    for key, text in records)


def unpack(pieces: Iterable[bytes]) -> list[tuple[bytes, bytes]]:
    """Every record of the pieces, sorted by key (bytes sort as code points do)."""
    records = []
    for piece in pieces:
        for record in piece.split(RECORD_END)[:-1]:
            key, _, text = record.partition(KEY_END)
            records.append((key, text))
    records.sort()
    return records


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


def nquads(release: Release) -> bytes:
    """Graph by graph (by graph IRI), each graph's lines sorted and unique: no sort of the whole
    dump is needed, so a re-publish only concatenates."""
    return b"".join(text for _graph, text in unpack(release.pieces("nquads", CODE, _nquads_piece)))


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


def ntriples(release: Release) -> bytes:
    """Subject blocks by subject (a line sorts as its subject's text does, a space sorting
    before any character that can go on a term); the blocks of a subject described by several
    units are merged line by line."""
    blocks = unpack(release.pieces("ntriples", CODE, _ntriples_piece))
    out: list[bytes] = []
    start = 0
    while start < len(blocks):
        end = start + 1
        while end < len(blocks) and blocks[end][0] == blocks[start][0]:
            end += 1
        out.append(blocks[start][1] if end == start + 1 else merged_lines(b for _s, b in blocks[start:end]))
        start = end
    return b"".join(out)


def prefix_header() -> str:
    """The prefix lines pyoxigraph writes for PREFIXES, sorted."""
    probe = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o"))
    text = serialize_text([probe], ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return "".join(sorted(line for line in text.splitlines(keepends=True) if line.startswith("@prefix ")))


def _body(text: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith("@prefix "))


def _trig_piece(quads: list[ox.Quad]) -> bytes:
    """(graph, TriG block) records: the ontology's unit writes two graphs."""
    return pack((graph_order(name), _body(serialize_text(part, ox.RdfFormat.TRIG, prefixes=PREFIXES)))
                for name, part in by_graph(quads).items())


def trig(release: Release) -> bytes:
    blocks = unpack(release.pieces("trig", CODE, _trig_piece))
    if not blocks:
        return b""
    return prefix_header().encode("utf-8") + b"".join(body for _graph, body in blocks)


def _turtle_piece(quads: list[ox.Quad]) -> bytes:
    """[[subject, Turtle block]...] of the unit's triples (a block per subject, as written)."""
    triples = graph_module.union_triples(quads)
    subjects = list(dict.fromkeys(str(t.subject) for t in triples))
    body = _body(serialize_text(triples, ox.RdfFormat.TURTLE, prefixes=PREFIXES))
    blocks: list[str] = []
    for line in body.splitlines(keepends=True):
        if line.startswith("\t") and blocks:
            blocks[-1] += line
        else:
            blocks.append(line)
    if len(blocks) != len(subjects):
        raise ValueError("cannot split the Turtle writer's output by subject")
    return pack(zip(subjects, blocks, strict=True))


def turtle(release: Release) -> bytes:
    """Subject blocks by subject; a subject described in two graphs gets a block from each."""
    blocks = unpack(release.pieces("turtle", CODE, _turtle_piece))
    if not blocks:
        return b""
    return prefix_header().encode("utf-8") + b"".join(body for _subject, body in blocks)
