"""Bytes to text, decided by evidence: feeds that lie about their encoding still come out as Chinese."""

from __future__ import annotations

import codecs
from datetime import datetime, timezone

import pytest

from whalewatch.sources.decode import RefusedDocument, decode_document, refuse_entity_declarations
from whalewatch.sources.feeds import parse_feed
from tests.conftest import MINIMAL_SECTIONS, run_cli, write_edition

ZH = "深度求索发布推理模型，美国商务部考虑限制英伟达芯片出口，梁文锋表示开源是一种文化。"
ZH_TRADITIONAL = "深度求索發佈推理模型，美國商務部考慮限制晶片出口，梁文鋒表示開源是一種文化。"


def rss(title: str, declared: str | None) -> str:
    declaration = f'<?xml version="1.0" encoding="{declared}"?>' if declared else '<?xml version="1.0"?>'
    return f"{declaration}<rss version=\"2.0\"><channel><title>T</title><item><title>{title}</title>" \
           f"<link>https://zh.example/1</link></item></channel></rss>"


@pytest.mark.parametrize("encoding, declared, header", [
    ("gb18030", "utf-8", None),                       # GBK bytes declared as UTF-8 (feedparser: windows-1252 mojibake)
    ("gb18030", "gb2312", "text/xml; charset=ISO-8859-1"),   # a server's default Latin-1 label over GBK
    ("gb18030", None, None),                          # no declaration at all
    ("utf-8", "iso-8859-1", None),                    # UTF-8 declared as Latin-1
    ("utf-8", "utf-8", "text/xml; charset=gbk"),      # the header is wrong, the bytes are right
])
def test_chinese_survives_wrong_labels(encoding, declared, header):
    raw = rss(ZH, declared).encode(encoding)
    decoded = decode_document(raw, header)
    assert ZH in decoded.text
    if encoding != (declared or "utf-8") or header:
        assert decoded.note or encoding == "utf-8"


def test_big5_declared_as_utf8_is_read_as_big5():
    decoded = decode_document(rss(ZH_TRADITIONAL, "utf-8").encode("big5"), None)
    assert ZH_TRADITIONAL in decoded.text and "big5" in decoded.note


@pytest.mark.parametrize("bom, codec", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_a_byte_order_mark_decides(bom, codec):
    assert ZH in decode_document(bom + rss(ZH, None).encode(codec), "text/xml; charset=iso-8859-1").text


def test_one_bad_byte_costs_one_character_not_the_feed():
    raw = rss(ZH * 3, "utf-8").encode("utf-8")
    broken = raw[:120] + b"\xff" + raw[120:]
    parsed = parse_feed(broken, feed="zh", language="zh", now=datetime(2025, 2, 1, tzinfo=timezone.utc))
    title = parsed.items[0].title
    assert title.count(ZH) == 2 and title.count("\ufffd") <= 4      # one character of three sentences lost
    assert any("encoding" in w for w in parsed.warnings)


def test_latin1_text_stays_latin1():
    raw = rss("Café à Pékin, déjà vu", "iso-8859-1").encode("latin-1")
    assert "Café à Pékin, déjà vu" in decode_document(raw, None).text


def test_external_entities_are_refused_before_parsing():
    xxe = '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss><channel><title>&xxe;</title></channel></rss>'
    with pytest.raises(RefusedDocument, match="DTD entities"):
        refuse_entity_declarations(xxe)


def test_a_gbk_feed_behind_a_lying_server_arrives_as_chinese(feed_server, tmp_path):
    feed_server.overrides["/lying.xml"] = (200, rss(ZH, "gb2312").encode("gb18030"), "application/rss+xml; charset=ISO-8859-1")
    config = write_edition(tmp_path / "ed", MINIMAL_SECTIONS + f'feeds:\n  - {{name: 中文, url: "{feed_server.url("lying.xml")}"}}\n')
    run_cli("--config", str(config), "fetch")
    out = run_cli("--config", str(config), "explain", "--week", "2025-W05").stdout + \
        run_cli("--config", str(config), "build", "--draft", "--no-pdf").stdout
    issue = (tmp_path / "ed" / "briefings").glob("*/issue.json")
    assert any(ZH in path.read_text() for path in issue), out


def test_a_few_bad_bytes_in_utf8_become_replacement_characters_not_a_code_page():
    text = "<rss><channel><title>深度求索发布新模型，英伟达股价下跌</title></channel></rss>".encode()
    damaged = text[:30] + b"\xff\xfe" + text[30:]
    decoded = decode_document(damaged, "application/rss+xml; charset=utf-8")
    assert "深度求" in decoded.text and "英伟达股价下跌" in decoded.text and "\ufffd" in decoded.text
    assert "U+FFFD" in decoded.note
