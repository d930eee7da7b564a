"""Running one query on a store and writing its answer in the SPARQL result and RDF formats."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from publisher.sandbox import network_denied
from publisher.settings import PREFIXES
from publisher.sparql.screen import (
    SERVICE_REFUSED,
    QueryError,
    QueryRefused,
    QueryTooLarge,
    check_query,
    spells_service,
    unescaped,
)

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def syntax_message(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _failure(exc: Exception, text: str) -> QueryError:
    """An error from evaluation. In the sandbox an I/O error of the in-memory store can only be
    a SERVICE clause that could not reach its endpoint (no socket, no name lookup): it is said
    so. The text is read only to choose the message; the sandbox did the refusing."""
    if network_denied() and isinstance(exc, OSError) and spells_service(unescaped(text)):
        return QueryRefused(SERVICE_REFUSED)
    return QueryError(f"query failed: {syntax_message(exc)}")


@dataclass
class Answer:
    """A query's answer, bounded: SELECT rows, an ASK boolean, or CONSTRUCT/DESCRIBE triples."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)  # ox terms or None
    boolean: bool = False
    triples: list[ox.Triple] = field(default_factory=list)

    def __len__(self) -> int:
        if self.kind == "ask":
            return 1
        return len(self.rows) if self.kind == "select" else len(self.triples)


@dataclass(frozen=True)
class GraphSpec:
    """The RDF dataset of a query given by the protocol (default-graph-uri, named-graph-uri);
    empty: the default graph is the union of all graphs, every named graph is available."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    def options(self) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self.default:
            options["default_graph"] = [ox.NamedNode(g) for g in self.default]
        else:
            options["use_default_graph_as_union"] = True
        if self.named:
            options["named_graphs"] = [ox.NamedNode(g) for g in self.named]
        return options


def run_query(store: ox.Store, text: str, limit: int, graphs: GraphSpec | None = None) -> Answer:
    """Check and run a query; more than `limit` rows or triples is QueryTooLarge."""
    check_query(text)
    try:
        results = store.query(text, prefixes=PREFIXES, **(graphs or GraphSpec()).options())
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {syntax_message(exc)}") from None
    except (OSError, ValueError) as exc:
        raise _failure(exc, text) from None
    try:
        if isinstance(results, ox.QueryBoolean):
            return Answer("ask", boolean=bool(results))
        if isinstance(results, ox.QuerySolutions):
            variables = [v.value for v in results.variables]
            rows: list[list[Any]] = []
            for solution in results:
                if len(rows) >= limit:
                    raise QueryTooLarge(f"more than {limit} result rows; add a LIMIT or narrow the query")
                rows.append([solution[v] for v in variables])
            return Answer("select", variables=variables, rows=rows)
        triples: list[ox.Triple] = []
        for triple in results:
            if len(triples) >= limit:
                raise QueryTooLarge(f"more than {limit} result triples; narrow the query")
            triples.append(triple)
        return Answer("graph", triples=triples)
    except (SyntaxError, OSError, ValueError) as exc:
        raise _failure(exc, text) from None


def _term_json(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    raise QueryError("RDF-star triples in results are not supported")


RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def sparql_json(answer: Answer) -> bytes:
    """The SPARQL 1.1 Query Results JSON of a SELECT or ASK answer."""
    if answer.kind == "ask":
        return json.dumps({"head": {}, "boolean": answer.boolean}).encode("utf-8")
    bindings = [{v: _term_json(t) for v, t in zip(answer.variables, row, strict=True) if t is not None}
                for row in answer.rows]
    document = {"head": {"vars": answer.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def serialize(answer: Answer, fmt: str) -> tuple[bytes, str]:
    """The answer in a result format (json, xml, csv, tsv) or, for graphs, an RDF format;
    pyoxigraph writes every format from the bounded JSON results."""
    if answer.kind == "graph":
        rdf_format = GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE)
        data = ox.serialize(answer.triples, format=rdf_format, prefixes=PREFIXES)
        return data or b"", rdf_format.media_type
    if fmt not in RESULT_FORMATS:
        raise QueryError(f"unknown result format {fmt!r}; use one of {', '.join(RESULT_FORMATS)}")
    results_format = RESULT_FORMATS[fmt]
    parsed = ox.parse_query_results(sparql_json(answer), format=ox.QueryResultsFormat.JSON)
    data = parsed.serialize(format=results_format)
    return data or b"", results_format.media_type


def _cell(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and re.fullmatch(r"[\w.-]*", term.value[len(namespace):]):
                return f"{prefix}:{term.value[len(namespace):]}"
        if term.value.startswith("https://w3id.org/nida/id/"):
            return "<" + term.value[len("https://w3id.org/nida/id/"):] + ">"
        return f"<{term.value}>"
    return str(term.value)


def render(answer: Answer, fmt: str) -> str:
    """Text for the terminal: an aligned table, or csv/tsv/json; graphs as Turtle."""
    if fmt == "table":
        if answer.kind == "ask":
            return ("true" if answer.boolean else "false") + "\n"
        if answer.kind == "graph":
            return serialize(answer, "turtle")[0].decode("utf-8")
        cells = [[_cell(t).replace("\n", "\\n") for t in row] for row in answer.rows]
        widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(answer.variables)]
        lines = ["  ".join(v.ljust(w) for v, w in zip(answer.variables, widths, strict=True)).rstrip(),
                 "  ".join("-" * w for w in widths)]
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
        lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
        return "\n".join(lines) + "\n"
    if answer.kind == "graph":
        fmt = {"json": "jsonld", "csv": "ntriples", "tsv": "ntriples"}.get(fmt, fmt)
    if fmt == "csv" and answer.kind == "select":  # CSV with plain values, one line per row
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(answer.variables)
        writer.writerows([["" if t is None else t.value for t in row] for row in answer.rows])
        return buffer.getvalue()
    text = serialize(answer, fmt)[0].decode("utf-8")
    return text if text.endswith("\n") or not text else text + "\n"
