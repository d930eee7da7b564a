"""`nida ingest`: a statement's plain text -> data/statements/<slug>/{source.txt,statement.ttl}.

layout.py parses the text into spans with offsets; reconcile.py links the printed names to
the organization and actor registries; draft.py writes the draft Turtle and the blocks
appended to the registries. Everything is computed before anything is written; the files
are then written to temporary names and renamed into place, so an error writes nothing.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from publisher.errors import InputError
from publisher.ingest.about import about_organization
from publisher.ingest.draft import SectionModel, StatementModel, registry_appendix, statement_turtle
from publisher.ingest.duplicates import check_not_ingested
from publisher.ingest.language import body_language, title_mismatch
from publisher.ingest.layout import parse_layout
from publisher.ingest.provenance import Original
from publisher.ingest.reconcile import (
    ACTOR_BASE,
    ORGANIZATION_BASE,
    Entry,
    Match,
    Registry,
    reconcile_organization,
    resolve_addressees,
)
from publisher.ingest.slugs import default_slug
from publisher.ingest.sources import read_statement
from publisher.ingest.spans import Layout
from publisher.load.dataset import NIDA, SOURCE_FILE, STATEMENT_FILE, version_files
from publisher.load.files import display_path, read_text
from publisher.load.parse import parse_rdf
from publisher.locking import project_lock
from publisher.settings import DATA_BASE, Settings
from publisher.staging import remove_stale, replace_files, swap_in

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ORGANIZATIONS_FILE = "organizations.ttl"
ACTORS_FILE = "actors.ttl"


@dataclass
class IngestResult:
    slug: str
    folder: Path
    written: list[Path]
    sections: int
    demands: int
    positions: int
    signatures: int
    matches: list[Match]
    publisher: Entry | None
    actors_matched: list[Entry]
    actors_added: list[Entry]
    warnings: list[str] = field(default_factory=list)
    draft_sections: int = 0
    language: str = "en"
    lead_ins: list[tuple[int, str]] = field(default_factory=list)  # (line, text): not positions

    def organizations(self, *kinds: str) -> list[Entry]:
        """Distinct organizations of the signatures and the publisher, by outcome: exact or
        normalized (linked to the registry), added (new), flagged (new, possible duplicate)."""
        seen: dict[str, tuple[str, Entry]] = {}
        linked = [(m.kind, m.entry) for m in self.matches]
        if self.publisher is not None:
            linked.append(("exact", self.publisher))
        for kind, entry in linked:
            if entry.new:
                kind = "flagged" if entry.notes else "added"
            seen.setdefault(entry.iri, (kind, entry))
        return [entry for kind, entry in seen.values() if kind in kinds]

    @property
    def draft_nodes(self) -> int:
        """Nodes marked draft: the statement, its sentences, demands and sections with a new
        addressee, new actors, and organizations flagged as possible duplicates."""
        return (1 + self.positions + self.demands + self.draft_sections + len(self.actors_added)
                + len(self.organizations("flagged")))


def load_registry(path: Path, root: Path, kind: URIRef, base: str) -> tuple[Registry, str]:
    """A registry file's nodes of one class (and every IRI it uses under `base`), and its text."""
    if not path.exists():
        return Registry(base, []), ""
    text = read_text(path, root)
    graph, _lines = parse_rdf(path, root) if text.strip() else (Graph(), {})
    entries = []
    for subject in sorted({s for s in graph.subjects() if str(s).startswith(base)}, key=str):
        pref = sorted(str(o) for o in graph.objects(subject, SKOS.prefLabel))
        typed = (subject, RDF.type, kind) in graph
        entries.append(Entry(
            iri=str(subject),
            pref_label=pref[0] if pref and typed else "",
            alt_labels=sorted(str(o) for o in graph.objects(subject, SKOS.altLabel)) if typed else [],
            acronyms=sorted(str(o) for o in graph.objects(subject, NIDA.acronym)) if typed else [],
        ))
    return Registry(base, entries), text


def find_publisher(registry: Registry, option: str) -> Entry:
    """--publisher: a slug, IRI, label or acronym of data/organizations.ttl."""
    iri = option if option.startswith(DATA_BASE) else ORGANIZATION_BASE + option
    for found in ([e for e in registry.entries if e.iri == iri and e.pref_label], registry.exact(option),
                  registry.by_acronym(option), registry.normalized(option)):
        if len(found) == 1:
            return found[0]
    raise InputError(f"--publisher {option!r} is not an organization of data/organizations.ttl: "
                     "give its slug, name or acronym")


def build(text: str, layout: Layout, slug: str, organizations: Registry, actors: Registry,
          publisher_option: str | None, where: str) -> tuple[StatementModel, IngestResult]:
    language = body_language(layout)
    warnings: list[str] = [w for w in [title_mismatch(layout, language)] if w]
    sections: list[SectionModel] = []
    actors_matched: list[Entry] = []
    for section in layout.sections:
        resolved = resolve_addressees(actors, section.addressee_phrase)
        if not resolved:
            raise InputError("section heading names no addressee after 'To'", where, section.span.line)
        for printed, entry, new in resolved:
            if new:
                warnings.append(f"section {section.ordinal} (line {section.span.line}): addressee "
                                f"{printed!r} is not in data/actors.ttl; added as a new actor <{entry.iri}>, "
                                "marked draft")
            elif entry not in actors_matched:
                actors_matched.append(entry)
        entries = list(dict.fromkeys(e.iri for _, e, _ in resolved))
        by_iri = {e.iri: e for _, e, _ in resolved}
        sections.append(SectionModel(section.ordinal, section.span, [by_iri[i] for i in entries],
                                     [d.span for d in section.demands], any(new for *_, new in resolved)))

    matches: list[Match] = []
    for signature in layout.signatures:
        match = reconcile_organization(organizations, signature.span.text)
        matches.append(match)
        if match.kind == "flagged":
            warnings.append(
                f"signature {signature.ordinal} (line {signature.span.line}) {signature.span.text!r}: "
                f"possible duplicate of {_names(match.duplicates)} ({match.reason}); added as a new "
                f"organization <{match.entry.iri}>, marked draft: merge by hand if it is the same")
    publisher: Entry | None = None
    about: Entry | None = None
    if publisher_option:
        publisher = find_publisher(organizations, publisher_option)
    if layout.about:
        found = about_organization(organizations, layout, [m.entry for m in matches])
        about, about_match = found.entry, found.match
        if found.warning:
            warnings.append(found.warning)
        if about_match and about_match.kind in ("added", "flagged"):
            warnings.append(f"publisher: {layout.about.heading.text!r} is not in data/organizations.ttl; "
                            f"added as a new organization <{about.iri}>" + (
                                f" (possible duplicate of {_names(about_match.duplicates)})"
                                if about_match.kind == "flagged" else ""))
        if publisher is not None and publisher.iri != about.iri:
            raise InputError(f"--publisher {publisher_option!r} is <{publisher.iri}>, but the text's "
                             f"{layout.about.heading.text!r} block is about <{about.iri}>: drop --publisher, "
                             "or fix it", where, layout.about.heading.line)
        publisher = about

    notes = {}
    for signature, match in zip(layout.signatures, matches, strict=True):
        others = [s.ordinal for s, m in zip(layout.signatures, matches, strict=True)
                  if m.entry is match.entry and s.ordinal != signature.ordinal]
        if others:
            notes[signature.ordinal] = (f"Same organization as signature {', '.join(map(str, others))} "
                                        "(matched by nida ingest); check it is the same organization.")
    for number, line in layout.skipped:
        warnings.append(f"line {number}: {line!r} is not modeled (not a signatory, no organization named)")

    model = StatementModel(slug, text, layout, sections, matches, publisher,
                           about if layout.about and layout.about.text else None, notes, language=language)
    result = IngestResult(
        slug=slug, folder=Path(), written=[],
        sections=len(layout.sections), demands=sum(len(s.demands) for s in layout.sections),
        positions=len(layout.positions), signatures=len(layout.signatures), matches=matches,
        publisher=publisher, actors_matched=actors_matched, actors_added=actors.new_entries,
        warnings=warnings, draft_sections=sum(1 for s in sections if s.draft), language=language,
        lead_ins=[(span.line, span.text) for span in layout.lead_ins],
    )
    return model, result


def _names(entries: tuple[Entry, ...]) -> str:
    return ", ".join(f"<{e.iri}> ({e.pref_label!r})" for e in entries)


def ingest(settings: Settings, file: Path, slug: str | None = None, publisher: str | None = None,
           force: bool = False) -> IngestResult:
    """Parse `file`, reconcile its names, and write the draft statement and registry additions."""
    root = settings.root
    shown = display_path(file, root)
    received = read_statement(file, root)
    text = received.text
    layout = parse_layout(text, shown)
    if slug is not None and not SLUG.match(slug):
        raise InputError(f"--slug {slug!r}: use lowercase letters, digits and single '-' "
                         "(e.g. 'halt-escalation')")
    slug = slug or default_slug(layout.title.text)
    # from reading the registries to the last write: two ingests at once each appended to the
    # registry as they had read it, and one's new organizations were lost
    with project_lock(root, exclusive=True):
        return _ingest_locked(settings, text, layout, slug, publisher, force, shown, received.original)


def _ingest_locked(settings: Settings, text: str, layout: Layout, slug: str, publisher: str | None,
                   force: bool, shown: str, original: Original | None) -> IngestResult:
    root = settings.root
    statements = settings.data_dir / "statements"
    folder = statements / slug
    if folder.exists() and not force:
        raise InputError(f"{display_path(folder, root)} already exists: pass --force to overwrite it, "
                         "or --slug to choose another name")

    org_path, actor_path = settings.data_dir / ORGANIZATIONS_FILE, settings.data_dir / ACTORS_FILE
    organizations, org_text = load_registry(org_path, root, NIDA.Organization, ORGANIZATION_BASE)
    actors, actor_text = load_registry(actor_path, root, NIDA.Actor, ACTOR_BASE)
    # entries that only use an IRI (untyped) keep their slug taken but never match a label
    model, result = build(text, layout, slug, organizations, actors, publisher, shown)
    if not force:
        check_not_ingested(statements, text, original, root, shown)
    model.original = original

    statement = statement_turtle(model)
    org_added = registry_appendix(org_text, slug, organizations.new_entries, organizations.extended_entries,
                                  "nida:Organization")
    actor_added = registry_appendix(actor_text, slug, actors.new_entries, actors.extended_entries,
                                    "nida:Actor")
    for name, content in ((STATEMENT_FILE, statement), (ORGANIZATIONS_FILE, org_text + org_added),
                          (ACTORS_FILE, actor_text + actor_added)):
        _check_turtle(content, name)

    writes = {}
    if org_added:
        writes[org_path] = org_text + org_added
    if actor_added:
        writes[actor_path] = actor_text + actor_added
    result.folder = folder
    kept = {original.kept_as: original.data} if original else {}
    kept |= version_files(folder)  # --force keeps the statement's language versions (shapes check them)
    result.written = _write(statements, folder, {SOURCE_FILE: text.encode("utf-8"), **kept,
                                                 STATEMENT_FILE: statement.encode("utf-8")}, writes, root)
    return result


def _check_turtle(content: str, name: str) -> None:
    """What ingest wrote must parse (a bug here must not leave a broken data folder)."""
    try:
        for _ in ox.parse(content, ox.RdfFormat.TURTLE):
            pass
    except SyntaxError as exc:  # pragma: no cover - a bug in draft.py
        raise InputError(f"internal error: the draft {name} does not parse ({exc}); "
                         "nothing was written") from None


def _write(statements: Path, folder: Path, files: dict[str, bytes], registries: dict[Path, str],
           root: Path) -> list[Path]:
    """Stage the statement folder under a temporary name, then replace the registries and swap
    the folder in as one change (`replace_files`); `files` are the statement folder's
    (source.txt, an original, statement.ttl)."""
    staged_dir: Path | None = None
    try:
        statements.mkdir(parents=True, exist_ok=True)
        remove_stale(statements, (".ingest-tmp-*",))  # left by a killed ingest
        prefix = f".ingest-tmp-{os.getpid()}-{folder.name}-"
        staged_dir = Path(tempfile.mkdtemp(prefix=prefix, dir=statements))
        for name, data in files.items():
            (staged_dir / name).write_bytes(data)
        staged_dir.chmod(0o755)
        replace_files(registries, then=functools.partial(swap_in, staged_dir, folder))
        staged_dir = None
    except OSError as exc:
        where = display_path(Path(exc.filename), root) if exc.filename else display_path(statements, root)
        raise InputError(f"cannot write: {exc.strerror}; nothing usable was written", where) from None
    finally:
        if staged_dir is not None:
            shutil.rmtree(staged_dir, ignore_errors=True)
    return [*(folder / name for name in files), *registries]
