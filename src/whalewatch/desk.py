"""The desk: an editor's corrections to a week, made in the browser and kept as plain note files.

Every action writes or updates a Markdown file under ``notes/desk/`` with the story's address in
its front matter, so a decision can be read, diffed, committed, and undone by deleting the file.
Story actions (pin, drop, move, retitle, translate, why it matters) share one file per story;
fold corrections (merge, split) are files of their own, obeyed by the fold on every build.
The server checks a per-session token and the request's origin before any of this runs.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import yaml

from .config import Edition
from .errors import Problem, WhalewatchError, display_path
from .model import Issue, Story
from .render.write import write_file_atomic
from .sources.notes import front_matter
from .urls import canonical_url, safe_url
from .yamlsafe import YamlProblem

STORY_ACTIONS = {"pin", "unpin", "drop", "restore", "move", "headline", "translate", "why"}
FOLD_ACTIONS = {"merge", "split"}
REVIEW_ACTIONS = {"approve", "hold"}
MAX_TEXT = 20_000
WEAK_FOLD = 0.21                 # a fold by wording below this score is worth an editor's look
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORDING = re.compile(r"joined by wording \((\d+\.\d+)\)")


class DeskError(WhalewatchError):
    """An action the desk refuses; the message is shown to the editor as it is."""


@dataclass
class Done:
    message: str
    path: str = ""               # the note file written or removed, relative to the edition


# -- actions ------------------------------------------------------------------------------------

def act(edition: Edition, week: str, request: dict[str, Any], now: datetime | None = None) -> Done:
    """One action from the desk. Refuses anything it does not know, and any address that is not http(s)."""
    action = str(request.get("action") or "")
    if action in STORY_ACTIONS:
        return _story_action(edition, week, action, _address(request.get("story")), request.get("value"))
    if action in FOLD_ACTIONS:
        return _fold_action(edition, action, _address(request.get("story")), _address(request.get("value")))
    if action in REVIEW_ACTIONS:
        from .review import approve, hold
        from .store import Store

        with Store(edition.store_path) as store:
            moment = now or datetime.now(timezone.utc)
            said = approve(edition, store, week, moment, "the desk") if action == "approve" else \
                hold(edition, store, week, moment, _text(request.get("value"), 500) or "held at the desk")
        return Done(said)
    raise DeskError(f"unknown action {action!r}: use one of {', '.join(sorted(STORY_ACTIONS | FOLD_ACTIONS | REVIEW_ACTIONS))}")


def _address(value: Any) -> str:
    url = safe_url(str(value or ""))
    if not url:
        raise DeskError(f"{str(value)[:100]!r} is not an http(s) address")
    return url


def _text(value: Any, limit: int = MAX_TEXT) -> str:
    text = str(value or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise DeskError(f"the text is {len(text)} characters; the limit is {limit}")
    return text


def _story_action(edition: Edition, week: str, action: str, url: str, value: Any) -> Done:
    path = desk_file(edition, "story", canonical_url(url))
    meta, body = read_desk_note(path)
    meta.update({"url": url, "week": week})
    if action == "pin":
        meta["pin"] = True
    elif action == "unpin":
        meta.pop("pin", None)
    elif action == "drop":
        meta["exclude"] = True
    elif action == "restore":
        meta.pop("exclude", None)
    elif action == "move":
        section = _text(value, 100)
        if section not in {s.id for s in edition.config.sections}:
            raise DeskError(f"there is no section {section!r} in feeds.yaml")
        meta["section"] = section
    elif action in ("headline", "translate"):
        key = "headline" if action == "headline" else "translated_title"
        title = " ".join(_text(value, 300).split())
        if title:
            meta[key] = title
        else:
            meta.pop(key, None)
    elif action == "why":
        body = _text(value)
    return _write_or_remove(edition, path, meta, body, f"{action}: {url}")


def _fold_action(edition: Edition, action: str, story: str, other: str) -> Done:
    if action == "merge":
        if canonical_url(story) == canonical_url(other):
            raise DeskError("a story cannot be merged with itself")
        urls = sorted({story, other})
        path = desk_file(edition, "fold", " ".join(canonical_url(u) for u in urls))
        return _write_or_remove(edition, path, {"together": urls}, "", f"merged {urls[0]} and {urls[1]}")
    path = desk_file(edition, "apart", canonical_url(other))
    for merged in (edition.notes_dir / "desk").glob("fold-*.md"):     # a split undoes a merge that named the report
        meta, _ = _readable(merged)
        if canonical_url(other) in {canonical_url(str(u)) for u in meta.get("together") or []}:
            merged.unlink()
    return _write_or_remove(edition, path, {"apart": [other]}, "", f"split {other} out of its story")


def desk_file(edition: Edition, kind: str, key: str) -> Path:
    """notes/desk/<kind>-<hash>.md: named by what it is about, so the same story always gets the
    same file; checked to stay inside notes/ even if notes/desk is a link elsewhere."""
    folder = edition.notes_dir / "desk"
    path = folder / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.md"
    inside = edition.notes_dir.resolve()
    if not path.resolve().is_relative_to(inside):
        raise DeskError(f"{path} resolves outside {edition.notes_dir}: the desk writes only inside notes/")
    return path


def dropped_this_week(edition: Edition, week: str) -> list[str]:
    """The addresses the desk dropped from this week, so the page can offer to restore them."""
    dropped = []
    for path in sorted((edition.notes_dir / "desk").glob("story-*.md")):
        meta, _ = _readable(path)
        if meta.get("exclude") and str(meta.get("week")) == week and meta.get("url"):
            dropped.append(str(meta["url"]))
    return dropped


def read_desk_note(path: Path) -> tuple[dict[str, Any], str]:
    """A desk file as the notes reader reads it. One an editor broke by hand is refused, not
    overwritten: the desk names it, and the build's warnings already do."""
    if not path.is_file():
        return {}, ""
    try:
        meta, body = front_matter(path.read_text(encoding="utf-8"))
    except (YamlProblem, UnicodeDecodeError) as exc:
        raise DeskError(f"{display_path(path)} cannot be read ({exc}); fix it or delete it to start over") from None
    return meta, body.strip()


def _readable(path: Path) -> tuple[dict[str, Any], str]:
    """The same, for a look through every desk file: a broken one is skipped."""
    try:
        return read_desk_note(path)
    except DeskError:
        return {}, ""


def _write_or_remove(edition: Edition, path: Path, meta: dict[str, Any], body: str, what: str) -> Done:
    shown = str(path.relative_to(edition.root)) if path.is_relative_to(edition.root) else str(path)
    if not (set(meta) - {"url", "week"}) and not body:
        path.unlink(missing_ok=True)               # nothing left to say: the story is as the fold made it
        return Done(f"{what} (no decision left; {shown} removed)", shown)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000).strip()
    text = f"---\n# written by the desk; edit or delete this file to change or undo the decision\n{front}\n---\n"
    write_file_atomic(path, (text + (body + "\n" if body else "")).encode("utf-8"))
    return Done(f"{what} ({shown})", shown)


# -- the page ------------------------------------------------------------------------------------

@dataclass
class Worklist:
    untranslated: list[Story]
    weak_folds: list[tuple[Story, float]]
    unread_notes: list[Problem]
    failing_feeds: list[str]


def worklist(edition: Edition, issue: Issue, problems: list[Problem], now: datetime) -> Worklist:
    stories = issue.top + [s for block in issue.sections for s in block.stories]
    english = not edition.config.briefing.language.lower().startswith("zh")
    untranslated = [s for s in stories if english and s.url and _CJK.search(s.title) and not s.original_title]
    weak = []
    for story in stories:
        scores = [float(m.group(1)) for r in story.reasons for m in [_WORDING.search(r)] if m]
        if scores and min(scores) < WEAK_FOLD:
            weak.append((story, min(scores)))
    unread = [p for p in problems if p.severity == "error" and p.path.startswith(("notes", str(edition.notes_dir)))]
    failing = []
    if edition.store_path.exists():
        from .store import Store

        with Store(edition.store_path) as store:
            for state in store.all_feed_states():
                if state.consecutive_failures and state.failing_since and now - state.failing_since >= timedelta(days=2):
                    days = (now - state.failing_since).days
                    failing.append(f"{state.name}: failing for {days} days ({state.last_error})")
    return Worklist(untranslated, weak, unread, failing)


def desk_page(edition: Edition, issue: Issue, work: Worklist, token: str, state: str, dropped: list[str]) -> str:
    """The week as the editor works on it: the worklist, then every story with its controls."""
    week = issue.week
    sections = [(s.id, s.title) for s in edition.config.sections]
    stories = issue.top + [s for block in issue.sections for s in block.stories]
    others = [(s.url, s.title) for s in stories if s.url]
    cards = []
    for heading, members in [("Top stories", issue.top)] + [(b.title, b.stories) for b in issue.sections]:
        if members:
            cards.append(f"<h2>{_e(heading)}</h2>" + "".join(_card(s, sections, others) for s in members))
    restore = "".join(f"<li>{_e(url)} <button data-action='restore' data-story='{_e(url)}'>Restore</button></li>"
                      for url in dropped)
    return _PAGE.format(
        week=_e(week), token=_e(token), state=_e(state or "not drafted"), title=_e(issue.title),
        worklist=_worklist_html(work), stories="".join(cards) or "<p>No stories this week.</p>",
        dropped=f"<h2>Dropped</h2><ul>{restore}</ul>" if restore else "", script=_SCRIPT)


def _card(story: Story, sections: list[tuple[str, str]], others: list[tuple[str, str]]) -> str:
    if not story.url:            # a note with no address: the desk has nothing to name it by
        source = next((n.path for n in story.notes), "its note")
        return (f'<article class="story" id="story-{_e(story.id)}"><h3>{_e(story.title)}</h3>'
                f'<p class="meta">From a note with no address: edit {_e(source)} to change it.</p></article>')
    url = _e(story.url)
    options = "".join(f"<option value='{_e(i)}'{' selected' if i == story.section else ''}>{_e(t)}</option>" for i, t in sections)
    merge = "".join(f"<option value='{_e(u)}'>{_e(t[:80])}</option>" for u, t in others if u != story.url)
    why = "\n\n".join(n.text for n in story.notes if "desk/" in n.path)
    titles = {c.url: f"{c.source}: {c.title[:100]}" for c in story.also}
    split = "".join(f"<li>{_e(titles.get(report, report))} <button data-action='split' data-story='{url}' "
                    f"data-value='{_e(report)}'>Split out</button></li>" for report in story.reports)
    pin = ("<button data-action='unpin' data-story='{u}'>Unpin</button>" if story.pinned else
           "<button data-action='pin' data-story='{u}'>Pin</button>").format(u=url)
    return f"""
<article class="story" data-url="{url}" id="story-{_e(story.id)}">
  <h3><a href="{url}">{_e(story.title)}</a></h3>
  <p class="meta">{_e(story.source)} · {_e(story.date)}{' · original: ' + _e(story.original_title) if story.original_title else ''}</p>
  <div class="controls">
    {pin}
    <button data-action="drop" data-story="{url}">Drop</button>
    <label>Section <select data-action="move" data-story="{url}">{options}</select></label>
  </div>
  <label>Title <input data-action="headline" data-story="{url}" value="{_e(story.title if not story.original_title else story.original_title)}"></label>
  <label>Translated title <input data-action="translate" data-story="{url}" value="{_e(story.title if story.original_title else '')}"></label>
  <label>Why it matters <textarea data-action="why" data-story="{url}" rows="3">{_e(why)}</textarea></label>
  <div class="controls"><label>Merge with <select data-role="merge-target"><option value="">…</option>{merge}</select></label>
    <button data-action="merge" data-story="{url}">Merge</button></div>
  {f'<ul class="reports">{split}</ul>' if split else ''}
</article>"""


def _worklist_html(work: Worklist) -> str:
    items = []
    for story in work.untranslated:
        items.append(f"<li>Chinese title only: {_e(story.title)} <input data-action='translate' data-story='{_e(story.url)}' "
                     f"placeholder='English title'></li>")
    items += [f"<li>Folded on weak evidence ({score:.2f}): <a href='#story-{_e(s.id)}'>{_e(s.title)}</a></li>"
              for s, score in work.weak_folds]
    items += [f"<li>Note not read: {_e(str(p))}</li>" for p in work.unread_notes]
    items += [f"<li>Feed {_e(line)}</li>" for line in work.failing_feeds]
    return (f"<section class='worklist'><h2>Needs you ({len(items)})</h2><ul>{''.join(items)}</ul></section>"
            if items else "<section class='worklist'><h2>Needs you</h2><p>Nothing: the week is in order.</p></section>")


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def json_reply(ok: bool, message: str) -> bytes:
    return json.dumps({"ok": ok, "message": message}).encode("utf-8")


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="whalewatch-token" content="{token}">
<title>Desk · {title} {week}</title>
<style>
body{{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1b1f24}}
header{{background:#10243e;color:#fff;padding:12px 20px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}}
header a{{color:#9cc7ff}} main{{max-width:60em;margin:0 auto;padding:8px 16px 48px}}
.story{{background:#fff;border:1px solid #d5d9e0;border-radius:6px;padding:10px 14px;margin:10px 0}}
.story h3{{margin:0 0 4px;font-size:17px}} .meta{{margin:0 0 8px;color:#56606b;font-size:13px}}
label{{display:block;margin:6px 0;font-size:13px;color:#3d4550}} input,textarea,select{{font:inherit;width:100%;box-sizing:border-box}}
.controls label{{display:inline-block;width:auto;max-width:100%}} .controls select{{width:auto;max-width:100%}}
button{{font:inherit;margin:2px 6px 2px 0}} select{{max-width:100%;text-overflow:ellipsis}} .story,li,a{{overflow-wrap:anywhere}}
.worklist{{background:#fff8e1;border:1px solid #e8d48a;border-radius:6px;padding:4px 14px;margin-top:12px}}
#desk-status{{min-height:1.5em;font-size:13px}} .error{{color:#b3261e}}
</style></head>
<body><header><strong>Desk · {title} {week}</strong><span>state: <b id="issue-state">{state}</b></span>
<button data-action="approve" data-story="">Approve</button><button data-action="hold" data-story="">Hold</button>
<a href="/{week}/">the issue as readers see it</a><a href="/">all weeks</a><span id="desk-status" role="status"></span></header>
<main>{worklist}{stories}{dropped}</main>
<script>{script}</script></body></html>
"""

_SCRIPT = """
const token = document.querySelector('meta[name=whalewatch-token]').content;
const status = document.getElementById('desk-status');
async function send(action, story, value) {
  status.textContent = 'saving…'; status.className = '';
  const response = await fetch(location.pathname.replace(/\\/?$/, '/act'), {method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-Whalewatch-Token': token},
    body: JSON.stringify({action: action, story: story, value: value})});
  const reply = await response.json();
  status.textContent = reply.message; status.className = reply.ok ? '' : 'error';
  if (reply.ok) { location.reload(); }
}
for (const element of document.querySelectorAll('[data-action]')) {
  const action = element.dataset.action, story = element.dataset.story;
  if (element.tagName === 'BUTTON') {
    element.addEventListener('click', () => {
      let value = element.dataset.value || '';
      if (action === 'merge') { value = element.closest('article').querySelector('[data-role=merge-target]').value; }
      send(action, story, value);
    });
  } else {
    element.addEventListener('change', () => send(action, story, element.value));
  }
}
"""
