"""Adding feeds to feeds.yaml without losing the editor's comments and layout."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..config import parse_config
from ..errors import display_path
from ..render.write import write_file_atomic
from ..sources.opml import Subscription

_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")


def append_feeds(config_path: Path, subscriptions: list[Subscription], section: str | None) -> list[Subscription]:
    """Insert new feeds at the end of the ``feeds:`` block; returns those added (known URLs are skipped)."""
    text = config_path.read_text(encoding="utf-8")
    config = parse_config(text, display_path(config_path))
    known_urls = {f.url for f in config.feeds}
    names = {f.name for f in config.feeds}
    added: list[Subscription] = []
    for sub in subscriptions:
        if sub.url in known_urls:
            continue
        name, n = sub.name, 2
        while name in names:
            name, n = f"{sub.name} ({n})", n + 1
        names.add(name)
        known_urls.add(sub.url)
        added.append(Subscription(name, sub.url, sub.category))
    if not added:
        return []
    entries = "".join(_entry(sub, section) for sub in added)
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^feeds\s*:", line)), None)
    if start is None:
        new_text = text.rstrip("\n") + "\n\nfeeds:\n" + entries
    else:
        lines[start] = "feeds:\n" if re.match(r"^feeds\s*:\s*(\[\s*\])?\s*(#.*)?$", lines[start]) else lines[start]
        end = next((i for i in range(start + 1, len(lines)) if _TOP_KEY.match(lines[i])), len(lines))
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        if end > 0 and not lines[end - 1].endswith("\n"):
            lines[end - 1] += "\n"
        lines.insert(end, entries)
        new_text = "".join(lines)
    parse_config(new_text, display_path(config_path))   # never write a file that would not load
    write_file_atomic(config_path, new_text.encode("utf-8"))
    return added


def _entry(sub: Subscription, section: str | None) -> str:
    quoted = lambda value: yaml.safe_dump(value, allow_unicode=True, default_style='"').strip()  # noqa: E731
    text = f"  - name: {quoted(sub.name)}\n    url: {quoted(sub.url)}\n"
    if section:
        text += f"    section: {section}\n"
    return text
