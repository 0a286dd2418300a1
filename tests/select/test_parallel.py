"""Work done in a forked child: its result comes back, and any way it can fail leaves the work to the caller."""

from __future__ import annotations

import os
from functools import partial

from whalewatch.select.parallel import in_a_child


def test_the_childs_result_comes_back_and_the_work_ran_in_another_process():
    done, (pid, total) = in_a_child(lambda: (os.getpid(), sum(range(1000))))
    assert done and total == 499500 and pid != os.getpid()


def test_a_failure_of_the_work_or_of_its_result_or_of_the_child_is_left_to_the_caller():
    def raises() -> None:
        raise ValueError("the caller meets this itself")

    assert in_a_child(raises) == (False, None)
    assert in_a_child(lambda: (lambda: "a function cannot be sent back")) == (False, None)
    assert in_a_child(lambda: os._exit(3)) == (False, None)


def test_what_the_caller_does_meanwhile_runs_here_while_the_child_works():
    here = []
    done, pid = in_a_child(os.getpid, meanwhile=lambda: here.append(os.getpid()))
    assert done and here == [os.getpid()] and pid != os.getpid()


def test_a_fresh_interpreter_does_the_work_for_a_process_that_may_not_fork():
    """What a threaded process (the scheduler, the preview) hands over: pickled work, run by
    `python -m whalewatch.select.worker`, its result pickled back; every failure left to the caller."""
    assert in_a_child(partial(sum, range(1000)), fresh=True) == (True, 499500)
    done, pid = in_a_child(os.getpid, fresh=True)
    assert done and pid != os.getpid()
    assert in_a_child(partial(int, "not a number"), fresh=True) == (False, None)
    assert in_a_child(lambda: "work that cannot be pickled", fresh=True) == (False, None)
    assert in_a_child(partial(os._exit, 3), fresh=True) == (False, None)
