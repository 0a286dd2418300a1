"""The real APScheduler, with jobs pulled forward or back in its persistent store instead of waiting.

Each test edition has a feed whose items fall in the week that has just ended (computed from
today), so a scheduled publish has something to send; mail goes to aiosmtpd on loopback.
"""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import threading
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Callable

import pytest

from whalewatch.config import load_edition
from whalewatch.schedule import install_jobs, make_scheduler, run_daemon
from whalewatch.store import FeedRecord, Store
from whalewatch.weeks import latest_complete_week
from tests.conftest import MINIMAL_SECTIONS, WHALEWATCH, Recorder, run_cli, write_edition

READERS = [f"reader{n}@example.org" for n in range(4)]


def wait_for(condition: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def last_week_feed(folder: Path) -> Path:
    """An RSS file with three stories dated inside the week that has just ended."""
    week = latest_complete_week(datetime.now(timezone.utc), timezone.utc)
    start, _ = week.window(timezone.utc)
    items = "".join(
        f"<item><title>DeepSeek model release number {n}</title><link>https://news.example/{n}</link>"
        f"<description>A release of model {n}.</description>"
        f"<pubDate>{format_datetime(start + timedelta(days=n, hours=10))}</pubDate></item>"
        for n in range(1, 4))
    path = folder / "feeds" / "news.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{items}</channel></rss>')
    return path


def scheduled_edition(folder: Path, readers: list[str], email: str = "",
                      schedule: str = 'collect: "0 */3 * * *"\n  publish: "0 7 * * mon"\n  grace_hours: 2') -> Path:
    """An edition with last week's news, these readers, mail to loopback and this schedule."""
    last_week_feed(folder)
    recipients = "".join(f"\n    - {{email: {address}}}" for address in readers)
    return write_edition(folder, f"""
briefing: {{title: Whale Watch, timezone: UTC}}
{MINIMAL_SECTIONS}
feeds:
  - {{name: News, file: feeds/news.xml}}
email:
  from: briefing@whalewatch.example{email}
  recipients:{recipients}
  smtp: {{host: 127.0.0.1, port: 25, tls: none, rate_per_minute: 60000, retry_delay: 0.05}}
schedule:
  {schedule}
""")


@pytest.fixture
def edition(tmp_path: Path, smtp_env: Recorder) -> Path:
    return scheduled_edition(tmp_path / "edition", READERS)


def publish_runs(config: Path) -> list[sqlite3.Row]:
    edition = load_edition(config)
    if not edition.store_path.exists():
        return []
    with Store(edition.store_path) as store:
        return [r for r in store.recent_runs(100) if r["job"] == "publish"]


def finished_publishes(config: Path) -> int:
    return sum(1 for r in publish_runs(config) if r["finished"])


def set_next_run(config: Path, job_id: str, when: datetime) -> None:
    """Leave the job store as a daemon that stopped at some moment would have left it."""
    edition = load_edition(config)
    scheduler = make_scheduler(edition)
    scheduler.start(paused=True)
    install_jobs(scheduler, edition)
    scheduler.modify_job(job_id, next_run_time=when)
    scheduler.shutdown(wait=False)


class Daemon:
    """``run_daemon`` in a thread of this process, stopped by an event as SIGTERM would."""

    def __init__(self, config: Path):
        self.stop = threading.Event()
        self.started = threading.Event()
        self.scheduler = None
        self.thread = threading.Thread(target=run_daemon, args=(load_edition(config),),
                                       kwargs={"stop": self.stop, "on_start": self._started}, daemon=True)

    def _started(self, scheduler) -> None:  # noqa: ANN001
        self.scheduler = scheduler
        self.started.set()

    def __enter__(self) -> "Daemon":
        self.thread.start()
        assert self.started.wait(30), "the scheduler did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=60)
        assert not self.thread.is_alive(), "the scheduler did not stop"


def stored_jobs(config: Path) -> list[tuple[str, float]]:
    edition = load_edition(config)
    with sqlite3.connect(edition.state_dir / "jobs.sqlite") as db:
        return db.execute("SELECT id, next_run_time FROM apscheduler_jobs ORDER BY id").fetchall()


def test_show_lists_both_jobs_with_next_times_in_the_edition_zone(edition):
    result = run_cli("--config", str(edition), "schedule", "--show")
    assert "collect" in result.stdout and "publish" in result.stdout
    assert "Mon " in result.stdout and "07:00 UTC" in result.stdout
    assert not (edition.parent / ".whalewatch" / "jobs.sqlite").exists(), "--show must not touch the job store"


def test_a_bad_cron_expression_is_refused_at_load_with_the_line(edition):
    edition.write_text(edition.read_text().replace('publish: "0 7 * * mon"', 'publish: "0 7 * mon"'))
    result = run_cli("--config", str(edition), "schedule", "--show", check=False)
    assert result.returncode == 2
    assert "feeds.yaml:" in result.stderr and "cron expression" in result.stderr and "0 7 * * mon" in result.stderr


def test_restarting_with_an_edited_schedule_replaces_jobs_without_duplicates(edition):
    set_next_run(edition, "collect", datetime.now(timezone.utc) + timedelta(hours=1))
    edition.write_text(edition.read_text().replace('publish: "0 7 * * mon"', 'publish: "30 6 * * tue"'))
    with Daemon(edition):
        jobs = dict(stored_jobs(edition))
    assert sorted(jobs) == ["collect", "publish"]
    next_publish = datetime.fromtimestamp(jobs["publish"], timezone.utc)
    assert next_publish.weekday() == 1 and (next_publish.hour, next_publish.minute) == (6, 30)


def test_a_publish_runs_at_its_time_and_sends_to_everyone_once(edition, smtp):
    with Daemon(edition) as daemon:
        assert finished_publishes(edition) == 0
        # Pull the publish forward to two seconds from now, as the clock reaching Monday 07:00 would.
        daemon.scheduler.modify_job("publish", next_run_time=datetime.now(timezone.utc) + timedelta(seconds=2))
        wait_for(lambda: finished_publishes(edition) == 1, what="the publish to finish")
    assert sorted(smtp.count_to(a) for a in READERS) == [1] * len(READERS)
    (run,) = publish_runs(edition)
    assert run["outcome"] == "ok" and f"{len(READERS)} sent" in run["detail"]
    week = latest_complete_week(datetime.now(timezone.utc), timezone.utc)
    assert (edition.parent / "briefings" / str(week) / "index.html").is_file()


def test_a_publish_missed_while_down_is_sent_once_on_restart(edition, smtp):
    set_next_run(edition, "publish", datetime.now(timezone.utc) - timedelta(minutes=30))
    with Daemon(edition):
        wait_for(lambda: finished_publishes(edition) == 1, what="the catch-up publish")
    with Daemon(edition):            # a second restart must not publish again
        pass
    assert finished_publishes(edition) == 1
    assert sorted(smtp.count_to(a) for a in READERS) == [1] * len(READERS)
    next_publish = datetime.fromtimestamp(dict(stored_jobs(edition))["publish"], timezone.utc)
    assert next_publish > datetime.now(timezone.utc)


def test_a_publish_missed_beyond_the_grace_period_is_reported_not_sent(edition, smtp, caplog):
    set_next_run(edition, "publish", datetime.now(timezone.utc) - timedelta(hours=5))
    caplog.set_level(logging.INFO)
    with Daemon(edition):
        wait_for(lambda: "missed its run" in caplog.text, what="the missed-run report")
    assert "whalewatch send --latest" in caplog.text
    assert finished_publishes(edition) == 0 and smtp.messages == []


def test_missed_collects_coalesce_into_one_run(edition):
    set_next_run(edition, "collect", datetime.now(timezone.utc) - timedelta(hours=9, minutes=30))  # three missed
    with Daemon(edition):
        wait_for(lambda: any(r["job"] == "collect" and r["finished"] for r in runs(edition)), what="the collect")
    assert sum(1 for r in runs(edition) if r["job"] == "collect") == 1


def runs(config: Path) -> list[sqlite3.Row]:
    edition = load_edition(config)
    with Store(edition.store_path) as store:
        return store.recent_runs(100)


def test_overlapping_triggers_and_a_manual_send_never_double_send(edition, smtp, caplog):
    smtp.rcpt_delay = 0.4                   # a slow server keeps the publish running for a while
    caplog.set_level(logging.INFO)
    set_next_run(edition, "publish", datetime.now(timezone.utc) - timedelta(seconds=1))
    with Daemon(edition) as daemon:
        store = load_edition(edition).store_path
        wait_for(lambda: store.exists() and any_delivery(edition), what="the publish to start sending")
        # The trigger fires again while the first run is still going ...
        daemon.scheduler.modify_job("publish", next_run_time=datetime.now(timezone.utc))
        # ... and an operator runs `send` by hand at the same moment.
        manual = subprocess.run(WHALEWATCH + ["--config", str(edition), "send", "--latest"], capture_output=True,
                                text=True, env=dict(os.environ, COLUMNS="200"), timeout=120)
        wait_for(lambda: finished_publishes(edition) >= 1, what="the publish to finish")
    assert manual.returncode == 0, manual.stderr
    assert f"0 sent, {len(READERS)} already had it" in manual.stdout
    assert "waiting for" in manual.stderr and "scheduled publish" in manual.stderr   # the wait is said, not silent
    assert "maximum number of running instances reached" in caplog.text
    assert sorted(smtp.count_to(a) for a in READERS) == [1] * len(READERS)


def any_delivery(config: Path) -> bool:
    edition = load_edition(config)
    week = latest_complete_week(datetime.now(timezone.utc), timezone.utc)
    with Store(edition.store_path) as store:
        return bool(store.deliveries(str(week)))


def test_only_one_daemon_per_edition(edition):
    with Daemon(edition):
        second = subprocess.run(WHALEWATCH + ["--config", str(edition), "schedule"], capture_output=True, text=True, timeout=60)
    assert second.returncode == 2 and "busy" in second.stderr and "the scheduler" in second.stderr


def test_sigterm_mid_publish_stops_between_recipients_and_leaves_the_store_consistent(edition, smtp):
    smtp.rcpt_delay = 0.5
    set_next_run(edition, "publish", datetime.now(timezone.utc) - timedelta(seconds=1))
    daemon = subprocess.Popen(WHALEWATCH + ["--config", str(edition), "schedule"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: load_edition(edition).store_path.exists() and any_delivery(edition), what="sending to begin")
        daemon.send_signal(signal.SIGTERM)
        _, stderr = daemon.communicate(timeout=60)
    finally:
        if daemon.poll() is None:
            daemon.kill()
    assert daemon.returncode == 0, stderr
    assert "finishing the current step" in stderr and "scheduler stopped" in stderr
    with sqlite3.connect(load_edition(edition).store_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        states = [row[0] for row in db.execute("SELECT state FROM deliveries")]
        unfinished = db.execute("SELECT count(*) FROM runs WHERE finished IS NULL").fetchone()[0]
    assert unfinished == 0
    assert all(state in ("sent", "retry", "failed") for state in states), states   # never left mid-"sending"
    delivered = [a for a in READERS if smtp.count_to(a)]
    assert 1 <= len(delivered) < len(READERS), "the daemon should stop between recipients, not finish the batch"
    assert all(smtp.count_to(a) == 1 for a in delivered)
    (run,) = publish_runs(edition)
    assert run["outcome"] == "partial" and f"stopped before {len(READERS) - len(delivered)} recipients" in run["detail"]
    # Whatever was not finished goes out on the next run, to those who did not get it.
    run_cli("--config", str(edition), "send", "--latest", env=smtp.env)
    assert sorted(smtp.count_to(a) for a in READERS) == [1] * len(READERS)


def test_status_shows_runs_feed_health_and_flags_long_failures(edition, tmp_path):
    run_cli("--config", str(edition), "fetch")
    edition_obj = load_edition(edition)
    with Store(edition_obj.store_path) as store:
        run = store.start_run("publish", datetime.now(timezone.utc))
        store.finish_run(run, datetime.now(timezone.utc), "failed", "SMTP refused")
        long_ago = datetime.now(timezone.utc) - timedelta(days=4)
        for when in (long_ago, datetime.now(timezone.utc)):
            store.record_feeds([FeedRecord("Dead feed", "https://gone.example/rss", when, 404, error="HTTP 404")])
    edition.write_text(edition.read_text().replace(
        "  - {name: News, file: feeds/news.xml}", "  - {name: News, file: feeds/news.xml}\n  - {name: Dead feed, url: 'https://gone.example/rss'}"))
    result = run_cli("--config", str(edition), "status")
    assert "SMTP refused" in result.stdout and "News" in result.stdout
    assert "Dead feed has failed for 4 days (2 attempts): HTTP 404" in result.stderr


def test_publish_stays_at_local_time_across_a_clock_change(tmp_path):
    config = write_edition(tmp_path / "london", f"""
briefing: {{title: Whale Watch, timezone: Europe/London}}
{MINIMAL_SECTIONS}
schedule: {{publish: "0 7 * * mon"}}
""")
    from zoneinfo import ZoneInfo

    from whalewatch.schedule import show_jobs

    edition = load_edition(config)
    london = ZoneInfo("Europe/London")
    # The clocks go forward on Sunday 30 March 2025 and back on Sunday 26 October 2025.
    for before, expected_utc_hour in ((datetime(2025, 3, 29, 12, tzinfo=london), 6),
                                      (datetime(2025, 10, 25, 12, tzinfo=london), 7)):
        publish = dict((job, when) for job, _, when in show_jobs(edition, now=before))["publish"]
        assert (publish.astimezone(london).hour, publish.astimezone(london).minute) == (7, 0)
        assert publish.astimezone(timezone.utc).hour == expected_utc_hour


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
def test_an_interrupted_publish_is_completed_when_the_scheduler_starts_again(edition, smtp, how):
    smtp.hold = READERS[2]                  # the server holds the third reader: two are served by then
    set_next_run(edition, "publish", datetime.now(timezone.utc) - timedelta(seconds=1))
    daemon = subprocess.Popen(WHALEWATCH + ["--config", str(edition), "schedule"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: smtp.held == [READERS[2]], what="the third reader to be held")
        daemon.send_signal(getattr(signal, how))
        if how == "SIGTERM":
            smtp.hold = None               # let the message in hand finish; the daemon stops after it
        daemon.wait(timeout=60)
    finally:
        if daemon.poll() is None:
            daemon.kill()
    smtp.hold = None
    served = [a for a in READERS if smtp.count_to(a)]
    assert 2 <= len(served) < len(READERS)
    week = str(latest_complete_week(datetime.now(timezone.utc), timezone.utc))

    status = run_cli("--config", str(edition), "status").stdout.replace("\n", " ")
    assert f"{len(served)} sent" in status and f"{len(READERS) - len(served)} not yet sent" in status
    assert f"The publish of {week} was interrupted" in status and "as soon as the scheduler starts" in status
    shown = run_cli("--config", str(edition), "schedule", "--show").stdout.replace("\n", " ")
    assert f"The publish of {week} was interrupted" in shown

    with Daemon(edition):
        wait_for(lambda: all(smtp.count_to(a) for a in READERS), what="the catch-up to serve everyone")
        wait_for(lambda: publish_runs(edition)[0]["finished"] is not None, what="the catch-up run to finish")
    assert sorted(smtp.count_to(a) for a in READERS) == [1] * len(READERS)
    after = run_cli("--config", str(edition), "status").stdout.replace("\n", " ")
    assert f"{len(READERS)} sent, 0 failed, 0 not yet sent" in after and "interrupted" not in after
