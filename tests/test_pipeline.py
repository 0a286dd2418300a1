"""The pipeline's own glue: what it reads back from the issues already written, and what it keeps in the store."""

from __future__ import annotations

import json
import shutil

from tests.conftest import ROOT
from whalewatch.pipeline import history_of


def test_the_history_keeps_each_earlier_issues_stories_by_their_words_and_days(tmp_path):
    """A story split by the week's end is found by its words, so the history keeps each earlier
    story's title, summary and day beside its addresses."""
    golden = ROOT / "tests" / "data" / "golden" / "2025-W05" / "issue.json"
    (tmp_path / "2025-W05").mkdir()
    shutil.copy(golden, tmp_path / "2025-W05" / "issue.json")
    issue = json.loads(golden.read_text(encoding="utf-8"))
    stories = issue["top"] + [s for block in issue["sections"] for s in block["stories"]]
    history = history_of(tmp_path)
    kept = history.stories["2025-W05"]
    assert [s["id"] for s in kept] == [s["id"] for s in stories]
    first = next(s for s in kept if s["id"] == stories[0]["id"])
    assert first["title"] == stories[0]["title"] and first["date"] == stories[0]["date"]
    assert first["summary"] == stories[0]["summary_text"]


def test_a_week_is_read_once_by_the_scheduler_and_not_again_by_its_builds(fetched_sample, monkeypatch):
    """The scheduler's fetch reads the week's new reports ahead; the build finds them read and folds
    the same stories as a build that read everything itself."""
    from datetime import datetime, timezone

    from whalewatch.config import load_edition
    from whalewatch.pipeline import build, check, read_week_ahead
    from whalewatch.schedule import _read_ahead
    from whalewatch.select import fold as folding
    from whalewatch.store import Store
    from whalewatch.weeks import Week

    edition = load_edition(fetched_sample)
    week = Week.parse("2025-W05")
    unread = build(edition, week, pdf=False).issue
    with Store(edition.store_path) as store:
        store.keep_readings("another glossary", {})                 # forget what that build kept
    check(edition, week)
    with Store(edition.store_path) as store:
        assert store.db.execute("SELECT COUNT(*) FROM readings").fetchone()[0] == 0, "check writes nothing"
    detail = _read_ahead(edition, datetime(2025, 2, 3, 9, tzinfo=timezone.utc))   # Monday: last week and this one
    read = int(detail.split()[1])
    assert read >= 10 and detail.endswith("reports read ahead of the build")
    assert read_week_ahead(edition, week) == 0                           # nothing is read twice

    read_by_build, reading = [], folding._features
    monkeypatch.setattr(folding, "_features", lambda item, lexicon: read_by_build.append(item) or reading(item, lexicon))
    again = build(edition, week, pdf=False, write=False).issue
    start, end = week.window(edition.tz)
    assert read_by_build, "the notes link an older report (the V3 paper), which the build reads itself"
    assert not [i.title for i in read_by_build if start <= i.date < end], "the build read a report the scheduler had read"
    shown = lambda issue: [(s.id, s.section, [c.url for c in s.also]) for s in issue.top + [s for b in issue.sections for s in b.stories]]
    assert shown(again) == shown(unread)


def test_a_large_week_is_merged_in_a_child_process_and_the_pdf_readied_meanwhile(fetched_sample):
    """A week of CHILD_FROM reports or more is selected and merged in a forked child, whose memory
    goes back to the system before rendering: the issue is the one this process would make, and a
    child that fails leaves the work to this process; a process running other threads (the scheduler)
    starts a fresh interpreter instead of forking. Meanwhile the build lays out a small page, so
    WeasyPrint's fonts are loaded once, before the issue's PDF, and the page reaches no output.
    Run in a fresh process: this one may have other threads, and then nothing forks."""
    import json
    import subprocess
    import sys

    from tests.conftest import ROOT

    run = subprocess.run([sys.executable, "-m", "tests.support.large_week", str(fetched_sample)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.splitlines()[-1])
    assert seen["may_fork"], "the machine must have two cores for this test"
    assert seen["made_by_a_child"] and seen["same_issue"] and seen["same_after_a_failed_child"]
    assert seen["fresh_when_threaded"], "a process running other threads hands the week to a fresh interpreter"
    assert seen["read_ahead_in_a_child"], "and so does the scheduler's reading ahead, whose readings are kept"
    assert seen["readied"] == [[None, 1]] and seen["font_configs"] == 1, "fonts loaded while merging, and only then"
    assert seen["pdf"] == "%PDF" and not seen["warm_up_in_outputs"]
    problems_of_the_pdf = [p for p in seen["problems"] if "briefing.pdf" in p]
    assert [p for p in seen["problems"] if p not in problems_of_the_pdf] == seen["problems_in_process"]
