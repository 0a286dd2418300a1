"""The user's journey on the command line: fetch from a loopback server, build, check, outputs agree."""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_SECTIONS, run_cli, write_edition


def edition_for(server, folder: Path, extra_feeds: str = "") -> Path:  # noqa: ANN001
    return write_edition(folder, f"""
briefing:
  title: Test Briefing
  timezone: Asia/Shanghai
  first_week: 2025-W01
{MINIMAL_SECTIONS}
feeds:
  - {{name: Wire, url: "{server.url('wire.xml')}", weight: 1}}
  - {{name: Lab, url: "{server.url('lab.atom')}", section: models, weight: 5}}
  - {{name: 中文源, url: "{server.url('gbk-declared-utf8.xml')}", language: zh}}
  - {{name: Broken, url: "{server.url('status/500')}"}}
  - {{name: Not XML, url: "{server.url('notxml.xml')}"}}
{extra_feeds}
fetch:
  retries: 0
  timeout: 2
""")


def test_fetch_reports_failures_and_keeps_the_rest_then_uses_304(feed_server, tmp_path):
    config = edition_for(feed_server, tmp_path / "ed")
    first = run_cli("--config", str(config), "fetch")
    assert "HTTP 500" in first.stdout and "not RSS or Atom" in first.stdout
    assert "7 new items from 5 feeds; 0 unchanged; 2 failed." in first.stdout
    second = run_cli("--config", str(config), "fetch")
    assert "0 new items from 5 feeds; 3 unchanged; 2 failed." in second.stdout
    assert "Wire" not in second.stdout, "an unchanged feed is counted, not listed"
    assert "Wire" in run_cli("--config", str(config), "fetch", "--verbose").stdout
    assert ("/wire.xml", "304") in feed_server.hits and ("/lab.atom", "304") in feed_server.hits


def test_build_writes_every_format_and_they_say_the_same_thing(feed_server, tmp_path):
    config = edition_for(feed_server, tmp_path / "ed")
    run_cli("--config", str(config), "fetch")
    result = run_cli("--config", str(config), "build", "--week", "2025-W05")
    folder = tmp_path / "ed" / "briefings" / "2025-W05"
    assert sorted(p.name for p in folder.iterdir()) == ["briefing.md", "briefing.pdf", "briefing.txt", "email.html", "index.html", "issue.json"]
    assert "Issue #5 (2025-W05)" in result.stdout
    issue = json.loads((folder / "issue.json").read_text())
    stories = issue["top"] + [s for b in issue["sections"] for s in b["stories"]]
    titles = [s["title"] for s in stories]
    assert "深度求索发布推理模型R1" in " ".join(titles + [c["title"] for s in stories for c in s["also"]])
    pdf_text = subprocess.run(["pdftotext", "-layout", str(folder / "briefing.pdf"), "-"], capture_output=True, text=True).stdout
    for name in ("index.html", "email.html", "briefing.md", "briefing.txt"):
        text = (folder / name).read_text()
        for title in titles:
            assert title.replace("'", "&#39;") in text or title in text, (name, title)
    for title in titles:
        assert " ".join(title.split()[:3]) in " ".join(pdf_text.split()), title
    assert (tmp_path / "ed" / "briefings" / "index.html").is_file()
    feed = (tmp_path / "ed" / "briefings" / "feed.xml").read_text()
    assert "<entry>" in feed and "2025-W05" in feed


def test_pdf_has_cjk_glyphs_from_a_cjk_font(feed_server, tmp_path):
    config = edition_for(feed_server, tmp_path / "ed")
    run_cli("--config", str(config), "fetch")
    run_cli("--config", str(config), "build", "--week", "2025-W05")
    pdf = tmp_path / "ed" / "briefings" / "2025-W05" / "briefing.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "CJK" in fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "中文源" in text          # the Chinese source, named under "also covered by"


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        if tag in ("script", "iframe", "object", "embed", "form", "base") or (tag == "link" and ("rel", "stylesheet") in attrs):
            self.bad.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value and value.strip().lower().startswith(("javascript:", "vbscript:", "data:text"))):
                self.bad.append(f"{tag}[{name}]")


def test_email_html_has_inlined_css_and_nothing_executable(feed_server, tmp_path):
    config = edition_for(feed_server, tmp_path / "ed")
    run_cli("--config", str(config), "fetch")
    run_cli("--config", str(config), "build", "--week", "2025-W05", "--no-pdf")
    html = (tmp_path / "ed" / "briefings" / "2025-W05" / "email.html").read_text()
    scan = _Scan()
    scan.feed(html)
    assert scan.bad == []
    assert 'class="story-title" style="' in html       # rules inlined onto the elements
    assert "max-width: 640px" in html


def test_bad_week_and_week_before_first_issue_are_clear_errors(sample_edition):
    bad = run_cli("--config", str(sample_edition), "build", "--week", "2025-W99", check=False)
    assert bad.returncode == 2 and "2025 has weeks W01 to W52" in bad.stderr
    early = run_cli("--config", str(sample_edition), "build", "--week", "2024-W40", check=False)
    assert early.returncode == 2 and "before the edition's first issue" in early.stderr


def test_a_broken_edition_template_is_named_and_the_issue_still_builds_from_the_defaults(sample_edition):
    run_cli("--config", str(sample_edition), "fetch")
    run_cli("--config", str(sample_edition), "build", "--week", "2025-W05", "--no-pdf")
    folder = sample_edition.parent / "briefings" / "2025-W05"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    broken = sample_edition.parent / "templates" / "briefing.md"
    broken.write_text("# {{ issue.title }}\n\n{{ issue.no_such_field }}\n")
    result = run_cli("--config", str(sample_edition), "build", "--week", "2025-W05", "--no-pdf", check=False)
    assert result.returncode == 1
    assert "templates/briefing.md:3" in result.stderr and "no_such_field" in result.stderr
    assert "rendered from the package's default templates" in result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before     # the defaults give the same issue
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]
    check = run_cli("--config", str(sample_edition), "check", "--week", "2025-W05", check=False)
    assert check.returncode == 1 and "briefing.md:3" in check.stderr
    broken.write_text("{% for x in %}\n")
    syntax = run_cli("--config", str(sample_edition), "build", "--week", "2025-W05", "--no-pdf", check=False)
    assert syntax.returncode == 1 and "briefing.md:1: " in syntax.stderr and "syntax error" in syntax.stderr


def test_init_creates_an_edition_that_checks_and_builds(tmp_path):
    target = tmp_path / "my-edition"
    run_cli("init", str(target))
    assert (target / "feeds.yaml").is_file() and (target / "notes").is_dir() and (target / "templates").is_dir()
    check = run_cli("--config", str(target / "feeds.yaml"), "check", "--week", "2026-W02")
    assert "0 errors" in check.stdout
    again = run_cli("init", str(target), check=False)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_opml_import_keeps_comments_and_export_round_trips(tmp_path):
    target = tmp_path / "ed"
    run_cli("init", str(target))
    opml = tmp_path / "subs.opml"
    opml.write_text("""<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
      <outline text="China"><outline type="rss" text="ChinaTalk" xmlUrl="https://www.chinatalk.media/feed"/>
      <outline type="rss" text="Bad" xmlUrl="javascript:alert(1)"/></outline>
      <outline type="rss" title="Interconnects" xmlUrl="https://www.interconnects.ai/feed"/></body></opml>""")
    config = str(target / "feeds.yaml")
    result = run_cli("--config", config, "feeds", "import", str(opml), "--section", "policy")
    assert "2 feeds added" in result.stdout
    text = (target / "feeds.yaml").read_text()
    assert "# A whalewatch edition." in text and '"ChinaTalk"' in text
    assert "1 feeds added" not in run_cli("--config", config, "feeds", "import", str(opml)).stdout  # idempotent: 0 added
    exported = run_cli("--config", config, "feeds", "export").stdout
    assert 'xmlUrl="https://www.chinatalk.media/feed"' in exported and "AI policy and regulation" in exported


@pytest.mark.parametrize("command", [[], ["fetch"], ["build"], ["check"], ["init"], ["feeds", "import"], ["feeds", "export"],
                                     ["templates", "list"], ["templates", "copy"], ["explain"], ["glossary"]])
def test_every_command_has_help(command):
    result = run_cli(*command, "--help")
    assert "Usage:" in result.stdout


def test_letter_paper_from_the_edition(fetched_sample):
    fetched_sample.write_text(fetched_sample.read_text().replace("  paper: A4\n", "  paper: Letter\n", 1))
    run_cli("--config", str(fetched_sample), "build", "--week", "2025-W09")
    pdf = fetched_sample.parent / "briefings" / "2025-W09" / "briefing.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "612 x 792 pts (letter)" in info


def test_stories_left_out_by_a_section_cap_are_counted_in_the_build_warnings(fetched_sample):
    fetched_sample.write_text(fetched_sample.read_text().replace("  max_per_section: 8\n", "  max_per_section: 1\n", 1))
    result = run_cli("--config", str(fetched_sample), "build", "--week", "2025-W05", "--no-pdf")
    assert re.search(r"section '\w+' \(cap 1\): warning: \d+ more stor(y|ies) left out by the cap", result.stderr), result.stderr


def test_glossary_lists_the_weeks_chinese_names_no_entry_reads_until_the_editor_adds_them(feed_server, tmp_path):
    """A fetched week's headlines name Qualcomm as 高通 (read as a person's name, 'Gao Tong') and
    Enflame as 燧原 (read as nothing); the premier 李强 is left out, as an English report of the week
    writes 'Li Qiang'. Once the glossary lists 高通 it is no longer named."""
    feed = f'  - {{name: 中文样例, url: "{feed_server.url("chinese-names.xml")}", language: zh}}'
    config = write_edition(tmp_path / "ed", f"briefing: {{title: T, timezone: Asia/Shanghai, first_week: 2025-W01}}\n"
                                            f"{MINIMAL_SECTIONS}\nfeeds:\n{feed}\n")
    run_cli("--config", str(config), "fetch")
    listed = run_cli("--config", str(config), "glossary", "--week", "2025-W41").stdout
    rows = {line.split("│")[1].strip(): line for line in listed.splitlines() if line.count("│") > 3}
    assert "gao, tong" in rows["高通"] and " 2 " in rows["高通"] and "not at all" in rows["燧原"]
    assert "Qualcomm" in rows["高通"] and "Autotalks" not in rows["高通"].split("│")[4], "the English report's name, offered"
    assert "李强" not in rows and "glossary:\n    Qualcomm: [高通]" in listed
    config.write_text(config.read_text(encoding="utf-8") + "glossary:\n  Qualcomm: [高通]\n", encoding="utf-8")
    again = run_cli("--config", str(config), "glossary", "--week", "2025-W41").stdout
    assert "燧原" in again and "高通" not in again
    assert "no reports stored" in run_cli("--config", str(config), "glossary", "--week", "2025-W30").stdout
    config.write_text(config.read_text(encoding="utf-8") + "  Enflame: [燧原]\n", encoding="utf-8")
    assert "every name in the Chinese headlines of its 6 reports" in run_cli("--config", str(config), "glossary", "--week", "2025-W41").stdout
