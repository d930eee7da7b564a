"""`nida query`, `nida serve` and `nida push`: the release over SPARQL."""

from __future__ import annotations

import contextlib
import signal
from pathlib import Path

import click

from publisher.commands.common import PathArg
from publisher.errors import NidaError
from publisher.settings import load_settings
from publisher.sparql.named import named_queries, query_text
from publisher.sparql.push import push as push_release
from publisher.sparql.query import run_sandboxed
from publisher.sparql.screen import QueryError
from publisher.sparql.serve import App, make_server
from publisher.sparql.source import NQUADS_FILE, resolve_source, source_quads


@click.command()
@click.argument("query", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="Output format (graphs: Turtle, N-Triples, JSON-LD).")
@click.option("--data", type=PathArg, default=None,
              help="Release folder or data folder (default: dist/ if published, else data/).")
@click.option("--list", "list_", is_flag=True, help="List the example queries in queries/.")
def query(query: str | None, fmt: str, data: Path | None, list_: bool) -> None:
    """Run a SPARQL query (text, .rq file, or example name) over the release or the data."""
    settings = load_settings()
    if list_:
        for named in named_queries(settings.queries_dir).values():
            click.echo(f"{named.name}\n  {named.title}: {named.question}\n  answer: {named.shape}")
        return
    if not query:
        raise QueryError("give a query, a .rq file or an example name (see --list)")
    text = query_text(query, settings.queries_dir)
    click.echo(run_sandboxed(resolve_source(settings, data), text, settings.result_limit, fmt), nl=False)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (loopback).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--data", type=PathArg, default=None,
              help="Release folder or data folder (default: dist/ if published, else data/).")
def serve(host: str, port: int, data: Path | None) -> None:
    """Serve linked data at /id/... and a read-only SPARQL endpoint at /sparql."""
    settings = load_settings()
    source = resolve_source(settings, data)
    app = App(source, settings, on_reload=lambda message: click.echo(message, err=True))
    signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop also removes the snapshot
    try:
        server = make_server(app, host, port, settings)
        click.echo(f"nida: serving {source.describe()} at http://{host}:{server.effective_port}/"
                   f" (SPARQL at /sparql, resources at /id/...); Ctrl-C stops")
        if source.kind == "release":
            app.watch(settings.reload_interval)
        with contextlib.suppress(KeyboardInterrupt):
            server.run()
    finally:
        app.close()


@click.command()
@click.argument("url")
@click.option("--data", type=PathArg, default=None,
              help="Release folder with nida.nq, or data folder (default: dist/ if it has nida.nq,"
                   " else data/).")
@click.option("--query-endpoint", default=None,
              help="SPARQL query endpoint used to verify the upload (default: the sibling /query,"
                   " as Oxigraph has it).")
def push(url: str, data: Path | None, query_endpoint: str | None) -> None:
    """Upload the release to a SPARQL 1.1 Graph Store (one PUT per named graph), then verify.

    Credentials: NIDA_PUSH_USER / NIDA_PUSH_PASSWORD, or ~/.netrc. Exit 2 on any error."""
    settings = load_settings()
    if data is None:
        data = settings.out_dir if (settings.out_dir / NQUADS_FILE).is_file() else settings.data_dir
    source = resolve_source(settings, data)
    if source.kind == "release" and not (source.path / NQUADS_FILE).is_file():
        raise NidaError(f"{data}: this release has no {NQUADS_FILE} (named graphs); push the data folder"
                        " with --data data")
    result = push_release(source_quads(source), url, settings, query_endpoint)
    click.echo(f"pushed {len(result.graphs)} graphs, {result.triples} triples, to {result.url};"
               f" verified with {result.query_endpoint}")
    for graph in result.removed:
        click.echo(f"removed graph <{graph}> (no longer in the release)")
    if result.union_default_graph is False:
        click.echo("nida: note: queries without GRAPH see nothing in this store: its default graph is not"
                   " the union of the named graphs, and the example queries need it; start Oxigraph with"
                   " --union-default-graph, or set tdb2:unionDefaultGraph true on a Fuseki dataset (README:"
                   " \"Pushing to a triple store\")", err=True)
