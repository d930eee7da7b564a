"""Map a function over tasks in forked worker processes, results in task order.

Forking shares the parent's memory (the release triples, indexes, templates) with the
workers copy-on-write, so nothing but the task index goes in and only the results
(bytes) come back pickled. Below `minimum` tasks, or where fork is missing, it runs in
this process: the output is the same either way, only the time differs.

The parent's objects are frozen out of the cyclic collector while the workers run, and the
workers collect their own garbage: so no collection in a worker writes to the parent's
objects' pages, which stay shared (the pattern the `gc.freeze` documentation describes).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def workers() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def can_fork(jobs: int) -> bool:
    """Whether forking `jobs` workers can gain anything: more than one, and fork is there."""
    return jobs > 1 and "fork" in multiprocessing.get_all_start_methods()


def _run(index: int) -> Any:
    assert _JOB is not None
    work, tasks = _JOB
    return work(tasks[index])


def fork_map(work: Callable[[T], R], tasks: Sequence[T], minimum: int = 2,
             jobs: int | None = None, done: Callable[[R], None] | None = None) -> list[R]:
    """`[work(t) for t in tasks]`, spread over `jobs` forked processes (default: one per CPU);
    `done` is called with each result as it comes back, in task order (progress)."""
    global _JOB
    jobs = workers() if jobs is None else jobs
    if not can_fork(jobs) or len(tasks) < max(2, minimum):
        return [_done(work(task), done) for task in tasks]
    _JOB = (work, tasks)
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(tasks)), initializer=gc.enable) as pool:
            chunk = max(1, len(tasks) // (jobs * 8))
            return [_done(result, done) for result in pool.imap(_run, range(len(tasks)), chunksize=chunk)]
    finally:
        gc.unfreeze()
        _JOB = None


def _done(result: R, done: Callable[[R], None] | None) -> R:
    if done is not None:
        done(result)
    return result


class Background(Generic[R]):
    """Forked processes working beside this one, one task each, whose results are mostly stored
    by themselves (in the build cache); `join` returns what each returned, None for a process
    that failed: the foreground, which looks in the cache afterwards, redoes its work and
    reports the error."""

    def __init__(self, started: list[tuple[Any, Any]] | None = None) -> None:
        self.started = started or []

    def join(self) -> list[R | None]:
        results: list[R | None] = []
        for process, receiver in self.started:
            try:
                results.append(receiver.recv())
            except EOFError:  # the process failed before it sent its result
                results.append(None)
            process.join()
            receiver.close()
        self.started = []
        return results

    def stop(self) -> None:
        for process, receiver in self.started:
            if process.is_alive():
                process.terminate()
            process.join()
            receiver.close()
        self.started = []


def fork_background(work: Callable[[T], R], tasks: Sequence[T]) -> Background[R]:
    """Start `work(t)` for every task, each in a forked process, and return at once; on one
    CPU, or where fork is missing, nothing is started (the foreground does it all)."""
    if not can_fork(workers()) or not tasks:
        return Background()
    context = multiprocessing.get_context("fork")
    started = []
    gc.freeze()  # as in fork_map: the children's collections leave the parent's pages shared
    try:
        for task in tasks:
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_work_through, args=(work, task, sender), daemon=True)
            process.start()
            sender.close()
            started.append((process, receiver))
    finally:
        gc.unfreeze()
    return Background(started)


def _work_through(work: Callable[[T], R], task: T, sender: Any) -> None:
    gc.enable()
    try:
        sender.send(work(task))
    except Exception:  # the foreground redoes the task and reports the error
        os._exit(1)
