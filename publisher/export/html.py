"""HTML: one static page per resource, an index and the ontology documentation, under html/.

Every page is rendered from the release triples with Jinja2 (autoescaped), embeds the
JSON-LD of the triples it describes (compacted by pyld with the local context, never a
remote one), shows labels instead of IRIs and links to other pages with relative links,
so the folder works from file:// and under any web root. No external assets.

Where a page lives is `page_path(iri)`: the IRI's path below the data base with
".html" appended (see its docstring); `nida serve` and other code import it.

Re-publishing is incremental: each page's bytes are kept in the build cache (in pack files)
under the SHA-256 of everything they are made of (`page_keys`), so only the pages whose
content changed are rendered again. Pages are built, keyed, copied or rendered in forked
workers (`build_group`, `render_missing`).
"""

from __future__ import annotations

import functools
import json
import posixpath
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from pyld import jsonld

from publisher import forkmap
from publisher.buildcache import BuildCache, Location, code_version, content_key, read_packed
from publisher.export import Exporter, Release, register, sha256_place
from publisher.export.cached import CacheStats
from publisher.export.jsonld import (
    NODE_INDENT,
    as_document,
    build_context,
    compact_nodes,
    context_text,
    dump_nodes,
    json_text,
    node_text,
    ontology_version,
    pyld_dataset,
)
from publisher.export.nogc import collector_paused
from publisher.forkmap import Background, workers
from publisher.settings import DATA_BASE, ONTOLOGY_IRI, ONTOLOGY_NS, PREFIXES

T = TypeVar("T")
HTML_FOLDER = "html"
INDEX_PAGE = "index.html"
ONTOLOGY_PAGE = "ontology/index.html"
TEMPLATES = Path(__file__).with_name("templates")
CACHE_KIND = "html"
TEXT_KIND = "html-text"  # a source page's text, packed with the pages
GROUPS_PER_WORKER = 4  # pages are rendered in groups, a few per worker so that they end together
FEW_MISSING = 20  # below one page in this many to render, pages compact their JSON-LD themselves

#: Kinds of data resource that get a page of their own: ``<kind>/<slug>.html``.
PAGE_KINDS = ("statement", "organization", "actor", "place", "agreement", "event", "source")
#: Concept schemes (``concept/<scheme>``) and concepts (``concept/<scheme>/<slug>``) have pages too.
CONCEPT_KIND = "concept"

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
SKOS = PREFIXES["skos"]
DCT = PREFIXES["dct"]
NIDA = ONTOLOGY_NS
RDF_TYPE = RDF + "type"
LABEL_PROPERTIES = (
    SKOS + "prefLabel", DCT + "title", NIDA + "nameAsPrinted", RDFS + "label", NIDA + "heading")
#: Readable names of the properties from other vocabularies that pages show.
FOREIGN_LABELS = {
    DCT + "language": "language", DCT + "isPartOf": "part of", DCT + "date": "date",
    DCT + "description": "description", DCT + "license": "license", DCT + "creator": "creator",
    DCT + "publisher": "publisher", DCT + "title": "title", DCT + "alternative": "subtitle",
    SKOS + "prefLabel": "preferred label", SKOS + "altLabel": "also printed as",
    SKOS + "definition": "definition", SKOS + "editorialNote": "editorial note",
    SKOS + "inScheme": "in scheme", SKOS + "topConceptOf": "top concept of",
    SKOS + "hasTopConcept": "top concepts", SKOS + "exactMatch": "exact match",
    OWL + "sameAs": "same as", OWL + "versionInfo": "version", OWL + "versionIRI": "version IRI",
    PREFIXES["org"] + "subOrganizationOf": "part of organization", PREFIXES["org"] + "postIn": "post in",
    PREFIXES["schema"] + "containedInPlace": "contained in place",
    PREFIXES["schema"] + "encodingFormat": "encoding format",
    PREFIXES["vann"] + "preferredNamespacePrefix": "preferred namespace prefix",
    PREFIXES["vann"] + "preferredNamespaceUri": "preferred namespace IRI",
    RDFS + "isDefinedBy": "defined by", RDFS + "label": "label", RDFS + "comment": "comment",
    SKOS + "Concept": "concept", SKOS + "ConceptScheme": "concept scheme",
}
#: what pages look up of the resources they link to (a label, a type, an ordinal, a parent)
BRIEF_PROPERTIES = frozenset({RDF_TYPE, *LABEL_PROPERTIES, NIDA + "ordinal", DCT + "isPartOf"})
OFFSET_PROPERTIES = {NIDA + name for name in (
    "textStart", "textEnd", "nameStart", "nameEnd", "titleStart", "titleEnd", "subtitleStart", "subtitleEnd")}


@functools.lru_cache(maxsize=1 << 16)
def _split(iri: str) -> tuple[str, str] | None:
    """(page path, fragment) for an IRI that is described on a page of the release."""
    if iri == ONTOLOGY_IRI or iri.startswith(ONTOLOGY_NS):
        return ONTOLOGY_PAGE, iri[len(ONTOLOGY_NS):] if iri.startswith(ONTOLOGY_NS) else ""
    if not iri.startswith(DATA_BASE):
        return None
    parts = iri[len(DATA_BASE):].split("/")
    if any(not part or part in (".", "..") for part in parts):
        return None
    kind = parts[0]
    if kind == CONCEPT_KIND and len(parts) in (2, 3):
        return "/".join(parts) + ".html", ""
    if kind in PAGE_KINDS and len(parts) >= 2:
        return f"{kind}/{parts[1]}.html", "/".join(parts[2:])
    return None


def page_path(iri: str) -> str | None:
    """The file, relative to the release's ``html/`` folder, of the page that describes `iri`.

    The rule is the IRI's path below ``https://w3id.org/nida/id/`` plus ``.html``:

    - ``…/id/statement/<slug>`` -> ``statement/<slug>.html`` (and likewise for
      ``organization``, ``actor``, ``place``, ``agreement``, ``event``, ``source``);
    - ``…/id/concept/<scheme>`` -> ``concept/<scheme>.html``;
      ``…/id/concept/<scheme>/<slug>`` -> ``concept/<scheme>/<slug>.html``;
    - parts of a statement (``…/id/statement/<slug>/demand/1-2``, ``…/signature/9``,
      ``…/section/1``, ``…/position/<name>``, ``…/about``) are described on the statement's
      page, at the fragment ``#demand/1-2`` etc. (see `page_link`), so they map to it;
    - the ontology and its terms -> ``ontology/index.html`` (terms at ``#<LocalName>``);
    - anything else (graph names, external IRIs) -> None.

    A server maps ``/id/<path>`` to ``html/<path>.html``; the index is ``html/index.html``.
    """
    split = _split(iri)
    return split[0] if split else None


def page_link(iri: str) -> str | None:
    """`page_path` plus the fragment where the resource is shown, e.g. ``statement/x.html#demand/1-2``."""
    split = _split(iri)
    if split is None:
        return None
    path, fragment = split
    return f"{path}#{fragment}" if fragment else path


def relative_href(from_page: str, target: str) -> str:
    """A relative link from one page (path under html/) to a target path (with optional #fragment)."""
    path, _, fragment = target.partition("#")
    if path == from_page:
        return f"#{fragment}" if fragment else posixpath.basename(path)
    href = _relpath(path, posixpath.dirname(from_page) or ".")
    return f"{href}#{fragment}" if fragment else href


@functools.lru_cache(maxsize=1 << 16)
def _relpath(path: str, folder: str) -> str:
    """posixpath.relpath, remembered: pages link the same pages from the same few folders."""
    return posixpath.relpath(path, folder)


def _iri(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


@dataclass(frozen=True)
class Value:
    """One object as shown: text, and a link where there is one."""

    text: str
    href: str | None = None
    external: bool = False
    lang: str | None = None


@dataclass
class Row:
    label: str
    values: list[Value]


@dataclass
class Page:
    path: str
    template: str
    title: str
    triples: list[ox.Triple] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)


Index = dict[str, dict[str, list[ox.NamedNode | ox.Literal]]]
Objects = list[ox.NamedNode | ox.Literal]


def subject_token(subject: str) -> str:
    """What a page read: the triples of a subject."""
    return f"s {subject}"


def brief_token(subject: str) -> str:
    """What a page read: the values of a subject's `BRIEF_PROPERTIES` (its label, types...),
    which is all most pages read of the resources they link to."""
    return f"b {subject}"


def object_token(obj: str, predicate: str | None) -> str:
    """What a page read: the asserted triples that point at `obj` with `predicate` (any: None)."""
    return f"o {obj} {predicate or '*'}"


TERMS_TOKEN = "terms"  # what a page read: which subjects are ontology terms


class Site:
    """The lookups of the release triples that pages make.

    While a page is built, every lookup is remembered in `reads` (as tokens, `subject_token`,
    `brief_token`, `object_token`, `TERMS_TOKEN`): a page's bytes depend on the answers to its lookups alone,
    so after a change only the pages that looked up something the change touched can differ
    (`siteindex`). This class answers from the whole release in memory; `siteindex.StoredSite`
    answers the same lookups from the site index in the build cache."""

    def __init__(self, release: Release | None = None) -> None:
        self.reads: set[str] | None = None
        self.by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
        self.by_predicate: Index = defaultdict(lambda: defaultdict(list))
        self.asserted: set[ox.Triple] = set()
        self.pointing: dict[str, list[ox.Triple]] = defaultdict(list)
        self.labels: dict[str, str] = {}
        if release is None:
            return
        self.triples = release.triples
        self.asserted = asserted = {triple for part in release.dataset.parts.values() for triple in part}
        by_subject, by_predicate, pointing = self.by_subject, self.by_predicate, self.pointing
        for triple in self.triples:  # one pass: a hundred thousand triples at 100k
            subject, target = _iri(triple.subject), triple.object
            by_subject[subject].append(triple)
            by_predicate[subject][triple.predicate.value].append(target)  # type: ignore[arg-type]
            if isinstance(target, ox.NamedNode) and triple in asserted:
                pointing[target.value].append(triple)
        self.labels = {subject: self._own_label(subject) for subject in self.by_subject}

    # -- the lookups (each remembered while a page is built) -------------------------------

    def _read(self, token: str) -> None:
        if self.reads is not None:
            self.reads.add(token)

    def subject_triples(self, subject: str) -> list[ox.Triple]:
        """The release triples of `subject`, in N-Triples order."""
        self._read(subject_token(subject))
        return self._subject_triples(subject)

    def own_label(self, subject: str) -> str:
        self._read(brief_token(subject))
        return self._label(subject)

    def incoming(self, iri: str, predicate: str | None = None) -> list[ox.Triple]:
        """The asserted triples whose object is `iri` (with `predicate`, where given)."""
        self._read(object_token(iri, predicate))
        found = self._pointing(iri)
        return found if predicate is None else [t for t in found if t.predicate.value == predicate]

    def is_asserted(self, triple: ox.Triple) -> bool:
        """Whether the data says it, rather than the release materializing it (a super-type...)."""
        self._read(subject_token(_iri(triple.subject)))
        return self._is_asserted(triple)

    def terms(self) -> list[str]:
        """The subjects in the ontology's namespace."""
        self._read(TERMS_TOKEN)
        return self._terms()

    def subjects_of_type(self, type_iri: str) -> list[str]:
        """The subjects of a type (materialized types included)."""
        self._read(object_token(type_iri, RDF_TYPE))
        return self._subjects_of_type(type_iri)

    # -- answered from memory (`siteindex.StoredSite` answers from the site index) ---------

    def _subject_triples(self, subject: str) -> list[ox.Triple]:
        return self.by_subject.get(subject, [])

    def _objects(self, subject: str, predicate: str) -> Objects:
        return self.by_predicate.get(subject, {}).get(predicate, [])

    def _label(self, subject: str) -> str:
        return self.labels.get(subject, "")

    def _pointing(self, iri: str) -> list[ox.Triple]:
        return self.pointing.get(iri, [])

    def _is_asserted(self, triple: ox.Triple) -> bool:
        return triple in self.asserted

    def _terms(self) -> list[str]:
        return sorted(s for s in self.by_subject if s.startswith(ONTOLOGY_NS))

    def _subjects_of_type(self, type_iri: str) -> list[str]:
        node = ox.NamedNode(type_iri)
        return sorted(s for s, p in self.by_predicate.items() if node in p.get(RDF_TYPE, ()))

    def _own_label(self, subject: str) -> str:
        for predicate in LABEL_PROPERTIES:
            value = _chosen(self._objects(subject, predicate))
            if value:
                return value
        return ""

    # -- reading --------------------------------------------------------------------------

    def sorted_triples(self, subjects: list[str]) -> list[ox.Triple]:
        """The triples of `subjects` in N-Triples order: the release triples are sorted, so each
        subject's are, and only the subjects need sorting (by their N-Triples form)."""
        triples = {s: self.subject_triples(s) for s in subjects}
        ordered = sorted((s for s in subjects if triples[s]), key=lambda s: str(triples[s][0].subject))
        return [t for s in ordered for t in triples[s]]

    def objects(self, subject: str, predicate: str) -> Objects:
        self._read(brief_token(subject) if predicate in BRIEF_PROPERTIES else subject_token(subject))
        return self._objects(subject, predicate)

    def value(self, subject: str, predicate: str) -> str | None:
        return _chosen(self.objects(subject, predicate))

    def iris(self, subject: str, predicate: str) -> list[str]:
        return [o.value for o in self.objects(subject, predicate) if isinstance(o, ox.NamedNode)]

    def types(self, subject: str) -> set[str]:
        return set(self.iris(subject, RDF_TYPE))

    def ordinal(self, subject: str) -> int:
        value = self.value(subject, NIDA + "ordinal")
        return int(value) if value is not None else 0

    # -- labels ---------------------------------------------------------------------------

    def label(self, iri: str) -> str:
        own = self.own_label(iri)
        if own:
            return own
        nida_types = sorted(t for t in self.types(iri) if t.startswith(NIDA))
        if NIDA + "Source" in nida_types:
            derived = self.incoming(iri, PREFIXES["prov"] + "wasDerivedFrom")
            statements = sorted(_iri(t.subject) for t in derived)
            if statements:
                return "Source text: " + self.label(statements[0])
        if nida_types and iri.startswith(DATA_BASE):
            kind = self.own_label(nida_types[0]) or nida_types[0][len(NIDA):]
            ordinal = self.value(iri, NIDA + "ordinal")
            segment = iri.rsplit("/", 1)[1]
            # demands are numbered per section: "Demand 1-2" (section 1, demand 2) as in their IRI
            suffix = segment if ordinal is None or NIDA + "Demand" in nida_types else ordinal
            return f"{kind[:1].upper()}{kind[1:]} {suffix}"
        return curie(iri)

    def property_label(self, iri: str) -> str:
        label = FOREIGN_LABELS.get(iri) or self.own_label(iri) or curie(iri)
        return label[:1].upper() + label[1:]

    def type_labels(self, subject: str) -> list[str]:
        """Labels of the asserted nida classes (not the materialized super-classes)."""
        asserted = {_iri(t.object) for t in self.subject_triples(subject)
                    if t.predicate.value == RDF_TYPE and self.is_asserted(t)}
        own = sorted(t for t in asserted if self.own_label(t) and t.startswith(NIDA))
        return [self.own_label(t) for t in own]

    def show(self, term: ox.NamedNode | ox.Literal, from_page: str) -> Value:
        if isinstance(term, ox.Literal):
            return Value(term.value, lang=term.language)
        link = page_link(term.value)
        if link is not None:
            return Value(self.label(term.value), relative_href(from_page, link))
        if term.value.startswith(("http://", "https://")):
            return Value(self.label(term.value), term.value, external=True)
        return Value(term.value)

    def link(self, iri: str, from_page: str) -> Value:
        return self.show(ox.NamedNode(iri), from_page)

    def rows(self, subject: str, from_page: str, skip: Iterable[str] = ()) -> list[Row]:
        """The asserted statements about `subject`, by property, objects sorted by what is shown."""
        skipped = set(skip) | OFFSET_PROPERTIES
        grouped: dict[str, list[Value]] = defaultdict(list)
        for triple in self.subject_triples(subject):
            if triple.predicate.value in skipped or not self.is_asserted(triple):
                continue
            grouped[triple.predicate.value].append(self.show(triple.object, from_page))  # type: ignore[arg-type]
        return _rows({p: set(v) for p, v in grouped.items()}, self.property_label)

    def backlinks(self, iri: str, from_page: str, skip: Iterable[str] = ()) -> list[Row]:
        """Who refers to `iri`, by property (asserted triples only, the page itself excluded)."""
        skipped = set(skip)
        grouped: dict[str, set[Value]] = defaultdict(set)
        for triple in self.incoming(iri):
            if triple.predicate.value in skipped or _iri(triple.subject) == iri:
                continue
            if page_path(_iri(triple.subject)) is None:
                continue
            grouped[triple.predicate.value].add(self.link(_iri(triple.subject), from_page))
        return _rows(grouped, self.property_label)


def _chosen(found: Objects) -> str | None:
    """The value shown of several: the first in English or without a language, else the first."""
    english = [o for o in found if isinstance(o, ox.Literal) and o.language in (None, "en")]
    chosen = english or found
    return chosen[0].value if chosen else None


def _rows(grouped: dict[str, set[Value]], label: Any) -> list[Row]:
    rows = [Row(label(p), sorted(v, key=lambda x: (x.text, x.href or ""))) for p, v in grouped.items()]
    return sorted(rows, key=lambda row: row.label.lower())


# -- pages ------------------------------------------------------------------------------------


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
             NIDA + "hasPosition", NIDA + "hasSignature", NIDA + "signedBy", NIDA + "publisherProfile",
             "http://www.w3.org/ns/prov#wasDerivedFrom", DCT + "issued", NIDA + "publicationDateKnown"}
    return {
        "subtitle": site.value(iri, DCT + "alternative"),
        "issued": site.value(iri, DCT + "issued"),
        "publisher": [site.link(o, path) for o in site.iris(iri, DCT + "publisher")],
        "sources": sources, "positions": positions, "sections": sections, "signatures": signatures,
        "organizations": len(set(site.iris(iri, NIDA + "signedBy"))),
        "about": about, "rows": site.rows(iri, path, shown),
    }


def _organization_signed(site: Site, iri: str, path: str) -> list[dict[str, Any]]:
    by_statement: dict[str, list[str]] = defaultdict(list)
    for triple in site.incoming(iri, NIDA + "signatory"):
        for statement in site.iris(_iri(triple.subject), DCT + "isPartOf"):
            by_statement[statement].append(_iri(triple.subject))
    return [{
        "statement": site.link(statement, path),
        "signatures": [{
            "name": site.value(s, NIDA + "nameAsPrinted") or "", "ordinal": site.ordinal(s),
            "href": relative_href(path, page_link(s) or ""),
        } for s in sorted(signatures, key=site.ordinal)],
    } for statement, signatures in sorted(by_statement.items())]


def _resource_context(site: Site, iri: str, path: str) -> dict[str, Any]:
    context: dict[str, Any] = {"signed": [], "concepts": [], "source_text": None, "text_href": None}
    skip_back: set[str] = set()
    types = site.types(iri)
    if NIDA + "Organization" in types:
        context["signed"] = _organization_signed(site, iri, path)
        skip_back = {NIDA + "signatory", NIDA + "signedBy"}
    if SKOS + "ConceptScheme" in types:
        concepts = sorted({_iri(t.subject) for t in site.incoming(iri, SKOS + "inScheme")}, key=site.label)
        context["concepts"] = [{"link": site.link(c, path), "definition": site.value(c, SKOS + "definition")}
                               for c in concepts]
        skip_back = {SKOS + "inScheme", SKOS + "topConceptOf"}
    shown = {RDF_TYPE, DCT + "title", SKOS + "prefLabel"}  # the page's heading
    if NIDA + "Source" in types:
        context["source_text"] = site.value(iri, NIDA + "content")
        context["text_href"] = posixpath.basename(path)[:-len(".html")] + ".txt"
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
        "sub": sorted((site.link(_iri(t.subject), path) for t in sub), key=lambda v: v.text),
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
    return Page(path, "resource.html", site.label(iri), triples, base | _resource_context(site, iri, path))


def build_pages(site: Site) -> list[Page]:
    """Every page of the site with the triples it describes (each triple on exactly one page)."""
    return [build_page(site, plan) for plan in plan_pages(site)]


KIND_TITLES = {
    "statement": "Statements", "organization": "Organizations", "actor": "Actors", "place": "Places",
    "agreement": "Agreements", "event": "Events", "concept": "Concept schemes", "source": "Sources",
}


def _index_context(pages: list[Page]) -> dict[str, Any]:
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


@functools.cache
def environment() -> Environment:
    """One per process, its templates compiled once: they do not change while nida runs (no
    check of the template files' times for each of thousands of pages)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False,
    )


#: A node of a page's JSON-LD as text: its compacted id (the key pyld's documents sort by)
#: and its JSON, indented as an item of "@graph" (`jsonld.node_text`).
NodeText = tuple[str, str]
#: a node as the JSON-LD dump's pieces hold it: its compacted id, and its text still encoded
#: (decoded only for the pages rendered: all of them are as big as the dump)
DumpNode = tuple[str, bytes]


def node_iri(node_id: str, context: dict[str, Any]) -> str:
    """The IRI of a compacted @id: pyld writes one as a compact IRI with a prefix of the
    context ("nid:organization/x") or in full."""
    prefix, colon, suffix = node_id.partition(":")
    value = context.get(prefix) if colon and not suffix.startswith("//") else None
    return value + suffix if isinstance(value, str) else node_id


def dump_node_texts(nodes: list[tuple[bytes, bytes]], context: dict[str, Any]) -> dict[str, DumpNode]:
    """The JSON-LD dump's node of every subject that has exactly one node in it, by IRI: the
    node of all the subject's triples, which is what its page embeds (`jsonld.compact_nodes`:
    a node compacts the same whatever its siblings), so pages need no compaction of their own."""
    texts: dict[str, DumpNode] = {}
    split: set[str] = set()
    for key, text in nodes:
        node_id = key.decode("utf-8")
        iri = node_iri(node_id, context)
        if iri in texts or iri in split:
            texts.pop(iri, None)
            split.add(iri)
        else:
            texts[iri] = (node_id, text)
    return texts


def page_node_texts(pages: list[Page], context: dict[str, Any],
                    known: dict[str, DumpNode]) -> list[list[NodeText]]:
    """The JSON-LD nodes of each page: from `known` where there, the others compacted by pyld
    together in one call (each subject's triples are all on one page)."""
    subjects = [sorted({_iri(t.subject) for t in page.triples}) for page in pages]
    missing = [t for page in pages for t in page.triples if _iri(t.subject) not in known]
    compacted: dict[str, NodeText] = {}
    if missing:
        expanded = jsonld.from_rdf(pyld_dataset(missing))
        for node, compact in zip(expanded, compact_nodes(expanded, context), strict=True):
            compacted[node["@id"]] = node_text(compact)

    def text(subject: str) -> NodeText:
        if subject in compacted:
            return compacted[subject]
        node_id, encoded = known[subject]
        return node_id, encoded.decode("utf-8")

    return [[text(subject) for subject in own] for own in subjects]


def document_text(context: dict[str, Any], context_json: str, nodes: list[NodeText]) -> str:
    """`json.dumps(as_document(context, nodes), indent=2, sort_keys=True, ensure_ascii=False)`,
    spliced from the texts of the context and of the nodes instead of encoded again (Python's
    indenting JSON encoder took most of a page's rendering time)."""
    if not nodes:
        return '{\n  "@context": ' + context_json + ',\n  "@graph": []\n}'
    if len(nodes) > 1:
        graph = ",\n".join(text for _id, text in sorted(nodes))
        return '{\n  "@context": ' + context_json + ',\n  "@graph": [\n' + graph + "\n  ]\n}"
    body = [line[len(NODE_INDENT):] for line in nodes[0][1].split("\n")[1:-1]]
    first_key = json.JSONDecoder().raw_decode(body[0].strip())[0] if body else ""
    if first_key < "@context":  # the node's keys would not all sort after "@context"
        document = as_document(context, [json.loads(nodes[0][1])])
        return json_text(document)
    return '{\n  "@context": ' + context_json + ",\n" + "\n".join(body) + "\n}"


def script_text(text: str) -> Markup:
    """JSON for a <script> element: '<', '>' and '&' as \\u escapes, so no '</' can end it."""
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def render(env: Environment, page: Page, version: str, script: Markup | None) -> bytes:
    html = env.get_template(page.template).render(
        page=page, ctx=page.context, version=version,
        root=relative_href(page.path, INDEX_PAGE), ontology=relative_href(page.path, ONTOLOGY_PAGE),
        jsonld=script,
    )
    return html.encode("utf-8")


def page_keys(pages: list[Page], context: dict[str, Any], version: str) -> list[str]:
    """Each page's cache key: everything its bytes are made of, that is its template context
    (labels and links of what it shows, backlinks, signatures...), its triples (the embedded
    JSON-LD), the JSON-LD context, the ontology version, the templates and the code."""
    shared = [code_version(), json.dumps(context, sort_keys=True), version]
    return [content_key(CACHE_KIND, [*shared, page.path, page.template, page.title, repr(page.context),
                                     ox.serialize(page.triples, format=ox.RdfFormat.N_TRIPLES) or b""])
            for page in pages]


def _balanced(items: list[T], weight: Callable[[T], int], count: int) -> list[list[T]]:
    """`items` in `count` groups of about the same total weight (heaviest placed first)."""
    groups: list[list[T]] = [[] for _ in range(max(1, min(count, len(items))))]
    sizes = [0] * len(groups)
    for item in sorted(items, key=weight, reverse=True):
        smallest = sizes.index(min(sizes))
        groups[smallest].append(item)
        sizes[smallest] += weight(item)
    return groups


def render_group(group: list[Page], context: dict[str, Any], version: str,
                 known: dict[str, DumpNode]) -> list[bytes]:
    """The bytes of some pages (one pyld call for the nodes the JSON-LD dump does not have)."""
    env, context_json = environment(), context_text(context)
    nodes = page_node_texts(group, context, known)
    documents = (document_text(context, context_json, own) for own in nodes)
    return [render(env, page, version, script_text(document))
            for page, document in zip(group, documents, strict=True)]


#: keeps rendered pages (cache key, page, bytes) and returns the SHA-256 of each page's file
Store = Callable[[list[tuple[str, Page, bytes]]], list[str]]


def render_and_store(keyed: list[tuple[str, Page]], context: dict[str, Any], version: str,
                     known: dict[str, DumpNode], store: Store) -> list[str]:
    """Render pages (with their cache keys) and hand them to `store`; what it returned."""
    made = render_group([page for _key, page in keyed], context, version, known)
    return store([(key, page, data) for (key, page), data in zip(keyed, made, strict=True)])


def render_missing(site: Site, plans: list[Plan], keys: dict[str, str], context: dict[str, Any],
                   version: str, known: dict[str, DumpNode], store: Store) -> dict[str, str]:
    """Build and render the pages of `plans` in forked workers (again: pages are not sent between
    processes, only plans and digests), each handing its pages' bytes to `store` where they were
    rendered; what `store` returned, by page path."""
    def work(group: list[Plan]) -> list[str]:
        keyed = [(keys[plan.path], build_page(site, plan)) for plan in group]
        return render_and_store(keyed, context, version, known, store)

    groups = _balanced(plans, lambda plan: plan_size(site, plan), workers() * GROUPS_PER_WORKER)
    stored = forkmap.fork_map(work, groups)
    return {plan.path: result for group, results in zip(groups, stored, strict=True)
            for plan, result in zip(group, results, strict=True)}


def plan_size(site: Site, plan: Plan) -> int:
    """The triples a page describes (its work, for balancing groups)."""
    return sum(len(site.by_subject[subject]) for subject in plan.subjects)


@dataclass
class Built:
    """What a worker says of a page it built: its title, and its file's SHA-256 where it was
    copied from the cache or rendered, else its plan, still to render; and what the site index
    keeps of it (its subjects and lookups)."""

    path: str
    title: str
    key: str
    digest: str | None
    plan: Plan | None
    rendered: bool = False
    #: (path under html/, SHA-256, build cache key) of the source text written beside a source's page
    texts: list[tuple[str, str, str]] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    owner: str | None = None
    reads: list[str] = field(default_factory=list)


def copy_packed(location: Location | None, target: Path, previous: Path | None = None) -> str | None:
    """Write a page from its pack (or link `previous`, where it holds the same bytes: see
    `sha256_place`); its SHA-256, None where the pack does not hold it whole."""
    if location is None:
        return None
    data = read_packed([location])[0]
    return None if data is None else sha256_place(target, data, previous)


def build_recorded(site: Site, plan: Plan) -> tuple[Page, list[str]]:
    """`build_page`, with the lookups it made (`Site.reads`)."""
    site.reads = set()
    try:
        page = build_page(site, plan)
    finally:
        reads, site.reads = site.reads, None
    return page, sorted(reads or ())


#: keeps entries (key, bytes) in the build cache's packs
Keep = Callable[[list[tuple[str, bytes]]], None]


def packing(cache: BuildCache, root: Path, previous: Path | None) -> tuple[Store, Keep]:
    """How `build_group` stores what it renders (pages packed in the build cache, and written
    under `root`, or linked from `previous`: see `sha256_place`) and keeps source texts."""
    def store(rendered: list[tuple[str, Page, bytes]]) -> list[str]:
        cache.put_pack(CACHE_KIND, [(key, data) for key, _page, data in rendered])
        return [sha256_place(root / page.path, data, previous and previous / page.path)
                for _key, page, data in rendered]

    def keep(entries: list[tuple[str, bytes]]) -> None:
        cache.put_pack(CACHE_KIND, entries)

    return store, keep


def build_group(site: Site, plans: list[Plan], context: dict[str, Any], version: str, root: Path,
                packed: dict[str, Location], known: dict[str, DumpNode] | None, store: Store,
                keep: Keep, previous: Path | None = None) -> list[Built]:
    """Build some pages, write those whose key is packed in the build cache, and render the
    others here if `known` (the JSON-LD dump's nodes) is given, else hand back their plans
    (`previous`: the html/ folder of the release being replaced, whose same files are linked)."""
    made = [build_recorded(site, plan) for plan in plans]
    pages = [page for page, _reads in made]
    built: list[Built] = []
    todo: list[tuple[str, Page]] = []
    texts: list[tuple[str, bytes]] = []
    for plan, (page, reads), key in zip(plans, made, page_keys(pages, context, version), strict=True):
        digest = copy_packed(packed.get(key), root / page.path, previous and previous / page.path)
        built.append(Built(page.path, page.title, key, digest, plan if digest is None else None,
                           texts=write_source_text(root, page, key, packed, texts, previous),
                           subjects=plan.subjects, owner=plan.owner, reads=reads))
        if digest is None:
            todo.append((key, page))
    keep(texts)
    if known is not None and todo:
        digests = render_and_store(todo, context, version, known, store)
        for item, digest in zip([b for b in built if b.plan is not None], digests, strict=True):
            item.digest, item.plan, item.rendered = digest, None, True
    return built


def write_source_text(root: Path, page: Page, key: str, packed: dict[str, Location],
                      new: list[tuple[str, bytes]],
                      previous: Path | None = None) -> list[tuple[str, str, str]]:
    """A source's page has its plain text beside it (`<slug>.txt`), kept in the build cache
    (under a key made of the page's) for re-publishes that copy the page."""
    text = page.context.get("source_text")
    if text is None:
        return []
    path, data = page.path[:-len(".html")] + ".txt", text.encode("utf-8")
    text_key = content_key(TEXT_KIND, [key])
    if text_key not in packed:
        new.append((text_key, data))
    return [(path, sha256_place(root / path, data, previous and previous / path), text_key)]


def write_index(release: Release, root: Path, titles: list[tuple[str, str]], version: str) -> Path:
    """The index: a list of every page (path, title), rendered each time."""
    listed = [Page(path, "", title) for path, title in titles]
    index = Page(INDEX_PAGE, "index.html", "nida: joint statements of civil-society organizations",
                 context=_index_context(listed))
    return release.write(root / INDEX_PAGE, render(environment(), index, version, None))


def index_file(release: Release) -> Path | None:
    """Where the site index is kept (`siteindex`): in the build cache, if there is one."""
    from publisher.export import siteindex

    folder = release.cache.folder
    return None if folder is None else folder / CACHE_KIND / siteindex.INDEX_FILE


def index_fingerprint(release: Release, context: dict[str, Any], version: str) -> str:
    """What every page depends on besides its lookups: a site index made with another is not used."""
    return content_key("site-index", [code_version(),
                                      json.dumps(context, sort_keys=True), version, release.ontology_digest])


@register
class HtmlExporter(Exporter):
    name = "html"
    media_type = "text/html"

    def __init__(self) -> None:
        self.stats = CacheStats()
        self.rows: Background[bool] | None = None
        self.finishing: Background[bool] = Background()

    def start(self, release: Release) -> None:
        """Where the site index cannot be used, begin a new one beside the other exporters."""
        from publisher.export import siteindex

        path = index_file(release)
        if path is not None:
            context = build_context(release.dataset.ontology)
            fingerprint = index_fingerprint(release, context, ontology_version(release.dataset.ontology))
            self.rows = siteindex.start_rows(release, path, fingerprint)

    def stop(self) -> None:
        if self.rows is not None:
            self.rows.stop()
            self.rows = None
        self.finishing.join()  # the site index: the next publish reads it

    def write(self, release: Release, folder: Path) -> list[Path]:
        """With a site index in the build cache (`siteindex`), only the pages a change can reach
        are built again; else pages are built in forked workers, which copy those whose key is
        in the build cache and render the others (or hand them back to be rendered once the
        JSON-LD dump's nodes are at hand). The index (a list of every page) is rendered each time."""
        from publisher.export import siteindex

        context = build_context(release.dataset.ontology)
        version = ontology_version(release.dataset.ontology)
        fingerprint = index_fingerprint(release, context, version)
        path = index_file(release)
        with collector_paused():
            if path is not None and self.rows is None:
                written = siteindex.write_changed(self, release, folder, path, fingerprint, context, version)
                if written is not None:
                    return written
            return self._write(release, folder, context, version, fingerprint, path)

    def _write(self, release: Release, folder: Path, context: dict[str, Any], version: str,
               fingerprint: str, index_file: Path | None) -> list[Path]:
        site = Site(release)
        plans = plan_pages(site)
        cache, root = release.cache, folder / HTML_FOLDER
        previous = None if release.previous is None else release.previous / HTML_FOLDER
        shutil.rmtree(root, ignore_errors=True)  # anything a site index's attempt left
        packed = cache.packed(CACHE_KIND)
        store, keep = packing(cache, root, previous)

        # nothing cached (a first publish): every page is rendered where it is built
        known = None if packed else dump_node_texts(dump_nodes(release, context), context)
        groups = _balanced(plans, lambda plan: plan_size(site, plan), workers() * GROUPS_PER_WORKER)
        def build(group: list[Plan]) -> list[Built]:
            return build_group(site, group, context, version, root, packed, known, store, keep, previous)

        built = [b for part in forkmap.fork_map(build, groups) for b in part]
        built.sort(key=lambda b: b.path)
        missing = [b for b in built if b.plan is not None]
        if missing:
            if known is None and len(missing) * FEW_MISSING >= len(built):
                known = dump_node_texts(dump_nodes(release, context), context)
            # a few pages compact their own nodes: reading every node of the dump would cost more
            known = known or {}
            keys = {b.path: b.key for b in missing}
            digests = render_missing(site, [b.plan for b in missing if b.plan is not None], keys, context,
                                     version, known, store)
            for item in missing:
                item.digest, item.plan, item.rendered = digests[item.path], None, True
        written = []
        for item in built:
            release.wrote(root / item.path, item.digest or "")
            written.append(root / item.path)
            for path, digest, _key in item.texts:
                release.wrote(root / path, digest)
                written.append(root / path)
        rendered = [b.path for b in built if b.rendered]
        self.stats = CacheStats(hits=len(built) - len(rendered), misses=len(rendered), missed=rendered)
        index = write_index(release, root, [(b.path, b.title) for b in built], version)
        if index_file is not None:
            from publisher.export import siteindex

            self.finishing = siteindex.create_for(release, fingerprint, built, index_file, self.rows, root)
            self.rows = None
        return [*written, index]
