"""`nida serve`: linked data with content negotiation and a read-only SPARQL 1.1 endpoint.

A small werkzeug WSGI app, served by waitress. Every IRI under the data base
(`https://w3id.org/nida/id/...`) is answered at `/id/...` as Turtle, JSON-LD (compacted
with the release's local context), N-Triples, RDF/XML or HTML; `/sparql` speaks the
SPARQL 1.1 Protocol; `/` is a query page for browsers. Queries run in worker processes
(`QueryPool`) with a deadline and a result limit.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge
from werkzeug.routing import Map, RequestRedirect, Rule
from werkzeug.security import safe_join
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from publisher.errors import InputError, NidaError
from publisher.settings import DATA_BASE, Settings
from publisher.snapshot import Marker, drop_snapshot, release_marker, take_snapshot
from publisher.sparql.description import service_description
from publisher.sparql.http import (
    CORS,
    GRAPH_TYPES,
    HTML_SECURITY,
    RESOURCE_TYPES,
    RESULT_TYPES,
    negotiate,
    text,
    with_charset,
)
from publisher.sparql.pages import query_page
from publisher.sparql.query import QueryPool
from publisher.sparql.reconciliation import Reconciler, ReconciliationError
from publisher.sparql.resources import (
    HTML_DIR,
    Resources,
    html_page_link,
    local_context,
    printable_path,
    valid_iri,
)
from publisher.sparql.results import GRAPH_FORMATS, GraphSpec
from publisher.sparql.screen import QueryError
from publisher.sparql.source import Source, source_quads

#: seconds a replaced release keeps answering the requests that began on it
RELEASE_GRACE = 30.0


@dataclass
class Served:
    """One release as served, whole: the store behind /id/, the query workers, the pages, all
    read from one snapshot of the release folder (publisher/snapshot.py)."""

    resources: Resources
    pool: QueryPool
    reconciler: Reconciler
    snapshot: Path | None = None
    marker: Marker | None = None

    closed: bool = False

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.pool.close()
        if self.snapshot is not None:
            drop_snapshot(self.snapshot)


def open_served(source: Source, settings: Settings) -> Served:
    snapshot, marker = take_snapshot(source.path) if source.kind == "release" else (None, None)
    served = Source("release", snapshot, source.settings) if snapshot is not None else source
    pool: QueryPool | None = None
    try:
        pool = QueryPool(served, settings.query_workers, settings.query_timeout, settings.result_limit,
                         waiting=settings.query_queue, wait=settings.query_wait)
        resources = Resources(store=ox.Store(), context=local_context(served), release=snapshot,
                              incoming_limit=settings.result_limit)
        resources.store.bulk_extend(source_quads(served))
        reconciler = Reconciler(resources.store)
    except BaseException:
        if pool is not None:
            pool.close()
        if snapshot is not None:
            drop_snapshot(snapshot)
        raise
    return Served(resources, pool, reconciler, snapshot, marker)


class App:
    """The WSGI application.

    It serves one release at a time, whole. When the release folder is replaced (`nida publish`
    swaps a new one in), `reload_if_replaced` loads the new one beside the old, then switches
    every route to it in one assignment; a request in flight finishes on the release it began
    with, which is closed a grace period later."""

    def __init__(self, source: Source, settings: Settings,
                 on_reload: Callable[[str], None] | None = None) -> None:
        self.origin, self.settings, self.on_reload = source, settings, on_reload
        self.served = open_served(source, settings)
        self.stop_watching = threading.Event()
        self.retired: list[Served] = []  # replaced releases, closed after RELEASE_GRACE or at the end
        self.max_request_bytes = settings.max_request_bytes
        self.page = query_page(settings.queries_dir).encode("utf-8")
        self.urls = Map([
            Rule("/", endpoint="index", methods=["GET", "HEAD"]),
            Rule("/sparql", endpoint="sparql", methods=["GET", "HEAD", "POST", "OPTIONS"]),
            Rule("/id/<path:rest>", endpoint="resource", methods=["GET", "HEAD", "OPTIONS"]),
            Rule("/reconcile", endpoint="reconcile", methods=["GET", "HEAD", "POST", "OPTIONS"]),
            Rule(f"/{HTML_DIR}/<path:rest>", endpoint="static_page", methods=["GET", "HEAD"]),
        ])

    @property
    def pool(self) -> QueryPool:
        return self.served.pool

    @property
    def resources(self) -> Resources:
        return self.served.resources

    def reload_if_replaced(self) -> bool:
        """Load the release again if its folder was replaced; the old one keeps answering until
        the new one is ready, and if the new one cannot be loaded."""
        marker = release_marker(self.origin.path) if self.origin.kind == "release" else None
        if marker is None or marker == self.served.marker:
            return False
        try:
            fresh = open_served(self.origin, self.settings)
        except (NidaError, OSError) as exc:
            self._tell(f"nida: {self.origin.path} changed but cannot be served ({exc}); still serving the"
                       " release loaded before")
            self.served = replace(self.served, marker=marker)  # not tried again until it changes again
            return False
        old, self.served = self.served, fresh
        self.retired.append(old)
        timer = threading.Timer(RELEASE_GRACE, old.close)
        timer.daemon = True
        timer.start()
        self._tell(f"nida: {self.origin.path} was published again; now serving the new release")
        return True

    def watch(self, interval: float) -> None:
        """Check every `interval` seconds, in a background thread, whether to reload."""
        def loop() -> None:
            while not self.stop_watching.wait(interval):
                self.reload_if_replaced()

        threading.Thread(target=loop, name="nida-reload", daemon=True).start()

    def close(self) -> None:
        self.stop_watching.set()
        for served in [*self.retired, self.served]:
            served.close()

    def _tell(self, message: str) -> None:
        if self.on_reload is not None:
            self.on_reload(message)

    # --- WSGI
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = self.max_request_bytes
        request.max_form_memory_size = self.max_request_bytes
        try:
            if self._too_large(request):
                raise RequestEntityTooLarge()
            endpoint, values = self.urls.bind_to_environ(environ).match()
            if request.method == "OPTIONS":
                response = Response(status=204)
            else:
                response = getattr(self, endpoint)(request, **values)
        except MethodNotAllowed as exc:
            response = text(405, f"method {request.method} not allowed here")
            response.headers["Allow"] = ", ".join(exc.valid_methods or [])
        except NotFound:
            response = text(404, f"not found: {request.path}")
        except RequestRedirect as exc:  # werkzeug's slash merging: send the Location too
            response = redirect(exc.new_url, code=exc.code)
        except RequestEntityTooLarge:
            response = text(413, f"request too large: the limit is {self.max_request_bytes} bytes"
                                 " (NIDA_MAX_REQUEST_BYTES)")
        except HTTPException as exc:
            response = text(exc.code or 400, exc.description or "bad request")
        response.headers.extend(CORS)
        response.headers["X-Content-Type-Options"] = "nosniff"
        if response.mimetype == "text/html":
            response.headers.extend(HTML_SECURITY)
        return response(environ, start_response)

    def _too_large(self, request: Request) -> bool:
        length = request.content_length
        return (length is not None and length > self.max_request_bytes) or \
            len(request.environ.get("QUERY_STRING", "")) > self.max_request_bytes

    # --- endpoints
    def index(self, request: Request) -> Response:
        return Response(self.page, content_type="text/html; charset=utf-8")

    def resource(self, request: Request, rest: str) -> Response:
        iri = DATA_BASE + rest
        if not valid_iri(iri):
            return text(400, "not an IRI: the path after /id/ must be a valid IRI path"
                             " (percent-encode spaces, quotes and angle brackets)")
        resources = self.resources  # one release for the whole request, even if a reload happens
        triples = resources.triples(iri)
        if not triples:
            return text(404, f"no resource {iri} in this dataset")
        media_type = negotiate(request.headers.get("Accept"), RESOURCE_TYPES)
        if media_type is None:
            return text(406, "not acceptable; this resource is available as " + ", ".join(RESOURCE_TYPES))
        release = resources.release
        link = html_page_link(release, iri) if release and media_type == "text/html" else None
        if link:  # the static pages link each other relatively, so they are served at /html/
            response = redirect(link, code=303)
            response.headers["Vary"] = "Accept"
            return response
        body = resources.render(iri, media_type, triples)
        response = Response(body, content_type=with_charset(media_type))
        response.headers["Vary"] = "Accept"
        return response

    def reconcile(self, request: Request) -> Response:
        """The reconciliation service: its manifest without a query; else the answers to `queries`
        (a batch, as OpenRefine POSTs it) or to one `query`."""
        reconciler = self.served.reconciler
        try:
            if "queries" in request.values:
                answer: dict[str, Any] = reconciler.answer(request.values["queries"])
            elif "query" in request.values:
                asked = request.values["query"]  # a query object, or (older clients) the bare text
                answer = reconciler.reconcile(json.loads(asked) if asked.lstrip().startswith("{")
                                              else {"query": asked})
            else:
                answer = reconciler.manifest()
        except (ReconciliationError, ValueError) as exc:
            return text(400, f"bad reconciliation request: {exc}")
        body = json.dumps(answer, ensure_ascii=False)
        return Response(body, content_type="application/json; charset=utf-8")

    def static_page(self, request: Request, rest: str) -> Response:
        """The release's static pages and files under html/, never anything outside it."""
        release = self.resources.release
        folder = str(release / HTML_DIR) if release else None
        path = safe_join(folder, rest) if folder and printable_path(rest) else None
        if path is None or not Path(path).is_file():
            return text(404, f"not found: {request.path}")
        media_type = "text/html" if path.endswith(".html") else "text/plain"
        return Response(Path(path).read_bytes(), content_type=with_charset(media_type))

    def sparql(self, request: Request) -> Response:
        if request.method == "GET" and not request.args:
            if "text/html" in request.headers.get("Accept", ""):
                return self.index(request)  # a browser opening the endpoint gets the query page
            return self.description(request)
        try:
            query = self._query_text(request)
            result_fmt, graph_fmt = self._formats(request)
            data, media_type = self.pool.run(query, result_fmt, graph_fmt, self._graphs(request))
        except QueryError as exc:
            response = text(exc.status, str(exc))
            if exc.status == 503:
                response.headers["Retry-After"] = "1"
            return response
        response = Response(data, content_type=with_charset(media_type))
        response.headers["Vary"] = "Accept"
        return response

    def description(self, request: Request) -> Response:
        """The SPARQL 1.1 Service Description, as Turtle or another RDF format the client accepts."""
        media_type = negotiate(request.headers.get("Accept"), list(GRAPH_TYPES))
        if media_type is None:
            offered = ", ".join(GRAPH_TYPES)
            return text(406, f"not acceptable; the service description is available as {offered}")
        store = self.resources.store
        graphs = [graph.value for graph in store.named_graphs() if isinstance(graph, ox.NamedNode)]
        triples = service_description(request.base_url, graphs)
        data = ox.serialize(triples, format=GRAPH_FORMATS[GRAPH_TYPES[media_type]]) or b""
        response = Response(data, content_type=with_charset(media_type))
        response.headers["Vary"] = "Accept"
        return response

    # --- protocol details
    @staticmethod
    def _graphs(request: Request) -> GraphSpec:
        """default-graph-uri and named-graph-uri, from the URL or (POST form) the body."""
        values = request.values if request.mimetype == "application/x-www-form-urlencoded" else request.args
        return GraphSpec(tuple(values.getlist("default-graph-uri")), tuple(values.getlist("named-graph-uri")))

    @staticmethod
    def _query_text(request: Request) -> str:
        refused = QueryError("read-only endpoint: SPARQL UPDATE is refused")
        refused.status = 403
        if request.method == "POST":
            mimetype = request.mimetype
            if mimetype == "application/sparql-update" or "update" in request.form:
                raise refused
            if mimetype == "application/sparql-query":
                return request.get_data(as_text=True)
            if mimetype == "application/x-www-form-urlencoded":
                query = request.form.get("query")
            else:
                raise QueryError("POST the query as application/sparql-query or as the form field"
                                 " 'query' (application/x-www-form-urlencoded)")
        else:
            if "update" in request.args:
                raise refused
            query = request.args.get("query")
        if not query:
            raise QueryError("missing the 'query' parameter")
        return query

    @staticmethod
    def _formats(request: Request) -> tuple[str | None, str | None]:
        """The formats of a SELECT/ASK answer and of a CONSTRUCT/DESCRIBE one: from `format=`
        where it is a value clients send (`FORMAT_PARAMETER`), else from the Accept header."""
        fmt = (request.values.get("format") or "").strip().lower()
        if fmt in FORMAT_PARAMETER:
            return FORMAT_PARAMETER[fmt]
        accept = request.headers.get("Accept")
        result_type = negotiate(accept, list(RESULT_TYPES))
        graph_type = negotiate(accept, list(GRAPH_TYPES))
        return (RESULT_TYPES[result_type] if result_type else None,
                GRAPH_TYPES[graph_type] if graph_type else None)


def _format_parameters() -> dict[str, tuple[str, str]]:
    """`format=` values clients send (SPARQLWrapper: json, xml, turtle, n3, rdf+xml, csv, tsv,
    json-ld; media types; nida's own names) -> (results format, graph format). `xml` is
    SPARQL XML results for SELECT and RDF/XML for CONSTRUCT, as SPARQLWrapper means it."""
    pairs = {"json": ("json", "jsonld"), "xml": ("xml", "rdfxml"), "csv": ("csv", "turtle"),
             "tsv": ("tsv", "turtle"), "turtle": ("json", "turtle"), "ntriples": ("json", "ntriples"),
             "jsonld": ("json", "jsonld"), "rdfxml": ("json", "rdfxml")}
    aliases = {"ttl": "turtle", "n3": "turtle", "text/n3": "turtle", "nt": "ntriples", "json-ld": "jsonld",
               "rdf": "rdfxml", "rdf+xml": "rdfxml"}
    found = dict(pairs)
    found.update({alias: pairs[name] for alias, name in aliases.items()})
    found.update({media: pairs[name] for media, name in {**RESULT_TYPES, **GRAPH_TYPES}.items()})
    return found


#: what each `format=` value asks for; any other value leaves the choice to the Accept header
FORMAT_PARAMETER = _format_parameters()


#: threads left for /id/, /html/ and the query page when every admitted query holds one
CHEAP_THREADS = 4


def make_server(app: App, host: str, port: int, settings: Settings) -> Any:
    """A waitress server bound to host:port (not yet running); InputError if it cannot bind.

    Queries hold a thread while they run or wait (the pool admits workers + queue of them and
    answers 503 past that), so CHEAP_THREADS more always serve the other routes. Waitress reads
    requests in its event loop, not in threads: idle or slow (slowloris) connections hold no
    thread; they count against `max_connections` and are closed after `idle_timeout` silent
    seconds."""
    from waitress.server import create_server

    threads = app.pool.capacity + CHEAP_THREADS  # every release served has pools of one size
    try:
        return create_server(app, host=host, port=port, threads=threads, ident="nida",
                             max_request_body_size=app.max_request_bytes,
                             connection_limit=settings.max_connections, channel_timeout=settings.idle_timeout,
                             cleanup_interval=max(1, int(settings.idle_timeout // 2)))
    except OSError as exc:
        message = f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port"
        raise InputError(message) from None
