"""Errors meant for the user, kept apart from bugs.

Anything raised as a ``WhalewatchError`` is printed as one clear message (file, line, what to do)
and ends the command with a non-zero status; anything else is a bug and shows a traceback only
with ``--debug``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class WhalewatchError(Exception):
    """A problem the user can fix: bad configuration, bad input, a failed step."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located precisely enough to fix it."""

    path: str
    line: int | None
    message: str
    severity: str = "error"  # "error" stops a command that needs the file; "warning" never does

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


class ConfigError(WhalewatchError):
    """feeds.yaml cannot be used as it stands; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class TemplateError(WhalewatchError):
    """A template failed to compile or render; the message names the template file and line."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None, detail: str = ""):
        super().__init__(message)
        self.path = path        # the template file at fault, when known
        self.line = line
        self.detail = detail or message   # what went wrong, without the location


class WeekError(WhalewatchError):
    """A week string the user typed could not be understood."""


def display_path(path: Path | str) -> str:
    """Paths in messages are shown relative to the working directory when they can be."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
