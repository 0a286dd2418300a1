"""Placement: the editor's rules choose a section, and nothing about how the sections happen to
be listed does."""

from __future__ import annotations

from whalewatch.config import parse_config
from whalewatch.select.place import Placer

SECTIONS = {
    "models": "  - id: models\n    title: Models\n    keywords: [app store, release, 开源]\n"
              "    patterns: ['(?:open|closed|public|released) weights?']\n",
    "policy": "  - id: policy\n    title: Policy\n    keywords: [data protection, ban, 监管]\n",
    "other": "  - id: other\n    title: Also noted\n    fallback: true\n",
}


def placer(order: list[str]) -> Placer:
    text = ("briefing:\n  timezone: UTC\nsections:\n" + "".join(SECTIONS[s] for s in order) +
            "feeds:\n  - {name: wire, url: 'https://wire.example/f'}\n")
    return Placer(parse_config(text, "feeds.yaml"))


def test_a_tie_between_sections_goes_to_the_more_specific_rule_whatever_their_order():
    title = "Regulator's data protection chief asks Apple to pull the chatbot from its app store"
    for order in (["models", "policy", "other"], ["policy", "models", "other"]):
        placement = placer(order).place(title, "", [], None)
        assert placement.section == "policy", (order, placement)
        assert "tied with 'models' at 3" in placement.reasons[-1]
    title = "Lab to release its chatbot despite a ban"
    for order in (["models", "policy", "other"], ["policy", "models", "other"]):
        assert placer(order).place(title, "", [], None).section == "models"


def test_traditional_chinese_meets_the_editors_simplified_keywords():
    placement = placer(["models", "policy", "other"]).place("金管會：加強監管該服務", "", [], None)
    assert placement.section == "policy" and "监管" in " ".join(placement.reasons)
    assert placer(["policy", "models", "other"]).place("月之暗面開源新模型", "", [], None).section == "models"


def test_a_report_matching_no_rule_does_not_outvote_one_that_matched():
    from whalewatch.select.place import Report

    reports = [Report("Navy tells sailors not to use the chatbot in any capacity", "An email cited security concerns.", [], None, 5.0),
               Report("Navy bans use of the chatbot", "", [], None, 0.5)]
    assert placer(["models", "policy", "other"]).place_story(reports).section == "policy"
    nothing = [Report("Navy tells sailors not to use the chatbot", "", [], None, 5.0)]
    assert placer(["models", "policy", "other"]).place_story(nothing).section == "other"


def test_a_pattern_is_as_specific_as_the_text_it_matched_not_as_long_as_it_is_to_write():
    title = "Data protection office reviews open weights"
    for order in (["models", "policy", "other"], ["policy", "models", "other"]):
        assert placer(order).place(title, "", [], None).section == "policy"


def test_a_keyword_is_found_wherever_it_starts_a_word_and_nowhere_else():
    place = placer(["models", "policy", "other"]).place
    assert place("Urban planners meet", "The ban-ner was red; bandwidth rose.", [], None).section == "other"
    # 'ban' inside 'urban', 'banner', 'bandwidth' is no ban; the second 'bans' here is one
    found = place("Urban bandwidth report", "Officials said the city bans it.", [], None)
    assert found.section == "policy" and found.reasons[0] == "text matches 'ban' (+1)"
    # a keyword whose first occurrence an earlier rule of the section took still scores at its next one
    chips = Placer(parse_config("briefing:\n  timezone: UTC\nsections:\n  - id: chips\n    title: Chips\n"
                                "    keywords: [export controls, export]\n  - id: other\n    title: Other\n    fallback: true\n"
                                "feeds:\n  - {name: wire, url: 'https://wire.example/f'}\n", "feeds.yaml"))
    assert chips.place("", "New export controls fail", [], None).score == 1
    assert chips.place("", "New export controls fail to stop exports", [], None).score == 2
    assert place("央行加强监管", "", [], None).section == "policy"


def test_a_report_announcing_a_named_release_goes_where_the_editor_lists_release():
    from whalewatch.select.place import Report
    from whalewatch.select.text import item_form

    text = ("briefing:\n  timezone: UTC\nsections:\n  - id: models\n    title: Models\n    keywords: [release, 发布]\n"
            "  - id: research\n    title: Research\n    keywords: [benchmark, paper, mixture-of-experts, 混合专家]\n"
            "  - id: other\n    title: Other\n    fallback: true\nfeeds:\n  - {name: wire, url: 'https://wire.example/f'}\n")
    placer = Placer(parse_config(text, "feeds.yaml"))
    story = [Report("Lab releases Nova-V2, a mixture-of-experts model that tops every benchmark", "", [], None, 1.0)]
    placed = placer.place_story(story)
    assert placed.section == "models" and "a release by its form" in " ".join(placed.reasons)
    assert placer.place_story([Report("实验室发布混合专家模型Nova-V2", "", [], None, 1.0)]).section == "models"
    # a release verb without a release name, or a name without the verb, is no announcement
    assert item_form("Regulator releases the paper behind its new rules") is None
    assert item_form("Nova-V2 tops a mixture-of-experts benchmark") is None
    assert placer.place_story([Report("Nova-V2 tops a mixture-of-experts benchmark", "", [], None, 1.0)]).section == "research"


def test_a_release_is_named_by_what_came_out_not_by_what_it_is_compared_with():
    from whalewatch.select.text import item_form
    # the only versioned name is the yardstick: a launch, but not of a named release
    assert item_form("Vendor unveils its Orion rack system to rival Nvidia's NVL72") is None
    assert item_form("厂商发布Orion超节点，对标英伟达NVL72") is None
    # a product name with a version in it, as labs write them, is a release name
    assert item_form("Lab launches Nova2.5-Max, saying it beats GPT-4o") == "release"
    assert item_form("实验室发布Nova2.5-Max，称性能超越DeepSeek-V3") == "release"
    assert item_form("Lab releases a model in 2025") is None


def test_a_paper_titled_by_its_versioned_model_is_the_release_s_own_report():
    from whalewatch.select.text import item_form
    assert item_form("Nova-Coder-V2: Breaking the Barrier of Closed Models in Code") == "release"
    assert item_form("Orion2.5: Mixture-of-Experts Vision-Language Models") == "release"
    # a one-letter name is a research paper's short name ('s1: Simple test-time scaling'), and a
    # name without a version is a system's
    assert item_form("s1: Simple test-time scaling") is None
    assert item_form("Nova-OCR: Contexts Optical Compression") is None
    assert item_form("Nova-V2: what it means for open models") == "essay"


def test_a_keyword_listed_in_the_plural_matches_the_singular_too():
    sections = Placer(parse_config("briefing:\n  timezone: UTC\nsections:\n  - id: chips\n    title: Chips\n"
                                   "    keywords: [chips, export controls, news]\n  - id: other\n    title: Other\n"
                                   "    fallback: true\nfeeds:\n  - {name: wire, url: 'https://wire.example/f'}\n", "feeds.yaml"))
    assert sections.place("Beijing sets up a fund for its own chip industry", "", [], None).section == "chips"
    assert sections.place("", "A new export control on memory", [], None).section == "chips"
    # 'news' is not the plural of 'new', nor 'bus' or 'analysis' of anything
    assert sections.place("A new lab opens", "", [], None).section == "other"


def test_the_default_sections_put_a_share_price_move_in_markets_even_when_it_names_a_chipmaker():
    """A chipmaker's name is a chips keyword; a story about its shares falling is still markets.
    Real reports of January 2025's sell-off went to chips because only 市值 or 'market value'
    spoke for markets, and a tie went to the section listed first."""
    from tests.conftest import ROOT
    from whalewatch.config import load_edition
    from whalewatch.select.place import Report
    placer = Placer(load_edition(ROOT / "feeds.yaml").config)
    reports = [Report("冲击美股!英伟达大跌17%,市值蒸发超4万亿元", "美国芯片巨头英伟达股价暴跌。", [], None, 1.0),
               Report("英偉達股價暴跌約17%", "美國芯片巨頭英偉達(NVIDIA)當日股價暴跌約17%。", [], None, 1.0),
               Report("Nvidia's $465 bn plunge, largest in market history", "Nvidia shares tumbled 13%.", [], None, 1.0),
               Report("Cambricon shares hit the daily limit after a chip hint", "寒武纪涨停。", [], None, 1.0)]
    for report in reports:
        assert placer.place_story([report]).section == "markets", report.title
    export_rule = Report("US tightens export controls on Nvidia's chips to China", "", [], None, 1.0)
    assert placer.place_story([export_rule]).section == "chips"


def test_a_chinese_keyword_and_the_english_one_it_translates_count_once_in_a_report():
    """英伟达 and Nvidia name one company: a Taiwanese report titled 輝達… whose summary says Nvidia
    must not score the chips section twice for it, and so outvote the other report's own word."""
    from whalewatch.select.place import Report
    text = ("briefing:\n  timezone: UTC\nsections:\n"
            "  - id: chips\n    title: Chips\n    keywords: [Nvidia, 英伟达]\n"
            "  - id: markets\n    title: Markets\n    keywords: [sell-off]\n"
            "  - id: other\n    title: Also noted\n    fallback: true\n"
            "feeds:\n  - {name: wire, url: 'https://wire.example/f'}\n")
    placer_ = Placer(parse_config(text, "feeds.yaml"))
    chinese = Report("輝達微服務上架新模型", "Nvidia lists the model on its NIM service.", [], None, 1.0)
    placement = placer_.place(chinese.title, chinese.summary, [], None)
    assert placement.section == "chips" and placement.score == 3.0         # the title's 3, not 3 + 1
    assert len(placement.reasons) == 1 and "one name" in placement.reasons[0]
    english = Report("Chipmaker offers the model as a microservice days after the sell-off", "", [], None, 1.0)
    assert placer_.place_story([english, chinese]).section == "markets"    # 3 against 3, not 3 against 4


def test_the_default_sections_tell_a_legislature_adopting_a_text_from_a_company_adopting_a_model():
    """'adopt' is a markets keyword (carmakers adopt a model); a resolution or a law's amendments
    adopted are policy, and the longer, more specific keyword settles the tie."""
    from tests.conftest import ROOT
    from whalewatch.config import load_edition
    from whalewatch.select.place import Report
    placer_ = Placer(load_edition(ROOT / "feeds.yaml").config)
    for title in ("Assembly adopts a resolution on closing the AI gap", "Data law amendments adopted",
                  "常委会表决通过数据法修正案", "大会通过加强人工智能能力建设合作决议"):
        assert placer_.place_story([Report(title, "", [], None, 1.0)]).section == "policy", title
    assert placer_.place_story([Report("Carmakers race to adopt the new model", "", [], None, 1.0)]).section == "markets"


def test_the_default_sections_put_a_city_government_s_ai_civil_servants_in_policy():
    """The issue's own case: a city government putting a model to work is policy, in Chinese as in
    English (the English list had *civil servants*, the Chinese none, and 上线 sent such reports to models)."""
    from tests.conftest import ROOT
    from whalewatch.config import load_edition
    from whalewatch.select.place import Report
    placer_ = Placer(load_edition(ROOT / "feeds.yaml").config)
    for title, summary in (("新“AI公务员”引发关注", "各地政府加速在日常政务中应用AI技术。某区近日上线70名数智员工,推出新服务。"),
                           ("A district puts 70 AI civil servants to work on a new model", "")):
        assert placer_.place_story([Report(title, summary, [], None, 1.0)]).section == "policy", title
