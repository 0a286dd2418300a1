"""Every format from the one Issue: web page, email HTML, Markdown, text, PDF, JSON, subject."""

from __future__ import annotations

import html as html_lib
import re

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import css_inline

from ..errors import Problem, TemplateError, display_path
from ..model import Issue, SectionBlock, Story, StoryNote
from .env import References, make_environment, render, source_path
from .pdf import render_pdf, safe_fetcher

# output file -> template that makes it
OUTPUT_TEMPLATES = {
    "index.html": "web.html",
    "email.html": "email.html",
    "briefing.md": "briefing.md",
    "briefing.txt": "briefing.txt",
}
PDF_TEMPLATE = "pdf.html"
SUBJECT_TEMPLATE = "subject.txt"
ALL_OUTPUTS = ("index.html", "email.html", "briefing.md", "briefing.txt", "briefing.pdf", "issue.json")


@dataclass
class RenderSettings:
    templates_dir: Path | None
    paper: str = "A4"
    remote_images: bool = False
    language: str = "en"


class Renderer:
    """Holds the environment (and so the compiled templates) across issues in one process.

    An edition template that fails (a syntax error, an undefined variable, a sandbox refusal)
    costs that template, not the issue: the output is rendered again from the package defaults
    and the failure is kept in ``problems`` with its file and line, for the build to report.
    """

    def __init__(self, settings: RenderSettings):
        self.settings = settings
        self.env = make_environment(settings.templates_dir)
        self._fetcher = None
        self.problems: list[Problem] = []
        self._names: set[str] | None = None
        self._defaults: Renderer | None = None
        self.broken: set[str] = set()              # edition template files that failed in this build
        self.broken_pages: set[str] = set()        # outputs sent back to the defaults, by template name
        self._paths: dict[str, str] = {}
        self._edition_dir = settings.templates_dir.resolve() if settings.templates_dir and settings.templates_dir.is_dir() else None

    @property
    def fetcher(self) -> Any:
        """The PDF's URL fetcher, made on first use (it needs WeasyPrint, which is slow to import)."""
        if self._fetcher is None:
            dirs = [self.settings.templates_dir] if self.settings.templates_dir else []
            self._fetcher = safe_fetcher(dirs, self.settings.remote_images)
        return self._fetcher

    def context(self, issue: Issue, fmt: str) -> dict[str, Any]:
        return {
            "issue": issue,
            "settings": {"paper": self.settings.paper, "remote_images": self.settings.remote_images,
                         "language": self.settings.language},
            "refs": References(),
            "section_template": lambda block: self.section_template(block, fmt),
        }

    def section_template(self, block: SectionBlock, fmt: str) -> str:
        """A section's own partial for this format if the edition or package has one, else the default.

        An editor who wants a new look writes one file (usually the .html one, shared by the web
        page, the email and the PDF); the other formats keep the default partial until they write those too.
        """
        if block.template:
            own = f"partials/sections/{block.template}.{fmt}"
            if own in self._template_names() and self._path(own) not in self.broken:
                return own
        return f"partials/section.{fmt}"

    def _template_names(self) -> set[str]:
        if self._names is None:
            self._names = set(self.env.list_templates())
        return self._names

    def missing_section_templates(self, blocks: list[SectionBlock]) -> list[str]:
        """Sections that name a template of which no format exists: almost certainly a typo."""
        missing = []
        for block in blocks:
            if block.template and not any(f"partials/sections/{block.template}.{fmt}" in self._template_names()
                                          for fmt in ("html", "md", "txt")):
                missing.append(f"section '{block.id}' names template '{block.template}', but none of "
                               f"partials/sections/{block.template}.html, .md or .txt is in templates/ or the package defaults; "
                               "the default section layout was used")
        return missing

    def try_section_partials(self, issue: Issue) -> list[Problem]:
        """Every section partial of the edition rendered on its own, for ``check``: against the block
        that uses it, else against the fullest block of the issue (else a sample story), so that a
        partial no section of this week uses is tried too, and every failure is named, not just the first."""
        if not self._edition_dir:
            return []
        sample = Story(id="sample", title="A sample story", url="https://example.org/story", source="Example",
                       date=issue.window_start, summary_html="<p>Sample summary.</p>", summary_text="Sample summary.",
                       section="sample")
        fullest = max(issue.sections, key=lambda b: len(b.stories), default=None)
        problems = []
        for name in sorted(n for n in self._template_names() if n.startswith("partials/sections/")):
            if not self._from_edition(self._path(name)):
                continue
            own = name.rsplit("/", 1)[1].rsplit(".", 1)[0]
            block = next((b for b in issue.sections if b.template == own), None) or fullest
            if block is None or not block.stories:
                block = SectionBlock(id=own, title=own, description="", template=own, stories=[sample])
            context = {**self.context(issue, name.rsplit(".", 1)[1]), "block": block}
            try:
                render(self.env, name, context)
            except TemplateError as exc:
                problems.append(Problem(display_path(exc.path or self._path(name)), exc.line, exc.detail))
        return problems

    def _render(self, template: str, issue: Issue, fmt: str) -> str:
        return self.render_page(template, lambda renderer: renderer.context(issue, fmt))

    def render_page(self, template: str, context: Callable[["Renderer"], dict[str, Any]]) -> str:
        """Render with the edition's templates. A failing section partial costs only its section,
        drawn with the default partial; any other failing edition template sends this output back
        to the package defaults. A failed template is remembered for the rest of the build, so
        that a runaway one costs one time limit, not one per output."""
        if template in self.broken_pages:
            return render(self.defaults().env, template, context(self.defaults()))
        while True:
            try:
                return render(self.env, template, context(self))
            except TemplateError as exc:
                # The package's own templates do not loop: a timeout is the edition's, wherever it landed.
                if not (self._from_edition(exc.path) or (exc.timed_out and self._edition_dir)):
                    raise
                first_time = exc.path not in self.broken
                self.broken.add(exc.path)
                if first_time and self._is_section_partial(exc.path):
                    self.problems.append(Problem(display_path(exc.path), exc.line,
                                                 f"{exc.detail}; that section was drawn with the default section layout"))
                    continue
                self.broken_pages.add(template)
                self.problems.append(Problem(display_path(exc.path), exc.line,
                                             f"{exc.detail}; {template} was rendered from the package's default templates instead"))
                return render(self.defaults().env, template, context(self.defaults()))

    def _path(self, name: str) -> str:
        if name not in self._paths:
            self._paths[name] = source_path(self.env, name)
        return self._paths[name]

    def _is_section_partial(self, path: str) -> bool:
        return bool(self._edition_dir) and Path(path).resolve().is_relative_to(self._edition_dir / "partials" / "sections")

    def _from_edition(self, path: str | None) -> bool:
        return bool(self._edition_dir and path and Path(path).resolve().is_relative_to(self._edition_dir))

    def defaults(self) -> "Renderer":
        if self._defaults is None:
            settings = RenderSettings(None, self.settings.paper, self.settings.remote_images, self.settings.language)
            self._defaults = Renderer(settings)
        return self._defaults

    def render_text_outputs(self, issue: Issue) -> dict[str, bytes]:
        """Everything but the PDF: the fast path that serve and the benchmark use."""
        issue.subject = self.subject(issue)
        files = {output: self.render_output(issue, output) for output in OUTPUT_TEMPLATES}
        files["issue.json"] = issue_json(issue)
        return files

    def render_output(self, issue: Issue, output: str) -> bytes:
        """One file of the issue (its subject set first): the preview renders only the page it was asked for."""
        issue.subject = issue.subject or self.subject(issue)
        if output == "issue.json":
            return issue_json(issue)
        if output == "email.html":
            return self.email_html(issue).encode("utf-8")
        template = OUTPUT_TEMPLATES[output]
        text = self._render(template, issue, template.rsplit(".", 1)[1])
        return (text if output == "index.html" else site_links(text, issue.base_url)).encode("utf-8")

    def email_html(self, issue: Issue) -> str:
        """The email's HTML, cut until its part as sent fits under Gmail's clipping point: shorter
        summaries and notes first, then headlines with 'read the rest' links. The footer, with the
        unsubscribe link, is never cut; the web page and issue.json keep everything."""
        for level in range(len(EMAIL_CUTS) + 1):
            shown = issue if level == 0 else cut_for_email(issue, level)
            text, complaints = inline_css(site_links(self._render(OUTPUT_TEMPLATES["email.html"], shown, "html"), issue.base_url))
            if sent_size(text) <= EMAIL_BUDGET:
                break
        if level:
            words = EMAIL_CUTS[level - 1]
            what = (f"summaries and notes cut to {words} words" if words > 0 else
                    "summaries and notes left out" if words == 0 else "summaries, notes and also-covered lists left out")
            complaints.append(f"the email was too long for mail clients (over {EMAIL_BUDGET // 1000} KB): {what}, with "
                              "'read the rest' links; the web page and the PDF keep everything")
        self.problems += [Problem("email.html", None, message, "warning") for message in complaints]
        return text

    def render_pdf_html(self, issue: Issue) -> str:
        return site_links(self._render(PDF_TEMPLATE, issue, "html"), issue.base_url)

    def render_pdf(self, issue: Issue) -> bytes:
        pdf, complaints = render_pdf(self.render_pdf_html(issue), self.fetcher)
        self.problems += [Problem("briefing.pdf", None, f"PDF: {message}", "warning") for message in complaints]
        return pdf

    def subject(self, issue: Issue) -> str:
        return " ".join(self._render(SUBJECT_TEMPLATE, issue, "txt").split())


_SITE_HTML = re.compile(r'<a href="\.\./((?:background|essays)/[^"]*)"[^>]*>(.*?)</a>', re.S)
_SITE_ONLY = re.compile(r"<p [^>]*data-site-link[^>]*>.*?</p>\s*", re.S)     # lines that are only site links
_SITE_BARE = re.compile(r"(?<![\w/(=\"])\.\./((?:background|essays)/[^\s<>\"')\]]+)")
_SITE_MD = re.compile(r"\[([^\]]*)\]\(\.\./((?:background|essays)/[^)\s]*)\)")


def site_links(text: str, base_url: str) -> str:
    """Links to the archive's own pages (a background page, an essay) are relative on the web page;
    anywhere else they need the edition's base_url, and without one they become plain words."""
    if base_url:
        base = base_url.rstrip("/") + "/"
        text = _SITE_HTML.sub(lambda m: f'<a href="{base}{m.group(1)}">{m.group(2)}</a>', text)
        text = _SITE_MD.sub(lambda m: f"[{m.group(1)}]({base}{m.group(2)})", text)
        return _SITE_BARE.sub(lambda m: base + m.group(1), text)
    text = _SITE_ONLY.sub("", text)
    text = _SITE_HTML.sub(lambda m: m.group(2), text)
    text = _SITE_MD.sub(lambda m: m.group(1), text)
    return _SITE_BARE.sub(lambda m: f"{m.group(1)} (in the web archive)", text)


EMAIL_BUDGET = 95_000        # bytes of the HTML part as sent; Gmail hides what follows about 102 KB
EMAIL_CUTS = (40, 20, 0, -1)  # words of summary and note kept at each level; -1: also-covered lists go too


def sent_size(html: str) -> int:
    """The size of the HTML part as ``deliver`` sends it (UTF-8, quoted-printable): Chinese text
    grows about threefold in that encoding, so the rendered length alone would mislead."""
    from email.message import EmailMessage

    message = EmailMessage()
    message.set_content(html, subtype="html", charset="utf-8", cte="quoted-printable")
    return len(message.get_payload())


def cut_for_email(issue: Issue, level: int) -> Issue:
    """A copy of the issue with each story's summary and notes cut to fit an email, and a link to
    where the rest is (the issue on the web when the edition has a base_url, else the article)."""
    import copy

    words = EMAIL_CUTS[level - 1]
    cut = copy.deepcopy(issue)
    for story in cut.all_stories():
        story.continued = f"{issue.base_url}{issue.week}/#s-{story.id}" if issue.base_url else story.url
        story.summary_html = ""
        story.summary_text = _words(story.summary_text, words)
        story.notes = [StoryNote(f"<p>{html_lib.escape(_words(note.text, words))}</p>", _words(note.text, words), note.path)
                       for note in story.notes if words > 0 and note.text.strip()]
        if words < 0:
            story.also = []
    for block in cut.sections:
        block.description = "" if words <= 0 else block.description
    return cut


def _words(text: str, count: int) -> str:
    parts = text.split()
    if count <= 0:
        return ""
    return text.strip() if len(parts) <= count else " ".join(parts[:count]) + " …"


_STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*("[^"]*"|'[^']*')""", re.I)


def inline_css(html: str) -> tuple[str, list[str]]:
    """Email clients drop <style> in places; inline every rule, keep the block for media queries.

    CSS the inliner cannot parse (a template's broken style="", feed text that reached one) costs
    that attribute, not the email: it is dropped and named. If the style block itself is broken,
    the email goes out with its <style> block only."""
    inliner = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)
    try:
        return inliner.inline(html), []
    except css_inline.InlineError:
        pass
    complaints: list[str] = []

    def checked(match: re.Match) -> str:
        try:
            inliner.inline(f"<style>p{{margin:0}}</style><p{match.group(0)}></p>")   # fails only when merged with a rule
            return match.group(0)
        except css_inline.InlineError as exc:
            complaints.append(f"invalid CSS in style={match.group(1)[:80]} ({exc}); that style attribute was dropped")
            return ""

    html = _STYLE_ATTRIBUTE.sub(checked, html)
    try:
        return inliner.inline(html), complaints
    except css_inline.InlineError as exc:
        return html, complaints + [f"the email's <style> block has CSS the inliner cannot read ({exc}); "
                                   "it was sent without inlined styles"]


def issue_json(issue: Issue) -> bytes:
    return (json.dumps(issue.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
