"""The `nida` command: thin click commands over the core; errors become exit codes here only."""

from __future__ import annotations

import contextlib
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import click

from publisher import __version__
from publisher.errors import NidaError, NotConforming
from publisher.inputs import remote_references
from publisher.load import Dataset, consistent_inputs, load_dataset
from publisher.progress import Progress, render_bar
from publisher.release import publish as publish_release
from publisher.report import RENDERERS, render_text, summary
from publisher.settings import load_settings
from publisher.validate import ENGINES
from publisher.validate import validate as run_validation

PathArg = click.Path(path_type=Path)


class NidaGroup(click.Group):
    """Maps nida's typed errors to one line on stderr and their exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NotConforming as exc:
            click.echo(render_text(exc.report), err=True, nl=False)  # type: ignore[arg-type]
            click.echo(f"nida: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except NidaError as exc:
            click.echo(f"nida: error: {exc}", err=True)
            ctx.exit(exc.exit_code)


def warn_remote_references(dataset: Dataset, root: Path) -> None:
    """owl:imports / sh:shapesGraph IRIs are never fetched: say so, one line each (stderr)."""
    files = [*dataset.data_files, *dataset.ontology_files, *dataset.shape_files]
    for line in remote_references((dataset.references, dataset.ontology, dataset.shapes), files, root):
        click.echo(f"nida: {line}", err=True)


class TerminalBar:
    """Draws progress on a terminal: one line per phase, redrawn in place, ended when done."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started: float | None = None

    def __call__(self, label: str, done: int, total: int) -> None:
        now = time.monotonic()
        if self.started is None:
            self.started = now
        self.stream.write(f"\r{render_bar(label, done, total, now - self.started)}\x1b[K")
        if done >= total:
            self.close()
        self.stream.flush()

    def close(self) -> None:
        """End an unfinished line, so that what follows (an error) starts on its own."""
        if self.started is not None:
            self.stream.write("\n")
            self.started = None


@contextlib.contextmanager
def progress_bar(quiet: bool) -> Iterator[Progress | None]:
    """A bar on stderr when it is a terminal and --quiet is not given; else no progress at all."""
    stream = sys.stderr
    if quiet or not stream.isatty():
        yield None
        return
    bar = TerminalBar(stream)
    try:
        yield bar
    finally:
        bar.close()
        stream.flush()


QUIET = click.option("--quiet", "-q", is_flag=True, help="No progress bar (there is one only on a terminal).")


@click.group(name="nida", cls=NidaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nida")
def cli() -> None:
    """Publish joint statements of civil-society organizations as Linked Open Data."""


@cli.command()
@click.argument("paths", nargs=-1, type=PathArg)
@click.option("--shapes", type=PathArg, help="Shapes file or folder (default: shapes/).")
@click.option("--ontology", type=PathArg, help="Ontology file or folder (default: ontology/).")
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="text",
              show_default=True, help="Report format; turtle is the SHACL report graph.")
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.option("--engine", type=click.Choice(ENGINES), default="fast", show_default=True,
              help="fast: each SPARQL rule once over the whole graph; pyshacl: plain pySHACL (same report).")
@click.option("--no-cache", is_flag=True, help="Revalidate every statement (ignore .nida-cache/).")
@QUIET
def validate(paths: tuple[Path, ...], shapes: Path | None, ontology: Path | None,
             fmt: str, strict: bool, engine: str, no_cache: bool, quiet: bool) -> None:
    """Check data (default: data/) against the shapes. Exit 0 conforms, 1 does not, 2 input error."""
    settings = load_settings()
    dataset = load_dataset(settings, paths, shapes=shapes, ontology=ontology, lazy=True)
    warn_remote_references(dataset, settings.root)
    with progress_bar(quiet) as progress:
        report = run_validation(dataset, engine=engine, cache_dir=None if no_cache else settings.cache_dir,
                                progress=progress)
    click.echo(RENDERERS[fmt](report, strict), nl=False)
    if not report.conforms(strict):
        raise SystemExit(1)


@cli.command()
@click.option("--out", type=PathArg, default=None, help="Release folder (default: dist/).")
@click.option("--strict", is_flag=True, help="Refuse to publish when there are warnings.")
@click.option("--package", is_flag=True,
              help="Also write an RO-Crate into the release and a BagIt bag of it (<out>-bag).")
@QUIET
def publish(out: Path | None, strict: bool, package: bool, quiet: bool) -> None:
    """Validate, then write the release; nothing is written if the data does not conform."""
    settings = load_settings()
    with consistent_inputs(settings.root):
        dataset = load_dataset(settings, lazy=True)  # a statement whose files are unchanged is not parsed
        warn_remote_references(dataset, settings.root)
        with progress_bar(quiet) as progress:
            result = publish_release(dataset, settings, out or settings.out_dir, strict=strict,
                                     package=package, progress=progress)
    for line in render_text(result.report).splitlines()[:-1]:
        click.echo(line, err=True)
    click.echo(f"validation: {summary(result.report, strict)}")
    click.echo(f"wrote {len(result.files)} files, {result.triples} triples, to {result.out}")


@cli.command()
@click.argument("file", type=PathArg)
@click.option("--slug", help="Folder and IRI name of the statement (default: from its title).")
@click.option("--publisher", help="Publishing organization: slug, name or acronym"
              " (default: the ABOUT block).")
@click.option("--force", is_flag=True, help="Overwrite an existing statement of that slug.")
def ingest(file: Path, slug: str | None, publisher: str | None, force: bool) -> None:
    """Turn a statement's plain text into a draft data/statements/<slug>/ to review."""
    from publisher.ingest import ingest as run_ingest
    from publisher.ingest.summary import render_summary

    result = run_ingest(load_settings(), file, slug=slug, publisher=publisher, force=force)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(render_summary(result, load_settings().root), nl=False)


@cli.command()
@click.argument("dist", type=PathArg)
@click.option("--no-shapes", is_flag=True, help="Skip validating the release against the shapes it carries.")
def verify(dist: Path, no_shapes: bool) -> None:
    """Check a release: SHA256SUMS, every dump re-parsed, counts against void.ttl, and the
    release against its own shapes.

    Exit 0 intact, 1 differences (one line each), 2 not a release folder."""
    from publisher.verify import verify as verify_release

    problems = verify_release(dist, shapes=not no_shapes)
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"nida: {len(problems)} difference(s) in {dist}", err=True)
        raise SystemExit(1)
    click.echo(f"{dist}: ok")


@cli.command()
@click.argument("old", type=PathArg)
@click.argument("new", type=PathArg)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--summary", is_flag=True, help="Counts only, without the triples.")
def diff(old: Path, new: Path, fmt: str, summary: bool) -> None:
    """What changed from release OLD to release NEW, per named graph and per statement."""
    import json

    from publisher.diff import diff as diff_releases
    from publisher.diff import render_text as render_diff

    changes = diff_releases(old, new)
    if fmt == "json":
        click.echo(json.dumps(changes.as_json(), indent=2, sort_keys=True, ensure_ascii=False))
    else:
        click.echo(render_diff(changes, triples=not summary), nl=False)


@cli.command()
@click.argument("query", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True, help="Output format (graphs: Turtle, N-Triples, JSON-LD).")
@click.option("--data", type=PathArg, default=None,
              help="Release folder or data folder (default: dist/ if published, else data/).")
@click.option("--list", "list_", is_flag=True, help="List the example queries in queries/.")
def query(query: str | None, fmt: str, data: Path | None, list_: bool) -> None:
    """Run a SPARQL query (text, .rq file, or example name) over the release or the data."""
    from publisher import query as q

    settings = load_settings()
    if list_:
        for named in q.named_queries(settings.queries_dir).values():
            click.echo(f"{named.name}\n  {named.title}: {named.question}\n  answer: {named.shape}")
        return
    if not query:
        raise q.QueryError("give a query, a .rq file or an example name (see --list)")
    text = q.query_text(query, settings.queries_dir)
    click.echo(q.run_sandboxed(q.resolve_source(settings, data), text, settings.result_limit, fmt), nl=False)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (loopback).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--data", type=PathArg, default=None,
              help="Release folder or data folder (default: dist/ if published, else data/).")
def serve(host: str, port: int, data: Path | None) -> None:
    """Serve linked data at /id/... and a read-only SPARQL endpoint at /sparql."""
    from publisher.query import resolve_source
    from publisher.serve import App, make_server

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


@cli.command()
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
    from publisher.push import push as push_release
    from publisher.query import NQUADS_FILE, resolve_source, source_quads

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


def main() -> None:
    cli(prog_name="nida")
