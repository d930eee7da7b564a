"""void.ttl checked against DCAT-AP 3 (dcat_ap_3.ttl): what a data portal harvesting the
release would refuse, one line per problem."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

SHAPES_FILE = "dcat_ap_3.ttl"
DCAT_CATALOG = URIRef("http://www.w3.org/ns/dcat#Catalog")


def dcat_ap_shapes() -> Graph:
    text = resources.files("publisher.release").joinpath(SHAPES_FILE).read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle")


def check_dcat_ap(void: Path) -> list[str]:
    """Violations of the DCAT-AP 3 shapes, as `void.ttl: <focus> <property>: message` lines,
    and a catalogue that is missing or not alone."""
    import pyshacl  # expensive; only `nida verify` and the tests need it

    data = Graph().parse(void, format="turtle")
    name = void.name
    catalogs = sorted(str(s) for s in data.subjects(RDF.type, DCAT_CATALOG))
    problems = [] if len(catalogs) == 1 else [
        f"{name}: {len(catalogs)} dcat:Catalog where DCAT-AP asks for one catalogue"]
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=dcat_ap_shapes(), inference="none")
    assert isinstance(report, Graph)
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        shape = report.value(result, SH.sourceShape)
        named = report.value(shape, SH.name) if shape is not None else None
        message = report.value(result, SH.resultMessage)
        label = str(named) if isinstance(named, Literal) else str(report.value(result, SH.resultPath))
        problems.append(f"{name}: <{focus}> {label} (DCAT-AP 3): {message}")
    return sorted(problems)
