"""Bytes to text, decided by us rather than by feedparser.

feedparser re-decodes a whole document as a single-byte charset after one bad byte, and reads
GBK bytes declared as UTF-8 as windows-1252: every Chinese title becomes mojibake. So the
decoding is chosen here (BOM, HTTP charset, XML declaration, strict UTF-8, GB18030, a detector)
and feedparser gets clean UTF-8. Documents that declare DTD entities are refused before any
parser sees them: a flat repeated entity expands to hundreds of megabytes in feedparser's
fallback parser. So are documents with an element carrying thousands of attributes, which
feedparser's strict reader handles in quadratic time.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from xml.parsers import expat

from charset_normalizer import from_bytes

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']", re.I)
_XML_DECL_TEXT = re.compile(r"^(\s*<\?xml[^>]*?encoding\s*=\s*[\"'])([A-Za-z0-9._:-]+)([\"'])", re.I)
_ENTITY_DECL = re.compile(r"<!ENTITY", re.I)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)

# Labels that mean "some Chinese national encoding": decode them all as the superset.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "big5": "big5hkscs"}


class RefusedDocument(ValueError):
    """The bytes are not something we will hand to a parser."""


@dataclass
class Decoded:
    text: str
    encoding: str
    note: str = ""   # set when the declared encoding was wrong or bytes were replaced


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def http_charset(content_type: str | None) -> str | None:
    match = _CHARSET.search(content_type or "")
    return match.group(1) if match else None


def decode_document(raw: bytes, content_type: str | None = None) -> Decoded:
    """The document's text, decoded by evidence rather than by label.

    In order: a byte-order mark; valid UTF-8 (non-ASCII text that is valid UTF-8 is almost never
    anything else); a multi-byte charset the server or the document declares; the Chinese
    national encodings when the bytes read as Chinese; only then a declared single-byte charset
    (which decodes any bytes at all, so servers' default ``iso-8859-1`` label cannot win by
    default); then a detector; last, UTF-8 with the bad bytes replaced.
    """
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return Decoded(raw[len(bom):].decode(name, errors="replace"), name)
    declared = _XML_DECL.search(raw[:512])
    candidates = list(dict.fromkeys(c for c in (_codec(http_charset(content_type)),
                                                 _codec(declared.group(1).decode() if declared else None)) if c))
    stated = candidates[0] if candidates else "utf-8"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        wrong = stated not in ("utf-8", "ascii") and not text.isascii()
        return Decoded(text, "utf-8", f"declared {stated}, but the bytes are UTF-8" if wrong else "")
    for name in (c for c in candidates if not _single_byte(c)):
        try:
            return Decoded(raw.decode(name), name, "" if name == stated else f"declared {stated}, decoded as {name}")
        except (UnicodeDecodeError, LookupError):
            continue
    mostly = _mostly_utf8(raw)
    if mostly is not None:
        return mostly
    for name in ("gb18030", "big5hkscs"):
        if name in candidates:
            continue
        try:
            text = raw.decode(name)
        except UnicodeDecodeError:
            continue
        if _mostly_cjk_or_ascii(text):
            return Decoded(text, name, f"declared {stated} but the bytes are {name}")
    for name in (c for c in candidates if _single_byte(c)):
        return Decoded(raw.decode(name, errors="replace"), name, "" if name == stated else f"declared {stated}, decoded as {name}")
    best = from_bytes(raw[:200_000]).best()
    if best is not None and best.encoding:
        name = _codec(best.encoding) or "utf-8"
        return Decoded(raw.decode(name, errors="replace"), name, f"declared {stated}; detected {name}")
    return Decoded(raw.decode("utf-8", errors="replace"), "utf-8", f"invalid {stated} bytes replaced")


def _mostly_utf8(raw: bytes) -> Decoded | None:
    """UTF-8 with a few damaged bytes (a truncated character, a stray byte) is still UTF-8: the
    damage becomes U+FFFD. Guessing a code page instead would turn every Chinese character into
    two or three Latin letters. A document in a single-byte charset has almost no valid multi-byte
    sequences, so it does not pass."""
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    if good >= max(4 * bad, 8):
        return Decoded(text, "utf-8", f"{bad} invalid UTF-8 byte sequence{'s' if bad != 1 else ''} replaced with U+FFFD")
    return None


def _single_byte(codec: str) -> bool:
    """Charsets in which every byte sequence is valid text: a successful decode proves nothing."""
    try:
        return len(codecs.decode(bytes(range(128, 256)), codec, errors="strict")) == 128
    except (UnicodeDecodeError, LookupError):
        return False


# The most frequent Chinese characters: real Chinese text is full of them, Latin-1 bytes misread
# as GB18030 produce rare ones.
_COMMON_HANZI = set("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理南")


def _mostly_cjk_or_ascii(text: str) -> bool:
    """A strict GB18030/Big5 decode is believed only if it reads like Chinese."""
    odd = sum(1 for ch in text if ord(ch) > 0x7F and not ("\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or "\u3000" <= ch <= "\u303f"))
    common = sum(1 for ch in text if ch in _COMMON_HANZI)
    return odd <= max(3, len(text) // 200) and common >= 2


def refuse_entity_declarations(text: str) -> None:
    """Entity declarations live in the DOCTYPE's internal subset, before the root element."""
    root = re.search(r"<[A-Za-z_]", text[:200_000])
    prolog = text[: root.start()] if root else text[:200_000]
    if _ENTITY_DECL.search(prolog):
        raise RefusedDocument("the document declares DTD entities (<!ENTITY>); refused to avoid entity expansion")


MAX_ATTRIBUTES = 64     # on one element; real feeds use a dozen at most


class _TooManyAttributes(Exception):
    pass


def refuse_attribute_floods(xml: bytes) -> None:
    """feedparser's strict reader looks up every attribute of a tag by scanning all the others:
    one element with 100,000 attributes (half a megabyte) held a worker for over two minutes.
    Expat reads the document as that reader would and stops at the first such element; a
    document that is not well-formed stops both at the same place, and feedparser's lenient
    reader, which takes over there, is linear."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.ordered_attributes = True

    def start(name: str, attributes: list[str]) -> None:
        if len(attributes) > 2 * MAX_ATTRIBUTES:
            raise _TooManyAttributes(f"<{name.rpartition(' ')[2]}> has {len(attributes) // 2:,} attributes")

    parser.StartElementHandler = start
    try:
        parser.Parse(xml, True)
    except (expat.ExpatError, ValueError, LookupError):     # not well-formed, or an encoding expat lacks
        return
    except _TooManyAttributes as exc:
        raise RefusedDocument(f"{exc} (more than {MAX_ATTRIBUTES}); refused as hostile") from None


def as_utf8_xml(text: str) -> bytes:
    """Re-encode as UTF-8 and make the XML declaration agree, so feedparser has nothing to guess."""
    text = _XML_DECL_TEXT.sub(lambda m: m.group(1) + "utf-8" + m.group(3), text, count=1)
    return text.encode("utf-8", errors="replace")
