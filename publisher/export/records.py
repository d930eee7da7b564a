"""One framed JSON-LD record per statement (`statements/<slug>.jsonld`), made with pyld.

The record is `statement_scope` (the statement's graph plus the registry nodes it
reaches) framed around the statement: sections with their demands, positions, and
signatures with their organizations nested; the local context is inline, so a record
reads offline on its own. Materialized super-properties (dct:hasPart, prov:agent,
wdt:P1891...) and the `nida:signedBy` shortcut stay as references, so that each node
is nested where an archivist looks for it; every other node is embedded once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyld import jsonld
from rdflib import URIRef
from rdflib.namespace import OWL, RDFS

from publisher.export import Exporter, Release, register, write_bytes
from publisher.export.jsonld import build_context, dump_json, pyld_dataset, refuse_remote
from publisher.graph import STATEMENT_BASE, statement_scopes
from publisher.settings import ONTOLOGY_NS

RECORDS_FOLDER = "statements"
SHORTCUTS = (ONTOLOGY_NS + "signedBy",)


def _frame(context: dict[str, Any], statement: str, hidden: list[str]) -> dict[str, Any]:
    never = {iri: {"@embed": "@never"} for iri in hidden}

    def node(**nested: Any) -> dict[str, Any]:
        return {**never, **nested}

    return {
        "@context": context,
        "@id": statement,
        **node(
            hasSection=node(hasDemand=node()),
            hasPosition=node(),
            hasSignature=node(signatory={"@embed": "@always"}),
            wasDerivedFrom=node(),
            publisherProfile=node(),
        ),
    }


def hidden_properties(release: Release) -> list[str]:
    """Properties that only repeat another one: the materialized super-properties from other
    vocabularies and the shortcuts. nida's own super-properties (nida:mentions) stay visible:
    data may use them directly, and a node reached only through a hidden one would be lost."""
    ontology = release.dataset.ontology
    supers = {str(o) for p in (RDFS.subPropertyOf, OWL.equivalentProperty)
              for o in ontology.objects(None, p)
              if isinstance(o, URIRef) and not str(o).startswith(ONTOLOGY_NS)}
    return sorted(supers | set(SHORTCUTS))


def frame_statement(triples: list[ox.Triple], statement: str, context: dict[str, Any],
                    hidden: list[str]) -> dict[str, Any]:
    expanded = jsonld.from_rdf(pyld_dataset(triples))
    options = {"documentLoader": refuse_remote, "embed": "@once", "omitGraph": True,
               "omitDefault": True}
    framed: dict[str, Any] = jsonld.frame(expanded, _frame(context, statement, hidden), options)
    return framed


@register
class StatementRecordsExporter(Exporter):
    name = "records"
    media_type = "application/ld+json"

    def write(self, release: Release, folder: Path) -> list[Path]:
        context = build_context(release.dataset.ontology)
        hidden = hidden_properties(release)
        written = []
        for slug, scope in statement_scopes(release.quads).items():
            record = frame_statement(scope, STATEMENT_BASE + slug, context, hidden)
            written.append(write_bytes(folder / RECORDS_FOLDER / f"{slug}.jsonld", dump_json(record)))
        return written
