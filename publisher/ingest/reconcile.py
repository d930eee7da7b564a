"""Reconcile printed names with the organization and actor registries.

Rules (issue 4), in this order, for a printed organization name:

1. **exact**: the name equals a skos:prefLabel or skos:altLabel -> link.
2. **normalized**: equal after normalization (case, whitespace, punctuation, diacritics)
   -> link, and record the printed form as a new skos:altLabel.
3. **near**: a small edit distance (rapidfuzz Levenshtein on the normalized forms), or one
   name containing the other's acronym -> a *new* organization, flagged with a warning that
   names the possible duplicate. Never merged silently.
4. otherwise -> a new organization.

New nodes get a slug IRI by the registry's rule (lowercase, diacritics stripped,
non-alphanumerics -> '-'; -2, -3... on collision). A slug is never recomputed for a node
that exists, so IRIs do not change when another statement is ingested.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from publisher.settings import DATA_BASE

ORGANIZATION_BASE = DATA_BASE + "organization/"
ACTOR_BASE = DATA_BASE + "actor/"

#: acronyms in parentheses after a name: "Network of ... al-Hasakah (NSVH)"
TRAILING_PARENS = re.compile(r"^(?P<core>.*\S)\s*\((?P<inner>[^()]+)\)\s*$")


@lru_cache(maxsize=65536)
def normalize(name: str) -> str:
    """Case, whitespace, punctuation and diacritics folded: 'PÊL- Civil Waves' -> 'pel civil waves'."""
    decomposed = unicodedata.normalize("NFKD", name.replace("&", " and "))
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in letters.casefold())
    return " ".join(cleaned.split())


def slugify(name: str) -> str:
    """The registry's slug rule; letters of other scripts are transliterated (anyascii)."""
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_text = anyascii("".join(c for c in decomposed if not unicodedata.combining(c)))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "unnamed"


def initials(name: str) -> str:
    words = re.split(r"[\s\-\u2013/]+", name)
    return "".join(word[0] for word in words if word and word[0].isalnum()).upper()


def is_acronym_of(acronym: str, name: str) -> bool:
    """'NSVH' of 'Network of Statelessness Victims in al-Hasakah': its letters, in order, are initials."""
    letters = [c for c in acronym if c.isalnum()]
    if len(letters) < 2 or not all(c.isupper() or c.isdigit() for c in letters):
        return False
    pool = iter(initials(name))
    return all(any(c == k for k in pool) for c in letters)


@dataclass(frozen=True)
class PrintedName:
    """A name as printed, split into the name proper, a printed acronym and a qualifier
    (e.g. a country) in parentheses."""

    printed: str
    core: str
    acronym: str | None = None
    qualifier: str | None = None

    @classmethod
    def parse(cls, printed: str) -> PrintedName:
        match = TRAILING_PARENS.match(printed)
        if not match:
            return cls(printed, printed)
        core, inner = match.group("core").rstrip(" -\u2013,"), match.group("inner").strip()
        if is_acronym_of(inner, core):
            return cls(printed, core, acronym=inner)
        return cls(printed, core, qualifier=inner)


@dataclass
class Entry:
    """One node of a registry, as read from its file or made by this ingest."""

    iri: str
    pref_label: str
    alt_labels: list[str] = field(default_factory=list)
    acronyms: list[str] = field(default_factory=list)
    new: bool = False
    #: labels to append for an existing node (new printed forms)
    added_alt_labels: list[str] = field(default_factory=list)
    #: for new nodes: why a person must look at it (possible duplicate), if anything
    notes: list[str] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return [self.pref_label, *self.alt_labels, *self.added_alt_labels]

    @property
    def slug(self) -> str:
        return self.iri.rsplit("/", 1)[1]


@dataclass(frozen=True)
class Match:
    """What became of one printed name."""

    printed: str
    entry: Entry
    kind: str  # exact | normalized | added | flagged | repeated
    duplicates: tuple[Entry, ...] = ()
    reason: str = ""


class Registry:
    """Organizations or actors: labels, acronyms and slugs, plus what this ingest adds."""

    def __init__(self, base: str, entries: list[Entry]):
        self.base = base
        self.entries = list(entries)

    # -- lookups
    def exact(self, label: str) -> list[Entry]:
        return [e for e in self.entries if label in e.labels]

    def normalized(self, label: str) -> list[Entry]:
        key = normalize(label)
        return [e for e in self.entries if key and any(normalize(lab) == key for lab in e.labels)]

    def by_acronym(self, acronym: str) -> list[Entry]:
        return [e for e in self.entries if acronym in e.acronyms]

    def near(self, name: PrintedName) -> list[tuple[Entry, str]]:
        """Entries that may be the same organization: close spelling, or a shared acronym."""
        found: list[tuple[Entry, str]] = []
        key = normalize(name.core)
        choices = {(i, lab): normalize(lab) for i, e in enumerate(self.entries) for lab in e.labels}
        close = process.extract(key, choices, scorer=Levenshtein.distance,
                                score_cutoff=max_distance(key), limit=None)
        for _value, _distance, (i, label) in sorted(close, key=lambda c: (c[1], c[2])):
            entry = self.entries[i]
            if all(entry is not e for e, _ in found):
                found.append((entry, f"spelled almost like {label!r}"))
        tokens = set(re.findall(r"[^\W_]+", name.printed))
        for entry in self.entries:
            if any(entry is e for e, _ in found):
                continue
            shared = [a for a in entry.acronyms if a in tokens]
            if name.acronym and (name.acronym in entry.acronyms or any(
                    name.acronym in re.findall(r"[^\W_]+", lab) for lab in entry.labels)):
                found.append((entry, f"the printed acronym {name.acronym!r} is also its acronym or name"))
            elif shared:
                found.append((entry, f"the printed name contains its acronym {shared[0]!r}"))
        return found

    # -- changes
    def new_iri(self, label: str) -> str:
        taken = {e.iri for e in self.entries}
        slug = slugify(label)
        iri, n = self.base + slug, 1
        while iri in taken:
            n += 1
            iri = f"{self.base}{slug}-{n}"
        return iri

    def add(self, label: str, *, alt_labels: list[str] | None = None, acronyms: list[str] | None = None,
            notes: list[str] | None = None) -> Entry:
        entry = Entry(self.new_iri(label), label, alt_labels or [], acronyms or [], new=True,
                      notes=notes or [])
        self.entries.append(entry)
        return entry

    @property
    def new_entries(self) -> list[Entry]:
        return [e for e in self.entries if e.new]

    @property
    def extended_entries(self) -> list[Entry]:
        return [e for e in self.entries if not e.new and e.added_alt_labels]


def max_distance(key: str) -> int:
    """How many edits still count as 'almost the same name' for a normalized name of this length."""
    if len(key) <= 4:
        return 0
    if len(key) <= 12:
        return 1
    if len(key) <= 30:
        return 2
    return 3


def reconcile_organization(registry: Registry, printed: str) -> Match:
    """Link a printed signatory name to the registry, or add it (flagged if it may be a duplicate)."""
    name = PrintedName.parse(printed)
    seen_new = [e for label in (printed, name.core)
                for e in registry.exact(label) + registry.normalized(label) if e.new]
    if seen_new:  # printed earlier in this same statement
        entry = seen_new[0]
        form = name.core if name.qualifier else printed
        if form not in entry.labels:
            entry.alt_labels.append(form)
        return Match(printed, entry, "repeated")
    for label in dict.fromkeys([printed, name.core]):
        found = registry.exact(label)
        if len(found) == 1:
            return Match(printed, found[0], "exact")
    for label in dict.fromkeys([printed, name.core]):
        found = registry.normalized(label)
        if len(found) == 1:
            entry = found[0]
            form = name.core if name.qualifier else printed
            if form not in entry.labels:
                entry.added_alt_labels.append(form)
            return Match(printed, entry, "normalized")
        if len(found) > 1:
            return _add(registry, name, [(e, "the same name after normalization") for e in found])
    return _add(registry, name, registry.near(name))


def _add(registry: Registry, name: PrintedName, near: list[tuple[Entry, str]]) -> Match:
    alt = [name.printed] if name.acronym else []
    notes = [f"Possible duplicate of <{e.iri}> (\"{e.pref_label}\"): {why}. Added as a new organization "
             "by nida ingest; if it is the same organization, merge the two by hand." for e, why in near]
    entry = registry.add(name.core, alt_labels=alt, acronyms=[name.acronym] if name.acronym else [],
                         notes=notes)
    if near:
        return Match(name.printed, entry, "flagged", tuple(e for e, _ in near),
                     "; ".join(why for _, why in near))
    return Match(name.printed, entry, "added")


# ----------------------------------------------------------------------------- actors

ARTICLE = re.compile(r"^(?:the|its|their)\s+", re.IGNORECASE)
#: tried once per run of spaces (the look-behind), not from each of its positions: linear
SEPARATORS = re.compile(r"(?<!\s)(\s*,\s*and\s+|\s*,\s*|\s+and\s+|\s*&\s*)")


POSSESSIVE = re.compile(r"^(?:its|their)\s+", re.IGNORECASE)


def _actor_lookup(registry: Registry, phrase: str, previous: Entry | None) -> Entry | None:
    candidates = [phrase, ARTICLE.sub("", phrase)]
    if previous is not None and POSSESSIVE.match(phrase):  # "its Member States" of the actor before
        candidates.insert(0, f"{POSSESSIVE.sub('', phrase)} of the {previous.pref_label}")
        candidates.insert(1, f"{POSSESSIVE.sub('', phrase)} of {previous.pref_label}")
    for candidate in dict.fromkeys(candidates):
        for found in (registry.exact(candidate), registry.normalized(candidate)):
            if len(found) == 1:
                return found[0]
    return None


def resolve_addressees(registry: Registry, phrase: str) -> list[tuple[str, Entry, bool]]:
    """Split an addressee phrase ("the Syrian Transitional Government and the Syrian Democratic
    Forces") into actors of the registry. The longest run of parts that names a known actor wins,
    so labels that contain "and" stay whole; text between known actors becomes one new actor.
    Returns (printed part, actor, is_new)."""
    pieces = SEPARATORS.split(phrase.strip())
    count = len(pieces[0::2])  # text parts; separators are at odd indexes

    def text(i: int, j: int) -> str:
        return "".join(pieces[2 * i: 2 * j - 1]).strip()

    def known_at(i: int, previous: Entry | None) -> tuple[int, Entry] | None:
        for j in range(count, i, -1):
            entry = _actor_lookup(registry, text(i, j), previous)
            if entry is not None:
                return j, entry
        return None

    result: list[tuple[str, Entry, bool]] = []
    i = 0
    while i < count:
        previous = result[-1][1] if result else None
        found = known_at(i, previous)
        if found is not None:
            j, entry = found
            result.append((text(i, j), entry, entry.new))
            i = j
            continue
        k = i + 1
        while k < count and known_at(k, None) is None:
            k += 1
        printed = text(i, k)
        if printed:
            label = ARTICLE.sub("", printed)
            label = label[:1].upper() + label[1:]
            note = f"Made by nida ingest from the printed addressee {printed!r}."
            entry = registry.add(label, notes=[note])
            result.append((printed, entry, True))
        i = k
    return result
