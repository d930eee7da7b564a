"""`nida verify` and `nida diff`: a published release checked, or two compared."""

from __future__ import annotations

import json
from pathlib import Path

import click

from publisher.commands.common import PathArg
from publisher.release.diff import diff as diff_releases
from publisher.release.diff import render_text as render_diff
from publisher.release.verify import verify as verify_release


@click.command()
@click.argument("dist", type=PathArg)
@click.option("--no-shapes", is_flag=True, help="Skip validating the release against the shapes it carries.")
def verify(dist: Path, no_shapes: bool) -> None:
    """Check a release: SHA256SUMS, every dump re-parsed, counts against void.ttl, and the
    release against its own shapes.

    Exit 0 intact, 1 differences (one line each), 2 not a release folder."""
    problems = verify_release(dist, shapes=not no_shapes)
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"nida: {len(problems)} difference(s) in {dist}", err=True)
        raise SystemExit(1)
    click.echo(f"{dist}: ok")


@click.command()
@click.argument("old", type=PathArg)
@click.argument("new", type=PathArg)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--summary", is_flag=True, help="Counts only, without the triples.")
def diff(old: Path, new: Path, fmt: str, summary: bool) -> None:
    """What changed from release OLD to release NEW, per named graph and per statement."""
    changes = diff_releases(old, new)
    if fmt == "json":
        click.echo(json.dumps(changes.as_json(), indent=2, sort_keys=True, ensure_ascii=False))
    else:
        click.echo(render_diff(changes, triples=not summary), nl=False)
