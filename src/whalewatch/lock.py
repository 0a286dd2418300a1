"""One build or send at a time per edition, shared by the CLI and the scheduler.

An advisory ``flock`` on a file in the state folder: the kernel releases it when the holder
dies, so a lock left by a killed process never needs cleaning up by hand.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .errors import WhalewatchError


class Busy(WhalewatchError):
    pass


_held: dict[Path, int] = {}   # re-entrant within one process: send may build while holding the lock


@contextmanager
def edition_lock(state_dir: Path, what: str, wait: float = 0.0, name: str = "whalewatch.lock",
                 on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    state_dir.mkdir(parents=True, exist_ok=True)
    path = (state_dir / name).resolve()
    if _held.get(path):
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    handle = open(path, "a+")
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if on_wait is not None:
                    handle.seek(0)
                    on_wait(f"waiting for {handle.read().strip() or 'another whalewatch process'} to finish "
                            f"(up to {wait:.0f} s) before {what}")
                    on_wait = None          # said once
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another whalewatch process"
                    raise Busy(f"the edition is busy ({holder}); {what} not started. Try again when it finishes") from None
                time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}: {what}")
        handle.flush()
        _held[path] = 1
        try:
            yield
        finally:
            _held.pop(path, None)
    finally:
        try:
            fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            handle.close()


def lock_holder(state_dir: Path, name: str = "whalewatch.lock") -> str | None:
    """Who holds a lock right now ("pid 123: the scheduler"), or None if nobody does. Read-only:
    used by status to say whether the scheduler is running."""
    path = state_dir / name
    if not path.is_file():
        return None
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            return handle.read().strip() or "another whalewatch process"
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None
