"""Shared fixtures: a real HTTP server on loopback serving feed files, and editions in tmp dirs."""

from __future__ import annotations

import asyncio
import email
import email.policy
import functools
import hashlib
import os
import socket
import shutil
import subprocess
import sys
import threading
import time
import zlib
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLES = ROOT / "samples"
WHALEWATCH = [sys.executable, "-m", "whalewatch.cli"]


CONTENT_TYPES = {".xml": "application/rss+xml; charset=utf-8", ".atom": "application/atom+xml; charset=utf-8",
                 ".html": "text/html; charset=utf-8", ".pdf": "application/pdf", ".md": "text/plain; charset=utf-8",
                 ".txt": "text/plain; charset=utf-8", ".json": "application/json"}


class FeedServer:
    """Serves files from a folder with ETag/Last-Modified and a few misbehaving routes.

    /status/500            always 500
    /slow/<seconds>        sleeps, then sends a tiny feed
    /trickle               sends one byte every 0.2 s, forever (until the client gives up)
    /big/<bytes>           a body of that many bytes
    /gzip-bomb/<MiB>       gzip that unpacks to that many MiB of zeros (about 4.5 KB per MiB on the wire)
    /redirect-loop         redirects to itself
    /<file>                the file, with conditional GET
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.hits: list[tuple[str, str]] = []   # (path, response status)
        self.overrides: dict[str, tuple[int, bytes, str]] = {}
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler(self):  # noqa: ANN202
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # noqa: ANN002
                pass

            def _send(self, status: int, body: bytes = b"", ctype: str = "application/xml", headers: dict | None = None) -> None:
                server.hits.append((self.path, str(status)))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                if body and self.command != "HEAD":
                    self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?")[0]
                if path in server.overrides:
                    status, body, ctype = server.overrides[path]
                    return self._send(status, body, ctype)
                if path.startswith("/status/"):
                    return self._send(int(path.rsplit("/", 1)[1]), b"server error", "text/plain")
                if path.startswith("/slow/"):
                    time.sleep(float(path.rsplit("/", 1)[1]))
                    return self._send(200, (DATA / "feeds" / "tiny.xml").read_bytes())
                if path == "/trickle":
                    server.hits.append((self.path, "200"))
                    self.send_response(200)
                    self.send_header("Content-Type", "application/xml")
                    self.end_headers()
                    try:
                        for _ in range(600):
                            self.wfile.write(b" ")
                            self.wfile.flush()
                            time.sleep(0.2)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return None
                if path.startswith("/big/"):
                    return self._send(200, b"<rss>" + b" " * int(path.rsplit("/", 1)[1]) + b"</rss>")
                if path.startswith("/gzip-bomb/"):      # a few MB on the wire, that many MiB of zeros unpacked
                    return self._send(200, _gzip_zeros(int(path.rsplit("/", 1)[1])), headers={"Content-Encoding": "gzip"})
                if path == "/redirect-loop":
                    return self._send(302, b"", "text/plain", {"Location": "/redirect-loop"})
                file = (server.folder / path.lstrip("/")).resolve()
                if not file.is_file() or not file.is_relative_to(server.folder.resolve()):
                    return self._send(404, b"not found", "text/plain")
                body = file.read_bytes()
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                modified = formatdate(file.stat().st_mtime, usegmt=True)
                if self.headers.get("If-None-Match") == etag:
                    return self._send(304, b"", headers={"ETag": etag})
                ctype = CONTENT_TYPES.get(file.suffix, "application/octet-stream")
                return self._send(200, body, ctype, {"ETag": etag, "Last-Modified": modified})

        return Handler


@functools.lru_cache(maxsize=4)
def _gzip_zeros(mebibytes: int) -> bytes:
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)     # 31: a gzip wrapper; level 1 packs fastest
    megabyte = bytes(1 << 20)
    return b"".join(packer.compress(megabyte) for _ in range(mebibytes)) + packer.flush()


@pytest.fixture
def feed_server(tmp_path: Path):
    folder = tmp_path / "served"
    shutil.copytree(DATA / "feeds", folder)
    server = FeedServer(folder)
    yield server
    server.close()


@pytest.fixture
def sample_edition(tmp_path: Path) -> Path:
    """A copy of the bundled sample edition in a temporary folder; returns its feeds.yaml."""
    return copy_sample(tmp_path / "edition")


def copy_sample(target: Path, seeds: bool = False) -> Path:
    """The bundled sample edition copied to ``target`` (with the three seed notes in its notes/ if
    asked, as a new user would drop them); returns its feeds.yaml."""
    shutil.copytree(SAMPLES, target, ignore=shutil.ignore_patterns("briefings", ".whalewatch"))
    if seeds:
        for seed in (DATA / "seeds").iterdir():
            shutil.copy(seed, target / "notes" / seed.name)
    return target / "feeds.yaml"


def run_cli(*args: str, cwd: Path | None = None, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = dict(os.environ, COLUMNS="200", **(env or {}))
    result = subprocess.run(WHALEWATCH + list(args), cwd=cwd, capture_output=True, text=True, env=environment, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"whalewatch {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def write_edition(folder: Path, feeds_yaml: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "feeds.yaml").write_text(feeds_yaml, encoding="utf-8")
    return folder / "feeds.yaml"


MINIMAL_SECTIONS = """
sections:
  - id: models
    title: Models and releases
    keywords: [release, model, 发布, 模型]
  - id: chips
    title: Chips and export controls
    keywords: [export control, chip, tariff, 芯片]
  - id: other
    title: Also noted
    fallback: true
"""


# -- a real SMTP server on loopback ---------------------------------------------------------

class Recorder:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.temporary_failures = 0      # answer 451 to this many DATA commands
        self.reject: set[str] = set()    # answer 550 to these recipients
        self.drop_at: int | None = None  # close the connection instead of accepting message number N
        self.rcpt_delay = 0.0
        self.hold: str | None = None     # keep this recipient's RCPT unanswered until hold is cleared
        self.held: list[str] = []        # recipients whose RCPT was held
        self.defer: dict[str, int] = {}  # answer 451 at RCPT to this recipient this many times
        self.rcpt_from: list[tuple[str, object]] = []   # (recipient, client address): one address per connection

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: ANN001, N802
        self.rcpt_from.append((address, session.peer))
        if self.defer.get(address):
            self.defer[address] -= 1
            return "451 4.2.1 <%s>: greylisted, try again" % address
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        if address == self.hold:
            self.held.append(address)
            while self.hold == address:
                await asyncio.sleep(0.01)
        if address in self.reject:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        if self.temporary_failures > 0:
            self.temporary_failures -= 1
            return "451 4.3.0 try again later"
        if self.drop_at is not None and len(self.messages) + 1 == self.drop_at:
            self.drop_at = None
            server.transport.close()
            return "421 closing"
        self.messages.append(envelope.original_content or envelope.content)
        return "250 OK queued"

    def parsed(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(m, policy=email.policy.default) for m in self.messages]

    def count_to(self, address: str) -> int:
        return sum(1 for m in self.parsed() if address in m["To"])


class StuckSmtp:
    """A server that accepts connections and then stalls: ``silent`` never greets, ``trickle``
    sends its greeting one byte at a time, a byte every 0.2 s, for ever; ``after-greeting`` greets
    and then trickles its first reply the same way."""

    def __init__(self, mode: str):
        self.mode, self.connections = mode, 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()
        self.env = {"WHALEWATCH_SMTP_HOST": "127.0.0.1", "WHALEWATCH_SMTP_PORT": str(self.port), "WHALEWATCH_SMTP_TLS": "none"}

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._stall, args=(client,), daemon=True).start()

    def _stall(self, client: socket.socket) -> None:
        with client:
            greeting = b"220 stuck.example ESMTP " + b"." * 100_000
            if self.mode == "after-greeting":         # greets at once, then every reply trickles
                client.sendall(b"220 stuck.example ESMTP\r\n")
                greeting = b"250-stuck.example " + b"." * 100_000
            for byte in (greeting if self.mode in ("trickle", "after-greeting") else b""):
                if self.closed.wait(0.2):
                    return
                try:
                    client.sendall(bytes([byte]))
                except OSError:
                    return
            self.closed.wait()

    def close(self) -> None:
        self.closed.set()
        self.sock.close()


@pytest.fixture(params=["silent", "trickle"])
def stuck_smtp(request):
    server = StuckSmtp(request.param)
    yield server
    server.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    recorder.env = {"WHALEWATCH_SMTP_HOST": "127.0.0.1", "WHALEWATCH_SMTP_PORT": str(controller.port), "WHALEWATCH_SMTP_TLS": "none"}
    yield recorder
    controller.stop()


@pytest.fixture
def smtp_env(smtp: Recorder):
    """The loopback SMTP server, named in the environment as the scheduler's jobs read it."""
    os.environ.update(smtp.env)
    yield smtp
    for key in smtp.env:
        os.environ.pop(key, None)


# -- a real headless Chromium (Debian's package, installed by scripts/setup-system.sh) -----------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser():
    """Per module: Playwright's sync API keeps an event loop running in this thread while it is
    open, and any later asyncio.run() in the same thread (collect does one) would be refused."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture
def fetched_sample(sample_edition: Path) -> Path:
    """The sample edition with its feed snapshots already in the store."""
    run_cli("--config", str(sample_edition), "fetch")
    return sample_edition
