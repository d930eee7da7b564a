"""Tidy CSV tables for researchers (`tables/*.csv`), described with CSV on the Web metadata
(`tables/csv-metadata.json`) so that a CSVW processor turns them back into the same triples.

One table per kind of thing (statements, sections, demands, signatures, organizations, actors),
one row per thing, one column per single-valued property; a property with several values per
thing (a demand's addressees and types) is a link table of two columns. Rows are made per unit
(a statement, a registry) and kept in the build cache, like the dumps' pieces.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import io
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pyoxigraph as ox

from publisher.export.base import Exporter, Release
from publisher.export.dumps import CODE, PieceSpec, graph_runs
from publisher.export.packing import Records, joined, pack, records, unpack_views
from publisher.graph import QUAD_TRIPLE, is_entailed
from publisher.load.dataset import GRAPH_BASE
from publisher.remember import remembered
from publisher.settings import PREFIXES

TABLES_FOLDER = "tables"
METADATA_FILE = "csv-metadata.json"
NIDA, DCT, SKOS, OWL = PREFIXES["nida"], PREFIXES["dct"], PREFIXES["skos"], PREFIXES["owl"]
RDF_TYPE = PREFIXES["rdf"] + "type"
STATEMENTS = GRAPH_BASE + "statement/"
#: between the parts of a row's sort key (the pieces' records end their keys with NUL)
SEPARATOR = "\x1f"
AFTER_SEPARATOR = b"\x20"  # a key of a table's rows is below its name and this


@dataclass(frozen=True)
class Column:
    """A column: its name, the property whose value it holds, and what kind of value that is
    (`iri`, `string`, `integer`, `language`); `of` keeps only values of that class."""

    name: str
    property: str
    kind: str = "string"
    of: str | None = None


@dataclass(frozen=True)
class Table:
    """A table of the things of `cls` in the units whose graph starts with `graphs`: the first
    column is the thing's IRI; `link` tables have one row per value of their one column."""

    name: str
    key: str
    cls: str
    graphs: str
    columns: tuple[Column, ...]
    link: bool = False
    #: the offset column rows are ordered by after the statement (printed order), if any
    order: str | None = None


STATEMENT = Column("statement", DCT + "isPartOf", "iri", of=NIDA + "Statement")
TABLES: tuple[Table, ...] = (
    Table("statements", "statement", NIDA + "Statement", STATEMENTS, (
        Column("title", DCT + "title"), Column("subtitle", DCT + "alternative"),
        Column("language", DCT + "language", "language"), Column("publisher", DCT + "publisher", "iri"))),
    Table("sections", "section", NIDA + "Section", STATEMENTS, (
        STATEMENT, Column("ordinal", NIDA + "ordinal", "integer"), Column("heading", NIDA + "text"),
        Column("text_start", NIDA + "textStart", "integer"), Column("text_end", NIDA + "textEnd", "integer")),
        order="text_start"),
    Table("demands", "demand", NIDA + "Demand", STATEMENTS, (
        STATEMENT, Column("section", NIDA + "section", "iri"), Column("ordinal", NIDA + "ordinal", "integer"),
        Column("text", NIDA + "text"), Column("text_start", NIDA + "textStart", "integer"),
        Column("text_end", NIDA + "textEnd", "integer")), order="text_start"),
    Table("demand_addressees", "demand", NIDA + "Demand", STATEMENTS,
          (Column("addressee", NIDA + "addressee", "iri"),), link=True),
    Table("demand_types", "demand", NIDA + "Demand", STATEMENTS,
          (Column("demand_type", NIDA + "demandType", "iri"),), link=True),
    Table("signatures", "signature", NIDA + "Signature", STATEMENTS, (
        STATEMENT, Column("ordinal", NIDA + "ordinal", "integer"),
        Column("name_as_printed", NIDA + "nameAsPrinted"),
        Column("name_start", NIDA + "nameStart", "integer"), Column("name_end", NIDA + "nameEnd", "integer"),
        Column("organization", NIDA + "signatory", "iri")), order="name_start"),
    Table("organizations", "organization", NIDA + "Organization", GRAPH_BASE + "organizations", (
        Column("label", SKOS + "prefLabel"), Column("acronym", NIDA + "acronym"))),
    Table("actors", "actor", NIDA + "Actor", GRAPH_BASE + "actors", (
        Column("label", SKOS + "prefLabel"), Column("wikidata", OWL + "sameAs", "iri"))),
)

#: CSVW datatypes of the column kinds
DATATYPES = {"string": "string", "integer": "integer", "language": "language"}


def cell(term: ox.NamedNode | ox.Literal) -> str:
    return term.value


Values = dict[str, dict[str, list[ox.NamedNode | ox.Literal]]]


def unit_index(triples: list[ox.Triple]) -> tuple[Values, dict[str, set[str]]]:
    """One unit's triples by subject and property, and the types of each subject. (Each triple's
    terms are made once, by unpacking it: each attribute read makes a new Python object.)"""
    by_subject: Values = defaultdict(lambda: defaultdict(list))
    types: dict[str, set[str]] = defaultdict(set)
    for subject, predicate, obj in triples:
        if not isinstance(subject, ox.NamedNode):
            continue
        if predicate.value == RDF_TYPE and isinstance(obj, ox.NamedNode):
            types[subject.value].add(obj.value)
        elif isinstance(obj, ox.NamedNode | ox.Literal):
            by_subject[subject.value][predicate.value].append(obj)
    return by_subject, types


def table_rows(table: Table, by_subject: Values, types: dict[str, set[str]]) -> list[tuple[str, list[str]]]:
    """(sort key, cells) of the table's rows in one unit (`unit_index`)."""
    rows: list[tuple[str, list[str]]] = []
    for subject in sorted(s for s, found in types.items() if table.cls in found):
        values = by_subject.get(subject, {})

        def chosen(column: Column, own: dict[str, list[ox.NamedNode | ox.Literal]] = values) -> list[str]:
            found = own.get(column.property, [])
            return sorted(cell(v) for v in found if column.of is None or column.of in types.get(v.value, ()))

        if table.link:
            rows += [(f"{subject}{SEPARATOR}{value}", [subject, value]) for value in chosen(table.columns[0])]
            continue
        cells = [subject] + [next(iter(chosen(column)), "") for column in table.columns]
        rows.append((_sort_key(table, subject, cells), cells))
    return rows


def _sort_key(table: Table, subject: str, cells: list[str]) -> str:
    """Printed order: by statement, then by offset in its text (zero-padded), else by IRI."""
    if table.order is None:
        return subject
    names = [column.name for column in table.columns]
    statement = cells[1 + names.index("statement")] if "statement" in names else ""
    ordinal = cells[1 + names.index(table.order)]
    return SEPARATOR.join([statement, ordinal.zfill(12), subject])


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def unit_rows(quads: list[ox.Quad]) -> list[tuple[str, list[str]]]:
    """(record key: table name and sort key, cells) of every table's rows in one unit, made once
    for both its pieces (`remembered`)."""
    return remembered(quads, "table rows", lambda: _unit_rows(quads))


def _unit_rows(quads: list[ox.Quad]) -> list[tuple[str, list[str]]]:
    runs = [(name, run) for name, run in graph_runs(quads) if not is_entailed(name)]  # each fact once
    asserted = [quad for _name, run in runs for quad in run]
    graph = runs[0][0] if runs else ""
    tables = [table for table in TABLES if graph.startswith(table.graphs)]
    if not tables:
        return []
    # each fact once, in any order: a row's values are sorted (`table_rows`), its subjects too
    by_subject, types = unit_index(list(dict.fromkeys(map(QUAD_TRIPLE, asserted))))
    return [(f"{table.name}{SEPARATOR}{key}", cells)
            for table in tables for key, cells in table_rows(table, by_subject, types)]


def unit_piece(quads: list[ox.Quad]) -> bytes:
    """Every table's rows in one unit, each a JSON array: records keyed by table name and sort key."""
    return pack((key, json.dumps(cells, ensure_ascii=False)) for key, cells in unit_rows(quads))


def unit_csv_piece(quads: list[ox.Quad]) -> bytes:
    """`unit_piece`'s records, each row as its CSV line(s): a table is written from them as the
    dumps are, without parsing a row (0.17 s at a million triples, while the pages waited)."""
    return pack((key, csv_text([cells])) for key, cells in unit_rows(quads))


#: every table's rows in each unit (`unit_piece`), and as CSV (`unit_csv_piece`)
TABLES_SPEC = PieceSpec("tables", CODE, unit_piece)
TABLES_CSV_SPEC = PieceSpec("tables-csv", CODE, unit_csv_piece)


def table_span(found: Records, name: str) -> Records:
    """The records of one table's rows, among every table's (sorted: each table's lie together)."""
    keys = [span[0] for span in found.spans]
    prefix = name.encode("utf-8")
    first = bisect.bisect_left(keys, prefix + SEPARATOR.encode("utf-8"))
    return Records(found.sources, found.spans[first:bisect.bisect_left(keys, prefix + AFTER_SEPARATOR)])


def metadata(title: str) -> dict[str, Any]:
    """The CSVW table group: each table's columns, the property and datatype of each, and the
    IRI of each row's subject, so that CSV to RDF (minimal mode) gives the asserted triples."""
    tables = []
    for table in TABLES:
        columns: list[dict[str, Any]] = [{"name": table.key, "titles": table.key, "required": True,
                                          "suppressOutput": True}]
        for column in table.columns:
            described: dict[str, Any] = {"name": column.name, "titles": column.name,
                                         "propertyUrl": column.property}
            if column.kind == "iri":
                described["valueUrl"] = "{+" + column.name + "}"
            else:
                described["datatype"] = DATATYPES[column.kind]
            columns.append(described)
        if not table.link:
            columns.append({"name": "type", "virtual": True, "propertyUrl": "rdf:type",
                            "valueUrl": table.cls})
        schema: dict[str, Any] = {"columns": columns, "aboutUrl": "{+" + table.key + "}"}
        if not table.link:
            schema["primaryKey"] = table.key
        tables.append({"url": f"{table.name}.csv", "tableSchema": schema})
    return {"@context": "http://www.w3.org/ns/csvw", "dc:title": title, "tables": tables}


#: the product (`Release.product`) of every table's rows, which the network is built from too
TABLE_ROWS = "table-rows"


class TablesExporter(Exporter):
    """Each table written from its rows' CSV lines in the pieces, in a forked process beside the
    dumps; where two rows share a sort key (one subject described by two units), from the rows
    themselves, whose texts order such rows (`packing.records`)."""

    name = "tables"
    media_type = "text/csv"
    forkable = True

    def piece_specs(self, release: Release) -> list[PieceSpec]:
        return [TABLES_SPEC, TABLES_CSV_SPEC]

    def write(self, release: Release, folder: Path) -> list[Path]:
        found = records(release.mapped_pieces(TABLES_CSV_SPEC))
        parsed: dict[str, list[list[str]]] | None = None  # the rows, where two share a key
        written = []
        for table in TABLES:
            header = csv_text([[table.key, *(column.name for column in table.columns)]]).encode()
            rows = table_span(found, table.name)
            if any(one[0] == other[0] for one, other in itertools.pairwise(rows.spans)):
                parsed = table_records(release) if parsed is None else parsed
                body = csv_text(parsed.get(table.name, [])).encode()
                chunks: list[bytes | memoryview] = [header, body]
            else:
                chunks = [header, *joined(rows)]
            written.append(release.write_chunks(folder / TABLES_FOLDER / f"{table.name}.csv", chunks))
        title = f"{release.settings.release.title}: tables"
        document = json.dumps(metadata(title), indent=2, ensure_ascii=False)
        written.append(release.write(folder / TABLES_FOLDER / METADATA_FILE, (document + "\n").encode()))
        return written


#: the product (`Release.product`) of each table's `rows_digest`
ROWS_DIGESTS = "table-rows-digests"


def rows_digests(release: Release) -> dict[str, str]:
    """Each table's rows' SHA-256, from their text in the pieces, unparsed: what is drawn from
    the rows alone (the GraphML, the site's network page) is kept in the build cache under it,
    and parsing the rows to key it took 0.25 s at a million triples. A row's text is a JSON
    array, so the texts one after the other give the rows back: the digest is of the rows."""
    def make() -> dict[str, str]:
        found = records(release.mapped_pieces(TABLES_SPEC, parallel=True))
        digests = {}
        for table in TABLES:
            digest = hashlib.sha256()
            for chunk in joined(table_span(found, table.name)):
                digest.update(chunk)
            digests[table.name] = digest.hexdigest()
        return digests

    return release.product(ROWS_DIGESTS, make)


def table_records(release: Release) -> dict[str, list[list[str]]]:
    """Each table's rows (cells) in order, from every unit's cached piece, where it lies (read by
    orjson: lists of strings, as `json.loads` gives them, in a quarter of the time)."""
    rows: dict[str, list[list[str]]] = defaultdict(list)
    for key, text in unpack_views(release.mapped_pieces(TABLES_SPEC, parallel=True)):
        rows[key.decode("utf-8").split(SEPARATOR, 1)[0]].append(orjson.loads(text))
    return rows
