"""The HTML nida serve writes itself: the query page, and the frame of a resource's page."""

from __future__ import annotations

import html
import json
from pathlib import Path

from publisher.settings import DATA_BASE
from publisher.sparql.named import named_queries

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
