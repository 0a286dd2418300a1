"""The store keeps everything: across kills, concurrent processes and older versions of itself."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from datetime import datetime, timezone

from whalewatch.store import _MIGRATIONS, SCHEMA_VERSION, Store
from tests.conftest import WHALEWATCH, write_edition

SECTIONS = "sections:\n  - {id: all, title: Everything, fallback: true}\n"


def test_a_fetch_killed_midway_keeps_every_feed_it_finished(feed_server, tmp_path):
    config = write_edition(tmp_path / "ed", SECTIONS + f"""
feeds:
  - {{name: Wire, url: "{feed_server.url('wire.xml')}"}}
  - {{name: Lab, url: "{feed_server.url('lab.atom')}"}}
  - {{name: Stuck, url: "{feed_server.url('slow/60')}"}}
fetch: {{timeout: 120, total_timeout: 300, retries: 0}}
""")
    store = tmp_path / "ed" / ".whalewatch" / "store.sqlite"
    fetch = subprocess.Popen(WHALEWATCH + ["--config", str(config), "fetch"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def stored_feeds() -> set[str]:
        if not store.exists():
            return set()
        try:
            with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
                return {row[0] for row in db.execute("SELECT DISTINCT feed FROM items")}
        except sqlite3.Error:
            return set()

    deadline = time.monotonic() + 60
    while stored_feeds() != {"Wire", "Lab"} and time.monotonic() < deadline:
        time.sleep(0.1)
    fetch.send_signal(signal.SIGKILL)
    fetch.wait()
    assert stored_feeds() == {"Wire", "Lab"}, "the two fast feeds were stored while the slow one was still loading"
    with Store(store) as db:
        assert db.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.feed_state("Wire").last_success is not None and db.feed_state("Stuck").last_attempt is None


def test_a_store_from_an_older_version_is_migrated_and_keeps_its_items(tmp_path):
    path = tmp_path / "store.sqlite"
    with sqlite3.connect(path) as db:               # what version 1 of whalewatch left behind
        db.executescript(_MIGRATIONS[1])
        db.execute("INSERT INTO items VALUES ('k1','Wire','https://a.example/1','https://a.example/1','g','Old item','',"
                   "'','', NULL,'2025-01-27T10:00:00+00:00','2025-01-27T10:00:00+00:00','','en','[]')")
        db.execute("PRAGMA user_version=1")
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.count_items() == 1
        store.record_delivery("2025-W05", "a@example.org", "sent", datetime.now(timezone.utc))   # the new table works
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_two_processes_writing_at_once_both_land(tmp_path):
    path = tmp_path / "store.sqlite"
    writer = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from whalewatch.model import Item
from whalewatch.store import Store
now = datetime.now(timezone.utc)
with Store(Path(sys.argv[1])) as store:
    for n in range(200):
        store.add_items([Item(key=f"{sys.argv[2]}-{n}", feed=sys.argv[2], url="", canonical_url="", guid="", title="t",
                              summary_html="", summary_text="", author="", published=None, first_seen=now, date=now)])
"""
    procs = [subprocess.Popen([WHALEWATCH[0], "-c", writer, str(path), name]) for name in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with Store(path) as store:
        assert store.count_items() == 400


def _served_twice(feed_server, tmp_path, first: str, second: str):  # noqa: ANN001, ANN202
    """Collect a feed, change what it serves, collect again; return the stored items and the outcome."""
    from whalewatch.collect import collect
    from whalewatch.config import load_edition

    (feed_server.folder / "reused.xml").write_text(first, encoding="utf-8")
    edition = load_edition(write_edition(tmp_path / "ed", SECTIONS + f"feeds:\n  - {{name: Reused, url: \"{feed_server.url('reused.xml')}\"}}\n"))
    collect(edition)
    (feed_server.folder / "reused.xml").write_text(second, encoding="utf-8")
    report = collect(edition)
    with Store(edition.store_path) as store:
        rows = store.db.execute("SELECT title, url, summary_text FROM items ORDER BY url").fetchall()
    return [tuple(r) for r in rows], report.outcomes[0]


def _one_item(title: str, link: str, text: str, guid: str = "same") -> str:
    return (f'<rss version="2.0"><channel><title>R</title><item><title>{title}</title><link>{link}</link>'
            f'<guid isPermaLink="false">{guid}</guid><description>{text}</description></item></channel></rss>')


def test_a_guid_reused_for_another_article_later_keeps_both_and_warns(feed_server, tmp_path):
    rows, outcome = _served_twice(feed_server, tmp_path, _one_item("First", "https://a.example/1", "one"),
                                  _one_item("Second", "https://a.example/2", "two"))
    assert rows == [("First", "https://a.example/1", "one"), ("Second", "https://a.example/2", "two")]
    assert outcome.new_items == 1 and any("guid reused" in w and "'Second'" in w for w in outcome.warnings)


def test_an_edited_item_shows_its_latest_text_and_keeps_its_date(feed_server, tmp_path):
    rows, outcome = _served_twice(feed_server, tmp_path, _one_item("Draft title", "https://a.example/1", "old text"),
                                  _one_item("Final title", "https://a.example/1", "new text"))
    assert rows == [("Final title", "https://a.example/1", "new text")]
    assert outcome.new_items == 0 and not any("guid" in w for w in outcome.warnings)


def test_readings_are_kept_by_digest_and_those_of_another_fingerprint_are_dropped(tmp_path):
    with Store(tmp_path / "store.sqlite") as store:
        store.keep_readings("old", {"a": b"1", "b": b"2"})
        assert store.readings(["a", "b", "c"]) == {"a": b"1", "b": b"2"}
        store.keep_readings("new", {"b": b"3", "c": b"4"})           # a new glossary or a new release
        assert store.readings(["a", "b", "c"]) == {"b": b"3", "c": b"4"}
        many = {f"d{n}": bytes([n % 256]) for n in range(1200)}       # more than one query's worth of digests
        store.keep_readings("new", many)
        assert store.readings(sorted(many)) == many
