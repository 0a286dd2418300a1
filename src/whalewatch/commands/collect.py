"""`whalewatch fetch`: collect every feed into the store, and say what needs attention."""

from __future__ import annotations

import sys

import click
from rich.table import Table

from ..cli import ConsoleReporter, Context, cli, out, pass_ctx
from ..errors import WhalewatchError, display_path

SUMMARY_ROWS = 30   # beyond this many feeds with news, the summary counts them instead of listing them


@cli.command()
@click.option("--feed", "only", multiple=True, help="Fetch only this feed (by name); repeatable.")
@click.option("--verbose", "-v", is_flag=True, help="List every feed in the summary, unchanged ones included.")
@pass_ctx
def fetch(ctx: Context, only: tuple[str, ...], verbose: bool) -> None:
    """Collect every feed in feeds.yaml into the store."""
    edition = ctx.edition
    unknown = set(only) - {f.name for f in edition.config.feeds}
    if unknown:
        raise WhalewatchError(f"no feed named {', '.join(sorted(unknown))} in {display_path(edition.config_path)}")
    reporter = ConsoleReporter()
    from ..collect import collect

    report = collect(edition, reporter, only=list(only) or None)
    show_fetch_summary(report.outcomes, verbose)
    if report.outcomes and len(report.failed) == len(report.outcomes):
        sys.exit(1)


def show_fetch_summary(outcomes: list, verbose: bool) -> None:  # noqa: ANN001 - FeedOutcome
    """What needs attention: failures and warnings always; news per feed when there is little of it.

    With hundreds of feeds a row for each is unreadable (and slow to draw): the rest is counted.
    """
    attention = [o for o in outcomes if o.status == "failed" or o.warnings]
    news = [o for o in outcomes if o.status == "new" and not o.warnings]
    rows = outcomes if verbose else attention + (news if len(news) <= SUMMARY_ROWS else [])
    if rows:
        table = Table(title="Fetch summary", show_lines=False)
        for column in ("feed", "result", "new", "items", "detail"):
            table.add_column(column, justify="right" if column in ("new", "items") else "left", overflow="fold")
        for o in rows:
            colour = {"failed": "red", "new": "green"}.get(o.status, "dim")
            table.add_row(o.name, f"[{colour}]{o.status}[/{colour}]", str(o.new_items), str(o.items),
                          o.error or "; ".join(o.warnings))
        out.print(table)
    unchanged = sum(1 for o in outcomes if o.status == "unchanged")
    listed = "" if verbose or len(news) <= SUMMARY_ROWS else f" ({len(news)} feeds with new items not listed: --verbose lists them)"
    out.print(f"{sum(o.new_items for o in outcomes)} new items from {len(outcomes)} feeds; {unchanged} unchanged; "
              f"{sum(1 for o in outcomes if o.status == 'failed')} failed.{listed}")
