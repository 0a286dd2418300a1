"""Pages of the web archive made from the editor's notes: background pages (topic files) and
essays in full. They sit beside the issues (``background/``, ``essays/``) so an issue links to
them as ``../background/<slug>.html``, and each folder is replaced whole, so a deleted note's page goes too."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..model import Note
from .write import write_folder_atomic

if TYPE_CHECKING:
    from .outputs import Renderer

FOLDERS = {"background": "background", "essay": "essays"}


@dataclass
class Page:
    kind: str
    slug: str
    title: str
    html: str
    subtitle: str = ""
    date: str = ""
    stories: list[dict] = field(default_factory=list)     # {week, id, title}: issues that link to the page


def pages_of(notes: list[Note], tz_name: str) -> list[Page]:
    tz = ZoneInfo(tz_name)
    found: dict[tuple[str, str], Page] = {}
    for note in notes:
        if note.kind in FOLDERS and note.slug:
            day = note.date.astimezone(tz).date().isoformat() if note.date else ""
            found.setdefault((note.kind, note.slug), Page(note.kind, note.slug, note.title, note.body_html, note.subtitle, day))
    return [found[key] for key in sorted(found)]


def link_stories(pages: list[Page], issues: list[dict]) -> None:
    """Each background page lists the stories of past issues that linked to it, newest first."""
    by_path = {f"background/{p.slug}.html": p for p in pages if p.kind == "background"}
    for issue in issues:
        for story in issue["top"] + [s for block in issue["sections"] for s in block["stories"]]:
            for link in story.get("background", []):
                page = by_path.get(link.get("path", ""))
                if page is not None and all(s["id"] != story["id"] for s in page.stories):
                    page.stories.append({"week": issue["week"], "id": story["id"], "title": story["title"]})


def render_pages(renderer: "Renderer", pages: list[Page], *, title: str, language: str) -> dict[str, dict[str, bytes]]:
    """Folder -> file name -> bytes; every folder is present, empty when there is nothing to show."""
    files: dict[str, dict[str, bytes]] = {folder: {} for folder in FOLDERS.values()}
    for page in pages:
        context = {"page": page, "title": title, "settings": {"language": language}}
        files[FOLDERS[page.kind]][f"{page.slug}.html"] = renderer.render_page("page.html", lambda _: context).encode("utf-8")
    return files


def write_pages(renderer: "Renderer", output_dir: Path, pages: list[Page], *, title: str, language: str) -> None:
    for folder, files in render_pages(renderer, pages, title=title, language=language).items():
        if files or (output_dir / folder).exists():
            write_folder_atomic(output_dir / folder, files)
