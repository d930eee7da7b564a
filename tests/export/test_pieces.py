"""The dumps' per-unit pieces, as made now (bytes from the writers to the pack, a unit's union
and its N-Triples made once, blocks found by regular expressions), are the bytes the plain
way gives: each piece made on its own from the unit's quads, line by line (the code they
replaced, kept here as the reference), for the bundled data and for quads the release never
holds (unsorted, repeated, graphs interleaved, literals holding tabs, line feeds and prefixes)."""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict

import orjson
import pyoxigraph as ox
import pytest

from publisher import graph as graph_module
from publisher.export import dumps, packing, tables, void
from publisher.graph import (
    by_graph,
    entailed_graph,
    graph_name,
    graph_order,
    is_entailed,
    release_quads,
    sorted_union,
    union_ntriples,
)
from publisher.load.dataset import ONTOLOGY_GRAPH, load_dataset
from publisher.remember import unions_remembered
from publisher.settings import PREFIXES, Settings
from publisher.textlines import split_lines_keepends
from tests.conftest import REPO


def plain_sorted_unique(triples: list[ox.Triple]) -> list[ox.Triple]:
    unique = {str(t): t for t in triples}
    return [unique[k] for k in sorted(unique)]


def plain_by_graph(quads: list[ox.Quad]) -> dict[str, list[ox.Quad]]:
    graphs: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        graphs.setdefault(quad.graph_name.value, []).append(quad)
    return graphs


def plain_pack(records: list[tuple[str, str]] | zip[tuple[str, str]]) -> bytes:
    """The pieces' format (publisher/export/packing.py), written here as its docstring says."""
    found = [(k.encode(), t.encode()) for k, t in records]
    if not found:
        return b""
    return (b"\x00".join(k for k, _t in found) + b"\x01" + b" ".join(str(len(t)).encode() for _k, t in found)
            + b"\x01" + b"".join(t for _k, t in found))


def plain_text(terms: list[ox.Quad] | list[ox.Triple], format: ox.RdfFormat, **options: object) -> str:
    return (ox.serialize(terms, format=format, **options) or b"").decode()  # type: ignore[arg-type]


def plain_lines(quads: list[ox.Quad], format: ox.RdfFormat) -> bytes:
    terms: list[ox.Quad] | list[ox.Triple] = quads
    if format != ox.RdfFormat.N_QUADS:
        terms = [quad.triple for quad in quads]
    return dumps.merged_lines([plain_text(terms, format).encode()])


def plain_body(text: str) -> str:
    return "".join(line for line in split_lines_keepends(text) if not line.startswith("@prefix "))


def plain_nquads(quads: list[ox.Quad]) -> bytes:
    return plain_pack([(graph_order(name), plain_lines(part, ox.RdfFormat.N_QUADS).decode())
                       for name, part in plain_by_graph(quads).items()])


def plain_ntriples(quads: list[ox.Quad]) -> bytes:
    blocks = dumps._subject_blocks(plain_lines(quads, ox.RdfFormat.N_TRIPLES))
    return plain_pack([(subject.decode(), lines.decode()) for subject, lines in blocks])


def plain_trig(quads: list[ox.Quad]) -> bytes:
    return plain_pack([(graph_order(name), plain_body(plain_text(part, ox.RdfFormat.TRIG, prefixes=PREFIXES)))
                       for name, part in plain_by_graph(quads).items()])


def plain_turtle(quads: list[ox.Quad]) -> bytes:
    triples = plain_sorted_unique([q.triple for q in quads])
    subjects = list(dict.fromkeys(str(t.subject) for t in triples))
    blocks: list[str] = []
    for line in split_lines_keepends(plain_body(plain_text(triples, ox.RdfFormat.TURTLE, prefixes=PREFIXES))):
        if line.startswith("\t") and blocks:
            blocks[-1] += line
        else:
            blocks.append(line)
    return plain_pack(zip(subjects, blocks, strict=True))


def plain_counts(quads: list[ox.Quad]) -> dict[str, int]:
    return dict(sorted(Counter(graph_name(q) for q in quads).items()))


def plain_index(triples: list[ox.Triple]) -> tuple[tables.Values, dict[str, set[str]]]:
    by_subject: tables.Values = defaultdict(lambda: defaultdict(list))
    types: dict[str, set[str]] = defaultdict(set)
    for triple in triples:
        if not isinstance(triple.subject, ox.NamedNode):
            continue
        subject = triple.subject.value
        if triple.predicate.value == tables.RDF_TYPE and isinstance(triple.object, ox.NamedNode):
            types[subject].add(triple.object.value)
        elif isinstance(triple.object, ox.NamedNode | ox.Literal):
            by_subject[subject][triple.predicate.value].append(triple.object)
    return by_subject, types


def plain_tables(quads: list[ox.Quad]) -> bytes:
    asserted = [quad for quad in quads if not is_entailed(graph_name(quad))]
    graph = graph_name(asserted[0]) if asserted else ""
    by_subject, types = plain_index(plain_sorted_unique([q.triple for q in asserted]))
    return plain_pack([(f"{table.name}{tables.SEPARATOR}{key}", json.dumps(cells, ensure_ascii=False))
                       for table in tables.TABLES if graph.startswith(table.graphs)
                       for key, cells in tables.table_rows(table, by_subject, types)])


PLAIN = {"nquads": plain_nquads, "ntriples": plain_ntriples, "trig": plain_trig, "turtle": plain_turtle}


def odd_quads() -> list[ox.Quad]:
    """Quads no unit holds as they come: unsorted, repeated, graphs interleaved, subjects that
    prefix one another, blank nodes, literals with tabs, line feeds, prefix lines and non-ASCII."""
    g1, g2 = ox.NamedNode("https://x/graph/b"), ox.NamedNode("https://x/graph/a")
    p, q = ox.NamedNode("https://x/p"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    subjects = [ox.NamedNode("https://x/s"), ox.NamedNode("https://x/s/1"), ox.NamedNode("https://x/s1"),
                ox.NamedNode("https://x/é"), ox.BlankNode("b0")]
    objects: list[ox.NamedNode | ox.Literal | ox.BlankNode] = [
        ox.Literal("plain"), ox.Literal("tab\there\nline"), ox.Literal("\n@prefix x: <y> .\n"),
        ox.Literal("x", language="en"), ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.NamedNode("https://x/o"), ox.BlankNode("b1"), ox.Literal("\u2028\x1c")]
    quads = [ox.Quad(s, pred, o, g) for s, o, pred, g in itertools.product(subjects, objects, (p, q), (g1, g2))
             if not (pred == q and isinstance(o, ox.Literal))]
    quads = quads[::3] + quads[1::3] + quads[2::3] + quads[:7]
    return quads


@pytest.fixture(scope="module")
def units() -> list[list[ox.Quad]]:
    """The bundled release's quads, unit by unit, and the odd ones."""
    quads = release_quads(load_dataset(Settings(root=REPO)))
    found: dict[str, list[ox.Quad]] = {}
    for name, part in by_graph(quads).items():
        found.setdefault(name.replace("/entailed/", "/"), []).extend(part)
    statement = next(part for name, part in found.items() if "/statement/" in name)
    repeated = [*reversed(statement), *statement[::7]]  # a statement's unit unsorted, facts repeated
    return [*found.values(), quads, repeated, odd_quads(), odd_quads()[:1], []]


@pytest.mark.parametrize("kind", sorted(PLAIN))
def test_each_piece_is_the_plain_pieces_bytes(units: list[list[ox.Quad]], kind: str) -> None:
    make = dumps.dump_spec(kind).make
    for quads in units:
        assert make(quads) == PLAIN[kind](quads)
        with unions_remembered():  # as a unit's pieces are made: its union made once for all kinds
            assert [make(quads) for _kind in range(2)] == [PLAIN[kind](quads)] * 2


def test_tables_and_counts_are_the_plain_ones(units: list[list[ox.Quad]]) -> None:
    for quads in units:
        assert void.graph_counts(quads) == plain_counts(quads)
        assert tables.unit_piece(quads) == plain_tables(quads)
        triples = [q.triple for q in quads]
        assert tables.unit_index(triples) == plain_index(triples)


def test_a_union_and_its_ntriples_are_sorted_unique_and_written(units: list[list[ox.Quad]]) -> None:
    for quads in units:
        triples = [q.triple for q in quads]
        union, text = sorted_union(triples)
        assert union == plain_sorted_unique(triples)
        assert text == (ox.serialize(union, format=ox.RdfFormat.N_TRIPLES) or b"") == union_ntriples(quads)


def test_by_graph_is_quad_by_quad(units: list[list[ox.Quad]]) -> None:
    for quads in units:
        assert list(by_graph(quads).items()) == list(plain_by_graph(quads).items())


def test_sorted_lines_is_merged_lines() -> None:
    for data in [b"", b"a\n", b"a\nb\n", b"b\na\n", b"a\na\n", b"\na\n", b"a\n\nb\n", b"a\nb", b"a"]:
        assert dumps.sorted_lines(data) == dumps.merged_lines([data])


def test_blocks_and_bodies_as_found_line_by_line() -> None:
    lines = b"<a> <p> 1 .\n<a> <p> 2 .\n<a/b> <p> 3 .\n_:b <p> 4 .\n_:b <q> 5 .\n"
    assert dumps.subject_blocks(lines) == dumps._subject_blocks(lines)
    quoted = b"<< <a> <p> <b> >> <q> 1 .\n<c> <p> 2 .\n"
    assert dumps.subject_blocks(quoted) == dumps._subject_blocks(quoted)
    for text in ["@prefix a: <b> .\n@prefix c: <d> .\n<x> a:p 1 .\n", "<x> <p> 1 .\n@prefix a: <b> .\n<y> <p> 2",
                 "", "@prefix a: <b> .", "<x> <p> \"@prefix \" .\n"]:
        assert dumps.body(text.encode()) == plain_body(text).encode()


def test_the_dump_read_back_leniently_is_read_strictly(units: list[list[ox.Quad]]) -> None:
    """`Release.triples` parses pyoxigraph's own N-Triples `lenient`: the same triples."""
    for quads in units:
        text = union_ntriples(quads)
        lenient = [q.triple for q in ox.parse(text, ox.RdfFormat.N_TRIPLES, lenient=True)]
        assert lenient == [q.triple for q in ox.parse(text, ox.RdfFormat.N_TRIPLES)]
        assert [str(t) for t in lenient] == [str(t) for t in sorted_union([q.triple for q in quads])[0]]


def test_graph_quads_are_the_plain_ones() -> None:
    """The entailed graphs' quads, made at once and sorted by their text, are those made from
    `inferred_triples` sorted by their triples' text, then made quads."""
    dataset = load_dataset(Settings(root=REPO))
    axioms = graph_module.ontology_axioms(dataset.unit_triples(ONTOLOGY_GRAPH))
    plain: dict[str, list[ox.Quad]] = {}
    for unit in sorted(dataset.parts):
        for name, triples in graph_module._split(unit, dataset.unit_triples(unit)).items():
            plain[name] = graph_module._quads(plain_sorted_unique(triples), name)
            found = [i for t in triples for i in graph_module.inferred_triples(t, axioms)]
            entailed = plain_sorted_unique([t for t in found if t not in set(triples)])
            if entailed:
                plain[entailed_graph(name)] = graph_module._quads(entailed, entailed_graph(name))
    made = graph_module.graph_quads(dataset, dataset.parts)
    assert list(made.items()) == list(plain.items())
    assert sum(map(len, made.values())) > 1000 and any(is_entailed(name) for name in made)


def test_table_rows_read_by_orjson_are_those_json_reads(units: list[list[ox.Quad]]) -> None:
    for quads in units:
        for _key, text in packing.unpack([tables.unit_piece(quads)]):
            assert orjson.loads(text) == json.loads(text)
