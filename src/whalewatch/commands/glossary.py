"""`whalewatch glossary`: the names a week's Chinese reports use that folding cannot read in English."""

from __future__ import annotations

import click
from rich.markup import escape
from rich.table import Table

from ..cli import Context, cli, out, pass_ctx, resolve_week, week_options
from ..errors import display_path


@cli.command(name="glossary")
@week_options
@click.option("--all", "show_all", is_flag=True, help="List every such name, not only the first 30.")
@pass_ctx
def glossary_command(ctx: Context, week: str | None, latest: bool, draft: bool, show_all: bool) -> None:
    """Names in the week's Chinese headlines that neither the dictionary nor your glossary lists.

    Folding reads them by their sound or their parts, so an English report of the same event may
    never meet them. Add the ones that name something to glossary: in feeds.yaml."""
    edition = ctx.edition
    target = resolve_week(edition, week, latest, draft)
    from ..pipeline import unread_names_of

    names, reports = unread_names_of(edition, target)
    if not reports:
        out.print(f"{target}: no reports stored for this week. Run `whalewatch fetch`, or choose another --week.")
        return
    if not names:
        out.print(f"{target}: every name in the Chinese headlines of its {reports} reports is in the dictionary or the glossary.")
        return
    shown = names if show_all else names[:30]
    table = Table(title=f"{target}: names folding cannot read in English")
    for column in ("name", "reports", "read", "English reports of the story name", "e.g."):
        table.add_column(column, justify="right" if column == "reports" else "left", overflow="fold")
    for name in shown:
        table.add_row(name.text, str(name.reports), name.reading, escape(", ".join(name.english)), escape(name.example[:80]))
    out.print(table)
    more = f" ({len(names) - len(shown)} more: --all lists them)" if len(shown) < len(names) else ""
    example = next((n for n in shown if n.english), shown[0])
    out.print(f"{len(names)} names{more}. Add the ones that name a company, a lab, a product or an agency under "
              f"glossary: in {display_path(edition.config_path)}, the English name first, e.g.\n"
              f"  glossary:\n    {example.english[0] if example.english else 'The English name'}: [{example.text}]", highlight=False)
