"""The summary `nida ingest` prints: what was found, matched, added and flagged."""

from __future__ import annotations

from pathlib import Path

from publisher.ingest import IngestResult
from publisher.ingest.translation import TranslationResult
from publisher.load import display_path


def render_summary(result: IngestResult, root: Path) -> str:
    matched = result.organizations("exact", "normalized")
    normalized = result.organizations("normalized")
    added = result.organizations("added")
    flagged = result.organizations("flagged")
    lines = [
        f"ingested statement/{result.slug} into {display_path(result.folder, root)}",
        f"  sections: {result.sections}, demands: {result.demands}, body sentences: {result.positions}, "
        f"signatures: {result.signatures}",
        f"  language: {result.language} (of the body: dct:language)",
        f"  organizations: {len(matched)} matched ({len(matched) - len(normalized)} exact, "
        f"{len(normalized)} after normalization, their printed forms recorded as skos:altLabel), "
        f"{len(added)} added, {len(flagged)} flagged as possible duplicates (added, marked draft)",
        f"  addressees: {len(result.actors_matched)} actors matched, "
        f"{len(result.actors_added)} added (draft)",
        f"  publisher: <{result.publisher.iri}>" if result.publisher else "  publisher: none",
        f"  draft nodes to review: {result.draft_nodes} "
        "(nida validate lists them as warnings)",
    ]
    for line, text in result.lead_ins:
        lines.append(f"  lead-in, not a position: line {line} {text!r}")
    for entry in flagged:
        lines.append(f"  flagged: <{entry.iri}> {entry.pref_label!r}")
    for entry in added:
        lines.append(f"  added: <{entry.iri}> {entry.pref_label!r}")
    lines.append("written: " + ", ".join(display_path(p, root) for p in result.written))
    return "\n".join(lines) + "\n"


def render_translation_summary(result: TranslationResult, root: Path) -> str:
    lines = [
        f"ingested the {result.language} version of statement/{result.slug} as "
        f"statement/{result.slug}/{result.language}",
        f"  aligned by position: sections: {result.sections}, demands: {result.demands}, "
        f"signatures: {result.signatures}",
        f"  organizations: {result.matched} signatures matched by a recorded label, "
        f"{len(result.recorded)} names recorded as skos:altLabel@{result.language} "
        "of the aligned organization",
    ]
    for ordinal, name, organization in result.recorded:
        lines.append(f"  recorded: signature {ordinal} {name!r} as skos:altLabel@{result.language} "
                     f"of <{organization}>")
    lines.append("written: " + ", ".join(display_path(p, root) for p in result.written))
    return "\n".join(lines) + "\n"
