"""Words for comparing stories across sources and languages.

English is read as stemmed content words. Chinese is converted to Simplified, cut into words and
each word glossed in English (``lexicon``), so an English and a Chinese report of one event meet
on the English side while two Chinese reports also meet on their own words. Amounts, percentages,
release names and numbered instalments are read the same way in both languages.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

from .lexicon import STOPWORDS, Lexicon, Word, dictionary, place_adjectives, stem, to_simplified
from .sounds import english_keys, english_short_key, pinyin_key, pinyin_short_key

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
_AMOUNT_EN = re.compile(r"\$?(\d+(?:\.\d+)?)\s*-?\s*(billion|bn|million|mn|trillion|tn)\b|(\d+(?:\.\d+)?)(b)\b")
_AMOUNT_ZH = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿|亿|万)")
_AMOUNT_PLAIN = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})+)(?!\d|,\d)")                # $294,000 (a comma may follow)
_AMOUNT_THOUSANDS = re.compile(r"\$\s?(\d+(?:\.\d+)?)k\b")                          # $294K: money only; 32K tokens is no amount
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|％|\s?per\s?cent\b|\s?percent\b)")
_DAY_EN = re.compile(r"\bday\s+(one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\b")
_DAY_ZH = re.compile(r"第([一二三四五六七八九十]|\d{1,2})天")
_HAS_DIGIT = re.compile(r"\d")
_SEMVER = re.compile(r"^v?\d+\.\d+\.\d+")       # a release tag (v1.0.0), not the name of a model
_BARE_VERSION = re.compile(r"^\d+\.\d+$")
# "DeepSeek 3.1": a version right after a name, not a price ($0.27) or a quantity (2.5 times, 3.5%).
_NAMED_VERSION = re.compile(r"(?<=[a-z][\s-])(\d{1,2}\.\d{1,2})(?![\d.,%]|\s*(?:x\b|times|per\b|percent|billion|million|bn\b|trillion|折|倍|万|亿|元))")
# A bare version joined to an edition's name is a release even in running text ('Qwen 2.5-Max').
# A Chinese report writes an edition as a word after the name (预览版 is -Preview), the same editions.
_CHINESE_EDITIONS = {"预览版": "preview", "預覽版": "preview", "测试版": "beta", "測試版": "beta"}
EDITIONS = ("max", "plus", "pro", "turbo", "mini", "air", "flash", "lite", "exp", "ultra", "coder", "omni",
            "thinking", "instruct", "chat", "base", "vl") + tuple(sorted(set(_CHINESE_EDITIONS.values())))
_EDITION_VERSION = re.compile(r"(?<=[a-z][\s-])(\d{1,2}\.\d{1,2})(?=-(?:" + "|".join(EDITIONS) + r")\b)")
# A release name: a brand of up to six letters and a number (r1, v3.1, k2-0905, qwen3-coder, llama3), or a size.
_MODEL_ID = re.compile(r"^(?:[a-z]{1,6}\d+(?:\.\d+)*(?:-[a-z0-9]+)*|\d+(?:\.\d+)?[bkm])$")

_MULTIPLIERS = {"billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "mn": 1e6, "trillion": 1e12, "tn": 1e12,
                "万亿": 1e12, "亿": 1e8, "万": 1e4}


_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
            "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _amount_token(value: str, unit: str) -> str:
    """$589 billion, 'nearly $600bn' and 5890亿 all become '6e11': one significant figure, because
    reports of one event round the same number differently (and in different units)."""
    return _magnitude(float(value) * _MULTIPLIERS[unit])


def _magnitude(amount: float) -> str:
    mantissa, exponent = f"{amount:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


@dataclass
class Reading:
    """A text as comparable units: English stems, figures, release names, and Chinese words with
    their English glosses. ``proper`` holds the Chinese words tagged as names; ``sounds`` the
    sound keys of the foreign names no dictionary knows (普里戈任), by the words that write them."""

    units: list[str] = field(default_factory=list)
    glosses: dict[str, frozenset[str]] = field(default_factory=dict)
    proper: set[str] = field(default_factory=set)
    sounds: dict[str, frozenset[str]] = field(default_factory=dict)


# 'Latin American' is a region, not the United States that 'American' names on its own.
_AMERICAS = re.compile(r"\b(latin|south|central|north)[\s-]+americ(?:a|an|ans)\b")
# The long and dotted forms of two countries' names, as their short forms: 'U.S.' is 'US' is 'America'.
_LONG_NAMES = {"united states": "us", "united kingdom": "uk", "great britain": "britain"}
_LONG_NAME = re.compile(r"\b(united[\s-]+states|united[\s-]+kingdom|great[\s-]+britain)\b|(?<![a-z.])u\.([sk])\.(?:a\.)?")


def read(text: str, lexicon: Lexicon, headline: bool = False) -> Reading:
    """Comparable units of a title or summary, English and Chinese alike.

    Besides words: amounts ('6e11'), percentages ('75pct') and numbered instalments ('day-2',
    from 'day two' or 第二天) are units of their own, the same in both languages. In a
    ``headline``, Chinese characters the segmenter leaves loose are kept as one unknown word.
    """
    text = normalise(text)
    cjk = _CJK_RUN.search(text) is not None
    if cjk:
        text = to_simplified(text)
    reading = Reading(_figures(text))
    if "americ" in text:
        text = _AMERICAS.sub(lambda m: m.group(1) + "america", text)
    if "u." in text or "united" in text or "great" in text:
        text = _LONG_NAME.sub(_short_name, text)
    text = lexicon.latin(text)
    if _HAS_DIGIT.search(text):
        text = _versions_named(text)
    text = _without_figures(text, days=True)
    if "cyber" in text or "anti" in text or "multi" in text or "semi" in text:
        text = _LOOSE_PREFIX.sub(r"\1", text)
    reading.units.extend(chain.from_iterable(map(_parts_of, _LATIN.findall(text))))
    if cjk:
        for run in _CJK_RUN.findall(text):
            words = lexicon.words(run, unknown=headline)
            for word in words:
                reading.units.append(word.text)
                reading.glosses[word.text] = word.glosses
                if word.proper:
                    reading.proper.add(word.text)
            _sound_out(words, lexicon, reading.sounds)
    return reading


def _short_name(match: re.Match[str]) -> str:
    if match.group(2):
        return "u" + match.group(2)
    return _LONG_NAMES[re.sub(r"[\s-]+", " ", match.group(1))]


def _sound_out(words: list[Word], lexicon: Lexicon, sounds: dict[str, frozenset[str]]) -> None:
    """Keys for the foreign names that no dictionary or glossary knows. The segmenter often cuts
    one such name into pieces (戈尔 布 诺夫, where 戈尔 is Al Gore to the dictionary), and two names
    can stand side by side (诺夫 塔尔 科沃), so every run of up to five name-like words that begins
    and ends with a name and holds an unlisted one is sounded out, and its key given to its words."""
    stretch: list[Word] = []
    for word in [*words, None]:
        if word is not None and (word.name_like or len(word.text) == 1):
            stretch.append(word)
            continue
        if stretch:
            _sound_stretch(stretch, lexicon, sounds)
            stretch = []


def _sound_stretch(stretch: list[Word], lexicon: Lexicon, sounds: dict[str, frozenset[str]]) -> None:
    named = [w.name_like for w in stretch]
    unlisted = [lexicon.unlisted_name(w) for w in stretch]
    for start in range(len(stretch)):
        if not named[start]:
            continue
        for end in range(start + 1, min(start + _LONGEST_NAME, len(stretch)) + 1):
            if not named[end - 1] or not any(unlisted[start:end]):
                continue
            key = _sound_key("".join(w.text for w in stretch[start:end]))
            for member in stretch[start:end] if key else ():
                sounds[member.text] = sounds.get(member.text, frozenset()) | {key}


@lru_cache(maxsize=50_000)
def _sound_key(name: str) -> str:
    syllables = [dictionary().readings.get(ch, "") for ch in name]
    return pinyin_key(syllables) or pinyin_short_key(syllables)


_LONGEST_NAME = 5           # words of one foreign name as the segmenter may cut it
_NAME_CANDIDATE = re.compile(r"\b[A-Z][a-z]{3,24}\b")     # a longer "word" is no name
_ORDINARY_WORD = 10         # an English word that glosses more dictionary words than this is not a foreign name


def foreign_names(text: str) -> dict[str, frozenset[str]]:
    """Capitalised words of an English text that are names, not ordinary words, with their sound
    keys, by the unit (stem) they are read as: what 普里戈任 or 特维尔 can meet."""
    found: dict[str, frozenset[str]] = {}
    counts = dictionary().gloss_counts
    for match in _NAME_CANDIDATE.finditer(text or ""):
        word = match.group(0).lower()
        if word in STOPWORDS:
            continue
        unit = stem(word)
        if counts.get(unit, 0) > _ORDINARY_WORD:
            continue
        keys = english_keys(word) or frozenset(filter(None, [english_short_key(word)]))
        if keys:
            found[unit] = found.get(unit, frozenset()) | keys
    return found


def _figures(text: str) -> list[str]:
    if not _HAS_DIGIT.search(text):
        return instalments(text) if "day" in text or "天" in text else []
    words: list[str] = [_amount_token(m.group(1) or m.group(3), m.group(2) or m.group(4)) for m in _AMOUNT_EN.finditer(text)]
    words += [_amount_token(m.group(1), m.group(2)) for m in _AMOUNT_ZH.finditer(text)]
    words += [_magnitude(float(m.group(1).replace(",", ""))) for m in _AMOUNT_PLAIN.finditer(text)]
    words += [_magnitude(float(m.group(1)) * 1e3) for m in _AMOUNT_THOUSANDS.finditer(text)]
    words += [f"{float(m.group(1)):g}pct" for m in _PERCENT.finditer(text)]
    return words + instalments(text)


def _without_figures(text: str, days: bool) -> str:
    """Amounts, percentages (and numbered days) become tokens of their own; their digits must not
    also be read as words, versions or instalment numbers."""
    if not _HAS_DIGIT.search(text) and not (days and ("day" in text or "天" in text)):
        return text
    for pattern in (_AMOUNT_EN, _AMOUNT_ZH, _AMOUNT_PLAIN, _AMOUNT_THOUSANDS, _PERCENT) + ((_DAY_EN, _DAY_ZH) if days else ()):
        text = pattern.sub(" ", text)
    return text


def _word_parts(word: str) -> list[str]:
    """One Latin word as comparable units: brand split off, words stemmed, release names whole.

    Runs for every word of every summary in a week, so the common case (letters only) is kept cheap.
    """
    if word.isalpha():
        return [] if word in STOPWORDS or len(word) < 2 else [stem(word)]
    if _SOLID_COMPOUND.fullmatch(word):
        return [stem(word.replace("-", ""))]
    parts = []
    for part in (word.split("-") if _WORDS_HYPHENATED.fullmatch(word) else _split_brand(word).split(" ")):
        if part in STOPWORDS or len(part) < 2 and not part.isdigit():
            continue
        parts.append(stem(part) if part.isalpha() else part)   # release names carry a digit, and keep their s
    return parts


# English writes one compound three ways ('start-up', 'startup'; 'cyber attack', 'cyberattack'): a
# hyphenated noun of a verb and its particle ('sign-ups', 'roll-out', 'sell-off'), or of a prefix
# that is no word on its own ('co-founder', 'cyber-attack'), is read as the solid word. So is a
# prefix standing apart ('cyber attack'). 'Large-scale' and 'top-rated' are two words joined, and stay so.
_PARTICLES = "up|ups|down|downs|out|outs|off|offs|over|overs|in|ins|back|backs|away"
_SOLID_COMPOUND = re.compile(rf"[a-z]+-(?:{_PARTICLES})|(?:co|cyber|anti|non|multi|semi)-[a-z]{{3,}}")
# An acronym joined to words by hyphens ('AI-generated', 'US-China') is the words written apart, as a
# Chinese report's AI生成 is. A release name carries a digit and stays whole ('r1-zero'), and so does
# a compound of short words ('cut-price' is cheap, not a price; 'top-rated').
_WORDS_HYPHENATED = re.compile(r"[a-z]{2}(?:-[a-z]+)+")
_LOOSE_PREFIX = re.compile(r"\b(cyber|anti|multi|semi)\s+(?=[a-z]{3})")


@lru_cache(maxsize=100_000)
def _parts_of(word: str) -> tuple[str, ...]:
    """``_word_parts``, remembered: a week's reports use the same few thousand words again and again."""
    return tuple(_word_parts(word))


def _split_brand(word: str) -> str:
    """'deepseek-r1-zero' is the brand plus the release 'r1-zero'; 'r1-zero' itself stays whole."""
    head, sep, rest = word.partition("-")
    if sep and head.isalpha() and len(head) > 3 and rest:
        return head + " " + _split_brand(rest)
    return word


# A Chinese report writes a release's edition as a word after its name; English joins it to the name.
_CHINESE_EDITION = re.compile(r"(?<![a-z0-9.\-])([a-z0-9][a-z0-9.\-]{0,40})\s{0,3}(" + "|".join(_CHINESE_EDITIONS) + ")")


def model_ids(text: str) -> frozenset[str]:
    return frozenset(releases_in_order(text))


def releases_in_order(text: str, bare_versions: bool = False) -> list[str]:
    """Release names such as r1, r1-zero, v3, v3.1, r1-0528: two stories that name different ones differ.

    Release tags (v1.0.0) and sizes (671b) are not names: a GitHub release called 'v1.0.0:
    DeepSeek-V3' is the V3 release, and one release comes in several sizes. A bare '3.1' names a
    release only where the caller says so (titles), not in running text ('1.5 times faster').
    """
    products = _brand_products(text)
    text = normalise(text)
    if "版" in text:                                        # R1-Lite预览版 is R1-Lite-Preview
        text = _CHINESE_EDITION.sub(lambda m: f"{m.group(1)}-{_CHINESE_EDITIONS[m.group(2)]} ", text)
    if bare_versions:                                       # only in titles: "DeepSeek 3.1"
        text = _versions_named(text)
    elif _HAS_DIGIT.search(text):                           # anywhere: "Qwen 2.5-Max", never a measure
        text = _EDITION_VERSION.sub(r"v\1", text)
    if not _HAS_DIGIT.search(text):
        return products
    text = _without_figures(text, days=False)
    found: list[str] = []
    for match in _LATIN.finditer(text):
        if not _HAS_DIGIT.search(match.group(0)):
            continue                     # every release name has a digit in it; most words do not
        word = _CHECKPOINT.sub("", _split_brand(match.group(0)).split(" ")[-1])
        if _SEMVER.match(word) or re.fullmatch(r"\d+(?:\.\d+)?[bkm]", word):
            continue
        if _MODEL_ID.match(word) and any(ch.isdigit() for ch in word) and not word.isdigit() and word not in found:
            found.append(word)
    if products:
        at = {release: _first_at(text, release) for release in found}
        at.update({product: _first_at(text, "-" + product) for product in products if product not in at})
        found = sorted(at, key=at.__getitem__)
    return found


# One release's checkpoints: K2-Instruct and K2-Base came out as K2, as its sizes did (K2-Instruct-0905 is K2-0905).
_CHECKPOINT = re.compile(r"-(?:instruct|base|chat)(?=-|$)")


# A maker's product named without a number: a CamelCase maker joined to an acronym or a name
# ('DeepSeek-OCR', 'DeepSeek-Prover'), not to a describing word ('DeepSeek-powered', 'Open-Source').
_BRAND_PRODUCT = re.compile(r"(?<![\w-])[A-Z][a-z]+[A-Z][A-Za-z]*-([A-Z]{2,}|[A-Z][a-z]{3,})(?![\w-])")
_DESCRIBING = frozenset("based style like powered backed led owned made related linked inspired trained built class "
                        "level scale sized free only first native compatible friendly".split())


def _brand_products(text: str) -> list[str]:
    return [m.group(1).lower() for m in _BRAND_PRODUCT.finditer(text) if m.group(1).lower() not in _DESCRIBING]


def _first_at(text: str, release: str) -> int:
    at = text.find(release)
    return at if at >= 0 else len(text)


_STANDALONE_NUMBER = re.compile(r"(?<![\w.,$])(\d{1,6})(?![\w.,%])")
_WORD = re.compile(r"[^\W\d_]+")


def title_numbers(title: str) -> frozenset[tuple[str, str]]:
    """Standalone whole numbers of a title, each with the word it follows (('ai', '397') in 'Import
    AI 397'; '' after a stopword or nothing), years and figures left out."""
    text = _without_figures(normalise(title), days=True)
    found = set()
    for match in _STANDALONE_NUMBER.finditer(text):
        if re.fullmatch(r"(19|20)\d\d", match.group(1)):
            continue
        before = _WORD.findall(text[:match.start()])
        found.add((before[-1] if before and before[-1] not in STOPWORDS else "", match.group(1)))
    return frozenset(found)


def numbered_apart(a: frozenset[tuple[str, str]], b: frozenset[tuple[str, str]]) -> bool:
    """Two titles that number the same thing differently (issue 397 and issue 398): both have a
    number after the same word, and they share no number. A count in one and a model number in the
    other ('jet with 132 on board', 'Boeing 737 plunges') say nothing against each other."""
    if {number for _, number in a} & {number for _, number in b}:
        return False
    return bool({label for label, _ in a if label} & {label for label, _ in b})


# A figure with its unit ('a 6.8-magnitude quake', 'by 6.8 magnitude'): a measurement, not a release.
_UNIT_AFTER = re.compile(r"[\s-]*(?:magnitude|richter|degrees?|km|kilomet|miles?|met(?:er|re)s?|points?|seconds?|minutes?|"
                         r"hours?|days?|weeks?|months?|years?|级|度)", re.I)
_UNIT_BEFORE = frozenset({"magnitude", "richter", "scale", "measuring"})


def _versions_named(text: str) -> str:
    """'DeepSeek 3.1' as the release 'v3.1', in a title read for its words and for its releases alike;
    a figure is left as it is."""
    return _NAMED_VERSION.sub(lambda m: m.group(1) if _measured(text, m) else "v" + m.group(1), text)


def _measured(text: str, match: re.Match[str]) -> bool:
    """A bare number after a preposition or a unit's name, or before a unit, measures something:
    a version follows the name it belongs to ('DeepSeek 3.1')."""
    before = _WORD.findall(text[max(0, match.start() - 40):match.start()])
    word = before[-1].lower() if before else ""
    return word in STOPWORDS or word in _UNIT_BEFORE or bool(_UNIT_AFTER.match(text, match.end()))


def release_family(release: str) -> str:
    """v3.1 and v3.2-exp are of family v3, r1-zero and r1-0528 of r1: only names of one family can contradict."""
    match = re.match(r"[a-z]+\d+", release)
    return match.group(0) if match else release


def instalments(text: str) -> list[str]:
    """'Day two', 'day 2' and 第二天 of a series: different days are different events."""
    text = normalise(text)
    if "day" not in text and "天" not in text:
        return []
    found = [m.group(1) for m in _DAY_EN.finditer(text)] + [m.group(1) for m in _DAY_ZH.finditer(text)]
    return [f"day-{_NUMBERS.get(n, n)}" for n in found]


_CAPITALISED = re.compile(r"(?<![\w'’])([A-Z][\w.+-]*)")


def names(title: str, summary: str = "", proper: set[str] | frozenset[str] = frozenset()) -> frozenset[str]:
    """The names a title is about: its capitalised words that are capitalised where capitals mean
    a name, and the Chinese words the segmenter tagged as names (``proper``).

    A word is a name if it is capitalised in a sentence-case title (not as its first word), has a
    capital or digit inside it (DeepSeek, H20), or is capitalised in the middle of a sentence of
    the summary. In a Title Case Headline every word is capitalised, so there only the last two count.
    """
    found = set(proper)
    words = title.split()
    capitalised = _CAPITALISED.findall(title)
    sentence_case = bool(words) and len(capitalised) <= max(1, len(words) // 2)
    in_summary = {m.group(1) for m in _MID_SENTENCE_CAPITAL.finditer(summary)}
    for position, word in enumerate(capitalised):
        inner = re.search(r".[A-Z0-9]", word) is not None
        first = position == 0 and title.lstrip().startswith(word)
        if inner or (sentence_case and not first) or word.rstrip(".,:;") in in_summary:
            for match in _LATIN.finditer(normalise(word)):
                found.update(t for t in _word_parts(match.group(0)) if not _MODEL_ID.match(t))
    return frozenset(found)


# A headline's context: what it happened after, amid or ahead of ("Oil tops $100 after Russia
# invades Ukraine", "硅谷银行倒闭后 美国地区银行股暴跌"). That is another story, named to explain this one.
_CONTEXT_EN = re.compile(
    r"\s(?:(?:a|one|two|three|four|five|six|\d{1,2})\s+(?:hours?|days?|weeks?|months?)\s+)?"
    r"(?:after|amid|following|in the wake of|in response to|ahead of|on the sidelines of)\s+([^,:;|–—]{3,})", re.I)
_LEADING_CONTEXT_EN = re.compile(r"^(?:after|amid|following|in the wake of|ahead of)\s+([^,:;]{3,80}),\s*(?=\S)", re.I)
_LEADING_CONTEXT_ZH = re.compile(r"^([^，,\s]{2,24}?(?:之后|后|之际))[\s，,]+(?=\S)")
# A toll is the event's own news: 'At least 50 dead following warehouse explosions' reports the explosions.
_TOLL_ONLY = re.compile(r"^\W*(?:(?:death )?toll (?:rises|climbs|reaches|hits) to\s+)?(?:at least|more than|over|nearly|almost|about|some|"
                        r"dozens|scores|hundreds|thousands)?\s*(?:of\s+)?(?:[\d,\s]|one|two|three|four|five|six|seven|eight|nine|ten)*(?:people\s+|are\s+|were\s+)*"
                        r"(?:dead|killed|die|died|injured|hurt|missing|wounded|feared dead|confirmed dead)?\W*$", re.I)


def headline_context(title: str) -> tuple[str, str]:
    """A headline as what it reports and the context it names: the clause after 'after', 'amid',
    'ahead of' (or a leading one, or a Chinese one ending in 后 before a break). The context
    is another event; it is not what the headline says happened."""
    leading = _LEADING_CONTEXT_EN.match(title) or _LEADING_CONTEXT_ZH.match(title)
    if leading:
        return title[leading.end():], leading.group(1)
    trailing = _CONTEXT_EN.search(title)
    if trailing and trailing.start() > 0 and not _TOLL_ONLY.match(title[:trailing.start()]):
        return title[:trailing.start()] + title[trailing.end():], trailing.group(1)
    return title, ""


def lead_word(title: str) -> str:
    """A headline's first word as a unit, when it is capitalised and carries meaning ('Tesla', not
    'The'). A place's adjective ('Chinese start-up's agent') sets the scene; the subject follows it."""
    match = re.match(r"\s*['‘\"“]?([A-Z](?:(?![\u2e80-\u9fff\uf900-\ufaff])[\w.+-])*)(\s*[:：|])?", title)
    if not match or match.group(2):
        return ""                       # 'Translation:', 'Exclusive:' label the piece; they are not its subject
    if match.group(1).lower() in place_adjectives():
        return ""
    parts = _word_parts(normalise(match.group(1)).strip(".-"))
    return parts[0] if parts else ""


# An acronym as news writes it (WHO, FDIC, MIIT), and the capitalised words that may spell one out.
_ACRONYM = re.compile(r"(?<![\w.&-])([A-Z]{2,6})(?![\w.&-])")
_NAME_WORD = re.compile(r"[A-Za-z][\w'’-]*|&")
# Two or more capitalised words (not acronyms), linked by 'of', 'and', 'for', 'the', 'on' or '&':
# 'Bureau of Industry and Security' is BIS.
_CAPITALISED_WORD = r"(?:(?<![\w'’-])[A-Z](?![A-Z\d])[\w'’-]*)"
_NAME_RUN = re.compile(_CAPITALISED_WORD + r"(?:\s+(?:(?:of|and|for|the|on|&)\s+)*" + _CAPITALISED_WORD + r")+")


def acronyms(text: str) -> frozenset[str]:
    """The acronyms a text writes in capitals, lower-cased ('who' for WHO). A text in capitals
    throughout (a shouted headline) has none: there every word looks like one."""
    found = _ACRONYM.findall(text)
    if not found or sum(map(len, found)) * 2 > sum(c.isalpha() for c in text):
        return frozenset()
    return frozenset(a.lower() for a in found)


def initialisms(text: str) -> dict[str, tuple[tuple[str, ...], str]]:
    """The acronyms the text's runs of capitalised words would make, lower-cased, each with its
    words (lower-cased) and the name as written: 'World Health Organization' makes 'who', 'Ministry
    of Industry and Information Technology' 'miit'. Every stretch of two to six words of a run
    counts, as a title's run often runs on ('… Organization Says')."""
    found: dict[str, tuple[tuple[str, ...], str]] = {}
    for match in _NAME_RUN.finditer(text):
        run = [m for m in _NAME_WORD.finditer(match.group(0)) if m.group(0)[0].isupper()]
        for start in range(len(run) - 1):
            for end in range(start + 2, min(start + 6, len(run)) + 1):
                words = tuple(m.group(0).lower() for m in run[start:end])
                found["".join(w[0] for w in words)] = (words, match.group(0)[run[start].start():run[end - 1].end()])
    return found


_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[\w,;’'\)] )([A-Z][\w+-]*)")


_ESSAY = re.compile(
    r"(^|[:：]\s*)(what|how|why|did|does|do|is|are|can|could|should|will|would|who|when|where)\b|\?\s*$|？"
    r"|\b(and|on) (what|how|why)\b"
    r"|^(long read|interview|opinion|analysis|essay|explainer|commentary|podcast|q&a)\s*[:：]|解读|分析|评论|访谈|观点", re.I)


def essay_shaped(title: str) -> bool:
    """A question, or a title announcing an essay, an interview or an analysis: commentary, not a report of news."""
    return any(not _shouted(m.group(2)) for m in _ESSAY.finditer(title.strip()))   # 'WHO declares' is news


def _shouted(word: str | None) -> bool:
    """A question word written in capitals is an acronym: WHO, IS."""
    return bool(word) and len(word) > 1 and word.isupper()


_RELEASE_VERB = re.compile(
    r"\b(releases?|released|launch(?:es|ed)?|unveil(?:s|ed)?|debuts?|debuted|rolls? out|ships?|open-sources?|open-sourced)\b"
    r"|发布|推出|上线|开源", re.I)


# A product's name with a version in it, as labs write them: Qwen2.5-Max, GLM-4.5, Qwen3, K2 (not 300PFlops).
_PRODUCT_NAME = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+-?\d+(?:\.\d+)?(?:-[A-Za-z][A-Za-z0-9]*)*(?![A-Za-z0-9.])")
# 'DeepSeek-Coder-V2: Breaking the Barrier…': a product's versioned name (a word of two letters or
# more, then its version) opening a title, before a colon.
_NAMED_REPORT = re.compile(r"^\s*(?:[A-Za-z][\w.]*-)*[A-Za-z]{2,}-?[Vv]?\d+(?:\.\d+)?(?:-[A-Za-z][A-Za-z0-9]*)*\s*[:：]")
# What a title compares its news with: a release named after these is the yardstick, not the news.
_COMPARISON = re.compile(r"\b(?:to rival|rivals?|rivall?ing|beats?|beating|outperforms?|vs\.?|versus|than|takes on|"
                         r"challenges?|on par with)\b.*$|(?:对标|挑战|超越|比肩|媲美|超过|叫板|對標|挑戰|超車).*$", re.I)


def release_shaped(title: str) -> bool:
    """A title announcing that a named release came out ('Lab releases V2', '发布…M1'): a release
    is what the report is, whatever else it mentions (its paper, its price, a benchmark). A name
    the title only compares with ('…supernode to rival Nvidia's NVL72') is not what came out.
    A title that opens with a versioned name and a colon ('DeepSeek-VL2: Mixture-of-Experts…') is
    the release's own report."""
    if _NAMED_REPORT.match(title):
        return True
    if not _RELEASE_VERB.search(title):
        return False
    own = _COMPARISON.sub("", title)
    return bool(_PRODUCT_NAME.search(own) or releases_in_order(own, bare_versions=True))


def item_form(title: str) -> str | None:
    """What a report is by its shape, for placement: commentary, a release, or neither."""
    if essay_shaped(title):
        return "essay"
    return "release" if release_shaped(title) else None


def has_cjk(text: str) -> bool:
    return bool(_CJK_RUN.search(text or ""))


_PLURAL = re.compile(r"(?<=[a-z]{3})(?<![sui])(?<!ew)s$")   # chips, GPUs, rules; not news, bus or analysis


def keyword_form(keyword: str) -> str:
    """A keyword as it is looked for: lower case, a Latin plural as its singular."""
    key = normalise(keyword).strip()
    return key if has_cjk(key) else _PLURAL.sub("", key)


def keyword_regex(keyword: str) -> re.Pattern[str]:
    """Latin keywords match whole words, in any of their forms: an editor who lists 'chips' means
    'chip' too, as one who lists 'tariff' means 'tariffs'. CJK keywords match as substrings
    (there are no word breaks)."""
    key = keyword_form(keyword)
    if has_cjk(key):
        return re.compile(re.escape(key))
    return re.compile(r"(?<![a-z0-9])" + re.escape(key).replace(r"\ ", r"[\s\-]+") + r"(?:s|es|d|ed|ing)?(?![a-z0-9]|-[a-z0-9])")
