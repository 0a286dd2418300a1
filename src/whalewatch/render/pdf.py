"""PDF by WeasyPrint, with a URL fetcher that reads nothing the edition did not allow.

WeasyPrint's default fetcher reads ``file:`` URLs and connects anywhere, and
``<a rel="attachment">`` embeds the fetched file in the PDF. Ours answers only for the
edition's own template folder and, if ``briefing.remote_images`` is on, for https images
under a size and time cap, with redirects off and private addresses refused.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

REMOTE_IMAGE_BYTES = 2_000_000
REMOTE_IMAGE_SECONDS = 5.0
ASSET_PREFIX = "whalewatch-asset:"
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")


class RefusedURL(ValueError):
    pass


class SafeFetcher:
    """Callable URL fetcher for WeasyPrint; records what it refused so tests can see it."""

    def __init__(self, asset_dirs: list[Path], remote_images: bool = False):
        self.asset_dirs = [d.resolve() for d in asset_dirs]
        self.remote_images = remote_images
        self.refused: list[str] = []

    def __call__(self, url: str, timeout: float = 10, ssl_context=None) -> dict:  # noqa: ANN001
        if url.startswith(ASSET_PREFIX):
            return self._asset(url[len(ASSET_PREFIX):])
        if url.startswith("https://") and self.remote_images:
            return self._remote(url)
        self.refused.append(url[:200])
        raise RefusedURL(f"refused to fetch {url[:80]!r} while making the PDF")

    def _asset(self, name: str) -> dict:
        name = unquote(name).lstrip("/")
        for folder in self.asset_dirs:
            candidate = (folder / name).resolve()
            if candidate.is_relative_to(folder) and candidate.is_file() and candidate.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif", ".svg", ".css", ".webp"):
                return {"string": candidate.read_bytes(), "filename": candidate.name}
        self.refused.append(ASSET_PREFIX + name)
        raise RefusedURL(f"no edition asset named {name!r}")

    def _remote(self, url: str) -> dict:
        host = urlsplit(url).hostname or ""
        if not _public_host(host):
            self.refused.append(url[:200])
            raise RefusedURL(f"refused {host!r}: not a public address")
        with httpx.Client(timeout=REMOTE_IMAGE_SECONDS, follow_redirects=False, trust_env=False) as client:
            with client.stream("GET", url) as response:
                kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if response.status_code != 200 or kind not in _IMAGE_TYPES:
                    raise RefusedURL(f"{url[:80]} is not an image (HTTP {response.status_code}, {kind or 'no type'})")
                body = b""
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > REMOTE_IMAGE_BYTES:
                        raise RefusedURL(f"{url[:80]} is larger than {REMOTE_IMAGE_BYTES} bytes")
        return {"string": body, "mime_type": kind}


@lru_cache(maxsize=256)
def _public_host(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    except OSError:
        return False
    return all(ipaddress.ip_address(info[4][0]).is_global for info in infos)


@lru_cache(maxsize=1)
def _font_config():  # noqa: ANN202 - weasyprint type
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(html: str, fetcher: SafeFetcher) -> bytes:
    """The fonts configuration is built once per process and reused across issues."""
    from weasyprint import HTML

    return HTML(string=html, base_url=ASSET_PREFIX, url_fetcher=fetcher).write_pdf(font_config=_font_config())
