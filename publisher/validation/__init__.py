"""Validation: the SHACL shapes over a dataset, as a Report with files and lines.

Bottom up: `report` (Result, Report), `render` (text, JSON, Turtle), `parts` (the triples
validation reads), `constraints` and `prefilter` (core shapes decided without pySHACL where
they provably hold), `fast` (whole-graph pySHACL on an Oxigraph store, SPARQL rules on
pyoxigraph), `shards` and `resultcache` (statements validated in groups, results cached),
`incremental` (the cached, sharded run), `engine` (one `validate()` that picks among them).
"""

from publisher.validation.engine import ENGINES, validate
from publisher.validation.report import SH, Report, Result

__all__ = ["ENGINES", "SH", "Report", "Result", "validate"]
