"""A unit's asserted triples as the site index's rows, and the lookups a change to them reaches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from publisher.export.base import Release
from publisher.export.html.paths import (
    BRIEF_PROPERTIES,
    RDF_TYPE,
    term_iri,
)
from publisher.export.html.site import TERMS_TOKEN, brief_token, object_token, subject_token
from publisher.graph import RDF_TYPE as RDF_TYPE_NODE
from publisher.graph import Axioms, inferred_triples, ontology_axioms, sorted_unique, triple_text
from publisher.load import ONTOLOGY_GRAPH
from publisher.settings import ONTOLOGY_NS

#: a file of html/ as published: its path, build cache key, SHA-256, and `file_stat` where it was
#: written (so that the next publish links it from the release it replaces, if it is still there)
FileRow = tuple[str, str, str, str]


#: subject, unit, and the N-Triples lines of the unit's asserted triples about the subject: those
#: from which something of `BRIEF_PROPERTIES` follows, and the rest
SubjectRow = tuple[str, str, str, str]


#: object, predicate, unit, and the subjects of the unit's asserted triples with them (one a line)
ObjectRow = tuple[str, str, str, str]


@dataclass
class IndexedPage:
    """A page as the index keeps it: enough to copy it from the build cache and list it."""

    path: str
    title: str
    key: str
    owner: str | None
    subjects: list[str]
    #: (path under html/, build cache key) of the source text written beside the page
    texts: list[tuple[str, str]] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)


@dataclass
class UnitRows:
    """A unit's asserted triples as rows of the index (what is materialized from them follows
    from the ontology's axioms, which the index's fingerprint fixes)."""

    unit: str
    subjects: list[SubjectRow]
    objects: list[ObjectRow]

    def differences(self, other: UnitRows) -> UnitRows:
        """The rows of either that the other does not have the same (a changed unit's triples
        that changed: a unit is one registry file of thousands of organizations)."""
        mine_s, theirs_s = set(self.subjects), set(other.subjects)
        mine_o, theirs_o = set(self.objects), set(other.objects)
        return UnitRows(self.unit, sorted(mine_s ^ theirs_s), sorted(mine_o ^ theirs_o))

    def tokens(self, axioms: Axioms) -> set[str]:
        """The lookups these triples, and those materialized from them, answer (part of): for
        rows that are differences (`differences`), a subject's brief values were read
        differently only where its brief lines differ."""
        found = {subject_token(row[0]) for row in self.subjects}
        briefs: dict[str, list[str]] = defaultdict(list)
        for subject, _unit, brief, _rest in self.subjects:
            briefs[subject].append(brief)
        # a subject's row before and after (two), or one added or removed
        found |= {brief_token(subject) for subject, lines in briefs.items()
                  if (len(set(lines)) > 1 if len(lines) > 1 else lines[0] != "")}
        for obj, predicate, _unit, _subjects in self.objects:
            node = ox.NamedNode(obj)
            supers = axioms.properties.get(ox.NamedNode(predicate), ())
            pairs = [(obj, predicate)] + [(obj, p.value) for p in supers]
            if predicate == RDF_TYPE:
                pairs += [(c.value, RDF_TYPE) for c in axioms.classes.get(node, ())]
            for o, p in pairs:
                found |= {object_token(o, p), object_token(o, None)}
        if any(row[0].startswith(ONTOLOGY_NS) for row in self.subjects):
            found.add(TERMS_TOKEN)
        return found


def _line(triple: ox.Triple) -> str:
    return triple_text(triple) + " .\n"


def brief_sources(axioms: Axioms) -> frozenset[str]:
    """The predicates of the asserted triples from which a triple of `BRIEF_PROPERTIES` follows."""
    found = set(BRIEF_PROPERTIES)
    for predicate, supers in axioms.properties.items():
        if any(p.value in BRIEF_PROPERTIES for p in supers):
            found.add(predicate.value)  # type: ignore[union-attr]
    return frozenset(found)


def unit_rows(unit: str, asserted: Iterable[ox.Triple], brief: frozenset[str]) -> UnitRows:
    """The rows of a unit: its asserted triples by subject, and the subjects of those whose
    object is an IRI by (object, predicate)."""
    by_subject: dict[str, tuple[list[str], list[str]]] = {}
    by_object: dict[tuple[str, str], list[str]] = {}
    for triple in asserted:
        subject, predicate = term_iri(triple.subject), triple.predicate.value
        by_subject.setdefault(subject, ([], []))[0 if predicate in brief else 1].append(_line(triple))
        if isinstance(triple.object, ox.NamedNode):
            by_object.setdefault((triple.object.value, predicate), []).append(subject)
    return UnitRows(
        unit,
        [(s, unit, "".join(b), "".join(r)) for s, (b, r) in by_subject.items()],
        [(o, p, unit, "\n".join(subjects)) for (o, p), subjects in by_object.items()],
    )


def subject_node(text: str) -> ox.NamedNode | ox.BlankNode:
    return ox.BlankNode(text[2:]) if text.startswith("_:") else ox.NamedNode(text)


def with_inferred(asserted: list[ox.Triple], axioms: Axioms) -> list[ox.Triple]:
    """Asserted triples with what the release materializes from them, sorted, once each."""
    made = [i for t in asserted if t.predicate == RDF_TYPE_NODE or t.predicate in axioms.properties
            for i in inferred_triples(t, axioms)]
    return sorted_unique([*asserted, *made], triple_text)


def parse_lines(text: str) -> list[ox.Triple]:
    return [quad.triple for quad in ox.parse(text, ox.RdfFormat.N_TRIPLES)] if text else []


def release_axioms(release: Release) -> Axioms:
    return ontology_axioms(release.dataset.unit_triples(ONTOLOGY_GRAPH))
