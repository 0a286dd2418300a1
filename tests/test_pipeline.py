"""The pipeline's own glue: what it reads back from the issues already written."""

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
