"""Sound keys: an English spelling and a Chinese transliteration of one name give the same key."""

from __future__ import annotations

import pytest

from whalewatch.select.lexicon import dictionary
from whalewatch.select.sounds import english_keys, pinyin_key


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
