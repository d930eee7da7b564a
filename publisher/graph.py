"""The release graph: ontology + data + materialized super-types, as sorted pyoxigraph triples.

pyoxigraph does the heavy lifting (SPARQL for materialization, fast writers); rdflib
stays on the validation side, where pySHACL needs it.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from publisher.load import GRAPH_BASE, ONTOLOGY_GRAPH, Dataset
from publisher.remember import remembered
from publisher.settings import DATA_BASE
from publisher.textlines import split_lines, split_lines_keepends

CONCEPTS_GRAPH = GRAPH_BASE + "concepts"
#: where each graph's entailed triples (super-types, super-properties, Wikidata and schema.org
#: equivalents) are published, apart from its asserted ones: `graph/entailed/<graph>`
ENTAILED_BASE = GRAPH_BASE + "entailed/"
CONCEPT_BASE = DATA_BASE + "concept/"

T = TypeVar("T")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# The dumps carry the super-types and super-properties the ontology declares, so that a
# consumer who knows only schema.org or PROV still finds schema:CreativeWork, prov:agent...
# Each named graph is closed on its own: the inferred triples of a graph come from its own
# triples and the ontology's axioms, so a graph's quads depend on nothing else
# (publisher/load/units.py caches per graph on that). What is inferred is, for every triple of
# the graph (the ontology graph's own included), exactly what these SPARQL patterns give
# (tests/test_graph.py checks `graph_quads` against them, in pyoxigraph):
MATERIALIZE = [
    """SELECT ?g ?s (rdf:type AS ?p) (?super AS ?o) WHERE {
         GRAPH ?g { ?s a ?class } GRAPH <ONTOLOGY> { ?class rdfs:subClassOf+ ?super }
         FILTER(isIRI(?super) && isIRI(?s)) }""",
    """SELECT ?g ?s (?super AS ?p) ?o WHERE {
         GRAPH <ONTOLOGY> { ?property rdfs:subPropertyOf+ ?super } FILTER(isIRI(?super))
         GRAPH ?g { ?s ?property ?o } }""",
    """SELECT ?g ?s (?equivalent AS ?p) ?o WHERE {
         GRAPH <ONTOLOGY> { ?property owl:equivalentProperty ?equivalent } FILTER(isIRI(?equivalent))
         GRAPH ?g { ?s ?property ?o } }""",
]
SPARQL_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}
RDF_TYPE = ox.NamedNode(SPARQL_PREFIXES["rdf"] + "type")
SUB_CLASS_OF = ox.NamedNode(SPARQL_PREFIXES["rdfs"] + "subClassOf")
SUB_PROPERTY_OF = ox.NamedNode(SPARQL_PREFIXES["rdfs"] + "subPropertyOf")
EQUIVALENT_PROPERTY = ox.NamedNode(SPARQL_PREFIXES["owl"] + "equivalentProperty")

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass(frozen=True)
class Axioms:
    """The ontology graph's axioms as `MATERIALIZE` applies them: each class's super-classes
    (rdfs:subClassOf+, IRIs only), each property's super-properties (rdfs:subPropertyOf+,
    IRIs only) followed by its owl:equivalentProperty IRIs (one step, as written)."""

    classes: dict[Term, list[ox.NamedNode]]
    properties: dict[Term, list[ox.NamedNode]]


def is_concept(term: Term) -> bool:
    """A concept of a scheme: its triples go to the concepts graph, not the ontology's."""
    return isinstance(term, ox.NamedNode) and term.value.startswith(CONCEPT_BASE)


def ontology_axioms(triples: Iterable[ox.Triple]) -> Axioms:
    """The axioms of the ontology graph's triples (the ontology unit's, less the concepts graph's)."""
    sub_class: dict[Term, set[Term]] = {}
    sub_property: dict[Term, set[Term]] = {}
    equivalent: dict[Term, set[Term]] = {}
    axioms = {SUB_CLASS_OF: sub_class, SUB_PROPERTY_OF: sub_property, EQUIVALENT_PROPERTY: equivalent}
    for triple in triples:
        edges = axioms.get(triple.predicate)
        if edges is not None and not is_concept(triple.subject):
            edges.setdefault(triple.subject, set()).add(triple.object)
    properties = {p: _iris(_reachable(p, sub_property)) for p in sub_property}
    for p, targets in equivalent.items():
        properties[p] = [*properties.get(p, []), *_iris(targets)]
    return Axioms({c: _iris(_reachable(c, sub_class)) for c in sub_class},
                  {p: supers for p, supers in properties.items() if supers})


def _reachable(start: Term, edges: dict[Term, set[Term]]) -> set[Term]:
    """The nodes one or more steps from `start` (a SPARQL `+` path)."""
    found: set[Term] = set()
    todo = list(edges.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in found:
            found.add(node)
            todo.extend(edges.get(node, ()))
    return found


def _iris(terms: Iterable[Term]) -> list[ox.NamedNode]:
    return sorted((t for t in terms if isinstance(t, ox.NamedNode)), key=lambda t: t.value)


def inferred(quad: ox.Quad, axioms: Axioms) -> list[ox.Quad]:
    """The quads `MATERIALIZE` infers from one quad (in its graph)."""
    found = []
    if quad.predicate == RDF_TYPE and isinstance(quad.subject, ox.NamedNode):
        classes = axioms.classes.get(quad.object, ())
        found = [ox.Quad(quad.subject, RDF_TYPE, c, quad.graph_name) for c in classes]
    for p in axioms.properties.get(quad.predicate, ()):
        found.append(ox.Quad(quad.subject, p, quad.object, quad.graph_name))
    return found


def inferred_triples(triple: ox.Triple, axioms: Axioms) -> list[ox.Triple]:
    """`inferred`, of a triple (tests/test_graph.py checks that the two agree)."""
    found = []
    if triple.predicate == RDF_TYPE and isinstance(triple.subject, ox.NamedNode):
        found = [ox.Triple(triple.subject, RDF_TYPE, c) for c in axioms.classes.get(triple.object, ())]
    for p in axioms.properties.get(triple.predicate, ()):
        found.append(ox.Triple(triple.subject, p, triple.object))
    return found


def to_ox(term: Node) -> ox.NamedNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))
    if isinstance(term, BNode):
        raise ValueError("blank nodes are not allowed in the release graph")
    raise TypeError(f"unsupported term {term!r}")


def serialize_text(terms: Iterable[ox.Triple] | Iterable[ox.Quad], format: ox.RdfFormat,
                   **options: object) -> str:
    data = ox.serialize(terms, format=format, **options)  # type: ignore[arg-type]
    return data.decode("utf-8") if data else ""


def sorted_lines(text: str) -> bytes:
    """Canonical line-based RDF (N-Triples, N-Quads): one statement per line, sorted, unique."""
    lines = sorted(set(split_lines(text)))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def sorted_prefixes(text: str) -> bytes:
    """Turtle/TriG with the prefix lines sorted: the writer's own prefix order is not a promise."""
    lines = split_lines_keepends(text)
    header = [line for line in lines if line.startswith("@prefix ")]
    return "".join(sorted(header) + lines[len(header):]).encode("utf-8")


def release_quads(dataset: Dataset) -> list[ox.Quad]:
    """Every quad of the release, sorted: one named graph per statement, registry, the
    ontology and the concept schemes, each with the triples inferred from its own."""
    graphs = graph_quads(dataset, dataset.parts)
    return [quad for name in sorted(graphs, key=graph_order) for quad in graphs[name]]


def unit_quads(dataset: Dataset, units: Iterable[str]) -> dict[str, list[ox.Quad]]:
    """The sorted release quads of some units (graph names of `dataset.parts`); the ontology's
    unit gives both the ontology and the concept-scheme graphs."""
    graphs = graph_quads(dataset, units)
    found: dict[str, list[ox.Quad]] = {}
    for name in sorted(graphs, key=graph_order):
        found.setdefault(unit_of(name), []).extend(graphs[name])
    return found


def graph_order(name: str) -> str:
    """Graph IRIs compared as written in N-Quads (`<iri>`): the dumps' order of graphs."""
    return f"<{name}>"


def unit_of(graph: str) -> str:
    """The unit (input graph) a release graph comes from: concept schemes from the ontology,
    entailed triples from the graph they are entailed from."""
    graph = asserted_graph(graph)
    return ONTOLOGY_GRAPH if graph == CONCEPTS_GRAPH else graph


def entailed_graph(name: str) -> str:
    """The graph of the triples entailed from graph `name`'s."""
    return ENTAILED_BASE + name[len(GRAPH_BASE):]


def is_entailed(name: str) -> bool:
    return name.startswith(ENTAILED_BASE)


def asserted_graph(name: str) -> str:
    """The graph whose triples an entailed graph's are entailed from (itself otherwise)."""
    return GRAPH_BASE + name[len(ENTAILED_BASE):] if is_entailed(name) else name


def by_graph(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Quad]]:
    """The quads of each graph (by its name's value), in order. A graph's quads come together in
    a unit's (`graph_quads`): runs of one graph are found in C (`itertools.groupby`), and its
    name's value is asked for once per run, not once per quad."""
    graphs: dict[str, list[ox.Quad]] = {}
    for name, run in itertools.groupby(quads, key=QUAD_GRAPH):
        graphs.setdefault(name.value, []).extend(run)
    return graphs


QUAD_GRAPH = operator.attrgetter("graph_name")


def _split(name: str, triples: list[ox.Triple]) -> dict[str, list[ox.Triple]]:
    """The release graphs a unit's triples go to: its own, and for the ontology's unit the
    concepts graph too (the concepts' triples)."""
    if name != ONTOLOGY_GRAPH:
        return {name: triples}
    graphs: dict[str, list[ox.Triple]] = {name: [], CONCEPTS_GRAPH: []}
    for t in triples:
        graphs[CONCEPTS_GRAPH if is_concept(t.subject) else name].append(t)
    return {graph: found for graph, found in graphs.items() if found}


def _entailed(triples: list[ox.Triple], axioms: Axioms, name: str) -> list[ox.Quad]:
    """The quads (in graph `name`) of what `inferred_triples` infers from a graph's triples and it
    does not assert, sorted (by text: in one graph, as by their triples'), unique, made at once."""
    graph, found = ox.NamedNode(name), []
    classes, properties = axioms.classes, axioms.properties
    for t in triples:
        predicate = t.predicate
        if predicate == RDF_TYPE and isinstance(subject := t.subject, ox.NamedNode):
            found += [ox.Quad(subject, RDF_TYPE, c, graph) for c in classes.get(t.object, ())]
        if supers := properties.get(predicate):
            subject, obj = t.subject, t.object
            found += [ox.Quad(subject, p, obj, graph) for p in supers]
    if not found:
        return []
    asserted = set(triples)
    return sorted_unique([q for q in found if q.triple not in asserted], str)


def _quads(triples: list[ox.Triple], name: str) -> list[ox.Quad]:
    graph = ox.NamedNode(name)
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def graph_quads(dataset: Dataset, units: Iterable[str]) -> dict[str, list[ox.Quad]]:
    """The sorted quads of each release graph the given units give, and of the graph of what is
    entailed from each (`entailed_graph`: the inferred triples that are not asserted in it), by
    `ontology_axioms`, in Python: building a store and querying it cost several times more."""
    axioms = ontology_axioms(dataset.unit_triples(ONTOLOGY_GRAPH))  # a few thousand triples
    graphs: dict[str, list[ox.Quad]] = {}
    for unit in sorted(set(units)):
        for name, triples in _split(unit, dataset.unit_triples(unit)).items():
            graphs[name] = _quads(sorted_unique(triples, triple_text), name)
            entailed = _entailed(triples, axioms, entailed_graph(name))
            if entailed:
                graphs[entailed_graph(name)] = entailed
    return graphs


def triple_text(triple: ox.Triple) -> str:
    """A sort key: the triple as N-Triples writes it, subject, predicate and object separated by
    single spaces, which sorts as the (subject, predicate, object) texts do (a space sorts before
    any character that can continue a term's text: a term never ends where another goes on).
    One call into pyoxigraph, twice as fast as building a tuple of three."""
    return str(triple)


def sorted_unique(items: Iterable[T], key: Callable[[T], str]) -> list[T]:
    """The items sorted by key, one per key (the last given). Mapped and zipped in C, with `str`
    itself for `triple_text`: a million triples of a first publish pass through here twice."""
    items = items if isinstance(items, list) else list(items)
    keys: Callable[[T], str] = str if key is triple_text else key
    unique = dict(zip(map(keys, items), items, strict=True))
    return list(map(unique.__getitem__, sorted(unique)))


def union_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The release as one graph: the union of its named graphs, sorted (remembered, for a list
    of quads, within `unions_remembered`)."""
    return list(_union(quads)[0])


def union_ntriples(quads: Iterable[ox.Quad]) -> bytes:
    """The N-Triples of `union_triples`: its lines sorted and unique."""
    return _union(quads)[1]


def _union(quads: Iterable[ox.Quad]) -> tuple[list[ox.Triple], bytes]:
    if not isinstance(quads, list):
        return sorted_union(list(map(QUAD_TRIPLE, quads)))
    return remembered(quads, "union", lambda: sorted_union(list(map(QUAD_TRIPLE, quads))))


def sorted_union(triples: list[ox.Triple]) -> tuple[list[ox.Triple], bytes]:
    """`sorted_unique(triples, triple_text)` and its N-Triples: pyoxigraph writes a line per
    triple, the triple's text (`triple_text`) and " .", so its lines sort and are unique as the
    triples' texts are, and are compared as bytes (in C) instead of texts made one by one."""
    lines = serialize_bytes(triples, ox.RdfFormat.N_TRIPLES).split(b"\n")
    if lines.pop() or len(lines) != len(triples):  # not a line per triple: as `sorted_unique` does
        union = sorted_unique(triples, triple_text)
        return union, serialize_bytes(union, ox.RdfFormat.N_TRIPLES)
    unique = dict(zip(lines, triples, strict=True))
    keys = sorted(unique)
    return list(map(unique.__getitem__, keys)), b"\n".join(keys) + b"\n" if keys else b""


def serialize_bytes(terms: Iterable[ox.Triple] | Iterable[ox.Quad], format: ox.RdfFormat,
                    **options: object) -> bytes:
    """pyoxigraph's bytes, never decoded (the dumps' pieces are bytes)."""
    return ox.serialize(terms, format=format, **options) or b""  # type: ignore[arg-type]


#: a quad's triple, got in C (`map`) rather than by a generator
QUAD_TRIPLE = operator.attrgetter("triple")


STATEMENT_GRAPH_BASE = GRAPH_BASE + "statement/"
STATEMENT_BASE = DATA_BASE + "statement/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
#: links a record does not follow: they lead from one concept to its whole scheme
SCHEME_LINKS = frozenset(ox.NamedNode(SKOS + name) for name in
                         ("inScheme", "hasTopConcept", "topConceptOf", "broader", "narrower",
                          "broaderTransitive", "narrowerTransitive", "related", "member"))


def statement_slug(graph: str) -> str | None:
    """The slug of a statement graph IRI, None for registry, ontology and concept graphs."""
    return graph[len(STATEMENT_GRAPH_BASE):] if graph.startswith(STATEMENT_GRAPH_BASE) else None


def graph_name(quad: ox.Quad) -> str:
    name = quad.graph_name
    return name.value if isinstance(name, ox.NamedNode) else ""


def statement_scopes(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Triple]]:
    """The triples of each statement's archive record, sorted, by statement slug.

    A record's scope is the statement's named graph, plus every triple of the registry and
    concept graphs (organizations, actors, places, agreements, events, concepts) whose
    subject is reachable from the statement graph through registry nodes, except through
    the SKOS links that lead from a concept to its whole scheme (`SCHEME_LINKS`). Other
    statements' graphs and the ontology graph (the vocabulary) are not part of it.
    The quads are read once, whatever the number of statements.
    """
    return _scopes((graph_name(quad), quad.triple) for quad in quads)


def unit_scopes(dataset: Dataset, units: Iterable[str]) -> dict[str, list[ox.Triple]]:
    """`statement_scopes` of the release quads of some units, read from the units' triples as
    loaded: a record holds the asserted facts only, so nothing is inferred, sorted or made a
    quad for it (tests/export/test_records.py compares the two)."""
    return _scopes((graph, triple) for unit in sorted(set(units))
                   for graph, triples in _split(unit, dataset.unit_triples(unit)).items()
                   for triple in triples)


def _scopes(triples: Iterable[tuple[str, ox.Triple]]) -> dict[str, list[ox.Triple]]:
    """`statement_scopes` of (graph name, triple) pairs."""
    own: dict[str, set[ox.Triple]] = {}
    registry: dict[ox.NamedNode, list[ox.Triple]] = {}
    for name, triple in triples:
        if is_entailed(name):  # a record holds the asserted facts, each once
            continue
        if (slug := statement_slug(name)) is not None:
            own.setdefault(slug, set()).add(triple)
        elif name != ONTOLOGY_GRAPH:
            registry.setdefault(triple.subject, []).append(triple)  # type: ignore[arg-type]
    return {slug: _close(record, registry) for slug, record in sorted(own.items())}


def _close(record: set[ox.Triple], registry: dict[ox.NamedNode, list[ox.Triple]]) -> list[ox.Triple]:
    record = set(record)
    todo = [t.object for t in record if isinstance(t.object, ox.NamedNode)]
    seen: set[ox.NamedNode] = set()
    while todo:
        node = todo.pop()
        if node in seen or node not in registry:
            continue
        seen.add(node)
        for triple in registry[node]:
            record.add(triple)
            if isinstance(triple.object, ox.NamedNode) and triple.predicate not in SCHEME_LINKS:
                todo.append(triple.object)
    return sorted(record, key=triple_text)


def statement_scope(quads: Iterable[ox.Quad], slug: str) -> list[ox.Triple]:
    """The triples of one statement's archive record (see `statement_scopes`)."""
    return statement_scopes(quads).get(slug, [])
