"""Every dump of the release carries the same triples; TriG and N-Quads the same named graphs."""

from __future__ import annotations

import io
import itertools
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset as RdfDataset
from rdflib import Graph
from rdflib.compare import isomorphic

from publisher.export import dumps, packing
from publisher.export.dumps import ChunkReader
from publisher.graph import serialize_text, union_ntriples, union_triples
from publisher.settings import PREFIXES
from tests.conftest import SLUG

GRAPH = "https://w3id.org/nida/id/graph/"
ASSERTED_GRAPHS = {
    f"{GRAPH}{name}" for name in
    ("actors", "agreements", "concepts", "events", "ontology", "organizations", "places",
     f"statement/{SLUG}")
}
#: what is entailed from each graph (super-types, super-properties, equivalents) has its own
ENTAILED_GRAPHS = {f"{GRAPH}entailed/{name}" for name in
                   ("actors", "agreements", "events", "organizations", "places", f"statement/{SLUG}")}
EXPECTED_GRAPHS = ASSERTED_GRAPHS | ENTAILED_GRAPHS


def ox_triples(path: Path, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=fmt)}


def ox_graphs(path: Path, fmt: ox.RdfFormat) -> dict[str, set[ox.Triple]]:
    graphs: dict[str, set[ox.Triple]] = defaultdict(set)
    for q in ox.parse(path=str(path), format=fmt):
        assert isinstance(q.graph_name, ox.NamedNode), f"{q} is not in a named graph"
        graphs[q.graph_name.value].add(ox.Triple(q.subject, q.predicate, q.object))
    return dict(graphs)


@pytest.fixture(scope="module")
def turtle(release: Path) -> set[ox.Triple]:
    return ox_triples(release / "nida.ttl", ox.RdfFormat.TURTLE)


@pytest.mark.parametrize(("name", "fmt"), [
    ("nida.nt", ox.RdfFormat.N_TRIPLES),
    ("nida.trig", ox.RdfFormat.TRIG),
    ("nida.nq", ox.RdfFormat.N_QUADS),
    ("nida.jsonld", ox.RdfFormat.JSON_LD),
])
def test_every_dump_is_the_turtle_graph_with_pyoxigraph(release: Path, turtle: set[ox.Triple],
                                                        name: str, fmt: ox.RdfFormat) -> None:
    assert ox_triples(release / name, fmt) == turtle


def test_quad_dumps_parse_back_with_rdflib(release: Path) -> None:
    turtle = Graph().parse(release / "nida.ttl", format="turtle")
    for name, fmt in (("nida.trig", "trig"), ("nida.nq", "nquads")):
        dataset = RdfDataset()
        dataset.parse(release / name, format=fmt)
        union = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        assert isomorphic(union, turtle), name
        named = {str(g.identifier) for g in dataset.graphs() if len(g)}
        assert named == EXPECTED_GRAPHS, name


def test_trig_and_nquads_hold_the_same_named_graphs(release: Path) -> None:
    trig = ox_graphs(release / "nida.trig", ox.RdfFormat.TRIG)
    nquads = ox_graphs(release / "nida.nq", ox.RdfFormat.N_QUADS)
    assert set(trig) == EXPECTED_GRAPHS
    assert trig == nquads
    assert all(trig[name] for name in EXPECTED_GRAPHS)
    statement = f"https://w3id.org/nida/id/statement/{SLUG}"
    subjects = {t.subject.value for t in trig[f"{GRAPH}statement/{SLUG}"]}  # type: ignore[union-attr]
    assert statement in subjects
    assert not {s for s in subjects if "/organization/" in s}


def test_nquads_are_sorted_graph_by_graph_one_per_line(release: Path) -> None:
    lines = (release / "nida.nq").read_text(encoding="utf-8").splitlines()
    graph = [line.rsplit(" <", 1)[1][:-2] for line in lines]
    assert [(g, line) for g, line in zip(graph, lines, strict=True)] == sorted(set(zip(graph, lines, strict=True)))
    assert len(set(graph)) == 14
    assert (graph[0], graph[-1]) == (f"{GRAPH}actors>", f"{GRAPH}statement/halt-military-escalation-northeast-syria>")
    assert f"{GRAPH}entailed/statement/halt-military-escalation-northeast-syria>" in graph
    assert all(line.endswith(f"<{GRAPH}" + line.rsplit(f"<{GRAPH}", 1)[1]) for line in lines)


def test_a_dump_read_as_its_chunks_is_the_dump(release: Path) -> None:
    """`ChunkReader` streams pieces to the parser (`Release.triples`) as the joined dump reads."""
    data = (release / "nida.nt").read_bytes()
    cuts = [0, 1, 7, 4096, 4097, len(data) // 2, len(data) - 1, len(data)]
    chunks = [memoryview(data)[a:b] for a, b in itertools.pairwise(cuts)] + [b""]
    stream = io.BufferedReader(ChunkReader(chunks), 1000)
    assert stream.read(3) + stream.read() == data
    parsed = list(ox.parse(io.BufferedReader(ChunkReader(chunks)), ox.RdfFormat.N_TRIPLES))
    assert parsed == list(ox.parse(data, ox.RdfFormat.N_TRIPLES)) and len(parsed) == data.count(b"\n")


def reference_subject_blocks(lines: bytes) -> list[tuple[bytes, bytes]]:
    """(subject, lines) of sorted N-Triples lines, each line on its own."""
    blocks: list[tuple[bytes, bytes]] = []
    for line in lines.splitlines(keepends=True):
        subject = line[:-1] if line.startswith(b"<<") else line[:line.index(b" ")]
        if blocks and blocks[-1][0] == subject:
            blocks[-1] = (subject, blocks[-1][1] + line)
        else:
            blocks.append((subject, line))
    return blocks


def test_unit_pieces_split_by_subject_as_line_by_line() -> None:
    """Triple terms, blank nodes, IRIs prefixing one another, literals with spaces, tabs and
    escaped line breaks: the N-Triples and Turtle pieces cut the writers' output by subject."""
    n, g = ox.NamedNode, ox.NamedNode(GRAPH + "statement/x")
    quoted = ox.Triple(n("http://x/a"), n("http://x/p"), ox.Literal("q r"))
    quads = [ox.Quad(s, n("http://x/p"), o, g) for s in (n("http://x/a"), n("http://x/a-b"), n("http://x/ab"),
                                                          ox.BlankNode("b1"))
             for o in (ox.Literal("one two"), ox.Literal("tab\there\nand line"), n("http://x/o"))]
    quads.append(ox.Quad(n("http://x/c"), n("http://x/said"), quoted, g))
    quads.sort(key=str)
    lines = union_ntriples(quads)
    assert sorted(dumps._subject_blocks(lines)) == sorted(reference_subject_blocks(lines))
    assert packing.unpack([packing.pack_bytes(dumps.subject_blocks(lines))]) == sorted(reference_subject_blocks(lines))
    star = b'<< <http://x/a> <http://x/p> "q r" >> <http://x/s> "1" .\n' + lines  # RDF-star's subjects
    assert sorted(dumps._subject_blocks(star)) == sorted(reference_subject_blocks(star))
    assert packing.unpack([packing.pack_bytes(dumps.subject_blocks(star))]) == sorted(reference_subject_blocks(star))
    turtle = packing.unpack([dumps._turtle_piece(quads)])
    body = dumps.body(serialize_text(union_triples(quads), ox.RdfFormat.TURTLE, prefixes=PREFIXES).encode())
    assert {subject.decode() for subject, _block in turtle} == {str(q.subject) for q in quads}
    assert len(turtle) == 5 and sum(len(block) for _s, block in turtle) == len(body)
