"""Sound keys: an English spelling and a Chinese transliteration of one name give the same key."""

from __future__ import annotations

import pytest

from whalewatch.select.lexicon import dictionary
from whalewatch.select.sounds import english_keys, english_short_key, pinyin_key, pinyin_short_key


def key_of(chinese: str) -> str:
    return pinyin_key([dictionary().readings[ch] for ch in chinese])


@pytest.mark.parametrize("english, chinese", [
    ("Prigozhin", "普里戈任"),    # pinyin r writes the zh
    ("Trump", "特朗普"),          # a nasal before a consonant
    ("Tver", "特维尔"),           # 尔 writes the final r
    ("Wagner", "瓦格纳"),         # ... or Chinese drops it
    ("Damascus", "大马士革"),     # ... and a final s
    ("Vikram", "维克拉姆"),
    ("Gorbunov", "戈尔布诺夫"),
])
def test_a_name_and_its_transliteration_share_a_key(english, chinese):
    assert key_of(chinese) in english_keys(english)


@pytest.mark.parametrize("english, chinese", [("Gorbunov", "马卡连科"), ("Tver", "特朗普"), ("Wagner", "普里戈任")])
def test_different_names_do_not(english, chinese):
    assert key_of(chinese) not in english_keys(english)


def test_a_name_of_fewer_than_three_consonant_sounds_has_no_key():
    assert english_keys("Assad") == frozenset() and key_of("莱希") == ""


@pytest.mark.parametrize("english, chinese", [("Harris", "哈里斯"), ("Raisi", "莱希"), ("Assad", "阿萨德"), ("Lahaina", "拉海纳")])
def test_a_short_name_is_keyed_with_its_vowels(english, chinese):
    syllables = [dictionary().readings[ch] for ch in chinese]
    assert not english_keys(english) and not pinyin_key(syllables)      # too few consonants on their own
    assert english_short_key(english) == pinyin_short_key(syllables) != ""


def test_short_names_with_other_vowels_or_one_consonant_have_other_or_no_keys():
    assert english_short_key("Hollis") != pinyin_short_key(["ha", "li", "si"])
    assert english_short_key("Maui") == "" and pinyin_short_key(["mao", "yi"]) == ""
