"""OPML in and out, as every feed reader speaks it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..errors import WhalewatchError
from ..urls import safe_url


@dataclass
class Subscription:
    name: str
    url: str
    category: str = ""


def read_opml(data: bytes, shown: str) -> list[Subscription]:
    if b"<!ENTITY" in data[:100_000].upper() or b"<!DOCTYPE" in data[:100_000].upper():
        raise WhalewatchError(f"{shown}: OPML with a DOCTYPE or entity declarations is not accepted; remove the <!DOCTYPE …> line")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise WhalewatchError(f"{shown}:{exc.position[0]}: not valid OPML/XML ({exc}); export it again from your reader") from None
    found: list[Subscription] = []

    def walk(node: ET.Element, category: str) -> None:
        for outline in node.findall("outline"):
            url = safe_url(outline.get("xmlUrl") or outline.get("xmlurl"))
            label = (outline.get("title") or outline.get("text") or "").strip()
            if url:
                found.append(Subscription(label or url, url, category))
            walk(outline, label if not url else category)

    body = root.find("body")
    if body is None:
        raise WhalewatchError(f"{shown}: no <body> element; this is not an OPML subscription list")
    walk(body, "")
    return found


def write_opml(title: str, subscriptions: list[Subscription]) -> bytes:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    groups: dict[str, ET.Element] = {}
    for sub in subscriptions:
        parent = body
        if sub.category:
            if sub.category not in groups:
                groups[sub.category] = ET.SubElement(body, "outline", text=sub.category, title=sub.category)
            parent = groups[sub.category]
        ET.SubElement(parent, "outline", type="rss", text=sub.name, title=sub.name, xmlUrl=sub.url)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"
