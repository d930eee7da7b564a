"""`nida push`: upload the release to a SPARQL 1.1 Graph Store Protocol endpoint.

One HTTP PUT per named graph (each statement, each registry, the ontology), which replaces
the graph's previous version in the store; retries with backoff on connection errors and
5xx (urllib3 Retry), never a redirect; then the triple count of every graph is checked with
a SPARQL query to the store's query endpoint, and every graph is read back (Graph Store GET)
and compared with what was sent, by the SHA-256 of its sorted N-Triples. Credentials come
from settings (environment) or ~/.netrc, never from the command line, and are never shown.
"""

from __future__ import annotations

import hashlib
import signal
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import pyoxigraph as ox
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from publisher.errors import NidaError
from publisher.graph import sorted_lines
from publisher.load.dataset import GRAPH_BASE
from publisher.settings import Settings

COUNT_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


class PushError(NidaError):
    """The store could not be reached, refused the upload, or does not hold what was sent."""

    exit_code = 2


@dataclass(frozen=True)
class Pushed:
    url: str
    query_endpoint: str
    #: graph IRI -> triples sent (and verified in the store)
    graphs: dict[str, int]
    #: nida graphs the store held that the release no longer has, deleted (issue 8)
    removed: tuple[str, ...] = ()
    #: whether a query without GRAPH sees the release (the store's default graph is the union of
    #: its named graphs), as the example queries need; None where the store did not say
    union_default_graph: bool | None = True

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def safe_url(url: str) -> str:
    """The URL without user and password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def check_url(url: str, option: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PushError(f"{option} must be an http(s) URL, got {safe_url(url)!r}")
    if parts.username or parts.password:
        raise PushError(f"{option} contains credentials, which would show in process lists and logs;"
                        " set NIDA_PUSH_USER and NIDA_PUSH_PASSWORD or use ~/.netrc instead")
    return url


def default_query_endpoint(url: str) -> str:
    """Oxigraph serves the Graph Store at /store and SPARQL at /query: the sibling `query`."""
    return urljoin(url, "query")


def graphs_of(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Triple]]:
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in quads:
        if not isinstance(quad.graph_name, ox.NamedNode):
            raise PushError("the release has triples outside named graphs; push a release with nida.nq"
                            " or the data folder")
        graphs[quad.graph_name.value].append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return dict(sorted(graphs.items()))


def session_for(settings: Settings) -> requests.Session:
    session = requests.Session()
    retry = Retry(total=settings.push_retries, connect=settings.push_retries, read=settings.push_retries,
                  status=settings.push_retries, backoff_factor=settings.push_backoff,
                  status_forcelist=(500, 502, 503, 504),
                  allowed_methods=frozenset({"GET", "PUT", "POST", "DELETE"}),
                  raise_on_status=False, respect_retry_after_header=False)
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    if settings.push_user:
        session.auth = (settings.push_user, settings.push_password or "")
    return session  # without explicit credentials, requests reads ~/.netrc (or $NETRC)


class _Expired(Exception):
    """The overall deadline of one request passed (raised from the SIGALRM handler)."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise _Expired in the block once `seconds` have passed, wherever it waits: requests'
    timeout is per read, so a store that trickles a byte a second never reached it. A timer
    signal interrupts even a read in progress; it needs the main thread (nida's CLI), and
    elsewhere only the per-read timeout applies."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _send(session: requests.Session, method: str, url: str, settings: Settings, what: str,
          **kwargs: object) -> requests.Response:
    """One request, answered in full within NIDA_PUSH_TIMEOUT (retries included), never
    redirected: requests would follow a 302 to a PUT with a GET, and report the upload done."""
    shown = safe_url(url)
    after = f" (after {settings.push_retries} retries)" if settings.push_retries else ""
    try:
        with deadline(settings.push_timeout):
            response = session.request(method, url, timeout=settings.push_timeout,
                                       allow_redirects=False, **kwargs)  # type: ignore[arg-type]
    except _Expired:
        raise PushError(f"{shown}: no complete answer within {settings.push_timeout:g} s while {what}"
                        " (NIDA_PUSH_TIMEOUT)") from None
    except requests.exceptions.ConnectionError as exc:
        reason = "connection refused" if "refused" in str(exc).lower() else "cannot connect"
        raise PushError(f"{shown}: {reason}{after}; is the store running at this address?") from None
    except requests.exceptions.Timeout:
        raise PushError(f"{shown}: no answer within {settings.push_timeout:g} s{after}") from None
    except requests.exceptions.RequestException as exc:
        raise PushError(f"{shown}: {type(exc).__name__}{after}") from None
    if response.status_code in (401, 403):
        raise PushError(f"{shown}: {response.status_code} {response.reason} while {what}: the store refused"
                        " the credentials; set NIDA_PUSH_USER and NIDA_PUSH_PASSWORD or add the host to"
                        " ~/.netrc")
    if response.status_code >= 500:
        raise PushError(f"{shown}: the store answered {response.status_code} {response.reason} while {what}"
                        f"{after}")
    if 300 <= response.status_code < 400:
        target = response.headers.get("Location", "nowhere")
        raise PushError(f"{shown}: the store answered {response.status_code} {response.reason} while {what},"
                        f" redirecting to {target}; nida does not follow redirects: give the store's own URL")
    if response.status_code >= 300:
        detail = " ".join(response.text.split())[:200]
        raise PushError(f"{shown}: the store answered {response.status_code} {response.reason} while {what}:"
                        f" {detail}")
    return response


def stored_counts(session: requests.Session, endpoint: str, settings: Settings) -> dict[str, int]:
    response = _send(session, "POST", endpoint, settings, "counting triples per graph",
                     data={"query": COUNT_QUERY}, headers={"Accept": "application/sparql-results+json"})
    try:
        bindings = response.json()["results"]["bindings"]
        return {b["g"]["value"]: int(b["n"]["value"]) for b in bindings}
    except (ValueError, KeyError, TypeError):
        raise PushError(f"{safe_url(endpoint)}: not a SPARQL query endpoint (no JSON results);"
                        " give the right one with --query-endpoint") from None


def canonical(triples: Iterable[ox.Triple]) -> str:
    """SHA-256 of sorted, unique N-Triples: the release has no blank nodes, so equal digests
    mean equal graphs."""
    text = (ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    return hashlib.sha256(sorted_lines(text)).hexdigest()


def stored_graph(session: requests.Session, url: str, graph: str, settings: Settings) -> str:
    """`canonical` of what the store holds in `graph` (Graph Store GET)."""
    response = _send(session, "GET", url, settings, f"reading back graph <{graph}>", params={"graph": graph},
                     headers={"Accept": "application/n-triples"})
    try:
        triples = [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)]
    except SyntaxError:
        raise PushError(f"{safe_url(url)}: graph <{graph}> did not come back as N-Triples") from None
    return canonical(triples)


#: a query without GRAPH that the pushed release answers true where the default graph is the union
DEFAULT_GRAPH_PROBE = "ASK { ?statement a <https://w3id.org/nida/ontology#Statement> }"


def default_graph_sees(session: requests.Session, endpoint: str, settings: Settings) -> bool | None:
    """Whether the store's default graph holds the statements (Oxigraph `--union-default-graph`,
    Fuseki `tdb2:unionDefaultGraph true`); a stock store's default graph is empty. None where
    the store gives no answer to the question: the push itself is verified, this is advice."""
    try:
        response = _send(session, "POST", endpoint, settings, "asking whether the default graph holds"
                         " the release", data={"query": DEFAULT_GRAPH_PROBE},
                         headers={"Accept": "application/sparql-results+json"})
        answer = response.json()["boolean"]
    except (PushError, ValueError, KeyError, TypeError):
        return None
    return answer if isinstance(answer, bool) else None


def push(quads: Iterable[ox.Quad], url: str, settings: Settings, query_endpoint: str | None = None) -> Pushed:
    """PUT every named graph, read each back and compare it with what was sent, triple for
    triple (a store that answers 2xx and drops the data is caught); PushError otherwise."""
    check_url(url, "URL")
    endpoint = check_url(query_endpoint or default_query_endpoint(url), "--query-endpoint")
    graphs = graphs_of(quads)
    if not graphs:
        raise PushError("nothing to push: the release is empty")
    with session_for(settings) as session:
        for graph, triples in graphs.items():
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            _send(session, "PUT", url, settings, f"uploading graph <{graph}>", params={"graph": graph},
                  data=body, headers={"Content-Type": "application/n-triples"})
        counts = stored_counts(session, endpoint, settings)
        # the store ends with exactly the release's graphs: nida's graphs it no longer has go
        removed = tuple(g for g in sorted(counts) if g.startswith(GRAPH_BASE) and g not in graphs)
        for graph in removed:
            _send(session, "DELETE", url, settings, f"removing graph <{graph}>, no longer in the release",
                  params={"graph": graph})
            del counts[graph]
        wrong = [f"<{g}> holds {counts.get(g, 0)} triples, not the {len(t)} sent" for g, t in graphs.items()
                 if counts.get(g, 0) != len(t)]
        wrong += [f"<{g}> holds other triples than were sent" for g, t in graphs.items()
                  if counts.get(g, 0) == len(t) and stored_graph(session, url, g, settings) != canonical(t)]
        has_statements = any(g.startswith(GRAPH_BASE + "statement/") for g in graphs)
        union = not has_statements or default_graph_sees(session, endpoint, settings)
    if wrong:
        raise PushError(f"verification failed: {len(wrong)} graph(s) differ in the store: "
                        + "; ".join(wrong[:3]))
    return Pushed(safe_url(url), safe_url(endpoint), {g: len(t) for g, t in graphs.items()}, removed, union)
