"""Never clipped: Gmail hides whatever follows about 102 KB of a message's HTML, footer and
unsubscribe link included. A full issue (every section at its cap, Chinese summaries, a note on
every story) must still arrive whole, with its footer."""

from __future__ import annotations

import re

from whalewatch.model import Coverage, Issue, SectionBlock, Story, StoryNote
from whalewatch.render.outputs import RenderSettings, Renderer, sent_size

CHINESE = "深度求索发布新一代推理模型，在数学、代码和自然语言推理任务上的表现与业界领先模型相当，模型权重以开源许可证发布。" * 3
NOTE = ("Why this matters for the week: the release changes what an open model costs to run, and the "
        "prices that follow will matter more than the benchmark table. ") * 4


def full_issue(base_url: str = "https://briefing.example/") -> Issue:
    sections = []
    for number in range(8):
        stories = [Story(id=f"s{number}-{n}", title=f"第{n}条：深度求索发布模型 {number}-{n}", url=f"https://news.example/{number}/{n}",
                         source="36氪", date="2025-01-27", summary_html="", summary_text=CHINESE, section=f"sec{number}",
                         language="zh", also=[Coverage("SCMP Tech", f"https://scmp.example/{number}/{n}", "Another report")],
                         notes=[StoryNote(f"<p>{NOTE}</p>", NOTE, "notes/x.md")])
                   for n in range(8)]
        sections.append(SectionBlock(f"sec{number}", f"Section {number}", "What this section covers, in a sentence.", None, stories))
    return Issue(title="Whale Watch", tagline="Weekly", number=5, week="2025-W05", window_start="2025-01-27",
                 window_end="2025-02-03", timezone="Asia/Shanghai", intro_html="<p>Hello.</p>", intro_text="Hello.",
                 top_title="Top stories", top=[], sections=sections, base_url=base_url,
                 stats={"stories": 64, "sources": 2, "items_read": 128, "notes": 64, "folded": 64, "dropped": 0},
                 unsubscribe="https://briefing.example/unsubscribe")


def test_a_full_issue_fits_under_the_clipping_point_with_its_footer_and_unsubscribe_link():
    renderer = Renderer(RenderSettings(None))
    whole = renderer.render_text_outputs(full_issue())
    email = whole["email.html"].decode("utf-8")
    assert sent_size(email) < 100_000
    assert "You receive this because you subscribed" in email and 'href="https://briefing.example/unsubscribe"' in email
    assert email.count('href="https://briefing.example/2025-W05/#s-') >= 60          # "read the rest" on the web
    assert sum(1 for s in range(8) for n in range(8) if f"{s}-{n}" in email) == 64    # every headline is still there
    web = whole["index.html"].decode("utf-8")
    assert web.count(NOTE.strip()) == 64 and "Read the rest" not in web              # the web page keeps everything
    (said,) = [p for p in renderer.problems if p.path == "email.html"]               # the cut is said, not silent
    assert "too long for mail clients" in said.message and said.severity == "warning"


def test_an_issue_that_fits_is_sent_as_it_is():
    renderer = Renderer(RenderSettings(None))
    issue = full_issue()
    issue.sections = issue.sections[:1]
    issue.sections[0].stories = issue.sections[0].stories[:3]
    email = renderer.render_text_outputs(issue)["email.html"].decode("utf-8")
    assert "Read the rest" not in email and email.count(NOTE.strip()) == 3
    assert not renderer.problems


def test_without_a_base_url_the_rest_is_the_article_itself():
    email = Renderer(RenderSettings(None)).render_text_outputs(full_issue(base_url=""))["email.html"].decode("utf-8")
    assert sent_size(email) < 100_000 and re.search(r'href="https://news.example/0/0"[^>]*>Read the rest', email)
