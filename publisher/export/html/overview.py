"""What the site shows of the whole collection, from the tables' rows: on the index, how many
demands each addressee receives and each demand type counts (bars in plain HTML); on the
network page, the co-signature network, drawn in the browser with Cytoscape.js (bundled into
the release from its npm package, MIT licence, never fetched from a CDN)."""

from __future__ import annotations

import heapq
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markupsafe import Markup
from rdflib import URIRef
from rdflib.namespace import SKOS

from publisher.export.base import Release
from publisher.export.html.paths import page_link
from publisher.export.html.render import script_text
from publisher.export.network import CoSignatures


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


NETWORK_PAGE = "network.html"
CYTOSCAPE = "assets/cytoscape.min.js"
STATIC = Path(__file__).with_name("static")
#: the page draws at most this many ties, the strongest (network.graphml has them all)
MAX_EDGES = 3000


def network_data(found: CoSignatures) -> Markup:
    """The co-signature network as the page's JSON: every organization that signed (label, link,
    statements signed) and the strongest ties between them (statements signed together)."""
    # `sorted(...)[:MAX_EDGES]` without sorting a list of every tie (near a million at 1M triples)
    strongest = heapq.nsmallest(MAX_EDGES, found.ties.items(), key=lambda item: (-item[1], item[0]))
    nodes = [{"id": iri, "label": found.label(iri), "statements": count, "href": page_link(iri)}
             for iri, count in sorted(found.statements.items())]
    edges = [{"source": a, "target": b, "weight": weight} for (a, b), weight in sorted(strongest)]
    data = {"nodes": nodes, "edges": edges, "ties": len(found.ties)}
    return script_text(json.dumps(data, ensure_ascii=False, sort_keys=True))
