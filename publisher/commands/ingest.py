"""`nida ingest`: a statement's text (plain, or a PDF, DOCX or HTML page) made a draft to review."""

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
@click.option("--force", is_flag=True, help="Overwrite an existing statement of that slug, or ingest a"
              " statement whose text is already in data/.")
def ingest(file: Path, slug: str | None, publisher: str | None, force: bool) -> None:
    """Turn a statement (UTF-8 text, PDF, DOCX or HTML) into a draft data/statements/<slug>/ to
    review; a document is kept beside it as original.<ext>."""
    result = run_ingest(load_settings(), file, slug=slug, publisher=publisher, force=force)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(render_summary(result, load_settings().root), nl=False)
