"""Readings kept between runs: a week is read once, and a kept reading is exactly a fresh one."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from whalewatch.model import Item
from whalewatch.select import fold as folding
from whalewatch.select.lexicon import Lexicon
from whalewatch.select.readings import Readings, fingerprint

T0 = datetime(2025, 1, 27, 10, tzinfo=timezone.utc)
GLOSSARY = Lexicon({"DeepSeek": ["深度求索"], "Moonshot AI": ["月之暗面"]})


def item(key: str, title: str, summary: str = "", hours: int = 0) -> Item:
    url = f"https://{key}.example/story"
    return Item(key=key, feed=key, url=url, canonical_url=url, guid="", title=title, summary_html="", summary_text=summary,
                author="", published=None, first_seen=T0, date=T0 + timedelta(hours=hours))


WEEK = [
    item("en", "Nvidia loses $589 billion in market value as DeepSeek rattles investors",
         "Shares of the chipmaker fell 17% on Monday, the largest one-day loss of market value in US history."),
    item("zh", "英伟达股价重挫，市值蒸发5890亿美元", "深度求索的低成本模型引发投资者对算力需求的担忧。", hours=3),
    item("tw", "輝達市值單日蒸發5890億美元 創美股紀錄", "深度求索模型衝擊，輝達股價重挫17%。", hours=5),
    item("who", "WHO declares coronavirus outbreak a pandemic",
         "The World Health Organization said the virus had spread to 114 countries.", hours=8),
    item("moon", "月之暗面发布Kimi k1.5多模态思考模型", "月之暗面称其数学推理能力比肩OpenAI o1。", hours=9),
    item("qwen", "AI War: Alibaba unleashes Qwen 2.5 AI model", "Alibaba says Qwen 2.5-Max outperforms DeepSeek-V3.", hours=10),
]


def test_a_kept_reading_is_the_reading_itself():
    """Every field survives being kept: names, glosses, sounds of a Chinese report's names, releases,
    numbers; and an empty set comes back as the one shared empty set."""
    for report in WEEK:
        fresh = folding._features(report, GLOSSARY)
        kept = folding._unpacked(folding._packed(fresh))
        assert kept == fresh, report.key
        assert all(getattr(kept, name) is folding._NONE for name in folding._SETS if not getattr(kept, name))


def test_a_second_run_reads_no_report_again_and_folds_the_same(monkeypatch):
    readings = Readings(fingerprint(GLOSSARY))
    first = folding.fold_explained(WEEK, lexicon=GLOSSARY, readings=readings)
    assert len(readings.made) == len(WEEK)

    again = Readings(readings.fingerprint, kept=dict(readings.made))
    monkeypatch.setattr(folding, "_features", lambda *_: pytest.fail("a kept report was read again"))
    second = folding.fold_explained(WEEK, lexicon=GLOSSARY, readings=again)
    assert again.made == {}
    assert [[i.key for i in c] for c in second.clusters] == [[i.key for i in c] for c in first.clusters]
    assert second.reasons == first.reasons
    assert {"en", "zh", "tw"} in [{i.key for i in c} for c in second.clusters]


def test_an_edited_report_or_a_damaged_reading_is_read_again():
    readings = Readings(fingerprint(GLOSSARY))
    folding.fold_explained(WEEK, lexicon=GLOSSARY, readings=readings)
    kept = dict(readings.made)
    damaged = folding.reading_keys([WEEK[0]], readings.fingerprint)[0]
    kept[damaged] = b"\x00not a reading"
    edited = [replace(WEEK[1], title="英伟达股价暴跌，市值蒸发近6000亿美元"), *WEEK[2:], WEEK[0]]

    again = Readings(readings.fingerprint, kept=kept)
    result = folding.fold_explained(edited, lexicon=GLOSSARY, readings=again)
    assert sorted(again.made) == sorted(folding.reading_keys([WEEK[0], edited[0]], readings.fingerprint))
    assert {"en", "zh", "tw"} in [{i.key for i in c} for c in result.clusters]


def test_another_glossary_reads_every_report_anew():
    """深度求索 means DeepSeek only because the glossary says so: a reading made without that entry
    must not be used by an edition that has it."""
    assert fingerprint(GLOSSARY) == fingerprint(Lexicon({"Moonshot AI": ["月之暗面"], "DeepSeek": ["深度求索"]}))
    assert fingerprint(GLOSSARY) != fingerprint(Lexicon({"DeepSeek": ["深度求索"]}))
    assert fingerprint(GLOSSARY) != fingerprint(Lexicon({"DeepSeek": ["深度求索", "深度寻求"], "Moonshot AI": ["月之暗面"]}))


def test_reading_ahead_reads_only_what_is_not_kept_and_unpacks_nothing(monkeypatch):
    """The scheduler reads ahead after every fetch: the week's kept readings are left as bytes
    (unpacking 20,000 of them took half the time of a fetch that brought nothing)."""
    readings = Readings(fingerprint(GLOSSARY))
    folding.read_reports(WEEK[:4], GLOSSARY, readings)
    assert sorted(readings.made) == sorted(folding.reading_keys(WEEK[:4], readings.fingerprint))

    monkeypatch.setattr(folding, "_unpacked", lambda *_: pytest.fail("a kept reading was unpacked"))
    read = []
    reading = folding._features
    monkeypatch.setattr(folding, "_features", lambda report, lexicon: read.append(report.key) or reading(report, lexicon))
    again = Readings(readings.fingerprint, kept=dict(readings.made))
    folding.read_reports(WEEK, GLOSSARY, again)
    assert sorted(read) == sorted(i.key for i in WEEK[4:])
    assert sorted(again.made) == sorted(folding.reading_keys(WEEK[4:], readings.fingerprint))
