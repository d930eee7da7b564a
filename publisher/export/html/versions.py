"""The language versions of a statement as its page shows them (docs/MODEL.md, "Language versions").

Each version (`statement/<slug>/<lang>`, linked from the statement by schema:workTranslation) is
one block of the statement's page, at the fragment `#<lang>`, marked with its language (`lang`)
and, for the languages written right to left, `dir="rtl"`: its title, its source, and its
sections, demands and signatures in printed order, each at the fragment of its own IRI
(`#ar/demand/1-2`) and linked to the part of the statement it is aligned with.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from publisher.export.html.paths import DCT, NIDA, page_link, relative_href
from publisher.export.html.site import Site

SCHEMA = "https://schema.org/"
WORK_TRANSLATION = SCHEMA + "workTranslation"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
#: languages written right to left (Arabic script: Arabic, Sorani Kurdish, Persian...; Hebrew, Syriac)
RTL_LANGUAGES = frozenset({"ar", "ckb", "fa", "ur", "ps", "he", "yi", "syr"})


def text_direction(language: str) -> str:
    return "rtl" if language.split("-", 1)[0].lower() in RTL_LANGUAGES else "ltr"


def version_blocks(site: Site, iri: str, path: str) -> list[dict[str, Any]]:
    """Every version of the statement `iri`, by language tag."""
    prefix = iri + "/"
    blocks = []
    for version in site.iris(iri, WORK_TRANSLATION):
        language = site.value(version, DCT + "language") or ""
        parts = [t.subject.value for t in site.incoming(version, DCT + "isPartOf")
                 if isinstance(t.subject, ox.NamedNode)]

        def of_type(kind: str, parts: list[str] = parts) -> list[str]:
            found = (p for p in parts if NIDA + kind in site.types(p))
            return sorted(found, key=lambda p: (site.ordinal(p), p))

        def aligned(part: str) -> str:
            target = next(iter(site.iris(part, NIDA + "alignedWith")), "")
            link = page_link(target) if target else None
            return relative_href(path, link) if link else ""

        def item(part: str, predicate: str) -> dict[str, Any]:
            return {"id": part[len(prefix):], "ordinal": site.ordinal(part),
                    "text": site.value(part, predicate) or "", "aligned": aligned(part)}

        demands = of_type("DemandVersion")
        sections = []
        for section in of_type("SectionVersion"):
            mine = section[len(version + "/section/"):] + "-"
            sections.append({**item(section, NIDA + "text"), "demands": [
                item(d, NIDA + "text") for d in demands if d[len(version + "/demand/"):].startswith(mine)]})
        signatures = [{**item(s, NIDA + "nameAsPrinted"),
                       "organization": [site.link(o, path) for o in site.iris(s, NIDA + "signatory")]}
                      for s in of_type("SignatureVersion")]
        sources = [site.link(s, path) for s in site.iris(version, PROV_DERIVED)]
        blocks.append({
            "id": version[len(prefix):], "language": language, "dir": text_direction(language),
            "title": site.value(version, DCT + "title") or "",
            "subtitle": site.value(version, DCT + "alternative"),
            "sources": sources, "sections": sections, "signatures": signatures,
        })
    return sorted(blocks, key=lambda b: b["id"])


def version_texts(site: Site, source: str, subjects: Iterable[str]) -> list[dict[str, Any]]:
    """The printed texts of the language versions on the page of the statement's source
    `source`: the page's other sources, `source/<slug>/<lang>`, at the fragment `#<lang>`. (Only
    the page's own subjects are read: a change elsewhere does not rebuild the page.)"""
    prefix = source + "/"
    texts = []
    for own in sorted(s for s in subjects if s.startswith(prefix)):
        if NIDA + "Source" in site.types(own):
            language = own[len(prefix):]
            texts.append({"id": language, "language": language, "dir": text_direction(language),
                          "text": site.value(own, NIDA + "content") or ""})
    return texts
