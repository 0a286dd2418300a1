"""The dictionary path: Chinese meets English through CC-CEDICT, OpenCC and jieba, and names no
dictionary knows through the edition's glossary. No event's vocabulary is in code, so these
sentences are ones the code was never told about."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from whalewatch.model import Item
from whalewatch.select.fold import fold, fold_explained, similar
from whalewatch.select.lexicon import _VERSION, Lexicon, dictionary, romanised, stem, synonyms, to_simplified
from whalewatch.urls import canonical_url

T0 = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)


def item(key: str, title: str, summary: str = "", hours: int = 0) -> Item:
    url = f"https://{key}.example/story"
    return Item(key=key, feed=key, url=url, canonical_url=canonical_url(url), guid="", title=title, summary_html="",
                summary_text=summary, author="", published=None, first_seen=T0, date=T0 + timedelta(hours=hours))


def clusters(items: list[Item], lexicon: Lexicon | None = None) -> list[set[str]]:
    return sorted(({i.key for i in c} for c in fold(items, lexicon=lexicon)), key=sorted)


def test_traditional_and_taiwanese_usage_become_mainland_simplified():
    assert to_simplified("輝達發表新晶片") == "英伟达发表新芯片"


def test_a_dictionary_gloss_joins_chinese_and_english_words():
    words = {w.text: w.glosses for w in Lexicon().words("土耳其发生强烈地震")}
    assert "earthquak" in words["地震"] and "turkey" in words["土耳其"]


def test_a_name_the_dictionary_lacks_is_romanised_from_its_readings():
    assert romanised("梁文锋") == {"liang", "wenfeng"}


def test_a_title_the_segmenter_tags_as_a_name_also_means_what_its_words_mean():
    words = {w.text: w.glosses for w in Lexicon().words("罗马教皇方济各去世")}
    assert {"pope", "rome"} <= words["罗马教皇"]
    assert Lexicon().glosses("梁文锋", "nr") == {"liang", "wenfeng"}      # a person's name is only its sound


def test_a_traditional_and_a_simplified_report_of_one_event_fold():
    found = clusters([
        item("tw", "輝達宣布在台灣興建新的人工智慧超級電腦", "輝達執行長黃仁勳在台北宣布，將與台積電合作興建超級電腦。"),
        item("cn", "英伟达宣布在台湾兴建新的人工智能超级计算机", "英伟达首席执行官黄仁勋在台北宣布，将与台积电合作兴建超级计算机。", hours=2),
    ])
    assert found == [{"cn", "tw"}]


def test_an_english_and_a_chinese_report_of_an_event_beyond_ai_fold():
    found = clusters([
        item("en", "Powerful earthquake strikes eastern Turkey, killing hundreds",
             "The magnitude 7.8 earthquake struck near the Syrian border before dawn; rescuers search collapsed buildings."),
        item("zh", "土耳其东部发生7.8级强烈地震 数百人遇难", "地震在黎明前袭击叙利亚边境附近，救援人员在倒塌的建筑中搜救。", hours=3),
        item("other", "Central bank raises interest rates to curb inflation",
             "The bank lifted its benchmark rate by half a point, citing persistent price pressure.", hours=5),
    ])
    assert {"en", "zh"} in found and {"other"} in found


def test_two_events_sharing_only_a_company_name_stay_apart():
    found = clusters([
        item("chip", "华为发布新款昇腾人工智能芯片", "华为在深圳发布新一代昇腾芯片，用于训练大模型。"),
        item("phone", "Huawei shipments of smartphones rise in Europe", "The company sold more handsets in Germany and Spain.", hours=4),
    ])
    assert found == [{"chip"}, {"phone"}]


def test_the_glossary_names_what_no_dictionary_knows():
    zh = item("zh", "月之暗面获得新一轮融资", "月之暗面完成新一轮融资。")
    en = item("en", "Moonshot AI raises a new funding round", "The Beijing start-up behind Kimi closed the round.", hours=1)
    glossary = Lexicon({"Moonshot AI": ["月之暗面"]})
    assert "月之暗面=ai/moonshot" in fold_explained([zh, en], lexicon=glossary).reasons["zh"][0]
    assert similar(zh, en, glossary) > similar(zh, en, Lexicon()) + 0.2
    assert to_simplified("昇腾芯片") == "昇腾芯片"


def test_explain_names_the_words_that_joined_two_reports():
    result = fold_explained([
        item("zh", "土耳其东部发生7.8级强烈地震 数百人遇难", "地震在黎明前袭击叙利亚边境附近。"),
        item("en", "Powerful earthquake strikes eastern Turkey, killing hundreds", "The quake struck near the Syrian border.", hours=1),
    ])
    (reasons,) = result.reasons.values()
    assert "地震=earthquak" in reasons[0] and "joined by wording" in reasons[0]


def test_english_words_one_chinese_word_translates_both_are_synonyms():
    assert {"detain", "apprehend"} <= synonyms(stem("arrest"))
    assert {"prohibit", "forbid"} <= synonyms(stem("ban"))
    assert not synonyms(stem("make")) and not synonyms(stem("hold"))     # vague words pair with nothing


def test_two_english_reports_in_other_words_fold_through_a_synonym_and_say_so():
    detained = item("a", "Border agents detain ferry captain over smuggled migrants",
                    "The captain was held at the harbour in Calais after officers found 40 people hidden in a lorry on board.")
    arrested = item("b", "Ferry captain arrested in Calais after migrants found hidden in lorry",
                    "Police said 40 people were discovered in the vehicle when the boat docked.", hours=2)
    other = item("c", "Protest leader arrested in Belgrade after clashes with police",
                 "Demonstrators had blocked a bridge over the Sava for a third night.", hours=4)
    result = fold_explained([detained, arrested, other])
    assert sorted(sorted(i.key for i in c) for c in result.clusters) == [["a", "b"], ["c"]]
    assert "detain~arrest (synonym)" in result.reasons["a"][0]


def test_a_dictionary_entry_that_points_elsewhere_or_explains_itself_still_translates():
    # CC-CEDICT gives 腾讯 only as "see 腾讯控股有限公司", 微信 as "Weixin or WeChat (messaging
    # service developed by Tencent ...)" and 杭州 as "Hangzhou subprovincial city and capital of ...".
    lexicon = Lexicon()
    assert "tencent" in lexicon.glosses("腾讯")
    assert "wechat" in lexicon.glosses("微信")
    assert "hangzhou" in lexicon.glosses("杭州")
    assert "abbr" not in lexicon.glosses("中银") and "china" in lexicon.glosses("中银")
    assert "wuhan" not in lexicon.glosses("新洲区")     # where a district is, is not what it is called


def test_a_report_naming_no_country_does_not_join_two_countries_stories():
    found = clusters([
        item("nz", "New Zealand bars TikTok from parliament phones", "Parliamentary staff must delete the app by the end of the month, citing security risks."),
        item("nz-zh", "新西兰禁止议会设备使用TikTok", "新西兰议会以安全风险为由，要求工作人员在月底前删除该应用。", hours=1),
        item("ministry", "交通部：公务手机禁止安装TikTok", "交通部表示，该应用存在安全风险，公务设备不得安装。", hours=2),
        item("ca", "Canada bans TikTok on government-issued phones", "The transport ministry and other agencies said the app posed security risks on work devices.", hours=3),
    ])
    assert not any({"nz", "ca"} <= group or {"nz-zh", "ca"} <= group for group in found), found



def test_a_name_the_segmenter_does_not_know_stays_one_word_in_a_headline():
    # jieba knows neither 讯飞 nor 昇腾 and cuts each into loose characters; in a headline, joined,
    # they are words two Chinese reports can meet on, while the function words around them stay out.
    words = [w.text for w in Lexicon().words("科大讯飞发布星火大模型", unknown=True)]
    assert "讯飞" in words and "发布" in words
    assert "昇腾" in [w.text for w in Lexicon().words("华为昇腾芯片", unknown=True)]
    assert [w.text for w in Lexicon().words("他说将在明年推出", unknown=True)] == ["推出"]
    # in running text (and in text the segmenter cannot read at all) loose characters stay out
    assert "讯飞" not in [w.text for w in Lexicon().words("科大讯飞发布星火大模型")]
    a = item("a", "科大讯飞发布星火新版本")
    b = item("b", "讯飞星火升级", hours=2)
    assert "讯飞" in fold_explained([a, b]).reasons_for("a")[0]


def test_the_us_is_a_place_in_both_languages():
    """'US' and 美国 ('United States', 'US', 'USA' to CC-CEDICT) are America, a place like any
    other: titles naming it and another country are told apart by the places rule."""
    from datetime import datetime, timezone

    from whalewatch.model import Item
    from whalewatch.select.fold import _features
    from whalewatch.select.lexicon import Lexicon, stem

    when = datetime(2025, 1, 1, tzinfo=timezone.utc)

    def item(title: str) -> Item:
        return Item(key=title, feed="f", url="", canonical_url="", guid="", title=title, summary_html="",
                    summary_text="", author="", published=None, first_seen=when, date=when)

    assert stem("us") == stem("usa") == stem("american") == "america"
    assert "america" in Lexicon().glosses("美国")
    assert _features(item("US bans the app on government phones"), Lexicon()).places == {"america"}
    assert _features(item("美国禁止政府设备使用该应用"), Lexicon()).places == {"america"}
    # a region named after the continent is not the United States
    assert _features(item("Latin American central banks cut rates as US holds"), Lexicon()).places == {"america"}
    assert not _features(item("Latin American and South-American markets rally"), Lexicon()).places


def test_a_country_is_one_place_however_a_report_spells_it():
    """'U.S.', 'the United States', 'US' and 'Americans' are one place; a people named in the plural
    is its country ('Britons', 'Israelis'), as its adjective already was ('British')."""
    from whalewatch.select.text import read

    def units(text: str) -> list[str]:
        return read(text, Lexicon(), headline=True).units

    assert units("U.S. strike") == units("US strike") == units("United States strike") == ["america", "strike"]
    assert units("Americans fear") == ["america", "fear"]
    assert units("Britons cheer") == units("British cheer") == ["britain", "cheer"]
    assert units("Israelis and Iranians") == ["israel", "iran"]
    assert units("great wall") == ["great", "wall"]


def test_a_compiled_dictionary_replaces_the_caches_of_other_versions(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / "whalewatch"
    folder.mkdir()
    (folder / "cedict-v1-3817593-1.pickle").write_bytes(b"stale")
    dictionary.cache_clear()
    try:
        assert synonyms.__wrapped__("detain") and dictionary().glosses["地震"]
    finally:
        dictionary.cache_clear()
    left = [p.name for p in folder.iterdir()]
    assert len(left) == 1 and left[0].startswith(f"cedict-v{_VERSION}-") and left[0].endswith(".pickle")


def test_a_capital_names_its_country_but_a_province_s_capital_does_not():
    capitals = dictionary().capitals
    assert capitals["kyiv"] == "ukrain" and capitals["moscow"] == "russia" and capitals["tokyo"] == "japan"
    assert "hangzhou" not in capitals            # 'capital of Zhejiang': a province, not a country


def test_a_report_naming_a_country_by_its_capital_meets_one_naming_the_country(monkeypatch):
    from whalewatch.select import fold as fold_module
    troops = item("a", "Ukrainian troops seize villages in Russia's Belgorod region",
                  "Fighting spread along the border near the town of Shebekino, the regional governor said.")
    forces = item("b", "Kyiv's forces advance across the border, Moscow says",
                  "Russia's army said it was holding back an incursion near Shebekino in the Belgorod region.", hours=3)
    with_capitals = similar(troops, forces)
    monkeypatch.setattr(fold_module, "capital_table", dict)
    assert with_capitals > similar(troops, forces) + 0.02


def test_a_country_written_as_one_character_of_a_word_is_that_country():
    """Chinese news writes 'the US side' as 美方 and 'towards China' as 对华: the character is the
    country (CC-CEDICT's 'abbr. for 美国'), whether or not the dictionary lists the word; 美方 and 中方,
    which jieba tags as measure words, are no longer left out."""
    lexicon = Lexicon()

    def meanings(text: str) -> dict[str, frozenset[str]]:
        return {w.text: w.glosses for w in lexicon.words(text, unknown=True)}

    said = meanings("中方回应美方，印方表示")
    assert "china" in said["中方"] and said["美方"] == {"america"} and said["印方"] == {"india"}
    assert "china" in meanings("访华期间")["访华"]
    assert "对方" not in meanings("对方表示") or not meanings("对方表示")["对方"] & {"china", "america"}
    assert dictionary().countries["德"] == "germani" and "浙" not in dictionary().countries   # a province is no country


def test_a_glossary_name_joined_to_a_product_by_a_hyphen_leaves_the_product_whole():
    """'Kimi' = 'Moonshot AI': 'Kimi-K2' must read as Moonshot AI's K2, as 'Kimi K2' does, and not as
    the words 'moonshot' and 'ai-k2' (a release no other report names)."""
    from whalewatch.select.text import read
    glossary = Lexicon({"Moonshot AI": ["月之暗面", "Kimi"]})
    assert glossary.latin("kimi-k2 is out") == "moonshot ai -k2 is out"
    for title in ("Kimi-K2 is out", "Kimi K2 is out", "月之暗面发布Kimi-K2"):
        units = read(title, glossary, headline=True).units
        assert "k2" in units and not any(u.startswith("ai-") for u in units), (title, units)
    assert glossary.latin("kimi is out") == "moonshot ai is out"
