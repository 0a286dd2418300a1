"""Errors meant for the user, kept apart from bugs.

Anything raised as a ``WhalewatchError`` is printed as one clear message (file, line, what to do)
and ends the command with a non-zero status; anything else is a bug and shows a traceback only
with ``--debug``.
"""

from __future__ import annotations

import errno
import sqlite3

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

    def __init__(self, message: str, path: str | None = None, line: int | None = None, detail: str = "",
                 timed_out: bool = False):
        super().__init__(message)
        self.path = path        # the template file at fault, when known
        self.line = line
        self.detail = detail or message   # what went wrong, without the location
        self.timed_out = timed_out        # stopped by the time limit: where it stopped is only likely the culprit


class WeekError(WhalewatchError):
    """A week string the user typed could not be understood."""


def display_path(path: Path | str) -> str:
    """Paths in messages are shown relative to the working directory when they can be."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_NOT_WRITABLE = (errno.EROFS, errno.EACCES, errno.EPERM)


def machine_trouble(exc: BaseException, store: Path | None) -> str | None:
    """One line for a fault of the machine rather than of whalewatch: a damaged store, a full
    disk, a folder it may not write. None for anything else (that is a bug, and gets a traceback).
    Builds and the store are written by rename and in transactions, so saying that nothing
    already built was touched is true."""
    where = display_path(store) if store else "the store"
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc)
        if "full" in text:
            return (f"the disk is full: could not write {where} ({text}). Free some space and run the command "
                    "again; what was stored and built before is intact.")
        if "locked" in text or "busy" in text:
            return f"{where} is busy ({text}): another whalewatch is writing it. Wait for it to finish and try again."
        if "disk I/O" in text:
            return (f"could not read or write {where} ({text}): the disk may be full, failing, or over a size limit. "
                    "Check it and run again; SQLite kept what was stored before.")
        if "readonly" in text or "unable to open" in text:
            return f"cannot write {where} ({text}). Make its folder writable by this user, then run again."
        return (f"{where} is damaged or is not a whalewatch store ({text}). Move it aside "
                f"(mv {where} {where}.damaged) and run `whalewatch fetch` to start a new one; issues already "
                "built in the output folder are not touched.")
    if isinstance(exc, OSError) and exc.errno in _FULL + _NOT_WRITABLE:
        target = "a file"
        if exc.filename:
            written = Path(str(exc.filename))      # a hidden staging name says less than its folder
            target = display_path(written.parent if written.name.startswith(".") else written)
        if exc.errno in _FULL:
            return (f"the disk is full (or over quota): could not write {target}. Free some space and run the "
                    "command again; nothing already built was changed.")
        return (f"cannot write {target}: {exc.strerror}. Make the folder writable by this user (or point output: "
                "in feeds.yaml elsewhere); nothing already built was changed.")
    return None
