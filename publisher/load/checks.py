"""Checks on input files beyond what the RDF parser enforces (issue 8, the bad-input matrix).

Each check raises InputError naming the file and, where it can be found, the line:
JSON-LD with a remote @context (never fetched), a prefix bound twice to different
namespaces, ill-typed literals ("x"^^xsd:integer), tokens too large for the parser,
shapes whose SHACL parameters have the wrong kind of value, and `owl:imports` /
`sh:shapesGraph` references that are never loaded (a warning, see `remote_references`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, SH, XSD

from publisher.errors import InputError
from publisher.load.files import display_path
from publisher.settings import MAX_JSON_DEPTH
from publisher.textlines import split_lines

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)


def check_prefixes(text: str, shown: str) -> None:
    """A prefix bound twice to different namespaces is almost always a copy-paste mistake."""
    bound: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(split_lines(text), start=1):
        match = _PREFIX.match(line)
        if not match:
            continue
        prefix, namespace = match.groups()
        if prefix in bound and bound[prefix][0] != namespace:
            first, where = bound[prefix]
            raise InputError(f"prefix {prefix}: bound twice (<{first}> on line {where}, <{namespace}> here);"
                             " keep one binding", shown, number)
        bound.setdefault(prefix, (namespace, number))


def _contexts(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                yield from (value if isinstance(value, list) else [value])
            if key == "@import":  # JSON-LD 1.1: a context that imports another by IRI
                yield value
            yield from _contexts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _contexts(item)


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def check_json_depth(text: str, shown: str) -> None:
    """Arrays and objects nested at most MAX_JSON_DEPTH deep, found in one pass before any
    parser recurses into them (Python's json module, then pyld, overflow near 1,000)."""
    blanked = _JSON_STRING.sub(lambda m: '"' + " " * (len(m.group()) - 2) + '"', text)  # offsets kept
    depth = 0
    for bracket in _JSON_BRACKET.finditer(blanked):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            raise InputError(f"JSON nested more than {MAX_JSON_DEPTH} deep; flatten the document"
                             " (give nodes their own @id and refer to them)", shown,
                             text.count("\n", 0, bracket.start()) + 1)


def check_jsonld(text: str, shown: str) -> None:
    """Valid JSON, and only inline contexts: a context given by IRI would be a network fetch."""
    check_json_depth(text, shown)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid jsonld (JSON) syntax: {exc.msg}", shown, exc.lineno) from None
    for context in _contexts(document):
        if isinstance(context, str):
            raise InputError(f"remote @context {context} is never fetched;"
                             " put the context inline in the file", shown)


def oversized_line(text: str, limit: int) -> int | None:
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line.encode("utf-8")) > limit:
            return number
        start += len(line) + 1
    return None


def too_large(text: str, shown: str) -> InputError:
    """pyoxigraph's parser refuses a token (literal, IRI) above its 16 MiB buffer."""
    limit = 16 << 20
    line = oversized_line(text, limit)
    literal = re.search(r'"([^"\\]{1000,})"', text)
    size = len(literal.group(1).encode("utf-8")) if literal else None
    what = f"literal of {size} bytes" if size else "a token"
    return InputError(f"{what} is larger than the parser's limit of {limit} bytes;"
                      " keep long texts in source.txt", shown, line)


PLAIN_DATATYPES = frozenset((str(XSD.string), "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"))
#: ASCII digits, always in xsd:integer's lexical space: rdflib need not be asked (nearly every
#: typed literal of a statement is an offset or ordinal, most of them distinct)
_PLAIN_INTEGER = re.compile(r"[0-9]+")
_INTEGER = str(XSD.integer)


def check_typed_literals(literals: Iterable[tuple[str, str]], text: str, shown: str) -> None:
    """A literal whose lexical form is not in its datatype's lexical space, given as (lexical
    form, datatype IRI) pairs: rdflib judges each distinct pair once."""
    for value, datatype in sorted(set(literals)):
        if datatype == _INTEGER and _PLAIN_INTEGER.fullmatch(value):
            continue
        if datatype not in PLAIN_DATATYPES and _rdflib_ill_typed(value, datatype):
            raise ill_typed(value, datatype, text, shown)


@functools.lru_cache(maxsize=1 << 16)
def _rdflib_ill_typed(value: str, datatype: str) -> bool:
    """rdflib's verdict on one pair, remembered across files: the same ordinals, lengths and
    dates recur in every statement (130,509 pairs, 11,031 distinct, at a million triples)."""
    return bool(Literal(value, datatype=URIRef(datatype)).ill_typed)


def ill_typed(value: str, datatype: str, text: str, shown: str) -> InputError:
    name = "xsd:" + datatype[len(str(XSD)):] if datatype.startswith(str(XSD)) else f"<{datatype}>"
    line = None
    position = text.find(f'"{value}"^^')
    if position >= 0:
        line = text.count("\n", 0, position) + 1
    return InputError(f'"{value}" is not a valid {name}; fix the value or its datatype', shown, line)


#: SHACL parameters whose value must be a non-negative integer, and those that must be an IRI
_INTEGER_PARAMETERS = (SH.minCount, SH.maxCount, SH.minLength, SH.maxLength, SH.qualifiedMinCount,
                       SH.qualifiedMaxCount)
_IRI_PARAMETERS = (SH.datatype, SH["class"], SH.targetClass, SH.severity, SH.nodeKind)


def _line_with(text: str, *parts: str) -> int | None:
    for number, line in enumerate(split_lines(text), start=1):
        if all(part in line for part in parts):
            return number
    return None


def check_shapes(graph: Graph, text: str, shown: str) -> None:
    """The shapes' parameters have the kind of value SHACL requires (else pySHACL ignores them)."""
    for parameters, wanted in ((_INTEGER_PARAMETERS, "an integer >= 0"), (_IRI_PARAMETERS, "an IRI")):
        for parameter in parameters:
            for _subject, value in graph.subject_objects(parameter):
                if wanted == "an IRI":
                    good = isinstance(value, URIRef)
                else:
                    good = (isinstance(value, Literal) and value.datatype == XSD.integer
                            and not value.ill_typed and int(value) >= 0)
                if not good:
                    name = parameter[len(str(SH)):]
                    raise InputError(f"not valid SHACL: sh:{name} must be {wanted}, not {value.n3()}",
                                     shown, _line_with(text, name, str(value)))


#: predicates whose objects name documents nida never loads, as reported
REFERENCES = ((OWL.imports, "owl:imports"), (SH.shapesGraph, "sh:shapesGraph"))


def remote_references(graphs: Iterable[Graph], files: Iterable[Path], root: Path) -> list[str]:
    """owl:imports and sh:shapesGraph IRIs, as warnings: nida never loads them (nothing is fetched)."""
    found = []
    graphs = list(graphs)
    for predicate, name in REFERENCES:
        for value in sorted({str(o) for graph in graphs for o in graph.objects(None, predicate)}):
            where = _first_mention(value, files, root)
            found.append(f"{where}warning: {name} <{value}> is not loaded (nida never fetches);"
                         " add its triples as a local file if they are needed")
    return found


def _first_mention(iri: str, files: Iterable[Path], root: Path) -> str:
    for file in files:
        try:
            text = file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        position = text.find(iri)
        if position >= 0:
            shown = display_path(file, root)
            return f"{shown}:{text.count(chr(10), 0, position) + 1}: "
    return ""


def check_before_parse(suffix: str, text: str, shown: str) -> None:
    if suffix == ".jsonld":
        check_jsonld(text, shown)
    elif suffix == ".ttl":
        check_prefixes(text, shown)
