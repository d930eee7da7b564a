"""The lookups of the release triples that pages make (`Site`), and what a page is."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from markupsafe import Markup, escape

from publisher.export.base import Release
from publisher.export.html.paths import (
    BRIEF_PROPERTIES,
    FOREIGN_LABELS,
    LABEL_PROPERTIES,
    NIDA,
    OFFSET_PROPERTIES,
    RDF_TYPE,
    curie,
    page_link,
    page_path,
    relative_href,
    term_iri,
)
from publisher.settings import DATA_BASE, ONTOLOGY_NS, PREFIXES


@dataclass(frozen=True, repr=False)
class Value:
    """One object as shown: text, and a link where there is one."""

    text: str
    href: str | None = None
    external: bool = False
    lang: str | None = None

    def __repr__(self) -> str:
        """The dataclass's repr, without its guard against recursion (a value holds none): a
        page's cache key is the repr of its context, tens of thousands of values a site."""
        return (f"Value(text={self.text!r}, href={self.href!r}, external={self.external!r}, "
                f"lang={self.lang!r})")

    def __html__(self) -> str:
        """What a template writes for ``{{ v }}``: a link, or the text in its language. Made here
        rather than by a Jinja macro: pages show tens of thousands of values, and calling a macro
        cost more than what it writes (tests/export/test_html.py checks it writes the same)."""
        text = escape(self.text)
        if self.href:
            rel = ' rel="external"' if self.external else ""
            return Markup(f'<a href="{escape(self.href)}"{rel}>{text}</a>')
        if self.lang:
            return Markup(f'<span lang="{escape(self.lang)}">{text}</span>')
        return Markup(f"<span>{text}</span>")


@dataclass(repr=False)
class Row:
    label: str
    values: list[Value]

    def __repr__(self) -> str:
        """The dataclass's repr, without its guard against recursion (see `Value.__repr__`)."""
        return f"Row(label={self.label!r}, values={self.values!r})"


@dataclass
class Page:
    path: str
    template: str
    title: str
    triples: list[ox.Triple] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)


Index = dict[str, dict[str, list[ox.NamedNode | ox.Literal]]]


Objects = list[ox.NamedNode | ox.Literal]


_NO_VALUES: dict[str, Objects] = {}  # a subject without triples (never changed)


ORDINAL = NIDA + "ordinal"


def subject_token(subject: str) -> str:
    """What a page read: the triples of a subject."""
    return f"s {subject}"


def brief_token(subject: str) -> str:
    """What a page read: the values of a subject's `BRIEF_PROPERTIES` (its label, types...),
    which is all most pages read of the resources they link to."""
    return f"b {subject}"


def object_token(obj: str, predicate: str | None) -> str:
    """What a page read: the asserted triples that point at `obj` with `predicate` (any: None)."""
    return f"o {obj} {predicate or '*'}"


TERMS_TOKEN = "terms"  # what a page read: which subjects are ontology terms


class Site:
    """The lookups of the release triples that pages make.

    While a page is built, every lookup is remembered in `reads` (as tokens, `subject_token`,
    `brief_token`, `object_token`, `TERMS_TOKEN`): a page's bytes depend on the answers to its lookups alone,
    so after a change only the pages that looked up something the change touched can differ
    (`publisher.export.html.store`). This class answers from the whole release in memory; `stored.StoredSite`
    answers the same lookups from the site index in the build cache."""

    def __init__(self, release: Release | None = None) -> None:
        self.reads: set[str] | None = None
        self.by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
        self.by_predicate: Index = defaultdict(lambda: defaultdict(list))
        self.asserted: set[ox.Triple] = set()
        self.pointing: dict[str, list[ox.Triple]] = defaultdict(list)
        self.labels: dict[str, str] = {}
        #: `label`'s answers, with the lookups each made (a page links hundreds of resources
        #: that other pages link too: each label is made once per build, its lookups replayed)
        self.shown: dict[str, tuple[str, frozenset[str]]] = {}
        if release is None:
            return
        self.triples = release.triples
        self.asserted = asserted = {triple for part in release.dataset.parts.values() for triple in part}
        by_subject, by_predicate, pointing = self.by_subject, self.by_predicate, self.pointing
        node: object = None
        for triple in self.triples:  # one pass: a hundred thousand triples at 100k
            if triple.subject != node:  # a subject's triples are together (sorted): looked up once
                node = triple.subject
                subject = term_iri(triple.subject)
                own, values = by_subject[subject], by_predicate[subject]
            own.append(triple)
            target = triple.object
            values[triple.predicate.value].append(target)  # type: ignore[arg-type]
            if isinstance(target, ox.NamedNode) and triple in asserted:
                pointing[target.value].append(triple)
        self.labels = {subject: self._own_label(subject) for subject in self.by_subject}

    # -- the lookups (each remembered while a page is built) -------------------------------

    def _read(self, token: str) -> None:
        if self.reads is not None:
            self.reads.add(token)

    def subject_triples(self, subject: str) -> list[ox.Triple]:
        """The release triples of `subject`, in N-Triples order."""
        self._read(subject_token(subject))
        return self._subject_triples(subject)

    def own_label(self, subject: str) -> str:
        self._read(brief_token(subject))
        return self._label(subject)

    def incoming(self, iri: str, predicate: str | None = None) -> list[ox.Triple]:
        """The asserted triples whose object is `iri` (with `predicate`, where given)."""
        self._read(object_token(iri, predicate))
        found = self._pointing(iri)
        return found if predicate is None else [t for t in found if t.predicate.value == predicate]

    def is_asserted(self, triple: ox.Triple) -> bool:
        """Whether the data says it, rather than the release materializing it (a super-type...)."""
        self._read(subject_token(term_iri(triple.subject)))
        return self._is_asserted(triple)

    def terms(self) -> list[str]:
        """The subjects in the ontology's namespace."""
        self._read(TERMS_TOKEN)
        return self._terms()

    def subjects_of_type(self, type_iri: str) -> list[str]:
        """The subjects of a type (materialized types included)."""
        self._read(object_token(type_iri, RDF_TYPE))
        return self._subjects_of_type(type_iri)

    # -- answered from memory (`stored.StoredSite` answers from the site index) ---------

    def _subject_triples(self, subject: str) -> list[ox.Triple]:
        return self.by_subject.get(subject, [])

    def _objects(self, subject: str, predicate: str) -> Objects:
        return self.by_predicate.get(subject, _NO_VALUES).get(predicate, [])

    def _label(self, subject: str) -> str:
        return self.labels.get(subject, "")

    def _pointing(self, iri: str) -> list[ox.Triple]:
        return self.pointing.get(iri, [])

    def _is_asserted(self, triple: ox.Triple) -> bool:
        return triple in self.asserted

    def _terms(self) -> list[str]:
        return sorted(s for s in self.by_subject if s.startswith(ONTOLOGY_NS))

    def _subjects_of_type(self, type_iri: str) -> list[str]:
        node = ox.NamedNode(type_iri)
        return sorted(s for s, p in self.by_predicate.items() if node in p.get(RDF_TYPE, ()))

    def _own_label(self, subject: str) -> str:
        for predicate in LABEL_PROPERTIES:
            value = _chosen(self._objects(subject, predicate))
            if value:
                return value
        return ""

    # -- reading --------------------------------------------------------------------------

    def sorted_triples(self, subjects: list[str]) -> list[ox.Triple]:
        """The triples of `subjects` in N-Triples order: the release triples are sorted, so each
        subject's are, and only the subjects need sorting (by their N-Triples form)."""
        triples = {s: self.subject_triples(s) for s in subjects}
        ordered = sorted((s for s in subjects if triples[s]), key=lambda s: str(triples[s][0].subject))
        return [t for s in ordered for t in triples[s]]

    def objects(self, subject: str, predicate: str) -> Objects:
        if self.reads is not None:  # `_read`, spelled out: hundreds of thousands of calls at 1M
            self.reads.add(brief_token(subject) if predicate in BRIEF_PROPERTIES else subject_token(subject))
        return self._objects(subject, predicate)

    def value(self, subject: str, predicate: str) -> str | None:
        return _chosen(self.objects(subject, predicate))

    def iris(self, subject: str, predicate: str) -> list[str]:
        return [o.value for o in self.objects(subject, predicate) if isinstance(o, ox.NamedNode)]

    def types(self, subject: str) -> set[str]:
        return set(self.iris(subject, RDF_TYPE))

    def ordinal(self, subject: str) -> int:
        value = self.value(subject, ORDINAL)
        return int(value) if value is not None else 0

    # -- labels ---------------------------------------------------------------------------

    def label(self, iri: str) -> str:
        """What a link to `iri` shows: its own label, else one made of its type (`_made_label`);
        made once, and its lookups added to `reads` each time, as if it had been made again."""
        found = self.shown.get(iri)
        if found is None:
            outer, self.reads = self.reads, set()
            try:
                text = self._made_label(iri)
            finally:
                made, self.reads = self.reads, outer
            found = self.shown[iri] = (text, frozenset(made or ()))
        if self.reads is not None:
            self.reads |= found[1]
        return found[0]

    def _made_label(self, iri: str) -> str:
        own = self.own_label(iri)
        if own:
            return own
        nida_types = sorted(t for t in self.types(iri) if t.startswith(NIDA))
        if NIDA + "Source" in nida_types:
            derived = self.incoming(iri, PREFIXES["prov"] + "wasDerivedFrom")
            statements = sorted(term_iri(t.subject) for t in derived)
            if statements:
                return "Source text: " + self.label(statements[0])
        if nida_types and iri.startswith(DATA_BASE):
            kind = self.own_label(nida_types[0]) or nida_types[0][len(NIDA):]
            ordinal = self.value(iri, NIDA + "ordinal")
            segment = iri.rsplit("/", 1)[1]
            # demands are numbered per section: "Demand 1-2" (section 1, demand 2) as in their IRI
            suffix = segment if ordinal is None or NIDA + "Demand" in nida_types else ordinal
            return f"{kind[:1].upper()}{kind[1:]} {suffix}"
        return curie(iri)

    def property_label(self, iri: str) -> str:
        label = FOREIGN_LABELS.get(iri) or self.own_label(iri) or curie(iri)
        return label[:1].upper() + label[1:]

    def type_labels(self, subject: str) -> list[str]:
        """Labels of the asserted nida classes (not the materialized super-classes)."""
        asserted = {term_iri(t.object) for t in self.subject_triples(subject)
                    if t.predicate.value == RDF_TYPE and self.is_asserted(t)}
        own = sorted(t for t in asserted if self.own_label(t) and t.startswith(NIDA))
        return [self.own_label(t) for t in own]

    def show(self, term: ox.NamedNode | ox.Literal, from_page: str) -> Value:
        if isinstance(term, ox.Literal):
            return Value(term.value, lang=term.language)
        return self.link(term.value, from_page)

    def link(self, iri: str, from_page: str) -> Value:
        """An IRI as shown: its label, linked to its page (or to itself, outside the release)."""
        link = page_link(iri)
        if link is not None:
            return Value(self.label(iri), relative_href(from_page, link))
        if iri.startswith(("http://", "https://")):
            return Value(self.label(iri), iri, external=True)
        return Value(iri)

    def rows(self, subject: str, from_page: str, skip: Iterable[str] = ()) -> list[Row]:
        """The asserted statements about `subject`, by property, objects sorted by what is shown."""
        skipped = set(skip) | OFFSET_PROPERTIES
        grouped: dict[str, list[Value]] = defaultdict(list)
        # `is_asserted` of each triple reads the subject's triples, read here once
        for triple in self.subject_triples(subject):
            if triple.predicate.value in skipped or not self._is_asserted(triple):
                continue
            grouped[triple.predicate.value].append(self.show(triple.object, from_page))  # type: ignore[arg-type]
        return _rows({p: set(v) for p, v in grouped.items()}, self.property_label)

    def backlinks(self, iri: str, from_page: str, skip: Iterable[str] = ()) -> list[Row]:
        """Who refers to `iri`, by property (asserted triples only, the page itself excluded)."""
        skipped = set(skip)
        grouped: dict[str, set[Value]] = defaultdict(set)
        for triple in self.incoming(iri):
            if triple.predicate.value in skipped or term_iri(triple.subject) == iri:
                continue
            if page_path(term_iri(triple.subject)) is None:
                continue
            grouped[triple.predicate.value].add(self.link(term_iri(triple.subject), from_page))
        return _rows(grouped, self.property_label)


def _chosen(found: Objects) -> str | None:
    """The value shown of several: the first in English or without a language, else the first."""
    if len(found) == 1:  # most often: the one value, whatever its language
        return found[0].value
    english = [o for o in found if isinstance(o, ox.Literal) and o.language in (None, "en")]
    chosen = english or found
    return chosen[0].value if chosen else None


def _rows(grouped: dict[str, set[Value]], label: Any) -> list[Row]:
    rows = [Row(label(p), sorted(v, key=lambda x: (x.text, x.href or ""))) for p, v in grouped.items()]
    return sorted(rows, key=lambda row: row.label.lower())
