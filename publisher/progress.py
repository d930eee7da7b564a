"""Progress of long work: core code reports steps to a `Progress` if one is given, and never prints.

`progress(label, done, total)` says that `done` of the phase's `total` steps are finished
(statements validated, exporters run); the label may name the step under way. A phase ends
when `done == total`. Drawing it (or not) is the command line's business.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]

VALIDATING = "validating statements"
BAR_WIDTH = 24
LABEL_WIDTH = 22  # so that the bar stays in place while the label changes


class Steps:
    """Counts the steps of one phase and tells `progress` (a no-op without one) what changed."""

    def __init__(self, progress: Progress | None, label: str, total: int) -> None:
        self.progress, self.label, self.total, self.done = progress, label, total, 0
        self._running = False
        self._tell()

    def begin(self, label: str) -> None:
        """Step `label` starts: the step begun before it, if any, is done."""
        self.advance(1 if self._running else 0, label)
        self._running = True

    def advance(self, n: int = 1, label: str | None = None) -> None:
        """`n` more steps done (the label may name the next); nothing once the phase has ended."""
        if self.done < self.total and (n or (label is not None and label != self.label)):
            self.done = min(self.total, self.done + n)
            self.label = label or self.label
            self._tell()

    def finish(self, label: str | None = None) -> None:
        """Every step done: said once, however many steps were reported before."""
        self.advance(self.total - self.done, label)

    def _tell(self) -> None:
        if self.progress is not None:
            self.progress(self.label, self.done, self.total)


def render_bar(label: str, done: int, total: int, seconds: float) -> str:
    """One line: label, bar, done/total and elapsed seconds (`validating statements [###…] 1/1 0.4s`)."""
    filled = BAR_WIDTH if total <= 0 else BAR_WIDTH * done // total
    bar = "#" * filled + "." * (BAR_WIDTH - filled)
    return f"{label:<{LABEL_WIDTH}} [{bar}] {done}/{total} {seconds:.1f}s"
