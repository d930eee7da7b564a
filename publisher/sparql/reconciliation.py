"""A reconciliation service (the W3C Reconciliation Service API, the protocol OpenRefine speaks)
over the organization and actor registries, so a researcher can match a column of names.

Names are compared as `nida ingest` compares printed names (publisher/ingest/reconcile.py:
case, spacing, punctuation and diacritics aside); a candidate scores 100 when a label of it,
or its acronym, equals the query so normalized, else rapidfuzz's token-sort ratio of the two.
A result is a `match` only when it alone scores 100.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rapidfuzz import fuzz

from publisher.graph import RDF_TYPE
from publisher.ingest.reconcile import normalize
from publisher.settings import DATA_BASE, ONTOLOGY_NS, PREFIXES

TYPES = {ONTOLOGY_NS + "Organization": "Organization", ONTOLOGY_NS + "Actor": "Actor"}
LABELS = (PREFIXES["skos"] + "prefLabel", PREFIXES["skos"] + "altLabel", PREFIXES["schema"] + "alternateName")
ACRONYM = ONTOLOGY_NS + "acronym"
DEFAULT_LIMIT = 5
MAX_QUERIES = 1000


class ReconciliationError(ValueError):
    """A request the service cannot read; its message says what was expected."""


@dataclass(frozen=True)
class Candidate:
    iri: str
    name: str
    types: tuple[str, ...]
    labels: frozenset[str]  # normalized
    acronyms: frozenset[str]

    def score(self, query: str, normalized: str) -> float:
        if normalized in self.labels or query.strip() in self.acronyms:
            return 100.0
        return max((fuzz.token_sort_ratio(normalized, label) for label in self.labels), default=0.0)


def candidates(store: ox.Store) -> list[Candidate]:
    """Every organization and actor of the store, with its labels."""
    types: dict[str, set[str]] = {}
    for type_iri in TYPES:
        for quad in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(type_iri), None):
            if isinstance(quad.subject, ox.NamedNode):
                types.setdefault(quad.subject.value, set()).add(type_iri)
    found = []
    for iri in sorted(types):
        node = ox.NamedNode(iri)

        def values(predicate: str, subject: ox.NamedNode = node) -> list[str]:
            quads = store.quads_for_pattern(subject, ox.NamedNode(predicate), None, None)
            return sorted({q.object.value for q in quads if isinstance(q.object, ox.Literal)})

        names = values(LABELS[0])
        labels = [label for predicate in LABELS for label in values(predicate)]
        found.append(Candidate(iri, names[0] if names else iri, tuple(sorted(types[iri])),
                               frozenset(normalize(label) for label in labels), frozenset(values(ACRONYM))))
    return found


class Reconciler:
    """Answers reconciliation queries from the registries of one release."""

    def __init__(self, store: ox.Store) -> None:
        self.candidates = candidates(store)

    @staticmethod
    def manifest() -> dict[str, Any]:
        return {
            "versions": ["0.2"],
            "name": "nida: organizations and actors of joint statements",
            "identifierSpace": DATA_BASE,
            "schemaSpace": ONTOLOGY_NS,
            "defaultTypes": [{"id": iri, "name": name} for iri, name in TYPES.items()],
            "view": {"url": "{{id}}"},
        }

    def reconcile(self, query: Any) -> dict[str, Any]:
        """One query ({"query": text, "type": ..., "limit": n}) -> {"result": [...]}, best first."""
        if not isinstance(query, dict) or not isinstance(query.get("query"), str):
            raise ReconciliationError('each query must be an object with a string "query"')
        text, wanted = query["query"], query.get("type")
        wanted_types = {wanted} if isinstance(wanted, str) else set(wanted or ())
        limit = query.get("limit", DEFAULT_LIMIT)
        if not isinstance(limit, int) or limit < 1:
            raise ReconciliationError('"limit" must be a positive whole number')
        normalized = normalize(text)
        scored = [(candidate.score(text, normalized), candidate) for candidate in self.candidates
                  if not wanted_types or wanted_types & set(candidate.types)]
        scored.sort(key=lambda pair: (-pair[0], pair[1].iri))
        best = scored[:limit]
        exact = sum(1 for score, _candidate in scored if score == 100.0)
        return {"result": [{"id": c.iri, "name": c.name, "score": round(score, 1),
                            "match": score == 100.0 and exact == 1,
                            "type": [{"id": t, "name": TYPES[t]} for t in c.types]} for score, c in best]}

    def answer(self, queries_json: str) -> dict[str, Any]:
        """A batch, as OpenRefine sends it: {"q0": query, "q1": query, ...} -> {"q0": {"result": ...}}."""
        try:
            queries = json.loads(queries_json)
        except ValueError:
            raise ReconciliationError('"queries" is not JSON') from None
        if not isinstance(queries, dict) or len(queries) > MAX_QUERIES:
            raise ReconciliationError(f'"queries" must be a JSON object of at most {MAX_QUERIES} queries')
        return {key: self.reconcile(query) for key, query in queries.items()}
