"""`whalewatch notes`: how every note was read, and where it went."""

from __future__ import annotations

import click
from rich.table import Table

from ..cli import Context, cli, out, pass_ctx, show_problems


@cli.command(name="notes")
@click.option("--guesses/--no-guesses", default=True, help="Show what was guessed for each note.")
@click.argument("match", required=False)
@pass_ctx
def notes_command(ctx: Context, guesses: bool, match: str | None) -> None:
    """How each note in notes/ was read: its shape, its week, its link, the story it annotates.

    A link list gives a line per link. MATCH keeps the notes whose file name contains it."""
    from ..pipeline import notes_report

    rows, problems = notes_report(ctx.edition)
    rows = [r for r in rows if not match or match in r.path]
    table = Table(show_lines=guesses)
    for column in ("note", "shape", "week", "link", "goes to"):
        table.add_column(column, overflow="fold")
    for row in rows:
        where = row.outcome + ("\n[dim]" + "; ".join(row.guesses) + "[/dim]" if guesses and row.guesses else "")
        table.add_row(f"{row.path}\n{row.title[:70]}", row.shape, row.week, row.link, where)
    out.print(table)
    show_problems(problems)
    files = len({r.path.split("#")[0] for r in rows})
    out.print(f"{len(rows)} notes from {files} files.")
