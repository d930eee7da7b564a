"""network.graphml is written as text, and networkx's GraphML writer is the reference: the same
bytes for the same co-signatures, including labels XML must escape, and the same refusal of
characters XML cannot carry."""

from __future__ import annotations

import io
import random
from collections import Counter

import networkx as nx
import pytest

from publisher.export.network import CoSignatures, co_signatures, graphml_bytes, sorted_ties

TRICKY = ["", "plain", "a & b", "<tag>", 'say "hi"', "it's", "tab\there", "line\nbreak", "cr\rhere",
          "é ü ß", "\u2028 \u00a0", "]]>", "&amp;", "\U0001f600", "x" * 300]


def networkx_graphml(found: CoSignatures) -> bytes:
    """What `graphml_bytes` replaced: networkx's graph of `found`, written by networkx."""
    graph = nx.Graph()
    organizations = sorted(found.statements)
    for organization in organizations:
        graph.add_node(organization, label=found.label(organization), statements=found.statements[organization])
    for (a, b), weight in sorted_ties(found, organizations):
        graph.add_edge(a, b, weight=weight)
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def random_rows(seed: int) -> dict[str, list[list[str]]]:
    rng = random.Random(seed)
    names = [f"https://w3id.org/nida/id/organization/o{i}" + rng.choice(["", "&x=1", "-é"]) for i in range(40)]
    signatures = [[f"s{statement}-{n}", f"st{statement}", "", name]
                  for statement in range(rng.randint(0, 6)) for n, name in enumerate(rng.sample(names, rng.randint(1, 12)))]
    labelled = rng.sample(names, 30)  # the others are labelled by their IRI
    return {"signatures": signatures, "organizations": [[name, rng.choice(TRICKY)] for name in labelled]}


@pytest.mark.parametrize("seed", range(12))
def test_graphml_is_what_networkx_writes(seed: int) -> None:
    found = co_signatures(random_rows(seed))
    assert graphml_bytes(found) == networkx_graphml(found)


def test_graphml_of_nobody_and_of_one_without_ties() -> None:
    nobody = co_signatures({})
    alone = CoSignatures(labels={"https://x/o/a": "A & co"}, statements=Counter({"https://x/o/a": 2}), ties=Counter())
    for found in (nobody, alone):
        assert graphml_bytes(found) == networkx_graphml(found)
    assert b"<edge" not in graphml_bytes(alone) and b'<key id="d2"' not in graphml_bytes(alone)


@pytest.mark.parametrize("label", ["bell\x07", "nul\x00", "esc\x1b", "\ufffe"])
def test_graphml_refuses_what_xml_cannot_carry_as_networkx_does(label: str) -> None:
    found = CoSignatures(labels={"https://x/o/a": label}, statements=Counter({"https://x/o/a": 1}), ties=Counter())
    with pytest.raises(ValueError):
        networkx_graphml(found)
    with pytest.raises(ValueError, match="not a string XML can carry"):
        graphml_bytes(found)


def test_graphml_reads_back_in_networkx() -> None:
    found = co_signatures(random_rows(3))
    graph = nx.read_graphml(io.BytesIO(graphml_bytes(found)))
    assert dict(graph.nodes(data="statements")) == dict(found.statements)
    assert {tuple(sorted(edge)): weight for *edge, weight in graph.edges(data="weight")} == dict(found.ties)
