"""`whalewatch init`, `feeds` and `templates`: making and arranging an edition."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click
from rich.table import Table

from ..cli import SKELETON, Context, cli, out, pass_ctx
from ..config import load_edition
from ..errors import WhalewatchError, display_path
from ..sources.opml import Subscription, read_opml, write_opml

@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Start a new, empty edition in DIRECTORY: feeds.yaml, notes/, templates/."""
    directory = directory.expanduser()
    target = directory / "feeds.yaml"
    if target.exists():
        raise WhalewatchError(f"{display_path(target)} already exists; choose an empty folder")
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copytree(SKELETON, directory, dirs_exist_ok=True)
    load_edition(target)  # the skeleton must always load
    out.print(f"New edition in {display_path(directory)}/. Add feeds to feeds.yaml (or `whalewatch -c {display_path(target)} feeds import subs.opml`), "
              f"then `whalewatch -c {display_path(target)} fetch` and `build --draft`.")


@cli.group()
def feeds() -> None:
    """List, import and export the edition's feeds (OPML)."""


@feeds.command(name="list")
@pass_ctx
def feeds_list(ctx: Context) -> None:
    """The feeds of the edition with their sections and weights."""
    table = Table()
    for column in ("name", "section", "weight", "language", "address"):
        table.add_column(column, overflow="fold")
    for feed in ctx.edition.config.feeds:
        table.add_row(feed.name, feed.section or "", f"{feed.weight:g}", feed.language or "its own", feed.url or feed.file or "")
    out.print(table)


@feeds.command(name="import")
@click.argument("opml", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--section", help="Default section for the imported feeds.")
@pass_ctx
def feeds_import(ctx: Context, opml: Path, section: str | None) -> None:
    """Add the subscriptions of an OPML file to feeds.yaml (comments and layout kept)."""
    from ..commands.feeds_file import append_feeds

    edition = ctx.edition
    if section and edition.config.section(section) is None:
        raise WhalewatchError(f"no section '{section}'; known: {', '.join(s.id for s in edition.config.sections)}")
    subs = read_opml(opml.read_bytes(), display_path(opml))
    added = append_feeds(edition.config_path, subs, section)
    out.print(f"{len(added)} feeds added to {display_path(edition.config_path)} ({len(subs) - len(added)} already there).")


@feeds.command(name="export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@pass_ctx
def feeds_export(ctx: Context, output: Path | None) -> None:
    """Write the edition's feeds as OPML."""
    edition = ctx.edition
    titles = {s.id: s.title for s in edition.config.sections}
    subs = [Subscription(f.name, f.url, titles.get(f.section or "", "")) for f in edition.config.feeds if f.url]
    data = write_opml(edition.config.briefing.title, subs)
    if output:
        output.write_bytes(data)
        out.print(f"{len(subs)} feeds written to {display_path(output)}")
    else:
        sys.stdout.write(data.decode("utf-8"))


@cli.group()
def templates() -> None:
    """See and copy the templates (edition templates/ override the package defaults)."""


@templates.command(name="list")
@pass_ctx
def templates_list(ctx: Context) -> None:
    """Every template and where it comes from."""
    table = Table()
    table.add_column("template")
    table.add_column("from")
    table.add_column("path", overflow="fold")
    from ..render.env import list_templates

    for name, origin, path in list_templates(ctx.edition.templates_dir):
        table.add_row(name, "[green]edition[/green]" if origin == "edition" else "default", display_path(path))
    out.print(table)


@templates.command(name="copy")
@click.argument("name")
@click.option("--as", "as_name", metavar="NEW_NAME",
              help="Save the copy under another name, e.g. partials/sections/apps.html to start a section's own template.")
@click.option("--force", is_flag=True, help="Overwrite an edition template of the same name.")
@pass_ctx
def templates_copy(ctx: Context, name: str, as_name: str | None, force: bool) -> None:
    """Copy a default template into the edition's templates/ to edit it."""
    from ..render.env import list_templates

    defaults = {n: p for n, origin, p in list_templates(None)}
    matches = [n for n in defaults if n == name or n.endswith("/" + name)]
    if not matches:
        raise WhalewatchError(f"no default template named '{name}'; `whalewatch templates list` shows them")
    if len(matches) > 1:
        raise WhalewatchError(f"'{name}' is ambiguous: {', '.join(matches)}; give the full name")
    relative = Path(as_name or matches[0])
    if relative.is_absolute() or ".." in relative.parts:
        raise WhalewatchError(f"--as takes a name inside templates/, such as partials/sections/apps.html, not {as_name!r}")
    target = ctx.edition.templates_dir / relative
    if target.exists() and not force:
        raise WhalewatchError(f"{display_path(target)} already exists; edit it, or pass --force to start over")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(defaults[matches[0]], target)
    what = "it now overrides the default" if not as_name or relative.as_posix() == matches[0] else "edit it"
    out.print(f"Copied {matches[0]} to {display_path(target)}; {what}.")
