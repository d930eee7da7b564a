"""Ingest on inputs that hung it, lost data silently, or wrote IRIs elsewhere (issue 15, items 10, 11)."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from publisher.ingest.layout import (
    ABOUT,
    APPEAL,
    DEMAND_HEADING,
    LEAD_IN,
    NAME_RUN,
    QUALIFIER,
    SECTION,
    SIGNATORIES,
    parse_layout,
)
from publisher.ingest.lists import BULLETED, LETTERED, NUMBERED
from publisher.ingest.reconcile import SEPARATORS
from publisher.settings import MAX_SOURCE_BYTES
from tests.conftest import REPO, STATEMENT_DIR, run
from tests.test_errors import error_line

SEED = (REPO / STATEMENT_DIR / "source.txt").read_text(encoding="utf-8")
HEADING = "Signatory organizations:"


def statement(signatories: list[str]) -> str:
    """The seed statement with another signatories block (its ABOUT block kept)."""
    head, rest = SEED.split(HEADING, 1)
    about = rest[rest.index("\nABOUT "):]
    return head + HEADING + "\n" + "\n".join(signatories) + "\n" + about


def nida_ingest(project: Path, path: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NIDA_ROOT": str(project)}
    return subprocess.run([sys.executable, "-m", "publisher", "ingest", path, "--slug", "x"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def test_a_fifo_or_a_device_is_refused_without_reading(project: Path) -> None:
    fifo = project / "incoming.txt"
    os.mkfifo(fifo)
    for path, shown in ((str(fifo), "incoming.txt"), ("/dev/zero", "/dev/zero")):
        result = nida_ingest(project, path, timeout=30)  # a read would block (FIFO) or never end (/dev/zero)
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip() == (f"nida: error: {shown}: not a regular file (a FIFO or device);"
                                         " save the statement's text as a file and give its path")
    result = nida_ingest(project, str(project / "data"), timeout=30)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == "nida: error: data: is a folder, expected a file"
    assert not (project / "data/statements/x").exists()


def test_a_text_past_the_limit_is_refused(project: Path) -> None:
    big = project / "big.txt"
    big.write_bytes(SEED.encode() + b" " * MAX_SOURCE_BYTES)
    result = run("ingest", str(big), "--slug", "x")
    assert result.exit_code == 2
    assert error_line(result) == (f"nida: error: big.txt: {big.stat().st_size} bytes, more than the {MAX_SOURCE_BYTES}"
                                  " a source text may have (it is published as one literal); check it is the"
                                  " statement's text alone")


@pytest.mark.parametrize("pattern", [SECTION, NUMBERED, LETTERED, BULLETED, ABOUT, SIGNATORIES, QUALIFIER, SEPARATORS,
                                     DEMAND_HEADING, LEAD_IN, APPEAL, NAME_RUN])
def test_layout_patterns_are_linear_on_long_runs_of_spaces(pattern: re.Pattern[str]) -> None:
    """`\\S.*?\\s*$` and `\\s+-` re-scanned a run of spaces from each of its positions: 60 KB
    took 12 s to 38 s."""
    for head in ("To x", "1. x", "(1) x", "a) x", "ABOUT x", "- x", "Signatories", "x", "we call for", "إلى x"):
        line = head + " " * 200_000 + "y" + " :" * 1000
        started = time.perf_counter()
        pattern.match(line.rstrip())
        pattern.split(line.rstrip())
        assert time.perf_counter() - started < 0.5, (pattern.pattern[:30], head)


def test_a_60_kb_line_of_spaces_ingests_quickly(project: Path) -> None:
    text = SEED.replace("First: To the United Nations Security Council", "First: To the United Nations" + " " * 60_000
                        + "Security Council", 1)
    assert text != SEED
    (project / "spaced.txt").write_text(text, encoding="utf-8")
    started = time.perf_counter()
    result = run("ingest", "spaced.txt", "--slug", "spaced", "--force")  # the seed's text, spaces aside
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 10


def distinct_name(n: int) -> str:
    """Names many letters apart, so that none is a near match of another (which ingest flags)."""
    letters = "".join(chr(ord("a") + int(c, 16)) for c in hashlib.sha256(str(n).encode()).hexdigest()[:14])
    return f"{letters[:7].capitalize()} {letters[7:].capitalize()} Association"


def test_two_thousand_numbered_signatories_are_all_kept(project: Path) -> None:
    names = [f"{n}. {distinct_name(n)}" for n in range(1, 2001)]
    (project / "many.txt").write_text(statement(names), encoding="utf-8")
    result = run("ingest", "many.txt", "--slug", "many")
    assert result.exit_code == 0, result.output
    graph = ox.Store()
    graph.load(path=str(project / "data/statements/many/statement.ttl"), format=ox.RdfFormat.TURTLE)
    count = graph.query("SELECT (COUNT(?s) AS ?n) WHERE { ?s a <https://w3id.org/nida/ontology#Signature> }")
    assert next(iter(count))["n"].value == "2000"  # type: ignore[index]


@pytest.mark.parametrize(("lines", "line", "message"), [
    (["1. Alpha Organization", "2. Beta Organization", "Gamma Organization", "3. Delta Organization"], 3,
     "a line without a number in the numbered list of signatories"),
    (["1. Alpha Organization", "2. Beta Organization", "1000. Gamma Organization"], 3,
     "signatory number 1000 skips 3 to 999: number the list 1, 2, 3... without gaps"),
])
def test_a_numbered_list_that_does_not_parse_fully_is_an_error(project: Path, lines: list[str], line: int,
                                                                message: str) -> None:
    text = statement(lines)
    (project / "list.txt").write_text(text, encoding="utf-8")
    heading_line = text.split("\n").index(HEADING) + 1
    result = run("ingest", "list.txt", "--slug", "list")
    assert result.exit_code == 2
    assert error_line(result).startswith(f"nida: error: list.txt:{heading_line + line}: {message}")
    assert not (project / "data/statements/list").exists()
    with pytest.raises(Exception, match=re.escape(message)):
        parse_layout(text, "list.txt")


def test_a_later_base_in_a_registry_does_not_move_the_new_iris(project: Path) -> None:
    registry = project / "data/organizations.ttl"
    registry.write_text(registry.read_text(encoding="utf-8")
                        + "\n@base <http://elsewhere.example/> .\n<other/thing> a <urn:x:Thing> .\n", encoding="utf-8")
    names = ["1. Brand New Organization for Testing Bases"]
    (project / "new.txt").write_text(statement(names), encoding="utf-8")
    result = run("ingest", "new.txt", "--slug", "new")
    assert result.exit_code == 0, result.output
    graph = ox.Store()
    graph.load(path=str(registry), format=ox.RdfFormat.TURTLE, base_iri="https://w3id.org/nida/id/")
    found = graph.query('SELECT ?s WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> '
                        '"Brand New Organization for Testing Bases" }')
    assert [row["s"].value for row in found] == [  # type: ignore[index]
        "https://w3id.org/nida/id/organization/brand-new-organization-for-testing-bases"]


def test_a_200_kb_paragraph_is_segmented_in_linear_time(project: Path) -> None:
    """pysbd rescans a paragraph once per abbreviation-like word (200 KB took 42 s): a long one
    is segmented in chunks cut after a sentence end, every sentence kept."""
    body = "We are concerned. " + " ".join(f"Word{k} is here. More text follows." for k in range(5000))
    text = SEED.replace("The undersigned Syrian", body + "\n\nThe undersigned Syrian", 1)
    assert text != SEED
    (project / "long.txt").write_text(text, encoding="utf-8")
    started = time.perf_counter()
    result = run("ingest", "long.txt", "--slug", "long-line")
    assert result.exit_code == 0, result.output[-2000:]
    assert time.perf_counter() - started < 20
    seed_sentences = int(re.search(r"body sentences: (\d+)", run_seed_summary(project)).group(1))  # type: ignore[union-attr]
    assert f"body sentences: {seed_sentences + 10001}," in result.output


def run_seed_summary(project: Path) -> str:
    (project / "seed.txt").write_text(SEED, encoding="utf-8")
    result = run("ingest", "seed.txt", "--slug", "seed-again", "--force")  # the bundled statement again
    assert result.exit_code == 0, result.output
    return result.output
