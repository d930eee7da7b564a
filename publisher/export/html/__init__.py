"""The HTML site: one page per statement, organization, actor, concept and ontology term.

Every page is rendered from the release triples with Jinja2 (autoescaped), embeds the
JSON-LD of the triples it describes (compacted by pyld with the local context, never a
remote one), shows labels instead of IRIs and links to other pages with relative links,
so the folder works from file:// as well as from a web server.

The modules, bottom up: `paths` (where a resource's page lives), `site` (the lookups pages
make of the release triples), `pages` (what each page shows), `render` (Jinja2 and the
embedded JSON-LD), `build` (pages keyed, copied from the build cache or rendered),
`rows`/`store`/`stored` (the site index in the build cache), `update` (a re-publish that
builds only what a change reaches), `exporter` (the exporter that picks between the two).
"""

from publisher.export.html.exporter import HtmlExporter
from publisher.export.html.paths import HTML_FOLDER, page_link, page_path, relative_href

__all__ = ["HTML_FOLDER", "HtmlExporter", "page_link", "page_path", "relative_href"]
