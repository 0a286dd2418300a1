"""`whalewatch build`, `explain` and `check`: one week's issue made, explained or validated."""

from __future__ import annotations

import sys

import click

from ..cli import ConsoleReporter, Context, cli, err, out, pass_ctx, resolve_week, show_problems, week_options
from ..errors import display_path

@cli.command(name="build")
@week_options
@click.option("--no-pdf", is_flag=True, help="Skip the PDF (faster previews).")
@click.option("--explain", is_flag=True, help="Print why each story is in its section and at its rank.")
@pass_ctx
def build_command(ctx: Context, week: str | None, latest: bool, draft: bool, no_pdf: bool, explain: bool) -> None:
    """Build one issue into briefings/<week>/ (HTML, email HTML, Markdown, text, PDF, JSON)."""
    edition = ctx.edition
    target = resolve_week(edition, week, latest, draft)
    reporter = ConsoleReporter()
    from ..pipeline import build

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
@week_options
@pass_ctx
def explain_command(ctx: Context, week: str | None, latest: bool, draft: bool) -> None:
    """Show how a week's stories were placed and ranked, without writing anything."""
    edition = ctx.edition
    from ..pipeline import make_issue

    issue, problems, dropped = make_issue(edition, resolve_week(edition, week, latest, draft))
    show_problems(problems)
    print_explanation(issue, dropped)


@cli.command(name="check")
@week_options
@pass_ctx
def check_command(ctx: Context, week: str | None, latest: bool, draft: bool) -> None:
    """Validate feeds.yaml, notes and templates; write nothing."""
    edition = ctx.edition   # loading validates feeds.yaml
    from ..pipeline import check

    problems = check(edition, resolve_week(edition, week, latest, draft, default="draft"))
    show_problems(problems)
    errors = [p for p in problems if p.severity == "error"]
    out.print(f"{display_path(edition.config_path)}: {len(edition.config.feeds)} feeds, {len(edition.config.sections)} sections; "
              f"{len(errors)} errors, {len(problems) - len(errors)} warnings.")
    if errors:
        sys.exit(1)
