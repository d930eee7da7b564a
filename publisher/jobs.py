"""Concurrency in one place: every process nida forks for speed goes through here.

`workers()` is the `jobs` setting in force (`limited`: `--jobs`, NIDA_JOBS; 0 means one per
CPU); with one job everything runs in this process, so a debugger sees it all.

`fork_map` maps a function over tasks in forked worker processes, results in task order.

Forking shares the parent's memory (the release triples, indexes, templates) with the
workers copy-on-write, so nothing but the task index goes in and only the results
(bytes) come back pickled. Below `minimum` tasks, or where fork is missing, it runs in
this process: the output is the same either way, only the time differs.

The parent's objects are frozen out of the cyclic collector while the workers run, and the
workers collect their own garbage: so no collection in a worker writes to the parent's
objects' pages, which stay shared (the pattern the `gc.freeze` documentation describes).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
#: the `jobs` setting in force (`limited`); None: one per CPU
_LIMIT: int | None = None
LOG = logging.getLogger("nida")
#: the niceness of `fork_background(..., idle_only=True)` processes
LOWEST_PRIORITY = 19


def cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def workers() -> int:
    """How many processes may work at once: the `jobs` setting in force, else one per CPU."""
    return _LIMIT or cpus()


@contextmanager
def limited(jobs: int) -> Iterator[None]:
    """Run the block with at most `jobs` processes working at once (0: one per CPU; 1: all of
    it in this process, forking nothing)."""
    global _LIMIT
    previous, _LIMIT = _LIMIT, (jobs if jobs > 0 else None)
    try:
        yield
    finally:
        _LIMIT = previous


def can_fork(jobs: int) -> bool:
    """Whether forking `jobs` workers can gain anything: more than one, and fork is there."""
    return jobs > 1 and "fork" in multiprocessing.get_all_start_methods()


def runs(items: Sequence[T], count: int, weight: Callable[[T], int]) -> list[list[T]]:
    """`items` cut, in their order, into at most `count` runs, none empty, of about the same
    total weight: where each run is worked on as soon as it is ready, in order."""
    count = max(1, min(count, len(items)))
    total = sum(weights := [max(0, weight(item)) for item in items])
    found: list[list[T]] = [[]]
    done = 0
    for index, (item, size) in enumerate(zip(items, weights, strict=True)):
        reached = done >= total * len(found) / count
        needed = len(items) - index <= count - len(found)  # one item left for each run to come
        if found[-1] and len(found) < count and (reached or needed):
            found.append([])
        found[-1].append(item)
        done += size
    return found


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


class Beside(Generic[R]):
    """`fork_map` begun, not waited for: its workers go on beside this process until `results`
    (or `stop`). Each worker is given the work when it is forked (`_install`), so a worker the
    pool forks again later has it too, whatever `fork_map` ran meanwhile. `idle_only`: as
    `fork_background`'s. Unlike `fork_map`, one task is forked too: it works beside this process."""

    def __init__(self, work: Callable[[T], R], tasks: Sequence[T], jobs: int | None = None,
                 idle_only: bool = False) -> None:
        self.work, self.tasks = work, tasks
        self._pool: Any = None
        self._pending: Any = None
        jobs = workers() if jobs is None else jobs
        if not can_fork(jobs) or not tasks:
            return  # `results` does the work here
        gc.freeze()  # as in fork_map: the workers' collections leave this process's pages shared
        try:
            self._pool = multiprocessing.get_context("fork").Pool(
                min(jobs, len(tasks)), initializer=_install, initargs=(work, tasks, idle_only))
            self._pending = self._pool.map_async(_run, range(len(tasks)), chunksize=1)
        finally:
            gc.unfreeze()

    def results(self) -> list[R]:
        """What `work` returned for each task, in task order (done here if nothing was forked);
        a task's exception is raised here."""
        if self._pool is None:
            return [self.work(task) for task in self.tasks]
        try:
            found: list[R] = self._pending.get()
        except BaseException:
            self.stop()
            raise
        self._pool.close()
        self._pool.join()
        self._pool = None
        return found

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


def _install(work: Callable[[Any], Any], tasks: Sequence[Any], idle_only: bool = False) -> None:
    global _JOB
    _JOB = (work, tasks)
    gc.enable()
    if idle_only:
        _lowest_priority()


def _lowest_priority() -> None:
    """See `fork_background`'s `idle_only`."""
    with contextlib.suppress(OSError):
        os.nice(LOWEST_PRIORITY)


def _done(result: R, done: Callable[[R], None] | None) -> R:
    if done is not None:
        done(result)
    return result


@dataclass(frozen=True)
class Failed:
    """What a background process sends instead of its result when its work raised."""

    error: str


class Background(Generic[R]):
    """Forked processes working beside this one, one task each, whose results are mostly stored
    by themselves (in the build cache); `join` returns what each returned, None for a process
    that failed. A failure is logged as a warning (the CLI shows it) with the error; the
    foreground, which looks in the cache afterwards, does the work itself, where a lasting
    error is raised again."""

    def __init__(self, started: list[tuple[Any, Any]] | None = None, name: str = "background work") -> None:
        self.started = started or []
        self.name = name
        self.failures: list[str] = []

    def beside(self, other: Background[R]) -> Background[R]:
        """These processes and `other`'s, joined (or stopped) together, in that order."""
        return Background(self.started + other.started, self.name)

    def join(self) -> list[R | None]:
        results: list[R | None] = []
        for process, receiver in self.started:
            try:
                received = receiver.recv()
            except EOFError:  # the process died before it sent its result
                received = None
            process.join()
            receiver.close()
            if received is None or isinstance(received, Failed):
                reason = received.error if received else f"it ended with exit code {process.exitcode}"
                self.failures.append(reason)
                LOG.warning("%s failed in a worker process: %s", self.name, reason)
                received = None
            results.append(received)
        self.started = []
        return results

    def stop(self) -> None:
        for process, receiver in self.started:
            if process.is_alive():
                process.terminate()
            process.join()
            receiver.close()
        self.started = []


def fork_background(work: Callable[[T], R], tasks: Sequence[T],
                    name: str = "background work", idle_only: bool = False) -> Background[R]:
    """Start `work(t)` for every task, each in a forked process, and return at once; with one
    job, or where fork is missing, nothing is started (the foreground does it all).

    `idle_only`: the processes run at the lowest priority (nice 19), for work wanted only at the
    end: they take the CPU where the rest leaves it idle, instead of sharing it with what the
    rest waits for."""
    if not can_fork(workers()) or not tasks:
        return Background(name=name)
    context = multiprocessing.get_context("fork")
    started = []
    gc.freeze()  # as in fork_map: the children's collections leave the parent's pages shared
    try:
        for task in tasks:
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_work_through, args=(work, task, sender, idle_only), daemon=True)
            process.start()
            sender.close()
            started.append((process, receiver))
    finally:
        gc.unfreeze()
    return Background(started, name)


def _work_through(work: Callable[[T], R], task: T, sender: Any, idle_only: bool = False) -> None:
    gc.enable()
    if idle_only:
        _lowest_priority()
    try:
        sender.send(work(task))
    except Exception as exc:  # reported by `join`; the foreground redoes the task
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" at {last[0].filename}:{last[0].lineno}" if last else ""
        sender.send(Failed(f"{type(exc).__name__}: {exc}{where}"))
        os._exit(1)
