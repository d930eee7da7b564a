"""Linked data at /id/: each resource's symmetric description as RDF, or a small HTML page of it."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from publisher.export.html.paths import page_link
from publisher.export.jsonld import CONTEXT_FILE, build_context, compact, dump_json
from publisher.export.turtle import turtle_bytes
from publisher.graph import serialize_text
from publisher.load.dataset import load_dataset
from publisher.settings import DATA_BASE, PREFIXES
from publisher.sparql.http import GRAPH_TYPES
from publisher.sparql.pages import PAGE
from publisher.sparql.results import GRAPH_FORMATS
from publisher.sparql.source import Source

HTML_DIR = "html"


def html_page_link(release: Path, iri: str) -> str | None:
    """Where the release's static page of a resource is served (`/html/<page>#<part>`), if the
    release has that page; the html exporter's `page_link` is the one mapping."""
    link = page_link(iri)
    if link is None or not (release / HTML_DIR / link.partition("#")[0]).is_file():
        return None
    return f"/{HTML_DIR}/{link}"


def local_context(source: Source) -> dict[str, Any]:
    """The JSON-LD context of the release (its context.jsonld), or built from the ontology."""
    if source.kind == "release" and (source.path / CONTEXT_FILE).is_file():
        document = json.loads((source.path / CONTEXT_FILE).read_text(encoding="utf-8"))
        return dict(document["@context"])
    root = source.settings.root
    return build_context(load_dataset(source.settings, [source.path] if source.kind == "data"
                                      else [root / "data"]).ontology)


@dataclass
class Resources:
    """The store behind /id/: triples about one resource, in every offered format."""

    store: ox.Store
    context: dict[str, Any]
    release: Path | None
    #: the most triples pointing at a resource that its description includes
    incoming_limit: int = 10000

    def triples(self, iri: str) -> list[ox.Triple]:
        """The resource's symmetric description: what the data says about it, then what points at
        it (the statements an organization signed, the demands addressed to an actor), at most
        `incoming_limit` of those. For a named graph's IRI (`graph/...`, in a release with
        nida.nq) that is not otherwise described, the graph's triples."""
        node = ox.NamedNode(iri)
        own = {q.triple for q in self.store.quads_for_pattern(node, None, None, None)}
        if not own:
            graph = {q.triple for q in self.store.quads_for_pattern(None, None, None, node)}
            if graph:
                return sorted(graph, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        incoming: set[ox.Triple] = set()
        for quad in self.store.quads_for_pattern(None, None, node, None):
            if quad.subject != node:
                incoming.add(quad.triple)
        pointing = sorted(incoming, key=lambda t: (str(t.subject), str(t.predicate)))[:self.incoming_limit]
        return sorted(own, key=lambda t: (str(t.predicate), str(t.object))) + pointing

    def render(self, iri: str, media_type: str, triples: list[ox.Triple]) -> bytes:
        if media_type == "application/ld+json":
            return dump_json(compact(triples, self.context, plain=True))
        if media_type == "text/html":
            node = ox.NamedNode(iri)
            own = [t for t in triples if t.subject == node]
            return resource_page(iri, own, [t for t in triples if t.subject != node]).encode("utf-8")
        if media_type == "text/turtle":
            return turtle_bytes(triples)
        rdf_format = GRAPH_FORMATS[GRAPH_TYPES[media_type]]
        return serialize_text(triples, rdf_format, prefixes=PREFIXES).encode("utf-8")


def printable_path(text: str) -> bool:
    """A path a file can have: valid UTF-8 (werkzeug keeps undecodable bytes, such as %ff, as
    lone surrogates) and no control characters (%00 cannot be in a file name)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not any(ord(char) < 0x20 or ord(char) == 0x7F for char in text)


def valid_iri(iri: str) -> bool:
    """Whether Oxigraph takes it as an IRI (a space, `<`, `"` or a control character is not
    in any IRI): such a path is a bad request, never a server error."""
    if not printable_path(iri):
        return False
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def _local_link(term: ox.NamedNode | ox.Literal | Any) -> str:
    if isinstance(term, ox.NamedNode):
        value = term.value
        href = "/id/" + value[len(DATA_BASE):] if value.startswith(DATA_BASE) else value
        return f'<a href="{html.escape(href)}">{html.escape(_short(value))}</a>'
    return html.escape(str(term.value))


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def resource_page(iri: str, own: list[ox.Triple], incoming: list[ox.Triple]) -> str:
    """A plain HTML page for a resource when the release has none of its own: its properties,
    then what points at it."""
    labels = [str(t.object.value) for t in own  # type: ignore[union-attr]
              if t.predicate.value.endswith(("#prefLabel", "/title"))]
    title = labels[0] if labels else iri
    rows = "\n".join(f"<tr><td>{_local_link(t.predicate)}</td><td>{_local_link(t.object)}</td></tr>"
                     for t in own)
    back = "\n".join(f"<tr><td>{_local_link(t.subject)}</td><td>{_local_link(t.predicate)}</td></tr>"
                     for t in incoming)
    pointing = (f'<h2>Pointing here</h2><table id="incoming"><thead><tr><th>resource</th><th>property</th>'
                f"</tr></thead><tbody>\n{back}\n</tbody></table>") if incoming else ""
    return PAGE.format(title=html.escape(title), body=(
        f"<h1>{html.escape(title)}</h1><p><code>{html.escape(iri)}</code></p>"
        f"<table><thead><tr><th>property</th><th>value</th></tr></thead><tbody>\n{rows}\n</tbody></table>"
        f'{pointing}<p><a href="/">SPARQL query page</a></p>'))
