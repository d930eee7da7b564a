"""The example queries shipped in queries/: each a .rq file with a commented header."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from publisher.sparql.screen import QueryError


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str
    title: str
    question: str
    shape: str


def _header(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    key = ""
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        match = re.match(r"(title|question|answer):\s*(.*)", body, flags=re.IGNORECASE)
        if match:
            key = match.group(1).lower()
            fields[key] = match.group(2)
        elif key and body:
            fields[key] += " " + body
    return fields


def named_queries(folder: Path) -> dict[str, NamedQuery]:
    found: dict[str, NamedQuery] = {}
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header = _header(text)
        found[path.stem] = NamedQuery(path.stem, path, text, header.get("title", path.stem),
                                      header.get("question", ""), header.get("answer", ""))
    return found


def query_text(argument: str, folder: Path) -> str:
    """A query given as text, as a file path, or as the name of an example query."""
    queries = named_queries(folder) if folder.is_dir() else {}
    if argument in queries:
        return queries[argument].text
    if argument.endswith(".rq") and Path(argument).is_file():
        return Path(argument).read_text(encoding="utf-8")
    if re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE)\b", argument,
                 flags=re.IGNORECASE):
        return argument
    raise QueryError(f"{argument!r} is neither a SPARQL query nor an example query name;"
                     " see `nida query --list`")
