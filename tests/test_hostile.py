"""Hostile feeds served over loopback: nothing they carry runs, loads, reads a file or breaks an output."""

from __future__ import annotations

import email
import email.policy
import json
import re
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import DATA, MINIMAL_SECTIONS, FeedServer, run_cli, write_edition
from tests.support.scan import attribute_values, executable_constructs, render_markdown

PAYLOADS = DATA / "hostile" / "payloads.xml"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """One edition built from the hostile feed (fetched over loopback HTTP), every output written."""
    folder = tmp_path_factory.mktemp("hostile")
    served = folder / "served"
    served.mkdir()
    (served / "payloads.xml").write_bytes(PAYLOADS.read_bytes())
    server = FeedServer(served)
    config = write_edition(folder / "edition", f"""
briefing: {{title: Hostile Test, timezone: UTC, first_week: 2025-W01}}
{MINIMAL_SECTIONS}
feeds:
  - {{name: Hostile, url: "{server.url('payloads.xml')}"}}
email:
  from: briefing@whalewatch.example
  recipients: [{{email: reader@example.org, format: html+pdf}}]
""")
    try:
        run_cli("--config", str(config), "fetch")
        build = run_cli("--config", str(config), "build", "--week", "2025-W05")
    finally:
        server.close()
    return config, folder / "edition" / "briefings" / "2025-W05", build


def test_the_hostile_issue_builds_with_every_story(hostile):
    _, out, build = hostile
    issue = json.loads((out / "issue.json").read_text())
    assert issue["stats"]["stories"] == 7
    assert "Text after the tricks survives." in (out / "index.html").read_text()
    assert "deep" in (out / "index.html").read_text()          # 3,000 nested divs flattened, text kept


@pytest.mark.parametrize("name", ["index.html", "email.html"])
def test_html_outputs_carry_nothing_executable(hostile, name):
    _, out, _ = hostile
    html = (out / name).read_text()
    assert executable_constructs(html) == []
    values = " ".join(attribute_values(html)).lower()
    assert "evil.example" not in values and "file:" not in values and "javascript" not in values and "127.0.0.1" not in values
    assert "<script" not in html


def test_summaries_keep_safe_links_with_noopener(hostile):
    _, out, _ = hostile
    issue = json.loads((out / "issue.json").read_text())
    summaries = " ".join(s["summary_html"] for b in [{"stories": issue["top"]}] + issue["sections"] for s in b["stories"])
    assert '<a href="https://ok.example/fine" rel="noopener noreferrer">a fine link</a>' in summaries
    assert executable_constructs(summaries) == [] and "evil.example" not in " ".join(attribute_values(summaries))


def test_markdown_and_text_cannot_be_made_to_inject_html_or_structure(hostile):
    _, out, _ = hostile
    source = (out / "briefing.md").read_text()
    rendered = render_markdown(source)
    assert executable_constructs(rendered) == []
    assert "javascript" not in " ".join(attribute_values(rendered)).lower()
    assert "<script" not in rendered and "<b>" not in rendered and "<code>" not in rendered
    assert not any(line.startswith("# Not a heading") for line in source.splitlines())
    assert "<h1>Not a heading" not in rendered and "<blockquote>" not in rendered
    references = [line for line in (out / "briefing.txt").read_text().splitlines() if re.match(r"^\[\d+\] ", line)]
    assert references and not [line for line in references if "javascript" in line or "evil.example" in line]


def test_a_javascript_item_link_is_dropped_not_followed(hostile):
    _, out, _ = hostile
    issue = json.loads((out / "issue.json").read_text())
    story = next(s for b in [{"stories": issue["top"]}] + issue["sections"] for s in b["stories"] if s["title"].startswith("[Click me]"))
    assert story["url"] == ""


def test_no_header_or_recipient_can_be_added_by_a_title(hostile):
    config, _, _ = hostile
    run_cli("--config", str(config), "send", "--week", "2025-W05", "--dry-run")
    (eml,) = (config.parent / ".whalewatch" / "outbox" / "2025-W05").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["Bcc"] is None and message.get_all("To") == ["reader@example.org"]
    assert all("\n" not in value for _, value in message.items())


def test_the_pdf_reads_no_local_file_and_embeds_nothing(hostile, tmp_path):
    """The PDF is made again under an audit hook that records every file Python opens."""
    config, out, _ = hostile
    log = tmp_path / "opened.txt"
    script = textwrap.dedent(f"""
        import sys
        opened = []
        def hook(event, args):
            if event == "open" and isinstance(args[0], str):
                opened.append(args[0])
        sys.addaudithook(hook)
        from whalewatch.cli import main
        sys.argv = ["whalewatch", "--config", {str(config)!r}, "build", "--week", "2025-W05"]
        try:
            main()
        finally:
            open({str(log)!r}, "w").write("\\n".join(opened))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    opened = log.read_text().splitlines()
    assert not [p for p in opened if p.startswith(("/etc/passwd", "/etc/hostname"))]
    pdf = out / "briefing.pdf"
    attachments = subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True).stdout
    assert attachments.startswith("0 embedded files")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "root:" not in text and "After the local-file tricks." in text


def test_in_a_real_browser_nothing_runs_and_nothing_is_requested(hostile, page):
    """Both pages opened in headless Chromium from loopback: no script ran, no request left the page's own origin."""
    _, out, _ = hostile
    server = FeedServer(out)
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        for name in ("index.html", "email.html"):
            page.goto(server.url(name))
            page.wait_for_load_state("networkidle")
            page.mouse.click(200, 200)
            assert page.evaluate("typeof window.__pwned") == "undefined", name
            links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            assert links and all(link.startswith(("https://", "http://127.0.0.1", "mailto:")) for link in links)
    finally:
        server.close()
    assert dialogs == []
    assert [url for url in requests if not url.startswith(server.base)] == []


def test_the_scanner_flags_the_raw_payloads_so_the_tests_above_could_fail():
    raw = PAYLOADS.read_text()
    fragments = " ".join(re.findall(r"<!\[CDATA\[(.*?)\]\]>", raw, re.S))
    found = executable_constructs(fragments)
    for construct in ("<script>", "<img onerror>", "<iframe>", "<form>", "<base>", "<object>", "<embed>",
                      "<meta http-equiv=refresh>", "<p style> loading a URL", "<style> loading a URL"):
        assert construct in found, construct
    assert any(f.startswith("<a href=java") for f in found) and any("xlink" not in f and "values=javascript" in f for f in found)
