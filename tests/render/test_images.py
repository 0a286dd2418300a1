"""Remote images: shown only when the edition allows them, and never fetched from a private address."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import run_cli


@pytest.fixture
def edition_with_images(fetched_sample, feed_server):
    note = fetched_sample.parent / "notes" / "chart-note.md"
    note.write_text(f"""---
title: A chart of the sell-off
date: 2025-01-29
---
The chart: ![sell-off chart]({feed_server.url('chart.png').replace('http://', 'https://')})
and a plain-http one that never passes: <img src="{feed_server.url('plain.png')}">.
""")
    return fetched_sample, feed_server


def build(config) -> dict:  # noqa: ANN001
    run_cli("--config", str(config), "build", "--week", "2025-W05")
    return {p.name: p.read_bytes() for p in (config.parent / "briefings" / "2025-W05").iterdir()}


def test_without_permission_no_image_reaches_any_output(edition_with_images):
    config, server = edition_with_images
    files = build(config)
    for name in ("index.html", "email.html", "issue.json"):
        assert b"<img" not in files[name], name
    assert "A chart of the sell-off" in json.dumps(json.loads(files["issue.json"]), ensure_ascii=False)
    assert server.hits == []


def test_with_permission_https_images_show_but_a_private_address_is_never_fetched(edition_with_images):
    config, server = edition_with_images
    config.write_text(config.read_text().replace("  paper: A4\n", "  paper: A4\n  remote_images: true\n", 1))
    files = build(config)
    page = files["index.html"].decode()
    assert '<img alt="sell-off chart" src="https://127.0.0.1:' in page
    assert "plain.png" not in page, "http images are never kept"
    assert b'alt="sell-off chart" src="https://127.0.0.1:' in files["email.html"]
    assert server.hits == [], "the PDF renderer refused the loopback address before connecting"
    info = subprocess.run(["pdfinfo", "-"], input=files["briefing.pdf"], capture_output=True).stdout
    assert b"Pages:" in info


def tiny_png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    pixels = b"".join(b"\x00" + b"\x0b\x5c\xad" * 4 for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b""))


def test_the_pdf_template_can_use_the_editions_own_images_and_nothing_else(fetched_sample):
    from whalewatch.render.env import PACKAGE_TEMPLATES

    templates = fetched_sample.parent / "templates"
    (templates / "logo.png").write_bytes(tiny_png())
    layout = (PACKAGE_TEMPLATES / "pdf.html").read_text().replace(
        '<header class="masthead">',
        '<header class="masthead"><img src="logo.png" alt="logo"><img src="../feeds.yaml"><img src="file:///etc/passwd">')
    (templates / "pdf.html").write_text(layout)
    result = run_cli("--config", str(fetched_sample), "build", "--week", "2025-W05")
    pdf = fetched_sample.parent / "briefings" / "2025-W05" / "briefing.pdf"
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
    assert len(images) == 1 and " 4     4 " in images[0], images           # the logo, and only the logo
    assert "PDF: Failed to load image at 'file:///etc/passwd'" in result.stderr
    assert "feeds.yaml" in result.stderr, "a path out of templates/ is refused too"
