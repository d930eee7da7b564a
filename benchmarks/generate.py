"""Generate a synthetic nida corpus that conforms to the project's own shapes.

Each statement is a realistic text (title, subtitle, body positions, two addressed
sections with numbered demands, a closing appeal, a signatories block, an ABOUT
block) written as source.txt, with a statement.ttl whose verbatim literals carry the
exact offsets of that text. Signatories come from a shared registry with Zipf-like
reuse, as in real collections where a few organizations sign almost everything.

    python benchmarks/generate.py OUT --statements 150 --organizations 5000

With --shape statements, each statement is instead the bundled one rewritten (see
`shaped_statement`): its long texts, many mentions and 40-90 signatures, varied per statement.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PREFIXES = """@base <https://w3id.org/nida/id/> .
@prefix nida: <https://w3id.org/nida/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

"""
PLACES = ["Aleppo", "Idlib", "Raqqa", "al-Hasakah", "Deir ez-Zor", "Daraa", "Homs", "Afrin"]
TOPICS = ["detainees", "displaced families", "journalists", "humanitarian workers", "children",
          "women human rights defenders", "victims of enforced disappearance"]
WORDS = ["Justice", "Peace", "Dignity", "Relief", "Development", "Hope", "Rights", "Civil Society",
         "Women", "Youth", "Dialogue", "Truth", "Memory", "Solidarity", "Education", "Health"]
DEMANDS_UNSC = [
    ("Ensure unhindered humanitarian access to {place} and all affected areas.", "humanitarian-access"),
    ("Press for the immediate release of all arbitrarily detained {topic}.", "release-of-detainees"),
    ("Support an independent investigation into the violations committed in {place}.", "investigation"),
    ("Call on all parties to return to the negotiating table without preconditions.",
     "return-to-negotiations"),
    ("Guarantee accountability for the crimes committed against {topic}.", "accountability"),
]
DEMANDS_PARTIES = [
    ("Declare an immediate and unconditional ceasefire in {place}.", "ceasefire"),
    ("Protect {topic} and civilian objects in accordance with International Humanitarian Law.",
     "protection-of-civilians"),
    ("Reveal the fate and whereabouts of the missing and disappeared {topic}.", "reveal-fate-of-missing"),
]


def esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


@dataclass
class Text:
    """A source text being written, remembering where each verbatim piece starts and ends."""

    parts: list[str] = field(default_factory=list)
    length: int = 0

    def add(self, piece: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(piece)
        self.length += len(piece)
        return start, self.length

    def __str__(self) -> str:
        return "".join(self.parts)


def organization_names(count: int, rng: random.Random) -> list[str]:
    names = []
    for n in range(1, count + 1):
        a, b = rng.sample(WORDS, 2)
        names.append(f"{a} and {b} Organization {n}")
    return names


def zipf_sample(rng: random.Random, population: int, k: int, s: float = 1.1) -> list[int]:
    weights = [1 / (rank**s) for rank in range(1, population + 1)]
    chosen: set[int] = set()
    while len(chosen) < k:
        chosen.update(rng.choices(range(population), weights=weights, k=k - len(chosen)))
    return sorted(chosen, key=lambda i: rng.random())


def statement(slug: str, number: int, orgs: list[str], rng: random.Random,
              demands: int, signatures: int) -> tuple[str, str]:
    """Return (source text, statement Turtle) for one synthetic statement."""
    place, topic = rng.choice(PLACES), rng.choice(TOPICS)
    iri = f"statement/{slug}"
    text = Text()
    text.add("\n")
    title = (f"Syria: Civil Society Organizations Call for the Protection of {topic.title()}"
             f" in {place} ({number})")
    title_span = text.add(title)
    text.add("\n\n")
    subtitle = (f"The undersigned organizations call on the international community to act"
                f" for {topic} in {place}")
    subtitle_span = text.add(subtitle)
    text.add("\n\n")
    concern = (f"The undersigned Syrian organizations express their deep concern over the situation"
               f" of {topic} in {place}.")
    concern_span = text.add(concern)
    text.add(" ")
    call = "They call for an immediate end to violations of International Humanitarian Law."
    call_span = text.add(call)
    text.add("\n\n")

    ttl = [PREFIXES]
    body: list[str] = []
    positions = [("concern", "Concern", concern, concern_span), ("call", "Call", call, call_span)]
    sections = [("First: To the United Nations Security Council:", "actor/un-security-council", DEMANDS_UNSC),
                ("Second: To the Syrian Transitional Government and the Syrian Democratic Forces:",
                 "actor/syrian-transitional-government", DEMANDS_PARTIES)]
    per_section = [demands - demands // 2, demands // 2]
    section_iris = []
    numbered = enumerate(zip(sections, per_section, strict=True), 1)
    for s_number, ((heading, addressee, templates), count) in numbered:
        h_start, h_end = text.add(heading)
        text.add("\n\n")
        sec = f"{iri}/section/{s_number}"
        section_iris.append(sec)
        demand_iris = []
        for d_number in range(1, count + 1):
            template, kind = templates[(d_number - 1) % len(templates)]
            demand_text = template.format(place=place, topic=topic)
            text.add(f"{d_number}. ")
            d_start, d_end = text.add(demand_text)
            text.add("\n")
            demand = f"{iri}/demand/{s_number}-{d_number}"
            demand_iris.append(demand)
            body.append(
                f'<{demand}> a nida:Demand ;\n    dct:isPartOf <{iri}> ;\n    nida:section <{sec}> ;\n'
                f'    nida:ordinal {d_number} ;\n    nida:text "{esc(demand_text)}" ;\n'
                f"    nida:textStart {d_start} ;\n    nida:textEnd {d_end} ;\n"
                f"    nida:addressee <{addressee}> ;\n    nida:demandType <concept/demand-type/{kind}> .\n\n"
            )
        text.add("\n")
        body.append(
            f'<{sec}> a nida:Section ;\n    dct:isPartOf <{iri}> ;\n    nida:ordinal {s_number} ;\n'
            f'    nida:text "{esc(heading)}" ;\n    nida:textStart {h_start} ;\n    nida:textEnd {h_end} ;\n'
            f"    nida:addressee <{addressee}> ;\n"
            f"    nida:hasDemand {', '.join(f'<{d}>' for d in demand_iris)} .\n\n"
        )
    appeal = "Finally, we call on all parties to reject hate speech and incitement, and to adopt dialogue."
    appeal_span = text.add(appeal)
    positions.append(("appeal", "Appeal", appeal, appeal_span))
    text.add("\n\nSignatory organizations:\n\n")
    chosen = [orgs[i] for i in zipf_sample(rng, len(orgs), signatures)]
    signature_iris = []
    signers = []
    for ordinal, name in enumerate(chosen, 1):
        text.add(f"{ordinal}. ")
        n_start, n_end = text.add(name)
        text.add("\n")
        sig = f"{iri}/signature/{ordinal}"
        signature_iris.append(sig)
        org = f"organization/{slugify(name)}"
        signers.append(org)
        body.append(
            f'<{sig}> a nida:Signature ;\n    dct:isPartOf <{iri}> ;\n    nida:ordinal {ordinal} ;\n'
            f'    nida:nameAsPrinted "{esc(name)}" ;\n'
            f'    nida:nameStart {n_start} ;\n    nida:nameEnd {n_end} ;\n'
            f"    nida:signatory <{org}> .\n\n"
        )
    text.add("\n\nABOUT STJ\n\n")
    about = ("Syrians for Truth and Justice (STJ) is an independent, non-profit, impartial, "
             "non-governmental human rights organization.")
    a_start, a_end = text.add(about)
    position_iris = []
    for ordinal, (name, cls, ptext, (p_start, p_end)) in enumerate(positions, 1):
        pos = f"{iri}/position/{name}"
        position_iris.append(pos)
        extra = "    nida:addressee <actor/all-parties> ;\n" if cls == "Appeal" else ""
        body.append(
            f'<{pos}> a nida:{cls} ;\n    dct:isPartOf <{iri}> ;\n    nida:ordinal {ordinal} ;\n{extra}'
            f'    nida:text "{esc(ptext)}" ;\n    nida:textStart {p_start} ;\n    nida:textEnd {p_end} .\n\n'
        )
    body.append(
        f'<{iri}/about> a nida:PublisherProfile ;\n    dct:isPartOf <{iri}> ;\n'
        f'    nida:describes <organization/syrians-for-truth-and-justice> ;\n    nida:heading "ABOUT STJ" ;\n'
        f'    nida:text "{esc(about)}" ;\n    nida:textStart {a_start} ;\n    nida:textEnd {a_end} .\n\n'
    )
    source = str(text)
    raw = source.encode("utf-8")
    year, month, day = 2012 + number % 14, 1 + number % 12, 1 + number % 28
    ttl.append(
        f'<{iri}> a nida:Statement ;\n    dct:title "{esc(title)}" ;\n'
        f"    nida:titleStart {title_span[0]} ;\n    nida:titleEnd {title_span[1]} ;\n"
        f'    dct:alternative "{esc(subtitle)}" ;\n'
        f"    nida:subtitleStart {subtitle_span[0]} ;\n    nida:subtitleEnd {subtitle_span[1]} ;\n"
        f"    dct:publisher <organization/syrians-for-truth-and-justice> ;\n"
        f'    dct:language "en"^^xsd:language ;\n'
        f'    dct:issued "{year:04d}-{month:02d}-{day:02d}"^^xsd:date ;\n'
        f"    prov:wasDerivedFrom <source/{slug}> ;\n"
        f"    nida:publisherProfile <{iri}/about> ;\n"
        f"    nida:hasSection {', '.join(f'<{s}>' for s in section_iris)} ;\n"
        f"    nida:hasPosition {', '.join(f'<{p}>' for p in position_iris)} ;\n"
        f"    nida:hasSignature {', '.join(f'<{s}>' for s in signature_iris)} ;\n"
        f"    nida:signedBy {', '.join(f'<{o}>' for o in sorted(set(signers)))} .\n\n"
        f"<source/{slug}> a nida:Source ;\n"
        f'    nida:sha256 "{hashlib.sha256(raw).hexdigest()}" ;\n'
        f"    nida:byteLength {len(raw)} ;\n    nida:charLength {len(source)} ;\n"
        f'    schema:encodingFormat "text/plain; charset=utf-8" .\n\n'
    )
    return source, "".join(ttl + body)


def slugify(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def registry(names: list[str]) -> str:
    blocks = [PREFIXES]
    for name in names:
        blocks.append(f'<organization/{slugify(name)}> a nida:Organization ;\n'
                      f'    skos:prefLabel "{esc(name)}" .\n\n')
    blocks.append('<organization/syrians-for-truth-and-justice> a nida:Organization ;\n'
                  '    skos:prefLabel "Syrians for Truth and Justice" ;\n    nida:acronym "STJ" .\n')
    return "".join(blocks)


def copy_project_files(out: Path) -> None:
    """The project's own ontology, shapes and release metadata, as they are now."""
    for folder in ("ontology", "shapes"):
        shutil.rmtree(out / folder, ignore_errors=True)
        shutil.copytree(REPO / folder, out / folder)
    shutil.copy(REPO / "release.toml", out / "release.toml")


def new_project(out: Path) -> Path:
    """An empty project at `out` (the ontology, shapes and the bundled small registries), its
    data folder returned for the corpus's statements and organizations."""
    if out.exists():
        shutil.rmtree(out)
    copy_project_files(out)
    data = out / "data"
    data.mkdir(parents=True)
    for name in ("actors.ttl", "places.ttl", "agreements.ttl", "events.ttl"):
        shutil.copy(REPO / "data" / name, data / name)
    return data


def generate(out: Path, statements: int, organizations: int, demands: int = 8,
             signatures: int = 45, seed: int = 1) -> Path:
    """Write a complete project folder (ontology, shapes, data) at `out`."""
    rng = random.Random(seed)
    data = new_project(out)
    names = organization_names(organizations, rng)
    (data / "organizations.ttl").write_text(registry(names), encoding="utf-8")
    for number in range(1, statements + 1):
        slug = f"synthetic-{number:05d}"
        folder = data / "statements" / slug
        folder.mkdir(parents=True)
        source, ttl = statement(slug, number, names, rng, demands, signatures)
        (folder / "source.txt").write_text(source, encoding="utf-8")
        (folder / "statement.ttl").write_text(ttl, encoding="utf-8")
    return out


BUNDLED = REPO / "data" / "statements" / "halt-military-escalation-northeast-syria"
NIDA, DCT = "https://w3id.org/nida/ontology#", "http://purl.org/dc/terms/"
ID = "https://w3id.org/nida/id/"
#: (text property, start property, end property) of every verbatim span in a statement
SPANS = [(DCT + "title", NIDA + "titleStart", NIDA + "titleEnd"),
         (DCT + "alternative", NIDA + "subtitleStart", NIDA + "subtitleEnd"),
         (NIDA + "text", NIDA + "textStart", NIDA + "textEnd"),
         (NIDA + "nameAsPrinted", NIDA + "nameStart", NIDA + "nameEnd")]
#: published triples per statement-shaped statement, measured at 100k (to size corpora)
STATEMENT_TRIPLES = 1300


@dataclass
class Template:
    """The bundled statement, parsed once: its triples (slug-free) and its source text."""

    triples: list[tuple[str, str, object]]
    source: str
    slug: str
    words: list[str]
    mentionable: list[str]
    organizations: list[str]


def load_template() -> Template:
    import rdflib

    graph = rdflib.Graph().parse(BUNDLED / "statement.ttl", format="turtle")
    source = (BUNDLED / "source.txt").read_text(encoding="utf-8")
    triples = [(str(s), str(p), o) for s, p, o in graph]
    mentionable = sorted({str(o) for _, p, o in triples if p == NIDA + "mentions"})
    registry_graph = rdflib.Graph().parse(REPO / "data" / "organizations.ttl", format="turtle")
    organizations = sorted(str(s) for s in registry_graph.subjects(
        rdflib.RDF.type, rdflib.URIRef(NIDA + "Organization")))
    words = [w for w in source.split() if w.isalpha() and w.islower()]
    return Template(triples, source, BUNDLED.name, words, mentionable, organizations)


def _term(value: object) -> str:
    """One N-Triples term: a plain str is an IRI, anything else an rdflib literal."""
    import rdflib

    return value.n3() if isinstance(value, rdflib.Literal) else f"<{value}>"


def shaped_statement(template: Template, slug: str, number: int, orgs: list[tuple[str, str]],
                     rng: random.Random) -> tuple[str, str]:
    """Return (source text, statement N-Triples) for one statement shaped like the bundled one.

    Every verbatim span of the bundled statement is kept in order, lengthened by a random
    tail; the signatures are drawn again (40-90, Zipf over the registry) and the positions
    mention a random share of what the bundled one mentions, so no two statements are alike.
    """
    import rdflib

    old, new = f"{ID}statement/{template.slug}", f"{ID}statement/{slug}"
    src_old, src_new = f"{ID}source/{template.slug}", f"{ID}source/{slug}"

    def rename(term: object) -> object:
        if isinstance(term, rdflib.URIRef):
            text = str(term)
            if text == src_old:
                return src_new
            return new + text[len(old):] if text.startswith(old) else text
        return term

    signature = f"{new}/signature/"
    spans: dict[tuple[str, str], int] = {}
    triples: list[tuple[str, str, object]] = []
    for s, p, o in template.triples:
        s2, o2 = str(rename(rdflib.URIRef(s))), rename(o)
        if s2.startswith(signature) or p in (NIDA + "hasSignature", NIDA + "signedBy"):
            continue  # drawn again below
        if p == NIDA + "mentions" and rng.random() < 0.3:
            continue
        triples.append((s2, p, o2))
        for text_p, start_p, _ in SPANS:
            if p == start_p:
                spans[(s2, text_p)] = int(o)  # type: ignore[call-overload]
    for subject in sorted({s for s, p, _ in triples if p == NIDA + "textStart"}):
        for mention in rng.sample(template.mentionable, rng.randint(0, 4)):
            triples.append((subject, NIDA + "mentions", mention))
    # the body up to the signatures, span by span, each span lengthened
    first_name = next(int(o) for s, p, o in template.triples  # type: ignore[call-overload]
                      if p == NIDA + "nameStart" and s.endswith("/signature/1"))
    last_name = max(int(o) for _, p, o in template.triples  # type: ignore[call-overload]
                    if p == NIDA + "nameEnd")
    text = Text()
    position = 0
    replaced: dict[tuple[str, str], tuple[str, int, int]] = {}
    ordered = sorted(spans.items(), key=lambda item: item[1])
    for (subject, text_p), start in ordered:
        original = next(str(o) for s, p, o in triples if s == subject and p == text_p)
        if start >= first_name and start < last_name:
            continue
        text.add(template.source[position:start])
        piece = original
        if text_p == DCT + "title":
            piece = f"{original} ({number})"
        elif text_p == NIDA + "text" and not subject.endswith("/about"):
            tail = " ".join(rng.choices(template.words, k=rng.randint(0, 60)))
            piece = f"{original[:-1]}, {tail}{original[-1]}" if tail else original
        replaced[(subject, text_p)] = (piece, *text.add(piece))
        position = start + len(original)
        if position <= first_name <= (ordered[ordered.index(((subject, text_p), start)) + 1][1]
                                      if ordered.index(((subject, text_p), start)) + 1 < len(ordered)
                                      else len(template.source)):
            # the signature list: numbered lines, drawn again
            text.add(template.source[position:first_name - len("1. ")])
            chosen = [orgs[i] for i in zipf_sample(rng, len(orgs), rng.randint(40, 90))]
            for ordinal, (iri, name) in enumerate(chosen, 1):
                text.add(f"{ordinal}. ")
                n_start, n_end = text.add(name)
                text.add("\n")
                sig = f"{signature}{ordinal}"
                triples += [(sig, RDF_TYPE, NIDA + "Signature"), (sig, DCT + "isPartOf", new),
                            (sig, NIDA + "ordinal", rdflib.Literal(ordinal)),
                            (sig, NIDA + "nameAsPrinted", rdflib.Literal(name)),
                            (sig, NIDA + "nameStart", rdflib.Literal(n_start)),
                            (sig, NIDA + "nameEnd", rdflib.Literal(n_end)),
                            (sig, NIDA + "signatory", iri), (new, NIDA + "hasSignature", sig)]
            for iri in sorted({iri for iri, _ in chosen}):
                triples.append((new, NIDA + "signedBy", iri))
            position = last_name + 1  # after the last name's line end
    text.add(template.source[position:])
    source = str(text)
    raw = source.encode("utf-8")
    lines = []
    for s, p, o in triples:
        if (s, p) in replaced:
            o = rdflib.Literal(replaced[(s, p)][0], lang=o.language, datatype=o.datatype)  # type: ignore[attr-defined]
        else:
            for text_p, start_p, end_p in SPANS:
                if (s, text_p) in replaced and p in (start_p, end_p):
                    o = rdflib.Literal(replaced[(s, text_p)][1 if p == start_p else 2])
        if s == src_new and p == NIDA + "sha256":
            o = rdflib.Literal(hashlib.sha256(raw).hexdigest())
        elif s == src_new and p == NIDA + "byteLength":
            o = rdflib.Literal(len(raw))
        elif s == src_new and p == NIDA + "charLength":
            o = rdflib.Literal(len(source))
        lines.append(f"{_term(s)} {_term(p)} {_term(o)} .\n")
    return source, PREFIXES + "".join(sorted(lines))  # with @base, for editors (and run.py's edit)


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def shaped_registry(template: Template, count: int, rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
    """The bundled registry plus `count` generated organizations; (Turtle, [(IRI, name)])."""
    names = organization_names(count, rng)
    generated = registry(names).rsplit("<organization/syrians-for-truth-and-justice>", 1)[0]
    bundled = (REPO / "data" / "organizations.ttl").read_text(encoding="utf-8")
    orgs = [(iri, iri.rsplit("/", 1)[1].replace("-", " ").title()) for iri in template.organizations]
    orgs += [(f"{ID}organization/{slugify(name)}", name) for name in names]
    return bundled + "\n" + generated.split("\n\n", 1)[1], orgs


def generate_statements(out: Path, statements: int, organizations: int, seed: int = 1) -> Path:
    """Write a project folder of `statements` statements shaped like the bundled one."""
    rng = random.Random(seed)
    template = load_template()
    data = new_project(out)
    text, orgs = shaped_registry(template, organizations, rng)
    (data / "organizations.ttl").write_text(text, encoding="utf-8")
    for number in range(1, statements + 1):
        slug = f"shaped-{number:05d}"
        folder = data / "statements" / slug
        folder.mkdir(parents=True)
        source, ttl = shaped_statement(template, slug, number, orgs, rng)
        (folder / "source.txt").write_text(source, encoding="utf-8")
        (folder / "statement.ttl").write_text(ttl, encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--statements", type=int, default=15)
    parser.add_argument("--organizations", type=int, default=5000)
    parser.add_argument("--demands", type=int, default=8)
    parser.add_argument("--signatures", type=int, default=45)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=["synthetic", "statements"], default="synthetic",
                        help="statements: shaped like the bundled statement (long texts, many mentions)")
    args = parser.parse_args()
    if args.shape == "statements":
        generate_statements(args.out, args.statements, args.organizations, args.seed)
        return
    generate(args.out, args.statements, args.organizations, args.demands, args.signatures, args.seed)


if __name__ == "__main__":
    main()
