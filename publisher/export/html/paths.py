"""Where each resource's page lives in the site, and the links between pages."""

from __future__ import annotations

import functools
import posixpath

import pyoxigraph as ox

from publisher.settings import DATA_BASE, ONTOLOGY_IRI, ONTOLOGY_NS, PREFIXES

HTML_FOLDER = "html"


INDEX_PAGE = "index.html"


ONTOLOGY_PAGE = "ontology/index.html"


CACHE_KIND = "html"


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


#: what pages look up of the resources they link to (a label, a type, an ordinal, a parent; the
#: language a source page shows its statement's text in)
BRIEF_PROPERTIES = frozenset({RDF_TYPE, *LABEL_PROPERTIES, NIDA + "ordinal", DCT + "isPartOf",
                              DCT + "language"})


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
    href = _relpath(path, _folder(from_page))
    return f"{href}#{fragment}" if fragment else href


@functools.lru_cache(maxsize=1 << 16)
def _folder(page: str) -> str:
    """The folder of a page, as `posixpath.relpath` starts from (each page links many)."""
    return posixpath.dirname(page) or "."


@functools.lru_cache(maxsize=1 << 16)
def _relpath(path: str, folder: str) -> str:
    """posixpath.relpath, remembered: pages link the same pages from the same few folders."""
    return posixpath.relpath(path, folder)


def term_iri(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri
