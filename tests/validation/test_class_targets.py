"""Class targets written out per store (`ClassTargets`) give each rule the results of the
`rdf:type/rdfs:subClassOf*` path they replace."""

from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import Graph

from publisher.validation.fast import ClassTargets, empty_report, run_rule, split_rules
from publisher.validation.resultcache import result_rows

PREFIXES = """
@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

SHAPES = PREFIXES + """
ex:Big a sh:NodeShape ; sh:targetClass ex:Thing, ex:Missing ; sh:targetNode ex:z ;
    sh:message "{$this} is too big ({?value})" ;
    sh:sparql [ sh:select "SELECT $this ?value WHERE { $this <http://example.org/size> ?value . FILTER (?value > 5) }" ] .
ex:Pair a sh:NodeShape ; sh:targetClass ex:Sub ;
    sh:message "{$this} is as big as {?other}" ;
    sh:sparql [ sh:select '''SELECT $this ?other WHERE { $this <http://example.org/size> ?s .
        ?other a <http://example.org/Thing> ; <http://example.org/size> ?s . FILTER (?other != $this) }''' ] .
"""

DATA = PREFIXES + """
ex:Sub rdfs:subClassOf ex:Thing . ex:SubSub rdfs:subClassOf ex:Sub . ex:Loop rdfs:subClassOf ex:Loop, ex:Thing .
ex:a a ex:Thing ; ex:size 8 .
ex:b a ex:SubSub ; ex:size 7 .
ex:c a ex:Sub, ex:Thing, ex:SubSub ; ex:size 8 .
ex:d a ex:Other ; ex:size 10 .
ex:e a ex:Thing ; ex:size 1 .
ex:f a ex:Loop ; ex:size 8 .
ex:z ex:size 6 .
"""


RULES, _CORE = split_rules(Graph().parse(data=SHAPES, format="turtle"))  # one parse: one blank node each


def rows(store: ox.Store, targets: ClassTargets | None) -> list[str]:
    assert len(RULES) == 2
    report = empty_report()
    for rule in RULES:
        run_rule(rule, store, report, targets)
    return sorted(json.dumps(row) for _focus, row in result_rows(report))


def test_written_out_targets_give_the_same_results() -> None:
    store = ox.Store()
    store.load(DATA.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    plain = rows(store, None)
    assert len(plain) == 6  # a, b, c, f, z too big; c as big as a
    assert rows(store, ClassTargets(store)) == plain


def test_the_path_is_gone_from_the_query() -> None:
    store = ox.Store()
    store.load(DATA.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    query = ClassTargets(store).query(RULES[0].query)
    assert "subClassOf" not in query
    assert "<http://example.org/Missing> }" in query  # a class with no instance, no sub-class
