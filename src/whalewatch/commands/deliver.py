"""`whalewatch send` and `deliveries`: an issue by email, and who has had it."""

from __future__ import annotations

import sys

import click
from rich.table import Table

from ..cli import ConsoleReporter, Context, cli, err, out, pass_ctx, resolve_week, week_options
from ..errors import display_path

@cli.command(name="send")
@week_options
@click.option("--to", "to", multiple=True, help="Send a proof to this address only (repeatable); the delivery log is not touched.")
@click.option("--dry-run", is_flag=True, help="Write the .eml files to the state folder's outbox/ and send nothing.")
@click.option("--rebuild", is_flag=True, help="Build the issue again before sending, even if it is already built.")
@pass_ctx
def send_command(ctx: Context, week: str | None, latest: bool, draft: bool, to: tuple[str, ...], dry_run: bool, rebuild: bool) -> None:
    """Email an issue to the edition's recipients: exactly once each, however often it is run."""
    from ..pipeline import send

    edition = ctx.edition
    target = resolve_week(edition, week, latest, draft)
    report = send(edition, target, list(to) or None, dry_run=dry_run, rebuild=rebuild, reporter=ConsoleReporter(),
                  on_wait=lambda message: err.print(f"[yellow]{message}[/yellow]", highlight=False))
    if dry_run:
        for path in report.written:
            out.print(f"  {display_path(path)}", highlight=False)
        out.print(f"{len(report.written)} messages written; nothing sent.")
        return
    for address in report.resent_uncertain:
        err.print(f"[yellow]{address}: an earlier run was stopped while sending; sent again with the same Message-ID[/yellow]")
    for address, error in report.failed:
        err.print(f"[red]{address}: {error}[/red]", highlight=False)
    out.print(f"{target}: {len(report.sent)} sent, {len(report.skipped)} already had it, {len(report.failed)} failed.")
    if report.not_reached:
        err.print(f"[red]{len(report.not_reached)} not reached: {report.stopped_because}. Run send again later; "
                  "everyone already served is skipped.[/red]", highlight=False)
    if report.failed or report.not_reached:
        sys.exit(1)


@cli.command()
@week_options
@pass_ctx
def deliveries(ctx: Context, week: str | None, latest: bool, draft: bool) -> None:
    """Who got an issue, who did not, and why."""
    from ..deliver import standing
    from ..store import Store

    edition = ctx.edition
    target = resolve_week(edition, week, latest, draft)
    if not edition.store_path.exists():
        out.print("No store yet: nothing has been fetched or sent.")
        return
    with Store(edition.store_path) as store:
        rows, where = store.deliveries(str(target)), standing(edition, store, str(target))
    table = Table(title=f"Deliveries of {target}")
    for column in ("recipient", "state", "attempts", "updated", "last error"):
        table.add_column(column, overflow="fold")
    for row in rows:
        colour = {"sent": "green", "failed": "red"}.get(row["state"], "yellow")
        table.add_row(row["recipient"], f"[{colour}]{row['state']}[/{colour}]", str(row["attempts"]), row["updated"], row["last_error"] or "")
    logged = {row["recipient"] for row in rows}
    for address in (a for a in where.waiting if a not in logged):
        table.add_row(address, "[yellow]not yet tried[/yellow]", "0", "", "")
    out.print(table)
    out.print(where.line() + ".", highlight=False)
