"""Research exports: the CSV tables turn back into the asserted triples they hold through a CSVW
processor (csvw_functions, served the release over loopback HTTP as a client would fetch it),
and the co-signature network reads in networkx with one node per signing organization."""

from __future__ import annotations

import csv
import functools
import hashlib
import http.server
import json
import os
from collections.abc import Iterator
from pathlib import Path

import csvw_functions
import networkx as nx
import pyoxigraph as ox
import pytest

from publisher.export import tables
from publisher.export.base import Release
from publisher.export.network import NETWORK_FILE, co_signatures, sorted_ties
from publisher.export.tables import (
    RDF_TYPE,
    TABLES,
    TABLES_FOLDER,
    TablesExporter,
    csv_text,
    rows_digests,
    table_records,
)
from publisher.load.dataset import load_dataset
from publisher.settings import Settings
from tests.conftest import REPO, edit, loopback_server, run


@pytest.fixture(scope="module")
def tables_url(release: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(release / TABLES_FOLDER))
    with loopback_server(handler) as url:
        yield url


def asserted_triples() -> set[ox.Triple]:
    """What the tables should hold: for each table, the asserted triples of its properties about
    the things of its class in its graphs, and their type."""
    dataset = load_dataset(Settings(root=REPO))
    expected: set[ox.Triple] = set()
    for table in TABLES:
        properties = {column.property for column in table.columns}
        for graph, triples in dataset.parts.items():
            if not graph.startswith(table.graphs):
                continue
            members = {t.subject for t in triples if t.predicate.value == RDF_TYPE and t.object.value == table.cls}
            expected |= {t for t in triples if t.subject in members and t.predicate.value in properties}
            if not table.link:
                expected |= {ox.Triple(m, ox.NamedNode(RDF_TYPE), ox.NamedNode(table.cls)) for m in members}
    return expected


def test_the_tables_round_trip_to_the_asserted_triples(tables_url: str) -> None:
    group = csvw_functions.create_annotated_table_group(tables_url + "/csv-metadata.json")
    converted = csvw_functions.create_rdf(group, mode="minimal")
    found = {q.triple for q in ox.parse(converted.encode("utf-8"), format=ox.RdfFormat.TURTLE)}
    expected = asserted_triples()
    assert len(expected) == 499
    assert found - expected == set()
    assert expected - found == set()


def test_rows_are_in_printed_order_and_numbers_are_numbers(release: Path) -> None:
    with (release / TABLES_FOLDER / "demands.csv").open(encoding="utf-8", newline="") as handle:
        demands = list(csv.DictReader(handle))
    assert len(demands) == 7
    starts = [int(row["text_start"]) for row in demands]
    assert starts == sorted(starts)
    assert [row["demand"].rsplit("/", 1)[1] for row in demands] == ["1-1", "1-2", "1-3", "1-4", "1-5", "2-1", "2-2"]
    with (release / TABLES_FOLDER / "signatures.csv").open(encoding="utf-8", newline="") as handle:
        signatures = list(csv.DictReader(handle))
    assert [int(row["ordinal"]) for row in signatures] == list(range(1, 44))
    assert signatures[0]["name_as_printed"] == "Syrians For Truth and Justice"


def test_the_network_has_a_node_per_signing_organization(release: Path) -> None:
    graph = nx.read_graphml(release / NETWORK_FILE)
    with (release / TABLES_FOLDER / "signatures.csv").open(encoding="utf-8", newline="") as handle:
        organizations = {row["organization"] for row in csv.DictReader(handle)}
    assert set(graph.nodes) == organizations and len(organizations) == 42  # 43 signatures, one twice
    assert graph.number_of_edges() == 42 * 41 // 2  # one statement: everyone co-signed with everyone
    assert {data["weight"] for _a, _b, data in graph.edges(data=True)} == {1}
    assert graph.nodes[f"{'https://w3id.org/nida/id/'}organization/syrians-for-truth-and-justice"]["label"] == \
        "Syrians for Truth and Justice"


def test_ties_sort_by_rank_as_by_text() -> None:
    """`sorted_ties` (by rank) gives the order sorting the pairs' texts gives, with IRIs that share
    long prefixes and prefix one another, across statements of overlapping signatories."""
    names = ["https://x/o/a", "https://x/o/a-b", "https://x/o/ab", "https://x/o/b", "https://x/o/a-b-c", "https://x/o/é"]
    rows = {"signatures": [[f"s{i}-{j}", f"st{i}", org] for i in range(4)
                           for j, org in enumerate(names[i:] + names[:i][: i % 3])]}
    found = co_signatures(rows)
    assert sorted_ties(found, sorted(found.statements)) == sorted(found.ties.items())


def test_rows_digests_are_of_the_rows_as_they_are_read(tmp_path: Path) -> None:
    """`rows_digests` hashes the rows' text in the pieces, unparsed: it is the SHA-256 of each
    table's rows serialized one after the other, as `table_records` reads them back."""
    settings = Settings(root=REPO, cache_dir_override=tmp_path / "cache")
    release = Release(load_dataset(settings, lazy=True), settings)
    rows = table_records(release)
    expected = {table.name: hashlib.sha256("".join(json.dumps(row, ensure_ascii=False)
                                                    for row in rows.get(table.name, [])).encode()).hexdigest()
                for table in TABLES}
    assert rows_digests(release) == expected
    assert len(rows["signatures"]) == 43 and len(set(expected.values())) == len(TABLES)


def test_an_unchanged_graphml_is_linked_from_the_release_it_replaces(project: Path) -> None:
    """Publishing again with no signature or organization changed links network.graphml to the
    previous release's (the same bytes, not written again); a renamed organization writes it."""
    assert run("publish", "--quiet").exit_code == 0
    first = os.stat(project / "dist" / NETWORK_FILE)
    statement = next((project / "data" / "statements").glob("*/statement.ttl"))
    statement.write_text(statement.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert run("publish", "--quiet").exit_code == 0
    assert os.stat(project / "dist" / NETWORK_FILE).st_ino == first.st_ino
    edit(project / "data" / "organizations.ttl", '"Syrians for Truth and Justice"', '"Syrians for Truth & Justice"')
    assert run("publish", "--quiet").exit_code == 0
    assert os.stat(project / "dist" / NETWORK_FILE).st_ino != first.st_ino
    assert b"Syrians for Truth &amp; Justice" in (project / "dist" / NETWORK_FILE).read_bytes()
    result = run("verify", "dist")
    assert result.exit_code == 0, result.output


def written_tables(root: Path, out: Path, monkeypatch: pytest.MonkeyPatch,
                   parsed: int) -> tuple[dict[str, str], dict[str, str]]:
    """Each table as TablesExporter writes it (from the CSV pieces, the rows parsed `parsed`
    times), and as the rows give it."""
    settings = Settings(root=root, cache_dir_override=out / "cache")
    release = Release(load_dataset(settings), settings)
    calls: list[int] = []
    monkeypatch.setattr(tables, "table_records", lambda release: calls.append(1) or table_records(release))
    TablesExporter().write(release, out)
    assert len(calls) == parsed
    rows = table_records(release)
    return ({table.name: (out / TABLES_FOLDER / f"{table.name}.csv").read_text(encoding="utf-8") for table in TABLES},
            {table.name: csv_text([[table.key, *(c.name for c in table.columns)], *rows.get(table.name, [])])
             for table in TABLES})


def test_tables_written_from_their_csv_pieces_are_the_rows_as_csv(corpus: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    written, expected = written_tables(corpus, tmp_path, monkeypatch, parsed=0)
    assert written == expected
    assert written["signatures"].count("\n") == 1 + 3 * 6


def test_rows_sharing_a_key_are_ordered_as_the_rows_order_them(corpus: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """One signature described by two statements (another name in the second): two rows with one
    sort key, which the JSON rows' texts order; the table is written from the rows then."""
    path = corpus / "data" / "statements" / "synthetic-00002" / "statement.ttl"
    with path.open("a", encoding="utf-8") as handle:
        handle.write('\n<statement/synthetic-00001> a nida:Statement .\n'
                     '<statement/synthetic-00001/signature/1> a nida:Signature ;\n'
                     '    dct:isPartOf <statement/synthetic-00001> ;\n    nida:nameStart 788 ;\n'
                     '    nida:nameAsPrinted "A name printed \\"elsewhere\\", with a comma" .\n')
    written, expected = written_tables(corpus, tmp_path, monkeypatch, parsed=1)  # once: statements, signatures
    assert written == expected
    assert written["signatures"].count("synthetic-00001/signature/1,") == 2
