"""When a stage may use the machine's second core: by forking, which shares what the process has
already loaded (the dictionary, the segmenter, the week's items) instead of sending it."""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, TypeVar

T = TypeVar("T")

_WORK: Callable[[int, int], list] | None = None     # what forked workers inherit instead of receiving it


def may_fork() -> bool:
    """Forking is safe only with no other threads running (one could hold a lock the child would
    inherit locked), as in build and the scheduler's jobs; and worth it only with a second core."""
    return (os.cpu_count() or 1) >= 2 and threading.active_count() == 1 and "fork" in mp.get_all_start_methods()


def in_two_halves(work: Callable[[int, int], list[T]], count: int) -> list[T]:
    """``work(start, end)`` over ``range(count)``, its two halves in two forked processes, results in
    order. The work is a closure over this process's data, which the workers share by forking;
    only the results travel back. If a worker cannot be started, all of it runs here."""
    global _WORK
    _WORK = work
    try:
        middle = count // 2
        with ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("fork")) as pool:
            return [result for part in pool.map(_run, [(0, middle), (middle, count)]) for result in part]
    except (OSError, RuntimeError):
        return work(0, count)
    finally:
        _WORK = None


def _run(bounds: tuple[int, int]) -> list:
    assert _WORK is not None
    return _WORK(*bounds)


def in_a_child(work: Callable[[], T], meanwhile: Callable[[], object] | None = None) -> tuple[bool, T | None]:
    """``work()`` in one forked process, its result sent back. Everything the work allocates goes
    back to the system when the child exits, which memory a process frees never quite does (a
    large week's reading stayed in the build and the PDF was laid out on top of it). Returns
    (True, result), or (False, None) when the child could not start or did not finish, for the
    caller to do the work itself: a failure that is the work's own then happens again there, with
    its own message. ``meanwhile`` is done here while the child works."""
    context = mp.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_send_result, args=(work, sending))
    try:
        child.start()
    except OSError:
        return False, None
    finally:
        sending.close()
    try:
        if meanwhile is not None:
            meanwhile()
        return receiving.recv()
    except (EOFError, OSError):
        return False, None
    except BaseException:
        child.terminate()
        raise
    finally:
        receiving.close()
        child.join()


def _send_result(work: Callable[[], T], sending) -> None:  # noqa: ANN001 - a Connection
    try:
        result: tuple[bool, T | None] = (True, work())
    except BaseException:  # noqa: BLE001 - the parent does the work again and meets the failure itself
        result = (False, None)
    try:
        sending.send(result)
    except Exception:  # noqa: BLE001 - a result that cannot travel: the parent does the work
        sending.send((False, None))
    finally:
        sending.close()
