"""Everything ever seen, kept: items, per-feed state, runs and the delivery log, in SQLite.

Feeds roll items off; the store does not. WAL and a busy timeout let a scheduler and a CLI
command share the file; each batch is one transaction, so a fetch killed midway keeps every
feed it finished. Older stores are migrated in place, never discarded.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from .model import Item

SCHEMA_VERSION = 6

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE items (
        key TEXT PRIMARY KEY, feed TEXT NOT NULL, url TEXT NOT NULL, canonical_url TEXT NOT NULL,
        guid TEXT NOT NULL, title TEXT NOT NULL, summary_html TEXT NOT NULL, summary_text TEXT NOT NULL,
        author TEXT NOT NULL, published TEXT, first_seen TEXT NOT NULL, date TEXT NOT NULL,
        date_note TEXT NOT NULL, language TEXT NOT NULL, tags TEXT NOT NULL
    );
    CREATE INDEX items_date ON items(date);
    CREATE INDEX items_canonical ON items(canonical_url);
    CREATE TABLE feeds (
        name TEXT PRIMARY KEY, url TEXT, etag TEXT, last_modified TEXT, last_attempt TEXT,
        last_success TEXT, consecutive_failures INTEGER NOT NULL DEFAULT 0, failing_since TEXT,
        last_error TEXT, last_status INTEGER, items_total INTEGER NOT NULL DEFAULT 0
    );
    """,
    2: """
    CREATE TABLE deliveries (
        week TEXT NOT NULL, recipient TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        message_id TEXT, last_error TEXT, updated TEXT NOT NULL, PRIMARY KEY (week, recipient)
    );
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT, job TEXT NOT NULL, started TEXT NOT NULL, finished TEXT,
        outcome TEXT, detail TEXT
    );
    """,
    3: """
    CREATE TABLE note_links (
        origin TEXT NOT NULL, url TEXT NOT NULL, first_seen TEXT NOT NULL, PRIMARY KEY (origin, url)
    );
    """,
    4: """
    ALTER TABLE feeds ADD COLUMN last_warning TEXT;
    """,
    5: """
    CREATE TABLE issue_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, week TEXT NOT NULL, state TEXT NOT NULL, at TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX issue_events_week ON issue_events(week, id);
    """,
    6: """
    CREATE TABLE readings (
        digest TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, data BLOB NOT NULL
    );
    CREATE INDEX readings_fingerprint ON readings(fingerprint);
    """,
}


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds") if moment else None


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass
class FeedState:
    name: str
    url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    consecutive_failures: int = 0
    failing_since: datetime | None = None
    last_error: str | None = None
    last_status: int | None = None
    items_total: int = 0
    last_warning: str | None = None


@dataclass(frozen=True)
class Validators:
    """What a conditional GET needs: the address a feed was last fetched from and its validators."""
    url: str | None
    etag: str | None
    last_modified: str | None


@dataclass
class FeedRecord:
    """One feed's outcome in a fetch run, as the store keeps it: items and validators, or an error."""
    name: str
    url: str | None
    when: datetime
    status: int | None
    etag: str | None = None
    last_modified: str | None = None
    items: list[Item] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


_opened: list[Path] = []


def last_opened_store() -> Path | None:
    """The store this process opened last: a database error is named with its file."""
    return _opened[-1] if _opened else None


class Store:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        _opened[:] = [path]
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA busy_timeout=30000")
        self._enable_wal()
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()

    def _enable_wal(self) -> None:
        """Switching a new file to WAL takes a lock SQLite does not wait for; retry when two open it at once."""
        deadline = time.monotonic() + 30
        while True:
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate(self) -> None:
        with self.transaction() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in filter(str.strip, _MIGRATIONS[target].split(";")):
                    db.execute(statement)
            if version < SCHEMA_VERSION:
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    # -- items ---------------------------------------------------------------------------

    def add_items(self, items: list[Item]) -> int:
        """Insert the items not seen before; returns how many were new. first_seen never moves."""
        with self.transaction() as db:
            return _store_items(db, items)[0]

    def items_between(self, start: datetime, end: datetime) -> list[Item]:
        rows = self.db.execute(
            "SELECT * FROM items WHERE date >= ? AND date < ? ORDER BY date, key", (_iso(start), _iso(end))
        ).fetchall()
        return [_item(r) for r in rows]

    def count_between(self, start: datetime, end: datetime) -> int:
        return self.db.execute("SELECT COUNT(*) FROM items WHERE date >= ? AND date < ?", (_iso(start), _iso(end))).fetchone()[0]

    def items_by_canonical(self, canonical_urls: list[str]) -> list[Item]:
        found: list[Item] = []
        for url in sorted(set(filter(None, canonical_urls))):
            found += [_item(r) for r in self.db.execute("SELECT * FROM items WHERE canonical_url = ? ORDER BY date, key", (url,))]
        return found

    # -- readings: how folding read each report, kept so that a week is read once ---------------

    def readings(self, digests: list[str]) -> dict[str, bytes]:
        return _pairs_in(self.db, "SELECT digest, data FROM readings WHERE digest IN", digests)

    def keep_readings(self, fingerprint: str, readings: dict[str, bytes]) -> None:
        """Keeps new readings, and drops those made with another fingerprint (older code or another
        glossary): no run will ask for them again."""
        with self.transaction() as db:
            db.execute("DELETE FROM readings WHERE fingerprint != ?", (fingerprint,))
            db.executemany("INSERT OR REPLACE INTO readings (digest, fingerprint, data) VALUES (?, ?, ?)",
                           [(key, fingerprint, data) for key, data in readings.items()])

    def first_seen_links(self, links: list[tuple[str, str, datetime]]) -> dict[tuple[str, str], datetime]:
        """The date each (file, link) of an editor's link list had when it was first read: a link with
        no date of its own keeps that week, however often the list is edited after."""
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO note_links (origin, url, first_seen) VALUES (?, ?, ?)",
                           [(origin, url, _iso(when)) for origin, url, when in links])
            found = {}
            for origin, url, _ in links:
                row = db.execute("SELECT first_seen FROM note_links WHERE origin = ? AND url = ?", (origin, url)).fetchone()
                found[(origin, url)] = _dt(row[0])
        return found

    def count_items(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM items").fetchone()[0]

    # -- feeds ---------------------------------------------------------------------------

    def feed_state(self, name: str) -> FeedState:
        row = self.db.execute("SELECT * FROM feeds WHERE name = ?", (name,)).fetchone()
        return _feed_state(row) if row is not None else FeedState(name)

    def all_feed_states(self) -> list[FeedState]:
        return [_feed_state(row) for row in self.db.execute("SELECT * FROM feeds ORDER BY name")]

    def validators(self) -> dict[str, Validators]:
        """Every feed's validators, without the rest of its state: read at the start of each collect,
        where turning every stored moment into a datetime cost 500 feeds five times as long."""
        rows = self.db.execute("SELECT name, url, etag, last_modified FROM feeds")
        return {name: Validators(url, etag, modified) for name, url, etag, modified in rows}

    def record_feeds(self, records: list[FeedRecord]) -> list[int]:
        """Several feeds' outcomes in one transaction; returns each one's count of new items.
        What storing found (a reused guid) is added to the record's warnings, which are kept with
        the feed so that `status` can show them after the run.

        Each feed's items go in with its validators, so a kill before the commit loses the whole
        group and the next run fetches those feeds again in full. Writing feeds in groups matters
        at scale: item keys are hashes, so every commit rewrites index pages all over the file,
        and one commit per feed cost a cold collect of 500 feeds about two seconds more.
        """
        with self.transaction() as db:
            return [_record_failure(db, r) if r.error is not None else _record_success(db, r) for r in records]

    # -- deliveries ------------------------------------------------------------------------

    def delivery_state(self, week: str, recipient: str) -> str | None:
        row = self.db.execute("SELECT state FROM deliveries WHERE week=? AND recipient=?", (week, recipient.lower())).fetchone()
        return row["state"] if row else None

    def record_delivery(self, week: str, recipient: str, state: str, when: datetime,
                        error: str | None = None, message_id: str | None = None) -> None:
        """One row per (week, recipient); each call commits on its own, so a kill never loses it."""
        with self.transaction() as db:
            db.execute(
                """INSERT INTO deliveries (week, recipient, state, attempts, message_id, last_error, updated)
                   VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(week, recipient) DO UPDATE SET state=excluded.state,
                       attempts=deliveries.attempts + excluded.attempts,
                       message_id=COALESCE(excluded.message_id, deliveries.message_id),
                       last_error=CASE WHEN excluded.state='sent' THEN NULL ELSE COALESCE(excluded.last_error, deliveries.last_error) END,
                       updated=excluded.updated""",
                (week, recipient.lower(), state, 1 if state == "sending" else 0, message_id, error, _iso(when)),
            )

    def deliveries(self, week: str) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM deliveries WHERE week=? ORDER BY recipient", (week,)).fetchall()

    # -- review ---------------------------------------------------------------------------

    def record_issue_state(self, week: str, state: str, when: datetime, detail: str = "") -> None:
        """Every change of an issue's state is a new row: the history is the record, the last row the state."""
        with self.transaction() as db:
            db.execute("INSERT INTO issue_events (week, state, at, detail) VALUES (?, ?, ?, ?)",
                       (week, state, _iso(when), detail[:2000]))

    def issue_state(self, week: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM issue_events WHERE week = ? ORDER BY id DESC LIMIT 1", (week,)).fetchone()

    def issue_states(self, limit: int = 8) -> list[sqlite3.Row]:
        """The latest state of the most recently touched issues."""
        return self.db.execute(
            """SELECT e.* FROM issue_events e JOIN (SELECT week, MAX(id) AS id FROM issue_events GROUP BY week) last
               ON e.id = last.id ORDER BY e.id DESC LIMIT ?""", (limit,)).fetchall()

    def issue_history(self, week: str) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM issue_events WHERE week = ? ORDER BY id", (week,)).fetchall()

    # -- runs ----------------------------------------------------------------------------

    def start_run(self, job: str, when: datetime) -> int:
        with self.transaction() as db:
            return db.execute("INSERT INTO runs (job, started) VALUES (?, ?)", (job, _iso(when))).lastrowid

    def finish_run(self, run_id: int, when: datetime, outcome: str, detail: str = "") -> None:
        with self.transaction() as db:
            db.execute("UPDATE runs SET finished=?, outcome=?, detail=? WHERE id=?", (_iso(when), outcome, detail[:2000], run_id))

    def recent_runs(self, limit: int = 10) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()


def _feed_state(row: sqlite3.Row) -> FeedState:
    data = dict(row)
    for key in ("last_attempt", "last_success", "failing_since"):
        data[key] = _dt(data[key])
    return FeedState(**data)


def _record_success(db: sqlite3.Connection, record: FeedRecord) -> int:
    """A 304 keeps the warnings of the document it stands for; a new document replaces them."""
    new, reused = _store_items(db, record.items)
    if reused:
        record.warnings.append(f"guid reused for a different article: {reused}; each is kept as its own story")
    warning = "; ".join(record.warnings)[:2000] or None
    db.execute(
        """INSERT INTO feeds (name, url, etag, last_modified, last_attempt, last_success, consecutive_failures,
               failing_since, last_error, last_status, items_total, last_warning)
           VALUES (?,?,?,?,?,?,0,NULL,NULL,?,?,?)
           ON CONFLICT(name) DO UPDATE SET url=excluded.url,
               etag=COALESCE(excluded.etag, feeds.etag), last_modified=COALESCE(excluded.last_modified, feeds.last_modified),
               last_attempt=excluded.last_attempt, last_success=excluded.last_success, consecutive_failures=0,
               failing_since=NULL, last_error=NULL, last_status=excluded.last_status,
               items_total=feeds.items_total + ?,
               last_warning=CASE WHEN excluded.last_status=304 THEN feeds.last_warning ELSE excluded.last_warning END""",
        (record.name, record.url, record.etag, record.last_modified, _iso(record.when), _iso(record.when),
         record.status, new, warning, new),
    )
    return new


def _record_failure(db: sqlite3.Connection, record: FeedRecord) -> int:
    db.execute(
        """INSERT INTO feeds (name, url, last_attempt, consecutive_failures, failing_since, last_error, last_status)
           VALUES (?,?,?,1,?,?,?)
           ON CONFLICT(name) DO UPDATE SET url=excluded.url, last_attempt=excluded.last_attempt,
               consecutive_failures=feeds.consecutive_failures + 1,
               failing_since=COALESCE(feeds.failing_since, excluded.failing_since),
               last_error=excluded.last_error, last_status=excluded.last_status""",
        (record.name, record.url, _iso(record.when), _iso(record.when), (record.error or "")[:1000], record.status),
    )
    return 0


def _item(row: sqlite3.Row) -> Item:
    return Item(
        key=row["key"], feed=row["feed"], url=row["url"], canonical_url=row["canonical_url"], guid=row["guid"],
        title=row["title"], summary_html=row["summary_html"], summary_text=row["summary_text"], author=row["author"],
        published=_dt(row["published"]), first_seen=_dt(row["first_seen"]), date=_dt(row["date"]),
        date_note=row["date_note"], language=row["language"], tags=json.loads(row["tags"]),
    )


_UPDATABLE = ("title", "summary_html", "summary_text", "author", "tags")


def _store_items(db: sqlite3.Connection, items: list[Item]) -> tuple[int, str]:
    """New items inserted, known ones brought up to date; returns the count of new ones and the
    titles of articles that arrived under a guid an earlier, different article already holds.

    A feed's item key is its guid, but guids are reused in the wild (a CMS that numbers from 1
    again, a relative guid like ``same``). An item whose key is stored with a different address is
    a different article: it is kept under a key that includes its address, never dropped. An item
    with the same key and address is the same article, edited: its text is the latest seen, while
    its date and first sighting stay, so it does not move to another week.
    """
    if not items:
        return 0, ""
    stored = _stored_addresses(db, [i.key for i in items])
    moved = {i.key: replace(i, key=_address_key(i)) for i in items
             if stored.get(i.key) and i.canonical_url and stored[i.key] != i.canonical_url}
    stored.update(_stored_addresses(db, [i.key for i in moved.values()]))
    fresh, edited, reused = [], [], []
    for item in items:
        if item.key in moved:
            item = moved[item.key]
            reused.append(item.title)
        (edited if item.key in stored else fresh).append(item)
    if edited:
        db.executemany(
            f"UPDATE items SET {', '.join(f'{c}=?' for c in _UPDATABLE)} WHERE key=? AND "
            f"({' OR '.join(f'{c} IS NOT ?' for c in _UPDATABLE)})",
            [(*_updatable(i), i.key, *_updatable(i)) for i in edited])
    titles = ", ".join(repr(t[:80]) for t in reused[:3]) + (f" and {len(reused) - 3} more" if len(reused) > 3 else "")
    return _insert_items(db, fresh), titles


def _address_key(item: Item) -> str:
    return hashlib.sha256(f"{item.key}\x1f{item.canonical_url}".encode()).hexdigest()[:32]


def _updatable(item: Item) -> tuple:
    return item.title, item.summary_html, item.summary_text, item.author, _tags_json(item.tags)


def _tags_json(tags: list[str]) -> str:
    return json.dumps(tags, ensure_ascii=False) if tags else "[]"


def _stored_addresses(db: sqlite3.Connection, keys: list[str]) -> dict[str, str]:
    return _pairs_in(db, "SELECT key, canonical_url FROM items WHERE key IN", keys)


def _pairs_in(db: sqlite3.Connection, query: str, keys: list[str]) -> dict:
    """``query`` (two columns, ending in ``IN``) for each of ``keys``, as a dict: in chunks of 500,
    below SQLite's limit on a statement's parameters."""
    found: dict = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found.update(db.execute(f"{query} ({','.join('?' * len(chunk))})", chunk))
    return found


def _insert_items(db: sqlite3.Connection, items: list[Item]) -> int:
    if not items:
        return 0
    seen = {moment: _iso(moment) for moment in {i.first_seen for i in items}}     # one moment for a whole feed
    rows = [
        (i.key, i.feed, i.url, i.canonical_url, i.guid, i.title, i.summary_html, i.summary_text, i.author,
         _iso(i.published), seen[i.first_seen], _iso(i.date), i.date_note, i.language, _tags_json(i.tags))
        for i in items
    ]
    before = db.total_changes
    db.executemany("INSERT OR IGNORE INTO items VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    return db.total_changes - before

