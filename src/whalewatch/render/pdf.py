"""PDF by WeasyPrint, with a URL fetcher that reads nothing the edition did not allow.

WeasyPrint's default fetcher reads ``file:`` URLs and connects anywhere, and
``<a rel="attachment">`` embeds the fetched file in the PDF. Ours answers only for the
edition's own template folder (images and CSS, by relative path) and, if
``briefing.remote_images`` is on, for https images on public addresses under a size and time
cap, with redirects off.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import httpx

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

REMOTE_IMAGE_BYTES = 2_000_000
REMOTE_IMAGE_SECONDS = 5.0
ASSET_PREFIX = "whalewatch-asset:"
# The PDF's base URL: relative paths in an edition's templates (``logo.png``) resolve under it and
# are answered from templates/. The .invalid domain is reserved: nothing can ever resolve it.
ASSET_BASE = "https://assets.whalewatch.invalid/"
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")
_ASSET_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
                ".webp": "image/webp", ".svg": "image/svg+xml", ".css": "text/css"}


class RefusedURL(ValueError):
    pass


def safe_fetcher(asset_dirs: list[Path], remote_images: bool = False) -> "URLFetcher":
    """WeasyPrint's fetcher, answering only for the edition's assets and (if allowed) public https images."""
    return _fetcher_class()(asset_dirs, remote_images)


@lru_cache(maxsize=1)
def _fetcher_class() -> type:
    """Defined on first use: importing WeasyPrint takes most of a second, which no command but a
    PDF build should pay (``whalewatch fetch`` starts in a fraction of that)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        """WeasyPrint's fetcher, answering only for the edition's assets and (if allowed) public https images.

        Everything else raises, which WeasyPrint reports as a warning and renders without: a refused
        image costs that image, never the PDF. ``refused`` records what was asked for, for tests and logs.
        """

        def __init__(self, asset_dirs: list[Path], remote_images: bool = False):
            super().__init__(timeout=REMOTE_IMAGE_SECONDS, allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
            self.asset_dirs = [d.resolve() for d in asset_dirs]
            self.remote_images = remote_images
            self.refused: list[str] = []

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            for prefix in (ASSET_BASE, ASSET_PREFIX):
                if url.startswith(prefix):
                    return self._asset(url, url[len(prefix):].split("?")[0].split("#")[0])
            if url.startswith("https://") and self.remote_images:
                return self._remote(url)
            self.refused.append(url[:200])
            raise RefusedURL(f"refused to fetch {url[:80]!r} while making the PDF")

        def open(self, url, data=None, timeout=None):  # noqa: ANN001, ANN201 - never the stock opener
            raise RefusedURL("whalewatch's PDF renderer opens nothing directly")

        def _asset(self, url: str, name: str) -> URLFetcherResponse:
            name = unquote(name).lstrip("/")
            for folder in self.asset_dirs:
                candidate = (folder / name).resolve()
                if candidate.is_relative_to(folder) and candidate.is_file() and candidate.suffix.lower() in _ASSET_TYPES:
                    return URLFetcherResponse(url, candidate.read_bytes(), {"Content-Type": _ASSET_TYPES[candidate.suffix.lower()]})
            self.refused.append(url[:200])
            raise RefusedURL(f"no edition asset named {name!r} in templates/")

        def _remote(self, url: str) -> URLFetcherResponse:
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
            return URLFetcherResponse(url, body, {"Content-Type": kind})

    return SafeFetcher


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


class _Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(html: str, fetcher: "URLFetcher") -> tuple[bytes, list[str]]:
    """The PDF, and what WeasyPrint complained about (a refused image, bad CSS in a template).

    The fonts configuration is built once per process and reused across issues.
    """
    from weasyprint import HTML

    logger = logging.getLogger("weasyprint")
    collected, propagate = _Collected(), logger.propagate
    logger.addHandler(collected)
    logger.propagate = False
    try:
        pdf = HTML(string=html, base_url=ASSET_BASE, url_fetcher=fetcher).write_pdf(font_config=_font_config())
    finally:
        logger.removeHandler(collected)
        logger.propagate = propagate
    return pdf, list(dict.fromkeys(collected.messages))
