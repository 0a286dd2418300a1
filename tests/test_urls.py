"""Clean links: what a reader follows is the article's own address."""

from __future__ import annotations

import json

from pypdf import PdfReader

from whalewatch.urls import canonical_url, clean_url


def test_tracking_parameters_comment_anchors_and_arxiv_versions_are_dropped_for_readers():
    assert clean_url("https://www.scmp.example/a/3296111/x?utm_source=hn&utm_medium=rss") == "https://www.scmp.example/a/3296111/x"
    assert clean_url("https://news.example/nvidia-record-loss?ref=homepage") == "https://news.example/nvidia-record-loss"
    assert clean_url("https://a.example/x?id=3&fbclid=abc&spm=1.2") == "https://a.example/x?id=3"
    assert clean_url("https://arxiv.org/pdf/2501.12948v1") == "https://arxiv.org/abs/2501.12948"
    assert clean_url("https://techwire.example/2025/01/28/tariffs/#comments") == "https://techwire.example/2025/01/28/tariffs/"


def test_what_a_link_means_is_left_as_the_site_wrote_it():
    for url in ("https://a.example/x?b=2&a=1", "https://a.example/doc#section-2", "http://www.a.example/Path/"):
        assert clean_url(url) == url
    assert clean_url("javascript:alert(1)") == ""
    assert canonical_url(clean_url("https://m.a.example/x/?utm_source=y")) == canonical_url("https://a.example/x")


def test_every_story_link_in_the_sample_issue_is_clean_and_the_original_is_kept(tmp_path):
    import shutil

    from tests.conftest import SAMPLES, run_cli

    folder = tmp_path / "edition"
    shutil.copytree(SAMPLES, folder, ignore=shutil.ignore_patterns("briefings", ".whalewatch"))
    run_cli("--config", str(folder / "feeds.yaml"), "fetch")
    run_cli("--config", str(folder / "feeds.yaml"), "build", "--week", "2025-W05")
    issue = json.loads((folder / "briefings" / "2025-W05" / "issue.json").read_text(encoding="utf-8"))
    stories = issue["top"] + [s for b in issue["sections"] for s in b["stories"]]
    links = [s["url"] for s in stories] + [c["url"] for s in stories for c in s["also"]]
    assert links and all(url == clean_url(url) for url in links if url.startswith("http"))
    assert any(s["original_url"] for s in stories)               # the feed's own address is kept beside the clean one
    for story in stories:
        articles = [canonical_url(story["url"])] + [canonical_url(c["url"]) for c in story["also"]]
        assert len(articles) == len(set(articles)), story["title"]   # each article once, never the main link again
    for name in ("index.html", "email.html", "briefing.md", "briefing.txt", "../feed.xml"):
        text = (folder / "briefings" / "2025-W05" / name).read_text(encoding="utf-8")
        assert "utm_source" not in text and "?ref=" not in text and "arxiv.org/pdf" not in text, name
    pdf_links = [annotation.get_object().get("/A", {}).get("/URI", "")
                 for page in PdfReader(folder / "briefings" / "2025-W05" / "briefing.pdf").pages
                 for annotation in page.get("/Annots", [])]
    outgoing = [str(uri) for uri in pdf_links if str(uri).startswith("http")]
    assert outgoing and all(uri == clean_url(uri) for uri in outgoing), [u for u in outgoing if u != clean_url(u)]
