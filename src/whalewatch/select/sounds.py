"""How a foreign name sounds, so that Prigozhin meets 普里戈任 and Tver meets 特维尔.

Chinese writes a foreign name with characters chosen for their sound, and no dictionary lists
next month's minister or town. Both spellings keep the name's consonants in order, so each is
reduced to a coarse key of consonant classes: lips (p b), lips and teeth (f v w), tongue (t d),
throat (k g), hiss (s z j x zh ch sh, and pinyin r: 任 writes the zh of Prigozhin), liquid (l r,
and 尔 'er'), m, and n (a nasal before a consonant or at a syllable's end is n in both: Trump
and 特朗普). Vowels and h leave no trace. A key of fewer than three classes is too common to mean
anything; such a short name (Harris, 哈里斯) is keyed with the vowel after each consonant instead,
coarsely (a; e i y; o u), and an h that begins it, and needs two consonants even then.

An English name gets a few keys, for what Chinese usually drops: a final r (Wagner, 瓦格纳) and
a final s (Damascus, 大马士革).
"""

from __future__ import annotations

import re
from functools import lru_cache

MIN_CLASSES = 3
_VOWELS = frozenset("aeiouy")
# English letter groups as heard, longest first; what they leave is read letter by letter.
_ENGLISH_GROUPS = (("sch", "s"), ("tch", "s"), ("ch", "s"), ("sh", "s"), ("zh", "s"), ("ph", "f"), ("th", "t"),
                   ("ck", "k"), ("kh", "k"), ("gh", ""), ("ts", "s"), ("tz", "s"), ("qu", "k"), ("x", "ks"))
_ENGLISH_LETTERS = {"b": "B", "p": "B", "f": "F", "v": "F", "w": "F", "d": "T", "t": "T", "g": "K", "k": "K",
                    "q": "K", "s": "S", "z": "S", "j": "S", "l": "L", "r": "L", "m": "M", "n": "N"}
_PINYIN_INITIALS = (("zh", "S"), ("ch", "S"), ("sh", "S"), ("b", "B"), ("p", "B"), ("f", "F"), ("w", "F"),
                    ("d", "T"), ("t", "T"), ("g", "K"), ("k", "K"), ("j", "S"), ("q", "S"), ("x", "S"), ("z", "S"),
                    ("c", "S"), ("s", "S"), ("r", "S"), ("l", "L"), ("m", "M"), ("n", "N"), ("h", ""), ("y", ""))
_WORD = re.compile(r"[a-z]+")


def _squeezed(classes: list[str]) -> str:
    """Repeated classes are one sound (Assad's ss, 萨德's s-d stays two)."""
    out: list[str] = []
    for c in classes:
        if c and (not out or out[-1] != c):
            out.append(c)
    return "".join(out)


@lru_cache(maxsize=50_000)
def _as_heard(name: str) -> str:
    """An English name in lower case with its letter groups as heard (Prigozhin -> prigosin)."""
    word = "".join(_WORD.findall(name.lower()))
    for group, sound in _ENGLISH_GROUPS:
        word = word.replace(group, sound)
    return word


def _consonant(word: str, i: int) -> str:
    """The class of the consonant at ``i``: a c is soft before e, i and y."""
    if word[i] == "c":
        return "S" if word[i + 1:i + 2] in ("e", "i", "y") else "K"
    return _ENGLISH_LETTERS.get(word[i], "")


def _syllable(syllable: str) -> tuple[str, str, str]:
    """A pinyin syllable as its initial, that initial's class and its final (ren -> r, S, en)."""
    for initial, sound in _PINYIN_INITIALS:
        if syllable.startswith(initial):
            return initial, sound, syllable[len(initial):]
    return "", "", syllable


@lru_cache(maxsize=50_000)
def english_keys(name: str) -> frozenset[str]:
    """The keys of an English spelling of a name: as written, and without a final r or s."""
    word = _as_heard(name)
    classes: list[str] = []
    for i, letter in enumerate(word):
        following = word[i + 1] if i + 1 < len(word) else ""
        if letter in _VOWELS or letter == "h" or (letter in "wy" and following not in _VOWELS):
            continue                            # a vowel: leaves no class
        if letter in "mn" and following and following not in _VOWELS:
            classes.append("N")                 # a nasal before a consonant: Trump's m, 朗's ng
        else:
            classes.append(_consonant(word, i))
    key = _squeezed(classes)
    keys = {key}
    if word.endswith("r") or word.endswith("s"):
        keys.add(key[:-1])
    return frozenset(k for k in keys if len(k) >= MIN_CLASSES)


def pinyin_key(syllables: list[str]) -> str:
    """The key of a Chinese transliteration, from its characters' readings (pu li ge ren)."""
    classes: list[str] = []
    for syllable in syllables:
        if syllable in ("er", "r"):
            classes.append("L")                 # 尔: the r of Tver, 特维尔
            continue
        classes.append(_syllable(syllable)[1])
        if syllable.endswith("n") or syllable.endswith("ng"):
            classes.append("N")
    key = _squeezed(classes)
    return key if len(key) >= MIN_CLASSES else ""


# Short names (Harris, Raisi, Assad) have too few consonants for a key of their own; their vowels
# are added, coarsely (a; e i y; o u), one after each consonant as both spellings have it.
MIN_SHORT = 3
_ENGLISH_VOWELS = {"a": "a", "e": "i", "i": "i", "y": "i", "o": "u", "u": "u"}
_PINYIN_GLIDES = re.compile(r"^[iuv](?=[aeiouv])")      # xia, guo, xie: the glide is not the vowel


def _short(symbols: list[str]) -> str:
    """Vowels after the last consonant dropped (Chinese adds one to end on a vowel: 斯 for s);
    a key needs two consonants, and three symbols in all."""
    while symbols and symbols[-1].islower():
        symbols.pop()
    key = "".join(symbols)
    return key if sum(1 for s in symbols if s.isupper()) >= 2 and len(symbols) >= MIN_SHORT else ""


@lru_cache(maxsize=50_000)
def english_short_key(name: str) -> str:
    """Harris -> HaLiS: each consonant class, with the first vowel after it; h is kept at the start."""
    word = _as_heard(name)
    symbols: list[str] = []
    vowel_due = True                            # a vowel may follow the start or a consonant
    for i, letter in enumerate(word):
        if letter in _ENGLISH_VOWELS and not (letter == "y" and word[i + 1:i + 2] in _VOWELS):
            if vowel_due:
                symbols.append(_ENGLISH_VOWELS[letter])
                vowel_due = False
            continue
        sound = "H" if letter == "h" and i == 0 else _consonant(word, i)
        if sound and not (symbols and symbols[-1] == sound):
            symbols.append(sound)
            vowel_due = True
    return _short(symbols)


def pinyin_short_key(syllables: list[str]) -> str:
    """哈里斯 (ha li si) -> HaLiS, as ``english_short_key`` reads Harris."""
    symbols: list[str] = []
    for n, syllable in enumerate(syllables):
        if not syllable:
            return ""
        if syllable in ("er", "r"):
            symbols.append("L")
            continue
        initial, sound, final = _syllable(syllable)
        if initial == "h":
            sound = "H" if n == 0 else ""       # as an English h: heard only at the start
        if sound and not (symbols and symbols[-1] == sound):
            symbols.append(sound)
        final = _PINYIN_GLIDES.sub("", final)
        vowel_due = not symbols or symbols[-1].isupper()    # 海 in 拉海纳 adds no second vowel, as h adds none
        if vowel_due and (final[:1] in _ENGLISH_VOWELS or final[:1] == "v"):
            symbols.append(_ENGLISH_VOWELS.get(final[:1], "i"))
        if final.endswith("n") or final.endswith("ng"):
            symbols.append("N")
    return _short(symbols)
