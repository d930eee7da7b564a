"""Forked work: results in task order, and background processes whose failures the foreground redoes."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from publisher.forkmap import fork_background, fork_map, workers

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

    background = fork_background(work, [1, 2, 3])
    assert len(background.started) == 3
    assert background.join() == [101, None, 103]
    assert background.started == [] and background.join() == []


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
