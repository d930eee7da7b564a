"""`nida ingest`: a statement's text (plain, or a PDF, DOCX or HTML page) made a draft to review,
or a plain text made a language version of a statement (`--translation-of`)."""

from __future__ import annotations

from pathlib import Path

import click

from publisher.commands.common import PathArg
from publisher.errors import InputError
from publisher.ingest import ingest as run_ingest
from publisher.ingest.summary import render_summary, render_translation_summary
from publisher.ingest.translation import ingest_translation
from publisher.settings import load_settings


@click.command()
@click.argument("file", type=PathArg)
@click.option("--slug", help="Folder and IRI name of the statement (default: from its title).")
@click.option("--publisher", help="Publishing organization: slug, name or acronym"
              " (default: the ABOUT block).")
@click.option("--translation-of", "translation_of", metavar="SLUG",
              help="Add the text (UTF-8) as a language version of the statement SLUG, aligned to it"
              " by position.")
@click.option("--language",
              help="With --translation-of: the version's language tag (default: from its script).")
@click.option("--force", is_flag=True, help="Overwrite an existing statement (or version) of that slug, or"
              " ingest a statement whose text is already in data/.")
def ingest(file: Path, slug: str | None, publisher: str | None, translation_of: str | None,
           language: str | None, force: bool) -> None:
    """Turn a statement (UTF-8 text, PDF, DOCX or HTML) into a draft data/statements/<slug>/ to
    review; a document is kept beside it as original.<ext>. With --translation-of, add a text as
    a language version of a statement."""
    settings = load_settings()
    if translation_of is None:
        if language is not None:
            raise InputError("--language goes with --translation-of")
        result = run_ingest(settings, file, slug=slug, publisher=publisher, force=force)
        for warning in result.warnings:
            click.echo(f"warning: {warning}", err=True)
        click.echo(render_summary(result, settings.root), nl=False)
        return
    if slug is not None or publisher is not None:
        raise InputError("--slug and --publisher are the statement's: a version takes --translation-of")
    version = ingest_translation(settings, file, translation_of, language=language, force=force)
    click.echo(render_translation_summary(version, settings.root), nl=False)
