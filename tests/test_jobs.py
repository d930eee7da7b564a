"""Forked work: results in task order, background failures reported, and `--jobs 1` forking nothing."""

from __future__ import annotations

import logging
import multiprocessing
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publisher.jobs import Background, Beside, cpus, fork_background, fork_map, limited, runs, workers
from tests.conftest import REPO, copy_project, run

needs_two = pytest.mark.skipif(workers() < 2, reason="forks only with two CPUs or more")


def square_in_child(parent: int) -> Callable[[int], tuple[int, bool]]:
    def work(n: int) -> tuple[int, bool]:
        return n * n, os.getpid() != parent

    return work


@needs_two
def test_fork_map_gives_results_in_task_order_from_children() -> None:
    results = fork_map(square_in_child(os.getpid()), list(range(7)))
    assert [value for value, _ in results] == [0, 1, 4, 9, 16, 25, 36]
    assert all(in_child for _, in_child in results)


@needs_two
def test_background_processes_return_their_results_and_none_where_they_failed() -> None:
    def work(n: int) -> int:
        if n == 2:
            raise RuntimeError("the foreground redoes this one")
        return n + 100

    background = fork_background(work, [1, 2, 3], name="adding")
    assert len(background.started) == 3
    assert background.join() == [101, None, 103]
    assert background.failures == ["RuntimeError: the foreground redoes this one at " + __file__ + ":" +
                                   str(work.__code__.co_firstlineno + 2)]
    assert background.started == [] and background.join() == []


@needs_two
def test_a_failed_background_process_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    def work(n: int) -> int:
        if n:
            os._exit(3)  # dies without a word, as a process killed for memory would
        return n

    with caplog.at_level(logging.WARNING, logger="nida"):
        assert fork_background(work, [0, 1], name="counting").join() == [0, None]
    assert [r.getMessage() for r in caplog.records] == [
        "counting failed in a worker process: it ended with exit code 3"]


@needs_two
def test_idle_only_background_processes_run_at_the_lowest_priority() -> None:
    """Work wanted only at the end (the statement records) yields the CPU to everything else."""
    here = os.nice(0)
    assert fork_background(lambda _task: os.nice(0), [None, None], idle_only=True).join() == [19, 19]
    assert fork_background(lambda _task: os.nice(0), [None]).join() == [here]
    assert Beside(lambda _task: os.nice(0), [None, None], idle_only=True).results() == [19, 19]
    assert Beside(lambda _task: os.nice(0), [None, None]).results() == [here, here]
    assert os.nice(0) == here


@needs_two
def test_stopping_background_processes_ends_them() -> None:
    import time

    background = fork_background(lambda seconds: time.sleep(seconds), [60.0])
    processes = [process for process, _ in background.started]
    background.stop()
    assert [process.is_alive() for process in processes] == [False]
    assert background.join() == []


def test_nothing_starts_in_the_background_without_tasks() -> None:
    assert fork_background(lambda n: n, []).started == []


def test_the_jobs_setting_limits_the_workers() -> None:
    assert workers() == cpus()
    with limited(1):
        assert workers() == 1
        with limited(0):
            assert workers() == cpus()
        assert workers() == 1
        assert fork_map(square_in_child(os.getpid()), list(range(5))) == [(n * n, False) for n in range(5)]
        assert fork_background(lambda n: n, [1, 2]).started == []
    assert workers() == cpus()


def fork_refused(*args: object) -> int:
    raise AssertionError("forked with --jobs 1")


def test_publish_with_one_job_forks_nothing_and_writes_the_same_release(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = copy_project(tmp_path / "project")
    monkeypatch.chdir(project)
    monkeypatch.delenv("NIDA_ROOT", raising=False)
    monkeypatch.setenv("NIDA_CACHE_DIR", str(tmp_path / "cache-many"))
    many = run("publish", "--quiet", "--out", "many")
    assert many.exit_code == 0, many.output
    monkeypatch.setenv("NIDA_CACHE_DIR", str(tmp_path / "cache-one"))
    monkeypatch.setattr(os, "fork", fork_refused)
    one = run("publish", "--quiet", "--jobs", "1", "--out", "one")
    assert one.exit_code == 0, one.output
    assert (project / "one" / "SHA256SUMS").read_bytes() == (project / "many" / "SHA256SUMS").read_bytes()


def test_nida_jobs_must_be_a_number(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    env = {**os.environ, "NIDA_JOBS": "many", "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "publisher", "validate", "--quiet"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr == ("nida: error: NIDA_JOBS: must be a whole number (0: one per CPU,"
                           " 1: no forking)\n")


@needs_two
def test_beside_runs_while_this_process_goes_on_and_keeps_task_order(tmp_path: Path) -> None:
    """`Beside` workers go on while this process runs other forked work (`fork_map` replaces the
    work it hands its own workers), and give their results in task order."""
    parent = os.getpid()
    beside = Beside(square_in_child(parent), list(range(5)))
    assert [value for value, _ in fork_map(lambda n: (n + 1, True), list(range(4)))] == [1, 2, 3, 4]
    results = beside.results()
    assert [value for value, _ in results] == [0, 1, 4, 9, 16]
    assert all(in_child for _, in_child in results)
    assert multiprocessing.active_children() == []


@needs_two
def test_beside_raises_a_task_error_when_its_results_are_asked_for() -> None:
    def work(n: int) -> int:
        if n == 3:
            raise ValueError("task 3 failed")
        return n

    beside = Beside(work, list(range(5)))
    with pytest.raises(ValueError, match="task 3 failed"):
        beside.results()
    assert multiprocessing.active_children() == []


@needs_two
def test_beside_forks_one_task_too() -> None:
    """One task works in a forked process, this one free meanwhile (`fork_map` would do it here);
    with one job, or no task, nothing is forked."""
    (pid,) = Beside(lambda _n: os.getpid(), [1]).results()
    assert pid != os.getpid()
    assert Beside(lambda _n: os.getpid(), [1], jobs=1).results() == [os.getpid()]
    assert Beside(lambda _n: os.getpid(), []).results() == []
    assert multiprocessing.active_children() == []


def test_beside_with_one_job_works_here_when_asked() -> None:
    done: list[int] = []
    beside = Beside(lambda n: done.append(n) or os.getpid(), [1, 2, 3], jobs=1)
    assert done == []
    assert beside.results() == [os.getpid()] * 3 and done == [1, 2, 3]


def test_runs_cut_items_in_order_into_runs_of_about_the_same_weight() -> None:
    assert runs([1, 1, 1, 1, 1, 1], 2, int) == [[1, 1, 1], [1, 1, 1]]
    assert runs([5, 1, 1, 1, 1, 1], 2, int) == [[5], [1, 1, 1, 1, 1]]
    assert runs([1, 1, 1, 1, 1, 9], 2, int) == [[1, 1, 1, 1, 1], [9]]
    assert runs([9, 1], 3, int) == [[9], [1]]
    assert runs([0, 0, 0], 2, int) == [[0], [0, 0]]
    assert runs([], 2, int) == [[]]


@given(st.lists(st.integers(min_value=0, max_value=50)), st.integers(min_value=1, max_value=5))
def test_runs_keep_every_item_in_order_and_none_is_empty(items: list[int], count: int) -> None:
    found = runs(items, count, int)
    assert [item for run in found for item in run] == items
    assert len(found) == max(1, min(count, len(items)))
    assert all(found) or items == []


@needs_two
def test_backgrounds_beside_each_other_are_joined_in_order() -> None:
    first = fork_background(lambda n: n * 2, [1, 2], name="doubling")
    both = first.beside(fork_background(lambda n: n * 2, [3], name="doubling"))
    assert isinstance(both, Background) and len(both.started) == 3
    assert both.join() == [2, 4, 6]
