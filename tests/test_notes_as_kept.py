"""The three seeds dropped into the sample edition's notes/, as a new user would: each is merged
for what it is. Golden excerpts of issue.json (tests/data/golden/notes-as-kept.json) make any change
in where a note goes visible in review; regenerate with WHALEWATCH_UPDATE_GOLDEN=1 make test."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timezone

import pytest

from tests.conftest import DATA, copy_sample, run_cli

GOLDEN = DATA / "golden" / "notes-as-kept.json"
WEEKS = ("2025-W04", "2025-W05")
ESSAY = "000_0dcc2fcdbeeb3840.txt"


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    folder = copy_sample(tmp_path_factory.mktemp("seeds") / "edition", seeds=True).parent
    written = datetime(2025, 1, 30, 12, tzinfo=timezone.utc).timestamp()     # the essay was written in 2025-W05
    os.utime(folder / "notes" / ESSAY, (written, written))
    config = str(folder / "feeds.yaml")
    run_cli("--config", config, "fetch")
    for week in WEEKS:
        run_cli("--config", config, "build", "--week", week)
    return folder


def issue(edition, week: str) -> dict:  # noqa: ANN001
    return json.loads((edition / "briefings" / week / "issue.json").read_text(encoding="utf-8"))


def stories(edition, week: str) -> list[dict]:  # noqa: ANN001
    data = issue(edition, week)
    return data["top"] + [s for block in data["sections"] for s in block["stories"]]


def test_where_every_seed_note_went_matches_the_golden_excerpt(edition):
    excerpt = {week: [{"title": s["title"], "section": s["section"], "kind": s["kind"],
                       "notes": [n["path"] for n in s["notes"]], "background": [b["path"] for b in s["background"]]}
                      for s in stories(edition, week) if s["notes"] or s["kind"] != "feed"]
               for week in WEEKS}
    if os.environ.get("WHALEWATCH_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(excerpt, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert excerpt == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_the_tariff_link_annotates_the_tariff_story(edition):
    tariff = next(s for s in stories(edition, "2025-W05") if "tariff" in s["title"].lower() and s["kind"] == "feed")
    assert any(n["path"].endswith("001_2b3091b922926fd8.txt#L6") for n in tariff["notes"])
    assert "insider-trading" in " ".join(n["text"] for n in tariff["notes"])
    assert any("the editor's link" in r and "tariff" in r for r in tariff["reasons"])


def test_the_r1_release_line_lands_in_its_own_week(edition):
    assert any(n["path"].endswith("#L4") for s in stories(edition, "2025-W04") for n in s["notes"])
    assert not any(n["path"].endswith("#L4") for s in stories(edition, "2025-W05") for n in s["notes"])


def test_the_topic_file_is_a_background_page_with_footnotes_and_never_a_story(edition):
    page = (edition / "briefings" / "background" / "deepseek.html").read_text(encoding="utf-8")
    assert '<li id="fn:1">' in page and "Andrej Karpathy" in page and 'href="#fn:1"' in page
    assert "In the briefing" in page                         # the stories that link to it
    for week in WEEKS:
        assert not any("002_7256c1b690b06814" in n["path"] for s in stories(edition, week) for n in s["notes"])
        assert not any(s["title"] == "DeepSeek" for s in stories(edition, week))
    web = (edition / "briefings" / "2025-W05" / "index.html").read_text(encoding="utf-8")
    assert 'Background: <a href="../background/deepseek.html">DeepSeek</a>' in web
    email = (edition / "briefings" / "2025-W05" / "email.html").read_text(encoding="utf-8")
    assert "../background/" not in email and "../essays/" not in email     # no base_url: no broken links in mail


def test_the_essay_is_a_lead_with_a_link_and_its_whole_text_is_a_page(edition, tmp_path):
    (essay,) = [s for s in stories(edition, "2025-W05") if s["kind"] == "essay"]
    assert essay["title"] == "DeepSeek's Seismic Shift" and essay["url"] == "../essays/deepseek-s-seismic-shift.html"
    assert essay["summary_text"].startswith("I have been waiting a while") and not essay["notes"]
    page = (edition / "briefings" / "essays" / "deepseek-s-seismic-shift.html").read_text(encoding="utf-8")
    late = "Maybe they can be"                                # from the essay's last paragraph
    assert late in page
    week = edition / "briefings" / "2025-W05"
    for name in ("email.html", "briefing.md", "briefing.txt"):
        assert late not in (week / name).read_text(encoding="utf-8"), name
    pdf_text = subprocess.run(["pdftotext", str(week / "briefing.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "I have been waiting" in pdf_text and late not in pdf_text


def test_whalewatch_notes_says_how_each_note_was_read(edition):
    shown = run_cli("--config", str(edition / "feeds.yaml"), "notes", "001_").stdout
    assert "annotates 'Trump floats tariffs" in shown and "2025-W05" in shown and "links" in shown
    assert "dated by the line's date 1/27" in shown
    everything = run_cli("--config", str(edition / "feeds.yaml"), "notes", "--no-guesses").stdout
    assert "background page background/deepseek.html" in everything and "essays/deepseek-s-seismic-shift.html" in everything
