"""Which section a story belongs in, by rules the editor owns, with the reasons kept."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import ahocorasick

from ..config import Config, Section
from .lexicon import Lexicon, english_words, to_simplified
from .text import has_cjk, item_form, keyword_form, keyword_regex, normalise

TITLE_HIT = 3.0
BODY_HIT = 1.0
TAG_HIT = 10.0   # a tag is the editor's explicit word; it outweighs keyword hits
FORM_HIT = 6.0   # an essay, an interview, a paper: what an item is counts, not only its words
FEED_DEFAULT = 1.5
MIN_VOTE = 0.5   # an aggregator's report still counts, a little


@dataclass
class Placement:
    section: str
    score: float                # strength of the match, reused by ranking
    reasons: list[str] = field(default_factory=list)
    specificity: int = 0        # the longest keyword matched: 'data protection' says more than 'app store'


@dataclass
class Report:
    """One item of a story, as placement sees it."""

    title: str
    summary: str
    tags: list[str]
    feed_section: str | None
    weight: float


@dataclass
class _CompiledSection:
    section: Section
    keywords: list[tuple[str, re.Pattern[str]]]
    patterns: list[tuple[str, re.Pattern[str]]]
    tags: set[str]
    rules: list[_Rule] = field(default_factory=list)                  # keywords, then patterns
    untested: list[int] = field(default_factory=list)                 # rules tried on every text (no gate)
    by_gate: dict[str, list[int]] = field(default_factory=dict)       # gate -> the rules it lets be tried
    lexicon: Lexicon | None = None                                    # for the twins, read on first need
    _twins: dict[int, list[int]] | None = None

    def twins(self) -> dict[int, list[int]]:
        """Each Chinese keyword -> the English ones of the section it translates. Worked out when a
        Chinese keyword first matches: a week with no Chinese report never loads the dictionary."""
        if self._twins is None:
            self._twins = _translations(self.rules, self.lexicon) if self.lexicon is not None else {}
        return self._twins


@dataclass(frozen=True)
class _Rule:
    label: str                  # as the editor wrote it
    regex: re.Pattern[str]
    gate: str | None            # what a text must hold for the rule to be tried
    pattern: bool


class Placer:
    def __init__(self, config: Config, lexicon: Lexicon | None = None):
        self.config = config
        lexicon = lexicon or Lexicon(dict(config.glossary))
        self.sections = [
            _CompiledSection(
                s,
                [(k, keyword_regex(_comparable(k))) for k in _distinct(s.keywords)],
                [(p, re.compile(p, re.I)) for p in s.patterns],
                {normalise(t) for t in s.tags},
            )
            for s in config.sections
        ]
        self._gates = ahocorasick.Automaton()
        self._known: dict[int, Placement] = {}            # placements worked out ahead (``remember``)
        for compiled in self.sections:
            compiled.rules = ([_Rule(label, regex, _gate(label), False) for label, regex in compiled.keywords]
                              + [_Rule(label, regex, None, True) for label, regex in compiled.patterns])
            for index, rule in enumerate(compiled.rules):
                if rule.gate is None:
                    compiled.untested.append(index)
                else:
                    compiled.by_gate.setdefault(rule.gate, []).append(index)
                    self._gates.add_word(rule.gate, rule.gate)
            compiled.lexicon = lexicon
        if len(self._gates):
            self._gates.make_automaton()

    def _held(self, text: str) -> dict[str, list[int]]:
        """Where in a text each gate starts, all found in one pass over it: an edition lists
        hundreds of keywords, and searching a large week's reports for each one took seconds.
        A keyword is then tried only where its gate is; an English one only where a word starts
        (a keyword never matches inside a word: 'ai' is not in 'said')."""
        found: dict[str, list[int]] = {}
        if text and len(self._gates):
            for end, gate in self._gates.iter(text):
                start = end - len(gate) + 1
                if not gate.isascii() or start == 0 or not _word_character(text[start - 1]):
                    found.setdefault(gate, []).append(start)
        return found

    def place(self, title: str, body: str, tags: list[str], feed_section: str | None,
              editor_section: str | None = None, form: str | None = None) -> Placement:
        if editor_section:
            return Placement(editor_section, FEED_DEFAULT, [f"the editor's note puts it in '{editor_section}'"])
        title_n, body_n = _comparable(title), _comparable(body)
        tag_set = {normalise(t) for t in tags}
        held = (self._held(title_n), self._held(body_n))
        gates = held[0].keys() | held[1].keys()
        matched: list[tuple[float, tuple[int, int], Placement]] = []
        for compiled in self.sections:
            tried = compiled.untested + [i for gate in gates if gate in compiled.by_gate for i in compiled.by_gate[gate]]
            score, reasons, specificity = (self._score(compiled, title_n, body_n, tag_set, held, sorted(tried))
                                           if tried or tag_set & compiled.tags else (0.0, [], 0))
            if form and any(regex.search(form) for _, regex in compiled.keywords):
                score += FORM_HIT
                reasons.append(f"{'an' if form[0] in 'aeiou' else 'a'} {form} by its form, and the section lists '{form}' (+{FORM_HIT:g})")
            if compiled.section.id == feed_section:
                score += FEED_DEFAULT
                reasons.append(f"the feed's default section (+{FEED_DEFAULT:g})")
            if score > 0:          # a tie of scores goes to more rules matched, then the more specific rule
                matched.append((score, (len(reasons), specificity), Placement(compiled.section.id, score, reasons, specificity)))
        if matched:
            top, _, best = max(matched, key=lambda m: (m[0], m[1]))     # max keeps the first listed of equals
            tied = [p.section for score, _, p in matched if score == top and p is not best]
            if tied:
                best.reasons.append(f"tied with {', '.join(repr(t) for t in tied)} at {top:g}: "
                                    "more rules matched, or a more specific one, decide")
            return best
        fallback = self.config.fallback_section().id
        return Placement(fallback, 0.0, [f"no rule matched; fallback section '{fallback}'"])

    def place_story(self, reports: list[Report], editor_section: str | None = None) -> Placement:
        """Each report votes for the section that suits it best, weighted by its feed's weight.

        Placing on all titles joined would count a bilingual keyword pair (Nvidia, 英伟达) twice
        and let the longest cluster win by volume; votes let the primary sources decide, and a
        tie goes to the section matched most strongly, then to the one matched most specifically;
        the order sections are listed in decides only when nothing else does.
        """
        if editor_section:
            return self.place("", "", [], None, editor_section)
        votes: dict[str, float] = {}
        strongest: dict[str, Placement] = {}
        placements = [self._placed(report) for report in reports]
        matched = any(p.score > 0 for p in placements)
        for report, placement in zip(reports, placements):
            if matched and placement.score == 0:
                continue             # matching no rule is no evidence: it does not outvote a report that matched one
            votes[placement.section] = votes.get(placement.section, 0.0) + max(report.weight, MIN_VOTE)
            if placement.section not in strongest or placement.score > strongest[placement.section].score:
                strongest[placement.section] = placement
        order = {s.id: n for n, s in enumerate(self.config.sections)}
        winner = max(votes, key=lambda s: (votes[s], strongest[s].score, strongest[s].specificity, -order[s]))
        chosen = strongest[winner]
        if len(reports) > 1:
            tally = ", ".join(f"{s} {v:g}" for s, v in sorted(votes.items(), key=lambda kv: -kv[1]))
            silent = sum(1 for p in placements if matched and p.score == 0)
            others = "the other matched" if silent == 1 else "the others matched"
            heard = f"{len(reports) - silent} of {len(reports)} reports ({others} no rule)" if silent else f"{len(reports)} reports"
            chosen = Placement(winner, chosen.score, chosen.reasons + [f"{heard} voted by feed weight: {tally}"])
        return chosen

    def _placed(self, report: Report) -> Placement:
        known = self._known.get(_key(report))
        if known is not None:
            return known
        return self.place(report.title, report.summary, report.tags, report.feed_section, form=item_form(report.title))

    def placements_of(self, reports: list[Report]) -> dict[int, Placement]:
        """Each report's own placement, for ``remember`` in another process."""
        return {_key(report): self._placed(report) for report in reports}

    def remember(self, placements: dict[int, Placement]) -> None:
        """Placements worked out ahead, while the week was being folded: a report's own placement
        depends on nothing but the report, so a second core can place a large week's reports
        while the first folds them."""
        self._known.update(placements)

    @staticmethod
    def _score(compiled: _CompiledSection, title: str, body: str, tags: set[str],
               held: tuple[dict[str, list[int]], dict[str, list[int]]], tried: list[int]) -> tuple[float, list[str], int]:
        """Each rule scores once: in the title if it matches there, else in the text, never on words an
        earlier rule of the section already scored ('export control' and 'export controls' are one
        phrase in 'export controls fail', not two hits). Only the rules ``tried`` are, each only on a
        text that holds its gate (``held``, for the title and the text): most rules match nothing.

        Also returns how specific the section's most specific match is (its longest keyword, or for
        a pattern the text it matched: a regular expression is not specific for being long): two
        sections that score the same are told apart by it ('Berlin data protection chief asks
        Apple to pull DeepSeek from app stores' is about data protection more than app stores),
        not by the order the sections are listed in."""
        longest = 0
        taken: dict[str, list[tuple[int, int]]] = {"title": [], "text": []}
        hits: dict[int, tuple[float, str]] = {}
        for index in tried:                                    # in the order the editor listed them
            rule = compiled.rules[index]
            for where, text, points, starts in (("title", title, TITLE_HIT, held[0]), ("text", body, BODY_HIT, held[1])):
                if rule.gate is not None and rule.gate not in starts:
                    continue
                match = _fresh_match(rule.regex, text, taken[where], starts.get(rule.gate) if rule.gate else None)
                if match is not None:
                    longest = max(longest, len(match.group(0)) if rule.pattern else len(rule.label))
                    hits[index] = (points, f"{where} matches '{rule.label}'")
                    break
        score, reasons = _counted_once(hits, compiled)
        for tag in sorted(tags & compiled.tags):
            score += TAG_HIT
            reasons.append(f"tagged '{tag}' (+{TAG_HIT:g})")
            longest = max(longest, len(tag))
        return score, reasons, longest


def _counted_once(hits: dict[int, tuple[float, str]], compiled: _CompiledSection) -> tuple[float, list[str]]:
    """The section's score from the rules that matched, a Chinese keyword and the English one it
    translates counting as one rule, worth the more of the two: '輝達NIM微服務…' over "Nvidia's
    NIM…" names Nvidia once, not twice, and had outscored a section whose own word matched once."""
    score = 0.0
    reasons: dict[int, str] = {}
    translated = compiled.twins() if any(has_cjk(compiled.rules[i].label) for i in hits) else {}
    matched_twins = {i: [t for t in translated.get(i, ()) if t in hits] for i in hits}
    for index, (points, reason) in hits.items():
        if not matched_twins[index]:
            score += points
            reasons[index] = f"{reason} (+{points:g})"
    for index, (points, reason) in hits.items():
        if matched_twins[index]:
            twin = max(matched_twins[index], key=lambda t: hits[t][0])
            extra = max(0.0, points - hits[twin][0])
            score += extra
            reasons[twin] += f", and {reason.split(' matches ')[0]} its Chinese '{compiled.rules[index].label}' (+{extra:g}: one name)"
    return score, [reasons[i] for i in sorted(reasons)]


def _translations(rules: list[_Rule], lexicon: Lexicon) -> dict[int, list[int]]:
    """Each Chinese keyword of a section, and the English keywords of the section it translates:
    those all of whose words its dictionary or glossary meanings hold (英伟达 = Nvidia; 市值 =
    market value). Two English keywords are never joined to each other this way."""
    english = {i: frozenset(english_words(r.label.lower())) for i, r in enumerate(rules)
               if not r.pattern and not has_cjk(r.label)}
    twins: dict[int, list[int]] = {}
    for index, rule in enumerate(rules):
        if rule.pattern or not has_cjk(rule.label):
            continue
        meanings = frozenset().union(*(w.glosses for w in lexicon.words(to_simplified(_comparable(rule.label)))))
        found = [i for i, words in english.items() if words and words <= meanings]
        if found:
            twins[index] = found
    return twins


def _distinct(keywords: list[str]) -> list[str]:
    """The keywords once each as they are looked for: 'price' and 'prices' are one keyword, which
    scores once, as 'export control' and 'export controls' always did."""
    seen: set[str] = set()
    kept: list[str] = []
    for keyword in keywords:
        form = keyword_form(_comparable(keyword))
        if form and form not in seen:
            seen.add(form)
            kept.append(keyword)
    return kept


def _key(report: Report) -> int:
    """A report's identity for ``remember``: a hash, not the texts, so a large week's placements
    cost no second copy of its texts. A forked worker hashes as its parent does (one hash seed)."""
    return hash((report.title, report.summary, tuple(report.tags), report.feed_section))


def _comparable(text: str) -> str:
    """Lower case, and Chinese in mainland Simplified: a Taiwanese report's 開源 and 晶片 meet the
    editor's 开源 and 芯片."""
    return normalise(to_simplified(text) if has_cjk(text) else text)


def _gate(keyword: str) -> str | None:
    """Text a report must hold for a keyword to match: the keyword's first word as written (its
    regex matches it literally, with a suffix at most), or a Chinese keyword whole. A keyword
    that starts with something else is always tried."""
    key = keyword_form(_comparable(keyword))
    if has_cjk(key):
        return key
    first = re.match(r"[a-z0-9]+", key)
    return first.group(0) if first else None


def _word_character(character: str) -> bool:
    """What a Latin keyword may not follow: a letter or digit of the same word (the text is lower case)."""
    return character.isascii() and character.isalnum()


def _fresh_match(regex: re.Pattern[str], text: str, taken: list[tuple[int, int]],
                 starts: list[int] | None = None) -> re.Match[str] | None:
    """A match that does not overlap words an earlier keyword of the section already scored; a
    keyword's is looked for only where its gate starts (``starts``), a pattern's anywhere."""
    if starts is not None:
        for start in starts:
            match = regex.match(text, start)
            if match is not None and not any(match.start() < end and begin < match.end() for begin, end in taken):
                taken.append(match.span())
                return match
        return None
    first = regex.search(text)
    if first is None or not taken:           # the common cases: no match, or nothing scored yet
        if first is not None:
            taken.append(first.span())
        return first
    for match in regex.finditer(text):
        if not any(match.start() < end and start < match.end() for start, end in taken):
            taken.append(match.span())
            return match
    return None
