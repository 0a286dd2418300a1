"""Which section a story belongs in, by rules the editor owns, with the reasons kept."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..config import Config, Section
from .text import keyword_regex, normalise

TITLE_HIT = 3.0
BODY_HIT = 1.0
TAG_HIT = 10.0   # a tag is the editor's explicit word; it outweighs keyword hits
FEED_DEFAULT = 1.5


@dataclass
class Placement:
    section: str
    score: float                # strength of the match, reused by ranking
    reasons: list[str] = field(default_factory=list)


@dataclass
class _CompiledSection:
    section: Section
    keywords: list[tuple[str, re.Pattern[str]]]
    patterns: list[tuple[str, re.Pattern[str]]]
    tags: set[str]


class Placer:
    def __init__(self, config: Config):
        self.config = config
        self.sections = [
            _CompiledSection(
                s,
                [(k, keyword_regex(k)) for k in s.keywords if k.strip()],
                [(p, re.compile(p, re.I)) for p in s.patterns],
                {normalise(t) for t in s.tags},
            )
            for s in config.sections
        ]

    def place(self, title: str, body: str, tags: list[str], feed_section: str | None,
              editor_section: str | None = None) -> Placement:
        if editor_section:
            return Placement(editor_section, FEED_DEFAULT, [f"the editor's note puts it in '{editor_section}'"])
        title_n, body_n = normalise(title), normalise(body)
        tag_set = {normalise(t) for t in tags}
        best: Placement | None = None
        for compiled in self.sections:
            score, reasons = self._score(compiled, title_n, body_n, tag_set)
            if compiled.section.id == feed_section:
                score += FEED_DEFAULT
                reasons.append(f"the feed's default section (+{FEED_DEFAULT:g})")
            if score > 0 and (best is None or score > best.score):
                best = Placement(compiled.section.id, score, reasons)
        if best is not None:
            return best
        fallback = self.config.fallback_section().id
        return Placement(fallback, 0.0, [f"no rule matched; fallback section '{fallback}'"])

    @staticmethod
    def _score(compiled: _CompiledSection, title: str, body: str, tags: set[str]) -> tuple[float, list[str]]:
        score = 0.0
        reasons: list[str] = []
        for label, regex in compiled.keywords + compiled.patterns:
            if regex.search(title):
                score += TITLE_HIT
                reasons.append(f"title matches '{label}' (+{TITLE_HIT:g})")
            elif regex.search(body):
                score += BODY_HIT
                reasons.append(f"text matches '{label}' (+{BODY_HIT:g})")
        for tag in sorted(tags & compiled.tags):
            score += TAG_HIT
            reasons.append(f"tagged '{tag}' (+{TAG_HIT:g})")
        return score, reasons
