"""When a stage may use the machine's second core: by forking, which shares what the process has
already loaded (the dictionary, the segmenter, the week's items) instead of sending it."""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import subprocess
import sys
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


def in_a_child(work: Callable[[], T], meanwhile: Callable[[], object] | None = None,
               fresh: bool = False) -> tuple[bool, T | None]:
    """``work()`` in one child process, its result sent back. Everything the work allocates goes
    back to the system when the child exits, which memory a process frees never quite does (a
    large week's reading stayed in the build and the PDF was laid out on top of it). Returns
    (True, result), or (False, None) when the child could not start or did not finish, for the
    caller to do the work itself: a failure that is the work's own then happens again there, with
    its own message. ``meanwhile`` is done here while the child works.

    The child is forked, sharing what this process has loaded; or with ``fresh`` it is a new
    interpreter (``work`` must then pickle), the safe way out of a process that runs other threads
    (the scheduler's jobs, the preview), where a fork could inherit a lock some thread holds."""
    if fresh:
        return _in_a_fresh_interpreter(work, meanwhile)
    context = mp.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_send_result, args=(work, sending))
    try:
        child.start()
    except OSError:
        receiving.close()
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
        sending.send(_result_of(work))
    except Exception:  # noqa: BLE001 - a result that cannot travel: the parent does the work
        sending.send((False, None))
    finally:
        sending.close()


def _result_of(work: Callable[[], T]) -> tuple[bool, T | None]:
    try:
        return True, work()
    except BaseException:  # noqa: BLE001 - the parent does the work again and meets the failure itself
        return False, None


def _in_a_fresh_interpreter(work: Callable[[], T], meanwhile: Callable[[], object] | None) -> tuple[bool, T | None]:
    """``python -m whalewatch.select.worker`` reads the pickled work on its stdin and writes the
    pickled result on its stdout. Not multiprocessing's "spawn", which runs the parent's main
    module again in the child: a script that imports whalewatch without a main guard would start
    over there."""
    try:
        payload = pickle.dumps(work)
        child = subprocess.Popen([sys.executable, "-m", "whalewatch.select.worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    except (OSError, TypeError, AttributeError, pickle.PicklingError):   # no process, or work that cannot travel
        return False, None
    try:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(payload)
        child.stdin.close()
        if meanwhile is not None:
            meanwhile()
        answer = child.stdout.read()
        child.wait()
        return pickle.loads(answer) if child.returncode == 0 and answer else (False, None)
    except (OSError, EOFError, pickle.UnpicklingError):
        return False, None
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stdout is not None:
            child.stdout.close()


def serve_one() -> None:
    """The fresh interpreter's side: one work in, its result out. Whatever the work prints goes to
    stderr (stdout carries the result); the process then ends without freeing what it built."""
    answer = sys.stdout.buffer
    sys.stdout = sys.stderr
    result = _result_of(pickle.load(sys.stdin.buffer))
    try:
        data = pickle.dumps(result)
    except Exception:  # noqa: BLE001 - a result that cannot travel: the parent does the work
        data = pickle.dumps((False, None))
    answer.write(data)
    answer.flush()
    os._exit(0)

