"""`nida validate` and `nida publish`: the data checked against the shapes, then released."""

from __future__ import annotations

from pathlib import Path

import click

from publisher.commands.common import JOBS, QUIET, PathArg, progress_bar, warn_remote_references
from publisher.jobs import limited
from publisher.load.dataset import load_dataset
from publisher.load.files import consistent_inputs
from publisher.release import publish as publish_release
from publisher.settings import load_settings
from publisher.validation.engine import ENGINES
from publisher.validation.engine import validate as run_validation
from publisher.validation.render import RENDERERS, render_text, summary


@click.command()
@click.argument("paths", nargs=-1, type=PathArg)
@click.option("--shapes", type=PathArg, help="Shapes file or folder (default: shapes/).")
@click.option("--ontology", type=PathArg, help="Ontology file or folder (default: ontology/).")
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="text",
              show_default=True, help="Report format; turtle is the SHACL report graph.")
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.option("--engine", type=click.Choice(ENGINES), default="fast", show_default=True,
              help="fast: each SPARQL rule once over the whole graph; pyshacl: plain pySHACL (same report).")
@click.option("--no-cache", is_flag=True, help="Revalidate every statement (ignore .nida-cache/).")
@JOBS
@QUIET
def validate(paths: tuple[Path, ...], shapes: Path | None, ontology: Path | None,
             fmt: str, strict: bool, engine: str, no_cache: bool, jobs: int | None, quiet: bool) -> None:
    """Check data (default: data/) against the shapes. Exit 0 conforms, 1 does not, 2 input error."""
    settings = load_settings(jobs=jobs)
    dataset = load_dataset(settings, paths, shapes=shapes, ontology=ontology, lazy=True, known=not no_cache)
    warn_remote_references(dataset, settings.root)
    with progress_bar(quiet) as progress, limited(settings.jobs):
        report = run_validation(dataset, engine=engine, cache_dir=None if no_cache else settings.cache_dir,
                                progress=progress)
    click.echo(RENDERERS[fmt](report, strict), nl=False)
    if not report.conforms(strict):
        raise SystemExit(1)


@click.command()
@click.option("--out", type=PathArg, default=None, help="Release folder (default: dist/).")
@click.option("--strict", is_flag=True, help="Refuse to publish when there are warnings.")
@click.option("--package", is_flag=True,
              help="Also write an RO-Crate into the release and a BagIt bag of it (<out>-bag).")
@JOBS
@QUIET
def publish(out: Path | None, strict: bool, package: bool, jobs: int | None, quiet: bool) -> None:
    """Validate, then write the release; nothing is written if the data does not conform."""
    settings = load_settings(jobs=jobs)
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
