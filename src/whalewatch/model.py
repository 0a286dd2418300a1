"""The plain objects that pass forward from stage to stage.

``Item`` is what sources produce and the store keeps; ``Note`` is an editor's note as read from
disk; ``Issue`` (with its ``Story`` and ``SectionBlock``) is the one object every output is
rendered from, so all outputs say the same thing. All of them serialise to JSON as they are.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

IMPLAUSIBLE = "implausible date"   # how a date_note begins when the feed's date was not believed at all


@dataclass
class Item:
    """One entry from a feed, normalised and sanitised."""

    key: str                 # stable store key: feed + guid/url/title, never the feed's id alone
    feed: str                # feed name from feeds.yaml
    url: str                 # safe http(s) link or ""
    canonical_url: str       # for folding and for matching notes
    guid: str
    title: str               # plain text, one line
    summary_html: str        # sanitised HTML fragment
    summary_text: str        # plain text of the summary
    author: str
    published: datetime | None   # what the feed said, if believable (UTC)
    first_seen: datetime         # when whalewatch first stored it (UTC)
    date: datetime               # the date the briefing uses (UTC)
    date_note: str = ""          # why ``date`` is not the feed's date, when it is not
    language: str = "en"
    tags: list[str] = field(default_factory=list)

    @property
    def date_implausible(self) -> bool:
        """Its feed gave a date that is not a date of this item (1970, year 10000): kept, never news."""
        return self.date_note.startswith(IMPLAUSIBLE)


@dataclass
class Note:
    """An editor's note: annotates a story (with ``urls``) or is a story or the intro."""

    path: str
    title: str
    body_html: str
    body_text: str
    date: datetime | None = None
    week: str | None = None
    urls: list[str] = field(default_factory=list)
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    priority: int = 0
    kind: str = "note"           # note | intro | pick (one link of a link list) | background (a topic file) | essay
    pin: bool = False
    exclude: bool = False
    translated_title: str = ""
    continues: list[str] = field(default_factory=list)
    source: str = ""
    data: dict[str, Any] = field(default_factory=dict)   # other front matter, for custom sections
    warnings: list[str] = field(default_factory=list)
    origin: str = ""             # the file a note came from (a link list gives many notes)
    line: int | None = None      # ... and the line, for one link of a list
    shape: str = ""              # how the file was read: note, links, topic or essay
    guesses: list[str] = field(default_factory=list)     # what was guessed rather than said in front matter
    lead: str = ""               # an essay's first sentences
    subtitle: str = ""
    aliases: list[str] = field(default_factory=list)    # other names of a topic's subject
    slug: str = ""               # a background page's or an essay's file name in the archive
    undated: bool = False        # a link of a list with no date of its own: it is dated when first read
    language: str = ""           # from lang: in front matter, when the editor said
    headline: str = ""           # the editor's title for the story, in place of the feed's
    together: list[str] = field(default_factory=list)   # a fold decision: these reports are one story
    apart: list[str] = field(default_factory=list)      # a fold decision: these reports stand alone


@dataclass
class Coverage:
    source: str
    url: str                         # the clean address (no tracking parameters)
    title: str
    original_url: str = ""           # what the feed said, when it differs


@dataclass
class StoryNote:
    html: str
    text: str
    path: str


@dataclass
class Story:
    id: str
    title: str
    url: str
    source: str
    date: str                        # ISO date in the edition's time zone
    summary_html: str
    summary_text: str
    section: str
    original_title: str = ""         # set when the editor gave a translated title
    language: str = "en"
    also: list[Coverage] = field(default_factory=list)
    notes: list[StoryNote] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    pinned: bool = False
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    previously: dict[str, Any] | None = None
    data: dict[str, Any] = field(default_factory=dict)
    canonical_url: str = ""
    kind: str = "feed"               # feed: from feeds (maybe annotated); note: from a note alone; pick; essay
    background: list[dict[str, str]] = field(default_factory=list)   # {title, path}: background pages it names
    original_url: str = ""           # the address the feed gave, when the clean one (``url``) differs
    continued: str = ""              # set only in an email cut to fit: where the rest of the story is
    reports: list[str] = field(default_factory=list)   # every other report folded in (also-covered lists one per source)


@dataclass
class SectionBlock:
    id: str
    title: str
    description: str
    template: str | None
    stories: list[Story]


@dataclass
class Issue:
    title: str
    tagline: str
    number: int
    week: str
    window_start: str
    window_end: str
    timezone: str
    intro_html: str
    intro_text: str
    top_title: str
    top: list[Story]
    sections: list[SectionBlock]
    stats: dict[str, int]
    base_url: str = ""
    built_at: str = ""
    subject: str = ""                # from the edition's subject.txt template; the email's Subject
    unsubscribe: str = ""            # where a reader leaves (email.unsubscribe_url, else a mailto:), shown in the email's footer

    def all_stories(self) -> list[Story]:
        return list(self.top) + [s for block in self.sections for s in block.stories]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
