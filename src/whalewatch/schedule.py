"""Schedule: collect often, publish weekly, from a persistent APScheduler job store.

Jobs are stored by textual reference ("whalewatch.schedule:run_publish") with the path of
feeds.yaml as their only argument, so a stored job always unpickles, and they are replaced by id
on every start, so editing the schedule and restarting never duplicates a job. A publish missed
while the daemon was down runs once when it comes back, within ``schedule.grace_hours``;
several missed collects coalesce into one. Only one daemon may use a job store at a time.
"""

from __future__ import annotations

import logging
import re
import signal
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from .config import Edition, load_edition
from .lock import edition_lock
from .store import Store
from .weeks import Week, latest_complete_week

log = logging.getLogger("whalewatch.schedule")
CATCH_UP = {"publish": "nothing was sent: run `whalewatch send --latest` to publish that week by hand"}
JOBS = {"collect": "whalewatch.schedule:run_collect", "draft": "whalewatch.schedule:run_draft",
        "publish": "whalewatch.schedule:run_publish"}
# Set when the daemon is told to stop. Jobs are called by textual reference with plain arguments,
# so they read it here rather than being handed it.
STOPPING = threading.Event()


def job_store_url(edition: Edition) -> str:
    edition.state_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(edition.state_dir / 'jobs.sqlite').resolve()}"


class _Scheduler(BackgroundScheduler):
    """APScheduler 3's background loop runs one more round of due jobs after ``shutdown()``.

    That round submits to executors that are already shut down, logs an error and then advances
    the job as if it had run: a publish falling due as the daemon stops would be lost without
    even a "missed" report. Skipping the round keeps the job due, so the next start catches it up.
    """

    def _process_jobs(self):  # noqa: ANN202 - APScheduler's own signature
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()


def make_scheduler(edition: Edition) -> BackgroundScheduler:
    scheduler = _Scheduler(
        jobstores={"default": SQLAlchemyJobStore(url=job_store_url(edition))},
        executors={"default": ThreadPoolExecutor(2)},
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=edition.tz,
    )
    scheduler.add_listener(_on_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    return scheduler


def install_jobs(scheduler: BaseScheduler, edition: Edition) -> None:
    """Replace both jobs by id: the schedule in feeds.yaml is the truth after every restart.

    APScheduler computes a fresh next run time for a replaced job, which would silently forget a
    publish that fell due while the daemon was down. So a stored run time that is already past is
    carried over; the scheduler then runs it once if it is within the grace period, or reports it
    as missed. The scheduler must be started (paused) so the stored jobs can be read.
    """
    plan = edition.config.schedule
    # A late collect is always worth running; a late publish only within the editor's grace period.
    late = max(int(plan.grace_hours * 3600), 1)
    grace = {"collect": None, "draft": late, "publish": late}
    now = datetime.now(edition.tz)
    if not plan.draft and scheduler.get_job("draft"):
        scheduler.remove_job("draft")          # taken out of feeds.yaml: no stale draft job stays behind
    for job_id, cron in _planned(edition):
        trigger = CronTrigger.from_crontab(cron, timezone=edition.tz)
        stored = scheduler.get_job(job_id)
        overdue = stored.next_run_time if stored and stored.next_run_time and stored.next_run_time <= now else None
        extra = {"next_run_time": overdue} if overdue else {}
        if overdue:
            log.info("job %s fell due at %s while the scheduler was down", job_id, overdue)
        scheduler.add_job(JOBS[job_id], trigger, id=job_id, name=job_id, args=[str(edition.config_path)],
                          replace_existing=True, misfire_grace_time=grace[job_id], coalesce=True, max_instances=1,
                          **extra)


def catch_up_interrupted(scheduler: BaseScheduler, edition: Edition) -> str | None:
    """A publish cut short by a kill or a crash is completed now, not at next week's run (which
    would publish a different week). The exactly-once log means only those not yet served get it."""
    with Store(edition.store_path) as store:
        week = interrupted_publish(edition, store)
    if week:
        log.warning("the publish of %s was interrupted; completing it now for the readers who did not get it", week)
        scheduler.add_job(JOBS["publish"], "date", run_date=datetime.now(edition.tz), id="publish-catch-up",
                          name=f"publish {week} (catch-up)", args=[str(edition.config_path), week],
                          replace_existing=True, misfire_grace_time=None)
    return week


def _planned(edition: Edition) -> list[tuple[str, str]]:
    plan = edition.config.schedule
    return [("collect", plan.collect)] + ([("draft", plan.draft)] if plan.draft else []) + [("publish", plan.publish)]


def _on_event(event: JobExecutionEvent) -> None:
    if event.code == EVENT_JOB_MISSED:
        log.error("job %s missed its run at %s (the scheduler was down beyond the grace period); %s",
                  event.job_id, event.scheduled_run_time, CATCH_UP.get(event.job_id, "it runs again at its next time"))
    elif event.code == EVENT_JOB_ERROR:
        log.error("job %s failed: %s", event.job_id, event.exception)
    else:
        log.info("job %s finished", event.job_id)


def _recorded(edition: Edition, job: str, work) -> Any:  # noqa: ANN001
    with Store(edition.store_path) as store:
        run_id = store.start_run(job, datetime.now(timezone.utc))
    outcome, detail = "failed", ""
    try:
        result, detail = work()
        outcome = "partial" if detail.startswith(("failed", "stopped")) else "skipped" if detail.startswith(("skipped", "held")) else "ok"
        return result
    except Exception as exc:  # noqa: BLE001 - recorded, then re-raised for the scheduler's log
        detail = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        with Store(edition.store_path) as store:
            store.finish_run(run_id, datetime.now(timezone.utc), outcome, detail)
        log.info("%s: %s %s", job, outcome, detail)


def run_collect(config_path: str) -> None:
    from .collect import collect

    edition = load_edition(config_path)

    def work() -> tuple[None, str]:
        report = collect(edition)
        new = sum(o.new_items for o in report.outcomes)
        failed = [f"{o.name}: {o.error}" for o in report.failed]
        return None, (f"failed {len(failed)}; " if failed else "") + f"{new} new items from {len(report.outcomes)} feeds" + (
            "; " + "; ".join(failed) if failed else "") + _read_ahead(edition)

    _recorded(edition, "collect", work)
    with Store(edition.store_path) as store:
        late = approved_after_a_skipped_publish(edition, store)
    if late:
        log.info("%s was approved after its publish was skipped: sending it now", late)
        run_publish(config_path, late)


def _read_ahead(edition: Edition, now: datetime | None = None) -> str:
    """Reads what this fetch brought for this week and the last (late reports of last week still
    arrive on Monday), so the scheduled build finds the week read. Never fails the fetch: a build
    reads whatever is left."""
    from .pipeline import read_week_ahead

    this_week = Week.containing(now or datetime.now(timezone.utc), edition.tz)
    try:
        read = sum(read_week_ahead(edition, week) for week in (this_week.shifted(-1), this_week))
    except Exception as exc:  # noqa: BLE001 - the items are stored; the build will read them
        log.warning("reading the week's new reports ahead of the build failed: %s", exc)
        return f"; not read ahead ({type(exc).__name__}: {exc})"
    return f"; {read} reports read ahead of the build" if read else ""


def _last_publish(edition: Edition, store: Store) -> tuple[Any, str]:
    """The last publish run and the week it was for: a finished run names its week in its record;
    a killed one is dated by when it started."""
    row = next((r for r in store.recent_runs(50) if r["job"] == "publish"), None)
    if row is None:
        return None, ""
    named = re.search(r"\b(\d{4}-W\d{2})\b", row["detail"] or "")
    return row, named.group(1) if named else str(latest_complete_week(datetime.fromisoformat(row["started"]), edition.tz))


def approved_after_a_skipped_publish(edition: Edition, store: Store) -> str | None:
    """An issue approved after its scheduled publish skipped it (not approved in time) goes out
    at the next collect, within hours, rather than a week late or never."""
    from .review import APPROVED, state_of

    row, week = _last_publish(edition, store)
    # The publish skipped it because it was not approved (or was held): approved now means approved since.
    return week if row is not None and row["outcome"] == "skipped" and state_of(store, week)[0] == APPROVED else None


def interrupted_publish(edition: Edition, store: Store) -> str | None:
    """The week of the last publish, if it was cut short (killed, stopped, crashed) and someone on
    the list still waits for it. The week is the one that run was publishing, whatever today is."""
    from .deliver import standing

    row, week = _last_publish(edition, store)
    if row is None:
        return None
    cut_short = row["finished"] is None or row["outcome"] == "failed" or (
        row["outcome"] == "partial" and (row["detail"] or "").startswith("stopped"))
    return week if cut_short and standing(edition, store, week).waiting else None


def run_draft(config_path: str, now: datetime | None = None) -> None:
    """Fetch and build the issue the next publish will send, then mail the editors a proof, or
    hold it if it is too thin. An issue already approved, sending or sent is left alone."""
    from .collect import collect
    from .deliver import send_issue
    from .pipeline import build, load_built
    from .review import (APPROVED, DRAFTED, PROOF_SENT, SENDING, SENT, editors, hold_thin, proof_note, state_of,
                         week_to_publish)

    edition = load_edition(config_path)

    def work() -> tuple[None, str]:
        moment = now or datetime.now(timezone.utc)
        week = str(week_to_publish(edition, moment))
        with edition_lock(edition.state_dir, f"scheduled draft {week}", wait=600):
            with Store(edition.store_path) as store:
                state, _ = state_of(store, week)
            if state in (APPROVED, SENDING, SENT):
                return None, f"{week}: already {state}; the draft was not rebuilt"
            collect(edition)
            built = build(edition, Week.parse(week))
            stories = built.issue.stats["stories"]
            with Store(edition.store_path) as store:
                held = hold_thin(edition, store, week, stories, moment)
                if held:
                    return None, held
                store.record_issue_state(week, DRAFTED, moment, f"{stories} stories")
                if not edition.config.email.editors:
                    return None, f"{week}: drafted ({stories} stories); no editors listed (email.editors), so no proof"
                report = send_issue(edition, load_built(edition, Week.parse(week)), editors(edition), store, proof=True,
                                    proof_note=proof_note(edition, week), should_stop=STOPPING.is_set)
                if report.sent:
                    store.record_issue_state(week, PROOF_SENT, now or datetime.now(timezone.utc), f"to {', '.join(report.sent)}")
            failed = [address for address, _ in report.failed] + report.not_reached
            return None, (f"{week}: drafted ({stories} stories), proof sent to {len(report.sent)} editor(s)"
                          + (f"; proof not delivered to {', '.join(failed)}" if failed else ""))

    _recorded(edition, "draft", work)


def run_publish(config_path: str, week_text: str | None = None, now: datetime | None = None) -> None:
    """Fetch, build the week that has just ended (unless it was already sent or approved as it
    stands), send to whoever has not had it, if the review allows. ``week_text`` names the week
    when completing an interrupted publish."""
    from .collect import collect
    from .pipeline import build, send
    from .review import SENDING, SENT, decide, hold_thin, tell_editors

    edition = load_edition(config_path)

    def work() -> tuple[None, str]:
        moment = now or datetime.now(timezone.utc)
        week = Week.parse(week_text) if week_text else latest_complete_week(moment, edition.tz)
        with edition_lock(edition.state_dir, f"scheduled publish {week}", wait=600):
            with Store(edition.store_path) as store:
                decision = decide(edition, store, str(week))
                started = bool(store.deliveries(str(week)))
            if not decision.send:
                told = tell_editors(edition, f"[Not sent] {edition.config.briefing.title} {week}",
                                    f"The scheduled publish of {week} sent nothing: {decision.reason}.")
                return None, f"skipped: {week}: {decision.reason}{told}"
            if not decision.frozen:
                collect(edition)
            if not started and not decision.frozen:   # once anyone has it, or it is approved, the issue is frozen
                built = build(edition, week)
                for problem in built.problems:
                    (log.error if problem.severity == "error" else log.warning)("publish %s: %s", week, problem)
                issue = built.issue
                if not issue.stats["stories"] and not issue.intro_text.strip():
                    return None, f"{week}: nothing to publish (no stories and no intro); no email sent"
                with Store(edition.store_path) as store:
                    held = hold_thin(edition, store, str(week), issue.stats["stories"], moment)
                if held:
                    return None, held
            with Store(edition.store_path) as store:
                store.record_issue_state(str(week), SENDING, datetime.now(timezone.utc))
            report = send(edition, week, should_stop=STOPPING.is_set)
            if not report.not_reached and not report.failed:
                with Store(edition.store_path) as store:
                    store.record_issue_state(str(week), SENT, datetime.now(timezone.utc),
                                             f"{len(report.sent) + len(report.skipped)} readers")
        detail = f"{week}: {len(report.sent)} sent, {len(report.skipped)} already had it, {len(report.failed)} failed"
        if report.not_reached:
            detail += (f"; stopped before {len(report.not_reached)} recipients, who get it on the next run "
                       "(restart the scheduler within the grace period, or run `whalewatch send --latest`)")
        if report.failed:
            return None, "failed: " + detail
        return None, ("stopped: " + detail) if report.not_reached else detail

    _recorded(edition, "publish", work)


def run_daemon(edition: Edition, stop: threading.Event | None = None,
               on_start: Callable[[BaseScheduler], None] | None = None) -> None:
    """The long-running command. SIGTERM/SIGINT end the current step, then exit.

    A collect finishes (it is bounded by fetch.budget); a publish stops between recipients, with
    everyone sent so far recorded, so the next run delivers to the rest and to no one twice.

    ``stop`` and ``on_start`` let an embedding program (or a test) end the daemon without a
    signal and reach the running scheduler.
    """
    stop = stop or threading.Event()
    STOPPING.clear()
    with edition_lock(edition.state_dir, "the scheduler", name="scheduler.lock"):
        scheduler = make_scheduler(edition)
        scheduler.start(paused=True)
        try:
            install_jobs(scheduler, edition)
            catch_up_interrupted(scheduler, edition)
            if threading.current_thread() is threading.main_thread():
                def on_signal(signum: int, frame: object) -> None:
                    log.info("signal %s: finishing the current step, then stopping", signum)
                    stop.set()

                signal.signal(signal.SIGTERM, on_signal)
                signal.signal(signal.SIGINT, on_signal)
            for job in scheduler.get_jobs():
                log.info("job %s (%s) next runs at %s", job.id, job.trigger, job.next_run_time)
            log.info("scheduler started for %s (time zone %s)", edition.config_path, edition.config.briefing.timezone)
            scheduler.resume()
            if on_start is not None:
                on_start(scheduler)
            while not stop.wait(1.0):
                pass
        finally:
            STOPPING.set()
            scheduler.shutdown(wait=True)
        log.info("scheduler stopped")


def show_jobs(edition: Edition, now: datetime | None = None) -> list[tuple[str, str, datetime | None]]:
    """The jobs as feeds.yaml defines them, with their next run times in the edition's zone.

    Computed from the triggers, read-only: it must not touch the job store a running daemon uses.
    """
    now = now or datetime.now(edition.tz)
    rows = []
    for job_id, cron in _planned(edition):
        trigger = CronTrigger.from_crontab(cron, timezone=edition.tz)
        rows.append((job_id, cron, trigger.get_next_fire_time(None, now)))
    return rows


def configure_logging(log_file: Path | None) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers = handlers
    root.setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.INFO)


__all__ = ["install_jobs", "make_scheduler", "run_collect", "run_publish", "run_daemon", "show_jobs"]
