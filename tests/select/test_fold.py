"""Folding: canonical URLs, GUIDs, near-duplicates across languages; near-misses kept apart."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from whalewatch.model import Item
from whalewatch.select.fold import fold
from whalewatch.urls import canonical_url

T0 = datetime(2025, 1, 27, 10, tzinfo=timezone.utc)


def item(key: str, title: str, url: str = "", summary: str = "", feed: str = "f", hours: int = 0, guid: str = "") -> Item:
    return Item(key=key, feed=feed, url=url, canonical_url=canonical_url(url), guid=guid, title=title, summary_html="",
                summary_text=summary, author="", published=None, first_seen=T0, date=T0 + timedelta(hours=hours))


def groups(items: list[Item]) -> list[set[str]]:
    return sorted(({i.key for i in c} for c in fold(items)), key=lambda g: sorted(g))


def test_canonical_url_variants_meet():
    variants = [
        "https://www.example.com/a/b/?utm_source=x&utm_medium=y",
        "HTTP://example.com:80/a/b#comments",
        "https://m.example.com/a/b/amp/",
        "https://example.com/a/b?fbclid=123&ref=home",
    ]
    assert len({canonical_url(u) for u in variants}) == 1
    assert canonical_url("https://arxiv.org/pdf/2501.12948v2") == canonical_url("https://arxiv.org/abs/2501.12948")
    assert canonical_url("https://example.com/a?id=1") != canonical_url("https://example.com/a?id=2")


def test_same_url_or_guid_folds():
    found = groups([
        item("1", "Alpha story", "https://a.example/x?utm_source=rss"),
        item("2", "Totally different headline", "https://www.a.example/x/"),
        item("3", "Third wording", "https://b.example/y", guid="urn:uuid:1234567890ab"),
        item("4", "Fourth wording", "https://c.example/z", guid="urn:uuid:1234567890ab"),
    ])
    assert found == [{"1", "2"}, {"3", "4"}]


def test_english_and_chinese_reports_of_one_event_fold():
    found = groups([
        item("en", "Nvidia loses $589 billion in market value as DeepSeek rattles investors", "https://a.example/1", feed="a"),
        item("zh", "英伟达股价重挫，市值蒸发5890亿美元", "https://b.example/2", feed="b", hours=3),
        item("other", "Italy's privacy regulator blocks DeepSeek", "https://c.example/3", feed="c"),
    ])
    assert {"en", "zh"} in found and {"other"} in found


def test_different_releases_with_similar_words_stay_apart():
    found = groups([
        item("r1", "DeepSeek releases R1 reasoning model with open weights", "https://a.example/r1"),
        item("r1z", "DeepSeek releases R1-Zero reasoning model with open weights", "https://b.example/r1z"),
        item("v3", "DeepSeek releases V3 model with open weights", "https://c.example/v3"),
        item("v31", "DeepSeek releases V3.1 model with open weights", "https://d.example/v31"),
    ])
    assert found == [{"r1"}, {"r1z"}, {"v3"}, {"v31"}]


def test_same_words_far_apart_in_time_stay_apart():
    found = groups([
        item("a", "DeepSeek cuts API prices", "https://a.example/1"),
        item("b", "DeepSeek cuts API prices", "https://b.example/2", hours=24 * 10),
    ])
    assert found == [{"a"}, {"b"}]
