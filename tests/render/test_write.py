"""Atomic writes: a failed build leaves the previous issue exactly as it was."""

from __future__ import annotations

import pytest

from whalewatch.render.write import clean_leftovers, write_folder_atomic


def test_a_write_that_fails_midway_leaves_the_previous_folder_and_no_staging(tmp_path):
    target = tmp_path / "2025-W05"
    write_folder_atomic(target, {"index.html": b"old page", "issue.json": b"{}"})
    with pytest.raises(OSError):
        # "sub" is written as a file, then "sub/x" needs it to be a folder: the write fails halfway.
        write_folder_atomic(target, {"index.html": b"new page", "sub": b"x", "sub/x": b"y"})
    assert sorted(p.name for p in target.iterdir()) == ["index.html", "issue.json"]
    assert (target / "index.html").read_bytes() == b"old page"
    assert [p.name for p in tmp_path.iterdir()] == ["2025-W05"]


def test_a_successful_write_replaces_the_folder_exactly(tmp_path):
    target = tmp_path / "2025-W05"
    write_folder_atomic(target, {"index.html": b"old", "stale.txt": b"gone next time"})
    write_folder_atomic(target, {"index.html": b"new"})
    assert [p.name for p in target.iterdir()] == ["index.html"] and (target / "index.html").read_bytes() == b"new"


def test_leftovers_of_a_killed_build_are_cleaned(tmp_path):
    (tmp_path / ".2025-W05.new.abc").mkdir()
    (tmp_path / ".2025-W05.old.def").mkdir()
    (tmp_path / "2025-W05").mkdir()
    clean_leftovers(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["2025-W05"]
