"""The bundled sample edition, built as `make demo` builds it, compared with golden files.

Golden files make any change to the output visible in review. After an intended change,
regenerate them with:  WHALEWATCH_UPDATE_GOLDEN=1 make test
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.conftest import DATA, run_cli

GOLDEN = DATA / "golden"
WEEKS = ("2025-W05", "2025-W09")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    import shutil

    from tests.conftest import SAMPLES

    folder = tmp_path_factory.mktemp("sample") / "edition"
    shutil.copytree(SAMPLES, folder, ignore=shutil.ignore_patterns("briefings", ".whalewatch"))
    config = str(folder / "feeds.yaml")
    run_cli("--config", config, "fetch")
    for week in WEEKS:
        run_cli("--config", config, "build", "--week", week)
    return folder / "briefings"


@pytest.mark.parametrize("week", WEEKS)
@pytest.mark.parametrize("name", ["issue.json", "briefing.md", "briefing.txt"])
def test_matches_golden(built, week, name):
    actual = (built / week / name).read_text(encoding="utf-8")
    golden = GOLDEN / week / name
    if os.environ.get("WHALEWATCH_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8"), f"{name} for {week} changed; see the module docstring"


def test_sample_issues_are_worth_reading(built):
    w05 = json.loads((built / "2025-W05" / "issue.json").read_text())
    stories = w05["top"] + [s for b in w05["sections"] for s in b["stories"]]
    assert w05["number"] == 5 and w05["intro_text"].startswith("The week DeepSeek moved markets")
    assert len(stories) >= 12
    assert sum(1 for s in stories if s["also"]) >= 4                       # several stories covered by several sources
    assert any(s["original_title"] for s in stories)                        # a translated Chinese title
    assert any(s["notes"] for s in stories)
    sections = {b["id"]: b for b in w05["sections"]}
    assert sections["policy-tracker"]["stories"][0]["data"]["issued_by"].startswith("US Department of Commerce")
    assert len(sections["numbers"]["stories"][0]["data"]["figures"]) == 3
    assert w05["top"][0]["pinned"] is True


def test_building_twice_gives_identical_bytes(built, tmp_path):
    config = built.parent / "feeds.yaml"
    before = {p.name: p.read_bytes() for p in (built / "2025-W05").iterdir()}
    run_cli("--config", str(config), "build", "--week", "2025-W05")
    after = {p.name: p.read_bytes() for p in (built / "2025-W05").iterdir()}
    assert {k: v for k, v in before.items() if k != "briefing.pdf"} == {k: v for k, v in after.items() if k != "briefing.pdf"}
    text = lambda data: subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True).stdout  # noqa: E731
    assert text(before["briefing.pdf"]) == text(after["briefing.pdf"])


def test_pdf_is_print_quality(built, tmp_path):
    pdf = built / "2025-W05" / "briefing.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "A4" in info or "595.276 x 841.89" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 2
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert "In this issue" in text and "Whale Watch" in text
    page_two = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True, text=True).stdout
    assert page_two.lstrip().startswith("Whale Watch #5 · 2025-W05"), "running header with the issue's title"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "CJK" in fonts and all(" yes " in line for line in fonts.splitlines()[2:]), "every font embedded"
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    uris = [a.get_object().get("/A", {}).get("/URI") for page in reader.pages for a in page.get("/Annots", []) or []]
    assert any(u and u.startswith("https://") for u in uris)          # links stay clickable
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 5000


def test_the_editors_links_survive_into_markdown_and_text(built):
    md = (built / "2025-W05" / "briefing.md").read_text()
    assert "([The Verge](https://www.theverge.com/2025/1/27/24353388/trump-tariffs-chips-act-ai-deepseek))" in md
    assert "*raise* demand" in md                                     # the note's emphasis, as Markdown
    text = (built / "2025-W05" / "briefing.txt").read_text()
    number = text.split("(The Verge [", 1)[1].split("]", 1)[0]
    assert f"[{number}] https://www.theverge.com/2025/1/27/24353388/trump-tariffs-chips-act-ai-deepseek" in text
