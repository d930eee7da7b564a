"""The statement model of a parsed text, and its draft Turtle.

Everything written here is either verbatim (with offsets), counted from the layout, or
resolved against a registry. What a machine cannot know (demand types, the kind and meaning
of each body sentence, places, events, the statement's own addressees) is left out, and the
node that lacks it is marked ``nida:reviewStatus <concept/review-status/draft>``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from rdflib import Literal

from publisher.ingest.provenance import SPDX, Original, provenance_nodes, source_links
from publisher.ingest.reconcile import Entry, Match
from publisher.ingest.spans import Layout, Span
from publisher.settings import DATA_BASE, ONTOLOGY_NS

DRAFT = "<concept/review-status/draft>"
RULE = "# " + "-" * 76
SKOS = "http://www.w3.org/2004/02/skos/core#"


@dataclass
class SectionModel:
    ordinal: int
    span: Span
    addressees: list[Entry]
    demands: list[Span]
    draft: bool


@dataclass
class StatementModel:
    slug: str
    source: str
    layout: Layout
    sections: list[SectionModel]
    signatures: list[Match]
    publisher: Entry | None
    about_describes: Entry | None
    notes: dict[int, str] = field(default_factory=dict)  # signature ordinal -> editorial note
    original: Original | None = None  # the PDF, DOCX or HTML page source.txt was extracted from
    language: str = "en"  # of the body (publisher/ingest/language.py)


def literal(text: str) -> str:
    """A plain xsd:string literal in Turtle, escaped by rdflib."""
    return Literal(text).n3()


def ref(entry_or_iri: Entry | str) -> str:
    iri = entry_or_iri.iri if isinstance(entry_or_iri, Entry) else entry_or_iri
    return f"<{iri[len(DATA_BASE):]}>" if iri.startswith(DATA_BASE) else f"<{iri}>"


def _objects(values: list[str]) -> str:
    if len(values) <= 2:
        return ", ".join(values)
    return "\n        " + ",\n        ".join(values)


#: the prefixes a draft may declare, in the order it declares them
DRAFT_PREFIXES = {"nida": ONTOLOGY_NS, "schema": "https://schema.org/", "prov": "http://www.w3.org/ns/prov#",
                  "dct": "http://purl.org/dc/terms/", "skos": SKOS, "xsd": "http://www.w3.org/2001/XMLSchema#",
                  "spdx": SPDX}
#: those every draft declares
COMMON_PREFIXES = ("nida", "schema", "prov", "dct", "xsd")


def prologue(*extra: str) -> list[str]:
    """The @base and @prefix lines of a draft: the common prefixes and `extra`, in one order."""
    wanted = {*COMMON_PREFIXES, *extra}
    return [f"@base <{DATA_BASE}> .",
            *(f"@prefix {name}: <{iri}> ." for name, iri in DRAFT_PREFIXES.items() if name in wanted)]


def turtle_node(subject: str, types: str, properties: list[tuple[str, str]]) -> str:
    """A node's block of a draft: its types, then a property a line (a value that starts on a
    new line, a list of objects, follows its property without a space)."""
    lines = [subject, f"    a {types}"]
    for prop, value in properties:
        lines[-1] += " ;"
        lines.append(f"    {prop}{'' if value.startswith(chr(10)) else ' '}{value}")
    return "\n".join(lines) + " .\n"


def statement_turtle(model: StatementModel) -> str:
    slug, layout = model.slug, model.layout
    data = model.source.encode("utf-8")
    s = f"statement/{slug}"
    statement = f"<{s}>"
    sections = [f"<{s}/section/{sec.ordinal}>" for sec in model.sections]
    positions = [f"<{s}/position/{p.ordinal}>" for p in layout.positions]
    signatures = [f"<{s}/signature/{sig.ordinal}>" for sig in layout.signatures]
    signed_by = [ref(e) for e in dict.fromkeys(m.entry.iri for m in model.signatures)]

    props: list[tuple[str, str]] = [
        ("dct:title", literal(layout.title.text)),
        ("nida:titleStart", str(layout.title.start)),
        ("nida:titleEnd", str(layout.title.end)),
    ]
    if layout.subtitle:
        props += [("dct:alternative", literal(layout.subtitle.text)),
                  ("nida:subtitleStart", str(layout.subtitle.start)),
                  ("nida:subtitleEnd", str(layout.subtitle.end))]
    if model.publisher:
        props.append(("dct:publisher", ref(model.publisher)))
    props += [("dct:language", f'"{model.language}"^^xsd:language'),
              ("nida:publicationDateKnown", "false"),
              ("prov:wasDerivedFrom", f"<source/{slug}>")]
    if layout.about and model.about_describes and layout.about.text:
        props.append(("nida:publisherProfile", f"<{s}/about>"))
    if sections:
        props.append(("nida:hasSection", _objects(sections)))
    if positions:
        props.append(("nida:hasPosition", _objects(positions)))
    props += [("nida:hasSignature", _objects(signatures)),
              ("nida:signedBy", _objects(signed_by)),
              ("nida:reviewStatus", DRAFT)]

    out = [
        f"# Statement {slug}: DRAFT made by `nida ingest` from source.txt.",
        "# Offsets are Unicode code point offsets into source.txt (start inclusive, end exclusive),",
        "# computed from the source. Review every node marked nida:reviewStatus draft (demand types,",
        "# the kind of each body sentence, addressees, places, events), then remove the mark.",
        "",
        *prologue("skos", *(["spdx"] if model.original else [])),
        "",
        RULE, "# Statement", RULE, "",
        turtle_node(statement, "nida:Statement", props),
        RULE, "# Source (nida:content is added by the loader from source.txt)", RULE, "",
        turtle_node(f"<source/{slug}>", "nida:Source", [
            ("nida:sha256", literal(hashlib.sha256(data).hexdigest())),
            ("nida:byteLength", str(len(data))),
            ("nida:charLength", str(len(model.source))),
            ("schema:encodingFormat", literal("text/plain; charset=utf-8")),
            *(source_links(slug) if model.original else []),
        ]),
    ]
    if model.original:
        kept = model.original.kept_as
        out += [RULE, f"# Where source.txt comes from: the text extracted from {kept}", RULE, ""]
        out += [turtle_node(*node) for node in provenance_nodes(slug, model.original)]
    if layout.positions:
        out += [RULE, "# Body: one position per sentence, in body order (kind and meaning: to review)",
                RULE, ""]
        for p, iri in zip(layout.positions, positions, strict=True):
            out.append(turtle_node(iri, "nida:Appeal" if p.appeal else "nida:Position", [
                ("dct:isPartOf", statement),
                ("nida:ordinal", str(p.ordinal)),
                ("nida:text", literal(p.span.text)),
                ("nida:textStart", str(p.span.start)),
                ("nida:textEnd", str(p.span.end)),
                ("nida:reviewStatus", DRAFT),
            ]))
    for sec, iri in zip(model.sections, sections, strict=True):
        addressees = _objects([ref(a) for a in sec.addressees])
        demands = [f"<{s}/demand/{sec.ordinal}-{n}>" for n in range(1, len(sec.demands) + 1)]
        out += [RULE, f"# Section {sec.ordinal} and its demands (demand types: to review)", RULE, ""]
        section_props = [
            ("dct:isPartOf", statement),
            ("nida:ordinal", str(sec.ordinal)),
            ("nida:text", literal(sec.span.text)),
            ("nida:textStart", str(sec.span.start)),
            ("nida:textEnd", str(sec.span.end)),
            ("nida:addressee", addressees),
            ("nida:hasDemand", _objects(demands)),
        ]
        if sec.draft:
            section_props.append(("nida:reviewStatus", DRAFT))
        out.append(turtle_node(iri, "nida:Section", section_props))
        for n, (span, demand) in enumerate(zip(sec.demands, demands, strict=True), start=1):
            out.append(turtle_node(demand, "nida:Demand", [
                ("dct:isPartOf", statement),
                ("nida:section", iri),
                ("nida:ordinal", str(n)),
                ("nida:text", literal(span.text)),
                ("nida:textStart", str(span.start)),
                ("nida:textEnd", str(span.end)),
                ("nida:addressee", addressees),
                ("nida:reviewStatus", DRAFT),
            ]))
    out += [RULE, "# Signatures (one per printed line, numbered as printed)", RULE, ""]
    for sig, match, iri in zip(layout.signatures, model.signatures, signatures, strict=True):
        sig_props = [
            ("dct:isPartOf", statement),
            ("nida:ordinal", str(sig.ordinal)),
            ("nida:nameAsPrinted", literal(sig.span.text)),
            ("nida:nameStart", str(sig.span.start)),
            ("nida:nameEnd", str(sig.span.end)),
            ("nida:signatory", ref(match.entry)),
        ]
        if sig.ordinal in model.notes:
            sig_props.append(("skos:editorialNote", literal(model.notes[sig.ordinal])))
        out.append(turtle_node(iri, "nida:Signature", sig_props))
    about = layout.about
    if about and about.text and model.about_describes:
        out += [RULE, "# Publisher profile", RULE, ""]
        out.append(turtle_node(f"<{s}/about>", "nida:PublisherProfile", [
            ("dct:isPartOf", statement),
            ("nida:describes", ref(model.about_describes)),
            ("nida:heading", literal(about.heading.text)),
            ("nida:text", literal(about.text.text)),
            ("nida:textStart", str(about.text.start)),
            ("nida:textEnd", str(about.text.end)),
        ]))
    return "\n".join(out)


def registry_appendix(existing: str, slug: str, new: list[Entry], extended: list[Entry],
                      types: str) -> str:
    """Blocks to append to a registry file: new nodes, then new altLabels of existing nodes.
    Existing blocks are never rewritten (Turtle allows a subject in several blocks)."""
    if not new and not extended:
        return ""
    out = []
    if existing and not existing.endswith("\n"):
        out.append("")
    prefixes = [f"@prefix nida: <{ONTOLOGY_NS}> .", f"@prefix skos: <{SKOS}> ."]
    # the base every time: a later @base in the file would otherwise resolve the new nodes' IRIs
    missing = [f"@base <{DATA_BASE}> .", *(d for d in prefixes if d not in existing)]
    if not existing.strip():
        out += ["# Registry made by nida ingest.", ""]
    out += ["", RULE, f"# Added by nida ingest for statement/{slug} (review the nodes marked draft)",
            RULE, ""]
    if missing:
        out += [*missing, ""]
    for entry in new:
        props = [("skos:prefLabel", literal(entry.pref_label))]
        props += [("skos:altLabel", literal(label)) for label in entry.alt_labels]
        props += [("nida:acronym", literal(acronym)) for acronym in entry.acronyms]
        props += [("skos:editorialNote", literal(note)) for note in entry.notes]
        if entry.notes:
            props.append(("nida:reviewStatus", DRAFT))
        out.append(turtle_node(ref(entry), types, props))
    for entry in extended:
        block = [ref(entry)]
        block += [f"    skos:altLabel {literal(label)} ;" for label in entry.added_alt_labels]
        block[-1] = block[-1][:-2] + " ."
        out.append("\n".join(block) + "\n")
    return "\n".join(out)
