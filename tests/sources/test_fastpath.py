"""The fast path may be narrower than feedparser, never different from it.

Every document is read twice, once with the fast path and once by feedparser alone, and the
items (every field), warnings and feed title must be equal: over feedparser's own test corpus,
over our fixtures, and over generated feeds that shuffle the elements, attributes and awkward
values the fast path claims to know.
"""

from __future__ import annotations

import html
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whalewatch.sources import feeds
from whalewatch.sources.fastpath import read_common_feed
from tests.conftest import DATA

NOW = datetime(2025, 1, 29, 12, tzinfo=timezone.utc)
BASE = "https://corpus.example/dir/feed.xml"
CORPUS = DATA / "corpus" / "feedparser-tests"     # feedparser's own test feeds (BSD licence, see its LICENSE)


def both_ways(raw: bytes, base_url: str = BASE) -> tuple[object, object]:
    def read(fast: bool) -> object:
        try:
            parsed = feeds.parse_feed(raw, feed="f", language="en", now=NOW, base_url=base_url, fast_path=fast)
        except Exception as exc:  # noqa: BLE001 - a refusal must be the same refusal
            return (type(exc).__name__, str(exc))
        return (parsed.items, parsed.warnings, parsed.title)
    return read(True), read(False)


def taken(raw: bytes) -> bool:
    from whalewatch.sources.decode import as_utf8_xml, decode_document
    return read_common_feed(as_utf8_xml(decode_document(raw, None).text), BASE) is not None


def test_feedparsers_own_corpus_reads_the_same_either_way():
    paths = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name not in ("README.md", "LICENSE"))
    different, fast = [], 0
    for path in paths:
        raw = path.read_bytes()
        fast_result, feedparser_result = both_ways(raw)
        if fast_result != feedparser_result:
            different.append(path.relative_to(CORPUS).as_posix())
        fast += isinstance(fast_result, tuple) and isinstance(fast_result[0], list) and _was_fast(raw)
    assert different == []
    assert fast >= 500, f"only {fast} of {len(paths)} documents took the fast path"


def _was_fast(raw: bytes) -> bool:
    try:
        return taken(raw)
    except Exception:  # noqa: BLE001 - undecodable documents never reach either reader
        return False


@pytest.mark.parametrize("path", sorted((DATA / "feeds").iterdir()) + [DATA / "hostile" / "payloads.xml"], ids=lambda p: p.name)
def test_our_fixtures_read_the_same_either_way(path: Path):
    fast_result, feedparser_result = both_ways(path.read_bytes())
    assert fast_result == feedparser_result


def test_a_typical_news_feed_takes_the_fast_path_and_odd_ones_do_not():
    plain = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
             b'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
             b'<title>Wire</title><link>https://wire.example/</link><atom:link rel="self" href="https://wire.example/feed"/>'
             b'<language>en</language><image><url>https://wire.example/i.png</url><title>Wire</title><link>https://wire.example/</link></image>'
             b'<item><title>A</title><link>https://wire.example/a</link><guid isPermaLink="false">a-1</guid>'
             b'<dc:creator>Reporter</dc:creator><category>Chips</category><pubDate>Mon, 27 Jan 2025 10:00:00 GMT</pubDate>'
             b'<description>&lt;p&gt;Short&lt;/p&gt;</description><content:encoded><![CDATA[<p>Long</p>]]></content:encoded></item>'
             b'</channel></rss>')
    assert taken(plain)
    odd = {
        "xml:base": plain.replace(b"<item>", b'<item xml:base="https://elsewhere.example/">'),
        "an unknown element": plain.replace(b"<category>", b"<foo>x</foo><category>"),
        "a repeated title": plain.replace(b"<title>A</title>", b"<title>A</title><title>B</title>"),
        "markup as elements": plain.replace(b"&lt;p&gt;Short&lt;/p&gt;", b"<p>Short</p>"),
        "a doctype": plain.replace(b"<rss", b"<!DOCTYPE rss><rss", 1),
        "broken XML": plain.replace(b"</channel>", b""),
    }
    for why, raw in odd.items():
        assert not taken(raw), why
        fast_result, feedparser_result = both_ways(raw)
        assert fast_result == feedparser_result, why


RSS = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
       'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{title}</title><item>{item}</item></channel></rss>')
ATOM = ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"{lang}><title>{title}</title>'
        '<entry>{item}</entry></feed>')
QUIRKS = {
    "an empty link before a permalink guid: no link": RSS.format(title="T", item="<title>x</title><link></link><guid>https://a.example/g</guid>"),
    "a permalink guid alone is the link": RSS.format(title="T", item="<title>x</title><guid>https://a.example/g</guid>"),
    "a relative permalink guid is resolved": RSS.format(title="T", item="<title>x</title><guid>g/1</guid>"),
    "isPermaLink=false is never the link": RSS.format(title="T", item='<title>x</title><guid isPermaLink="false">https://a.example/g</guid>'),
    "a link after the guid wins": RSS.format(title="T", item="<guid>https://a.example/g</guid><link>https://a.example/l</link>"),
    "a description outranks content": RSS.format(title="T", item="<content:encoded>&lt;p&gt;long&lt;/p&gt;</content:encoded><description>short</description>"),
    "an empty description gives way to content": RSS.format(title="T", item="<title>x</title><description></description><content:encoded>long</content:encoded>"),
    "a category with only a domain takes the next one's text": RSS.format(
        title="T", item='<title>x</title><category domain="d"></category><category>Chips</category><dc:subject>Policy</dc:subject>'),
    "the last author wins": RSS.format(title="T", item="<title>x</title><author>a@b.example (A)</author><dc:creator>B</dc:creator>"),
    "UTF-8 read as Latin-1 is repaired, C1 read as windows-1252": RSS.format(
        title="\u00c3\u00a9t\u00c3\u00a9", item="<title>\u0093quoted\u0094 \u00c3\u00a9</title><link>https://a.example/?a=1&amp;amp;b=2&amp;c;=3</link>"),
    "an Atom author is 'name (email)'": ATOM.format(lang="", title="T", item="<title>x</title><author><email>e@a.example</email><name>N</name></author>"),
    "an Atom id before its alternate link": ATOM.format(lang="", title="T", item='<id>https://a.example/1</id><link href="https://a.example/2"/><title>x</title>'),
    "only text/html links are the alternate": ATOM.format(lang="", title="T", item='<title>x</title><link type="application/pdf" href="/p.pdf"/><id>tag:a,2025:1</id>'),
    "an empty href is the document's address": ATOM.format(lang="", title="T", item='<title>x</title><link href=""/>'),
    "Atom text summaries are text": ATOM.format(lang="", title="T", item="<title type='html'>&lt;b&gt;x&lt;/b&gt;</title><summary>1 &lt; 2 &lt;b&gt;</summary>"),
    "Atom content alone is the summary": ATOM.format(lang="", title="T", item='<title>x</title><content type="html">&lt;p&gt;all&lt;/p&gt;</content>'),
    "xml:lang on the feed is its language": ATOM.format(lang=' xml:lang="zh_CN"', title="T", item="<title>x</title><updated>2025年1月27日</updated>"),
}


@pytest.mark.parametrize("document", QUIRKS.values(), ids=QUIRKS.keys())
def test_feedparsers_quirks_are_kept_on_the_fast_path(document: str):
    raw = document.encode()
    assert taken(raw)
    fast_result, feedparser_result = both_ways(raw)
    assert fast_result == feedparser_result


# -- generated documents ----------------------------------------------------------------------------

VALUES = ["", "  padded  ", "Plain words", "relative/path?a=1&b=2", "/rooted", "https://news.example/a?x=1&amp;y=2",
          "http://news.example/b#frag", "javascript:alert(1)", "tag:news.example,2025:1", "&lt;b&gt;bold&lt;/b&gt; &amp; more",
          "<![CDATA[<p>cdata <a href='rel'>link</a></p>]]>", "Ã©tÃ© mojibake", "\u0093quoted\u0094 C1", "深度求索发布新模型",
          "Mon, 27 Jan 2025 10:00:00 GMT", "2025-01-27T10:00:00Z", "2025-01-27T10:00:00+08:00", "2025年1月27日",
          "Tue, 28 Jan 2025 10:00:00 CST", "1738000000", "jane@news.example (Jane Roe)", "Jane Roe", "a &amp;b; c"]


def _value(index: int) -> str:
    value = VALUES[index]
    if value.startswith("<![CDATA[") or "&" in value:
        return value
    return html.escape(value, quote=False)


value_index = st.integers(0, len(VALUES) - 1)
attr_value = st.sampled_from(["", "true", "false", "True", "https://a.example/x", "rel/x", "text", "html", "HTML",
                              "text/html", "application/pdf", "alternate", "self", "enclosure", "xhtml"])

RSS_ELEMENTS = st.one_of(
    st.tuples(st.sampled_from(["title", "link", "description", "pubDate", "author", "comments", "dc:creator", "dc:date",
                               "dc:subject", "content:encoded", "category", "guid", "source"]),
              value_index, st.sampled_from([None, "isPermaLink", "domain", "url"]), attr_value),
    st.tuples(st.sampled_from(["enclosure", "media:thumbnail", "wfw:commentRss"]), value_index, st.just("url"), attr_value),
    st.tuples(st.sampled_from(["atom:link", "itunes:summary", "media:title", "foo"]), value_index, st.just(None), attr_value),
)
ATOM_ELEMENTS = st.one_of(
    st.tuples(st.sampled_from(["title", "summary", "content", "rights"]), value_index, st.sampled_from([None, "type"]), attr_value),
    st.tuples(st.sampled_from(["id", "updated", "published"]), value_index, st.just(None), attr_value),
    st.tuples(st.just("link"), value_index, st.lists(st.sampled_from(["rel", "type", "href", "title"]), unique=True), attr_value),
    st.tuples(st.just("category"), value_index, st.lists(st.sampled_from(["term", "scheme", "label"]), unique=True), attr_value),
    st.tuples(st.sampled_from(["author", "contributor"]), value_index,
              st.lists(st.sampled_from(["name", "email", "uri"]), unique=True), st.just("")),
)


def _rss_element(tag: str, index: int, attr: str | None, attr_text: str) -> str:
    attrs = f' {attr}="{html.escape(attr_text)}"' if attr else ""
    if tag in ("enclosure", "media:thumbnail"):
        return f"<{tag}{attrs}/>"
    return f"<{tag}{attrs}>{_value(index)}</{tag}>"


def _atom_element(tag: str, index: int, attrs: object, attr_text: str) -> str:
    if tag in ("author", "contributor"):
        return f"<{tag}>" + "".join(f"<{part}>{_value(index)}</{part}>" for part in attrs) + f"</{tag}>"
    names = [attrs] if isinstance(attrs, str) else list(attrs or [])
    rendered = "".join(f' {name}="{html.escape(attr_text if name != "href" else VALUES[index])}"' for name in names)
    if tag in ("link", "category"):
        return f"<{tag}{rendered}/>"
    return f"<{tag}{rendered}>{_value(index)}</{tag}>"


rss_documents = st.builds(
    lambda channel, items, language: (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/" '
        'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
        f"<title>{_value(channel)}</title>{language}"
        + "".join("<item>" + "".join(_rss_element(*e) for e in item) + "</item>" for item in items)
        + "</channel></rss>").encode(),
    value_index, st.lists(st.lists(RSS_ELEMENTS, max_size=8), min_size=1, max_size=4),
    st.sampled_from(["", "<language>zh-CN</language>", "<language></language>"]))

atom_documents = st.builds(
    lambda title, entries, lang: (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"{lang}>'
        f"<title>{_value(title)}</title><id>urn:feed</id>"
        + "".join("<entry>" + "".join(_atom_element(*e) for e in entry) + "</entry>" for entry in entries)
        + "</feed>").encode(),
    value_index, st.lists(st.lists(ATOM_ELEMENTS, max_size=8), min_size=1, max_size=4),
    st.sampled_from(["", ' xml:lang="zh_CN"', ' xml:lang=""']))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=st.one_of(rss_documents, atom_documents), base=st.sampled_from([BASE, "", "/srv/feeds/snapshot.xml"]))
def test_generated_feeds_read_the_same_either_way(document: bytes, base: str):
    fast_result, feedparser_result = both_ways(document, base)
    assert fast_result == feedparser_result
