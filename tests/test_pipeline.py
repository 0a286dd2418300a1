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


def test_a_large_week_is_merged_in_a_child_process_and_comes_out_the_same(fetched_sample, monkeypatch):
    """A week of PARALLEL_FROM reports or more is selected and merged in a forked child, whose
    memory goes back to the system before rendering; the issue is the one this process would make,
    and a child that fails leaves the work to this process."""
    import os

    from whalewatch import pipeline
    from whalewatch.config import load_edition
    from whalewatch.select.parallel import may_fork
    from whalewatch.weeks import Week

    assert may_fork(), "this test needs a process that may fork (no other threads, two cores)"
    edition, week, parent = load_edition(fetched_sample), Week.parse("2025-W05"), os.getpid()
    here, problems_here, dropped_here = pipeline.make_issue(edition, week)

    made = pipeline._make_issue
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 10)     # the sample week counts as large
    monkeypatch.setattr(pipeline, "_make_issue", lambda *a: (*made(*a)[:2], [f"made by {os.getpid()}"]))
    issue, problems, dropped = pipeline.make_issue(edition, week)
    assert dropped != [f"made by {parent}"] and dropped[0].startswith("made by ")
    assert issue == here and problems == problems_here

    def fails_in_the_child(*args):  # noqa: ANN002, ANN202
        if os.getpid() != parent:
            raise MemoryError("the child ran out")
        return made(*args)

    monkeypatch.setattr(pipeline, "_make_issue", fails_in_the_child)
    assert pipeline.make_issue(edition, week) == (here, problems_here, dropped_here)


def test_a_large_weeks_build_readies_the_pdf_while_the_child_merges_the_week(fetched_sample, monkeypatch):
    """WeasyPrint's first document in a process loads its fonts and stylesheet; the build lays out a
    small page meanwhile, which never reaches the issue or its problems."""
    from whalewatch import pipeline
    from whalewatch.config import load_edition
    from whalewatch.render import pdf as pdf_module
    from whalewatch.weeks import Week

    edition, week = load_edition(fetched_sample), Week.parse("2025-W05")
    plain = pipeline.build(edition, week, write=False)
    readied, ready = [], pipeline._ready_the_pdf
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 10)
    monkeypatch.setattr(pipeline, "_ready_the_pdf", lambda *a: readied.append((ready(*a), pdf_module._font_config.cache_info().misses)))
    pdf_module._font_config.cache_clear()
    report = pipeline.build(edition, week, write=False)
    assert readied == [(None, 1)], "the fonts were loaded while the week was merged"
    assert pdf_module._font_config.cache_info().misses == 1, "and not again for the issue's PDF"
    assert report.files["briefing.pdf"].startswith(b"%PDF") and report.problems == plain.problems
    assert "Ready" not in report.files["briefing.md"].decode() and "准备" not in report.files["index.html"].decode()
