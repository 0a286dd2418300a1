"""The desk in real headless Chromium: each action clicked, the note file it writes read back,
the rebuilt page checked after a reload; and a write from anywhere else refused."""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from tests.conftest import run_cli
from tests.test_serve import get, preview  # noqa: F401 - the preview fixture: whalewatch serve in a thread

WEEK = "2025-W05"


def desk_notes(edition: Path) -> dict[str, tuple[dict, str]]:
    found = {}
    for path in sorted((edition / "notes" / "desk").glob("*.md")):
        front, body = re.match(r"^---\n(.*?)\n---\n?(.*)$", path.read_text(), re.S).groups()
        found[path.name] = (yaml.safe_load(front), body.strip())
    return found


def open_desk(page, url: str) -> None:  # noqa: ANN001
    page.goto(f"{url}desk/{WEEK}")
    expect(page.locator("h2").first).to_be_visible()


def story(page, title_part: str):  # noqa: ANN001, ANN201
    return page.locator("article.story", has=page.locator("h3", has_text=title_part)).first


def act_and_wait(page, do) -> None:  # noqa: ANN001
    """The desk reloads itself after a successful action."""
    with page.expect_event("load"):
        do()


def test_pin_move_and_why_it_matters_are_written_as_notes_and_shown(preview, page):  # noqa: F811
    url, edition = preview
    open_desk(page, url)
    first = page.locator("article.story").nth(3)
    title = first.locator("h3").inner_text()
    story_url = first.get_attribute("data-url")

    act_and_wait(page, lambda: first.get_by_role("button", name="Pin").click())
    ((name, (meta, _)),) = desk_notes(edition).items()
    assert meta["pin"] is True and meta["url"] == story_url and meta["week"] == WEEK
    top = page.locator("h2", has_text="Top stories").locator("xpath=following-sibling::article")
    assert title in " ".join(top.all_inner_texts())
    expect(story(page, title).get_by_role("button", name="Unpin")).to_be_visible()

    act_and_wait(page, lambda: story(page, title).locator("select[data-action=move]").select_option("chips"))
    assert desk_notes(edition)[name][0]["section"] == "chips"

    why = "Export rules set the price of every chip sold in China this year."
    act_and_wait(page, lambda: (story(page, title).locator("textarea[data-action=why]").fill(why),
                                story(page, title).locator("textarea[data-action=why]").blur()))
    assert desk_notes(edition)[name][1] == why
    expect(story(page, title).locator("textarea[data-action=why]")).to_have_value(why)
    _, _, body = get(f"{url}{WEEK}/")
    assert why in body.decode()

    page.reload()                                          # the decisions hold across a reload
    expect(story(page, title).get_by_role("button", name="Unpin")).to_be_visible()
    act_and_wait(page, lambda: story(page, title).get_by_role("button", name="Unpin").click())
    assert "pin" not in desk_notes(edition)[name][0]


def test_titles_drop_and_restore(preview, page):  # noqa: F811
    url, edition = preview
    open_desk(page, url)
    card = page.locator("article.story").nth(2)
    story_url = card.get_attribute("data-url")
    act_and_wait(page, lambda: (card.locator("input[data-action=headline]").fill("A plainer headline"),
                                card.locator("input[data-action=headline]").blur()))
    (meta, _), = desk_notes(edition).values()
    assert meta["headline"] == "A plainer headline"
    expect(story(page, "A plainer headline")).to_be_visible()

    act_and_wait(page, lambda: story(page, "A plainer headline").get_by_role("button", name="Drop").click())
    (meta, _), = desk_notes(edition).values()
    assert meta["exclude"] is True
    expect(page.locator("article.story", has=page.locator("h3", has_text="A plainer headline"))).to_have_count(0)
    assert "A plainer headline" not in get(f"{url}{WEEK}/")[2].decode()

    act_and_wait(page, lambda: page.locator("li", has_text=story_url).get_by_role("button", name="Restore").click())
    expect(story(page, "A plainer headline")).to_be_visible()


def test_merge_then_split_are_kept_and_obeyed_by_the_fold(preview, page):  # noqa: F811
    url, edition = preview
    open_desk(page, url)
    before = page.locator("article.story").count()
    first, second = page.locator("article.story").nth(4), page.locator("article.story").nth(5)
    first_url, second_url = first.get_attribute("data-url"), second.get_attribute("data-url")
    first.locator("select[data-role=merge-target]").select_option(second_url)
    act_and_wait(page, lambda: first.get_by_role("button", name="Merge").click())
    ((name, (meta, _)),) = desk_notes(edition).items()
    assert name.startswith("fold-") and second_url in meta["together"]
    assert page.locator("article.story").count() == before - 1
    # One story now carries the other as a report (whichever of the two leads it).
    split = page.locator(f"button[data-action=split][data-value='{second_url}'], "
                         f"button[data-action=split][data-value='{first_url}']")
    expect(split).to_have_count(1)

    page.reload()                                     # kept: the fold obeys the file on every build
    act_and_wait(page, lambda: split.click())
    names = list(desk_notes(edition))
    assert len(names) == 1 and names[0].startswith("apart-"), "the split replaces the merge"
    assert page.locator("article.story").count() == before


def post(url: str, body: dict, headers: dict) -> tuple[int, dict]:
    request = urllib.request.Request(f"{url}desk/{WEEK}/act", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_a_write_from_another_origin_or_without_the_token_is_refused(preview, page):  # noqa: F811
    url, edition = preview
    open_desk(page, url)
    token = page.locator("meta[name=whalewatch-token]").get_attribute("content")
    target = page.locator("article.story").first.get_attribute("data-url")
    pin = {"action": "pin", "story": target}
    assert post(url, pin, {})[0] == 403
    status, reply = post(url, pin, {"X-Whalewatch-Token": token, "Origin": "https://evil.example"})
    assert status == 403 and "evil.example" in reply["message"]
    assert post(url, pin, {"X-Whalewatch-Token": "guess"})[0] == 403
    # From a page of another origin, in the browser: the fetch fails and nothing is written.
    page.goto("about:blank")
    outcome = page.evaluate("""async ([url, body]) => {
        try { const r = await fetch(url, {method: 'POST', body: body, headers: {'Content-Type': 'text/plain'}, mode: 'no-cors'});
              return 'sent'; } catch (e) { return 'failed'; } }""", [f"{url}desk/{WEEK}/act", json.dumps(pin)])
    assert outcome in ("sent", "failed")
    assert not (edition / "notes" / "desk").exists() or not list((edition / "notes" / "desk").glob("*.md"))
    status, reply = post(url, {"action": "pin", "story": "file:///etc/passwd"}, {"X-Whalewatch-Token": token})
    assert status == 400 and "not an http(s) address" in reply["message"]
    status, reply = post(url, {"action": "move", "story": target, "value": "../../etc"}, {"X-Whalewatch-Token": token})
    assert status == 400 and "no section" in reply["message"]
    assert raw_post(url, token, "Content-Length", "lots") == (400, "the request has no valid Content-Length")
    status, ok = post(url, pin, {"X-Whalewatch-Token": token, "Origin": url.rstrip("/")})
    assert status == 200 and ok["ok"]


def raw_post(url: str, token: str, header: str, value: str) -> tuple[int, str]:
    """A POST with one header as a hostile client writes it, which urllib would not send."""
    host, port = urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port
    connection = http.client.HTTPConnection(host, port, timeout=30)
    connection.putrequest("POST", f"/desk/{WEEK}/act")
    for name, text in (("X-Whalewatch-Token", token), ("Content-Type", "application/json"), (header, value)):
        connection.putheader(name, text)
    connection.endheaders()
    response = connection.getresponse()
    return response.status, json.loads(response.read())["message"]


def test_approve_and_hold_from_the_desk(preview, page):  # noqa: F811
    url, edition = preview
    run_cli("--config", str(edition / "feeds.yaml"), "build", "--week", WEEK, "--no-pdf")
    open_desk(page, url)
    act_and_wait(page, lambda: page.get_by_role("button", name="Approve").click())
    expect(page.locator("#issue-state")).to_have_text("approved")
    act_and_wait(page, lambda: page.get_by_role("button", name="Hold").click())
    expect(page.locator("#issue-state")).to_have_text("held")
    status = run_cli("--config", str(edition / "feeds.yaml"), "status").stdout
    assert "held" in status and WEEK in status


@pytest.mark.parametrize("width", [390, 1280])
def test_the_desk_reads_at_phone_and_desktop_widths(preview, page, width, tmp_path):  # noqa: F811
    url, _ = preview
    page.set_viewport_size({"width": width, "height": 900})
    open_desk(page, url)
    shots = Path(__file__).resolve().parent.parent / ".test-artifacts"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / f"desk-{width}.png"), full_page=False)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >
        document.documentElement.clientWidth + 1).slice(0, 3).map(e => e.tagName + '.' + e.className)""")
    assert overflow <= 1, f"the desk scrolls sideways by {overflow}px at {width}px: {wide}"


def test_the_worklist_asks_for_a_translation_and_takes_it(preview, page):  # noqa: F811
    url, edition = preview
    (edition / "notes" / "zh-only.md").write_text(
        "---\ntitle: 深度求索发布新的推理模型\nurl: https://zh.example.cn/news/1\nweek: 2025-W05\n---\n正文。\n", encoding="utf-8")
    page.goto(f"{url}desk/{WEEK}")
    asked = page.locator(".worklist li", has_text="深度求索发布新的推理模型")
    expect(asked).to_contain_text("Chinese title only")
    act_and_wait(page, lambda: (asked.locator("input").fill("DeepSeek releases a new reasoning model"),
                                asked.locator("input").blur()))
    (meta, _), = desk_notes(edition).values()
    assert meta["translated_title"] == "DeepSeek releases a new reasoning model"
    expect(page.locator(".worklist li", has_text="深度求索发布新的推理模型")).to_have_count(0)
    expect(story(page, "DeepSeek releases a new reasoning model")).to_contain_text("original: 深度求索发布新的推理模型")


def test_the_worklist_names_failing_feeds_unread_notes_and_weak_folds(fetched_sample):
    from datetime import datetime, timedelta, timezone

    from whalewatch.config import load_edition
    from whalewatch.desk import worklist
    from whalewatch.errors import Problem
    from whalewatch.model import Issue, SectionBlock, Story
    from whalewatch.store import FeedRecord, Store

    edition = load_edition(fetched_sample)
    now = datetime.now(timezone.utc)
    with Store(edition.store_path) as store:
        for when in (now - timedelta(days=3), now):
            store.record_feeds([FeedRecord("Dead feed", "https://gone.example/rss", when, 404, error="HTTP 404")])
    weak = Story(id="w", title="Two reports joined loosely", url="https://a.example/1", source="A", date="2025-01-28",
                 summary_html="", summary_text="", section="models",
                 reasons=["joined by wording (0.15): 'x' and 'y' share chip"])
    strong = Story(id="s", title="Two reports joined firmly", url="https://a.example/2", source="A", date="2025-01-28",
                   summary_html="", summary_text="", section="models", reasons=["joined by wording (0.62): 'x' and 'y' share r1"])
    issue = Issue(title="T", tagline="", number=5, week=WEEK, window_start="2025-01-27", window_end="2025-02-03",
                  timezone="UTC", intro_html="", intro_text="", top_title="Top", top=[],
                  sections=[SectionBlock("models", "Models", "", None, [weak, strong])], stats={})
    work = worklist(edition, issue, [Problem("notes/broken.md", 3, "YAML syntax error", "error")], now)
    assert [s.id for s, _ in work.weak_folds] == ["w"]
    assert [p.path for p in work.unread_notes] == ["notes/broken.md"]
    assert len(work.failing_feeds) == 1 and work.failing_feeds[0].startswith("Dead feed: failing for 3 days")


def test_a_desk_file_edited_by_hand_is_read_as_notes_are_and_a_broken_one_is_not_overwritten(tmp_path):
    from tests.conftest import copy_sample
    from whalewatch.config import load_edition
    from whalewatch.desk import DeskError, act, desk_file, dropped_this_week, read_desk_note
    from whalewatch.urls import canonical_url

    edition = load_edition(copy_sample(tmp_path / "edition"))
    address = "https://wire.example/2025/01/28/story"
    path = desk_file(edition, "story", canonical_url(address))
    path.parent.mkdir(parents=True, exist_ok=True)
    # saved by an editor on Windows: CRLF line ends, and a BOM
    path.write_bytes(f"\ufeff---\r\nurl: {address}\r\nweek: {WEEK}\r\npin: true\r\n---\r\nWhy it matters.\r\n".encode())
    act(edition, WEEK, {"action": "drop", "story": address})
    meta, body = read_desk_note(path)
    assert meta["pin"] is True and meta["exclude"] is True and body == "Why it matters."
    assert dropped_this_week(edition, WEEK) == [address]

    broken = "---\nurl: [not closed\n---\nkept as the editor left it\n"
    path.write_text(broken)
    with pytest.raises(DeskError, match="cannot be read"):
        act(edition, WEEK, {"action": "pin", "story": address})
    assert path.read_text() == broken and dropped_this_week(edition, WEEK) == []
