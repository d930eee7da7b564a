"""The publisher: the organization an `ABOUT <ORG>` block describes, reconciled like a signatory.

The heading often prints a short name ("ABOUT NABD") where the signatories print the full one
("Nabd for Civil Development"), and the publisher nearly always signs too. So, after the
signatures are reconciled: the heading's name as an acronym, label or normalized label of the
registry links; else the full name the profile prints before "(<ORG>)"; else a signatory of
this statement whose name starts with, or has the initials of, the heading's name links (with a
warning to check it); else the organization is added, flagged as a possible duplicate of any
registry organization that the same rules, a near spelling or a shared acronym point to.
"""

from __future__ import annotations

from dataclasses import dataclass

from publisher.ingest.reconcile import (
    Entry,
    Match,
    PrintedName,
    Registry,
    is_acronym_of,
    normalize,
    reconcile_organization,
)
from publisher.ingest.spans import Layout


@dataclass(frozen=True)
class About:
    entry: Entry
    match: Match | None = None  # how a name not in the registry was added (added / flagged)
    warning: str | None = None  # a link made by the short-name rule, for a person to check


def short_name_of(name: str, label: str) -> bool:
    """'NABD' of 'Nabd for Civil Development' (its first words), or 'STJ' of 'Syrians for Truth
    and Justice' (its initials)."""
    short, words = normalize(name).split(), normalize(PrintedName.parse(label).core).split()
    if not short or len(words) <= len(short):
        return False
    return words[:len(short)] == short or is_acronym_of(name, PrintedName.parse(label).core)


def full_name(name: str, profile: str) -> str:
    """The name printed before '(<ORG>)' in the profile whose initials or first words are <ORG>,
    else <ORG> itself."""
    marker = profile.find(f"({name})")
    if marker <= 0:
        return name
    words = profile[:marker].split()
    for k in range(1, min(len(words), 12) + 1):
        candidate = " ".join(words[-k:])
        if candidate[0].isupper() and (is_acronym_of(name, candidate) or short_name_of(name, candidate)):
            return candidate
    return name


def about_organization(registry: Registry, layout: Layout, signed: list[Entry]) -> About:
    """The organization of the 'ABOUT <ORG>' block; `signed`: this statement's signatories."""
    assert layout.about is not None
    name = layout.about.name
    for found in (registry.by_acronym(name), registry.exact(name), registry.normalized(name)):
        if len(found) == 1:
            return About(found[0])
    full = full_name(name, layout.about.text.text if layout.about.text else "")
    if full != name:
        for found in (registry.exact(full), registry.normalized(full)):
            if len(found) == 1:
                return About(found[0])
    signatories = list({e.iri: e for e in signed}.values())
    short = [e for e in signatories if any(short_name_of(name, label) for label in e.labels)]
    if len(short) == 1:
        entry = short[0]
        return About(entry, warning=(
            f"publisher: {layout.about.heading.text!r} linked to the signatory <{entry.iri}> "
            f"({entry.pref_label!r}), whose name begins with or abbreviates {name!r}; check it is the same"))
    candidates = [e for e in registry.entries if any(short_name_of(name, label) for label in e.labels)]
    match = reconcile_organization(registry, f"{full} ({name})" if full != name else name)
    if match.kind != "added" or not candidates:
        return About(match.entry, match if match.kind in ("added", "flagged") else None)
    why = f"its name begins with or abbreviates {name!r}"
    match.entry.notes.extend(
        f"Possible duplicate of <{e.iri}> (\"{e.pref_label}\"): {why}. Added as a new organization "
        "by nida ingest; if it is the same organization, merge the two by hand." for e in candidates)
    return About(match.entry, Match(match.printed, match.entry, "flagged", tuple(candidates), why))
