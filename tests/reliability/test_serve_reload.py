"""`nida serve` serves one release, whole, and follows a re-publish (issue 15, item 8).

Before, /id/ and /sparql answered from the release loaded at start while /html/ read the new
files: after a re-publish the routes disagreed. Now every route reads one snapshot of the
release, and a re-publish into the served folder switches all of them at once.
"""

from __future__ import annotations

import time
from pathlib import Path

import requests

from tests.conftest import copy_project, edit, run
from tests.sparql.test_serve import start_server, stop_server

SYRIA = "/id/place/syria"
LABEL_QUERY = ('SELECT ?l WHERE { <https://w3id.org/nida/id/place/syria> '
               '<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }')


def views(url: str) -> tuple[str, str, str]:
    """What /id/ (Turtle), /sparql and the /html/ page say the place is called."""
    turtle = requests.get(url + SYRIA, headers={"Accept": "text/turtle"}, timeout=10).text
    label = requests.get(url + "/sparql", params={"query": LABEL_QUERY}, timeout=10,
                         headers={"Accept": "text/csv"}).text.splitlines()[1]
    page = requests.get(url + "/html/place/syria.html", timeout=10).text
    def name(text: str) -> str:
        return "new" if "Syrian Arab Republic" in text else "old"
    return name(turtle), name(label), name(page)


def test_a_republish_switches_every_route_together(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    project = copy_project(tmp_path / "project")
    monkeypatch.chdir(project)
    monkeypatch.delenv("NIDA_ROOT", raising=False)
    assert run("publish", "--quiet").exit_code == 0
    process, url = start_server(project / "dist", project, NIDA_RELOAD_INTERVAL="0.2")
    try:
        assert views(url) == ("old", "old", "old")
        snapshots = sorted(p.name for p in project.glob(".dist.serve-*"))
        assert len(snapshots) == 1
        edit(project / "data/places.ttl", '    skos:prefLabel "Syria" ;', '    skos:prefLabel "Syrian Arab Republic" ;')
        assert run("publish", "--quiet").exit_code == 0
        observed: list[str] = []  # every answer, in the order they were given
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and observed[-3:] != ["new"] * 3:
            observed.extend(views(url))
            time.sleep(0.1)
        observed.extend(views(url) + views(url))
        # every route switched at one moment: no route answered from the old release once any
        # route had answered from the new one (before, /html/ was new while /id/ stayed old)
        switch = observed.index("new")
        assert observed[switch:] == ["new"] * (len(observed) - switch), observed
        assert observed[0] == "old"
    finally:
        stop_server(process)
    assert not list(project.glob(".dist.serve-*"))  # stopped: its snapshots are gone (after the grace)
