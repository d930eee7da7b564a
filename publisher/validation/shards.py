"""Statements as shards: each statement's graph with everything its nodes reach, validated in groups."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib.term import Node

from publisher.graph import STATEMENT_GRAPH_BASE
from publisher.load import Dataset
from publisher.validation.parts import ox_term_of

REST = "rest"

GROUP_TRIPLES = 6_000  # closure triples per group of shards validated together


@dataclass(frozen=True)
class About:
    """What one graph states about one node: the triples, the nodes they point at (named or
    blank) and a digest of the triples, made once however many shards reach the node (at a
    million triples 540 shards reach 5,000 registry nodes 80,000 times)."""

    triples: list[ox.Triple]
    pointed: list[Any]
    #: SHA-256 of the triples' N-Triples lines, sorted
    digest: bytes

    @classmethod
    def of(cls, triples: list[ox.Triple]) -> About:
        return cls(triples, [t.object for t in triples if isinstance(t.object, ox.NamedNode | ox.BlankNode)],
                   triples_digest(triples))


def triples_digest(triples: Iterable[ox.Triple]) -> bytes:
    """SHA-256 of the triples' N-Triples lines, sorted (a triple's text is its line): the same for
    the same triples in any order."""
    return hashlib.sha256("\n".join(sorted(map(str, triples))).encode("utf-8")).digest()


@dataclass
class Shard:
    name: str
    parts: list[str] = field(default_factory=list)
    owned: set[Any] = field(default_factory=set)
    #: what other graphs state about the nodes the shard's nodes reach (registry nodes, ...)
    reached_from: list[About] = field(default_factory=list)
    reached: set[Any] = field(default_factory=set)
    key: str = ""
    size: int = 0


@dataclass(frozen=True)
class Summary:
    """What sharding needs of a graph without its triples: the nodes it states things about,
    the nodes it points at, and how many triples it has. Kept in the cache by the digest of
    the graph's files, so that a statement whose files are unchanged is not even parsed."""

    subjects: frozenset[Any]
    objects: frozenset[Any]
    size: int

    @classmethod
    def of(cls, triples: list[ox.Triple]) -> Summary:
        return cls(frozenset(t.subject for t in triples),
                   frozenset(o for o in {t.object for t in triples} if not isinstance(o, ox.Literal)),
                   len(triples))

    def to_json(self) -> dict[str, Any] | None:
        """IRIs only (None where a blank node or a quoted triple is among the nodes)."""
        nodes = [*self.subjects, *self.objects]
        if not all(isinstance(node, ox.NamedNode) for node in nodes):
            return None
        return {"subjects": sorted(n.value for n in self.subjects),
                "objects": sorted(n.value for n in self.objects), "size": self.size}

    @classmethod
    def from_json(cls, data: Any) -> Summary | None:
        try:
            return cls(frozenset(map(ox.NamedNode, data["subjects"])),
                       frozenset(map(ox.NamedNode, data["objects"])), int(data["size"]))
        except (KeyError, TypeError, ValueError):
            return None


class Graphs:
    """The data's named graphs, with what sharding needs: who states what about which node.

    A graph may come as a `Summary` instead of its triples (a statement not parsed): its
    triples are parsed when something needs them (`triples`, `about`)."""

    def __init__(self, parts: dict[str, list[ox.Triple]], ontology: list[ox.Triple],
                 summaries: dict[str, Summary] | None = None, dataset: Dataset | None = None) -> None:
        self.parts = parts
        self.ontology = ontology
        self.dataset = dataset
        self.ontology_subjects = {t.subject for t in ontology if not isinstance(t.subject, ox.Triple)}
        self.summaries = {name: Summary.of(triples) for name, triples in parts.items()} | (summaries or {})
        self.names = sorted(self.summaries)
        self.subjects = {name: set(summary.subjects) for name, summary in self.summaries.items()}
        self.objects = {name: set(summary.objects) for name, summary in self.summaries.items()}
        self.subject_parts: dict[Any, list[str]] = defaultdict(list)
        for name in self.names:
            for subject in self.subjects[name]:
                self.subject_parts[subject].append(name)
        self._by_subject: dict[str, dict[Any, About]] = {}

    def triples(self, part: str) -> list[ox.Triple]:
        if part not in self.parts:
            assert self.dataset is not None, part
            self.parts[part] = self.dataset.unit_triples(part)
        return self.parts[part]

    def about(self, part: str, node: Any) -> About | None:
        """What one graph states about `node` (each graph indexed once, on demand)."""
        if part not in self._by_subject:
            index: dict[Any, list[ox.Triple]] = defaultdict(list)
            for triple in self.triples(part):
                index[triple.subject].append(triple)
            self._by_subject[part] = {node: About.of(triples) for node, triples in index.items()}
        return self._by_subject[part].get(node)


def make_shards(graphs: Graphs, ontology_subjects: set[Any]) -> list[Shard]:
    """One shard per statement graph, one for the rest; each with what its nodes reach forward."""
    shards: dict[str, Shard] = {}
    for name in graphs.names:
        owner = name if name.startswith(STATEMENT_GRAPH_BASE) else REST
        shard = shards.setdefault(owner, Shard(owner))
        shard.parts.append(name)
        shard.owned.update(graphs.subjects[name])
    shards.setdefault(REST, Shard(REST)).owned.update(ontology_subjects)
    for shard in shards.values():
        _reach(shard, graphs, set() if shard.name == REST else ontology_subjects)
    return [shards[name] for name in sorted(shards)]


def _reach(shard: Shard, graphs: Graphs, stop: set[Any]) -> None:
    """Follow triples forward from the shard's own graphs into other graphs, up to ontology nodes."""
    own = set(shard.parts)
    shard.reached = set().union(*(graphs.objects[p] for p in shard.parts))
    frontier = [n for n in shard.owned | shard.reached if n not in stop]
    seen = set(frontier)
    while frontier:
        node = frontier.pop()
        for part in graphs.subject_parts.get(node, ()):
            about = graphs.about(part, node) if part not in own else None
            if about is None:
                continue
            shard.reached_from.append(about)
            shard.reached.update(about.pointed)
            for obj in about.pointed:
                if obj not in seen and obj not in stop:
                    seen.add(obj)
                    frontier.append(obj)
    shard.size = (sum(graphs.summaries[p].size for p in shard.parts)
                  + sum(len(about.triples) for about in shard.reached_from))


def closure(shard: Shard, graphs: Graphs) -> Iterable[ox.Triple]:
    """Every triple the shard's focus nodes can see (the ontology aside)."""
    for part in shard.parts:
        yield from graphs.triples(part)
    for about in shard.reached_from:
        yield from about.triples


Row = list[list[object]]


def holders(node: Any, shards: list[Shard], graphs: Graphs) -> list[Shard]:
    """The shards, among `shards`, whose cache entry holds results on `node`.

    A node that is a subject somewhere belongs to the shards that own it (none of `shards`
    may); any other focus node to the shards that reach it, or else to `rest`."""
    if node in graphs.subject_parts or node in graphs.ontology_subjects:
        return [shard for shard in shards if node in shard.owned]
    return [shard for shard in shards if node in shard.reached] or [s for s in shards if s.name == REST]


def assign(rows: list[tuple[Node | None, Row]], shards: list[Shard], graphs: Graphs) -> dict[str, list[Row]]:
    """Each result goes to the shards, among `shards`, that hold its focus node (see `holders`)."""
    per_shard: dict[str, list[Row]] = {shard.name: [] for shard in shards}
    found: dict[Any, list[Shard]] = {}
    for focus, row in rows:
        term = ox_term_of(focus)  # type: ignore[arg-type]
        if term not in found:
            found[term] = holders(term, shards, graphs)
        for shard in found[term]:
            per_shard[shard.name].append(row)
    return per_shard


def make_groups(shards: list[Shard], size: int = GROUP_TRIPLES) -> list[list[Shard]]:
    """Shards packed into groups of about `size` closure triples, largest first.

    Small groups keep each SHACL-SPARQL rule's cost near linear (a rule that joins across
    statements costs the square of its store) and the workers evenly loaded."""
    groups: list[list[Shard]] = []
    current: list[Shard] = []
    filled = 0
    for shard in sorted(shards, key=lambda s: (-s.size, s.name)):
        if current and filled + shard.size > size:
            groups.append(current)
            current, filled = [], 0
        current.append(shard)
        filled += shard.size
    if current:
        groups.append(current)
    return groups
