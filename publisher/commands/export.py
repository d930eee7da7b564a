"""`nida export`: extra outputs made on request, not part of every release."""

from __future__ import annotations

from pathlib import Path

import click

from publisher.commands.common import PathArg
from publisher.export.wikidata import quickstatements, statement_items
from publisher.load.dataset import load_dataset
from publisher.settings import load_settings
from publisher.staging import write_text_file


@click.group()
def export() -> None:
    """Extra outputs made on request (see each command)."""


@export.command()
@click.option("--out", type=PathArg, default=None, help="File to write (default: standard output).")
def wikidata(out: Path | None) -> None:
    """QuickStatements for Wikidata: signatories (P1891) and addressees (P1817) of each statement
    that carry a Wikidata QID, each citing the statement's IRI. Review, then paste into
    QuickStatements; nothing is sent."""
    settings = load_settings()
    commands = quickstatements(statement_items(load_dataset(settings)))
    if out is None:
        click.echo(commands, nl=False)
        return
    write_text_file(out, commands)
    click.echo(f"wrote {commands.count(chr(10))} QuickStatements commands to {out}", err=True)
