"""The README's commands and example are what CI runs and what the data answers."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_exactly_two_setup_commands_and_ci_runs_the_test_one() -> None:
    setup = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", setup, flags=re.S)
    assert len(commands) == 2
    assert commands[0].endswith("nida publish")
    assert "pytest" in commands[1]
    assert commands[1] in (REPO / ".ci/run").read_text(encoding="utf-8")


def test_python_example_prints_what_the_readme_says(release: Path) -> None:
    (example,) = code_blocks("python")
    after = README.split(example, 1)[1]
    expected = re.search(r"prints\n\n```\n(.*?)```", after, flags=re.S).group(1)  # type: ignore[union-attr]
    output = io.StringIO()
    cwd = os.getcwd()
    try:
        os.chdir(release.parent)
        with contextlib.redirect_stdout(output):
            exec(compile(example, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    assert output.getvalue() == expected


def test_worked_queries_print_what_the_readme_says(release: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import run

    section = README.split("## For researchers", 1)[1].split("\n## ", 1)[0]
    examples = re.findall(r"```sh\n(nida query [^\n]*)\n```\n\nprints\n\n```\n(.*?)```", section, flags=re.S)
    assert len(examples) == 2
    monkeypatch.chdir(release.parent)
    for command, expected in examples:
        result = run(*shlex.split(command)[1:])
        assert result.exit_code == 0, result.output
        assert result.output == expected, command
