"""What each page shows: its plan (the subjects it describes) and its template context."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from publisher.export.html.paths import (
    CONCEPT_KIND,
    DCT,
    INDEX_PAGE,
    NIDA,
    ONTOLOGY_PAGE,
    OWL,
    PAGE_KINDS,
    RDF_TYPE,
    RDFS,
    SKOS,
    curie,
    page_link,
    page_path,
    relative_href,
    term_iri,
)
from publisher.export.html.site import Page, Site, Value
from publisher.export.html.versions import WORK_TRANSLATION, text_direction, version_blocks, version_texts
from publisher.settings import ONTOLOGY_IRI, ONTOLOGY_NS


def _text_language(site: Site, statement: str) -> dict[str, str | None]:
    """lang and dir for the statement's verbatim text (dct:language, the body's); none for
    English, the pages' own language."""
    language = site.value(statement, DCT + "language")
    if not language or language == "en":
        return {"lang": None, "dir": None}
    return {"lang": language, "dir": text_direction(language)}


def _statement_context(site: Site, iri: str, path: str) -> dict[str, Any]:
    prefix = iri + "/"

    def fragment(part: str) -> str:
        return part[len(prefix):]

    skip_part = {RDF_TYPE, NIDA + "text", NIDA + "ordinal", DCT + "isPartOf", NIDA + "section",
                 NIDA + "hasDemand", NIDA + "nameAsPrinted", NIDA + "signatory", SKOS + "editorialNote",
                 NIDA + "heading", NIDA + "describes"}
    positions = [{
        "id": fragment(p), "kind": ", ".join(site.type_labels(p)), "ordinal": site.ordinal(p),
        "text": site.value(p, NIDA + "text") or "", "rows": site.rows(p, path, skip_part),
    } for p in sorted(site.iris(iri, NIDA + "hasPosition"), key=site.ordinal)]
    sections = []
    for section in sorted(site.iris(iri, NIDA + "hasSection"), key=site.ordinal):
        demands = [{
            "id": fragment(d), "ordinal": site.ordinal(d), "text": site.value(d, NIDA + "text") or "",
            "rows": site.rows(d, path, skip_part | {NIDA + "addressee"}),
            "addressees": [site.link(a, path) for a in sorted(site.iris(d, NIDA + "addressee"))],
        } for d in sorted(site.iris(section, NIDA + "hasDemand"), key=site.ordinal)]
        sections.append({
            "id": fragment(section), "ordinal": site.ordinal(section),
            "text": site.value(section, NIDA + "text") or "", "rows": site.rows(section, path, skip_part),
            "demands": demands,
        })
    signatures = [{
        "id": fragment(s), "ordinal": site.ordinal(s), "name": site.value(s, NIDA + "nameAsPrinted") or "",
        "organization": [site.link(o, path) for o in site.iris(s, NIDA + "signatory")],
        "note": site.value(s, SKOS + "editorialNote"),
    } for s in sorted(site.iris(iri, NIDA + "hasSignature"), key=site.ordinal)]
    about = None
    for profile in site.iris(iri, NIDA + "publisherProfile"):
        text = site.value(profile, NIDA + "text") or ""
        about = {
            "id": fragment(profile), "heading": site.value(profile, NIDA + "heading") or "About",
            "paragraphs": [p.strip() for p in text.split("\n\n") if p.strip()],
            "describes": [site.link(o, path) for o in site.iris(profile, NIDA + "describes")],
        }
    sources = []
    for source in site.iris(iri, "http://www.w3.org/ns/prov#wasDerivedFrom"):
        source_page = page_path(source)
        sources.append({
            "page": site.link(source, path),
            "text_href": relative_href(path, source_page[:-len(".html")] + ".txt") if source_page else None,
            "sha256": site.value(source, NIDA + "sha256"),
            "bytes": site.value(source, NIDA + "byteLength"),
            "chars": site.value(source, NIDA + "charLength"),
        })
    shown = {RDF_TYPE, DCT + "title", DCT + "alternative", DCT + "publisher", NIDA + "hasSection",
             WORK_TRANSLATION, NIDA + "hasPosition", NIDA + "hasSignature", NIDA + "signedBy",
             NIDA + "publisherProfile",
             "http://www.w3.org/ns/prov#wasDerivedFrom", DCT + "issued", NIDA + "publicationDateKnown"}
    return {
        "subtitle": site.value(iri, DCT + "alternative"),
        "issued": site.value(iri, DCT + "issued"),
        "publisher": [site.link(o, path) for o in site.iris(iri, DCT + "publisher")],
        "sources": sources, "positions": positions, "sections": sections, "signatures": signatures,
        "organizations": len(set(site.iris(iri, NIDA + "signedBy"))),
        "about": about, "rows": site.rows(iri, path, shown), "versions": version_blocks(site, iri, path),
        **_text_language(site, iri),
    }


def _organization_signed(site: Site, iri: str, path: str) -> list[dict[str, Any]]:
    by_statement: dict[str, list[str]] = defaultdict(list)
    for triple in site.incoming(iri, NIDA + "signatory"):
        for statement in site.iris(term_iri(triple.subject), DCT + "isPartOf"):
            by_statement[statement].append(term_iri(triple.subject))
    return [{
        "statement": site.link(statement, path),
        "signatures": [{
            "name": site.value(s, NIDA + "nameAsPrinted") or "", "ordinal": site.ordinal(s),
            "href": relative_href(path, page_link(s) or ""),
        } for s in sorted(signatures, key=site.ordinal)],
    } for statement, signatures in sorted(by_statement.items())]


def _resource_context(site: Site, iri: str, path: str, subjects: list[str]) -> dict[str, Any]:
    context: dict[str, Any] = {"signed": [], "concepts": [], "source_text": None, "text_href": None,
                               "lang": None, "dir": None}
    skip_back: set[str] = set()
    types = site.types(iri)
    if NIDA + "Organization" in types:
        context["signed"] = _organization_signed(site, iri, path)
        skip_back = {NIDA + "signatory", NIDA + "signedBy"}
    if SKOS + "ConceptScheme" in types:
        members = site.incoming(iri, SKOS + "inScheme")
        concepts = sorted({term_iri(t.subject) for t in members}, key=site.label)
        context["concepts"] = [{"link": site.link(c, path), "definition": site.value(c, SKOS + "definition")}
                               for c in concepts]
        skip_back = {SKOS + "inScheme", SKOS + "topConceptOf"}
    shown = {RDF_TYPE, DCT + "title", SKOS + "prefLabel"}  # the page's heading
    if NIDA + "Source" in types:
        context["source_text"] = site.value(iri, NIDA + "content")
        for derived in site.incoming(iri, "http://www.w3.org/ns/prov#wasDerivedFrom"):
            context.update(_text_language(site, term_iri(derived.subject)))
        context["text_href"] = posixpath.basename(path)[:-len(".html")] + ".txt"
        context["versions"] = version_texts(site, iri, subjects)
        shown.add(NIDA + "content")
    if SKOS + "ConceptScheme" in types:
        shown.add(SKOS + "hasTopConcept")
    context["rows"] = site.rows(iri, path, shown)
    context["backlinks"] = site.backlinks(iri, path, skip_back)
    return context


def _term_context(site: Site, term: str, path: str) -> dict[str, Any]:
    # in release order, as one lookup of both would give (not every rdf:type pointing at a class)
    sub = sorted([t for p in ("subClassOf", "subPropertyOf") for t in site.incoming(term, RDFS + p)], key=str)

    def links(predicate: str) -> list[Value]:
        return sorted((site.link(o, path) for o in site.iris(term, predicate)), key=lambda v: v.text)

    return {
        "id": term[len(ONTOLOGY_NS):], "iri": term, "curie": curie(term), "label": site.label(term),
        "comment": site.value(term, RDFS + "comment"),
        "kinds": sorted(curie(t) for t in site.types(term) if t.startswith(OWL)),
        "super": links(RDFS + "subClassOf") + links(RDFS + "subPropertyOf"),
        "equivalent": links(OWL + "equivalentClass") + links(OWL + "equivalentProperty"),
        "domain": links(RDFS + "domain"), "range": links(RDFS + "range"),
        "sub": sorted((site.link(term_iri(t.subject), path) for t in sub), key=lambda v: v.text),
    }


def _ontology_context(site: Site, path: str) -> dict[str, Any]:
    terms = sorted(site.terms(), key=lambda s: s.lower())
    classes = [t for t in terms if OWL + "Class" in site.types(t)]
    properties = [t for t in terms if t not in classes]
    schemes = site.subjects_of_type(SKOS + "ConceptScheme")
    return {
        "description": site.value(ONTOLOGY_IRI, DCT + "description"),
        "version": site.value(ONTOLOGY_IRI, OWL + "versionInfo"),
        "rows": site.rows(ONTOLOGY_IRI, path, {RDF_TYPE, DCT + "title", DCT + "description"}),
        "classes": [_term_context(site, t, path) for t in classes],
        "properties": [_term_context(site, t, path) for t in properties],
        "schemes": [{"link": site.link(s, path), "description": site.value(s, DCT + "description")}
                    for s in schemes],
    }


@dataclass(frozen=True)
class Plan:
    """A page before it is built: its path, the subjects it describes, and the one it is about."""

    path: str
    subjects: list[str]
    owner: str | None


def plan_pages(site: Site) -> list[Plan]:
    """Every page of the site, by path, with its subjects (each subject on exactly one page)."""
    grouped: dict[str, list[str]] = defaultdict(list)
    owner: dict[str, str] = {}
    for subject in site.by_subject:
        path = page_path(subject)
        if path is None:
            continue
        grouped[path].append(subject)
        if page_link(subject) == path:
            owner[path] = subject
    return [Plan(path, grouped[path], owner.get(path)) for path in sorted(grouped)]


def build_page(site: Site, plan: Plan) -> Page:
    """A page with the triples it describes and its template context."""
    triples = site.sorted_triples(plan.subjects)
    if plan.path == ONTOLOGY_PAGE:
        title = site.value(ONTOLOGY_IRI, DCT + "title") or "Ontology"
        return Page(plan.path, "ontology.html", title, triples, _ontology_context(site, plan.path))
    if plan.owner is None:
        raise KeyError(plan.path)
    iri, path = plan.owner, plan.path
    types = site.type_labels(iri) or sorted(site.property_label(t) for t in site.types(iri))
    base = {"iri": iri, "types": types}
    if path.startswith("statement/"):
        context = base | _statement_context(site, iri, path)
        return Page(path, "statement.html", site.label(iri), triples, context)
    return Page(path, "resource.html", site.label(iri), triples,
                base | _resource_context(site, iri, path, plan.subjects))


def build_pages(site: Site) -> list[Page]:
    """Every page of the site with the triples it describes (each triple on exactly one page)."""
    return [build_page(site, plan) for plan in plan_pages(site)]


KIND_TITLES = {
    "statement": "Statements", "organization": "Organizations", "actor": "Actors", "place": "Places",
    "agreement": "Agreements", "event": "Events", "concept": "Concept schemes", "source": "Sources",
}


def index_context(pages: list[Page]) -> dict[str, Any]:
    groups: dict[str, list[Value]] = defaultdict(list)
    for page in pages:
        kind = page.path.split("/", 1)[0]
        if kind == CONCEPT_KIND and page.path.count("/") > 1:
            continue
        if page.path == ONTOLOGY_PAGE:
            continue
        groups[kind].append(Value(page.title, relative_href(INDEX_PAGE, page.path)))
    order = [*PAGE_KINDS[:-1], CONCEPT_KIND, "source"]
    return {"groups": [
        {"title": KIND_TITLES[k], "kind": k, "pages": sorted(groups[k], key=lambda v: v.text.lower())}
        for k in order if groups.get(k)]}
