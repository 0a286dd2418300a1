"""The PDF loads a CJK face only when the issue has Chinese to print: each face WeasyPrint embeds
costs it a copy of the whole font collection (20-27 MB apiece) and its subsetting time."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone

from whalewatch.config import parse_config
from whalewatch.model import Item
from whalewatch.render.outputs import RenderSettings, Renderer
from whalewatch.select import assemble_issue
from whalewatch.weeks import Week
from tests.conftest import MINIMAL_SECTIONS

WEEK = Week.parse("2025-W05")


def _item(number: int, title: str, summary: str) -> Item:
    when = datetime(2025, 1, 28, 9, number, tzinfo=timezone.utc)
    return Item(key=f"k{number}", feed="wire", url=f"https://news.example/{number}", canonical_url=f"https://news.example/{number}",
                guid=f"g{number}", title=title, summary_html=f"<p>{summary}</p>", summary_text=summary, author="",
                published=when, first_seen=when, date=when)


def _fonts_of(items: list[Item], tmp_path) -> str:
    config = parse_config(f"briefing: {{title: Fonts, timezone: UTC}}\n{MINIMAL_SECTIONS}", "fonts.yaml")
    pdf = Renderer(RenderSettings(None)).render_pdf(assemble_issue(config, WEEK, items, []).issue)
    (tmp_path / "issue.pdf").write_bytes(pdf)
    return subprocess.run(["pdffonts", str(tmp_path / "issue.pdf")], capture_output=True, text=True, check=True).stdout


def test_an_issue_in_latin_script_embeds_no_cjk_face(tmp_path):
    fonts = _fonts_of([_item(1, "DeepSeek releases a reasoning model", "The model — “R1” — is open · priced at $0.55."),
                       _item(2, "Nvidia loses $589 billion in a day", "Chip shares fell on Monday.")], tmp_path)
    assert "DejaVu" in fonts and "CJK" not in fonts, fonts


def test_chinese_titles_bring_the_cjk_serif_and_only_what_they_use(tmp_path):
    fonts = _fonts_of([_item(1, "深度求索发布推理模型", "模型开源。"), _item(2, "Nvidia loses $589 billion in a day", "Chip shares fell.")],
                      tmp_path)
    assert "Noto-Serif-CJK-SC" in fonts, fonts
    assert "Noto-Sans-CJK" not in fonts, "the running header and page numbers are Latin: no sans CJK face for them"
