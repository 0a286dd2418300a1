"""The preview server, driven in real headless Chromium: edit on disk, see the open page change."""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from whalewatch.render.env import PACKAGE_TEMPLATES
from whalewatch.serve import serve
from tests.conftest import WHALEWATCH, run_cli

RELOAD_TIMEOUT_MS = 15_000


@pytest.fixture
def preview(fetched_sample: Path):
    ready: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(fetched_sample,), daemon=True,
                              kwargs={"port": 0, "on_ready": ready.append, "stop": stop})
    thread.start()
    deadline = time.monotonic() + 30
    while not ready and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready, "the preview server did not start"
    yield ready[0], fetched_sample.parent
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()


def get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.status, response.headers["Content-Type"], response.read()


def test_the_index_lists_the_draft_week_and_every_past_issue(preview, page):
    url, _ = preview
    page.goto(url)
    expect(page.locator("h1")).to_contain_text("Whale Watch")
    links = page.locator("li > a").all_inner_texts()
    assert "2025-W05" in links and "2025-W09" in links
    assert "draft, this week" in page.inner_text("li:first-child")


def test_every_format_of_a_week_is_served(preview):
    url, _ = preview
    status, kind, body = get(url + "2025-W05/")
    assert status == 200 and "Nvidia" in body.decode() and "/__reload" in body.decode()
    for path, expected_type, marker in (("email.html", "text/html", b"Nvidia"), ("briefing.md", "text/plain", b"# Whale Watch #5"),
                                        ("briefing.txt", "text/plain", b"WHALE WATCH"), ("issue.json", "application/json", b'"number": 5'),
                                        ("briefing.pdf", "application/pdf", b"%PDF-")):
        status, kind, body = get(url + "2025-W05/" + path + "?raw=1")
        assert status == 200 and kind.startswith(expected_type) and marker in body, path


def test_saving_a_template_rebuilds_and_reloads_the_open_page(preview, page):
    url, edition = preview
    page.goto(url + "2025-W05/")
    expect(page.locator("article.story").first).to_be_visible()
    story = (PACKAGE_TEMPLATES / "partials" / "story.html").read_text()
    target = edition / "templates" / "partials" / "story.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(story.replace('<p class="meta">', '<p class="edited-by-test">Edited on disk</p><p class="meta">'))
    expect(page.locator(".edited-by-test").first).to_be_visible(timeout=RELOAD_TIMEOUT_MS)
    assert (edition / "briefings").exists() is False, "the preview must not write issues"


def test_a_template_error_is_shown_in_the_page_then_fixing_it_recovers(preview, page):
    url, edition = preview
    page.goto(url + "2025-W05/")
    target = edition / "templates" / "partials" / "story.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("{% macro story(s, heading='h3') %}\n<article>{{ s.title }\n{% endmacro %}\n")
    error = page.locator("pre.whalewatch-error")
    expect(error).to_contain_text("templates/partials/story.html:2", timeout=RELOAD_TIMEOUT_MS)
    expect(error).to_contain_text("syntax error")
    target.write_text("{% macro story(s, heading='h3') %}\n<article class='story'><h3 class='fixed'>{{ s.title }}</h3></article>\n{% endmacro %}\n")
    expect(page.locator("h3.fixed").first).to_be_visible(timeout=RELOAD_TIMEOUT_MS)


def test_the_markdown_view_reloads_too_and_names_an_undefined_variable(preview, page):
    url, edition = preview
    page.goto(url + "2025-W05/briefing.md")
    expect(page.locator("pre.whalewatch-source")).to_contain_text("# Whale Watch #5")
    target = edition / "templates" / "briefing.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("# {{ issue.title }}\n\n{{ issue.no_such_field }}\n")
    error = page.locator("pre.whalewatch-error")
    expect(error).to_contain_text("templates/briefing.md:3", timeout=RELOAD_TIMEOUT_MS)
    expect(error).to_contain_text("no_such_field")


def test_adding_a_section_in_feeds_yaml_shows_up_in_the_open_page(preview, page):
    url, edition = preview
    page.goto(url + "2025-W05/")
    expect(page.locator("article.story").first).to_be_visible()
    config = edition / "feeds.yaml"
    text = config.read_text()
    section = """  - id: app-stores
    title: Apps and downloads
    description: Where readers meet the models.
    keywords: [App Store, downloads, 应用商店]
"""
    config.write_text(text.replace("sections:\n", "sections:\n" + section, 1))
    expect(page.locator("section#app-stores h2")).to_have_text("Apps and downloads", timeout=RELOAD_TIMEOUT_MS)
    expect(page.locator("section#app-stores")).to_contain_text("App Store")


def test_a_broken_feeds_yaml_is_shown_in_the_page_not_a_crash(preview, page):
    url, edition = preview
    page.goto(url + "2025-W05/")
    config = edition / "feeds.yaml"
    good = config.read_text()
    config.write_text(good.replace("sections:", "sectons:", 1))
    expect(page.locator("pre.whalewatch-error")).to_contain_text("sectons", timeout=RELOAD_TIMEOUT_MS)
    config.write_text(good)
    expect(page.locator("article.story").first).to_be_visible(timeout=RELOAD_TIMEOUT_MS)


def test_a_fetch_while_previewing_refreshes_the_page(preview, page, tmp_path):
    url, edition = preview
    page.goto(url + "2025-W05/")
    expect(page.locator("article.story").first).to_be_visible()
    feed = edition / "feeds" / "late.xml"
    feed.write_text("""<?xml version="1.0"?><rss version="2.0"><channel><title>Late</title>
<item><title>A late DeepSeek release note arrives</title><link>https://late.example/1</link>
<pubDate>Wed, 29 Jan 2025 10:00:00 GMT</pubDate></item></channel></rss>""")
    config = edition / "feeds.yaml"
    config.write_text(config.read_text().replace("feeds:\n", "feeds:\n  - {name: Late Feed, file: feeds/late.xml}\n", 1))
    run_cli("--config", str(config), "fetch", "--feed", "Late Feed")
    expect(page.get_by_text("A late DeepSeek release note arrives")).to_be_visible(timeout=RELOAD_TIMEOUT_MS)


def test_the_serve_command_binds_loopback_by_default(fetched_sample):
    process = subprocess.Popen(WHALEWATCH + ["--config", str(fetched_sample), "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ, COLUMNS="200"))
    try:
        deadline = time.monotonic() + 30
        seen, match = "", None
        while match is None and time.monotonic() < deadline:
            seen += process.stderr.readline()
            match = re.search(r"http://([\d.]+):(\d+)/", seen)
        assert match and match.group(1) == "127.0.0.1", seen
        status, _, body = get(match.group(0))
        assert status == 200 and b"2025-W05" in body
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_template_save_renders_again_without_selecting_the_week_again(fetched_sample, monkeypatch):
    import whalewatch.serve as preview_module
    from whalewatch.serve import Preview

    calls = []
    real = preview_module.make_issue
    monkeypatch.setattr(preview_module, "make_issue", lambda *a, **k: calls.append(1) or real(*a, **k))
    preview = Preview(fetched_sample)
    first = preview.page("2025-W05", "")
    preview.bump("templates/partials/story.html", templates_only=True)
    second = preview.page("2025-W05", "")
    assert len(calls) == 1 and first.body != second.body     # rendered again (new reload generation), not re-selected
    preview.bump("notes/new-note.md")
    preview.page("2025-W05", "")
    assert len(calls) == 2


def test_the_notes_panel_and_the_archive_pages_are_served(fetched_sample):
    """The seeds dropped into notes/: /notes says how each was read, and the background page and
    the essay are served where the issue links to them."""
    from tests.conftest import DATA

    for seed in (DATA / "seeds").iterdir():
        (fetched_sample.parent / "notes" / seed.name).write_bytes(seed.read_bytes())
    ready: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(fetched_sample,), daemon=True,
                              kwargs={"port": 0, "on_ready": ready.append, "stop": stop})
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not ready and time.monotonic() < deadline:
            time.sleep(0.05)
        status, _, body = get(ready[0] + "notes")
        text = body.decode()
        assert status == 200 and "How the notes were read" in text
        assert "001_2b3091b922926fd8.txt#L6" in text and "annotates" in text and "background page" in text
        status, _, body = get(ready[0] + "background/deepseek.html")
        assert status == 200 and 'id="fn:1"' in body.decode()
        status, _, body = get(ready[0] + "essays/deepseek-s-seismic-shift.html")
        assert status == 200 and "Seismic Shift" in body.decode()
    finally:
        stop.set()
        thread.join(timeout=10)


def test_a_runaway_template_holds_up_only_its_own_page(preview):
    url, edition = preview
    sections = edition / "templates" / "partials" / "sections"
    sections.mkdir(parents=True, exist_ok=True)
    (sections / "policy_tracker.html").write_text("{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}\n")
    time.sleep(1.5)                                   # the watcher sees the new template
    get(url + "2025-W05/briefing.md?raw=1")           # the week is selected once; the web page only renders it
    slow: dict[str, float] = {}

    def view_the_web_page() -> None:
        started = time.monotonic()
        try:
            get(url + "2025-W05/")
        except OSError as exc:         # reported below, with the time it took
            slow["error"] = repr(exc)
        slow["seconds"] = time.monotonic() - started

    viewer = threading.Thread(target=view_the_web_page)
    viewer.start()
    time.sleep(0.5)
    started = time.monotonic()
    status, _, body = get(url + "2025-W05/briefing.txt?raw=1")
    other = time.monotonic() - started
    viewer.join(timeout=60)
    assert status == 200 and b"WHALE WATCH" in body
    assert "error" not in slow and slow["seconds"] >= 4, slow
    assert other < 3, f"another page waited {other:.1f}s behind the runaway render"
