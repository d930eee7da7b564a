"""QuickStatements for Wikidata: what the release knows of who signed a statement (P1891,
signatory) and whom it addresses (P1817, addressee), for organizations and actors that carry a
Wikidata QID (`owl:sameAs wd:Q...`), so maintainers can contribute back.

A statement with a QID of its own gets its claims on that item; one without gets a CREATE
block with its label, title (P1476) and language (P407) first. Every claim cites the
statement's nida IRI (S854, reference URL). Nothing is sent anywhere: the commands are text to
review and paste into QuickStatements (V1 syntax).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from publisher.graph import release_quads
from publisher.load.dataset import Dataset
from publisher.settings import PREFIXES

WD = PREFIXES["wd"]
#: Wikidata items of the languages statements are printed in (P407, language of work)
LANGUAGES = {"en": "Q1860", "ar": "Q13955", "ku": "Q36368"}
SIGNATORY, ADDRESSEE = "P1891", "P1817"
PREFIX_LINES = "\n".join(f"PREFIX {name}: <{PREFIXES[name]}>" for name in ("nida", "dct", "owl"))

STATEMENTS = PREFIX_LINES + """
SELECT ?statement ?title ?language ?item WHERE {
  ?statement a nida:Statement ; dct:title ?title .
  OPTIONAL { ?statement dct:language ?language }
  OPTIONAL { ?statement owl:sameAs ?item FILTER(STRSTARTS(STR(?item), "WIKIDATA")) }
}""".replace("WIKIDATA", WD)
CLAIMS = PREFIX_LINES + """
SELECT DISTINCT ?statement ?property ?item WHERE {
  ?statement a nida:Statement .
  {
    ?statement nida:signedBy ?who . BIND("SIGNATORY" AS ?property)
  } UNION {
    { ?statement nida:addressee ?who } UNION { ?part dct:isPartOf ?statement ; nida:addressee ?who }
    BIND("ADDRESSEE" AS ?property)
  }
  ?who owl:sameAs ?item FILTER(STRSTARTS(STR(?item), "WIKIDATA"))
}""".replace("SIGNATORY", SIGNATORY).replace("ADDRESSEE", ADDRESSEE).replace("WIKIDATA", WD)


@dataclass
class StatementItem:
    iri: str
    title: str
    language: str | None
    qid: str | None
    claims: set[tuple[str, str]] = field(default_factory=set)  # (property, QID)


def text(value: str) -> str:
    """A QuickStatements string: in double quotes, which it cannot escape (typographic ones
    instead), on one line."""
    return '"' + " ".join(value.replace('"', "\u201d").split()) + '"'


def qid(iri: str) -> str:
    return iri[len(WD):]


def solutions(store: ox.Store, query: str) -> ox.QuerySolutions:
    found = store.query(query, use_default_graph_as_union=True)
    assert isinstance(found, ox.QuerySolutions)
    return found


def statement_items(dataset: Dataset) -> list[StatementItem]:
    store = ox.Store()
    store.bulk_extend(release_quads(dataset))
    items: dict[str, StatementItem] = {}
    for row in solutions(store, STATEMENTS):
        iri = row["statement"].value
        language = row["language"].value if row["language"] is not None else None
        item = row["item"].value if row["item"] is not None else None
        found = items.setdefault(iri, StatementItem(iri, row["title"].value, language, None))
        found.qid = min(filter(None, (found.qid, item and qid(item))), default=None)
    for row in solutions(store, CLAIMS):
        items[row["statement"].value].claims.add((row["property"].value, qid(row["item"].value)))
    return [items[iri] for iri in sorted(items)]


def quickstatements(items: list[StatementItem]) -> str:
    """The commands, statement by statement; statements without a claim to make are left out."""
    lines: list[str] = []
    for item in items:
        if not item.claims:
            continue
        subject = item.qid or "LAST"
        if item.qid is None:
            lines += ["CREATE", f"LAST\tLen\t{text(item.title)}"]
            lines.append(f"LAST\tP1476\t{item.language or 'en'}:{text(item.title)}")
            if item.language in LANGUAGES:
                lines.append(f"LAST\tP407\t{LANGUAGES[item.language]}")
        source = f"S854\t{text(item.iri)}"
        lines += [f"{subject}\t{prop}\t{value}\t{source}"
                  for prop, value in sorted(item.claims, key=lambda claim: (claim[0], int(claim[1][1:])))]
    return "".join(line + "\n" for line in lines)
