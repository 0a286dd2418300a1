"""`whalewatch approve` and `hold`: an editor's word on an issue before it goes to readers."""

from __future__ import annotations

import getpass

import click

from ..cli import Context, cli, out, pass_ctx, resolve_week, week_options


@cli.command()
@week_options
@pass_ctx
def approve(ctx: Context, week: str | None, latest: bool, draft: bool) -> None:
    """Approve an issue as built: the next publish sends it (needed when schedule.review is required)."""
    from ..review import approve as approve_issue, now_utc
    from ..schedule import approved_after_a_skipped_publish
    from ..store import Store

    edition = ctx.edition
    target = resolve_week(edition, week, latest, draft, default="publish")
    with Store(edition.store_path) as store:
        out.print(approve_issue(edition, store, str(target), now_utc(), who=getpass.getuser()), highlight=False)
        if approved_after_a_skipped_publish(edition, store) == str(target):
            out.print(f"Its scheduled publish already passed: the scheduler sends it after its next collect, "
                      f"or send it now with `whalewatch send --week {target}`.", highlight=False)


@cli.command()
@week_options
@click.option("--reason", default="", help="Why, for the log and the other editors.")
@pass_ctx
def hold(ctx: Context, week: str | None, latest: bool, draft: bool, reason: str) -> None:
    """Hold an issue: nothing goes to readers until it is approved."""
    from ..review import hold as hold_issue, now_utc
    from ..store import Store

    edition = ctx.edition
    target = resolve_week(edition, week, latest, draft, default="publish")
    with Store(edition.store_path) as store:
        out.print(hold_issue(edition, store, str(target), now_utc(), reason), highlight=False)
