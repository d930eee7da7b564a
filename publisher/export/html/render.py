"""Rendering pages with Jinja2, each embedding the JSON-LD of the triples it describes."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from publisher.buildcache import code_version, content_key
from publisher.export.expanded import expand
from publisher.export.html.pages import Plan
from publisher.export.html.paths import CACHE_KIND, INDEX_PAGE, ONTOLOGY_PAGE, relative_href, term_iri
from publisher.export.html.site import Page, Site
from publisher.export.jsonld import (
    NODE_INDENT,
    as_document,
    compact_nodes,
    context_text,
    json_text,
    node_text,
)

T = TypeVar("T")


TEMPLATES = Path(__file__).with_name("templates")


GROUPS_PER_WORKER = 4  # pages are rendered in groups, a few per worker so that they end together


@functools.cache
def environment() -> Environment:
    """One per process, its templates compiled once: they do not change while nida runs (no
    check of the template files' times for each of thousands of pages). All are compiled here,
    so that workers forked after the first call (`HtmlExporter._write`) find them compiled
    rather than each compiling them again."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False,
    )
    for name in env.list_templates():
        env.get_template(name)
    return env


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
    subjects = [sorted({term_iri(t.subject) for t in page.triples}) for page in pages]
    missing = [t for page, own in zip(pages, subjects, strict=True) if not all(s in known for s in own)
               for t in page.triples if term_iri(t.subject) not in known]
    compacted: dict[str, NodeText] = {}
    if missing:
        expanded = expand(missing)
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


def balanced(items: list[T], weight: Callable[[T], int], count: int) -> list[list[T]]:
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


def plan_size(site: Site, plan: Plan) -> int:
    """The triples a page describes (its work, for balancing groups)."""
    return sum(len(site.by_subject[subject]) for subject in plan.subjects)
