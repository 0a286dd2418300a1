"""`whalewatch schedule` and `status`: the long-running daemon, and how it and the feeds are doing."""

from __future__ import annotations

from datetime import datetime, timezone

import click
from rich.markup import escape
from rich.table import Table

from ..cli import Context, cli, err, out, pass_ctx
from ..weeks import latest_complete_week

FAILING_FOR_DAYS = 2


@cli.command(name="schedule")
@click.option("--show", is_flag=True, help="List the jobs and their next run times, then exit.")
@pass_ctx
def schedule_command(ctx: Context, show: bool) -> None:
    """Run in the foreground: collect often, publish weekly, as feeds.yaml's schedule says."""
    from ..schedule import configure_logging, run_daemon, show_jobs

    edition = ctx.edition
    plan = edition.config.schedule
    if show:
        table = Table(title=f"Schedule ({edition.config.briefing.timezone})")
        for column in ("job", "cron", "next run", "what it does"):
            table.add_column(column)
        gate = {"auto": "unless held", "required": "only if approved"}[plan.review]
        purpose = {"collect": "fetch every feed into the store",
                   "draft": "fetch, build the coming issue, mail the editors a proof (or hold it if thin)",
                   "publish": f"fetch, build the week just ended, send {gate} (grace {plan.grace_hours:g} h)"}
        for job_id, cron, next_run in show_jobs(edition):
            when = next_run.strftime("%a %Y-%m-%d %H:%M %Z") if next_run else "never"
            table.add_row(job_id, cron, when, purpose[job_id])
        out.print(table)
        for line in delivery_lines(edition, latest_complete_week(datetime.now(timezone.utc), edition.tz)):
            out.print(line, highlight=False)
        return
    configure_logging(edition.root / plan.log_file if plan.log_file else None)
    run_daemon(edition)


@cli.command()
@pass_ctx
def status(ctx: Context) -> None:
    """Last runs and their outcomes, each feed's health, deliveries of the latest issue."""
    from ..store import Store

    edition = ctx.edition
    if not edition.store_path.exists():
        out.print("No store yet: run `whalewatch fetch` (or start `whalewatch schedule`).")
        return
    now = datetime.now(timezone.utc)
    week = latest_complete_week(now, edition.tz)
    with Store(edition.store_path) as store:
        runs, states = store.recent_runs(10), {s.name: s for s in store.all_feed_states()}
    table = Table(title="Recent scheduled runs")
    for column in ("job", "started", "finished", "outcome", "detail"):
        table.add_column(column, overflow="fold")
    for row in runs:
        colour = {"ok": "green", "failed": "red"}.get(row["outcome"] or "", "yellow")
        table.add_row(row["job"], row["started"], row["finished"] or "(running or killed)",
                      f"[{colour}]{row['outcome'] or '?'}[/{colour}]", row["detail"] or "")
    out.print(table if runs else "No scheduled runs recorded yet.")
    table = Table(title="Feeds")
    for column in ("feed", "last success", "failures", "last error or warning"):
        table.add_column(column, overflow="fold")
    flagged = []
    for feed in edition.config.feeds:
        state = states.get(feed.name)
        if state is None:
            table.add_row(feed.name, "never fetched", "0", "")
            continue
        days = (now - state.failing_since).total_seconds() / 86400 if state.failing_since else 0.0
        if state.consecutive_failures and days >= FAILING_FOR_DAYS:
            flagged.append(f"{feed.name} has failed for {days:.0f} days ({state.consecutive_failures} attempts): {state.last_error}")
        colour = "red" if state.consecutive_failures else "green"
        detail = escape(state.last_error) if state.last_error else (f"[yellow]warning:[/yellow] {escape(state.last_warning)}" if state.last_warning else "")
        table.add_row(feed.name, state.last_success.strftime("%Y-%m-%d %H:%M") if state.last_success else "never",
                      f"[{colour}]{state.consecutive_failures}[/{colour}]", detail)
    out.print(table)
    for line in flagged:
        err.print(f"[red]attention: {line}[/red]", highlight=False, soft_wrap=True)
    for line in delivery_lines(edition, week):
        out.print(line, highlight=False)
    show_issue_states(edition)


def show_issue_states(edition) -> None:  # noqa: ANN001 - Edition
    """Each recent issue's place on the way to readers: drafted, proof sent, approved or held, sending, sent."""
    from ..store import Store

    with Store(edition.store_path) as store:
        rows = store.issue_states(8)
    if not rows:
        return
    table = Table(title=f"Issues (review: {edition.config.schedule.review})")
    for column in ("week", "state", "since", "detail"):
        table.add_column(column, overflow="fold")
    for row in rows:
        colour = {"sent": "green", "held": "red", "approved": "cyan"}.get(row["state"], "yellow")
        table.add_row(row["week"], f"[{colour}]{row['state']}[/{colour}]", row["at"], escape(row["detail"] or ""))
    out.print(table)


def delivery_lines(edition, latest) -> list[str]:  # noqa: ANN001 - Edition, Week
    """The truth about delivery for status and schedule --show: the latest week against the whole
    list of readers, an interrupted publish and when it will be completed, and whether the
    scheduler that would complete it is running."""
    from ..deliver import standing
    from ..lock import lock_holder
    from ..schedule import interrupted_publish
    from ..store import Store

    if not edition.store_path.exists():
        return []
    with Store(edition.store_path) as store:
        interrupted = interrupted_publish(edition, store)
        weeks = list(dict.fromkeys([w for w in (interrupted, str(latest)) if w]))
        lines = [f"Deliveries of {standing(edition, store, w).line()}. Details: whalewatch deliveries --week {w}"
                 for w in weeks]
    busy = lock_holder(edition.state_dir) or ""
    if interrupted and "publish" in busy:
        lines.append(f"A publish is running now ({busy}).")
    elif interrupted:
        running = lock_holder(edition.state_dir, "scheduler.lock")
        when = ("the running scheduler completes it within a minute" if running else
                "it is completed as soon as the scheduler starts (`whalewatch schedule`)")
        lines.append(f"The publish of {interrupted} was interrupted: {when}, or run `whalewatch send --week {interrupted}` now.")
    return lines
