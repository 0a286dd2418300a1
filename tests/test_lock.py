"""The edition lock: shared by build, send and the scheduler, recovered when its holder is killed."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from whalewatch.lock import Busy, edition_lock
from tests.conftest import run_cli

HOLDER = """
import sys, time
from pathlib import Path
from whalewatch.lock import edition_lock
with edition_lock(Path(sys.argv[1]), "a build that will be killed"):
    print("locked", flush=True)
    time.sleep(600)
"""


def hold_lock(state_dir: Path) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(state_dir)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_second_holder_is_told_who_has_the_edition(tmp_path):
    holder = hold_lock(tmp_path)
    try:
        with pytest.raises(Busy, match=r"pid \d+: a build that will be killed"):
            with edition_lock(tmp_path, "send 2025-W05"):
                pass
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_left_by_a_killed_process_is_recovered_without_cleanup(tmp_path, sample_edition):
    state = sample_edition.parent / ".whalewatch"
    holder = hold_lock(state)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert (state / "whalewatch.lock").read_text().startswith("pid ")   # the file is still there ...
    run_cli("--config", str(sample_edition), "fetch")
    started = time.monotonic()
    run_cli("--config", str(sample_edition), "build", "--week", "2025-W05", "--no-pdf")   # ... and does not block
    assert time.monotonic() - started < 30
    assert (sample_edition.parent / "briefings" / "2025-W05" / "issue.json").is_file()


def test_the_lock_is_reentrant_within_one_process_and_exclusive_across_processes(tmp_path):
    with edition_lock(tmp_path, "send"):
        with edition_lock(tmp_path, "the build inside send"):
            other = subprocess.run([sys.executable, "-c", HOLDER, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert other.returncode != 0 and "the edition is busy (pid" in other.stderr
