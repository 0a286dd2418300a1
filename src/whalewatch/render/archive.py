"""The archive page and the Atom feed of issues, rebuilt from the issue.json files on disk."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2

from ..weeks import Week
from .env import render
from .write import write_file_atomic


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


def write_archive(env: jinja2.Environment, output_dir: Path, *, title: str, tagline: str, base_url: str,
                  author: str, language: str) -> None:
    entries = archive_entries(read_issues(output_dir))
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "briefing"
    context = {
        "title": title, "tagline": tagline, "base_url": base_url, "author": author, "issues": entries,
        "settings": {"language": language}, "feed_id": base_url or f"urn:whalewatch:{slug}",
        "updated": entries[0]["updated"] if entries else "1970-01-01T00:00:00Z",
    }
    write_file_atomic(output_dir / "index.html", render(env, "archive.html", context).encode("utf-8"))
    write_file_atomic(output_dir / "feed.xml", render(env, "feed.xml", context).encode("utf-8"))
