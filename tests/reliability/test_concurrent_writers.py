"""Writers of data/ never interleave, and publish reads one state of its inputs (issue 15, item 3).

Real `nida` processes run at once on one project; the registries must end holding every
organization each ingest added, exactly as when the same ingests run one after another.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from tests.conftest import STATEMENT_DIR, copy_project, run

FIXTURES = Path(__file__).parent.parent / "fixtures" / "ingest"
TEXTS = sorted(FIXTURES.glob("*.txt"))
LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
ORG = "https://w3id.org/nida/ontology#Organization"


def nida(project: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "NIDA_ROOT": str(project)}
    return subprocess.Popen([sys.executable, "-m", "publisher", *args], cwd=project, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def organizations(project: Path) -> set[str]:
    """The preferred labels of the registry's organizations (the file must parse)."""
    quads = list(ox.parse(path=str(project / "data/organizations.ttl"), format=ox.RdfFormat.TURTLE,
                          base_iri="https://w3id.org/nida/id/"))
    orgs = {q.subject for q in quads if q.predicate.value.endswith("#type") and q.object.value == ORG}
    return {q.object.value for q in quads if q.subject in orgs and q.predicate.value == LABEL}


def test_concurrent_ingests_keep_every_registry_block(tmp_path: Path) -> None:
    assert len(TEXTS) >= 4
    one_by_one = copy_project(tmp_path / "sequential")
    for text in TEXTS:
        process = nida(one_by_one, "ingest", str(text))
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    at_once = copy_project(tmp_path / "concurrent")
    processes = [nida(at_once, "ingest", str(text)) for text in TEXTS]
    for process in processes:
        _out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    expected = organizations(one_by_one)
    assert len(expected) > len(organizations(copy_project(tmp_path / "untouched")))
    assert organizations(at_once) == expected
    written = sorted((at_once / "data/statements").glob("*/source.txt"))  # and every statement
    assert len(written) == len(TEXTS) + 1


def test_a_file_saved_during_publish_gives_one_line_and_no_release(project: Path) -> None:
    """An editor saves the statement again and again while publish runs: every read of a file
    must agree with its first, else nothing is published (the release never mixes versions)."""
    statement = project / STATEMENT_DIR / "statement.ttl"
    original = statement.read_bytes()
    # the same triples (a comment more): a publish that reads the variant first still conforms,
    # and goes on to read the file again (a variant that broke a shape ended some runs at exit 1)
    variant = original + b"\n# saved again\n"
    stop = threading.Event()

    def toggle() -> None:
        deadline = time.monotonic() + 120
        while not stop.is_set() and time.monotonic() < deadline:
            for data in (variant, original):  # saved as editors do: a new file renamed over the old
                spare = statement.with_name(".statement.ttl.saving")
                spare.write_bytes(data)
                os.replace(spare, statement)
                time.sleep(0.0005)

    outcomes: list[tuple[int, str]] = []
    writer = threading.Thread(target=toggle, daemon=True)
    writer.start()
    try:
        for _ in range(30):  # each publish reads the file a few times: most, not all, see it change
            result = run("publish", "--quiet")
            outcomes.append((result.exit_code, result.output))
            if result.exit_code == 2:
                break
    finally:
        stop.set()
        writer.join()
    statement.write_bytes(original)
    refused = [output for code, output in outcomes if code == 2]
    assert refused, outcomes
    line = [ln for ln in refused[0].splitlines() if ln.startswith("nida: error:")]
    assert line == [f"nida: error: {STATEMENT_DIR}/statement.ttl: changed while it was being published (read twice"
                    " with different contents); nothing was published: publish again once it is saved"]


def test_publish_waits_for_an_ingest_in_progress(project: Path) -> None:
    from publisher.locking import project_lock

    order: list[str] = []
    with project_lock(project, exclusive=True):
        thread = threading.Thread(target=lambda: order.append(f"publish {run('publish', '--quiet').exit_code}"))
        thread.start()
        time.sleep(1.0)
        order.append("ingest done")
    thread.join(120)
    assert order == ["ingest done", "publish 0"]
