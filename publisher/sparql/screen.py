"""Query errors, and the screen every query passes before it runs: read-only, no SERVICE, bounded nesting."""

from __future__ import annotations

import re

from publisher.errors import NidaError
from publisher.sandbox import network_denied
from publisher.settings import MAX_QUERY_NESTING


class QueryError(NidaError):
    """A query that cannot be run: bad syntax, or refused (exit 2; HTTP 4xx)."""

    exit_code = 2
    status = 400


class QueryRefused(QueryError):
    """Well-formed, but not allowed on a read-only store (UPDATE, LOAD, SERVICE)."""

    status = 403


class QueryTooLarge(QueryError):
    status = 413


class QueryTimeout(QueryError):
    status = 503


class NotAcceptable(QueryError):
    status = 406


class QueryBusy(QueryError):
    """Every worker is busy and the queue is full: refused at once, so that a flood of slow
    queries never holds the threads that answer /id/ and the pages."""

    status = 503


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


_WORD = re.compile(r"[A-Za-z]+")


_EOL = re.compile(r"[\n\r]")


UPDATE_KEYWORDS = frozenset(("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                             "WITH"))


SERVICE_REFUSED = "SERVICE (federated query to another endpoint) is refused"


UPDATE_REFUSED = "read-only endpoint: SPARQL UPDATE (INSERT, DELETE, LOAD, CLEAR, ...) is refused"


def unescaped(text: str) -> str:
    """The query with SPARQL codepoint escapes (\\u0053 for S) decoded."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def nesting_depth(text: str) -> int:
    """The deepest nesting of brackets, counted over every character (a string holding brackets
    counts too: refusing such an oddity is harmless), in one pass."""
    depth = deepest = 0
    for char in text:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]" and depth:
            depth -= 1
    return deepest


def first_keyword(text: str) -> str:
    """The first keyword after the prologue (comments, PREFIX and BASE declarations), upper
    case; "" if the text starts otherwise. One pass: every step moves forward."""
    position, size = 0, len(text)
    while position < size:
        char = text[position]
        if char.isspace():
            position += 1
        elif char == "#":  # a comment ends at either line-end character (SPARQL's EOL)
            end = _EOL.search(text, position)
            position = end.start() if end else size
        else:
            word = _WORD.match(text, position)
            if word is None:
                return ""
            keyword = word.group().upper()
            if keyword not in ("PREFIX", "BASE"):
                return keyword
            close = text.find(">", word.end())
            if close < 0:
                return keyword
            position = close + 1
    return ""


def check_query(text: str, sandboxed: bool | None = None) -> None:
    """Refuse, before anything runs, what a read-only store must not run.

    Nothing is parsed here: Oxigraph's own parser decides what the query is. Its `Store.query`
    runs no update (an update is a syntax error to it; the first keyword gives the message).
    SERVICE is made impossible rather than detected: queries run in processes that cannot open
    a socket (publisher/sandbox.py). Only where that sandbox is missing (`sandboxed` False; by
    default, whether this process has it) is any query that spells SERVICE refused outright.
    Brackets nested deeper than MAX_QUERY_NESTING are refused: Oxigraph's parser recurses on
    them and overflows its stack near 3,000.
    """
    if not text.strip():
        raise QueryError("empty query")
    plain = unescaped(text)
    if nesting_depth(plain) > MAX_QUERY_NESTING:
        raise QueryError(f"brackets nested more than {MAX_QUERY_NESTING} deep; simplify the query")
    if first_keyword(plain) in UPDATE_KEYWORDS:
        raise QueryRefused(UPDATE_REFUSED)
    if not (network_denied() if sandboxed is None else sandboxed) and spells_service(plain):
        raise QueryRefused(SERVICE_REFUSED)


def spells_service(plain: str) -> bool:
    """The word appears anywhere (escapes decoded): only a message or a fallback rests on it."""
    return "SERVICE" in plain.upper()
