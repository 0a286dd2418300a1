"""Collect: every feed of the edition fetched, parsed and stored, as one overlapping pipeline.

Fetching is asynchronous (bounded overall and per host); each body is parsed in a worker
process as soon as it arrives, and each feed's items are stored in their own transaction as soon
as they are parsed. So the network, the parsing and the store overlap, a slow feed holds up only
itself, and a run killed midway keeps every feed it finished.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterator

from .config import Edition, Feed
from .errors import display_path
from .reporter import Reporter
from .sources.fetch import FetchRequest, Fetched, fetch_all
from .store import Store

if TYPE_CHECKING:
    from .sources.feeds import Parsed

PARALLEL_PARSE_MIN = 8     # below this many feeds a worker pool costs more than it saves


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
    """Worker processes for parsing, started before any thread exists so forking them is safe."""
    workers = min(feeds, os.cpu_count() or 1)
    if feeds < PARALLEL_PARSE_MIN or workers < 2:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    try:
        for warm in [pool.submit(os.getpid) for _ in range(workers)]:
            warm.result()
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


async def _collect(edition: Edition, feeds: list[Feed], store: Store, pool: Executor | None,
                   now: datetime, reporter: Reporter) -> list[FeedOutcome]:
    loop = asyncio.get_running_loop()
    by_name = {feed.name: feed for feed in feeds}
    outcomes: dict[str, FeedOutcome] = {}

    async def finish(result: Fetched) -> None:
        feed = by_name[result.name]
        parsed: "Parsed | str | None" = None
        if result.body is not None and not result.error:
            job = (result.body, feed, result.content_type, result.url, now, edition.config.fetch.max_items, result.truncated)
            parsed = await loop.run_in_executor(pool, _parse_job, *job) if pool else _parse_job(*job)
        outcomes[feed.name] = _store(store, feed, result, parsed, now, reporter)
        reporter.advance(feed.name)

    requests = []
    for feed in feeds:
        if feed.file:
            await finish(_read_snapshot(edition, feed, edition.config.fetch.max_bytes))
        else:
            state = store.feed_state(feed.name)
            same_url = state.url == feed.url          # validators belong to the address they came from
            requests.append(FetchRequest(feed.name, feed.url, state.etag if same_url else None,
                                         state.last_modified if same_url else None))
    if requests:
        results = await fetch_all(requests, edition.config.fetch, on_done=finish)
        for result in results:          # those cut off by the run's budget never reached finish()
            if result.name not in outcomes:
                outcomes[result.name] = _store(store, by_name[result.name], result, None, now, reporter)
    return [outcomes[feed.name] for feed in feeds]


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


def _store(store: Store, feed: Feed, result: Fetched, parsed: "Parsed | str | None", now: datetime,
           reporter: Reporter) -> FeedOutcome:
    """One feed's items and state in one transaction: a kill before it loses only this feed."""
    outcome = FeedOutcome(feed.name, "failed", seconds=result.elapsed)
    source = feed.url or feed.file
    if result.error:
        outcome.error = result.error
    elif result.not_modified:
        outcome.status = "unchanged"
        store.record_feed_success(feed.name, source, now, 304, result.etag, result.last_modified, [])
    elif isinstance(parsed, str) or parsed is None:
        outcome.error = parsed or "no response"
    else:
        outcome.new_items = store.record_feed_success(feed.name, source, now, result.status or 200,
                                                      result.etag, result.last_modified, parsed.items)
        outcome.items = len(parsed.items)
        outcome.warnings = parsed.warnings
        outcome.status = "new" if outcome.new_items else "unchanged"
    if outcome.status == "failed":
        store.record_feed_failure(feed.name, source, now, outcome.error, result.status)
        reporter.warn(f"feed '{feed.name}' ({source}): {outcome.error}")
    for warning in outcome.warnings:
        reporter.warn(f"feed '{feed.name}': {warning}")
    return outcome
