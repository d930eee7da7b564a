"""Lines as RDF syntaxes and their writers mean them: ended by a line feed only.

`str.splitlines` also ends a line at U+2028, U+2029, U+0085, \\v, \\f and \\x1c-\\x1e, which
writers leave raw inside literals (valid RDF): splitting a dump there cut a triple in two.
"""

from __future__ import annotations


def split_lines(text: str) -> list[str]:
    """The lines without their line feeds (a final line feed ends the last line)."""
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines


def split_lines_keepends(text: str) -> list[str]:
    """The lines with their line feeds; joined, they give `text` back."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines
