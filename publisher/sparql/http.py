"""HTTP for the endpoint: media types offered, content negotiation, security and CORS headers."""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Response

#: /sparql answers: SELECT/ASK results and CONSTRUCT/DESCRIBE graphs, by media type.
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}


GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
}


#: /id/ answers, in order of preference when a client accepts several equally (curl's */*).
RESOURCE_TYPES = ["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml",
                  "text/html"]


#: On every HTML answer (issue 8): no external sources, no framing, no referrer, no sniffing.
#: Inline style and script are the query page's and the static pages' own (no external ones).
HTML_SECURITY = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self' 'unsafe-inline';"
    " style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self';"
    " base-uri 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}


def negotiate(accept_header: str | None, offered: list[str]) -> str | None:
    """The best offered media type for an Accept header (q-values, wildcards); the first
    offered when there is no header; None when nothing offered is acceptable (406)."""
    if not accept_header or not accept_header.strip():
        return offered[0]
    accept = parse_accept_header(accept_header, MIMEAccept)
    match = accept.best_match(offered)
    return str(match) if match else None


def with_charset(media_type: str) -> str:
    """The media type with `charset=utf-8` where it is text and says no charset yet."""
    if "charset=" in media_type:
        return media_type
    if media_type.startswith("text/") or media_type.endswith(("json", "xml", "n-triples")):
        return media_type + "; charset=utf-8"
    return media_type


def text(status: int, message: str) -> Response:
    return Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")
