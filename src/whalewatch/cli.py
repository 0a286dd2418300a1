"""The ``whalewatch`` command: the group, what every verb shares, and ``main``.

Each verb lives in ``whalewatch.commands`` (one module per family, as MkDocs does it): it parses
arguments, calls the stages and shows results. Nothing here or there does a stage's work.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .config import Edition, load_edition
from .errors import ConfigError, Problem, WhalewatchError, machine_trouble
from .reporter import Reporter
from .store import last_opened_store
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


def week_options(f):  # noqa: ANN001, ANN202
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
    if not latest and default == "publish":       # the issue the next publish sends (what a draft job drafted)
        from .review import week_to_publish

        return week_to_publish(edition, now)
    return latest_complete_week(now, edition.tz)


def show_problems(problems: list[Problem]) -> None:
    for problem in problems:
        style = "red" if problem.severity == "error" else "yellow"
        err.print(f"[{style}]{problem}[/{style}]", highlight=False, markup=True, soft_wrap=True)


def main() -> None:
    debug = "--debug" in sys.argv
    logging.basicConfig(level=logging.INFO if not debug else logging.DEBUG,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    group = registered_group()
    try:
        group.main(standalone_mode=False)
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
    except Exception as exc:
        if debug:
            raise
        trouble = machine_trouble(exc, last_opened_store())
        if trouble:
            err.print(f"[red]error:[/red] {escape(trouble)}", highlight=False, soft_wrap=True)
            sys.exit(74)            # EX_IOERR
        err.print_exception(max_frames=3)
        err.print("[red]whalewatch hit an unexpected error (a bug). Run again with --debug for the full traceback.[/red]")
        sys.exit(70)




def registered_group() -> click.Group:
    """The group with every verb on it. Run as ``python -m whalewatch.cli`` this file is
    ``__main__``, and the verbs register on the importable module's group, so use that one."""
    import whalewatch.cli as module
    from . import commands  # noqa: F401 - importing the command modules registers them

    return module.cli


if __name__ == "__main__":
    main()
