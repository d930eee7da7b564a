"""Phase timings for benchmarks: core code calls a `Timer` if one is given, and never prints."""

from __future__ import annotations

import time
from collections.abc import Callable

Timer = Callable[[str, float], None]


class PhaseClock:
    """Reports the seconds since the previous phase ended to `timer` (a no-op without one)."""

    def __init__(self, timer: Timer | None) -> None:
        self.timer = timer
        self.last = time.perf_counter()

    def restart(self) -> None:
        """Count the next phase from now (what ran meanwhile was timed by others)."""
        self.last = time.perf_counter()

    def __call__(self, phase: str) -> None:
        now = time.perf_counter()
        if self.timer is not None:
            self.timer(phase, now - self.last)
        self.last = time.perf_counter()
