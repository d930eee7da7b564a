"""Parsing one RDF file with pyoxigraph; every error names the file and, where it can, the line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from publisher.errors import InputError
from publisher.load import checks as inputs
from publisher.load.files import display_path, read_text
from publisher.settings import DATA_BASE
from publisher.textlines import split_lines

RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
               ".jsonld": ox.RdfFormat.JSON_LD}  # JSON-LD: inline contexts only (checks.check_jsonld)

_SUBJECT_TOKEN = re.compile(r"^(<[^>\s]*>|[A-Za-z][\w.-]*:[^\s;,]*|:[^\s;,]*)")


_SUBJECT_LINE = re.compile(_SUBJECT_TOKEN.pattern, re.MULTILINE)
#: each line, and the token it starts with ("" for none): one match per line, not a try per character
_LINE_TOKENS = re.compile("(" + _SUBJECT_TOKEN.pattern[2:-1] + ")?[^\n]*\n?")


def subject_lines(text: str, prefixes: dict[str, str], base: str | None) -> dict[str, int]:
    """Map each subject IRI that starts a line (column 0) to its first line number.

    The tokens that start a line are found by one `findall` (in C, a match per line), and only
    the first line of each distinct one is looked for, from where the one before it was found:
    a statement file repeats its subjects on most of its lines, and matching each line from
    Python took a second for a million triples' files, 0.45 s now. (A "PREFIX" line's token is
    not a subject: a token that starts with those letters starts no subject line.)"""
    found: dict[str, int] = {}
    number, position = 1, 0
    for token in dict.fromkeys(_LINE_TOKENS.findall(text)):
        if not token or token[:6].upper() == "PREFIX":
            continue
        start = _first_line_start(text, token, position)
        number += text.count("\n", position, start)
        position = start
        iri = token_iri(token, prefixes, base)
        if iri is not None:
            found.setdefault(iri, number)
    return found


#: a base IRI that `urljoin` leaves as it is, whose path ends with "/" (the data's `@base`)
_PLAIN_BASE = re.compile(r"https?://[^/?#;@]+(?:/[\w~-][\w~.-]*)*/\Z", re.ASCII)
#: a relative path that `urljoin` appends to such a base as it is: no scheme, query, fragment,
#: parameters, empty segment or dot segment ("." or ".."), which it would resolve
_PLAIN_PATH = re.compile(r"[\w~-][\w~.-]*(?:/[\w~-][\w~.-]*)*/?\Z", re.ASCII)


def token_iri(token: str, prefixes: dict[str, str], base: str | None) -> str | None:
    """The IRI a subject token names: `<relative>` against `base`, `prefix:local` through
    `prefixes` (None for an unknown prefix). A plain relative path is appended to a plain base
    without `urljoin`, which gives the same (tests/load/test_parse_once.py): a statement file
    names thousands of subjects so, and `urljoin` took almost half of finding their lines."""
    if token.startswith("<"):
        reference = token[1:-1]
        if not base:
            return reference
        if _PLAIN_PATH.match(reference) and _PLAIN_BASE.match(base):
            return base + reference
        return urljoin(base, reference)
    prefix, _, local = token.partition(":")
    return prefixes[prefix] + local.replace("\\", "") if prefix in prefixes else None


def _first_line_start(text: str, token: str, after: int) -> int:
    """Where the first line at or after `after` (a line's start) that starts with exactly
    `token` starts (the token is known to start one)."""
    at = after  # a line's start
    while True:
        match = _SUBJECT_LINE.match(text, at) if text.startswith(token, at) else None
        if match is not None and match.group(1) == token:
            return at
        found = text.find("\n" + token, at)
        if found < 0:  # not reached: findall found it at a line's start after `after`
            return after
        at = found + 1


def to_rdflib(term: ox.NamedNode | ox.Literal) -> URIRef | Literal:
    """A pyoxigraph IRI or literal as rdflib's."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _blank_node_line(text: str) -> int | None:
    for number, line in enumerate(split_lines(text), start=1):
        if re.search(r"(^|[\s,;])(\[|_:)", line.split("#", 1)[0]):
            return number
    return None


@dataclass(frozen=True)
class ParsedFile:
    """One file's triples as pyoxigraph parsed them, with what locating its subjects needs."""

    shown: str
    text: str
    triples: list[ox.Triple]
    prefixes: dict[str, str]
    base: str | None


def parse_file(path: Path, root: Path, allow_blank_nodes: bool = False) -> ParsedFile:
    """Parse one RDF file; every input error names the file and, where it can, the line."""
    shown = display_path(path, root)
    text = read_text(path, root)
    if not text.strip():
        raise InputError("the file is empty; add triples or remove it", shown)
    inputs.check_before_parse(path.suffix, text, shown)  # issue 8: checks beyond the parser's
    try:
        parser = ox.parse(text, RDF_FORMATS[path.suffix], base_iri=None)
        triples = [quad.triple for quad in parser]  # the parser yields default-graph quads
    except SyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) else None
        raise InputError(f"invalid {path.suffix[1:]} syntax: {_syntax_message(exc)}", shown, line) from None
    except MemoryError:
        raise inputs.too_large(text, shown) from None
    typed: list[tuple[str, str]] = []
    for triple in triples:
        s, o = triple.subject, triple.object
        if isinstance(o, ox.Literal):
            if o.language is None and o.datatype.value not in inputs.PLAIN_DATATYPES:
                typed.append((o.value, o.datatype.value))
            if not isinstance(s, ox.BlankNode):
                continue
        if isinstance(s, ox.BlankNode) or isinstance(o, ox.BlankNode):
            if allow_blank_nodes:
                continue
            raise InputError("blank node in data; give the node an IRI under " + DATA_BASE,
                             shown, _blank_node_line(text))
        if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
            raise InputError("RDF-star quoted triples are not supported", shown)
    inputs.check_typed_literals(typed, text, shown)  # issue 8: ill-typed literals
    prefixes = dict(parser.prefixes) if hasattr(parser, "prefixes") else {}
    return ParsedFile(shown, text, triples, prefixes, getattr(parser, "base_iri", None))


def to_graph(parsed: ParsedFile) -> Graph:
    """An rdflib graph of a parsed file, its prefixes bound (ontology, shapes, registries to ingest)."""
    return _bind_prefixes(_add_triples(Graph(), parsed), parsed)


def _add_triples(graph: Graph, parsed: ParsedFile) -> Graph:
    for triple in parsed.triples:
        graph.add(rdflib_triple(triple.subject, triple.predicate, triple.object))
    return graph


def _bind_prefixes(graph: Graph, parsed: ParsedFile) -> Graph:
    """The file's prefixes over those `graph` binds (rdflib's own, in a new graph)."""
    for prefix, namespace in sorted(parsed.prefixes.items()):
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def parse_rdf(path: Path, root: Path, allow_blank_nodes: bool = False) -> tuple[Graph, dict[str, int]]:
    """Parse one RDF file into an rdflib graph; return it with the line of each subject."""
    parsed = parse_file(path, root, allow_blank_nodes)
    graph = to_graph(parsed)
    if allow_blank_nodes:
        inputs.check_shapes(graph, parsed.text, parsed.shown)  # issue 8
    return graph, subject_lines(parsed.text, parsed.prefixes, parsed.base)


def _syntax_message(exc: SyntaxError) -> str:
    message = str(exc.msg) if exc.msg else str(exc)
    message = re.sub(r"\s*\([^()]*, line \d+\)\s*$", "", message)
    return message.split("\n", 1)[0]


def rdflib_triple(s: object, p: ox.NamedNode, o: object) -> tuple[Node, Node, Node]:
    def convert(term: object) -> Node:
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        return to_rdflib(term)  # type: ignore[arg-type]

    return (convert(s), URIRef(p.value), convert(o))


def files_graph(parsed_files: Iterable[ParsedFile]) -> Graph:
    """`merge_graphs` of each file's `to_graph`, without the graph of each file: every triple is
    added once, where the merge added each twice (the ontology's, before anything can run beside
    the load), and the prefixes are bound as the merge binds them, file by file."""
    merged = Graph()
    for parsed in parsed_files:
        _add_triples(merged, parsed)
        for prefix, namespace in _bind_prefixes(Graph(), parsed).namespaces():  # as `to_graph`'s
            merged.bind(prefix, namespace, override=False)
    return merged


def merge_graphs(graphs: Iterable[Graph]) -> Graph:
    merged = Graph()
    for part in graphs:
        merged += part
        for prefix, namespace in part.namespaces():
            merged.bind(prefix, namespace, override=False)
    return merged


def load_graph(files: Iterable[Path], root: Path, allow_blank_nodes: bool = False) -> Graph:
    """Small inputs (shapes) as one rdflib graph, with their prefixes bound."""
    return merge_graphs(parse_rdf(file, root, allow_blank_nodes)[0] for file in files)
