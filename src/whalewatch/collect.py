"""Collect: every feed of the edition fetched, parsed and stored, as one overlapping pipeline.

Fetching is asynchronous (bounded overall and per host); each body is parsed in a worker
process as soon as it arrives, and parsed feeds are written by a thread beside the event loop, a
group at a time, each feed's items together with its validators. So the network, the parsing and
the store overlap, a slow feed holds up only itself, and a run killed midway keeps every feed
whose group was committed; the others keep their old validators and are fetched again in full.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import threading
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterator

from .config import Edition, Feed
from .errors import display_path
from .reporter import Reporter
from .sources.fetch import FetchRequest, Fetched, fetch_all
from .store import FeedRecord, Store

if TYPE_CHECKING:
    from .sources.feeds import Parsed

PARALLEL_PARSE_MIN = 8     # below this many feeds a worker pool costs more than it saves
GROUP_SECONDS = 0.25       # finished feeds wait at most this long to be written with others
GROUP_ITEMS = 5000         # ...or until this many items are waiting
GROUP_FEEDS = 100          # ...or this many feeds (so the last group, written after the fetch, stays small)


@dataclass
class FeedOutcome:
    name: str
    status: str            # new | unchanged | failed
    new_items: int = 0
    items: int = 0
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class CollectReport:
    outcomes: list[FeedOutcome]

    @property
    def failed(self) -> list[FeedOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def collect(edition: Edition, reporter: Reporter | None = None, now: datetime | None = None,
            only: list[str] | None = None) -> CollectReport:
    reporter = reporter or Reporter()
    now = now or datetime.now(timezone.utc)
    feeds = [f for f in edition.config.feeds if f.enabled and (not only or f.name in only)]
    with Store(edition.store_path) as store, _parser_pool(len(feeds)) as pool:
        reporter.start("Collecting feeds", len(feeds))
        try:
            outcomes = asyncio.run(_collect(edition, feeds, store, pool, now, reporter))
        finally:
            reporter.finish()
    return CollectReport(outcomes)


@contextmanager
def _parser_pool(feeds: int) -> Iterator[Executor | None]:
    """Worker processes for parsing, started before collect starts any thread of its own.

    Forking is the cheap way (the workers share the imported modules), but only safe while this
    is the process's only thread: in the scheduler daemon, where collect runs in one of
    APScheduler's threads, a fork could copy a lock another thread holds. There the workers come
    from a fork server instead, a clean single-threaded process, at the price of its start-up.

    While the workers live, everything this process allocated before them is frozen out of the
    garbage collector: a full collection writes to every object it visits, which after a fork
    copies each page of the heap that the workers still share. One such collection right after
    the fork cost an all-304 run of 500 feeds about 30 ms, a tenth of the run.
    """
    workers = min(feeds, os.cpu_count() or 1)
    if feeds < PARALLEL_PARSE_MIN or workers < 2:
        yield None
        return
    forking = threading.active_count() == 1
    if forking:
        gc.freeze()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork" if forking else "forkserver"))
    try:
        pool.submit(os.getpid)      # with fork, the first submit starts every worker, before its own thread
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if forking:
            gc.unfreeze()


async def _collect(edition: Edition, feeds: list[Feed], store: Store, pool: Executor | None,
                   now: datetime, reporter: Reporter) -> list[FeedOutcome]:
    loop = asyncio.get_running_loop()
    by_name = {feed.name: feed for feed in feeds}
    outcomes: dict[str, FeedOutcome] = {}
    writer = _GroupWriter(store, reporter)
    writing = asyncio.ensure_future(writer.run())

    async def finish(result: Fetched) -> None:
        feed = by_name[result.name]
        parsed: "Parsed | str | None" = None
        if result.body is not None and not result.error:
            job = (result.body, feed, result.content_type, result.url, now, edition.config.fetch.max_items, result.truncated)
            parsed = await loop.run_in_executor(pool, _parse_job, *job) if pool else _parse_job(*job)
        outcomes[feed.name] = writer.add(*_outcome(feed, result, parsed, now))

    try:
        requests = []
        stored = store.validators()
        for feed in feeds:
            if feed.file:
                await finish(_read_snapshot(edition, feed, edition.config.fetch.max_bytes))
            else:
                known = stored.get(feed.name)
                if known is not None and known.url == feed.url:   # validators belong to the address they came from
                    requests.append(FetchRequest(feed.name, feed.url, known.etag, known.last_modified))
                else:
                    requests.append(FetchRequest(feed.name, feed.url))
        if requests:
            results = await fetch_all(requests, edition.config.fetch, on_done=finish)
            for result in results:          # those cut off by the run's budget never reached finish()
                if result.name not in outcomes:
                    outcomes[result.name] = writer.add(*_outcome(by_name[result.name], result, None, now))
    finally:
        await writer.close(writing)
    return [outcomes[feed.name] for feed in feeds]


class _GroupWriter:
    """Finished feeds, written to the store a group at a time by one thread beside the event loop.

    One commit per feed was the largest cost of a cold collect after parsing (item keys are
    hashes, so each commit rewrites index pages across the file), and it blocked the event loop.
    A group is whatever finishes within GROUP_SECONDS of its first feed, closed early at
    GROUP_ITEMS items or GROUP_FEEDS feeds; SQLite releases the GIL while it writes, so fetching
    and parsing carry on meanwhile. The feed cap matters when everything answers 304: the whole
    run then fits in one group's window, and its 500 rows were written after the last answer.
    """

    def __init__(self, store: Store, reporter: Reporter) -> None:
        self.store = store
        self.reporter = reporter
        self.waiting: list[tuple[FeedRecord, FeedOutcome]] = []
        self.waiting_items = 0
        self.arrived = asyncio.Event()      # a group has begun: its clock is running
        self.full = asyncio.Event()         # ...and it need not wait out the clock
        self.closing = False
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="whalewatch-store")

    def add(self, record: FeedRecord, outcome: FeedOutcome) -> FeedOutcome:
        self.waiting.append((record, outcome))
        self.waiting_items += len(record.items)
        self.arrived.set()
        if self.waiting_items >= GROUP_ITEMS or len(self.waiting) >= GROUP_FEEDS:
            self.full.set()
        return outcome

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while not (self.closing and not self.waiting):
            await self.arrived.wait()
            try:
                await asyncio.wait_for(self.full.wait(), GROUP_SECONDS)
            except TimeoutError:
                pass
            group, self.waiting, self.waiting_items = self.waiting, [], 0
            self.arrived.clear()
            self.full.clear()
            if group:
                counts = await loop.run_in_executor(self.thread, self.store.record_feeds, [r for r, _ in group])
                for (record, outcome), new in zip(group, counts):
                    self._report(record, outcome, new)

    def _report(self, record: FeedRecord, outcome: FeedOutcome, new: int) -> None:
        if record.error is None:
            outcome.new_items = new
            outcome.status = "new" if new else "unchanged"
        else:
            self.reporter.warn(f"feed '{outcome.name}' ({record.url}): {outcome.error}")
        for warning in outcome.warnings:
            self.reporter.warn(f"feed '{outcome.name}': {warning}")
        self.reporter.advance(outcome.name)

    async def close(self, writing: asyncio.Future) -> None:
        """Write what is waiting and stop; a failed write (a full disk) is raised here."""
        self.closing = True
        self.arrived.set()
        self.full.set()
        try:
            await writing
        finally:
            self.thread.shutdown(wait=True)


def _read_snapshot(edition: Edition, feed: Feed, cap: int) -> Fetched:
    path = edition.feed_path(feed)
    try:
        with path.open("rb") as handle:
            body = handle.read(cap + 1)
        return Fetched(feed.name, str(path), status=200, body=body[:cap], truncated=len(body) > cap)
    except OSError as exc:
        return Fetched(feed.name, str(path), error=f"cannot read snapshot {display_path(path)}: {exc.strerror}")


def _parse_job(raw: bytes, feed: Feed, content_type: str | None, base_url: str, now: datetime, max_items: int,
               truncated: bool) -> "Parsed | str":
    """Runs in a worker process; returns an error message instead of raising across the pool.

    The parser is imported here, in the worker, on its first job: a run in which every feed
    answers 304 never pays for importing it.
    """
    from .sources.decode import RefusedDocument
    from .sources.feeds import NotAFeed, parse_feed

    try:
        return parse_feed(raw, feed=feed.name, language=feed.language, now=now, content_type=content_type,
                          base_url=base_url, max_items=max_items, include=feed.include, exclude=feed.exclude,
                          truncated=truncated)
    except (NotAFeed, RefusedDocument) as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - one hostile feed must never stop the run
        return f"could not be parsed ({type(exc).__name__}: {exc})"


def _outcome(feed: Feed, result: Fetched, parsed: "Parsed | str | None", now: datetime) -> tuple[FeedRecord, FeedOutcome]:
    """What to store for a feed, and what to tell the operator. The outcome starts as "failed"; for a
    feed without an error the writer makes it new or unchanged once the store has counted new items."""
    outcome = FeedOutcome(feed.name, "failed", seconds=result.elapsed)
    source = feed.url or feed.file
    if result.error:
        outcome.error = result.error
    elif result.not_modified:
        return FeedRecord(feed.name, source, now, 304, result.etag, result.last_modified), outcome
    elif isinstance(parsed, str) or parsed is None:
        outcome.error = parsed or "no response"
    else:
        outcome.items = len(parsed.items)
        outcome.warnings = parsed.warnings     # shared: the store adds what it finds (a reused guid)
        return FeedRecord(feed.name, source, now, result.status or 200, result.etag, result.last_modified,
                          parsed.items, warnings=outcome.warnings), outcome
    return FeedRecord(feed.name, source, now, result.status, error=outcome.error), outcome
