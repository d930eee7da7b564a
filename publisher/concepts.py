"""`nida concepts`: the SKOS concept schemes a reviewer picks from, and their concepts.

Reviewing a draft means choosing concepts (a demand's `nida:demandType`, a risk it warns of);
the IRIs are in `ontology/nida.ttl`, hundreds of lines from anything else. This reads the
ontology and the registry files of `data/` (not the statements: concepts are defined there,
never in a statement) and answers in a fixed order, so the listing can be diffed and tested.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from publisher.errors import InputError
from publisher.load.dataset import rdf_files
from publisher.load.parse import RDF_FORMATS, parse_file
from publisher.settings import DATA_BASE, Settings

CONCEPT_BASE = DATA_BASE + "concept/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"


@dataclass(frozen=True)
class Concept:
    iri: str
    key: str  # skos:notation, else the IRI as drafts write it
    label: str
    definition: str


@dataclass(frozen=True)
class Scheme:
    iri: str
    name: str  # the IRI after concept/, or the whole IRI
    title: str
    description: str
    concepts: tuple[Concept, ...]


def _files(settings: Settings) -> list[Path]:
    """The ontology's files and data/'s registry files (its top level, statements aside)."""
    data = settings.data_dir
    registries = sorted(p for p in data.iterdir() if p.is_file() and p.suffix in RDF_FORMATS
                        and not p.name.startswith(".")) if data.is_dir() else []
    return [*rdf_files(settings.ontology_dir, settings.root), *registries]


def _store(settings: Settings) -> ox.Store:
    store = ox.Store()
    for file in _files(settings):
        parsed = parse_file(file, settings.root)
        store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in parsed.triples])
    return store


def _text(store: ox.Store, subject: ox.NamedNode, predicate: str) -> str:
    """One literal of a node: English first, then untagged, then the first by language and value."""
    values = [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(predicate), None)
              if isinstance(q.object, ox.Literal)]
    ranked = sorted(values, key=lambda o: (o.language not in ("en", None), o.language != "en",
                                          o.language or "", o.value))
    return " ".join(ranked[0].value.split()) if ranked else ""


def concept_schemes(settings: Settings) -> list[Scheme]:
    """Every skos:ConceptScheme with its concepts (skos:inScheme, skos:topConceptOf or
    skos:hasTopConcept), schemes by name and concepts by key."""
    store = _store(settings)
    found = store.query(f"""SELECT DISTINCT ?scheme ?concept WHERE {{
        ?scheme a <{SKOS}ConceptScheme> .
        OPTIONAL {{ {{ ?concept <{SKOS}inScheme> ?scheme }} UNION {{ ?concept <{SKOS}topConceptOf> ?scheme }}
                   UNION {{ ?scheme <{SKOS}hasTopConcept> ?concept }} FILTER(isIRI(?concept)) }}
        FILTER(isIRI(?scheme)) }}""")
    members: dict[str, set[str]] = {}
    for row in found:  # type: ignore[union-attr]
        concepts = members.setdefault(row["scheme"].value, set())
        if row["concept"] is not None:
            concepts.add(row["concept"].value)
    schemes = []
    for iri, concepts in members.items():
        node = ox.NamedNode(iri)
        listed = []
        for concept in concepts:
            cnode = ox.NamedNode(concept)
            key = _text(store, cnode, SKOS + "notation") or _relative(concept)
            listed.append(Concept(concept, key, _text(store, cnode, SKOS + "prefLabel"),
                                  _text(store, cnode, SKOS + "definition")))
        title = _text(store, node, DCT + "title") or _text(store, node, SKOS + "prefLabel")
        description = _text(store, node, DCT + "description") or _text(store, node, SKOS + "definition")
        schemes.append(Scheme(iri, iri[len(CONCEPT_BASE):] if iri.startswith(CONCEPT_BASE) else iri,
                              title, description, tuple(sorted(listed, key=lambda c: (c.key, c.iri)))))
    return sorted(schemes, key=lambda s: (s.name, s.iri))


def _relative(concept: str) -> str:
    """The IRI as a draft's Turtle writes it (`@base` is the data base): `<concept/risk/x>`."""
    return f"<{concept[len(DATA_BASE):]}>" if concept.startswith(DATA_BASE) else f"<{concept}>"


def find_scheme(schemes: list[Scheme], name: str) -> Scheme:
    """A scheme by its name (`demand-type`), `concept/<name>` or its IRI."""
    wanted = name.removeprefix("concept/").removeprefix(CONCEPT_BASE).rstrip("/")
    for scheme in schemes:
        if wanted in (scheme.name, scheme.iri):
            return scheme
    raise InputError(f"no concept scheme {name!r}; the schemes are: {', '.join(s.name for s in schemes)}"
                     " (nida concepts lists them)")


def render_schemes(schemes: list[Scheme]) -> str:
    width = max([len("scheme"), *(len(s.name) for s in schemes)])
    lines = [f"{'scheme':<{width}}  concepts  title"]
    lines += [f"{s.name:<{width}}  {len(s.concepts):>8}  {s.title}" for s in schemes]
    return "\n".join(lines) + "\n"


def render_scheme(scheme: Scheme) -> str:
    key = max([len("notation/IRI"), *(len(c.key) for c in scheme.concepts)])
    label = max([len("prefLabel"), *(len(c.label) for c in scheme.concepts)])
    lines = [f"<{scheme.iri}>: {scheme.title} ({len(scheme.concepts)} concepts)"]
    if scheme.description:
        lines.append(scheme.description)
    lines += ["", f"{'notation/IRI':<{key}}  {'prefLabel':<{label}}  definition".rstrip()]
    lines += [f"{c.key:<{key}}  {c.label:<{label}}  {c.definition}".rstrip() for c in scheme.concepts]
    return "\n".join(lines) + "\n"
