"""Load: the project's files (data, ontology, shapes) read into one `Dataset`.

`files` reads bytes, `checks` refuses what the parser would let through, `parse` parses one
file, `dataset` assembles the release's named graphs, `units` splits them for caching.
"""

from publisher.load.dataset import (
    GRAPH_BASE,
    ONTOLOGY_GRAPH,
    SOURCE_FILE,
    STATEMENT_FILE,
    Dataset,
    Location,
    graph_name,
    load_dataset,
)
from publisher.load.files import consistent_inputs, display_path, read_bytes, read_text
from publisher.load.parse import load_graph, parse_file, parse_rdf, to_graph, to_rdflib

__all__ = [
    "GRAPH_BASE",
    "ONTOLOGY_GRAPH",
    "SOURCE_FILE",
    "STATEMENT_FILE",
    "Dataset",
    "Location",
    "consistent_inputs",
    "display_path",
    "graph_name",
    "load_dataset",
    "load_graph",
    "parse_file",
    "parse_rdf",
    "read_bytes",
    "read_text",
    "to_graph",
    "to_rdflib",
]
