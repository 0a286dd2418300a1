"""The benchmark itself works: quick mode runs every measurement on a small corpus and prints the table.

Timing is never asserted here (a shared CI machine would make that flaky); `make bench` prints the
real figures against their targets.
"""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT

MEASURES = ["our parse, one process", "our parse, 2 processes", "cold collect", "warm collect (all 304)", "warm collect vs its network floor", "memory, cold collect", "vs rss2email", "build, 10k-item store",
            "build, 10k vs 2k store", "memory, build at 10k", "PDF step", "preview rebuilt and reloaded",
            "build, week of 200 items (first build)", "build, week of 1,000 items (first build)",
            "build, week of 200 items (read ahead)", "build, week of 1,000 items (read ahead)",
            "build, week of 1,000 vs 200 items (first build)"]


def test_quick_mode_measures_everything_and_prints_the_table():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--quick"], capture_output=True,
                            text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    table = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    names = [row.split("|")[1].strip() for row in table[1:]]
    assert len(names) == len(MEASURES) and all(name.startswith(m) for name, m in zip(names, MEASURES)), names
    assert re.search(r"Machine: \d+ cores, Python 3\.\d+", result.stdout)
    for row in table[1:]:
        cells = [cell.strip() for cell in row.split("|")[1:-1]]
        if cells[0] not in ("vs rss2email",):
            assert re.match(r"^\d+(\.\d+)? (s|MB)", cells[1]), row     # a figure was measured, not left blank
    assert "0 failed" in result.stdout
