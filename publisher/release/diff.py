"""What changed between two releases: added and removed triples per named graph and per
statement, read from each release's canonical N-Quads (for release notes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from publisher.errors import InputError
from publisher.graph import statement_slug

NQUADS = "nida.nq"


@dataclass(frozen=True)
class GraphChange:
    graph: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Changes:
    graphs: list[GraphChange]
    old_graphs: frozenset[str]
    new_graphs: frozenset[str]

    @property
    def added(self) -> int:
        return sum(len(g.added) for g in self.graphs)

    @property
    def removed(self) -> int:
        return sum(len(g.removed) for g in self.graphs)

    def statements(self) -> dict[str, Any]:
        old = {s for g in self.old_graphs if (s := statement_slug(g))}
        new = {s for g in self.new_graphs if (s := statement_slug(g))}
        changed = {slug: {"added": len(g.added), "removed": len(g.removed)}
                   for g in self.graphs if (slug := statement_slug(g.graph)) and slug in old & new}
        return {"added": sorted(new - old), "removed": sorted(old - new), "changed": changed}

    def as_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "removed": self.removed,
            "statements": self.statements(),
            "graphs": {g.graph: {"added": g.added, "removed": g.removed} for g in self.graphs},
        }


def read_graphs(dist: Path) -> dict[str, set[str]]:
    """The release's N-Quads as canonical N-Triples lines, by graph IRI."""
    path = dist / NQUADS
    if not path.is_file():
        raise InputError(f"not a nida release: no {NQUADS}", dist)
    graphs: dict[str, set[str]] = {}
    try:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            graphs.setdefault(name, set()).add(f"{ox.Triple(quad.subject, quad.predicate, quad.object)} .")
    except SyntaxError as exc:
        raise InputError(f"does not parse: {exc}; run nida verify", path) from None
    return graphs


def diff(old: Path, new: Path) -> Changes:
    before, after = read_graphs(old), read_graphs(new)
    changes = []
    for graph in sorted(set(before) | set(after)):
        a, b = before.get(graph, set()), after.get(graph, set())
        if a != b:
            changes.append(GraphChange(graph, added=sorted(b - a), removed=sorted(a - b)))
    return Changes(changes, frozenset(before), frozenset(after))


def render_text(changes: Changes, triples: bool = True) -> str:
    lines = [f"{changes.added} triples added, {changes.removed} removed, "
             f"in {len(changes.graphs)} graph(s)"]
    statements = changes.statements()
    for kind in ("added", "removed"):
        for slug in statements[kind]:
            lines.append(f"statement {slug}: {kind}")
    for slug, counts in statements["changed"].items():
        lines.append(f"statement {slug}: +{counts['added']} -{counts['removed']}")
    for change in changes.graphs:
        lines.append(f"graph <{change.graph}>: +{len(change.added)} -{len(change.removed)}")
        if triples:
            lines += [f"  + {t}" for t in change.added] + [f"  - {t}" for t in change.removed]
    return "\n".join(lines) + "\n"
