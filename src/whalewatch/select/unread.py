"""Names in a week's Chinese headlines that neither CC-CEDICT nor the edition's glossary lists.

Folding reads such a name by its sound (高通 as 'Gao Tong', where English reports write
Qualcomm), by the meaning of its parts (浪潮集团 as 'tide group', not Inspur) or not at all (a run
of characters the segmenter could not cut). An English report of the same event then shares
nothing with it, and the two are two stories. `whalewatch glossary` lists these names, most
reported first, so the editor can add the ones that matter to ``glossary:``; finding them by hand
means reading every Chinese headline of the week. Where the week's fold put a Chinese report in one
story with English ones (through the words they do share), the names those English headlines give
and the Chinese report never meets are offered as the likely English.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..model import Item
from .fold import FoldResult, fold_explained
from .lexicon import Lexicon, Word, english_words, places, romanised, stem, to_simplified
from .readings import Readings
from .text import _CJK_RUN, has_cjk, names, read

_NUMERALS = frozenset("一二三四五六七八九十百千万亿两几数首")
_TOKEN_EDGES = re.compile(r"^[\"'‘“(\[]+|[\"'’”)\],.:;!?]+$|['’]s$")


@dataclass
class UnreadName:
    text: str            # as the reports write it, in Simplified characters
    reading: str         # what folding makes of it: 'by its sound: gao, tong', 'by its parts: …', 'not at all'
    reports: int         # how many of the week's reports name it in their headline
    example: str         # one of those headlines, as written
    english: list[str] = field(default_factory=list)   # what English reports of the same stories name instead, most named first


def unread_names_in_week(items: list[Item], lexicon: Lexicon, readings: Readings | None = None) -> list[UnreadName]:
    """``unread_names`` for a week, folded first (with the readings kept, if any) for the English."""
    return unread_names(items, lexicon, fold_explained(items, lexicon=lexicon, readings=readings))


def unread_names(items: list[Item], lexicon: Lexicon, folded: FoldResult | None = None) -> list[UnreadName]:
    """The week's unlisted names, most reported first. A name read by its sound is left out when
    an English report of the week writes that sound (李强 and 'Li Qiang' already meet), and so is
    an ordinary compound the segmenter knows (网络安全) or a body named after a country (美国商务部,
    whose parts say what it is)."""
    english = Counter(stem for item in items if not has_cjk(item.title)
                      for stem in set(english_words(f"{item.title} {item.summary_text}".lower())))
    naming: dict[str, list[Item]] = {}          # name -> the reports whose headline gives it
    found: dict[str, UnreadName] = {}
    for item in items:
        if not has_cjk(item.title):
            continue
        named = {}
        for run in _CJK_RUN.findall(to_simplified(item.title)):
            for word in lexicon.words(run, unknown=True):
                reading = _unread(word, lexicon, english)
                if reading:
                    named[word.text] = reading
        for text, reading in named.items():
            naming.setdefault(text, []).append(item)
            found.setdefault(text, UnreadName(text, reading, 0, item.title))
    story_of = {item.key: n for n, cluster in enumerate(folded.clusters) for item in cluster} if folded else {}
    for text, reports in naming.items():
        found[text].reports = len(reports)
        if folded is not None:
            found[text].english = _english_instead(reports, folded.clusters, story_of, lexicon, english)
    return sorted(found.values(), key=lambda name: (-name.reports, name.text))


def _unread(word: Word, lexicon: Lexicon, english: Counter[str]) -> str:
    """How folding reads a word no entry lists ('' when it is listed, or read well enough). A word
    with no English at all is listed whatever its tag: the segmenter knows 燧原 (Enflame) and 阶跃
    (StepFun's first half) as words, but nothing says what they mean."""
    if len(word.text) < 2 or lexicon.listed(word.text):
        return ""
    if not word.glosses:                # a noun, not a count of something (三人, 万卡)
        return "not at all" if word.tag.startswith("n") and word.text[0] not in _NUMERALS else ""
    if not word.name_like:
        return ""                       # an ordinary word, read through its parts
    sound = romanised(word.text)
    if word.glosses == sound:
        return "" if all(english[part] for part in sound) else "by its sound: " + ", ".join(sorted(sound))
    if word.tag == "nz" or word.glosses & places():
        return ""
    return "by its parts: " + ", ".join(sorted(word.glosses))


def _english_instead(chinese: list[Item], clusters: list[list[Item]], story_of: dict[str, int],
                     lexicon: Lexicon, week: Counter[str]) -> list[str]:
    """What the English headlines of the stories these Chinese reports are in name, and none of
    those Chinese headlines meets (a run of capitalised words, as written: 'Qualcomm', 'Moore
    Threads'), most named first; places aside, which the dictionary knows. A name that one of the
    Chinese headlines writes itself ('Autotalks') is not what the Chinese name stands for; one its
    summary meets may well be (its 高通公司 is in the dictionary, as Qualcomm). Of names given
    as often, the one fewer reports of the week (``week``) write comes first: 'AI' and 'Nvidia'
    are everywhere, a company's name few reports give is what a Chinese name nobody reads stands for."""
    offered: Counter[str] = Counter()
    for number in sorted({story_of[item.key] for item in chinese if item.key in story_of}):
        own = [_headline_words(item, lexicon) for item in chinese if story_of.get(item.key) == number]
        for report in (r for r in clusters[number] if not has_cjk(r.title)):
            offered.update(_names_unmet(report, own))
    rarity = {name: sum(week[stem(word.lower())] for word in name.split()) for name in offered}
    return sorted(offered, key=lambda name: (-offered[name], rarity[name], name))[:3]


def _headline_words(item: Item, lexicon: Lexicon) -> set[str]:
    """A headline's words and the English of its Chinese ones, as stems."""
    reading = read(item.title, lexicon, headline=True)
    return set(reading.units).union(*reading.glosses.values())


def _names_unmet(report: Item, chinese: list[set[str]]) -> set[str]:
    named = names(report.title, report.summary_text)
    offered: set[str] = set()
    run: list[str] = []
    for token in [*report.title.split(), ""]:
        word = _TOKEN_EDGES.sub("", _TOKEN_EDGES.sub("", token))
        unit = stem(word.lower()) if word[:1].isupper() else ""
        if unit and unit in named and unit not in places() and not any(unit in words for words in chinese):
            run.append(word)
            if word == token:
                continue             # a name may run on into the next word; punctuation ends it
        if run:
            offered.add(" ".join(run))
            run = []
    return offered
