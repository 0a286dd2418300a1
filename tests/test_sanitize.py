"""The sanitiser's plain-text shortcut gives exactly what nh3 gives, for any text at all."""

from __future__ import annotations

import nh3
from hypothesis import example, given, settings
from hypothesis import strategies as st

from whalewatch import sanitize


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("<>&\"'\r\n\t\x00\xa0\ufeff\x0b\x85\u2028 "), max_size=80))
@example("a > b \"quoted\" 'single'")
@example("plain\r\nwindows lines")
@example("\ufeffleading byte-order mark")
@example("no-break\xa0space")
def test_the_plain_text_shortcut_matches_nh3(text: str):
    assert sanitize.sanitize_html(text) == sanitize._parse_and_clean(text, allow_images=True, base_url="")


def test_plain_text_skips_the_parser_and_markup_does_not(monkeypatch):
    calls = []
    real = nh3.clean

    def counting(fragment: str, **options: object) -> str:
        calls.append(fragment)
        return real(fragment, **options)

    monkeypatch.setattr(nh3, "clean", counting)
    assert sanitize.sanitize_html("DeepSeek cuts prices > 50%") == "DeepSeek cuts prices &gt; 50%"
    assert sanitize.sanitize_html("<b>bold</b> &amp; more") == "<b>bold</b> &amp; more"
    assert calls == ["<b>bold</b> &amp; more"]
