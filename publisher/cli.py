"""The `nida` command: thin click commands over the core; errors become exit codes here only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from publisher import __version__
from publisher.errors import NidaError, NotConforming
from publisher.load import load_dataset
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
def validate(paths: tuple[Path, ...], shapes: Path | None, ontology: Path | None,
             fmt: str, strict: bool, engine: str, no_cache: bool) -> None:
    """Check data (default: data/) against the shapes. Exit 0 conforms, 1 does not, 2 input error."""
    settings = load_settings()
    dataset = load_dataset(settings, paths, shapes=shapes, ontology=ontology)
    report = run_validation(dataset, engine=engine, cache_dir=None if no_cache else settings.cache_dir)
    click.echo(RENDERERS[fmt](report, strict), nl=False)
    if not report.conforms(strict):
        raise SystemExit(1)


@cli.command()
@click.option("--out", type=PathArg, default=None, help="Release folder (default: dist/).")
@click.option("--strict", is_flag=True, help="Refuse to publish when there are warnings.")
def publish(out: Path | None, strict: bool) -> None:
    """Validate, then write the release; nothing is written if the data does not conform."""
    settings = load_settings()
    dataset = load_dataset(settings)
    result = publish_release(dataset, settings, out or settings.out_dir, strict=strict)
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


def main() -> None:
    cli(prog_name="nida")
