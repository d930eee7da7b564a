"""The core-shape pre-filter flags every focus node pySHACL reports on, and spares the rest.

Small graphs exercise each modelled constraint component, both ways; tests/test_scale.py
checks the same on every mutation of tests/validation/test_rules.py.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pyshacl
import pytest
from oxrdflib import OxigraphStore
from rdflib import Graph, Namespace
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from publisher.validation.fast import pyshacl_report
from publisher.validation.prefilter import Plan, narrowed, plan, restrict, untargeted
from publisher.validation.report import SH
from publisher.validation.resultcache import result_rows

EX = Namespace("http://example.org/")
PREFIXES = """
@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

SHAPES = PREFIXES + """
ex:Thing a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property ex:Thing-name, ex:Thing-size, ex:Thing-kind, ex:Thing-code, ex:Thing-label, ex:Thing-status,
                ex:Thing-draft, ex:Thing-color, ex:Thing-link, ex:Thing-part .
ex:Thing-name a sh:PropertyShape ; sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string .
ex:Thing-size a sh:PropertyShape ; sh:path ex:size ; sh:datatype xsd:integer ; sh:minInclusive 1 ; sh:maxExclusive 10 .
ex:Thing-kind a sh:PropertyShape ; sh:path ex:kind ; sh:nodeKind sh:IRI ; sh:class ex:Kind .
ex:Thing-code a sh:PropertyShape ; sh:path ex:code ; sh:pattern "^[a-z]+$" ; sh:maxLength 5 .
ex:Thing-label a sh:PropertyShape ; sh:path ex:label ; sh:uniqueLang true .
ex:Thing-status a sh:PropertyShape ; sh:path ex:status ; sh:node ex:Approved ; sh:severity sh:Warning .
ex:Thing-draft a sh:PropertyShape ; sh:path ex:status ; sh:not ex:Draft ; sh:severity sh:Info .
ex:Thing-color a sh:PropertyShape ; sh:path ex:color ; sh:in ( ex:red ex:green ) .
ex:Thing-link a sh:PropertyShape ; sh:path ex:link ; sh:hasValue ex:home ; sh:deactivated true .
ex:Thing-part a sh:PropertyShape ; sh:path ex:partOf ; sh:qualifiedValueShape ex:IsWhole ;
    sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 1 .
ex:IsWhole a sh:NodeShape ; sh:class ex:Whole .
ex:Approved a sh:NodeShape ; sh:property [ sh:path ex:approvedBy ; sh:minCount 1 ] .
ex:Draft a sh:NodeShape ; sh:hasValue ex:draft .
ex:Tagged a sh:NodeShape ; sh:targetSubjectsOf ex:tag ; sh:property [ sh:path ex:tag ; sh:maxCount 1 ] .
"""

GOOD = """
ex:kind1 a ex:SubKind . ex:SubKind rdfs:subClassOf ex:Kind .
ex:ok a ex:Thing ; ex:name "ok" ; ex:size 3 ; ex:kind ex:kind1 ; ex:code "abc" ; ex:label "a"@en, "b"@fr ;
    ex:status ex:final ; ex:color ex:red ; ex:tag "x" ; ex:partOf ex:whole1, ex:piece1 .
ex:final ex:approvedBy ex:someone .
ex:whole1 a ex:Whole . ex:piece1 a ex:Piece .
"""

BAD = {
    "no name": 'ex:t a ex:Thing ; ex:partOf ex:whole1 .',
    "two names": 'ex:t a ex:Thing ; ex:partOf ex:whole1 ; ex:name "a", "b" .',
    "name with a language": 'ex:t a ex:Thing ; ex:partOf ex:whole1 ; ex:name "a"@en .',
    "size too small": 'ex:t a ex:Thing ; ex:partOf ex:whole1 ; ex:name "a" ; ex:size 0 .',
    "size too large": 'ex:t a ex:Thing ; ex:partOf ex:whole1 ; ex:name "a" ; ex:size 10 .',
    "size not a number": 'ex:t a ex:Thing ; ex:partOf ex:whole1 ; ex:name "a" ; ex:size "3" .',
    "kind of no class": 'ex:t a ex:Thing ; ex:partOf ex:whole1 ; ex:name "a" ; ex:kind ex:nothing .',
    "kind a literal": 'ex:t a ex:Thing ; ex:partOf ex:whole1 ; ex:name "a" ; ex:kind "k" .',
    "code with capitals": 'ex:t a ex:Thing ; ex:partOf ex:whole1 ; ex:name "a" ; ex:code "Abc" .',
    "code too long": 'ex:t a ex:Thing ; ex:partOf ex:whole1 ; ex:name "a" ; ex:code "abcdef" .',
    "two english labels": 'ex:t a ex:Thing ; ex:partOf ex:whole1 ; ex:name "a" ; ex:label "a"@en, "b"@EN .',
    "status not approved": 'ex:t a ex:Thing ; ex:partOf ex:whole1 ; ex:name "a" ; ex:status ex:pending .',
    "status draft": 'ex:t a ex:Thing ; ex:partOf ex:whole1 ; ex:name "a" ; ex:status ex:draft . ex:draft ex:approvedBy ex:x .',
    "color not listed": 'ex:t a ex:Thing ; ex:partOf ex:whole1 ; ex:name "a" ; ex:color ex:blue .',
    "two tags": 'ex:u ex:tag "a", "b" .',
    "part of no whole": 'ex:t a ex:Thing ; ex:name "a" ; ex:partOf ex:piece1 .',
    "part of two wholes": 'ex:t a ex:Thing ; ex:name "a" ; ex:partOf ex:whole1, ex:whole2 . ex:whole2 a ex:Whole .',
}


def run(data: str) -> tuple[set[str], set[str]]:
    """(flagged focus nodes, focus nodes of pySHACL's top-level results) on one data graph."""
    shapes = Graph().parse(data=SHAPES, format="turtle")
    store = ox.Store()
    store.load((PREFIXES + data).encode("utf-8"), format=ox.RdfFormat.TURTLE)
    restricted = plan(shapes, store)
    assert restricted is not None
    graph = Graph(store=OxigraphStore(store=store), identifier=DATASET_DEFAULT_GRAPH_ID)
    _ok, report, _text = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True,
                                          allow_warnings=True, do_owl_imports=False, inplace=True)
    nested = set(report.objects(None, SH.detail))
    reported = {str(report.value(r, SH.focusNode)) for r in report.subjects(SH.focusNode, None) if r not in nested}
    return {str(n) for n in restricted.nodes()}, reported


def test_conforming_nodes_are_not_flagged() -> None:
    assert run(GOOD) == (set(), set())


@pytest.mark.parametrize("case", sorted(BAD))
def test_every_reported_node_is_flagged(case: str) -> None:
    flagged, reported = run(GOOD + BAD[case])
    assert reported, "the case should fail in pySHACL"
    assert flagged == reported  # sound, and here also exact


def test_shapes_it_cannot_model_give_no_plan() -> None:
    shapes = Graph().parse(data=PREFIXES + "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:rule [] .",
                           format="turtle")
    assert plan(shapes, ox.Store()) is None


def reports(data: str, shapes_text: str = SHAPES) -> tuple[list[str], list[str], Plan]:
    """pySHACL's results (as cached rows) with every shape, and with the shapes `restrict` makes."""
    shapes = Graph().parse(data=shapes_text, format="turtle")
    store = ox.Store()
    store.load((PREFIXES + data).encode("utf-8"), format=ox.RdfFormat.TURTLE)
    restricted = plan(shapes, store)
    assert restricted is not None
    whole = pyshacl_report(shapes, store, None)
    narrowed = pyshacl_report(shapes, store, restricted)
    return (sorted(json.dumps(row) for _focus, row in result_rows(whole)),
            sorted(json.dumps(row) for _focus, row in result_rows(narrowed)), restricted)


@pytest.mark.parametrize("case", sorted(BAD))
def test_restricted_shapes_report_what_all_shapes_report(case: str) -> None:
    whole, narrowed, _plan = reports(GOOD + BAD[case])
    assert whole and narrowed == whole


def test_property_shapes_that_hold_are_left_out() -> None:
    _whole, _narrowed, restricted = reports(GOOD + BAD["code too long"])
    holding = restricted.holding[EX.Thing]
    assert EX["Thing-code"] not in holding
    assert {EX["Thing-name"], EX["Thing-size"], EX["Thing-part"]} <= holding


def test_a_shape_another_refers_to_keeps_its_property_shapes() -> None:
    shapes = SHAPES + "ex:Wrapper a sh:NodeShape ; sh:targetClass ex:Box ; sh:property [ sh:path ex:in ; sh:node ex:Thing ] ."
    data = GOOD + BAD["code too long"] + "ex:box a ex:Box ; ex:in ex:t2 . ex:t2 ex:partOf ex:whole1 ."  # no name
    whole, narrowed, restricted = reports(data, shapes)
    assert EX.Thing not in restricted.holding and narrowed == whole


def test_closed_shapes_keep_every_property_shape() -> None:
    shapes = SHAPES + "ex:Tagged sh:closed true ; sh:property [ sh:path ex:note ] ."
    whole, narrowed, restricted = reports(GOOD + BAD["two tags"] + 'ex:u ex:note "n" .', shapes)
    assert restricted.holding == {} and narrowed == whole


def test_narrowed_shapes_are_the_restricted_copy_and_are_put_back() -> None:
    shapes = Graph().parse(data=SHAPES, format="turtle")
    store = ox.Store()
    store.load((PREFIXES + GOOD + BAD["code too long"] + BAD["two tags"].replace("ex:u", "ex:v")).encode("utf-8"),
               format=ox.RdfFormat.TURTLE)
    restricted = plan(shapes, store)
    assert restricted is not None and restricted.holding
    base = untargeted(shapes)
    before = set(base)
    with narrowed(base, restricted) as narrow:
        assert set(narrow) == set(restrict(shapes, restricted))
    assert set(base) == before
