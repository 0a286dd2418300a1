"""feedparser's own 2,000+ test feeds, pushed through normalise, store, select and render.

Zero crashes; every refusal carries its reason; every output parses and carries nothing
executable. The counts are printed (run with -s to see them).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from whalewatch.config import parse_config
from whalewatch.render.outputs import RenderSettings, Renderer
from whalewatch.select import assemble_issue
from whalewatch.sources.decode import RefusedDocument
from whalewatch.sources.feeds import NotAFeed, parse_feed
from whalewatch.store import Store
from whalewatch.weeks import Week
from tests.conftest import DATA, MINIMAL_SECTIONS
from tests.support.scan import attribute_values, executable_constructs, render_markdown

CORPUS = DATA / "corpus" / "feedparser-tests"     # feedparser's own test feeds (BSD licence, see its LICENSE)
NOW = datetime(2025, 1, 29, 12, tzinfo=timezone.utc)
WEEK = Week.parse("2025-W05")
CHUNK = 100       # stories per rendered issue
PDF_CHUNKS = 3    # the PDF is the slow renderer: two issues' worth of the corpus go through it



def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name not in ("README.md", "LICENSE"))


@pytest.fixture(scope="module")
def through_the_pipeline(tmp_path_factory):
    outcomes: Counter[str] = Counter()
    refusals: dict[str, str] = {}
    crashes: dict[str, str] = {}
    items = []
    for path in corpus_files():
        name = path.relative_to(CORPUS).as_posix()
        try:
            parsed = parse_feed(path.read_bytes(), feed=name, language="en", now=NOW, base_url="https://corpus.example/")
        except (NotAFeed, RefusedDocument) as exc:
            outcomes["refused"] += 1
            refusals[name] = str(exc)
            continue
        except Exception as exc:  # noqa: BLE001 - what this test exists to find
            crashes[name] = f"{type(exc).__name__}: {exc}"
            continue
        outcomes["parsed"] += 1
        outcomes["with warnings"] += bool(parsed.warnings)
        items += parsed.items
    store_path = tmp_path_factory.mktemp("corpus") / "store.sqlite"
    with Store(store_path) as store:
        outcomes["stored"] = store.add_items(items)
        start, end = WEEK.window(timezone.utc)
        week_items = store.items_between(datetime(1990, 1, 1, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc))
    return outcomes, refusals, crashes, items, week_items


def test_no_file_crashes_and_every_refusal_says_why(through_the_pipeline):
    outcomes, refusals, crashes, items, stored = through_the_pipeline
    print(f"\ncorpus: {len(corpus_files())} files; {outcomes['parsed']} parsed ({outcomes['with warnings']} with warnings), "
          f"{outcomes['refused']} refused; {len(items)} items, {outcomes['stored']} stored")
    for reason, count in Counter(re.sub(r"\(.*", "", r)[:60] for r in refusals.values()).most_common(8):
        print(f"  refused {count:4d}: {reason}")
    assert crashes == {}
    assert all(reason.strip() for reason in refusals.values())
    assert outcomes["parsed"] > 2000 and len(items) > 400     # most corpus files test feed-level details
    assert len(stored) == outcomes["stored"]


def test_every_output_of_the_corpus_is_inert_and_parses(through_the_pipeline, tmp_path):
    *_, stored = through_the_pipeline
    config = parse_config(f"briefing: {{title: Corpus, timezone: UTC, max_per_section: 100, top_stories: 0}}\n{MINIMAL_SECTIONS}", "corpus.yaml")
    renderer = Renderer(RenderSettings(None))
    for index in range(0, len(stored), CHUNK):
        chunk = stored[index:index + CHUNK]
        issue = assemble_issue(config, WEEK, chunk, []).issue
        files = renderer.render_text_outputs(issue)
        if index // CHUNK < PDF_CHUNKS:
            files["briefing.pdf"] = renderer.render_pdf(issue)
            assert files["briefing.pdf"].startswith(b"%PDF-")
        summaries = "".join(s.summary_html for s in issue.all_stories())
        for name, html in (("index.html", files["index.html"].decode()), ("email.html", files["email.html"].decode()),
                           ("summaries", summaries), ("briefing.md", render_markdown(files["briefing.md"].decode()))):
            assert executable_constructs(html) == [], (index, name)
            assert not [v for v in attribute_values(html) if re.match(r"\s*(javascript|vbscript|data|file):", v, re.I)], (index, name)
        data = json.loads(files["issue.json"])
        assert len(data["sections"]) == 3
    assert renderer.fetcher.refused == [], "no URL from any feed even reached the PDF's fetcher"
