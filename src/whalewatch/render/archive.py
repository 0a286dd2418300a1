"""The archive page and the Atom feed of issues, rebuilt from the issue.json files on disk."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typing import TYPE_CHECKING

from ..weeks import Week
from .write import write_file_atomic

if TYPE_CHECKING:
    from .outputs import Renderer


def read_issues(output_dir: Path) -> list[dict]:
    """Every issue written so far, newest first; folders that are not issues are ignored."""
    found = []
    for path in output_dir.glob("*/issue.json"):
        try:
            Week.parse(path.parent.name)
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, OSError):
            continue
    return sorted(found, key=lambda i: i["week"], reverse=True)


def archive_entries(issues: list[dict]) -> list[dict]:
    entries = []
    for issue in issues:
        stories = issue["top"] + [s for block in issue["sections"] for s in block["stories"]]
        entries.append({
            "number": issue["number"], "week": issue["week"], "window_start": issue["window_start"],
            "window_end": issue["window_end"], "stories": len(stories),
            "headlines": [s["title"] for s in issue["top"]] or [s["title"] for s in stories[:3]],
            "updated": f"{issue['window_end']}T00:00:00Z",
        })
    return entries


def render_archive(renderer: "Renderer", issues: list[dict], *, title: str, tagline: str, base_url: str,
                   author: str, language: str) -> dict[str, bytes]:
    """The archive page and the Atom feed, as bytes by file name."""
    entries = archive_entries(issues)
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "briefing"
    context = {
        "title": title, "tagline": tagline, "base_url": base_url, "author": author, "issues": entries,
        "settings": {"language": language}, "feed_id": base_url or f"urn:whalewatch:{slug}",
        "updated": entries[0]["updated"] if entries else "1970-01-01T00:00:00Z",
    }
    return {output: renderer.render_page(template, lambda _: context).encode("utf-8")
            for template, output in (("archive.html", "index.html"), ("feed.xml", "feed.xml"))}


def write_archive(renderer: "Renderer", output_dir: Path, **briefing: str) -> None:
    for name, data in render_archive(renderer, read_issues(output_dir), **briefing).items():
        write_file_atomic(output_dir / name, data)
