"""SPARQL over the release (or the data folder) with an embedded pyoxigraph store.

`open_store` loads a release folder (`nida.nq` with its named graphs where the release
has it, else `nida.nt`) or builds the release quads of a data folder in memory.
`check_query` refuses what a read-only endpoint must not run (UPDATE, LOAD; SERVICE cannot
run at all in the sandboxed processes that evaluate queries), `run_query` answers with at
most `limit` rows, and `QueryPool` runs queries in
worker processes with a deadline, so a runaway query is stopped while others go on.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
from multiprocessing.connection import Connection

from publisher.errors import NidaError
from publisher.sandbox import deny_network
from publisher.sparql.results import GraphSpec, render, run_query, serialize, syntax_message
from publisher.sparql.screen import (
    NotAcceptable,
    QueryBusy,
    QueryError,
    QueryRefused,
    QueryTimeout,
    QueryTooLarge,
    check_query,
)
from publisher.sparql.source import Source, open_store


def _answer_in_sandbox(source: Source, text: str, limit: int, fmt: str, conn: Connection) -> None:
    try:
        store = open_store(source)
        deny_network()
        conn.send(("ok", render(run_query(store, text, limit), fmt)))
    except NidaError as exc:
        conn.send(("error", exc))
    except Exception as exc:  # reported by the parent as one line
        conn.send(("error", QueryError(f"query failed: {syntax_message(exc)}")))
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
            conn.send(("error", 500, f"query failed: {syntax_message(exc)}"))


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
