"""Fetching over a real loopback HTTP server: conditional GET, failures that stay local, caps."""

from __future__ import annotations

import asyncio
import resource

from whalewatch.config import Fetch
from whalewatch.sources.fetch import FetchRequest, fetch_all


def _fetch(requests, **settings):  # noqa: ANN001, ANN003, ANN202
    sleeps: list[float] = []

    async def no_sleep(seconds: float) -> None:   # backoff is counted, not waited
        sleeps.append(seconds)

    results = asyncio.run(fetch_all(requests, Fetch(**settings), sleep=no_sleep))
    return results, sleeps


def test_conditional_get_turns_a_second_fetch_into_a_304(feed_server):
    (first,), _ = _fetch([FetchRequest("wire", feed_server.url("wire.xml"))])
    assert first.status == 200 and first.body and first.etag
    (second,), _ = _fetch([FetchRequest("wire", feed_server.url("wire.xml"), first.etag, first.last_modified)])
    assert second.not_modified and second.body is None
    assert feed_server.hits[-1] == ("/wire.xml", "304")


def test_a_500_is_retried_then_reported_while_other_feeds_land(feed_server):
    results, sleeps = _fetch([FetchRequest("broken", feed_server.url("status/500")),
                              FetchRequest("wire", feed_server.url("wire.xml"))], retries=2)
    broken, wire = results
    assert broken.error == "HTTP 500 Internal Server Error"
    assert [p for p, _ in feed_server.hits].count("/status/500") == 3
    assert sleeps == [0.5, 1.0]
    assert wire.status == 200 and not wire.error


def test_a_slow_server_times_out_and_a_trickle_is_cut_off(feed_server):
    results, _ = _fetch([FetchRequest("slow", feed_server.url("slow/3")), FetchRequest("trickle", feed_server.url("trickle"))],
                        timeout=0.5, total_timeout=2, retries=0)
    slow, trickle = results
    assert "timed out" in slow.error
    assert "gave up after 2s" in trickle.error


def test_a_body_over_the_size_cap_is_cut_there_and_a_redirect_loop_is_refused(feed_server):
    results, sleeps = _fetch([FetchRequest("big", feed_server.url("big/50000")),
                              FetchRequest("loop", feed_server.url("redirect-loop"))], max_bytes=10_000)
    big, loop = results
    assert not big.error and big.truncated and len(big.body) == 10_000
    assert "too many redirects" in loop.error
    assert sleeps == []


def test_a_gzip_bomb_is_cut_at_the_size_cap_after_unpacking(feed_server):
    """2 MB on the wire, 512 MiB unpacked: the cap counts unpacked bytes, and memory stays bounded."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    (bomb,), _ = _fetch([FetchRequest("bomb", feed_server.url("gzip-bomb/512"))], max_bytes=1_000_000)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert not bomb.error and bomb.truncated and len(bomb.body) == 1_000_000 and set(bomb.body) == {0}
    assert grown_mb < 150, f"peak memory grew by {grown_mb:.0f} MB"


def test_unreachable_host_is_an_error_not_an_exception():
    results, _ = _fetch([FetchRequest("nowhere", "http://127.0.0.1:9/feed.xml")], retries=0)
    assert results[0].error and results[0].status is None


def test_the_whole_run_stops_at_its_budget_and_says_which_feeds_it_did_not_reach(feed_server):
    results, _ = _fetch([FetchRequest("slow", feed_server.url("slow/5")), FetchRequest("wire", feed_server.url("wire.xml"))],
                        budget=1, timeout=30, total_timeout=60, retries=0)
    slow, wire = results
    assert "not reached within the run's budget of 1s (fetch.budget)" in slow.error
    assert wire.status == 200 and not wire.error
