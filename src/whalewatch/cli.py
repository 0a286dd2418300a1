"""The ``whalewatch`` command: parses arguments, calls the pipeline, shows results. Nothing more."""

from __future__ import annotations

import logging
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .config import Edition, load_edition
from .errors import ConfigError, Problem, WhalewatchError, display_path
from .reporter import Reporter
from .sources.opml import Subscription, read_opml, write_opml
from .weeks import Week, latest_complete_week

out = Console()
err = Console(stderr=True)
SKELETON = Path(__file__).resolve().parent / "skeleton"


class ConsoleReporter(Reporter):
    """Progress bars on stderr when it is a terminal; warnings printed after the bar."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.progress: Progress | None = None
        self.task = None
        self.warnings: list[str] = []

    def start(self, label: str, total: int) -> None:
        if self.quiet or total == 0:
            return
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 console=err, transient=True, disable=not err.is_terminal)
        self.progress.start()
        self.task = self.progress.add_task(label, total=total)

    def advance(self, label: str) -> None:
        if self.progress is not None:
            self.progress.advance(self.task)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def warn(self, message: str) -> None:
        self.warnings.append(message)


class Context:
    def __init__(self, config: str, debug: bool):
        self.config_path = Path(config)
        self.debug = debug
        self._edition: Edition | None = None

    @property
    def edition(self) -> Edition:
        if self._edition is None:
            self._edition = load_edition(self.config_path)
        return self._edition


pass_ctx = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--config", "-c", default="feeds.yaml", envvar="WHALEWATCH_CONFIG", show_default=True,
              help="The edition's feeds.yaml (the edition is the folder it is in).")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.version_option(__version__, prog_name="whalewatch")
@click.pass_context
def cli(ctx: click.Context, config: str, debug: bool) -> None:
    """Weekly briefings on DeepSeek and Chinese AI policy, from feeds and an editor's notes."""
    ctx.obj = Context(config, debug)


def _week_option(f):  # noqa: ANN001, ANN202
    f = click.option("--latest", is_flag=True, help="The week that has just ended (what Monday's issue covers).")(f)
    f = click.option("--draft", is_flag=True, help="The current, unfinished week.")(f)
    f = click.option("--week", "-w", metavar="YYYY-Www", help="An ISO week, e.g. 2025-W05.")(f)
    return f


def resolve_week(edition: Edition, week: str | None, latest: bool, draft: bool, default: str = "latest") -> Week:
    chosen = sum(bool(x) for x in (week, latest, draft))
    if chosen > 1:
        raise click.UsageError("give only one of --week, --latest and --draft")
    now = datetime.now(timezone.utc)
    if week:
        return Week.parse(week)
    if draft or (not latest and default == "draft"):
        return Week.containing(now, edition.tz)
    return latest_complete_week(now, edition.tz)


def show_problems(problems: list[Problem]) -> None:
    for problem in problems:
        style = "red" if problem.severity == "error" else "yellow"
        err.print(f"[{style}]{problem}[/{style}]", highlight=False, markup=True, soft_wrap=True)


# -- fetch / build / check -------------------------------------------------------------------

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
    from .collect import collect

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


@cli.command(name="build")
@_week_option
@click.option("--no-pdf", is_flag=True, help="Skip the PDF (faster previews).")
@click.option("--explain", is_flag=True, help="Print why each story is in its section and at its rank.")
@pass_ctx
def build_command(ctx: Context, week: str | None, latest: bool, draft: bool, no_pdf: bool, explain: bool) -> None:
    """Build one issue into briefings/<week>/ (HTML, email HTML, Markdown, text, PDF, JSON)."""
    edition = ctx.edition
    target = resolve_week(edition, week, latest, draft)
    reporter = ConsoleReporter()
    from .pipeline import build

    report = build(edition, target, reporter, pdf=not no_pdf)
    show_problems(report.problems)
    if explain:
        print_explanation(report.issue, report.dropped)
    out.print(f"Issue #{report.issue.number} ({target}): {report.issue.stats['stories']} stories "
              f"from {report.issue.stats['items_read']} items -> {display_path(report.folder)}/")
    for name in sorted(report.files):
        out.print(f"  {display_path(report.folder / name)}", highlight=False)
    errors = [p for p in report.problems if p.severity == "error"]
    if errors:
        err.print(f"[red]Built, with {len(errors)} error{'s' if len(errors) != 1 else ''} above: what they name was "
                  "skipped or made with the package defaults. Fix them and build again.[/red]")
        sys.exit(1)


def print_explanation(issue, dropped: list[str]) -> None:  # noqa: ANN001
    for label, stories in [(issue.top_title, issue.top)] + [(b.title, b.stories) for b in issue.sections]:
        if not stories:
            continue
        out.print(f"\n[bold]{label}[/bold]")
        for position, story in enumerate(stories, 1):
            out.print(f"  {position}. {story.title}  [dim]({story.source}, score {story.score:.2f})[/dim]", highlight=False)
            for reason in story.reasons:
                out.print(f"       - {reason}", highlight=False, soft_wrap=True)
    for line in dropped:
        out.print(f"[dim]dropped: {line}[/dim]", highlight=False)


@cli.command(name="explain")
@_week_option
@pass_ctx
def explain_command(ctx: Context, week: str | None, latest: bool, draft: bool) -> None:
    """Show how a week's stories were placed and ranked, without writing anything."""
    edition = ctx.edition
    from .pipeline import make_issue

    issue, problems, dropped = make_issue(edition, resolve_week(edition, week, latest, draft))
    show_problems(problems)
    print_explanation(issue, dropped)


@cli.command(name="check")
@_week_option
@pass_ctx
def check_command(ctx: Context, week: str | None, latest: bool, draft: bool) -> None:
    """Validate feeds.yaml, notes and templates; write nothing."""
    edition = ctx.edition   # loading validates feeds.yaml
    from .pipeline import check

    problems = check(edition, resolve_week(edition, week, latest, draft, default="draft"))
    show_problems(problems)
    errors = [p for p in problems if p.severity == "error"]
    out.print(f"{display_path(edition.config_path)}: {len(edition.config.feeds)} feeds, {len(edition.config.sections)} sections; "
              f"{len(errors)} errors, {len(problems) - len(errors)} warnings.")
    if errors:
        sys.exit(1)


# -- send / deliveries ----------------------------------------------------------------------

@cli.command(name="send")
@_week_option
@click.option("--to", "to", multiple=True, help="Send a proof to this address only (repeatable); the delivery log is not touched.")
@click.option("--dry-run", is_flag=True, help="Write the .eml files to the state folder's outbox/ and send nothing.")
@click.option("--rebuild", is_flag=True, help="Build the issue again before sending, even if it is already built.")
@pass_ctx
def send_command(ctx: Context, week: str | None, latest: bool, draft: bool, to: tuple[str, ...], dry_run: bool, rebuild: bool) -> None:
    """Email an issue to the edition's recipients: exactly once each, however often it is run."""
    from .pipeline import send

    edition = ctx.edition
    target = resolve_week(edition, week, latest, draft)
    report = send(edition, target, list(to) or None, dry_run=dry_run, rebuild=rebuild, reporter=ConsoleReporter())
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
    if report.failed:
        sys.exit(1)


@cli.command()
@_week_option
@pass_ctx
def deliveries(ctx: Context, week: str | None, latest: bool, draft: bool) -> None:
    """Who got an issue, who did not, and why."""
    from .store import Store

    edition = ctx.edition
    target = resolve_week(edition, week, latest, draft)
    if not edition.store_path.exists():
        out.print("No store yet: nothing has been fetched or sent.")
        return
    with Store(edition.store_path) as store:
        rows = store.deliveries(str(target))
    table = Table(title=f"Deliveries of {target}")
    for column in ("recipient", "state", "attempts", "updated", "last error"):
        table.add_column(column, overflow="fold")
    for row in rows:
        colour = {"sent": "green", "failed": "red"}.get(row["state"], "yellow")
        table.add_row(row["recipient"], f"[{colour}]{row['state']}[/{colour}]", str(row["attempts"]), row["updated"], row["last_error"] or "")
    out.print(table)
    counts = {state: sum(1 for r in rows if r["state"] == state) for state in ("sent", "failed")}
    out.print(f"{counts['sent']} sent, {counts['failed']} failed, {len(rows) - sum(counts.values())} pending or uncertain.")


# -- schedule / status ----------------------------------------------------------------------

FAILING_FOR_DAYS = 2


@cli.command(name="schedule")
@click.option("--show", is_flag=True, help="List the jobs and their next run times, then exit.")
@pass_ctx
def schedule_command(ctx: Context, show: bool) -> None:
    """Run in the foreground: collect often, publish weekly, as feeds.yaml's schedule says."""
    from .schedule import configure_logging, run_daemon, show_jobs

    edition = ctx.edition
    plan = edition.config.schedule
    if show:
        table = Table(title=f"Schedule ({edition.config.briefing.timezone})")
        for column in ("job", "cron", "next run", "what it does"):
            table.add_column(column)
        purpose = {"collect": "fetch every feed into the store",
                   "publish": f"fetch, build the week just ended, send (grace {plan.grace_hours:g} h)"}
        for job_id, cron, next_run in show_jobs(edition):
            when = next_run.strftime("%a %Y-%m-%d %H:%M %Z") if next_run else "never"
            table.add_row(job_id, cron, when, purpose[job_id])
        out.print(table)
        return
    configure_logging(edition.root / plan.log_file if plan.log_file else None)
    run_daemon(edition)


@cli.command()
@pass_ctx
def status(ctx: Context) -> None:
    """Last runs and their outcomes, each feed's health, deliveries of the latest issue."""
    from .store import Store

    edition = ctx.edition
    if not edition.store_path.exists():
        out.print("No store yet: run `whalewatch fetch` (or start `whalewatch schedule`).")
        return
    now = datetime.now(timezone.utc)
    week = latest_complete_week(now, edition.tz)
    with Store(edition.store_path) as store:
        runs, states, sent = store.recent_runs(10), {s.name: s for s in store.all_feed_states()}, store.deliveries(str(week))
    table = Table(title="Recent scheduled runs")
    for column in ("job", "started", "finished", "outcome", "detail"):
        table.add_column(column, overflow="fold")
    for row in runs:
        colour = {"ok": "green", "failed": "red"}.get(row["outcome"] or "", "yellow")
        table.add_row(row["job"], row["started"], row["finished"] or "(running or killed)",
                      f"[{colour}]{row['outcome'] or '?'}[/{colour}]", row["detail"] or "")
    out.print(table if runs else "No scheduled runs recorded yet.")
    table = Table(title="Feeds")
    for column in ("feed", "last success", "failures", "last error"):
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
        table.add_row(feed.name, state.last_success.strftime("%Y-%m-%d %H:%M") if state.last_success else "never",
                      f"[{colour}]{state.consecutive_failures}[/{colour}]", state.last_error or "")
    out.print(table)
    for line in flagged:
        err.print(f"[red]attention: {line}[/red]", highlight=False, soft_wrap=True)
    counts = {s: sum(1 for r in sent if r["state"] == s) for s in ("sent", "failed")}
    out.print(f"Latest issue {week}: {counts['sent']} sent, {counts['failed']} failed, "
              f"{len(sent) - sum(counts.values())} pending ({len(sent)} recipients logged). "
              f"Details: whalewatch deliveries --week {week}")


# -- serve ----------------------------------------------------------------------------------

@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; the default keeps the preview on this machine.")
@click.option("--port", "-p", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0 picks a free one).")
@pass_ctx
def serve(ctx: Context, host: str, port: int) -> None:
    """Preview every week in every format at http://127.0.0.1:8000, rebuilt and reloaded on every save."""
    from .serve import serve as run_preview

    ctx.edition   # a broken feeds.yaml is reported here first; later breakage is shown in the page
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    run_preview(ctx.config_path, host, port,
                on_ready=lambda url: err.print(f"Previewing {display_path(ctx.config_path)} at [bold]{url}[/bold] (Ctrl-C to stop)"))


# -- init -------------------------------------------------------------------------------------

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


# -- feeds ------------------------------------------------------------------------------------

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
        table.add_row(feed.name, feed.section or "", f"{feed.weight:g}", feed.language, feed.url or feed.file or "")
    out.print(table)


@feeds.command(name="import")
@click.argument("opml", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--section", help="Default section for the imported feeds.")
@pass_ctx
def feeds_import(ctx: Context, opml: Path, section: str | None) -> None:
    """Add the subscriptions of an OPML file to feeds.yaml (comments and layout kept)."""
    from .commands.feeds_file import append_feeds

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


# -- templates --------------------------------------------------------------------------------

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
    from .render.env import list_templates

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
    from .render.env import list_templates

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


def main() -> None:
    debug = "--debug" in sys.argv
    logging.basicConfig(level=logging.INFO if not debug else logging.DEBUG,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        err.print("Aborted.")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ConfigError as exc:
        show_problems(exc.problems)
        err.print("[red]Fix the configuration above and run the command again.[/red]")
        sys.exit(2)
    except WhalewatchError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except Exception:
        if debug:
            raise
        err.print_exception(max_frames=3)
        err.print("[red]whalewatch hit an unexpected error (a bug). Run again with --debug for the full traceback.[/red]")
        sys.exit(70)


if __name__ == "__main__":
    main()
