"""When a stage may use the machine's second core: by forking, which shares what the process has
already loaded (the dictionary, the segmenter, the week's items) instead of sending it."""

from __future__ import annotations

import multiprocessing as mp
import os
import threading


def may_fork() -> bool:
    """Forking is safe only with no other threads running (one could hold a lock the child would
    inherit locked), as in build and the scheduler's jobs; and worth it only with a second core."""
    return (os.cpu_count() or 1) >= 2 and threading.active_count() == 1 and "fork" in mp.get_all_start_methods()
