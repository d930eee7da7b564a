"""JSON-LD: a local, versioned context made from the ontology, and the dump compacted with it.

pyld does the compaction; its document loader is replaced by one that refuses every
URL, so no remote context can ever be fetched.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson
import pyoxigraph as ox
from pyld import jsonld
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from publisher.buildcache import code_version
from publisher.errors import InputError
from publisher.export.base import Exporter, Release
from publisher.export.dumps import PieceSpec
from publisher.export.expanded import expand, pyld_dataset
from publisher.export.packing import Chunk, pack, unpack, unpack_views
from publisher.export.processor import shared_processor
from publisher.graph import union_triples
from publisher.settings import DATA_BASE, ONTOLOGY_NS, PREFIXES

CONTEXT_FILE = "context.jsonld"
ID_PREFIX = "nid"

# Terms from other vocabularies that every record uses.
FOREIGN_TERMS: dict[str, tuple[str, str | None]] = {
    "title": ("dct:title", None),
    "alternative": ("dct:alternative", None),
    "publisher": ("dct:publisher", "@id"),
    "language": ("dct:language", "xsd:language"),
    "issued": ("dct:issued", "xsd:date"),
    "date": ("dct:date", "xsd:date"),
    "isPartOf": ("dct:isPartOf", "@id"),
    "license": ("dct:license", "@id"),
    "wasDerivedFrom": ("prov:wasDerivedFrom", "@id"),
    "prefLabel": ("skos:prefLabel", None),
    "altLabel": ("skos:altLabel", None),
    "definition": ("skos:definition", None),
    "editorialNote": ("skos:editorialNote", None),
    "inScheme": ("skos:inScheme", "@id"),
    "sameAs": ("owl:sameAs", "@id"),
    "label": ("rdfs:label", None),
    "comment": ("rdfs:comment", None),
    "encodingFormat": ("schema:encodingFormat", None),
    "containedInPlace": ("schema:containedInPlace", "@id"),
    "subOrganizationOf": ("org:subOrganizationOf", "@id"),
    "postIn": ("org:postIn", "@id"),
}
#: the product (`Release.product`) of every unit's compacted nodes: the dump's, and the pages'
JSONLD_NODES = "jsonld-nodes"


def refuse_remote(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    raise InputError(f"refusing to load remote JSON-LD document {url}; nida never fetches")


jsonld.set_document_loader(refuse_remote)


def _term(iri: str, kind: str | None) -> dict[str, str] | str:
    return {"@id": iri, "@type": kind} if kind else iri


def build_context(ontology: Graph) -> dict[str, Any]:
    """A JSON-LD 1.1 context: prefixes, then one term per nida class and property."""
    context: dict[str, Any] = {"@version": 1.1, "id": "@id", "type": "@type"}
    context.update(PREFIXES)
    context[ID_PREFIX] = DATA_BASE
    for name, (iri, kind) in FOREIGN_TERMS.items():
        context[name] = _term(iri, kind)
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(ONTOLOGY_NS)}
    for subject in sorted(terms):
        local = str(subject)[len(ONTOLOGY_NS):]
        types = set(ontology.objects(subject, RDF.type))
        curie = f"nida:{local}"
        if OWL.Class in types:
            context[local] = curie
        elif OWL.ObjectProperty in types:
            context[local] = _term(curie, "@id")
        elif OWL.DatatypeProperty in types:
            range_ = ontology.value(subject, RDFS.range)
            datatype = None
            if isinstance(range_, URIRef) and str(range_).startswith(str(XSD)) and range_ != XSD.string:
                datatype = "xsd:" + str(range_)[len(str(XSD)):]
            context[local] = _term(curie, datatype)
    return context


def compact_nodes(expanded: list[dict[str, Any]], context: dict[str, Any],
                  plain: bool = False) -> list[dict[str, Any]]:
    """pyld's compaction of flat expanded node objects (`jsonld.from_rdf`'s output), in their order.

    The release has no blank nodes, so no node object is embedded in another, and pyld
    compacts a node object the same whatever its siblings: so compacting groups of subjects
    separately gives exactly the nodes of a whole-document compaction (tests/test_scale.py).
    `plain`: pyld's own processor, without the shortcuts of publisher/export/processor.py."""
    if not expanded:
        return []
    options = {"documentLoader": refuse_remote, "skipExpansion": True}
    processor = jsonld.JsonLdProcessor() if plain else shared_processor()
    document: dict[str, Any] = processor.compact(expanded, context, options)
    graph = document.get("@graph")
    if isinstance(graph, list):
        return graph
    document.pop("@context", None)  # pyld writes a single node without @graph
    return [document]


def as_document(context: dict[str, Any], nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """Compacted nodes as one document, by id; a single node without @graph, as pyld writes it."""
    if len(nodes) == 1:
        return {"@context": context, **nodes[0]}
    return {"@context": context, "@graph": sorted(nodes, key=lambda node: str(node.get("id", "")))}


def compact(triples: list[ox.Triple], context: dict[str, Any], plain: bool = False) -> dict[str, Any]:
    """pyld's compaction of some triples as one document (`nida serve` answers with these, with
    `plain` pyld: a long-running server gains nothing from the shortcuts' memory)."""
    expanded = jsonld.from_rdf(pyld_dataset(triples)) if plain else expand(triples)
    return as_document(context, compact_nodes(expanded, context, plain))


#: a node as it appears in the dump: its compacted id and its JSON text, indented
Node = tuple[str, str]
NODE_INDENT = "    "  # json.dumps(indent=2) of {"@graph": [node]}: a node sits two levels deep


def json_text(value: Any) -> str:
    """`json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)`, the same text, by
    orjson (Python's encoder is pure Python when it indents: a tenth of a dump's compaction
    time went into it); json.dumps where orjson refuses a value."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode("utf-8")
    except orjson.JSONEncodeError:
        return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def node_text(node: dict[str, Any]) -> Node:
    """A node's id and JSON text, each line indented by `NODE_INDENT` (one `str.replace`, not
    a join over its lines: the same text)."""
    text = json_text(node)
    return str(node.get("id", "")), NODE_INDENT + text.replace("\n", "\n" + NODE_INDENT)


def compact_group(triples: list[ox.Triple], context: dict[str, Any]) -> list[Node]:
    """The dump's nodes of the subjects of `triples` (every triple of each subject), as text:
    a unit's nodes are cached as bytes and never parsed again (`dump_document`)."""
    return [node_text(node) for node in compact_nodes(expand(triples), context)]


def context_text(context: dict[str, Any]) -> str:
    """The context's JSON as it sits in a document, one level deep."""
    return json_text(context).replace("\n", "\n  ")


def dump_document(context: dict[str, Any], nodes: list[tuple[bytes, bytes]]) -> bytes:
    return b"".join(dump_chunks(context, nodes))


def dump_chunks(context: dict[str, Any], nodes: Sequence[tuple[bytes, bytes | memoryview]]) -> list[Chunk]:
    """`dump_json` of {"@context": context, "@graph": nodes}, from node texts written by
    `node_text`: the same bytes, without parsing the nodes again, in pieces to write one after
    the other (never joined: the dump is tens of megabytes at a million triples)."""
    if len(nodes) == 1:
        return [dump_json({"@context": context, **json.loads(bytes(nodes[0][1]))})]
    head = f'{{\n  "@context": {context_text(context)},\n  "@graph": '.encode()
    if not nodes:
        return [head, b"[]\n}\n"]
    chunks: list[Chunk] = [head, b"[\n"]
    for _id, text in nodes:
        chunks += [text, b",\n"]
    chunks[-1] = b"\n  ]\n}\n"
    return chunks


def dump_json(document: Any) -> bytes:
    return (json_text(document) + "\n").encode("utf-8")


def ontology_version(ontology: Graph) -> str:
    version = ontology.value(URIRef(ONTOLOGY_NS.rstrip("#")), OWL.versionInfo)
    return str(version) if version is not None else "0"


class JsonLdExporter(Exporter):
    name = "jsonld"
    media_type = "application/ld+json"
    needs = frozenset({JSONLD_NODES})
    #: written beside the pages, from the build cache's nodes (half a second at a million
    #: triples that a re-publish spent here, with the pages waiting); the heaviest of its group
    forkable = True
    weight = 5
    filename = "nida.jsonld"

    def piece_specs(self, release: Release) -> list[PieceSpec]:
        return [nodes_spec(build_context(release.dataset.ontology))]

    def write(self, release: Release, folder: Path) -> list[Path]:
        ontology = release.dataset.ontology
        context = build_context(ontology)
        versioned = {"@context": context, "owl:versionInfo": ontology_version(ontology)}
        nodes = release.made(JSONLD_NODES)  # where the pages read them (a first publish)
        if nodes is None:  # else where they lie in the build cache's packs, never copied
            nodes = unpack_views(release.mapped_pieces(nodes_spec(context)))
        return [
            release.write(folder / CONTEXT_FILE, dump_json(versioned)),
            release.write_chunks(folder / self.filename, dump_chunks(context, nodes)),
        ]


def _unit_nodes(context: dict[str, Any]) -> Callable[[list[ox.Quad]], bytes]:
    def make(quads: list[ox.Quad]) -> bytes:
        return pack(compact_group(union_triples(quads), context))

    return make


def nodes_spec(context: dict[str, Any]) -> PieceSpec:
    """The dump's nodes of each unit, compacted with `context` (pyld: the heaviest pieces)."""
    version = "\n".join([code_version(), json.dumps(context, sort_keys=True)])
    return PieceSpec("jsonld", version, _unit_nodes(context))


def dump_nodes(release: Release, context: dict[str, Any]) -> list[tuple[bytes, bytes]]:
    """Every node of the dump, sorted by id: pyld's compaction of each unit's triples, in
    forked workers, read back from the build cache for unchanged units. A subject that two
    units describe gets a node from each (JSON-LD merges them when it reads the dump)."""
    def make() -> list[tuple[bytes, bytes]]:
        return unpack(release.spec_pieces(nodes_spec(context), parallel=True))

    return release.product(JSONLD_NODES, make)
