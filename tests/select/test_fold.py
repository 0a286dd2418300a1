"""Folding: canonical URLs, GUIDs, near-duplicates across languages; near-misses kept apart."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

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
        item("3", "Third wording", "https://b.example/y", feed="b", guid="urn:uuid:1234567890ab"),
        item("4", "Fourth wording", "https://c.example/z", feed="c", guid="urn:uuid:1234567890ab"),
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


def test_a_lab_whose_name_is_longer_than_three_letters_has_releases_too():
    # Qwen3 and Qwen3-Coder are two releases of one family, as R1 and R1-Zero are; a model page
    # named with its sizes (Qwen3-235B-A22B) is still the Qwen3 it names.
    found = groups([
        item("update", "Alibaba updates its flagship Qwen3 model and its open weights", "https://a.example/q3",
             "The Qwen3-235B-A22B-Instruct-2507 update improves reasoning and long context."),
        item("page", "Qwen3-235B-A22B-Instruct-2507 open weights", "https://huggingface.co/Qwen/Qwen3-235B-A22B-Instruct-2507",
             "Alibaba's updated flagship Qwen3 model: reasoning and long context improve."),
        item("coder", "Alibaba releases Qwen3-Coder model with open weights", "https://b.example/coder",
             "Alibaba's Qwen3-Coder-480B-A35B model improves reasoning and long context for code."),
    ])
    assert found == [{"coder"}, {"page", "update"}]


def test_same_words_far_apart_in_time_stay_apart():
    found = groups([
        item("a", "DeepSeek cuts API prices", "https://a.example/1"),
        item("b", "DeepSeek cuts API prices", "https://b.example/2", hours=24 * 10),
    ])
    assert found == [{"a"}, {"b"}]


# A week is never only one story: which words are common is learnt from the week's other items.
BACKGROUND = [item(f"bg{n}", title, f"https://bg.example/{n}", feed="bg", hours=6 + n, summary=summary)
              for n, (title, summary) in enumerate([
                  ("DeepSeek app climbs the download charts", "The chatbot gained users over the weekend."),
                  ("China's regulator publishes a new AI filing list", "More services registered with the CAC."),
                  ("Nvidia shares slip as investors weigh DeepSeek", "Chip stocks fell on Monday."),
                  ("DeepSeek founder meets the premier at a symposium", "Liang Wenfeng attended the meeting."),
                  ("Huawei shows Ascend chips running DeepSeek models", "Inference on domestic hardware."),
              ])]


def story_groups(items: list[Item]) -> list[set[str]]:
    return [g for g in groups(items + BACKGROUND) if not any(k.startswith("bg") for k in g)]


def test_a_week_dominated_by_one_release_still_folds_its_reports():
    """Most items say DeepSeek and V3: those words cannot be what finds the pairs, or tells them apart."""
    found = story_groups([
        item("gh", "v1.0.0: DeepSeek-V3", "https://github.com/deepseek-ai/DeepSeek-V3/releases/tag/v1.0.0", feed="gh",
             summary="First release of DeepSeek-V3, a 671B-parameter mixture-of-experts model with 37B active parameters."),
        item("news", "DeepSeek unveils V3, an open model it says rivals GPT-4o", "https://news.example/v3", feed="news", hours=2,
             summary="The 671-billion-parameter model was trained on 2,048 H800 chips."),
        item("hn", "DeepSeek-V3", "https://github.com/deepseek-ai/DeepSeek-V3?utm_source=hn", feed="hn", hours=3),
        item("zh", "深度求索发布DeepSeek-V3：6710亿参数混合专家模型", "https://zh.example/v3", feed="zh", hours=4,
             summary="DeepSeek-V3总参数6710亿，在2048块H800上完成训练。"),
        item("price", "DeepSeek sets V3 API price at $0.27 per million input tokens", "https://news.example/price", feed="news", hours=5,
             summary="After a discount period, input costs $0.27 per million tokens and output $1.10."),
    ])
    assert {"gh", "news", "hn", "zh"} in found and {"price"} in found


def test_a_bare_version_after_a_name_is_that_release():
    found = groups([
        item("a", "DeepSeek V3.1 adds a hybrid thinking mode and agent skills", "https://a.example/1", feed="a",
             summary="One model switches between thinking and non-thinking modes."),
        item("b", "DeepSeek 3.1: hybrid thinking mode, tried", "https://b.example/2", feed="b", hours=8,
             summary="Notes on the hybrid thinking release."),
    ])
    assert found == [{"a", "b"}]


def test_numbered_instalments_and_issues_stay_apart():
    found = groups([
        item("d2", "DeepSeek open-sources DeepEP on day two of its open-source week", "https://a.example/2"),
        item("d3", "DeepSeek open-sources DeepGEMM on day three of its open-source week", "https://a.example/3", hours=24),
        item("zh2", "DeepSeek开源周第二天：开源专家并行通信库DeepEP", "https://b.example/2", feed="b", hours=1),
        item("i397", "Import AI 397: what the week in compute tells us", "https://c.example/397", feed="c"),
        item("i398", "Import AI 398: what the week in compute tells us", "https://c.example/398", feed="c", hours=30),
    ])
    assert {"d2", "zh2"} in found and {"d3"} in found and {"i397"} in found and {"i398"} in found


def test_a_count_in_one_title_and_a_model_number_in_the_other_are_no_instalments():
    """Only numbers after the same word ('AI 397', 'AI 398') number instalments; a passenger count
    beside an aircraft's model number says nothing against two reports being one crash."""
    found = groups([
        item("count", "Jet with 132 on board crashes in Guangxi mountains", "https://a.example/1",
             summary="The China Eastern plane went down near Wuzhou, the aviation regulator said."),
        item("model", "China Eastern Boeing 737 crashes in Guangxi mountains", "https://b.example/1", feed="b", hours=3,
             summary="Rescue teams reached the crash site near Wuzhou with 132 people aboard."),
    ])
    assert found == [{"count", "model"}]


def test_an_office_shared_by_two_titles_is_not_a_shared_event():
    """'President Macron' in both titles says who, not what happened: talks in Paris and a dissolved
    parliament share no word of what each reports, and stay two stories."""
    found = groups([
        item("talks", "President Macron meets Xi in Paris for talks on trade", "https://a.example/1",
             summary="The two leaders discussed the war in Ukraine and tariffs on electric cars, and agreed to deepen cooperation."),
        item("vote", "President Macron dissolves parliament and calls snap election", "https://b.example/1", feed="b", hours=5,
             summary="The French president acted after his party's defeat in the European elections, saying France needed clarity."),
    ])
    assert found == [{"talks"}, {"vote"}]


def test_reports_about_different_names_or_commentary_on_news_stay_apart():
    found = story_groups([
        item("azure", "Microsoft offers DeepSeek-R1 on its Azure cloud despite a distillation review", "https://a.example/azure",
             summary="The model is available in Azure AI Foundry and on GitHub."),
        item("aws", "Amazon adds DeepSeek-R1 to Bedrock for its cloud customers", "https://b.example/aws", feed="b", hours=20,
             summary="AWS follows Microsoft in hosting the Chinese model on its own servers."),
        item("news", "Trump proposes tariffs of up to 100 per cent on chips made in Taiwan", "https://c.example/t", feed="c",
             summary="Chipmakers should build in the United States to avoid the levy on imported semiconductors."),
        item("essay", "What semiconductor tariffs would do to the AI build-out", "https://d.example/e", feed="d", hours=30,
             summary="Most AI servers are assembled outside the US from chips made in Taiwan; a levy lands on the data-centre bill."),
    ])
    assert all(len(group) == 1 for group in found), found


def test_names_and_commentary_lower_a_pair_score_but_words_still_decide():
    from whalewatch.select.fold import similar

    plain = similar(item("a", "Cloud offers DeepSeek-R1 to customers", summary="Available now for cloud customers."),
                    item("b", "Cloud adds DeepSeek-R1 for customers", summary="Available now for cloud customers."))
    named = similar(item("a", "Cloud offers DeepSeek-R1 to customers via Azure", summary="Available now for cloud customers."),
                    item("b", "Cloud adds DeepSeek-R1 for customers via Bedrock", summary="Available now for cloud customers."))
    assert named < plain * 0.6


def test_an_explainer_of_the_event_folds_with_its_report_but_commentary_on_a_proposal_does_not(monkeypatch):
    """'What to know about…' and a question headline ('…, what exploded?') are often the event's
    own report told as an explainer: when their words are as alike as two reports of one event,
    they fold. Commentary on a proposal (above) shares far fewer and stays apart."""
    from whalewatch.select import fold as fold_module
    report = item("report", "Huge blast at Valparaiso dockside depot kills dozens and injures thousands",
                  summary="A fire at a dockside depot in Valparaiso set off a huge blast on Tuesday evening, killing at least "
                          "60 people, injuring thousands and shattering windows across the Chilean port city.")
    explainer = item("explainer", "What to know about the huge blast at the Valparaiso dockside depot", feed="b", hours=14,
                     summary="Residents of Valparaiso counted the damage on Wednesday after a huge blast at a dockside "
                             "depot killed at least 60 people and injured thousands in the Chilean port city.")
    assert len(fold([report, explainer])) == 1
    waived = fold_module.similar(report, explainer)
    monkeypatch.setattr(fold_module, "ESSAY_OF_THE_EVENT", 1.0)
    assert fold_module.similar(report, explainer) == pytest.approx(waived * fold_module.ESSAY_AND_REPORT)


def test_a_toll_after_an_event_is_that_events_news_not_a_story_that_followed_it():
    from whalewatch.select.text import headline_context
    assert headline_context("At least 40 dead following depot blast in Chilean port") == (
        "At least 40 dead following depot blast in Chilean port", "")
    assert headline_context("Five people killed after bus plunges into ravine") == ("Five people killed after bus plunges into ravine", "")
    assert headline_context("Thousands flee after volcano erupts") == ("Thousands flee", "volcano erupts")
    toll = item("toll", "At least 40 dead following depot blast in Chilean port",
                summary="A dockside depot in Valparaiso blew up late on Tuesday, killing at least 40 people as fire spread.")
    blast = item("blast", "Dockside depot blast rocks Valparaiso", feed="b", hours=2,
                 summary="A fire at a dockside depot set off a blast that shook the Chilean port city late on Tuesday.")
    assert len(fold([toll, blast])) == 1


def test_a_guid_reused_within_one_feed_does_not_fold_but_one_syndicated_across_feeds_does():
    same = "https://wire.example/same"          # a relative guid 'same', resolved against the feed's address
    items = [item("a", "Chip export rules tighten", "https://wire.example/1", feed="wire", guid=same),
             item("b", "A new reasoning model ships", "https://wire.example/2", feed="wire", guid=same),
             item("c", "Chip export rules tighten (copy)", "https://mirror.example/9", feed="mirror", guid=same)]
    assert groups(items) == [{"a", "c"}, {"b"}]


def test_the_editors_fold_decisions_are_obeyed_after_the_algorithm():
    from whalewatch.select.fold import apply_decisions

    a = item("a", "Chip rules tighten", "https://a.example/1")
    b = item("b", "Chip rules tighten again", "https://b.example/2")
    c = item("c", "A model ships", "https://c.example/3", hours=1)
    d = item("d", "Another model ships", "https://d.example/4", hours=2)
    clusters, said = apply_decisions([[a, b], [c], [d]], together=[["https://c.example/3", "https://d.example/4"]],
                                     apart=["https://b.example/2"])
    assert [{i.key for i in cl} for cl in clusters] == [{"a"}, {"b"}, {"c", "d"}]
    assert "split" in said["b"] and "folded by the editor" in said["c"]
    untouched, nothing = apply_decisions([[a, b], [c]], together=[["https://zzz.example/9", "https://c.example/3"]], apart=[])
    assert [{i.key for i in cl} for cl in untouched] == [{"a", "b"}, {"c"}] and nothing == {}


def test_a_headlines_subject_is_its_first_name_not_a_places_adjective_or_the_chinese_after_it():
    from whalewatch.select.text import lead_word
    assert lead_word("Monica团队发布通用AI智能体Manus") == "monica"
    assert lead_word("Chinese start-up's Manus AI agent draws comparisons") == ""
    assert lead_word("China wins first gold medal of the Games") == "china"
    assert lead_word("Tesla quarterly profit falls") == "tesla"


def test_a_headline_naming_two_releases_meets_one_naming_the_second():
    # 'Ernie 4.5 and Ernie X1' and '…4.5和…X1' where only X1 is read as a release name: each title's
    # first release differs, but one names the other's, so they are not different releases.
    from whalewatch.select.fold import NEVER, similar
    a = item("a", "Lab launches Nova 4.5 and reasoning model Nova X1", summary="X1 matches rivals at half the price.")
    b = item("b", "实验室发布新星大模型4.5和深度思考模型X1", summary="X1性能对标竞品，价格仅为一半。", hours=2)
    assert similar(a, b) != NEVER
    c = item("c", "Lab launches Nova X2 for coding", hours=3)
    assert similar(a, c) == NEVER or similar(b, c) == NEVER


def test_a_report_that_mentions_anothers_event_only_as_background_scores_lower_with_it(monkeypatch):
    from whalewatch.select import fold as folding
    release = item("release", "Velmar begins pumping treated water from its Orvik reactor into the sea",
                   summary="The operator started the first release of diluted water from the plant on Thursday.")
    second = item("second", "Orvik plant operator starts releasing treated water into the sea", hours=2, feed="g",
                  summary="Velmar said the first batch of diluted water would be released over 17 days.")
    ban = item("ban", "Customs suspends all seafood imports from Velmar", hours=3, feed="h",
               summary="Officials cited the treated water now flowing from the Orvik reactor.")
    scores = folding.similar(release, second), folding.similar(release, ban)
    monkeypatch.setattr(folding, "UNMET_HEADLINE", 1.0)
    # nothing the ban's title says happened is in the release report; both titles of the release meet
    assert scores[1] == pytest.approx(folding.similar(release, ban) * 0.7)
    assert scores[0] == pytest.approx(folding.similar(release, second))


def test_a_short_form_of_a_headlines_subject_is_the_same_subject():
    from whalewatch.select.fold import Thresholds, similar
    a = item("a", "Federal Reserve cuts interest rates by half a percentage point",
             summary="The central bank lowered its benchmark rate, its first cut in four years.")
    b = item("b", "Fed makes jumbo rate cut as inflation cools", hours=2,
             summary="The half-point move was meant to keep the labour market strong.")
    assert similar(a, b) >= Thresholds().pair


def test_a_relative_clause_is_not_commentary():
    from whalewatch.select.text import essay_shaped
    assert not essay_shaped("R1 costs US$0.55 per million tokens, a fraction of what rivals charge")
    assert essay_shaped("R1-Zero and what reinforcement learning alone can teach a model")
    assert essay_shaped("Why the chip rules failed")


def test_an_acronym_meets_the_name_it_stands_for():
    """'WHO' in one report and 'World Health Organization' in another are one name, as 'MIIT' and
    'Ministry of Industry and Information Technology' are; and 'WHO declares…' is news, not a question."""
    from whalewatch.select.fold import fold_explained, similar
    from whalewatch.select.text import acronyms, essay_shaped, initialisms
    assert "who" in initialisms("Covid-19 is now a global pandemic, World Health Organization Says")
    assert "miit" in initialisms("the Ministry of Industry and Information Technology (MIIT) said")
    assert "bis" in initialisms("the Bureau of Industry and Security said")
    assert "miitm" not in initialisms("the Ministry of Industry and Information Technology (MIIT) said")
    # An acronym's last letter starts no name: 'AI Training' is not 'I Training', so not 'IT'.
    assert initialisms("Better AI Training & Inference") == {"ti": (("training", "inference"), "Training & Inference")}
    assert "sf" not in initialisms("The US Federal Reserve") and "fr" in initialisms("The US Federal Reserve")
    assert acronyms("FDIC seizes bank, WHO warns") == {"fdic", "who"}
    assert not acronyms("BREAKING NEWS: WHO SAYS IT WILL")       # a shouted headline has no acronyms
    assert not essay_shaped("WHO declares coronavirus outbreak a pandemic")
    assert essay_shaped("Who will lead the WHO?")
    assert not essay_shaped("Exclusive: WHO warns of a new wave") and essay_shaped("Exclusive: what WHO knew")
    pandemic = [
        item("who", "WHO declares coronavirus outbreak a pandemic", "https://a.example/1",
             summary="The agency's director-general said it was deeply concerned by alarming levels of spread and inaction."),
        item("spelled", "Covid-19 is now a global pandemic, World Health Organization says", "https://b.example/2", hours=2,
             summary="The UN health agency's chief urged governments to take urgent and aggressive action."),
        item("other", "Italy shuts schools in the north as cases rise", "https://c.example/3", hours=1,
             summary="The government closed universities too, for two weeks."),
    ]
    assert {"who", "spelled"} in groups(pandemic)
    assert "WHO=World Health Organization" in fold_explained(pandemic).reasons_for("who")[0].split(" share ")[1]
    other_body = item("spelled", pandemic[1].title.replace("World Health Organization", "Global Health Organisation"),
                      "https://b.example/2", summary=pandemic[1].summary_text, hours=2)     # as many words, spelling no 'WHO'
    assert similar(pandemic[0], pandemic[1]) > 1.5 * similar(pandemic[0], other_body)
    # 'US' is a place, met as America: 'United States' is not spelled out into a unit 'us' beside it
    from whalewatch.select.fold import _features, _weigh_week
    from whalewatch.select.lexicon import Lexicon
    reports = [item("us", "US bans the app on federal phones"), item("long", "United States Senate bans the app", hours=1)]
    read = [_features(report, Lexicon()) for report in reports]
    _weigh_week(reports, read)
    assert "america" in read[1].units and "us" not in read[1].units


def test_a_large_week_read_and_scored_in_two_processes_folds_as_one_process_does(monkeypatch):
    from whalewatch.select import fold as folding
    week = [item(f"{n}-{k}", f"Lab {name} unveils model {name} for {topic}", f"https://{k}.example/{n}", feed=f"feed{k}",
                 summary=f"The {topic} model from {name} is free to download.", hours=n)
            for n, (name, topic) in enumerate([("Nova", "coding"), ("Orbit", "maths"), ("Quill", "search"),
                                               ("Vela", "speech"), ("Tarn", "vision")]) for k in range(3)]
    alone = groups(week)
    monkeypatch.setattr(folding, "PARALLEL_FROM", 4)
    pools: list[int] = []

    from whalewatch.select import parallel

    class Recording(parallel.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs["max_workers"])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Recording)
    assert groups(week) == alone and len(alone) == 5
    assert pools == [2, 2], "the week was not read, then scored, in two forked workers"


def test_a_foreign_name_meets_its_chinese_transliteration_by_sound():
    """No dictionary lists next month's minister or town: Gorbunov meets 戈尔布诺夫 by its consonants."""
    from whalewatch.select.fold import Thresholds, similar
    english = item("en", "Mining minister Gorbunov resigns after Tarkovo dam collapse", feed="a")
    chinese = item("zh", "矿业部长戈尔布诺夫因塔尔科沃大坝溃坝辞职", feed="b", hours=2)
    renamed = item("zh2", "矿业部长马卡连科因塔尔科沃大坝溃坝辞职", feed="c", hours=2)
    assert similar(english, chinese) >= Thresholds().pair
    assert similar(english, renamed) < similar(english, chinese)   # another minister (Makarenko) of the same dam
    from whalewatch.select.fold import fold_explained
    result = fold_explained([english, chinese])
    assert "gorbunov~戈尔+布+诺夫 (by sound)" in result.reasons_for(result.clusters[0][0].key)[0]


def test_two_english_names_never_meet_by_sound_alone():
    from whalewatch.select.fold import _features, _heard, _sounds
    from whalewatch.select.lexicon import Lexicon
    a, b = item("a", "Kessler wins the Lindqvist prize"), item("b", "Kassler wins the Lundquist award")
    fa, fb = _features(a, Lexicon()), _features(b, Lexicon())
    _sounds(a, fa), _sounds(b, fb)
    assert fa.sound_keys & fb.sound_keys                   # they do sound alike
    assert not _heard("kessler", fa, fb)                   # but only a transliteration is met by sound


def test_different_percentages_in_two_titles_are_two_decisions():
    from whalewatch.select.fold import similar
    ours = item("a", "Ministry raises tariff on imported soybeans from 34% to 84%", summary="The new rate applies from Thursday.")
    same = item("b", "Soybean import tariff raised to 84%, ministry says", hours=1, summary="The rate rises from Thursday.")
    theirs = item("c", "Ministry raises tariff on imported soybeans to 125%", hours=1, summary="The new rate applies from Thursday.")
    assert similar(ours, same) > 2 * similar(ours, theirs)


def test_a_name_is_not_met_by_a_gloss_that_two_chinese_words_happen_to_share():
    """国务院 (State Council) and 美国 (United States) share the English gloss 'state', not a name."""
    from whalewatch.select.fold import _features, _name_met, _weigh_week
    from whalewatch.select.lexicon import Lexicon
    lexicon = Lexicon()
    reports = [item(k, t) for k, t in (("a", "国务院宣布新规"), ("b", "美国宣布新规"))]
    council, states = (_features(report, lexicon) for report in reports)
    _weigh_week(reports, [council, states])
    assert "state" in council.glosses["国务院"] & states.expanded
    assert not _name_met("国务院", council, states)


def test_a_measurement_in_a_title_is_not_a_release_name():
    """'DeepSeek 3.1' names a release; 'hit by 6.8-magnitude quake' measures one. Read as releases,
    'v6.8-magnitude' and 'v6.8' would be two releases of one family and hold two reports apart."""
    from whalewatch.select.lexicon import Lexicon
    from whalewatch.select.text import read, releases_in_order
    assert releases_in_order("DeepSeek 3.1 arrives with a longer context", bare_versions=True) == ["v3.1"]
    for title in ("Coastal province hit by 5.9-magnitude quake, at least 2 killed",
                  "Powerful 5.9 magnitude quake strikes coastal province", "A magnitude 5.9 tremor shakes the coast"):
        assert releases_in_order(title, bare_versions=True) == [], title
        assert not any(u.startswith("v5.9") for u in read(title, Lexicon(), headline=True).units), title   # nor a word
    from whalewatch.select.fold import NEVER, similar
    value = similar(item("a", "Atacama hit by 5.9-magnitude quake, at least 2 killed",
                         summary="A 5.9 magnitude earthquake struck Atacama on Wednesday, killing two people."),
                    item("b", "Powerful 5.9 magnitude quake strikes Atacama, two dead", hours=1,
                         summary="Two people died when a 5.9 magnitude earthquake shook Atacama on Wednesday."))
    assert value > NEVER                     # read as releases v5.9-magnitude and v5.9, it was NEVER


def test_two_releases_of_one_maker_in_one_week_stay_apart_when_one_is_named_without_a_number():
    """'DeepSeek-OCR' is a release as much as 'V3.2-Exp': two titles whose subjects are different
    releases are two stories, and a third report of either cannot bridge them."""
    from whalewatch.select.text import releases_in_order
    assert releases_in_order("DeepSeek-OCR reads pages as images", bare_versions=True) == ["ocr"]
    assert releases_in_order("DeepSeek-Powered apps and Open-Source tools", bare_versions=True) == []
    week = [item("v1", "DeepSeek launches V3.2-Exp with sparse attention, halving API prices", feed="a",
                 summary="The experimental open-source model cuts long-context costs; API prices fall by half."),
            item("v2", "DeepSeek V3.2-Exp cuts long-context costs with sparse attention", feed="b", hours=5,
                 summary="DeepSeek's new open-source model halves API prices for long inputs."),
            item("o1", "DeepSeek-OCR compresses long text into images, an open-source model", feed="c", hours=30,
                 summary="DeepSeek's new open-source model reads pages as images, cutting the cost of long inputs tenfold."),
            item("o2", "DeepSeek releases open-source model that compresses text through images", feed="d", hours=34,
                 summary="DeepSeek-OCR turns long documents into vision tokens, cutting the cost of long inputs.")]
    assert groups(week) == [{"o1", "o2"}, {"v1", "v2"}]


def test_a_release_edition_written_as_a_chinese_word_is_the_english_suffix():
    from whalewatch.select.text import releases_in_order
    assert releases_in_order("实验室推出推理模型R2-Mini预览版", bare_versions=True) == ["r2-mini-preview"]
    found = groups([item("zh", "实验室推出推理模型R2-Mini预览版，数学能力大幅提升", feed="a"),
                    item("en", "Lab unveils R2-Mini-Preview, a reasoning model strong at mathematics", feed="b", hours=2,
                         summary="The preview model shows its reasoning before answering.")])
    assert found == [{"en", "zh"}]


def test_a_title_of_200000_letters_is_read_without_backtracking():
    """Every pattern that reads a title is linear in it: a quadratic one would take hours here,
    not fail an assertion (an unbounded name before 预览版 once took 6 s for 20,000 letters)."""
    from whalewatch.select.text import foreign_names, item_form, releases_in_order
    flood = "a" * 200_000
    assert releases_in_order(flood + "版") == [] and releases_in_order(flood + "预览版") == []
    assert item_form("Lab releases " + "Nova " * 40_000 + "to rival " * 20_000) is None
    assert item_form("Nova-" * 40_000 + "V") is None and item_form("N" * 200_000 + "1") is None
    assert foreign_names("Zq" + "x" * 200_000) == {}


def test_a_name_the_other_report_lacks_costs_as_much_as_the_names_it_leaves_unmet():
    from whalewatch.select.fold import similar
    # the two titles share the storm's name and the state; one adds a region and a category, the
    # other a state: once, one unmet name on each side cost the pair 0.65 of its score and split it
    landfall = item("a", "Hurricane Nadia makes landfall in Florida's Big Bend as Category 4 storm",
                    summary="The storm came ashore near Perry with winds of 140 mph overnight.")
    inland = item("b", "Nadia slams Florida coast before tearing into Georgia", hours=6,
                  summary="Millions lost power as the hurricane raced inland after coming ashore near Perry with 140 mph winds.")
    assert groups([landfall, inland]) == [{"a", "b"}]
    # a title naming only someone the other never mentions still costs the full weight
    # (test_names_and_commentary_lower_a_pair_score_but_words_still_decide)
    assert similar(landfall, inland) > similar(landfall, item("c", inland.title.replace("Nadia", "Omar"), hours=6,
                                                             summary=inland.summary_text))


def test_two_groups_do_not_merge_through_a_report_alike_to_nothing_in_the_other():
    from whalewatch.select.fold import _stranger
    # rows: the first group's reports; columns: the second's
    assert _stranger([0.3, 0.3, 0.0, 0.0], width=2)            # its second report is like neither of theirs
    assert _stranger([0.3, 0.0, 0.3, 0.0], width=2)            # their second report is like neither of ours
    assert not _stranger([0.3, 0.0, 0.0, 0.2], width=2)        # every report is like one on the other side


# --- a story and what followed from it ------------------------------------------------------------

def test_a_headline_context_clause_is_split_from_what_it_reports():
    from whalewatch.select.text import headline_context
    assert headline_context("Oil tops $100 a barrel after Russia invades Ukraine") == ("Oil tops $100 a barrel", "Russia invades Ukraine")
    assert headline_context("After DeepSeek shock, Nvidia loses $600bn") == ("Nvidia loses $600bn", "DeepSeek shock")
    assert headline_context("Oil Tops $100 After Russia Invades Ukraine") == ("Oil Tops $100", "Russia Invades Ukraine")
    assert headline_context("硅谷银行倒闭后 美国地区银行股暴跌") == ("美国地区银行股暴跌", "硅谷银行倒闭后")
    assert headline_context("巴黎圣母院修复后重新开放") == ("巴黎圣母院修复后重新开放", "")    # 后 inside the clause


def test_a_story_that_followed_from_another_stays_apart_from_it(monkeypatch):
    from whalewatch.select import fold as fold_module
    failure = item("a", "美国硅谷银行倒闭 联邦存款保险公司接管",
                   summary="加州监管机构宣布关闭硅谷银行，并任命联邦存款保险公司为接管人，这是2008年以来美国最大的银行倒闭事件。")
    aftermath = item("b", "硅谷银行倒闭后 美国地区银行股暴跌",
                     summary="第一共和银行股价下跌逾60%，西太平洋联合银行跌近一半，投资者担心危机蔓延至其他中型银行。", hours=70)
    assert len(fold([failure, aftermath])) == 2
    monkeypatch.setattr(fold_module, "FOLLOWED_FROM", 1.0)
    assert len(fold([failure, aftermath])) == 1        # the rule is what keeps them apart


def test_two_reports_sharing_a_context_clause_still_fold():
    oil = item("a", "Oil tops $100 a barrel after Russia invades Ukraine",
               summary="Brent crude rose above $100 for the first time since 2014 on fears that the war would disrupt energy exports.")
    brent = item("b", "Brent crude breaks through $100 for first time in eight years",
                 summary="Energy prices soared as traders weighed sanctions on Moscow and the risk to supplies.", hours=3)
    assert len(fold([oil, brent])) == 1


def test_an_editors_pick_is_matched_with_the_folds_reading_not_a_second_one(monkeypatch):
    """A pick whose address no feed carries is compared with every report of the week: with the
    fold's reading kept, only the pick is read, and it lands on the story the full re-reading finds."""
    from whalewatch.select import fold as folding
    from whalewatch.select.lexicon import Lexicon
    week = [
        item("nv1", "Nvidia loses $589 billion in market value as DeepSeek rattles investors", "https://a.example/1", feed="a"),
        item("nv2", "英伟达股价重挫，市值蒸发5890亿美元", "https://b.example/2", feed="b", hours=3),
        item("it1", "Italy's privacy regulator blocks DeepSeek over data concerns", "https://c.example/3", feed="c"),
        item("it2", "Garante orders DeepSeek blocked in Italy", "https://d.example/4", feed="d", hours=2),
        item("hw1", "Huawei Ascend chips serve R1 through SiliconFlow", "https://e.example/5", feed="e", hours=5),
    ]
    pick = item("note:pick", "Italy's data watchdog and DeepSeek: the block explained", "https://elsewhere.example/x",
                summary="The Garante's order and what DeepSeek told the regulator about its data.", hours=6)
    lexicon = Lexicon()
    folded = folding.fold_explained(week, lexicon=lexicon)
    read = []
    real_features = folding._features
    monkeypatch.setattr(folding, "_features", lambda i, lx: read.append(i.key) or real_features(i, lx))
    kept = folding.match_clusters([pick], folded.clusters, lexicon, week=folded.week)
    assert read == ["note:pick"]
    again = folding.match_clusters([pick], folded.clusters, lexicon)
    assert len(read) == 1 + 1 + len(week)
    italy = next(n for n, c in enumerate(folded.clusters) if {i.key for i in c} == {"it1", "it2"})
    assert kept[0][0] == again[0][0] == italy


def test_one_sum_written_three_ways_is_one_figure():
    """'$294,000,' (a comma after it), '$294K' and '29.4万美元' are one sum, and a headline's sum is
    what a second report of it must meet: read as '294' and '000', and '294k', they met nothing."""
    from whalewatch.select.lexicon import Lexicon
    from whalewatch.select.text import read
    for title in ("Model cost $294,000, paper says", "Model cost $294K to train", "模型训练成本29.4万美元"):
        assert "3e5" in read(title, Lexicon(), headline=True).units, title
    assert "3e4" not in read("A context of 32K tokens", Lexicon(), headline=True).units      # K after money only
    from whalewatch.select.fold import similar
    first = item("a", "With a training cost of $294,000, Corvid-2 makes the cover of Nature",
                 summary="The paper gives the cost of reinforcement learning for the first time.")
    second = item("b", "Corvid's $294K model becomes the first to pass peer review", hours=2,
                  summary="The reasoning model cost $294,000 to train, the peer-reviewed paper in Nature says.")
    other = item("c", "Corvid's new model becomes the first to pass a driving test", hours=2,
                 summary="The model passed the test in Nevada, the company says.")
    assert similar(first, second) > 2 * similar(first, other)


def test_a_release_s_instruct_and_base_checkpoints_are_that_release():
    """K2-Instruct and K2-Base came out as K2, as its sizes did; K2-Instruct-0905 is still K2-0905."""
    from whalewatch.select.text import releases_in_order
    assert releases_in_order("moonshotai/Kimi-K2-Instruct") == ["k2"]
    assert releases_in_order("DeepSeek-V3-Base weights are up") == ["v3"]
    assert releases_in_order("Kimi-K2-Instruct-0905 lands") == ["k2-0905"]
    from whalewatch.select.fold import NEVER, similar
    assert similar(item("a", "Corvid-K2-Instruct", summary="A new open-weights model release today from Corvid."),
                   item("b", "Corvid releases K2, an open-weights model", hours=3,
                        summary="Corvid released K2 today, with open weights.")) > NEVER


def test_in_a_large_week_a_probe_is_compared_only_with_reports_sharing_a_rare_word_and_still_finds_its_story(monkeypatch):
    """An editor's links, or last week's stories, against a week of hundreds of reports: each is
    scored only against reports that share a word few reports use, and lands where comparing it
    with every report lands."""
    from whalewatch.select import fold as folding
    from whalewatch.select.lexicon import Lexicon
    filler = [item(f"f{n}", f"Markets update number {n}: shares and bonds move", f"https://f.example/{n}", feed="f",
                   hours=n % 90, summary="Traders watched prices and rates through the session.") for n in range(400)]
    story = [item("it1", "Italy's privacy regulator blocks DeepSeek over data concerns", "https://c.example/3", feed="c"),
             item("it2", "Garante orders DeepSeek blocked in Italy", "https://d.example/4", feed="d", hours=2)]
    pick = item("note:pick", "Italy's data watchdog and DeepSeek: the block explained", "https://elsewhere.example/x",
                summary="The Garante's order and what DeepSeek told the regulator about its data.", hours=6)
    lexicon = Lexicon()
    folded = folding.fold_explained(filler + story, lexicon=lexicon)
    scored = []
    real_score = folding._score
    monkeypatch.setattr(folding, "_score", lambda a, b, fa, fb: scored.append(b.key) or real_score(a, b, fa, fb))
    (found,) = folding.match_clusters([pick], folded.clusters, lexicon, week=folded.week)
    italy = next(n for n, c in enumerate(folded.clusters) if {i.key for i in c} == {"it1", "it2"})
    assert found[0] == italy
    assert set(scored) == {"it1", "it2"}                 # not the 400 reports that share only common words


def test_a_headline_shortening_a_release_with_an_edition_meets_its_full_name():
    """'Lab unleashes Nimbus 2.5' whose summary names 'Nimbus 2.5-Max' is that release: an edition's
    name joined to a bare version ('2.5-Max') is a release in running text too, never a measure."""
    from whalewatch.select.text import model_ids
    assert model_ids("The lab unveiled Nimbus 2.5-Max, a new iteration; talks ran 2.5-hour sessions") == {"v2.5-max"}
    found = groups([
        item("full", "Orbitex's Nimbus 2.5-Max model surpasses rivals on benchmarks", feed="a",
             summary="Orbitex unveiled Nimbus 2.5-Max, a mixture-of-experts model it says beats rival systems."),
        item("short", "Orbitex unleashes Nimbus 2.5 model, claims it outperforms rivals", feed="b", hours=3,
             summary="In a bold move, Orbitex has unveiled Nimbus 2.5-Max, a new iteration of its model."),
        item("race", "The AI race heats up as Orbitex challenges its rivals", feed="c", hours=5,
             summary="Orbitex has launched Nimbus 2.5-Max, an upgraded model it says beats rival systems."),
    ])
    assert found == [{"full", "short", "race"}]      # 'Nimbus 2.5' is the 2.5-Max its summary names, not another release
    from whalewatch.select.fold import _named_whole
    assert _named_whole("r7", frozenset({"r7-zero"})) == "r7"      # R7-Zero is another release, not R7's edition


@pytest.mark.parametrize("written, solid", [("sign-ups", "signups"), ("start-up", "startup"), ("roll-out", "rollout"),
                                            ("cyber attack", "cyberattack"), ("co-founder", "cofounder")])
def test_a_compound_written_apart_or_hyphenated_is_the_solid_word(written: str, solid: str):
    from whalewatch.select.lexicon import Lexicon
    from whalewatch.select.text import read
    lexicon = Lexicon()
    assert read(f"The {written} was news", lexicon).units == read(f"The {solid} was news", lexicon).units
    assert "scale" in read("a large-scale attack", lexicon).units        # two words joined stay two words


def test_an_acronym_hyphenated_to_words_is_read_as_the_words_apart():
    """'AI-generated content' is 'AI generated content', which a Chinese report writes AI生成内容;
    a compound of short words keeps its own sense ('cut-price' is cheap, not a price)."""
    from whalewatch.select.lexicon import Lexicon
    from whalewatch.select.text import read
    lexicon = Lexicon()
    assert read("AI-generated content", lexicon).units == read("AI generated content", lexicon).units
    assert "price" not in read("a cut-price model", lexicon).units
    assert read("DeepSeek-R1-Zero", lexicon).units == ["deepseek", "r1-zero"]


def test_a_name_in_many_titles_of_one_day_still_tells_its_story_apart():
    """In a quiet week five reports of one release are a large share of the titles (5 of 16), but a
    name whose titles all fall within two days is that story's, not the week's frame: it still
    holds the story apart from another release of the same open-source week."""
    kernel = [item(f"k{n}", title, feed=f"k{n}", hours=n, summary=summary) for n, (title, summary) in enumerate([
        ("Vantor opens its source week with FlashQ, a decoding kernel", "FlashQ is an efficient decoding kernel for Hopper GPUs."),
        ("Vantor open-sources FlashQ, the first library of its open source week", "FlashQ, a decoding kernel, is the first of five libraries."),
        ("Vantor releases FlashQ decoding kernel for Hopper GPUs", "The FlashQ kernel serves variable-length sequences."),
    ])]
    comms = [item(f"c{n}", title, feed=f"c{n}", hours=26 + n, summary=summary) for n, (title, summary) in enumerate([
        ("Vantor Open Source Week Day 2: ZenEP Optimizes Expert Model Training", "ZenEP is the first open-source expert-parallel communication library."),
        ("Vantor Releases ZenEP: An Efficient Communication Library for Expert Models", "ZenEP is the second library of Vantor's open source week."),
        ("Vantor open-sources ZenEP, an expert-parallel communication library", "ZenEP offers all-to-all communication for expert models."),
        ("ZenEP: Vantor's open-source library for expert-parallel communication", "The ZenEP library supports NVLink and RDMA."),
        ("Vantor's ZenEP library speeds expert model training", "ZenEP, the second library of the week, is open source."),
    ])]
    other = [item(f"o{n}", f"Vantor {topic}", feed=f"o{n}", hours=50 + 12 * n) for n, topic in enumerate(
        ["cuts prices at night", "hires for a new lab", "answers a privacy question", "app tops the charts in Korea",
         "founder speaks at a symposium", "model runs on domestic chips", "paper wins a best-paper award",
         "signs a cloud deal with a carmaker"])]
    found = groups(kernel + comms + other)
    assert {"k0", "k1", "k2"} in found and {"c0", "c1", "c2", "c3", "c4"} in found


def test_an_edition_written_apart_from_its_release_is_that_edition():
    """'V9 Ultima' in one report is the 'V9-Ultima' another's title names: the release and its
    edition's word, written apart. Without the word, 'V9' alone is still not V9-Ultima."""
    found = groups([
        item("title", "New Vantor V9-Ultima model claims reasoning parity with rivals", feed="a",
             summary="Vantor released its V9 model series on Monday, with a high-compute Ultima variant."),
        item("apart", "Vantor strikes back: ambitious new AI models aim at rivals", feed="b", hours=2,
             summary="The startup has launched its new V9 and V9 Ultima models, claiming rival-level reasoning."),
    ])
    assert found == [{"apart", "title"}]
    from whalewatch.select.fold import _unmet
    assert _unmet(frozenset({"v9-ultima"}), frozenset({"v9"}), frozenset({"model", "launch"}))
