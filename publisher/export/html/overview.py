"""The index's overview: how many demands each addressee receives and each demand type counts,
drawn as bars in plain HTML (no script), from the tables' rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from rdflib import URIRef
from rdflib.namespace import SKOS

from publisher.export.base import Release
from publisher.export.html.paths import page_link


def tally(pairs: list[list[str]], label: Callable[[str], str]) -> list[dict[str, Any]]:
    """Each value of (demand, value) pairs with how many demands have it, most first; `percent`
    is its bar's length against the largest count."""
    counts = Counter(value for _demand, value in pairs)
    top = max(counts.values(), default=1)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], label(item[0]).lower(), item[0]))
    return [{"label": label(value), "count": count, "percent": round(100 * count / top),
             "href": page_link(value)} for value, count in ordered]


def overview(release: Release, rows: dict[str, list[list[str]]]) -> dict[str, Any]:
    actors = {row[0]: row[1] for row in rows.get("actors", []) if row[1]}
    ontology = release.dataset.ontology

    def concept(iri: str) -> str:
        found = ontology.value(URIRef(iri), SKOS.prefLabel)
        return str(found) if found is not None else iri.rsplit("/", 1)[-1]

    return {"addressees": tally(rows.get("demand_addressees", []), lambda iri: actors.get(iri, iri)),
            "demand_types": tally(rows.get("demand_types", []), concept)}
