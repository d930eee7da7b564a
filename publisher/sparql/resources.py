"""Linked data at /id/: each resource's triples as RDF or a small HTML page, and the query form."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from publisher.export.html.paths import page_link
from publisher.export.jsonld import CONTEXT_FILE, build_context, compact, dump_json
from publisher.export.turtle import turtle_bytes
from publisher.graph import serialize_text
from publisher.load.dataset import load_dataset
from publisher.settings import DATA_BASE, PREFIXES
from publisher.sparql.http import GRAPH_TYPES
from publisher.sparql.named import named_queries
from publisher.sparql.results import GRAPH_FORMATS
from publisher.sparql.source import Source

HTML_DIR = "html"


def html_page_link(release: Path, iri: str) -> str | None:
    """Where the release's static page of a resource is served (`/html/<page>#<part>`), if the
    release has that page; the html exporter's `page_link` is the one mapping."""
    link = page_link(iri)
    if link is None or not (release / HTML_DIR / link.partition("#")[0]).is_file():
        return None
    return f"/{HTML_DIR}/{link}"


def local_context(source: Source) -> dict[str, Any]:
    """The JSON-LD context of the release (its context.jsonld), or built from the ontology."""
    if source.kind == "release" and (source.path / CONTEXT_FILE).is_file():
        document = json.loads((source.path / CONTEXT_FILE).read_text(encoding="utf-8"))
        return dict(document["@context"])
    root = source.settings.root
    return build_context(load_dataset(source.settings, [source.path] if source.kind == "data"
                                      else [root / "data"]).ontology)


@dataclass
class Resources:
    """The store behind /id/: triples about one resource, in every offered format."""

    store: ox.Store
    context: dict[str, Any]
    release: Path | None

    def triples(self, iri: str) -> list[ox.Triple]:
        """What the data says about the resource; for a named graph's IRI (`graph/...`, in
        a release with nida.nq), the graph's triples."""
        node = ox.NamedNode(iri)
        found = {ox.Triple(q.subject, q.predicate, q.object)
                 for q in self.store.quads_for_pattern(node, None, None, None)}
        if not found:
            found = {q.triple for q in self.store.quads_for_pattern(None, None, None, node)}
            return sorted(found, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        return sorted(found, key=lambda t: (str(t.predicate), str(t.object)))

    def render(self, iri: str, media_type: str, triples: list[ox.Triple]) -> bytes:
        if media_type == "application/ld+json":
            return dump_json(compact(triples, self.context, plain=True))
        if media_type == "text/html":
            return resource_page(iri, triples).encode("utf-8")
        if media_type == "text/turtle":
            return turtle_bytes(triples)
        rdf_format = GRAPH_FORMATS[GRAPH_TYPES[media_type]]
        return serialize_text(triples, rdf_format, prefixes=PREFIXES).encode("utf-8")


def printable_path(text: str) -> bool:
    """A path a file can have: valid UTF-8 (werkzeug keeps undecodable bytes, such as %ff, as
    lone surrogates) and no control characters (%00 cannot be in a file name)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not any(ord(char) < 0x20 or ord(char) == 0x7F for char in text)


def valid_iri(iri: str) -> bool:
    """Whether Oxigraph takes it as an IRI (a space, `<`, `"` or a control character is not
    in any IRI): such a path is a bad request, never a server error."""
    if not printable_path(iri):
        return False
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def _local_link(term: ox.NamedNode | ox.Literal | Any) -> str:
    if isinstance(term, ox.NamedNode):
        value = term.value
        href = "/id/" + value[len(DATA_BASE):] if value.startswith(DATA_BASE) else value
        return f'<a href="{html.escape(href)}">{html.escape(_short(value))}</a>'
    return html.escape(str(term.value))


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def resource_page(iri: str, triples: list[ox.Triple]) -> str:
    """A plain HTML page for a resource when the release has none of its own."""
    labels = [str(t.object.value) for t in triples  # type: ignore[union-attr]
              if t.predicate.value.endswith(("#prefLabel", "/title"))]
    title = labels[0] if labels else iri
    rows = "\n".join(f"<tr><td>{_local_link(t.predicate)}</td><td>{_local_link(t.object)}</td></tr>"
                     for t in triples)
    return PAGE.format(title=html.escape(title), body=(
        f"<h1>{html.escape(title)}</h1><p><code>{html.escape(iri)}</code></p>"
        f"<table><thead><tr><th>property</th><th>value</th></tr></thead><tbody>\n{rows}\n</tbody></table>"
        '<p><a href="/">SPARQL query page</a></p>'))


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} — nida</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:70em}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em .5em;text-align:left;
vertical-align:top}}textarea{{width:100%;font-family:monospace}}#error{{color:#a00}}</style>
</head><body>
{body}
</body></html>
"""


QUERY_PAGE_BODY = """<h1>nida SPARQL</h1>
<p>Ask the joint statements a question in SPARQL. Examples:
<select id="examples"><option value="">choose…</option></select></p>
<form id="form"><textarea id="query" name="query" rows="14">{default}</textarea>
<p><button id="run" type="submit">Run query</button>
<a href="/sparql">endpoint: /sparql</a></p></form>
<p id="error" role="alert"></p><p id="status"></p><div id="results"></div>
<script>
const examples = {examples};
const select = document.getElementById("examples");
for (const [name, q] of Object.entries(examples)) {{
  const option = document.createElement("option"); option.value = name;
  option.textContent = q.title; select.appendChild(option);
}}
select.addEventListener("change", () => {{
  if (select.value) document.getElementById("query").value = examples[select.value].text;
}});
function cell(term) {{
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") {{
    const a = document.createElement("a");
    a.href = term.value.startsWith("{base}") ? "/id/" + term.value.slice({base_len}) : term.value;
    a.textContent = term.value; td.appendChild(a);
  }} else td.textContent = term.value;
  return td;
}}
document.getElementById("form").addEventListener("submit", async (event) => {{
  event.preventDefault();
  const error = document.getElementById("error"), results = document.getElementById("results");
  const status = document.getElementById("status");
  error.textContent = ""; results.textContent = ""; status.textContent = "running…";
  const response = await fetch("/sparql", {{method: "POST",
    headers: {{"Content-Type": "application/sparql-query",
              "Accept": "application/sparql-results+json, text/turtle;q=0.9"}},
    body: document.getElementById("query").value}});
  status.textContent = "";
  if (!response.ok) {{ error.textContent = await response.text(); return; }}
  const type = response.headers.get("Content-Type") || "";
  if (!type.includes("json")) {{
    const pre = document.createElement("pre"); pre.textContent = await response.text();
    results.appendChild(pre); return;
  }}
  const data = await response.json();
  if ("boolean" in data) {{ results.textContent = String(data.boolean); return; }}
  const table = document.createElement("table"); table.id = "result-table";
  const head = table.createTHead().insertRow();
  for (const v of data.head.vars) {{ const th = document.createElement("th"); th.textContent = v;
    head.appendChild(th); }}
  const body = table.createTBody();
  for (const binding of data.results.bindings) {{
    const row = body.insertRow();
    for (const v of data.head.vars) row.appendChild(cell(binding[v]));
  }}
  status.textContent = data.results.bindings.length + " rows";
  results.appendChild(table);
}});
</script>"""


def query_page(queries_dir: Path) -> str:
    examples = {n: {"title": q.title, "text": q.text} for n, q in named_queries(queries_dir).items()} \
        if queries_dir.is_dir() else {}
    default = next(iter(examples.values()))["text"] if examples else "SELECT * WHERE { ?s ?p ?o } LIMIT 10"
    script_safe = json.dumps(examples).replace("</", "<\\/")
    body = QUERY_PAGE_BODY.format(default=html.escape(default), examples=script_safe,
                                  base=DATA_BASE, base_len=len(DATA_BASE))
    return PAGE.format(title="SPARQL", body=body)
