"""Broken machines: a damaged store, a folder that cannot be written, a full disk.

Each gives one line saying what failed, which file and what to do; exits non-zero without a
traceback; and leaves what was already built as it was.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import WHALEWATCH, copy_sample, run_cli

WEEK = "2025-W09"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The sample edition fetched and built once; each test works on its own copy."""
    config = copy_sample(tmp_path_factory.mktemp("built") / "edition")
    run_cli("--config", str(config), "fetch")
    run_cli("--config", str(config), "build", "--week", WEEK)
    return config.parent


@pytest.fixture
def edition(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "edition"
    shutil.copytree(built, target)
    return target


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run(edition: Path, *args: str, **popen) -> subprocess.CompletedProcess:  # noqa: ANN003
    return subprocess.run(WHALEWATCH + ["--config", str(edition / "feeds.yaml"), *args], capture_output=True, text=True,
                          env=dict(os.environ, COLUMNS="300"), timeout=300, **popen)


def assert_one_clear_line(result: subprocess.CompletedProcess, *phrases: str) -> None:
    assert result.returncode == 74, result.stderr
    assert "Traceback" not in result.stderr and "a bug" not in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1, result.stderr
    for phrase in phrases:
        assert phrase in error_lines[0], error_lines[0]


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
@pytest.mark.parametrize("command", [("status",), ("build", "--week", WEEK), ("fetch",)])
def test_a_damaged_store_is_named_with_what_to_do_and_nothing_built_is_touched(edition, damage, command):
    store = edition / ".whalewatch" / "store.sqlite"
    whole = store.read_bytes()
    store.write_bytes(whole[: len(whole) // 3] if damage == "truncated" else os.urandom(4096))
    for leftover in store.parent.glob("store.sqlite-*"):
        leftover.unlink()
    before = snapshot(edition / "briefings")
    result = run(edition, *command)
    assert_one_clear_line(result, ".whalewatch/store.sqlite", "damaged", "Move it aside", "whalewatch fetch")
    assert snapshot(edition / "briefings") == before


def test_a_read_only_briefings_folder_is_named_and_left_as_it_was(edition):
    briefings = edition / "briefings"
    before = snapshot(briefings)
    with read_only(briefings):
        result = run(edition, "build", "--week", WEEK)
    assert_one_clear_line(result, "cannot write", "briefings:", "writable")
    assert snapshot(briefings) == before


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Root writes through permissions, so as root the folder is bind-mounted read-only instead."""
    if os.geteuid() != 0:
        folders = [folder, *(p for p in folder.rglob("*") if p.is_dir())]
        for path in folders:
            os.chmod(path, 0o555)
        try:
            yield
        finally:
            for path in folders:
                os.chmod(path, 0o755)
        return
    subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_is_named_and_the_previous_issue_survives(edition):
    briefings = edition / "briefings"
    (edition / "notes" / "late.md").write_text("---\ntitle: A late note\nweek: 2025-W09\n---\nSomething new this week.\n")
    before = snapshot(briefings)
    pdf = len(before[f"{WEEK}/briefing.pdf"])

    def small_disk() -> None:            # files may not grow past half the PDF: the PDF write fails
        resource.setrlimit(resource.RLIMIT_FSIZE, (pdf // 2, pdf // 2))

    assert pdf // 2 > 40_000, "the store's shared-memory file must still fit"
    result = run(edition, "build", "--week", WEEK, preexec_fn=small_disk)
    assert_one_clear_line(result, "disk is full", f"briefings/{WEEK}/briefing.pdf", "Free some space")
    assert snapshot(briefings) == before
    assert not [p for p in briefings.iterdir() if p.name.startswith(".")]      # no staging folder left behind
