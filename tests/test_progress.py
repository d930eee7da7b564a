"""Progress on long work: a bar on a terminal's stderr, nothing anywhere else, stdout untouched."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import publisher.validation.incremental
from publisher.cli import cli
from publisher.commands.common import TerminalBar
from publisher.export import exporters
from publisher.load.dataset import load_dataset
from publisher.progress import BAR_WIDTH, VALIDATING, Progress, Steps, render_bar
from publisher.release import publish
from publisher.release.write import PREPARING, WRITING, exporter_groups
from publisher.settings import Settings
from publisher.validation.engine import validate
from publisher.validation.incremental import validate_cached
from tests.conftest import REPO, STATEMENT_DIR, edit

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate

NIDA = str(Path(sys.executable).with_name("nida"))
FULL = "#" * BAR_WIDTH
Calls = list[tuple[str, int, int]]


def recorder() -> tuple[Calls, Progress]:
    calls: Calls = []
    return calls, lambda label, done, total: calls.append((label, done, total))


# --- the core reports steps -------------------------------------------------------------


def test_steps_tell_each_change_once() -> None:
    calls, progress = recorder()
    steps = Steps(progress, "phase", 3)
    steps.advance(0)
    steps.begin("a")
    steps.begin("b")
    steps.advance(1)
    steps.finish("phase")
    steps.finish("again")
    steps.advance(5)
    assert calls == [("phase", 0, 3), ("a", 0, 3), ("b", 1, 3), ("b", 2, 3), ("phase", 3, 3)]


def test_steps_without_progress_or_steps_do_nothing() -> None:
    calls, progress = recorder()
    Steps(None, "phase", 2).finish()
    Steps(progress, "empty", 0).finish()
    assert calls == [("empty", 0, 0)]


def test_render_bar() -> None:
    assert render_bar(VALIDATING, 1, 4, 2.25) == \
        "validating statements  [######..................] 1/4 2.2s"
    assert render_bar("writing release", 0, 0, 0) == f"writing release        [{FULL}] 0/0 0.0s"


def test_publish_reports_statements_then_each_exporter(project: Path, tmp_path: Path) -> None:
    calls, progress = recorder()
    settings = Settings(root=project, cache_dir_override=tmp_path / "cache")
    publish(load_dataset(settings), settings, tmp_path / "dist", progress=progress)
    groups = exporter_groups(exporters())
    n = sum(map(len, groups))
    assert max(map(len, groups)) == 7  # the dumps, JSON-LD, the network and the tables, in forked processes
    expected, done = [], 0
    for index, group in enumerate(groups):
        done += 1 if index else 0  # a step begun ends the one before
        label = "writing " + ", ".join(exporter.name for exporter in group)
        expected.append((label, done, n))
        if len(group) > 1:  # all but the last of a forked group are done at its end
            done += len(group) - 1
            expected.append((label, done, n))
    early = [(PREPARING, 0, 1), ("preparing records", 0, 1), (PREPARING, 1, 1)]  # begun beside validation
    assert calls == [*early, (VALIDATING, 0, 1), (VALIDATING, 1, 1), (WRITING, 0, n), *expected, (WRITING, n, n)]


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_uncached_engines_report_the_statements(project: Path, engine: str) -> None:
    calls, progress = recorder()
    validate(load_dataset(Settings(root=project)), engine=engine, progress=progress)
    assert calls == [(VALIDATING, 0, 1), (VALIDATING, 1, 1)]


def test_cached_statements_done_at_once_revalidated_as_groups_return(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = generate(tmp_path / "p", statements=4, organizations=60), tmp_path / "cache"
    monkeypatch.setattr(publisher.validation.incremental, "PARALLEL_MIN", 0)  # two forked workers

    def run() -> Calls:
        calls, progress = recorder()
        validate_cached(load_dataset(Settings(root=root)), cache, jobs=2, progress=progress)
        return calls

    first = run()  # two groups of statements, each told as it comes back
    assert len(first) == 3 and first[0] == (VALIDATING, 0, 4) and first[-1] == (VALIDATING, 4, 4)
    assert 0 < first[1][1] < 4
    assert run() == [(VALIDATING, 0, 4), (VALIDATING, 4, 4)]  # all cached
    statement = next((root / "data" / "statements").iterdir()) / "statement.ttl"
    edit(statement, "nida:ordinal 7 ;", "nida:ordinal 70 ;")
    assert run() == [(VALIDATING, 0, 4), (VALIDATING, 3, 4), (VALIDATING, 4, 4)]


def test_terminal_bar_redraws_one_line_and_ends_it() -> None:
    stream = io.StringIO()
    bar = TerminalBar(stream)
    bar("phase", 0, 2)
    bar("phase", 1, 2)
    bar.close()  # an error cut the phase short: what follows starts on its own line
    bar.close()
    lines = stream.getvalue().split("\r")[1:]
    assert lines[0] == "phase                  [........................] 0/2 0.0s\x1b[K"
    assert re.fullmatch(r"phase +\[#{12}\.{12}\] 1/2 \d+\.\ds\x1b\[K\n", lines[1])


# --- the command line: not a terminal, --quiet ---------------------------------------


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_not_a_terminal_nothing_extra(project: Path) -> None:
    code, out, err = invoke("validate", "--format", "json")
    assert (code, err) == (0, "") and out.startswith("{")
    assert invoke("validate", "--format", "json", "--quiet") == (0, out, "")
    published = invoke("publish")
    assert published[0] == 0 and "\r" not in published[2] and "validating" not in published[2]
    assert invoke("publish", "--quiet") == published


# --- a real terminal on stderr -------------------------------------------------------


def on_terminal(root: Path, *args: str, timeout: float = 120) -> tuple[int, str, str]:
    """Run nida with stderr on a pseudo-terminal and stdout in a file: (exit code, stdout, terminal)."""
    master, slave = pty.openpty()
    with (root / ".stdout").open("wb") as stdout:
        env = {k: v for k, v in os.environ.items() if k != "NIDA_ROOT"}
        proc = subprocess.Popen([NIDA, *args], cwd=root, env=env, stdin=subprocess.DEVNULL,
                                stdout=stdout, stderr=slave)
    os.close(slave)
    seen, deadline = b"", time.monotonic() + timeout
    try:
        while select.select([master], [], [], max(0, deadline - time.monotonic()))[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every writer has closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    code = proc.wait(timeout=max(1, deadline - time.monotonic()))
    return code, (root / ".stdout").read_text(encoding="utf-8"), seen.decode("utf-8").replace("\r\n", "\n")


def bars(terminal: str) -> list[str]:
    return [part.removesuffix("\x1b[K") for part in re.split(r"[\r\n]", terminal) if part]


def test_validate_on_a_terminal_shows_the_bar_stdout_clean(project: Path) -> None:
    _code, expected, _err = invoke("validate", "--format", "json")
    code, out, terminal = on_terminal(project, "validate", "--format", "json")
    assert (code, out) == (0, expected)
    first, last = bars(terminal)
    assert first == "validating statements  [........................] 0/1 0.0s"
    assert re.fullmatch(rf"validating statements  \[{FULL}\] 1/1 \d+\.\ds", last)
    assert on_terminal(project, "validate", "--format", "json", "--quiet") == (0, expected, "")


def test_publish_on_a_terminal_shows_both_phases(project: Path) -> None:
    _code, expected, report = invoke("publish")
    code, out, terminal = on_terminal(project, "publish")
    assert (code, out) == (0, expected)
    n = len(exporters())
    assert re.search(rf"\rvalidating statements  \[{FULL}\] 1/1 \d+\.\ds\x1b\[K\n\r", terminal)
    assert re.search(rf"\rwriting release        \[{FULL}\] {n}/{n} \d+\.\ds\x1b\[K\n", terminal)
    assert terminal.split("\x1b[K\n")[-1] == report  # the validation report, after the bar
    assert on_terminal(project, "publish", "--quiet") == (0, expected, report)


def test_a_failing_validation_ends_the_bar_before_the_report(project: Path) -> None:
    edit(project / STATEMENT_DIR / "statement.ttl", "nida:ordinal 7 ;", "nida:ordinal 70 ;")
    code, _out, terminal = on_terminal(project, "publish")
    assert code == 1
    assert re.match(rf"\rpreparing release      \[\.+\] 0/1 \d+\.\ds\x1b\[K\rpreparing records      \[\.+\] 0/1 "
                    rf"\d+\.\ds\x1b\[K\rpreparing release      \[{FULL}\] 1/1 \d+\.\ds\x1b\[K\n"
                    rf"\rvalidating statements  \[\.+\] 0/1 \d+\.\ds\x1b\[K\rvalidating statements  \[{FULL}\] "
                    r"1/1 \d+\.\ds\x1b\[K\n[^\r]*nida: data does not conform", terminal)
