"""`nida ingest`: a statement's plain text made a draft to review."""

from __future__ import annotations

from pathlib import Path

import click

from publisher.commands.common import PathArg
from publisher.ingest import ingest as run_ingest
from publisher.ingest.summary import render_summary
from publisher.settings import load_settings


@click.command()
@click.argument("file", type=PathArg)
@click.option("--slug", help="Folder and IRI name of the statement (default: from its title).")
@click.option("--publisher", help="Publishing organization: slug, name or acronym"
              " (default: the ABOUT block).")
@click.option("--force", is_flag=True, help="Overwrite an existing statement of that slug.")
def ingest(file: Path, slug: str | None, publisher: str | None, force: bool) -> None:
    """Turn a statement's plain text into a draft data/statements/<slug>/ to review."""
    result = run_ingest(load_settings(), file, slug=slug, publisher=publisher, force=force)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(render_summary(result, load_settings().root), nl=False)
