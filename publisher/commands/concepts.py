"""`nida concepts`: the concept schemes, or one scheme's concepts, to choose from when reviewing."""

from __future__ import annotations

import click

from publisher.concepts import concept_schemes, find_scheme, render_scheme, render_schemes
from publisher.settings import load_settings


@click.command()
@click.argument("scheme", required=False)
def concepts(scheme: str | None) -> None:
    """List the SKOS concept schemes, or the concepts of SCHEME (e.g. demand-type): key,
    prefLabel and definition."""
    schemes = concept_schemes(load_settings())
    click.echo(render_scheme(find_scheme(schemes, scheme)) if scheme else render_schemes(schemes), nl=False)
