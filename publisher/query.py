"""SPARQL over the release (or the data folder) with an embedded pyoxigraph store.

`open_store` loads a release folder (`nida.nq` with its named graphs where the release
has it, else `nida.nt`) or builds the release quads of a data folder in memory.
`check_query` refuses what a read-only endpoint must not run (UPDATE, LOAD; SERVICE cannot
run at all in the sandboxed processes that evaluate queries), `run_query` answers with at
most `limit` rows, and `QueryPool` runs queries in
worker processes with a deadline, so a runaway query is stopped while others go on.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import queue
import re
import threading
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from publisher.errors import NidaError
from publisher.sandbox import deny_network, network_denied
from publisher.settings import MAX_QUERY_NESTING, PREFIXES, Settings

NQUADS_FILE = "nida.nq"
NTRIPLES_FILE = "nida.nt"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


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


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    """What to query: a release folder (`kind="release"`) or a project's data (`"data"`)."""

    kind: str
    path: Path
    settings: Settings = field(repr=False)

    def describe(self) -> str:
        if self.kind == "release":
            return f"the release in {self.path}"
        return f"the data in {self.path} (release built in memory)"


def resolve_source(settings: Settings, data: Path | None = None) -> Source:
    """`--data` names a release folder (it has nida.nt or nida.nq) or a data folder;
    without it: the release in dist/ if there is one, else data/."""
    candidates = [data] if data is not None else [settings.out_dir, settings.data_dir]
    for path in candidates:
        if (path / NQUADS_FILE).is_file() or (path / NTRIPLES_FILE).is_file():
            return Source("release", path, settings)
        if path.is_dir() and data is not None:
            root = path.resolve().parent
            return Source("data", path, replace(settings, root=root))
    if data is None and settings.data_dir.is_dir():
        return Source("data", settings.data_dir, settings)
    raise QueryError(f"{candidates[0]}: no release (nida.nt/nida.nq) or data folder here; run `nida publish`"
                     " or give --data")


def source_quads(source: Source) -> list[ox.Quad]:
    """Every quad of the source: a release's N-Quads (or N-Triples, default graph), or the
    data folder's release quads built in memory."""
    if source.kind == "release":
        nq, nt = source.path / NQUADS_FILE, source.path / NTRIPLES_FILE
        try:
            if nq.is_file():
                return list(ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS))
            return list(ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES))
        except (OSError, SyntaxError) as exc:
            raise QueryError(f"{source.path}: cannot read the release: {exc}") from None
    from publisher.graph import release_quads
    from publisher.load import load_dataset

    dataset = load_dataset(source.settings, [source.path])
    return release_quads(dataset)


def open_store(source: Source) -> ox.Store:
    store = ox.Store()
    store.bulk_extend(source_quads(source))
    return store


# --------------------------------------------------------------------------- checking


def _syntax_message(exc: Exception) -> str:
    return " ".join(str(exc).split())


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_WORD = re.compile(r"[A-Za-z]+")
_EOL = re.compile(r"[\n\r]")
UPDATE_KEYWORDS = frozenset(("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                             "WITH"))
SERVICE_REFUSED = "SERVICE (federated query to another endpoint) is refused"
UPDATE_REFUSED = "read-only endpoint: SPARQL UPDATE (INSERT, DELETE, LOAD, CLEAR, ...) is refused"


def _unescaped(text: str) -> str:
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
    plain = _unescaped(text)
    if nesting_depth(plain) > MAX_QUERY_NESTING:
        raise QueryError(f"brackets nested more than {MAX_QUERY_NESTING} deep; simplify the query")
    if first_keyword(plain) in UPDATE_KEYWORDS:
        raise QueryRefused(UPDATE_REFUSED)
    if not (network_denied() if sandboxed is None else sandboxed) and _spells_service(plain):
        raise QueryRefused(SERVICE_REFUSED)


def _spells_service(plain: str) -> bool:
    """The word appears anywhere (escapes decoded): only a message or a fallback rests on it."""
    return "SERVICE" in plain.upper()


def _failure(exc: Exception, text: str) -> QueryError:
    """An error from evaluation. In the sandbox an I/O error of the in-memory store can only be
    a SERVICE clause that could not reach its endpoint (no socket, no name lookup): it is said
    so. The text is read only to choose the message; the sandbox did the refusing."""
    if network_denied() and isinstance(exc, OSError) and _spells_service(_unescaped(text)):
        return QueryRefused(SERVICE_REFUSED)
    return QueryError(f"query failed: {_syntax_message(exc)}")


# --------------------------------------------------------------------------- answers


@dataclass
class Answer:
    """A query's answer, bounded: SELECT rows, an ASK boolean, or CONSTRUCT/DESCRIBE triples."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)  # ox terms or None
    boolean: bool = False
    triples: list[ox.Triple] = field(default_factory=list)

    def __len__(self) -> int:
        if self.kind == "ask":
            return 1
        return len(self.rows) if self.kind == "select" else len(self.triples)


@dataclass(frozen=True)
class GraphSpec:
    """The RDF dataset of a query given by the protocol (default-graph-uri, named-graph-uri);
    empty: the default graph is the union of all graphs, every named graph is available."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    def options(self) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self.default:
            options["default_graph"] = [ox.NamedNode(g) for g in self.default]
        else:
            options["use_default_graph_as_union"] = True
        if self.named:
            options["named_graphs"] = [ox.NamedNode(g) for g in self.named]
        return options


def run_query(store: ox.Store, text: str, limit: int, graphs: GraphSpec | None = None) -> Answer:
    """Check and run a query; more than `limit` rows or triples is QueryTooLarge."""
    check_query(text)
    try:
        results = store.query(text, prefixes=PREFIXES, **(graphs or GraphSpec()).options())
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {_syntax_message(exc)}") from None
    except (OSError, ValueError) as exc:
        raise _failure(exc, text) from None
    try:
        if isinstance(results, ox.QueryBoolean):
            return Answer("ask", boolean=bool(results))
        if isinstance(results, ox.QuerySolutions):
            variables = [v.value for v in results.variables]
            rows: list[list[Any]] = []
            for solution in results:
                if len(rows) >= limit:
                    raise QueryTooLarge(f"more than {limit} result rows; add a LIMIT or narrow the query")
                rows.append([solution[v] for v in variables])
            return Answer("select", variables=variables, rows=rows)
        triples: list[ox.Triple] = []
        for triple in results:
            if len(triples) >= limit:
                raise QueryTooLarge(f"more than {limit} result triples; narrow the query")
            triples.append(triple)
        return Answer("graph", triples=triples)
    except (SyntaxError, OSError, ValueError) as exc:
        raise _failure(exc, text) from None


def _term_json(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    raise QueryError("RDF-star triples in results are not supported")


RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def sparql_json(answer: Answer) -> bytes:
    """The SPARQL 1.1 Query Results JSON of a SELECT or ASK answer."""
    if answer.kind == "ask":
        return json.dumps({"head": {}, "boolean": answer.boolean}).encode("utf-8")
    bindings = [{v: _term_json(t) for v, t in zip(answer.variables, row, strict=True) if t is not None}
                for row in answer.rows]
    document = {"head": {"vars": answer.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def serialize(answer: Answer, fmt: str) -> tuple[bytes, str]:
    """The answer in a result format (json, xml, csv, tsv) or, for graphs, an RDF format;
    pyoxigraph writes every format from the bounded JSON results."""
    if answer.kind == "graph":
        rdf_format = GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE)
        data = ox.serialize(answer.triples, format=rdf_format, prefixes=PREFIXES)
        return data or b"", rdf_format.media_type
    if fmt not in RESULT_FORMATS:
        raise QueryError(f"unknown result format {fmt!r}; use one of {', '.join(RESULT_FORMATS)}")
    results_format = RESULT_FORMATS[fmt]
    parsed = ox.parse_query_results(sparql_json(answer), format=ox.QueryResultsFormat.JSON)
    data = parsed.serialize(format=results_format)
    return data or b"", results_format.media_type


def _cell(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and re.fullmatch(r"[\w.-]*", term.value[len(namespace):]):
                return f"{prefix}:{term.value[len(namespace):]}"
        if term.value.startswith("https://w3id.org/nida/id/"):
            return "<" + term.value[len("https://w3id.org/nida/id/"):] + ">"
        return f"<{term.value}>"
    return str(term.value)


def render(answer: Answer, fmt: str) -> str:
    """Text for the terminal: an aligned table, or csv/tsv/json; graphs as Turtle."""
    if fmt == "table":
        if answer.kind == "ask":
            return ("true" if answer.boolean else "false") + "\n"
        if answer.kind == "graph":
            return serialize(answer, "turtle")[0].decode("utf-8")
        cells = [[_cell(t).replace("\n", "\\n") for t in row] for row in answer.rows]
        widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(answer.variables)]
        lines = ["  ".join(v.ljust(w) for v, w in zip(answer.variables, widths, strict=True)).rstrip(),
                 "  ".join("-" * w for w in widths)]
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
        lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
        return "\n".join(lines) + "\n"
    if answer.kind == "graph":
        fmt = {"json": "jsonld", "csv": "ntriples", "tsv": "ntriples"}.get(fmt, fmt)
    if fmt == "csv" and answer.kind == "select":  # CSV with plain values, one line per row
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(answer.variables)
        writer.writerows([["" if t is None else t.value for t in row] for row in answer.rows])
        return buffer.getvalue()
    text = serialize(answer, fmt)[0].decode("utf-8")
    return text if text.endswith("\n") or not text else text + "\n"


# --------------------------------------------------------------------------- named queries


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


# --------------------------------------------------------------------------- worker pool


def _answer_in_sandbox(source: Source, text: str, limit: int, fmt: str, conn: Connection) -> None:
    try:
        store = open_store(source)
        deny_network()
        conn.send(("ok", render(run_query(store, text, limit), fmt)))
    except NidaError as exc:
        conn.send(("error", exc))
    except Exception as exc:  # reported by the parent as one line
        conn.send(("error", QueryError(f"query failed: {_syntax_message(exc)}")))
    finally:
        conn.close()


def run_sandboxed(source: Source, text: str, limit: int, fmt: str) -> str:
    """`nida query`: the store is loaded and the query run in a forked process that cannot open
    a socket (publisher/sandbox.py); its rendered answer comes back. A crash of that process
    is one error line here, never this process's end."""
    check_query(text, sandboxed=True)  # the cheap refusals, before the store is loaded
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_answer_in_sandbox, args=(source, text, limit, fmt, sender))
    process.start()
    sender.close()
    try:
        status, payload = receiver.recv()
    except EOFError:
        status, payload = "died", None
    finally:
        receiver.close()
        process.join()
    if status == "ok":
        return str(payload)
    if isinstance(payload, NidaError):
        raise payload
    raise QueryError(f"the query process ended without an answer (exit code {process.exitcode});"
                     " simplify the query")


def _worker(source: Source, limit: int, conn: Connection) -> None:  # pragma: no cover - subprocess
    try:
        store = open_store(source)
    except NidaError as exc:
        conn.send(("error", 500, str(exc)))
        return
    conn.send(("ready", int(deny_network()), ""))  # from here on, this process has no network
    while True:
        try:
            text, result_fmt, graph_fmt, graphs = conn.recv()
        except EOFError:
            return
        try:
            answer = run_query(store, text, limit, graphs)
            fmt = graph_fmt if answer.kind == "graph" else result_fmt
            if fmt is None:
                raise NotAcceptable("no acceptable media type for this kind of answer"
                                    f" ({'RDF graph' if answer.kind == 'graph' else 'SPARQL results'})")
            data, media_type = serialize(answer, fmt)
            conn.send(("ok", data, media_type))
        except QueryError as exc:
            conn.send(("error", exc.status, str(exc)))
        except Exception as exc:  # a worker never dies of one query
            conn.send(("error", 500, f"query failed: {_syntax_message(exc)}"))


class _Worker:
    def __init__(self, source: Source, limit: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(source, limit, child), daemon=True)
        self.process.start()
        child.close()
        self.ready = self.sandboxed = False

    def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(timeout):
            raise QueryError("the query worker did not start in time")
        try:
            status, code, message = self.conn.recv()
        except (EOFError, OSError):
            raise QueryError("the query worker failed to start; run `nida query` to see why") from None
        if status != "ready":
            raise QueryError(message)
        self.ready, self.sandboxed = True, bool(code)

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """Worker processes, each with its own copy of the store; a query past its deadline is
    stopped by killing its worker, which is replaced, while the other workers go on."""

    def __init__(self, source: Source, workers: int, timeout: float, limit: int,
                 start_timeout: float = 120.0, waiting: int = 16, wait: float | None = None) -> None:
        self.source, self.timeout, self.limit, self.start_timeout = source, timeout, limit, start_timeout
        self.wait = timeout if wait is None else wait  # the longest a query waits for a worker
        #: queries admitted at once: one per worker, and `waiting` more queued for one
        self.capacity = max(1, workers) + max(0, waiting)
        self.admitted = threading.BoundedSemaphore(self.capacity)
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.lock = threading.Lock()
        self.workers = [_Worker(source, limit) for _ in range(max(1, workers))]
        for worker in self.workers:
            worker.wait_ready(start_timeout)
            self.idle.put(worker)
        #: the workers cannot open sockets: SERVICE fails there by construction, and is not screened
        self.sandboxed = all(worker.sandboxed for worker in self.workers)

    def run(self, text: str, result_fmt: str | None, graph_fmt: str | None,
            graphs: GraphSpec | None = None) -> tuple[bytes, str]:
        """The serialized answer (results in `result_fmt`, graphs in `graph_fmt`; None: not
        acceptable) and its media type; QueryError (with .status) otherwise."""
        check_query(text, sandboxed=self.sandboxed)
        if not self.admitted.acquire(blocking=False):
            waiting = self.capacity - len(self.workers)
            raise QueryBusy(f"all {len(self.workers)} query workers are busy and {waiting} queries wait"
                            " already; try again shortly")
        try:
            return self._run_admitted(text, result_fmt, graph_fmt, graphs)
        finally:
            self.admitted.release()

    def _run_admitted(self, text: str, result_fmt: str | None, graph_fmt: str | None,
                      graphs: GraphSpec | None) -> tuple[bytes, str]:
        try:
            worker = self.idle.get(timeout=self.wait)
        except queue.Empty:
            raise QueryBusy(f"all {len(self.workers)} query workers are busy (waited {self.wait:g} s"
                            " for one); try again shortly") from None
        try:
            worker.conn.send((text, result_fmt, graph_fmt, graphs))
            finished = worker.conn.poll(self.timeout)
            reply = worker.conn.recv() if finished else None
        except (EOFError, OSError):
            self._replace(worker)
            raise QueryError("the query worker failed; try again") from None
        if reply is None:
            self._replace(worker)
            raise QueryTimeout(f"query stopped after the time limit of {self.timeout:g} s; narrow it"
                               " or add a LIMIT")
        self.idle.put(worker)
        status, payload, detail = reply
        if status == "ok":
            return payload, detail
        error = {403: QueryRefused, 406: NotAcceptable, 413: QueryTooLarge}.get(payload, QueryError)(detail)
        error.status = payload
        raise error

    def _replace(self, dead: _Worker) -> None:
        """Stop a worker now; its replacement starts in the background and joins the idle
        queue when its store is loaded, so the caller answers at once."""
        dead.stop()

        def start() -> None:
            try:
                fresh = _Worker(self.source, self.limit)
                fresh.wait_ready(self.start_timeout)
            except (QueryError, OSError):
                return
            with self.lock:
                self.workers = [fresh if w is dead else w for w in self.workers]
            self.idle.put(fresh)

        threading.Thread(target=start, name="nida-query-worker-start", daemon=True).start()

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
