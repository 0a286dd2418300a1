"""Parsing: encodings feedparser gets wrong, dates it misreads, links it lets through."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from whalewatch.sources.decode import RefusedDocument
from whalewatch.sources.feeds import NotAFeed, parse_feed
from tests.conftest import DATA

NOW = datetime(2025, 2, 1, tzinfo=timezone.utc)


def parse(name: str, **kw):  # noqa: ANN003, ANN201
    return parse_feed((DATA / "feeds" / name).read_bytes(), feed="t", language=kw.pop("language", "en"), now=NOW, **kw)


def test_gbk_bytes_declared_as_utf8_come_out_as_chinese():
    parsed = parse("gbk-declared-utf8.xml", language="zh")
    assert [i.title for i in parsed.items] == ["深度求索发布推理模型R1", "美国考虑新的芯片出口管制"]
    assert any("gb18030" in w for w in parsed.warnings)


def test_chinese_dates_and_cst_are_read_as_beijing_time():
    first, second = parse("gbk-declared-utf8.xml", language="zh").items
    assert first.published == datetime(2025, 1, 27, 12, 30, tzinfo=timezone.utc)
    assert second.published == datetime(2025, 1, 28, 2, 0, tzinfo=timezone.utc)


def test_missing_date_falls_back_to_first_seen_and_says_so():
    undated = parse("wire.xml").items[2]
    assert undated.published is None and undated.date == NOW
    assert "first seen" in undated.date_note


def test_future_and_ancient_dates_are_not_believed():
    xml = b"""<rss version="2.0"><channel><title>x</title>
    <item><title>future</title><link>https://a.example/f</link><pubDate>Fri, 01 Jan 2100 00:00:00 +0000</pubDate></item>
    <item><title>ancient</title><link>https://a.example/a</link><pubDate>Mon, 01 Jan 1900 00:00:00 +0000</pubDate></item>
    <item><title>epoch</title><link>https://a.example/e</link><pubDate>1738000000</pubDate></item>
    </channel></rss>"""
    future, ancient, epoch = parse_feed(xml, feed="t", language="en", now=NOW).items
    assert future.date == NOW and "future" in future.date_note
    assert ancient.date == NOW and "implausible" in ancient.date_note
    assert epoch.published == datetime.fromtimestamp(1738000000, tz=timezone.utc)


def test_summary_html_is_sanitised_and_titles_are_one_line():
    xml = b"""<rss version="2.0"><channel><title>x</title>
    <item><title>Line one\r\nBcc: victim@example.org</title><link>java&#x09;script:alert(1)</link>
    <description>&lt;p onclick="x()"&gt;ok&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src="file:///etc/passwd"&gt;&lt;/p&gt;</description></item>
    </channel></rss>"""
    (item,) = parse_feed(xml, feed="t", language="en", now=NOW).items
    assert item.title == "Line one Bcc: victim@example.org"
    assert item.url == ""
    assert "script" not in item.summary_html and "onclick" not in item.summary_html and "file:" not in item.summary_html


def test_duplicate_guids_do_not_collapse_different_items():
    xml = b"""<rss version="2.0"><channel><title>x</title>
    <item><guid>same</guid><title>A</title><link>https://a.example/1</link></item>
    <item><guid>same</guid><title>B</title><link>https://a.example/2</link></item>
    </channel></rss>"""
    items = parse_feed(xml, feed="t", language="en", now=NOW).items
    assert len({i.key for i in items}) == 2


def test_not_a_feed_and_entity_declarations_are_refused_with_a_reason():
    with pytest.raises(NotAFeed, match="not RSS or Atom"):
        parse("notxml.xml")
    with pytest.raises(RefusedDocument, match="DTD entities"):
        parse("entity-bomb.xml")


@pytest.mark.parametrize("fast_path", [True, False])
def test_an_element_with_thousands_of_attributes_is_refused_and_named(fast_path):
    """feedparser's strict reader is quadratic in one tag's attributes: 100,000 took minutes."""
    def with_attributes(count: int) -> bytes:
        flood = " ".join(f'a{n}="1"' for n in range(count))
        return (f"<rss version='2.0'><channel><title>t</title><item {flood}><title>Flood</title>"
                f"<link>https://e.example/a</link></item></channel></rss>").encode()

    with pytest.raises(RefusedDocument, match=r"<item> has 100,000 attributes"):
        parse_feed(with_attributes(100_000), feed="t", language="en", now=NOW, fast_path=fast_path)
    ordinary = parse_feed(with_attributes(20), feed="t", language="en", now=NOW, fast_path=fast_path)
    assert [i.title for i in ordinary.items] == ["Flood"]


def test_include_and_exclude_keywords_filter_items():
    kept = parse("wire.xml", include=["export"]).items
    assert [i.title for i in kept] == ["US weighs new chip export controls"]
    assert len(parse("wire.xml", exclude=["deepseek"]).items) == 2


def _rss(count: int, padding: int = 0) -> bytes:
    items = "".join(f"<item><title>Item {n}</title><link>https://big.example/{n}</link>"
                    f"<description><![CDATA[<p>{'x' * padding}</p>]]></description></item>" for n in range(count))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode()


def test_a_50000_item_feed_is_cut_to_the_item_cap_before_parsing():
    parsed = parse_feed(_rss(50_000), feed="Big", language="en", now=NOW, max_items=500)
    assert [i.title for i in parsed.items[:2]] == ["Item 0", "Item 1"] and len(parsed.items) == 500
    assert "50,000 items; kept the first 500 (fetch.max_items)" in parsed.warnings
    assert not any("malformed" in w for w in parsed.warnings), "the cut document is still well-formed"


def test_a_body_cut_at_the_size_cap_keeps_its_complete_items():
    raw = _rss(40, padding=500)
    cut = raw[: len(raw) // 2]
    parsed = parse_feed(cut, feed="Big", language="en", now=NOW, truncated=True)
    assert 15 <= len(parsed.items) < 40 and parsed.items[-1].title == f"Item {len(parsed.items) - 1}"
    assert any("fetch.max_bytes" in w and "complete items" in w for w in parsed.warnings)
    assert not any("malformed" in w for w in parsed.warnings)
    atom = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
            + b"".join(b"<entry><title>E%d</title><id>urn:e:%d</id><link href='https://a.example/%d'/></entry>" % (n, n, n) for n in range(10)))
    parsed = parse_feed(atom[:-20], feed="Atom", language="en", now=NOW, truncated=True)
    assert [i.title for i in parsed.items] == [f"E{n}" for n in range(9)]


def test_a_body_cut_before_its_first_item_is_refused_with_the_reason():
    with pytest.raises(NotAFeed, match="no complete item"):
        parse_feed(_rss(3, padding=5000)[:3000], feed="Big", language="en", now=NOW, truncated=True)


@pytest.mark.parametrize("xml", [
    b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>x</title><id>https://a.example/1</id>
    <content type="html">&lt;p&gt;The whole &lt;b&gt;post&lt;/b&gt;&lt;/p&gt;</content></entry></feed>""",
    b"""<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>
    <item><title>x</title><link>https://a.example/1</link>
    <content:encoded><![CDATA[<p>The whole <b>post</b></p>]]></content:encoded></item></channel></rss>""",
])
def test_an_entry_with_only_content_keeps_its_text(xml: bytes):
    (item,) = parse_feed(xml, feed="t", language="en", now=NOW).items
    assert item.summary_html == "<p>The whole <b>post</b></p>"
    assert item.summary_text == "The whole post"


def _channel(items: str, language: str = "") -> bytes:
    lang = f"<language>{language}</language>" if language else ""
    return f'<rss version="2.0"><channel><title>x</title>{lang}{items}</channel></rss>'.encode()


def _dated(title: str, when: str) -> str:
    return f"<item><title>{title}</title><link>https://a.example/{title}</link><pubDate>{when}</pubDate></item>"


@pytest.mark.parametrize("when", ["Mon, 30 Nov 10000 09:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT",
                                  "Mon, 01 Jan 1900 00:00:00 +0000", "Fri, 01 Jan 2100 00:00:00 +0000", "10000-01-01T00:00:00Z"])
def test_an_implausible_date_is_never_this_weeks_news_and_is_reported(when):
    parsed = parse_feed(_channel(_dated("odd", when)), feed="t", language="en", now=NOW)
    (item,) = parsed.items
    assert item.date_implausible, item.date_note
    assert item.published is None and item.date.year != 2010
    assert any("implausible date" in w and "'odd'" in w for w in parsed.warnings)


def test_a_near_future_date_is_a_time_zone_slip_and_still_news():
    (item,) = parse_feed(_channel(_dated("soon", "Sun, 02 Feb 2025 12:00:00 +0000")), feed="t", language="en", now=NOW).items
    assert not item.date_implausible and item.date == NOW and "future" in item.date_note


def test_cst_without_a_declared_language_is_called_ambiguous():
    undeclared = parse_feed(_channel(_dated("c", "Fri, 31 Jan 2025 09:00:00 CST")), feed="t", language="", now=NOW)
    assert any("CST" in w and "language: zh" in w for w in undeclared.warnings)
    assert undeclared.items[0].published == datetime(2025, 1, 31, 15, tzinfo=timezone.utc)   # US Central, as said
    for declared in (parse_feed(_channel(_dated("c", "Fri, 31 Jan 2025 09:00:00 CST"), "en-us"), feed="t", language="", now=NOW),
                     parse_feed(_channel(_dated("c", "Fri, 31 Jan 2025 09:00:00 CST")), feed="t", language="en", now=NOW)):
        assert not any("CST" in w for w in declared.warnings) and declared.items[0].date_note == ""


def test_an_empty_body_is_a_failure_with_its_reason():
    for body in (b"", b"  \n"):
        with pytest.raises(NotAFeed, match="empty"):
            parse_feed(body, feed="t", language="en", now=NOW)


def test_a_truncated_document_is_read_with_a_warning():
    whole = _channel(_dated("one", "Fri, 31 Jan 2025 09:00:00 +0000") + _dated("two", "Fri, 31 Jan 2025 10:00:00 +0000"))
    parsed = parse_feed(whole[: len(whole) - 40], feed="t", language="en", now=NOW)
    assert parsed.items and any("malformed XML" in w for w in parsed.warnings)


def test_a_guid_shared_by_two_articles_keeps_both_and_says_so():
    xml = _channel('<item><title>One</title><link>https://a.example/1</link><guid isPermaLink="false">same</guid></item>'
               '<item><title>Two</title><link>https://a.example/2</link><guid isPermaLink="false">same</guid></item>')
    parsed = parse_feed(xml, feed="t", language="en", now=NOW)
    assert [i.title for i in parsed.items] == ["One", "Two"] and len({i.key for i in parsed.items}) == 2
    assert any("guid reused" in w and "'same'" in w for w in parsed.warnings)


def test_every_cleaning_leaves_a_trace_naming_the_item():
    xml = _channel('<item><title>Scripted</title><link>https://a.example/s</link>'
                   '<description>&lt;p onclick="x()"&gt;text&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</description>'
                   '<pubDate>Fri, 31 Jan 2025 09:00:00 +0000</pubDate></item>'
                   '<item><title>Undated</title><link>https://a.example/u</link><description>plain</description></item>')
    warnings = " | ".join(parse_feed(xml, feed="t", language="en", now=NOW).warnings)
    assert "unsafe markup removed" in warnings and "'Scripted'" in warnings
    assert "dated when first seen" in warnings and "'Undated'" in warnings
    clean = _channel(_dated("fine", "Fri, 31 Jan 2025 09:00:00 +0000"))
    assert parse_feed(clean, feed="t", language="en", now=NOW).warnings == []
