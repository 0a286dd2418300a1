"""make bench: whalewatch's speed and memory, each figure measured in this run next to its reference.

  python scripts/bench.py                 # 500 feeds x 50 items, 50 ms latency, stores of 20k and 200k items
  python scripts/bench.py --quick         # a small corpus: proves the benchmark works (CI runs this)
  python scripts/bench.py --feeds 200 --items 50 --latency 0.05 --no-rss2email

A deterministic corpus (some feeds in Chinese, stories shared across feeds) is served by a real
HTTP server on loopback, in its own process, from 20 addresses (127.0.1.x: feeds live on many
hosts), with a set latency per response and ETag/Last-Modified. Every measurement runs in a
fresh child process that reports its own time and peak memory. rss2email is installed into its
own environment under .bench/ (nothing of it is committed) and pointed at /bin/true to "send".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from multiprocessing import Process
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".bench"
PYTHON = sys.executable
HOSTS = 20

WORDS = ("deepseek model release open weights reasoning export control chips nvidia huawei ascend policy regulation "
         "cyberspace administration filing price api tokens cluster gpu inference training paper benchmark "
         "market shares investors cloud startup lab quant fund hangzhou beijing washington tariff semiconductor "
         "distillation licence agent coding multimodal sparse attention kernel throughput storage library").split()
ZH_PHRASES = ["深度求索发布新模型", "美国商务部出口管制", "英伟达芯片", "网信办生成式人工智能备案", "推理模型开源",
              "幻方量化", "梁文锋", "算力集群", "大模型价格下调", "华为昇腾", "强化学习论文", "市值蒸发"]


# -- the corpus --------------------------------------------------------------------------------

def make_corpus(folder: Path, feeds: int, items: int, seed: int = 7, words: tuple[int, int] = (10, 30)) -> list[str]:
    """Feed files under ``folder``; returns their names. The same seed gives the same bytes."""
    rng = random.Random(seed)
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    shared = [(f"https://news.example/story/{n}", _sentence(rng, 9)) for n in range(max(10, feeds * items // 10))]
    names = []
    for index in range(feeds):
        chinese = index % 7 == 3
        entries = []
        for number in range(items):
            when = now - timedelta(hours=rng.randint(1, 24 * 30))
            if rng.random() < 0.2:                       # the same story, reported by several feeds
                url, title = rng.choice(shared)
                url += rng.choice(["", "?utm_source=rss", "?utm_medium=feed&ref=home"])
            else:
                url, title = f"https://feed{index}.example/{number}", _sentence(rng, rng.randint(7, 13))
            if chinese:
                title = "".join(rng.sample(ZH_PHRASES, 3))
            entries.append((title, url, when, _summary(rng, chinese, words)))
        atom = index % 5 == 1
        name = f"feed{index}.{'atom' if atom else 'xml'}"
        (folder / name).write_bytes(_atom(index, entries) if atom else _rss(index, entries, chinese))
        names.append(name)
    return names


def _sentence(rng: random.Random, length: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(length)).capitalize()


def _summary(rng: random.Random, chinese: bool, words: tuple[int, int]) -> str:
    """An excerpt, as most news feeds carry: a sentence or two, markup in a third of them."""
    if chinese:
        return "<p>" + "，".join(rng.sample(ZH_PHRASES, rng.randint(2, 5))) + "。</p>"
    text = _sentence(rng, rng.randint(*words)) + "."
    if rng.random() < 1 / 3:
        return f'<p>{text} <b>{rng.choice(WORDS)}</b> <a href="https://source.example/{rng.randint(1, 10**6)}">source</a></p>'
    return text


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _rss(index: int, entries: list, chinese: bool) -> bytes:
    body = "".join(
        f"<item><title>{_escape(t)}</title><link>{_escape(u)}</link><guid>{_escape(u)}#{index}</guid>"
        f"<pubDate>{format_datetime(w)}</pubDate><description>{_escape(s)}</description></item>"
        for t, u, w, s in entries)
    lang = "zh-cn" if chinese else "en"
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {index}</title>'
            f"<link>https://feed{index}.example/</link><language>{lang}</language>{body}</channel></rss>").encode()


def _atom(index: int, entries: list) -> bytes:
    body = "".join(
        f"<entry><title>{_escape(t)}</title><link href=\"{_escape(u)}\"/><id>urn:bench:{index}:{n}</id>"
        f"<updated>{w.isoformat()}</updated><summary type=\"html\">{_escape(s)}</summary></entry>"
        for n, (t, u, w, s) in enumerate(entries))
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Feed {index}</title>'
            f"<id>urn:bench:{index}</id><updated>{datetime.now(timezone.utc).isoformat()}</updated>{body}</feed>").encode()


# -- the server ------------------------------------------------------------------------------

def serve(folder: str, port: int, latency: float, hosts: int) -> None:
    """Runs in its own process: every feed with ETag/Last-Modified, each response after ``latency``.

    An asyncio server (aiohttp's, with its C HTTP parser) rather than http.server: a threaded
    Python server spends about half a millisecond of CPU per request, which on two cores would
    put a floor under a run of 500 conditional GETs that has nothing to do with the client.
    """
    import asyncio

    from aiohttp import web

    files = {f"/{p.name}": p.read_bytes() for p in Path(folder).iterdir()}
    tags = {path: '"' + hashlib.sha256(body).hexdigest()[:16] + '"' for path, body in files.items()}
    modified = format_datetime(datetime(2025, 1, 1, tzinfo=timezone.utc), usegmt=True)

    async def handle(request: web.Request) -> web.Response:
        await asyncio.sleep(latency)
        body = files.get(request.path)
        if body is None:
            return web.Response(status=404)
        etag = tags[request.path]
        if request.headers.get("If-None-Match") == etag or request.headers.get("If-Modified-Since") == modified:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, headers={"Content-Type": "application/xml; charset=utf-8", "ETag": etag,
                                                "Last-Modified": modified})

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/{name}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        for n in range(hosts):
            await web.TCPSite(runner, f"127.0.1.{n + 1}", port).start()
        await asyncio.Event().wait()

    asyncio.run(main())


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.1.1", 0))
        return sock.getsockname()[1]


def feed_url(index: int, name: str, port: int) -> str:
    return f"http://127.0.1.{index % HOSTS + 1}:{port}/{name}"


# -- measuring in child processes --------------------------------------------------------------

def child(code: str, timeout: float = 1800) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON line last. Peak RSS is added from the OS."""
    wrapper = code + textwrap.dedent("""
        import json as _json, resource as _resource
        RESULT["rss_mb"] = _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss / 1024
        RESULT["children_rss_mb"] = _resource.getrusage(_resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(_json.dumps(RESULT))
    """)
    started = time.perf_counter()
    done = subprocess.run([PYTHON, "-c", wrapper], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark step failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - started
    return result


def bare_parse(folder: Path) -> dict:
    return child(f"""
import time, feedparser
from pathlib import Path
bodies = [p.read_bytes() for p in sorted(Path({str(folder)!r}).iterdir())]
started = time.perf_counter()
for body in bodies:
    feedparser.parse(body)
RESULT = {{"seconds": time.perf_counter() - started}}
""")


def parallel_parse(folder: Path) -> dict:
    """whalewatch's parser over the same bodies, in one process and in two: what this machine's
    cores actually give (two busy virtual CPUs are often far from twice one)."""
    return child(f"""
import multiprocessing, os, time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from whalewatch.collect import _parse_job
from whalewatch.config import Feed
bodies = [p.read_bytes() for p in sorted(Path({str(folder)!r}).iterdir())]
feed, now = Feed(name="bench", url="https://bench.example/feed"), datetime.now(timezone.utc)
args = lambda body: (body, feed, None, "", now, 500, False)
started = time.perf_counter()
for body in bodies:
    _parse_job(*args(body))
single = time.perf_counter() - started
with ProcessPoolExecutor(os.cpu_count(), mp_context=multiprocessing.get_context("fork")) as pool:
    started = time.perf_counter()
    list(pool.map(_parse_job, *zip(*map(args, bodies)), chunksize=4))
    parallel = time.perf_counter() - started
RESULT = {{"single": single, "parallel": parallel, "workers": os.cpu_count()}}
""")


def collect_stage(config: Path) -> dict:
    return child(f"""
import time
from whalewatch.config import load_edition
from whalewatch.collect import collect
edition = load_edition({str(config)!r})
started = time.perf_counter()
report = collect(edition)
RESULT = {{"seconds": time.perf_counter() - started, "failed": len(report.failed),
          "new": sum(o.new_items for o in report.outcomes), "feeds": len(report.outcomes)}}
""")


def network_floor_row(warm: float, feeds: list[tuple[str, str]], latency: float) -> Row:
    """How close the warm collect comes to what the default fetch limits allow: a host's feeds go
    ``per_host`` at a time, so the busiest host needs ceil(feeds / per_host) answers in a row."""
    from whalewatch.config import Fetch

    limits = Fetch()
    per_host = Counter(urlsplit(url).netloc for _, url in feeds)
    rounds = max(max(math.ceil(n / limits.per_host) for n in per_host.values()), math.ceil(len(feeds) / limits.concurrency))
    floor = rounds * latency
    return Row("warm collect vs its network floor", f"{warm:.2f} s",
               f"{rounds} answer{'s' if rounds != 1 else ''} in a row x {latency * 1000:.0f} ms = {floor:.2f} s", f"{warm / floor:.2f}x", "", None)


def median_run(runs: list[dict]) -> dict:
    """The run with the median time: single runs on a shared machine vary by ±15%."""
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def _seconds(runs: list[dict]) -> str:
    return ", ".join(f"{r['seconds']:.2f}" for r in runs) + " s"


def timed_command(args: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


# -- editions -----------------------------------------------------------------------------------

SECTIONS = """
sections:
  - {id: models, title: Models, keywords: [release, model, weights, 发布, 模型]}
  - {id: chips, title: Chips, keywords: [chips, nvidia, export control, 芯片, 出口管制]}
  - {id: policy, title: Policy, keywords: [policy, regulation, filing, 网信办, 备案]}
  - {id: markets, title: Markets, keywords: [price, market, investors, 价格]}
  - {id: other, title: Also noted, fallback: true}
"""


def write_edition(folder: Path, feeds: list[tuple[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = "".join(f'  - {{name: "{name}", url: "{url}"}}\n' for name, url in feeds)
    config = folder / "feeds.yaml"
    config.write_text(f"briefing: {{title: Bench, timezone: UTC, first_week: 2020-W01}}\n{SECTIONS}\nfeeds:\n{lines}"
                      if feeds else f"briefing: {{title: Bench, timezone: UTC, first_week: 2020-W01}}\n{SECTIONS}\n")
    return config


# -- rss2email --------------------------------------------------------------------------------

def rss2email_binary() -> Path:
    venv = BENCH_DIR / "rss2email-venv"
    binary = venv / "bin" / "r2e"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "rss2email"], check=True)
    return binary


def rss2email_runs(work: Path, feeds: list[tuple[str, str]]) -> tuple[float, float]:
    binary = rss2email_binary()
    cfg, data = work / "r2e.cfg", work / "r2e.json"
    subprocess.run([str(binary), "-c", str(cfg), "-d", str(data), "new", "reader@example.org"], check=True, capture_output=True)
    text = re.sub(r"(?m)^sendmail = .*$", "sendmail = /bin/true", cfg.read_text())   # "send" to a sink
    cfg.write_text(re.sub(r"(?m)^use-smtp = .*$", "use-smtp = False", text))
    opml = work / "feeds.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body>' + "".join(
        f'<outline type="rss" text="f{n}" xmlUrl="{url}"/>' for n, (_, url) in enumerate(feeds)) + "</body></opml>")
    subprocess.run([str(binary), "-c", str(cfg), "-d", str(data), "opmlimport", str(opml)], check=True, capture_output=True)
    run = [str(binary), "-c", str(cfg), "-d", str(data), "run"]
    return timed_command(run), timed_command(run)


# -- build, PDF, preview ---------------------------------------------------------------------------

def make_store(config: Path, total: int, week_items: int, week: str, seed: int = 11) -> None:
    """``total`` items over the years; exactly ``week_items`` of them in ``week``: same work, bigger archive."""
    child(f"""
import random
import re
from datetime import datetime, timedelta, timezone
from whalewatch.config import load_edition
from whalewatch.model import Item
from whalewatch.store import Store
from whalewatch.weeks import Week
words = {WORDS!r}
rng = random.Random({seed})
edition = load_edition({str(config)!r})
start, end = Week.parse({week!r}).window(timezone.utc)
def item(n, when):
    title = " ".join(rng.choice(words) for _ in range(rng.randint(7, 12))).capitalize()
    text = " ".join(rng.choice(words) for _ in range(60))
    return Item(key=f"k{{n}}", feed=f"feed{{n % 50}}", url=f"https://bench.example/{{n}}", canonical_url=f"https://bench.example/{{n}}",
                guid=f"g{{n}}", title=title, summary_html=f"<p>{{text}}</p>", summary_text=text, author="", published=when,
                first_seen=when, date=when)
with Store(edition.store_path) as store:
    batch = []
    for n in range({total}):
        if n < {week_items}:
            when = start + timedelta(seconds=rng.randint(0, 7 * 86400 - 1))
        else:
            when = start - timedelta(days=rng.randint(8, 365 * 4))
        batch.append(item(n, when))
        if len(batch) == 10000:
            store.add_items(batch)
            batch = []
    store.add_items(batch)
RESULT = {{}}
""")


def make_week(config: Path, week_items: int, week: str, seed: int = 13) -> None:
    """A week as news arrives: events covered by one to five reports each (one report in seven in
    Chinese), titles mixing the event's own names with the beat's common words, from 50 feeds."""
    child(f"""
import random
from datetime import timedelta, timezone
from whalewatch.config import load_edition
from whalewatch.model import Item
from whalewatch.store import Store
from whalewatch.weeks import Week
words, zh = {WORDS!r}, {ZH_PHRASES!r}
rng = random.Random({seed})
syllables = "ka lo mi ne sa tu re vo zi pa an el or us ta ko bi da fe gu hi ju ly wu".split()
han = [chr(c) for c in range(0x4e00, 0x4e00 + 3000)]
edition = load_edition({str(config)!r})
start, end = Week.parse({week!r}).window(timezone.utc)
items, n = [], 0
while n < {week_items}:
    names = ["".join(rng.choice(syllables) for _ in range(4)).capitalize() for _ in range(2)]
    zh_names = ["".join(rng.choice(han) for _ in range(3)) for _ in range(2)]
    when = start + timedelta(seconds=rng.randint(0, 6 * 86400))
    common = [rng.choice(words) for _ in range(40)]
    for report in range(min(rng.randint(1, 5), {week_items} - n)):
        if rng.random() < 1 / 7:
            title = "".join(zh_names) + rng.choice(zh) + "".join(rng.sample(han, 4))
            text = "，".join(zh_names + rng.sample(zh, 3)) + "。" + "".join(rng.choice(han) for _ in range(60))
        else:
            title = " ".join(names + rng.sample(common, 6)).capitalize()
            text = " ".join(names + rng.sample(common, 25) + [rng.choice(words) for _ in range(30)])
        moment = when + timedelta(minutes=rng.randint(0, 2000))
        items.append(Item(key=f"k{{n}}", feed=f"feed{{n % 50}}", url=f"https://bench.example/{{n}}",
                          canonical_url=f"https://bench.example/{{n}}", guid=f"g{{n}}", title=title,
                          summary_html=f"<p>{{text}}</p>", summary_text=text, author="", published=moment,
                          first_seen=moment, date=min(moment, end - timedelta(seconds=1))))
        n += 1
with Store(edition.store_path) as store:
    store.add_items(items)
RESULT = {{}}
""")


def write_picks(folder: Path, week: str) -> None:
    """An editor's link list for the week, as a real week has: two picks whose addresses no feed
    carries, so each is compared with every report of the week by its words."""
    folder.mkdir(parents=True, exist_ok=True)
    year, number = week.split("-W")
    monday = datetime.fromisocalendar(int(year), int(number), 1).date()
    (folder / "picks.md").write_text(
        f"---\nkind: links\ndate: {monday + timedelta(days=2)}\n---\n"
        "- [Nvidia export control filing, read carefully](https://elsewhere.example/filing): what it says about clusters.\n"
        "- [Investors and the cloud price war](https://elsewhere.example/prices): a second pick no feed carries.\n",
        encoding="utf-8")


def week_stage(config: Path, week: str) -> dict:
    """A whole ``whalewatch build`` of the week (every format, the PDF included), as a user runs it."""
    return child(f"""
import subprocess, sys, time, resource
started = time.perf_counter()
subprocess.run([sys.executable, "-m", "whalewatch.cli", "--config", {str(config)!r}, "build", "--week", {week!r}],
               check=True, capture_output=True)
RESULT = {{"seconds": time.perf_counter() - started,
          "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}
""")


def forget_readings(config: Path) -> None:
    """The store as a first build finds it: no report of the week read yet."""
    child(f"""
from whalewatch.config import load_edition
from whalewatch.store import Store
with Store(load_edition({str(config)!r}).store_path) as store:
    store.keep_readings("forgotten", {{}})
RESULT = {{}}
""")


def read_ahead(config: Path, week: str) -> None:
    """What the scheduler's fetches do as the week's reports arrive: read them, before the build."""
    child(f"""
from whalewatch.config import load_edition
from whalewatch.pipeline import read_week_ahead
from whalewatch.weeks import Week
RESULT = {{"read": read_week_ahead(load_edition({str(config)!r}), Week.parse({week!r}))}}
""")


def week_rows(work: Path, args: argparse.Namespace) -> list[Row]:
    """Build time and peak memory of one week holding 1k, 5k and 20k items, with an editor's link
    list: folding must not compare every pair, nor read the week twice for the editor's picks.
    Each week is built twice over: as a first build finds it (no report read yet: every build
    after ``fetch`` by hand, or after the glossary changed), and as the scheduled build finds it,
    its reports read by the scheduler's fetches as they arrived."""
    week, first, ahead = "2026-W10", {}, {}
    for size in args.week_sizes:
        config = write_edition(work / f"week-{size}", [])
        make_week(config, size, week)
        write_picks(config.parent / "notes", week)
        runs = []
        for _ in range(args.build_runs):
            forget_readings(config)
            runs.append(week_stage(config, week))
        first[size] = median_run(runs)
        read_ahead(config, week)
        ahead[size] = median_run([week_stage(config, week) for _ in range(args.build_runs)])
        print(f"  whole build of a week of {size:,} items: first build {first[size]['seconds']:.2f} s, "
              f"peak {first[size]['peak_mb']:.0f} MB; read ahead {ahead[size]['seconds']:.2f} s, "
              f"peak {ahead[size]['peak_mb']:.0f} MB", flush=True)
    small, large = min(first), max(first)
    rows = []
    for results, how in ((first, "first build"), (ahead, "read ahead")):
        rows += [Row(f"build, week of {size:,} items ({how})", f"{results[size]['seconds']:.2f} s",
                     f"peak {results[size]['peak_mb']:.0f} MB", "", "<= 3 s, <= 300 MB" if size == large else "",
                     results[size]["seconds"] <= 3 and results[size]["peak_mb"] <= 300 if size == large else None)
                 for size in sorted(results)]
    ratio = first[large]["seconds"] / first[small]["seconds"]
    rows.append(Row(f"build, week of {large:,} vs {small:,} items (first build)", f"{first[large]['seconds']:.2f} s",
                    f"{first[small]['seconds']:.2f} s", f"{ratio:.1f}x", "<= 25x", ratio <= 25))
    return rows


def build_stage(config: Path, week: str) -> dict:
    return child(f"""
import time
from whalewatch.config import load_edition
from whalewatch.pipeline import build
from whalewatch.weeks import Week
edition = load_edition({str(config)!r})
started = time.perf_counter()
report = build(edition, Week.parse({week!r}), pdf=False)
RESULT = {{"seconds": time.perf_counter() - started, "stories": report.issue.stats["stories"], "items": report.issue.stats["items_read"]}}
""")


def pdf_stage(config: Path, week: str, rounds: int) -> dict:
    return child(f"""
import statistics, time
from weasyprint import HTML
from whalewatch.config import load_edition
from whalewatch.pipeline import make_issue, renderer_for
from whalewatch.render.pdf import ASSET_BASE
from whalewatch.weeks import Week
edition = load_edition({str(config)!r})
issue, _, _ = make_issue(edition, Week.parse({week!r}))
renderer = renderer_for(edition)
html = renderer.render_pdf_html(issue)
ours, bare = [], []
renderer.render_pdf(issue); HTML(string=html, base_url=ASSET_BASE).write_pdf()      # both warm
for _ in range({rounds}):
    started = time.perf_counter(); pdf = renderer.render_pdf(issue); ours.append(time.perf_counter() - started)
    started = time.perf_counter(); HTML(string=html, base_url=ASSET_BASE).write_pdf(); bare.append(time.perf_counter() - started)
RESULT = {{"ours": statistics.median(ours), "bare": statistics.median(bare), "bytes": len(pdf)}}
""")


def preview_stage(config: Path, week: str, rounds: int) -> dict:
    return child(f"""
import statistics, threading, time
from pathlib import Path
from playwright.sync_api import sync_playwright
from whalewatch.render.env import PACKAGE_TEMPLATES
from whalewatch.serve import serve
config = Path({str(config)!r})
ready, stop = [], threading.Event()
threading.Thread(target=serve, args=(config,), kwargs={{"port": 0, "on_ready": ready.append, "stop": stop}}, daemon=True).start()
while not ready:
    time.sleep(0.02)
story = (PACKAGE_TEMPLATES / "partials" / "story.html").read_text()
target = config.parent / "templates" / "partials" / "story.html"
target.parent.mkdir(parents=True, exist_ok=True)
times = []
with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--disable-gpu", "--disable-background-networking"])
    page = browser.new_page()
    page.goto(ready[0] + {week!r} + "/")
    page.wait_for_selector("article.story")
    for n in range({rounds}):
        time.sleep(0.3)
        target.write_text(story.replace('<p class="meta">', f'<p class="bench-{{n}}">saved</p><p class="meta">'))
        started = time.perf_counter()
        page.wait_for_selector(f".bench-{{n}}", timeout=30000)
        times.append(time.perf_counter() - started)
    browser.close()
stop.set()
RESULT = {{"seconds": statistics.median(times)}}
""")


# -- the run ------------------------------------------------------------------------------------

@dataclass
class Row:
    measure: str
    ours: str
    reference: str
    ratio: str
    target: str
    ok: bool | None


def run(args: argparse.Namespace) -> list[Row]:
    rows: list[Row] = []
    work = Path(tempfile.mkdtemp(prefix="whalewatch-bench-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        low, _, high = args.summary_words.partition("-")
        names = make_corpus(corpus, args.feeds, args.items, words=(int(low), int(high or low)))
        size = sum(p.stat().st_size for p in corpus.iterdir())
        print(f"corpus: {args.feeds} feeds x {args.items} items, {size / 1e6:.1f} MB; latency {args.latency * 1000:.0f} ms; "
              f"{HOSTS} loopback hosts", flush=True)
        port = free_port()
        server = Process(target=serve, args=(str(corpus), port, args.latency, HOSTS), daemon=True)
        server.start()
        time.sleep(0.5)
        try:
            feeds = [(name, feed_url(n, name, port)) for n, name in enumerate(names)]
            rows += collect_rows(work, corpus, feeds, args)
        finally:
            server.terminate()
        rows += build_rows(work, args)
        rows += week_rows(work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def collect_rows(work: Path, corpus: Path, feeds: list[tuple[str, str]], args: argparse.Namespace) -> list[Row]:
    bare = bare_parse(corpus)["seconds"]
    args.parse_ms = bare / (args.feeds * args.items) * 1000
    print(f"  bare feedparser.parse of every body: {bare:.2f} s ({args.parse_ms:.2f} ms per item)", flush=True)
    colds = [collect_stage(write_edition(work / f"stage-{n}", feeds)) for n in range(args.collect_runs)]
    cold = median_run(colds)
    print(f"  cold collect (each into an empty store): {_seconds(colds)}; median {cold['seconds']:.2f} s "
          f"({cold['new']} new items, {cold['failed']} failed)", flush=True)
    warms = [collect_stage(work / f"stage-{args.collect_runs - 1}" / "feeds.yaml") for _ in range(args.collect_runs)]
    warm = median_run(warms)
    print(f"  warm collect: {_seconds(warms)}; median {warm['seconds']:.2f} s", flush=True)
    scaling = parallel_parse(corpus)
    speedup = scaling["single"] / scaling["parallel"]
    print(f"  whalewatch's parser: {scaling['single']:.2f} s in one process, {scaling['parallel']:.2f} s in "
          f"{scaling['workers']} ({speedup:.2f}x)", flush=True)
    rows = [
        Row("our parse, one process", f"{scaling['single']:.2f} s", f"bare parse {bare:.2f} s", f"{scaling['single'] / bare:.2f}x",
            "", None),
        Row(f"our parse, {scaling['workers']} processes", f"{scaling['parallel']:.2f} s", f"one process {scaling['single']:.2f} s",
            f"{speedup:.2f}x faster", f"ideal {scaling['workers']}x", None),
        Row("cold collect (empty store)", f"{cold['seconds']:.2f} s", f"bare parse {bare:.2f} s", f"{cold['seconds'] / bare:.2f}x",
            f"<= 0.65x (floor here {scaling['parallel'] / bare:.2f}x)", cold["seconds"] / bare <= 0.65),
        Row("warm collect (all 304)", f"{warm['seconds']:.2f} s", f"cold {cold['seconds']:.2f} s",
            f"{warm['seconds'] / cold['seconds']:.1%}", "<= 10%", warm["seconds"] / cold["seconds"] <= 0.10),
        network_floor_row(warm["seconds"], feeds, args.latency),
        Row("memory, cold collect", f"{cold['rss_mb']:.0f} MB (+ workers {cold['children_rss_mb']:.0f} MB each)", "", "",
            "<= 300 MB", max(cold["rss_mb"], cold["children_rss_mb"]) <= 300),
    ]
    if args.rss2email:
        command_config = write_edition(work / "command", feeds)
        fetch = [str(Path(PYTHON).parent / "whalewatch"), "--config", str(command_config), "fetch"]
        ours_cold, ours_warm = timed_command(fetch), timed_command(fetch)
        print(f"  whalewatch fetch (whole command): {ours_cold:.2f} s, then {ours_warm:.2f} s", flush=True)
        r2e_cold, r2e_warm = rss2email_runs(work, feeds)
        print(f"  rss2email run: {r2e_cold:.2f} s, then {r2e_warm:.2f} s", flush=True)
        rows += [
            Row("vs rss2email, first run", f"{ours_cold:.2f} s", f"rss2email {r2e_cold:.2f} s", f"{r2e_cold / ours_cold:.1f}x faster",
                ">= 15x", r2e_cold / ours_cold >= 15),
            Row("vs rss2email, second run", f"{ours_warm:.2f} s", f"rss2email {r2e_warm:.2f} s", f"{r2e_warm / ours_warm:.1f}x faster",
                ">= 20x", r2e_warm / ours_warm >= 20),
        ]
    else:
        rows.append(Row("vs rss2email", "skipped", "(run without --no-rss2email)", "", ">= 15x / 20x", None))
    return rows


def build_rows(work: Path, args: argparse.Namespace) -> list[Row]:
    week = "2026-W10"
    results = {}
    for total in (args.small_store, args.large_store):
        config = write_edition(work / f"store-{total}", [])
        make_store(config, total, args.week_items, week)
        results[total] = (config, median_run([build_stage(config, week) for _ in range(args.build_runs)]))
        print(f"  build of {week} from {total:,} items: {results[total][1]['seconds']:.2f} s "
              f"({results[total][1]['stories']} stories from {results[total][1]['items']} items)", flush=True)
    small, large = results[args.small_store][1], results[args.large_store][1]
    config = results[args.large_store][0]
    pdf = pdf_stage(config, week, args.pdf_rounds)
    print(f"  PDF: ours {pdf['ours']:.2f} s, bare WeasyPrint {pdf['bare']:.2f} s", flush=True)
    preview = preview_stage(config, week, args.preview_rounds)
    print(f"  preview reload after a template save: {preview['seconds']:.2f} s", flush=True)
    return [
        Row(f"build, {args.large_store // 1000}k-item store", f"{large['seconds']:.2f} s", "", "", "<= 1 s", large["seconds"] <= 1.0),
        Row(f"build, {args.large_store // 1000}k vs {args.small_store // 1000}k store", f"{large['seconds']:.2f} s",
            f"{small['seconds']:.2f} s", f"{large['seconds'] / small['seconds']:.2f}x", "<= 1.5x", large["seconds"] / small["seconds"] <= 1.5),
        Row(f"memory, build at {args.large_store // 1000}k", f"{large['rss_mb']:.0f} MB", "", "", "<= 400 MB", large["rss_mb"] <= 400),
        Row("PDF step", f"{pdf['ours']:.2f} s", f"bare WeasyPrint {pdf['bare']:.2f} s", f"{pdf['ours'] / pdf['bare']:.2f}x",
            "<= 1.1x", pdf["ours"] / pdf["bare"] <= 1.1),
        Row("preview rebuilt and reloaded", f"{preview['seconds']:.2f} s", "", "", "<= 1 s", preview["seconds"] <= 1.0),
    ]


def print_table(rows: list[Row], args: argparse.Namespace) -> None:
    print()
    print(f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.machine()}; "
          f"corpus {args.feeds} feeds x {args.items} items (excerpts of {args.summary_words} words; bare parse "
          f"{getattr(args, 'parse_ms', 0):.2f} ms per item), latency {args.latency * 1000:.0f} ms"
          + (" (quick mode: small corpus, not the targets' scale)" if args.quick else ""))
    header = ("measure", "whalewatch", "reference", "ratio", "target", "")
    widths = [max(len(str(getattr(r, f))) for r in rows) for f in ("measure", "ours", "reference", "ratio", "target")]
    widths = [max(w, len(h)) for w, h in zip(widths, header)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths + [4])) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths + [4]) + "|")
    for r in rows:
        verdict = "" if r.ok is None else ("ok" if r.ok else "MISS")
        cells = (r.measure, r.ours, r.reference, r.ratio, r.target, verdict)
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths + [4])) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small corpus and stores, no rss2email: proves the benchmark runs")
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per response")
    parser.add_argument("--summary-words", default="10-30", help="words per item excerpt, e.g. 10-30 or 60-120 for heavier feeds")
    parser.add_argument("--no-rss2email", dest="rss2email", action="store_false")
    parser.add_argument("--small-store", type=int, default=20_000)
    parser.add_argument("--large-store", type=int, default=200_000)
    parser.add_argument("--week-items", type=int, default=600, help="items in the week that is built")
    parser.add_argument("--pdf-rounds", type=int, default=3)
    parser.add_argument("--build-runs", type=int, default=3, help="fresh processes per build measurement (the median is shown)")
    parser.add_argument("--collect-runs", type=int, default=3, help="cold and warm collects measured (the median is shown)")
    parser.add_argument("--preview-rounds", type=int, default=3)
    parser.add_argument("--week-sizes", type=lambda v: [int(n) for n in v.split(",")], default=[1_000, 5_000, 20_000],
                        help="items in the weeks whose whole build is timed, e.g. 1000,5000,20000")
    parser.add_argument("--weeks-only", action="store_true", help="only the rows for weeks of 1k, 5k and 20k items")
    args = parser.parse_args()
    if args.quick:
        args.feeds, args.items, args.latency, args.rss2email = 24, 10, 0.01, False
        args.small_store, args.large_store, args.week_items, args.pdf_rounds, args.preview_rounds = 2_000, 10_000, 100, 1, 1
        args.build_runs = args.collect_runs = 1
        args.week_sizes = [200, 1_000]
    if args.weeks_only:
        work = Path(tempfile.mkdtemp(prefix="whalewatch-bench-"))
        try:
            rows = week_rows(work, args)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    else:
        rows = run(args)
    print_table(rows, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
