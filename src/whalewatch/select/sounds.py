"""How a foreign name sounds, so that Prigozhin meets 普里戈任 and Tver meets 特维尔.

Chinese writes a foreign name with characters chosen for their sound, and no dictionary lists
next month's minister or town. Both spellings keep the name's consonants in order, so each is
reduced to a coarse key of consonant classes: lips (p b), lips and teeth (f v w), tongue (t d),
throat (k g), hiss (s z j x zh ch sh, and pinyin r: 任 writes the zh of Prigozhin), liquid (l r,
and 尔 'er'), m, and n (a nasal before a consonant or at a syllable's end is n in both: Trump
and 特朗普). Vowels and h leave no trace. A key of fewer than three classes is too common to mean
anything, and is not made.

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
def english_keys(name: str) -> frozenset[str]:
    """The keys of an English spelling of a name: as written, and without a final r or s."""
    word = "".join(_WORD.findall(name.lower()))
    for group, sound in _ENGLISH_GROUPS:
        word = word.replace(group, sound)
    classes: list[str] = []
    for i, letter in enumerate(word):
        following = word[i + 1] if i + 1 < len(word) else ""
        if letter in _VOWELS or letter == "h" or (letter in "wy" and following not in _VOWELS):
            classes.append("|")                 # a vowel: separates, leaves no class
        elif letter == "c":
            classes.append("S" if following in ("e", "i", "y") else "K")
        elif letter in "mn" and following and following not in _VOWELS:
            classes.append("N")                 # a nasal before a consonant: Trump's m, 朗's ng
        else:
            classes.append(_ENGLISH_LETTERS.get(letter, ""))
    key = _squeezed([c for c in classes if c != "|"])
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
        for initial, sound in _PINYIN_INITIALS:
            if syllable.startswith(initial):
                classes.append(sound)
                break
        if syllable.endswith("n") or syllable.endswith("ng"):
            classes.append("N")
    key = _squeezed(classes)
    return key if len(key) >= MIN_CLASSES else ""
