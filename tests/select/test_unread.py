"""The names a week's Chinese headlines use that no dictionary or glossary entry reads in English."""

from __future__ import annotations

from datetime import datetime, timezone

from whalewatch.model import Item
from whalewatch.select.lexicon import Lexicon
from whalewatch.select.unread import unread_names, unread_names_in_week

T0 = datetime(2025, 10, 10, tzinfo=timezone.utc)


def report(key: str, title: str) -> Item:
    url = f"https://{key}.example/story"
    return Item(key=key, feed=key, url=url, canonical_url=url, guid="", title=title, summary_html="", summary_text="",
                author="", published=None, first_seen=T0, date=T0)


WEEK = [
    report("samr", "市场监管总局对高通收购Autotalks未依法申报立案调查"),
    report("tw", "高通回應中國監管調查"),                 # Traditional: the same name
    report("enflame", "燧原科技完成新一轮融资"),
    report("stepfun", "阶跃星辰发布新模型"),
    report("premier", "國務院總理李強主持座談會"),
    report("commerce", "美国商务部宣布新规"),
]


def test_names_read_by_sound_or_not_at_all_are_listed_most_reported_first():
    names = unread_names(WEEK, Lexicon({}))
    assert [(n.text, n.reports) for n in names][:1] == [("高通", 2)]
    readings = {n.text: n.reading for n in names}
    assert readings["高通"] == "by its sound: gao, tong"          # a company read as a person's name
    assert readings["燧原"] == readings["阶跃"] == "not at all"    # words the segmenter knows, no dictionary does
    assert "李强" in readings                                      # no English report writes 'Li Qiang' this week
    assert "美国商务部" not in readings and "新一轮" not in readings and "科技" not in readings
    assert next(n for n in names if n.text == "高通").example == WEEK[0].title


def test_a_name_met_by_its_sound_or_listed_in_the_glossary_is_left_out():
    english = report("en", "Premier Li Qiang chairs a symposium with entrepreneurs")
    names = {n.text for n in unread_names([*WEEK, english], Lexicon({"Qualcomm": ["高通"], "StepFun": ["阶跃星辰"]}))}
    assert "高通" not in names and "阶跃" not in names and "李强" not in names
    assert "燧原" in names


def test_the_english_of_an_unread_name_is_what_english_reports_of_its_story_name_and_it_does_not():
    """The fold puts the regulator's notice with an English report through the words they share
    (the regulator, Autotalks, the investigation); the English headline's names that the Chinese
    headlines never meet are offered: Qualcomm, not Autotalks, which the Chinese writes itself."""
    english = report("reuters", "China's market regulator opens an investigation into Qualcomm over its Autotalks purchase")
    english.summary_text = "The State Administration for Market Regulation said Qualcomm had not declared the deal."
    names = {n.text: n for n in unread_names_in_week([*WEEK, english], Lexicon({}))}
    assert names["高通"].english == ["Qualcomm"]
    assert names["燧原"].english == []                 # no English report of its story
