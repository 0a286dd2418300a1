"""What readers get on their screens: the email and the web page at phone and desktop widths, in
real headless Chromium with mobile emulation. Nothing scrolls sideways and no text is cut."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT, copy_sample, run_cli

PHONES = (320, 360, 390, 414)
ARTIFACTS = ROOT / ".test-artifacts"        # screenshots for a person to look at (not compared)


@pytest.fixture(scope="module")
def issue_folder(tmp_path_factory):
    """The sample week, with the seeds in its notes (long links, an essay, a background page)."""
    config = copy_sample(tmp_path_factory.mktemp("layout") / "edition", seeds=True)
    run_cli("--config", str(config), "fetch")
    run_cli("--config", str(config), "build", "--week", "2025-W05", "--no-pdf")
    return config.parent / "briefings" / "2025-W05"


def widths(browser, path, width: int) -> tuple[int, int, int]:  # noqa: ANN001
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500, device_scale_factor=2)
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}-{width}.png"), full_page=True)
        return tuple(page.evaluate("""() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,
            Math.max(...[...document.querySelectorAll('.container, main')].map(e => e.getBoundingClientRect().width), 0)]"""))
    finally:
        context.close()


@pytest.mark.parametrize("name", ["email.html", "index.html"])
@pytest.mark.parametrize("width", PHONES + (768, 1920))
def test_nothing_scrolls_sideways_on_a_phone_or_any_wider_screen(browser, issue_folder, name, width):
    scroll, client, _ = widths(browser, issue_folder / name, width)
    assert scroll == client, f"{name} is {scroll}px wide in a {client}px phone screen"


def test_on_a_desktop_the_email_is_one_column_of_at_most_640px(browser, issue_folder):
    scroll, client, column = widths(browser, issue_folder / "email.html", 1280)
    assert scroll == client and 500 <= column <= 640


def test_the_web_menu_wraps_instead_of_running_past_its_column(browser, issue_folder):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto((issue_folder / "index.html").as_uri())
        nav, main = page.evaluate("""() => [document.querySelector('nav.toc').scrollWidth,
                                            document.querySelector('main').clientWidth]""")
        assert nav <= main
    finally:
        context.close()


def test_chinese_in_an_english_page_says_so_for_screen_readers_and_fonts(issue_folder):
    for name in ("index.html", "email.html"):
        page = (issue_folder / name).read_text(encoding="utf-8")
        assert re.search(r'class="original-title"[^>]*lang="zh-Hans"[^>]*>幻方量化与梁文锋', page), name
        assert re.search(r'class="summary"[^>]*lang="zh-Hans"[^>]*>梁文锋创办', page), name
        assert not re.search(r'lang="zh-Han[st]"[^>]*>(<a [^>]*>)?Nvidia sheds', page)      # English titles carry none


@pytest.mark.parametrize("name", ["index.html", "email.html", "../index.html", "../background/deepseek.html"])
def test_headings_nest_without_skipping_a_level(issue_folder, name):
    levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", (issue_folder / name).read_text(encoding="utf-8"))]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(after <= before + 1 for before, after in zip(levels, levels[1:])), levels
