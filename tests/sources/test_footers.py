"""Feed boilerplate (Yoast's "appeared first on", "Continue reading", 责任编辑) is not the story."""

from __future__ import annotations

from datetime import datetime, timezone

from whalewatch.sources.feeds import parse_feed
from whalewatch.sources.footers import without_footer
from tests.conftest import DATA

NOW = datetime(2025, 3, 4, tzinfo=timezone.utc)


def _items():  # noqa: ANN202
    raw = (DATA / "feeds" / "wordpress-footers.xml").read_bytes()
    return parse_feed(raw, feed="ledger", language="en", now=NOW).items


def test_wordpress_footer_and_excerpt_marker_are_taken_off():
    cranes = _items()[0]
    assert "appeared first" not in cranes.summary_html and "Tech Ledger" not in cranes.summary_text
    assert cranes.summary_text.endswith("waits at berth…")


def test_a_continue_reading_link_goes_and_the_sentence_before_it_stays():
    drones = _items()[2]
    assert drones.summary_text == "Meals ordered in Nanshan now cross the bay by air in eight minutes."


def test_chinese_editor_and_read_original_lines_go():
    assert _items()[3].summary_text == "南山区的外卖订单现在可以由无人机跨海送达，全程约八分钟。"


def test_a_summary_that_is_only_a_read_more_sentence_is_kept():
    assert _items()[4].summary_text == "Read more about the bay area's chip plans in our guide."


def test_a_last_paragraph_that_only_resembles_a_footer_stays():
    kept = "<p>Crowds gathered.</p><p>The postman appeared first on the scene, witnesses said.</p>"
    assert without_footer(kept) == kept
    assert without_footer("<p>Crowds gathered.</p><p>Editors say the vote is close.</p>").endswith("close.</p>")


def test_a_long_run_of_spaces_is_read_from_the_end_not_searched_from_every_position():
    """A regular expression searched from the start once tried every space of such a run (a
    quadratic cost a hostile feed could send); the footer is found backwards from the end."""
    padded = "<p>Text" + " " * 300_000 + "ends here [&#8230;]</p>"
    assert without_footer(padded).endswith("ends here…</p>")
    assert without_footer("<p>Text" + "\n " * 150_000 + "</p>") == "<p>Text" + "\n " * 150_000 + "</p>"
