"""Typed errors raised by the core; the CLI maps each kind to one exit code."""

from __future__ import annotations

from pathlib import Path


class NidaError(Exception):
    """Base of every error a user can cause; never shown with a traceback."""

    exit_code = 2


class InputError(NidaError):
    """A file or option the user gave cannot be used (exit 2).

    `where` is the file, and `line` the 1-based line, when they are known, so that
    the message reads like a compiler's: ``data/x.ttl:12: message``.
    """

    exit_code = 2

    def __init__(self, message: str, where: Path | str | None = None, line: int | None = None):
        self.message = message
        self.where = str(where) if where is not None else None
        self.line = line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        prefix = ""
        if self.where:
            prefix = f"{self.where}:{self.line}: " if self.line else f"{self.where}: "
        return prefix + " ".join(self.message.split())


class NotConforming(NidaError):
    """The data violates the shapes (exit 1); carries the report to show."""

    exit_code = 1

    def __init__(self, report: object, message: str = "data does not conform to the shapes"):
        self.report = report
        super().__init__(message)
