"""From items and notes to an Issue: notes on stories, sections, ranking, top stories, caps."""

from __future__ import annotations

from whalewatch.config import parse_config
from whalewatch.model import Note
from whalewatch.select import History, assemble_issue
from whalewatch.weeks import Week
from tests.conftest import MINIMAL_SECTIONS
from tests.select.test_fold import item

CONFIG_TEXT = ("briefing:\n  timezone: UTC\n  first_week: 2025-W01\n  top_stories: 1\n" + MINIMAL_SECTIONS +
               "feeds:\n  - {name: lab, url: 'https://lab.example/f', weight: 5, section: models}\n"
               "  - {name: wire, url: 'https://wire.example/f', weight: 1}\n")
CONFIG = parse_config(CONFIG_TEXT, "feeds.yaml")
W05 = Week.parse("2025-W05")


def note(**kw) -> Note:  # noqa: ANN003
    base = dict(path="notes/n.md", title="", body_html="<p>Why it matters.</p>", body_text="Why it matters.", week="2025-W05")
    base.update(kw)
    return Note(**base)


def build(items, notes=(), history=None):  # noqa: ANN001, ANN201
    return assemble_issue(CONFIG, W05, list(items), list(notes), history)


def test_issue_number_counts_from_first_week_and_window_is_the_iso_week():
    issue = build([]).issue
    assert (issue.number, issue.window_start, issue.window_end) == (5, "2025-01-27", "2025-02-03")


def test_note_with_url_annotates_the_story_and_best_source_leads():
    items = [item("w", "DeepSeek releases R1 model", "https://wire.example/r1?utm_source=x", feed="wire"),
             item("l", "DeepSeek-R1 release", "https://wire.example/r1", feed="lab", hours=2)]
    selection = build(items, [note(urls=["https://wire.example/r1/"])])
    (story,) = selection.issue.all_stories()
    assert story.source == "lab" and story.also == []      # the same article is never listed again under another feed
    assert story.notes[0].text == "Why it matters."


def test_note_without_a_matching_story_becomes_a_story_and_intro_is_separate():
    selection = build([], [note(title="Standalone", urls=["https://nowhere.example/x"]),
                           note(path="notes/intro.md", kind="intro", body_html="<p>Hello</p>", body_text="Hello")])
    issue = selection.issue
    assert [s.title for s in issue.all_stories()] == ["Standalone"]
    assert issue.intro_text == "Hello"


def test_sections_by_rules_feed_default_and_fallback():
    items = [item("a", "New chip export controls proposed", "https://wire.example/a", feed="wire"),
             item("b", "Something unrelated", "https://lab.example/b", feed="lab"),
             item("c", "Another unrelated thing", "https://wire.example/c", feed="wire")]
    stories = {s.title: s.section for s in build(items).issue.all_stories()}
    assert stories == {"New chip export controls proposed": "chips", "Something unrelated": "models",
                       "Another unrelated thing": "other"}


def test_editor_section_pin_exclude_and_translated_title():
    items = [item("a", "美国考虑新的芯片出口管制", "https://cn.example/a", feed="wire"),
             item("b", "Drop me", "https://wire.example/b", feed="wire"),
             item("c", "Pin me", "https://wire.example/c", feed="wire")]
    notes = [note(path="n1.md", urls=["https://cn.example/a"], translated_title="US weighs new chip export controls", section="models"),
             note(path="n2.md", urls=["https://wire.example/b"], exclude=True),
             note(path="n3.md", urls=["https://wire.example/c"], pin=True)]
    issue = build(items, notes).issue
    assert [s.title for s in issue.top] == ["Pin me"]
    (translated,) = [s for s in issue.all_stories() if s.original_title]
    assert (translated.title, translated.original_title, translated.section) == ("US weighs new chip export controls", "美国考虑新的芯片出口管制", "models")
    assert "Drop me" not in [s.title for s in issue.all_stories()]


def test_unknown_section_and_conflicting_notes_are_reported_and_the_build_goes_on():
    items = [item("a", "A story about chips", "https://wire.example/a", feed="wire")]
    selection = build(items, [note(path="n1.md", urls=["https://wire.example/a"], section="nope"),
                              note(path="n2.md", urls=["https://wire.example/a"], section="models"),
                              note(path="n3.md", urls=["https://wire.example/a"], section="chips")])
    messages = [str(p) for p in selection.problems]
    assert any("section 'nope' does not exist" in m for m in messages)
    assert any("n3.md" in m and "'models' was used" in m for m in messages)
    assert selection.issue.all_stories()[0].section == "models"


def test_top_stories_are_not_repeated_and_caps_apply():
    items = [item(str(n), f"Story number {n} about a new model release {n}", f"https://wire.example/{n}", feed="wire", hours=n)
             for n in range(12)]
    issue = build(items).issue
    ids = [s.id for s in issue.all_stories()]
    assert len(ids) == len(set(ids)) == 1 + 8      # one top story, a cap of 8 per section
    assert all(s.reasons for s in issue.all_stories())


def test_previously_in_issue_links_continuing_stories():
    history = History({"https://wire.example/a": {"number": 4, "week": "2025-W04", "url": "../2025-W04/index.html#s-x"}})
    (story,) = build([item("a", "Follow-up", "https://wire.example/a", feed="wire")], history=history).issue.all_stories()
    assert story.previously["number"] == 4


def test_an_editors_continues_links_an_earlier_issue_by_week_number_or_story_address():
    history = History(by_url={"https://wire.example/old": {"number": 3, "week": "2025-W03", "url": "../2025-W03/index.html#s-y"}},
                      issues={w: {"number": n, "week": w, "url": f"../{w}/index.html"} for n, w in ((2, "2025-W02"), (3, "2025-W03"))})
    stories = [item("a", "First follow-up", "https://wire.example/a", feed="wire"),
               item("b", "Second follow-up", "https://wire.example/b", feed="wire", hours=5),
               item("c", "Third follow-up", "https://wire.example/c", feed="wire", hours=9)]
    notes = [note(path="notes/a.md", urls=["https://wire.example/a"], continues=["2025-W02"]),
             note(path="notes/b.md", urls=["https://wire.example/b"], continues=["#3"]),
             note(path="notes/c.md", urls=["https://wire.example/c"], continues=["https://www.wire.example/old?utm_source=x"]),
             note(path="notes/d.md", title="Standalone", continues=["2030-W01"])]
    selection = build(stories, notes, history)
    by_title = {s.title: s for s in selection.issue.all_stories()}
    assert by_title["First follow-up"].previously["number"] == 2
    assert by_title["Second follow-up"].previously["number"] == 3
    assert by_title["Third follow-up"].previously == history.by_url["https://wire.example/old"]
    assert by_title["Standalone"].previously is None
    assert any(p.path == "notes/d.md" and "2030-W01" in p.message for p in selection.problems)


def test_a_custom_sections_entries_are_never_lifted_into_the_top_stories():
    config = parse_config("briefing:\n  timezone: UTC\n  top_stories: 2\n" + MINIMAL_SECTIONS.replace(
        "  - id: other\n", "  - id: numbers\n    title: Numbers\n    template: numbers\n    tags: [numbers]\n  - id: other\n") +
        "feeds:\n  - {name: lab, url: 'https://lab.example/f', weight: 9}\n  - {name: wire, url: 'https://wire.example/f', weight: 1}\n",
        "feeds.yaml")
    figure = item("fig", "DeepSeek reports 6.6 TiB/s read throughput", "https://lab.example/fig", feed="lab")
    figure.tags = ["numbers"]
    issue = assemble_issue(config, W05, [figure, item("n", "A model release", "https://wire.example/n", feed="wire")], []).issue
    assert [s.title for s in issue.top] == ["A model release"]
    assert [s.title for b in issue.sections if b.id == "numbers" for s in b.stories] == [figure.title]


def test_an_item_with_an_implausible_date_is_named_and_never_the_weeks_news():
    from dataclasses import replace

    news = item("a", "Chip rules tighten", "https://wire.example/1", feed="wire")
    junk = replace(item("b", "Archive page from 1970", "https://wire.example/2", feed="wire"),
                   date_note="implausible date 1970-01-01")
    selection = build([news, junk])
    shown = [s.title for s in selection.issue.top + [s for b in selection.issue.sections for s in b.stories]]
    assert shown == ["Chip rules tighten"]
    assert any(p.path == "feed 'wire'" and "'Archive page from 1970' left out" in p.message for p in selection.problems)


def test_stories_over_a_section_cap_are_counted_with_a_few_titles():
    config = parse_config(CONFIG_TEXT.replace("top_stories: 1", "top_stories: 0\n  max_per_section: 1"), "feeds.yaml")
    items = [item(str(n), f"Model release number {n} of the week", f"https://wire.example/{n}", feed="wire", hours=n)
             for n in range(3)]
    selection = assemble_issue(config, W05, items, [], None)
    (said,) = [p for p in selection.problems if "left out by the cap" in p.message]
    assert said.path.endswith("(cap 1)") and said.message.startswith("2 more stories")


def test_a_large_week_placed_on_a_second_core_comes_out_as_placed_here(monkeypatch):
    from whalewatch.select import assemble as assembling
    from whalewatch.select.place import Placer

    topics = ["chip export controls tighten", "new reasoning model released", "regulator opens probe",
              "cloud prices cut", "something else entirely"]
    items = [item(f"{n}", f"Story {n}: {topics[n % 5]}", f"https://wire.example/{n}", feed="wire" if n % 2 else "lab",
                  hours=n % 100) for n in range(40)]
    here = [(s.title, s.section, s.reasons[0]) for s in build(items).issue.all_stories()]
    remembered: list[int] = []
    real = Placer.remember
    monkeypatch.setattr(Placer, "remember", lambda self, found: remembered.append(len(found)) or real(self, found))
    monkeypatch.setattr(assembling, "PLACE_AHEAD_FROM", 10)
    ahead = [(s.title, s.section, s.reasons[0]) for s in build(items).issue.all_stories()]
    assert remembered == [40], "the reports were not placed by a worker"
    assert ahead == here


def test_a_story_split_by_the_weeks_end_says_it_continues_last_weeks_by_its_words():
    """Friday's 'ministry tells agencies to avoid it' and Monday's 'island bans it' carry other
    addresses; their words still tell the reader Monday's story goes on from last week's issue.
    A story of last week's Monday is too old to go on, and an unrelated one never does."""
    history = History(issues={"2025-W04": {"number": 4, "week": "2025-W04", "url": "../2025-W04/index.html"}},
                      stories={"2025-W04": [
                          {"id": "fri", "title": "Island's digital ministry tells government agencies to avoid the Corvid chatbot",
                           "summary": "The ministry said the chatbot poses a risk to national information security.", "date": "2025-01-24"},
                          {"id": "mon", "title": "Island's digital ministry reviews the Corvid chatbot",
                           "summary": "The ministry said the chatbot poses a risk to national information security.", "date": "2025-01-20"},
                          {"id": "port", "title": "Port strike ends after three days", "summary": "Dockers return to work.",
                           "date": "2025-01-24"}]})
    stories = {s.title: s for s in build([
        item("ban", "Island bans government agencies from using the Corvid chatbot", "https://wire.example/ban", feed="wire",
             summary="The premier said the chatbot endangers national information security."),
        item("rates", "Central bank holds interest rates", "https://wire.example/rates", feed="wire", hours=2,
             summary="Rates stay at 4%.")], history=history).issue.all_stories()}
    ban = stories["Island bans government agencies from using the Corvid chatbot"]
    assert ban.previously["number"] == 4 and ban.previously["url"] == "../2025-W04/index.html#s-fri"
    assert any("by its words" in r and "digital ministry tells" in r for r in ban.reasons)
    assert stories["Central bank holds interest rates"].previously is None
    history.stories["2025-W04"] = [s for s in history.stories["2025-W04"] if s["id"] != "fri"]
    (ban,) = build([item("ban", "Island bans government agencies from using the Corvid chatbot", "https://wire.example/ban",
                         feed="wire", summary="The premier said the chatbot endangers national information security.")],
                   history=history).issue.all_stories()
    assert ban.previously is None          # last Monday's review is a week before: too old to go on


def test_a_story_alike_to_one_report_of_this_weeks_story_is_not_said_to_continue_it():
    """Last Thursday's maths model and Monday's release both won olympiad gold, and one of Monday's
    reports says so in words last week's story shares; the release's other reports share nothing
    with it. Folding would not join the two, so the release does not 'continue' last week's story."""
    history = History(issues={"2025-W04": {"number": 4, "week": "2025-W04", "url": "../2025-W04/index.html"}},
                      stories={"2025-W04": [
                          {"id": "math", "title": "Lab's new maths model reaches olympiad gold medal status",
                           "summary": "The open-weight maths model solved five of six olympiad problems, gold medal level.",
                           "date": "2025-01-23"}]})
    release = [item("r1", "Lab releases V9 model series with a high-compute edition", "https://a.example/v9", feed="a",
                    summary="The V9 series and its high-compute edition target agents and long inputs."),
               item("r2", "Lab's V9 high-compute edition claims olympiad gold medal", "https://b.example/v9", feed="b", hours=2,
                    summary="The V9 series' high-compute edition reached gold medal level on olympiad problems."),
               item("r3", "Lab launches V9 model series for agents", "https://c.example/v9", feed="c", hours=3,
                    summary="The V9 series, with a high-compute edition, targets agents and long inputs.")]
    stories = build(release, history=history).issue.all_stories()
    assert len(stories) == 1 and len(stories[0].also) == 2          # one story of the release
    assert stories[0].previously is None


def test_a_story_leads_with_a_report_in_the_briefings_language_when_weights_tie():
    """Two wires of one weight, the Chinese one first: an English briefing leads with the English
    headline and lists the Chinese report beside it; a Chinese briefing the other way round. A
    heavier source still leads whatever its language."""
    text = CONFIG_TEXT + "  - {name: zhwire, url: 'https://zh.example/f', weight: 1}\n"
    reports = [item("zh", "深度求索发布V9模型，推理能力大幅提升", "https://zh.example/v9", feed="zhwire",
                    summary="深度求索今天发布V9模型。"),
               item("en", "DeepSeek releases V9 model with stronger reasoning", "https://wire.example/v9", feed="wire", hours=3,
                    summary="DeepSeek released its V9 model today.")]
    for language, lead in (("en", "wire"), ("zh", "zhwire")):
        config = parse_config(text.replace("  timezone: UTC\n", f"  timezone: UTC\n  language: {language}\n"), "feeds.yaml")
        (story,) = assemble_issue(config, W05, list(reports), []).issue.all_stories()
        assert story.source == lead and len(story.also) == 1, language
    heavier = parse_config(text.replace("zh.example/f', weight: 1", "zh.example/f', weight: 3"), "feeds.yaml")
    (story,) = assemble_issue(heavier, W05, list(reports), []).issue.all_stories()
    assert story.source == "zhwire"


def test_only_the_stories_shown_are_dressed_with_what_readers_follow(monkeypatch):
    """A week of 20,000 reports makes thousands of stories and shows a few dozen: their links as
    readers follow them (tracking dropped) are worked out for the shown ones only."""
    from whalewatch.select import assemble

    items = [item(str(n), f"Story number {n} about a new model release {n}", f"https://wire.example/{n}?utm_source=rss",
                  feed="wire", hours=n) for n in range(12)]
    cleaned, clean = [], assemble.clean_url
    monkeypatch.setattr(assemble, "clean_url", lambda url: cleaned.append(url) or clean(url))
    shown = build(items).issue.all_stories()
    assert len(shown) == 9 and len(cleaned) == 9, "one top story and a section of eight, of twelve"
    assert all(s.url.startswith("https://wire.example/") and "utm_source" not in s.url for s in shown)
    assert all(s.original_url == s.url + "?utm_source=rss" for s in shown)
