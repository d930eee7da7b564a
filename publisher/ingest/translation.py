"""`nida ingest FILE --translation-of SLUG`: a language version of an existing statement.

The text is parsed with the same layout parser as a statement (layout.py); its sections,
demands and signatures are aligned to the statement's by position (section n to section n,
demand n of section s to demand n of section s, signature n to signature n), and written
beside the statement, in its folder and so in its named graph and validation shard:

    data/statements/<slug>/source.<lang>.txt     the printed version, byte for byte
    data/statements/<slug>/statement.<lang>.ttl  statement/<slug>/<lang> and its parts

A version's part has the IRI of the part it is aligned with, the language inserted after the
slug (statement/<slug>/demand/1-2 -> statement/<slug>/ar/demand/1-2). Verbatim literals are
tagged with the language ("..."@ar) and carry offsets into the version's own source.

A printed signatory name is reconciled by the registry's labels: a name that is a label of
the aligned signature's organization links to it; a name that is no label of any organization
is given the aligned organization, and recorded as its skos:altLabel with the language tag
(reported, never transliterated); a name that is a label of another organization refuses the
text. Counts that differ refuse it too: one line, nothing written.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS
from rdflib.term import Node

from publisher.errors import InputError
from publisher.ingest import ORGANIZATIONS_FILE, load_registry
from publisher.ingest.draft import RULE, literal, prologue, ref, turtle_node
from publisher.ingest.layout import parse_layout
from publisher.ingest.reconcile import ORGANIZATION_BASE, Registry
from publisher.ingest.spans import Layout, Span
from publisher.load.dataset import NIDA, STATEMENT_FILE
from publisher.load.files import check_source_file, display_path, read_text
from publisher.load.parse import parse_rdf
from publisher.locking import project_lock
from publisher.settings import DATA_BASE, Settings
from publisher.staging import replace_files

LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
#: letters of Sorani Kurdish that Arabic does not use: a text with them is Kurdish (ckb)
SORANI = frozenset("ڕڵۆێە")


@dataclass(frozen=True)
class Original:
    """What a version is aligned to: the statement's parts by position."""

    iri: str
    language: str
    sections: dict[int, str]
    demands: dict[tuple[int, int], str]
    signatures: dict[int, tuple[str, str]]  # ordinal -> (signature IRI, organization IRI)


@dataclass
class TranslationResult:
    slug: str
    language: str
    folder: Path
    written: list[Path]
    sections: int
    demands: int
    signatures: int
    matched: int
    #: (signature ordinal, printed name, organization IRI): names recorded as skos:altLabel@lang
    recorded: list[tuple[int, str, str]] = field(default_factory=list)


def detect_language(text: str) -> str | None:
    """The language by script: Arabic script is Arabic, or Sorani Kurdish (ckb) when the text
    has letters only Sorani uses; any other script cannot be told apart (None)."""
    letters = [c for c in text if c.isalpha()]
    arabic = sum(1 for c in letters if unicodedata.name(c, "").startswith("ARABIC"))
    if not letters or arabic * 2 < len(letters):
        return None
    return "ckb" if any(c in SORANI for c in text) else "ar"


def read_original(settings: Settings, slug: str) -> Original:
    root = settings.root
    path = settings.data_dir / "statements" / slug / STATEMENT_FILE
    if not path.is_file():
        raise InputError(f"--translation-of {slug!r}: there is no statement of that slug"
                         f" ({display_path(path, root)} is missing); ingest the statement first")
    graph, _lines = parse_rdf(path, root)
    iri = URIRef(f"{DATA_BASE}statement/{slug}")
    if (iri, RDF.type, NIDA.Statement) not in graph:
        raise InputError(f"{display_path(path, root)} does not describe <{iri}>", display_path(path, root))

    def ordinal(node: Node) -> int:
        value = graph.value(node, NIDA.ordinal)
        return int(value) if isinstance(value, Literal) and str(value).isdigit() else 0

    sections, demands = {}, {}
    for section in graph.objects(iri, NIDA.hasSection):
        sections[ordinal(section)] = str(section)
        for demand in graph.objects(section, NIDA.hasDemand):
            demands[(ordinal(section), ordinal(demand))] = str(demand)
    signatures = {ordinal(s): (str(s), str(graph.value(s, NIDA.signatory) or ""))
                  for s in graph.objects(iri, NIDA.hasSignature)}
    return Original(str(iri), str(graph.value(iri, DCTERMS.language) or ""), sections, demands, signatures)


def check_counts(layout: Layout, original: Original, language: str, slug: str, where: str) -> None:
    """A version translates every section, demand and signature, in order: refuse it otherwise."""
    def differ(what: str, mine: int, theirs: int, line: int | None) -> InputError:
        return InputError(f"the {language} version has {mine} {what}, statement/{slug} has {theirs}:"
                          " a version translates every section, demand and signature of the statement,"
                          " in the same order; nothing was written", where, line)

    if len(layout.sections) != len(original.sections):
        raise differ("sections", len(layout.sections), len(original.sections), None)
    for section in layout.sections:
        theirs = sum(1 for (s, _n) in original.demands if s == section.ordinal)
        if len(section.demands) != theirs:
            raise differ(f"demands in section {section.ordinal}", len(section.demands), theirs,
                         section.span.line)
    if len(layout.signatures) != len(original.signatures):
        raise differ("signatures", len(layout.signatures), len(original.signatures), None)


def reconcile_signatures(layout: Layout, original: Original, registry: Registry, language: str, slug: str,
                         where: str) -> tuple[list[str], list[tuple[int, str, str]]]:
    """Each signature's organization (the aligned one), and the printed names to record as its
    skos:altLabel@language; a name that is another organization's label refuses the text."""
    organizations: list[str] = []
    recorded: list[tuple[int, str, str]] = []
    for signature in layout.signatures:
        printed = signature.span.text
        aligned = original.signatures[signature.ordinal][1]
        named = registry.exact(printed) or registry.normalized(printed)
        if named and all(entry.iri != aligned for entry in named):
            raise InputError(f"signature {signature.ordinal} {printed!r} is a name of <{named[0].iri}>,"
                             f" but signature {signature.ordinal} of statement/{slug} is <{aligned}>: the"
                             f" {language} version must list the signatories in the statement's order;"
                             " nothing was written", where, signature.span.line)
        organizations.append(aligned)
        if not named and all(r[1:] != (printed, aligned) for r in recorded):
            recorded.append((signature.ordinal, printed, aligned))
    return organizations, recorded


def tagged(span: Span, language: str) -> str:
    return Literal(span.text, lang=language).n3()


def version_turtle(text: str, layout: Layout, original: Original, organizations: list[str], language: str,
                   slug: str) -> str:
    statement = ref(original.iri)
    version_iri = f"{original.iri}/{language}"
    version = ref(version_iri)

    def part(iri: str) -> str:  # the version's part at the position of the statement's part `iri`
        return ref(version_iri + iri[len(original.iri):])

    data = text.encode("utf-8")
    props = [("schema:translationOfWork", statement), ("dct:language", f'"{language}"^^xsd:language'),
             ("dct:title", tagged(layout.title, language)), ("nida:titleStart", str(layout.title.start)),
             ("nida:titleEnd", str(layout.title.end))]
    if layout.subtitle is not None:
        props += [("dct:alternative", tagged(layout.subtitle, language)),
                  ("nida:subtitleStart", str(layout.subtitle.start)),
                  ("nida:subtitleEnd", str(layout.subtitle.end))]
    props.append(("prov:wasDerivedFrom", f"<source/{slug}/{language}>"))
    parts = [part(original.sections[s.ordinal]) for s in layout.sections]
    parts += [part(original.demands[(s.ordinal, d.ordinal)]) for s in layout.sections for d in s.demands]
    parts += [part(original.signatures[s.ordinal][0]) for s in layout.signatures]
    props.append(("dct:hasPart", "\n        " + ",\n        ".join(parts)))
    out = [
        f"# The {language} version of statement {slug}, made by `nida ingest --translation-of {slug}` from",
        f"# source.{language}.txt. Its sections, demands and signatures are aligned by position to those of",
        "# statement.ttl (nida:alignedWith); offsets are code point offsets into the version's own source.",
        "",
        *prologue(),
        "",
        RULE, "# The version, and the statement it translates", RULE, "",
        turtle_node(version, "nida:StatementVersion", props),
        f"{statement} schema:workTranslation {version} .\n",
        turtle_node(f"<source/{slug}/{language}>", "nida:Source", [
            ("nida:sha256", literal(hashlib.sha256(data).hexdigest())),
            ("nida:byteLength", str(len(data))),
            ("nida:charLength", str(len(text))),
            ("schema:encodingFormat", literal("text/plain; charset=utf-8")),
        ]),
        RULE, "# Sections and demands, aligned by position", RULE, "",
    ]
    for section in layout.sections:
        aligned = original.sections[section.ordinal]
        out.append(turtle_node(part(aligned), "nida:SectionVersion", [
            ("dct:isPartOf", version), ("nida:alignedWith", ref(aligned)),
            ("nida:ordinal", str(section.ordinal)), ("nida:text", tagged(section.span, language)),
            ("nida:textStart", str(section.span.start)),
            ("nida:textEnd", str(section.span.end))]))
        for demand in section.demands:
            aligned = original.demands[(section.ordinal, demand.ordinal)]
            out.append(turtle_node(part(aligned), "nida:DemandVersion", [
                ("dct:isPartOf", version), ("nida:alignedWith", ref(aligned)),
                ("nida:ordinal", str(demand.ordinal)), ("nida:text", tagged(demand.span, language)),
                ("nida:textStart", str(demand.span.start)), ("nida:textEnd", str(demand.span.end))]))
    out += [RULE, "# Signatures, aligned by position", RULE, ""]
    for signature, organization in zip(layout.signatures, organizations, strict=True):
        aligned = original.signatures[signature.ordinal][0]
        out.append(turtle_node(part(aligned), "nida:SignatureVersion", [
            ("dct:isPartOf", version), ("nida:alignedWith", ref(aligned)),
            ("nida:ordinal", str(signature.ordinal)),
            ("nida:nameAsPrinted", tagged(signature.span, language)),
            ("nida:nameStart", str(signature.span.start)), ("nida:nameEnd", str(signature.span.end)),
            ("nida:signatory", ref(organization))]))
    return "\n".join(out)


def labels_appendix(existing: str, slug: str, language: str, recorded: list[tuple[int, str, str]]) -> str:
    """Blocks appended to the registry: each new printed form as skos:altLabel "..."@language."""
    if not recorded:
        return ""
    out = [""] if existing and not existing.endswith("\n") else []
    out += ["", RULE, f"# Added by nida ingest for the {language} version of statement/{slug}:",
            "# names printed in that version, aligned by position to these organizations", RULE, "",
            f"@base <{DATA_BASE}> .", f"@prefix skos: <{SKOS}> .", ""]
    for iri in dict.fromkeys(organization for _n, _name, organization in recorded):
        names = [Literal(name, lang=language).n3() for _n, name, organization in recorded
                 if organization == iri]
        out.append(f"{ref(iri)} skos:altLabel {', '.join(names)} .\n")
    return "\n".join(out)


def ingest_translation(settings: Settings, file: Path, slug: str, language: str | None = None,
                       force: bool = False) -> TranslationResult:
    """Parse `file` as the `language` version of statement `slug`, align it, and write it."""
    root = settings.root
    shown = display_path(file, root)
    check_source_file(file, shown)
    text = read_text(file, root)
    layout = parse_layout(text, shown)
    if language is not None and not LANGUAGE.match(language):
        raise InputError(f"--language {language!r}: give a language tag such as 'ar', 'ckb' or 'kmr'")
    language = language or detect_language(text)
    if language is None:
        raise InputError("cannot tell the language of the text from its script: give --language"
                         " (e.g. --language kmr)", shown)
    with project_lock(root, exclusive=True):
        original = read_original(settings, slug)
        if language == original.language:
            raise InputError(f"statement/{slug} is itself in {language!r}: a version is in another language;"
                             " give --language", shown)
        folder = settings.data_dir / "statements" / slug
        target = folder / f"statement.{language}.ttl"
        if target.exists() and not force:
            raise InputError(f"{display_path(target, root)} already exists: pass --force to overwrite it")
        check_counts(layout, original, language, slug, shown)
        org_path = settings.data_dir / ORGANIZATIONS_FILE
        registry, org_text = load_registry(org_path, root, NIDA.Organization, ORGANIZATION_BASE)
        organizations, recorded = reconcile_signatures(layout, original, registry, language, slug, shown)
        turtle = version_turtle(text, layout, original, organizations, language, slug)
        appendix = labels_appendix(org_text, slug, language, recorded)
        Graph().parse(data=turtle, format="turtle")  # what is written must parse
        writes = {folder / f"source.{language}.txt": text, target: turtle}
        if appendix:
            writes[org_path] = org_text + appendix
        _write(writes, root)
    return TranslationResult(slug, language, folder, list(writes), len(layout.sections),
                             sum(len(s.demands) for s in layout.sections), len(layout.signatures),
                             len(layout.signatures) - len(recorded), recorded)


def _write(files: dict[Path, str], root: Path) -> None:
    """The version's files and the registry, all written or none."""
    try:
        replace_files(files)
    except OSError as exc:
        failed = Path(exc.filename) if exc.filename else next(iter(files))
        where = display_path(failed, root)
        raise InputError(f"cannot write: {exc.strerror}; nothing was written", where) from None
