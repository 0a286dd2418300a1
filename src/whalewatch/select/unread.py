"""Names in a week's Chinese headlines that neither CC-CEDICT nor the edition's glossary lists.

Folding reads such a name by its sound (高通 as 'Gao Tong', where English reports write
Qualcomm), by the meaning of its parts (浪潮集团 as 'tide group', not Inspur) or not at all (a run
of characters the segmenter could not cut). An English report of the same event then shares
nothing with it, and the two are two stories. `whalewatch glossary` lists these names, most
reported first, so the editor can add the ones that matter to ``glossary:``; finding them by hand
means reading every Chinese headline of the week.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..model import Item
from .lexicon import Lexicon, Word, english_words, places, romanised, to_simplified
from .text import _CJK_RUN, has_cjk


_NUMERALS = frozenset("一二三四五六七八九十百千万亿两几数首")


@dataclass
class UnreadName:
    text: str            # as the reports write it, in Simplified characters
    reading: str         # what folding makes of it: 'by its sound: gao, tong', 'by its parts: …', 'not at all'
    reports: int         # how many of the week's reports name it in their headline
    example: str         # one of those headlines, as written


def unread_names(items: list[Item], lexicon: Lexicon) -> list[UnreadName]:
    """The week's unlisted names, most reported first. A name read by its sound is left out when
    an English report of the week writes that sound (李强 and 'Li Qiang' already meet), and so is
    an ordinary compound the segmenter knows (网络安全) or a body named after a country (美国商务部,
    whose parts say what it is)."""
    english = {stem for item in items if not has_cjk(item.title)
               for stem in english_words(f"{item.title} {item.summary_text}".lower())}
    counts: Counter[str] = Counter()
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
            counts[text] += 1
            found.setdefault(text, UnreadName(text, reading, 0, item.title))
    for text, count in counts.items():
        found[text].reports = count
    return sorted(found.values(), key=lambda name: (-name.reports, name.text))


def _unread(word: Word, lexicon: Lexicon, english: set[str]) -> str:
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
        return "" if sound <= english else "by its sound: " + ", ".join(sorted(sound))
    if word.tag == "nz" or word.glosses & places():
        return ""
    return "by its parts: " + ", ".join(sorted(word.glosses))
