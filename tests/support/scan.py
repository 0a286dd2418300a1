"""What would run or phone home if this HTML were opened: parsed as a browser parses it, then scanned."""

from __future__ import annotations

import re

import tinyhtml5

FORBIDDEN_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
                  "base", "video", "audio", "source", "track", "portal"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "srcset", "ping", "values", "to", "from"}
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|livescript|data|file):", re.I)
_CSS_URL = re.compile(r"url\s*\(|@import|expression\s*\(", re.I)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _parsed(html: str):  # noqa: ANN202
    """As bytes: given a short str, tinyhtml5 first asks whether it names a file, and a string of a
    few hundred UTF-8 bytes makes that question fail (File name too long)."""
    return tinyhtml5.parse(html.encode("utf-8", "surrogatepass"), transport_encoding="utf-8")


def executable_constructs(html: str, allowed_hosts: tuple[str, ...] = ()) -> list[str]:
    """Every construct that could run code, submit data or load something; empty for a safe page."""
    found = []
    for element in _parsed(html).iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}>")
        if tag == "meta" and element.get("http-equiv"):
            found.append(f"<meta http-equiv={element.get('http-equiv')}>")
        if tag == "link" and element.get("rel", "").lower() not in ("", "alternate"):
            found.append(f"<link rel={element.get('rel')}>")
        if tag == "style" and _CSS_URL.search(element.text or ""):
            found.append("<style> loading a URL")
        if tag == "img":
            src = element.get("src") or ""
            if not any(src.startswith(host) for host in allowed_hosts):
                found.append(f"<img src={src[:60]}>")
        for name, value in element.attrib.items():
            attr = name.rsplit("}", 1)[-1].lower()
            if attr.startswith("on"):
                found.append(f"<{tag} {attr}>")
            elif attr in URL_ATTRIBUTES and _BAD_SCHEME.match(_CONTROL.sub("", value)):
                found.append(f"<{tag} {attr}={value[:40]}>")
            elif attr == "style" and _CSS_URL.search(value):
                found.append(f"<{tag} style> loading a URL")
    return found


def attribute_values(html: str) -> list[str]:
    """Every attribute value in the page: where a URL would have to be to load or run anything."""
    return [value for element in _parsed(html).iter() if isinstance(element.tag, str)
            for value in element.attrib.values()]


def render_markdown(source: str) -> str:
    """Markdown as a newsletter service reads it: CommonMark with GitHub's tables and strikethrough."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(source)
