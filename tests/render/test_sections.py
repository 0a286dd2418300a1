"""Journey 3 from the command line: a new section is a few lines of feeds.yaml and, if wanted, one template."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.conftest import run_cli

SECTION = """  - id: apps
    title: Apps and downloads
    description: Where readers meet the models.
    keywords: [App Store, downloads, 应用商店]
    template: apps
"""


def add_section(config: Path) -> None:
    config.write_text(config.read_text().replace("sections:\n", "sections:\n" + SECTION, 1))


def test_a_section_with_one_html_template_builds_in_every_format(fetched_sample):
    config, edition = fetched_sample, fetched_sample.parent
    add_section(config)
    copied = run_cli("--config", str(config), "templates", "copy", "partials/section.html", "--as", "partials/sections/apps.html")
    assert "templates/partials/sections/apps.html" in copied.stdout
    template = edition / "templates" / "partials" / "sections" / "apps.html"
    template.write_text(template.read_text().replace("<h2>{{ block.title }}</h2>", "<h2 class='apps-heading'>📱 {{ block.title }}</h2>"))
    check = run_cli("--config", str(config), "check", "--week", "2025-W05")
    assert "0 errors" in check.stdout
    listed = run_cli("--config", str(config), "templates", "list").stdout
    assert "partials/sections/apps.html" in listed and "edition" in listed

    run_cli("--config", str(config), "build", "--week", "2025-W05", "--no-pdf")
    out = edition / "briefings" / "2025-W05"
    issue = json.loads((out / "issue.json").read_text())
    apps = next(b for b in issue["sections"] if b["id"] == "apps")
    assert any("App Store" in s["title"] for s in apps["stories"]), "the keyword rule places the App Store story here"
    assert [b["id"] for b in issue["sections"]][0] == "apps", "sections appear in feeds.yaml order"
    assert "<h2 class='apps-heading'>📱 Apps and downloads</h2>" in (out / "index.html").read_text()
    assert "📱 Apps and downloads" in (out / "email.html").read_text()
    assert "## Apps and downloads" in (out / "briefing.md").read_text()    # the default partial for Markdown
    assert "APPS AND DOWNLOADS" in (out / "briefing.txt").read_text().upper()


def test_a_section_naming_a_template_that_does_not_exist_is_an_error_with_the_name(fetched_sample):
    add_section(fetched_sample)
    result = run_cli("--config", str(fetched_sample), "check", "--week", "2025-W05", check=False)
    assert result.returncode == 1
    assert "section 'apps' names template 'apps'" in result.stderr and "partials/sections/apps.html" in result.stderr


def test_templates_copy_refuses_paths_outside_templates(fetched_sample):
    result = run_cli("--config", str(fetched_sample), "templates", "copy", "partials/section.html", "--as", "../evil.html", check=False)
    assert result.returncode != 0 and "inside templates/" in result.stderr
    assert not (fetched_sample.parent / "evil.html").exists()


def _edition_with_templates(fetched_sample: Path) -> Path:
    """A custom page footer, one good section partial and two broken ones (a typo, a runaway loop)."""
    config, templates = fetched_sample, fetched_sample.parent / "templates"
    add_section(config)
    config.write_text(config.read_text().replace("    template: numbers\n", "    template: numbers_broken\n", 1))
    sections = templates / "partials" / "sections"
    sections.mkdir(parents=True, exist_ok=True)
    default = (Path(__file__).parents[2] / "src/whalewatch/templates/partials/section.html").read_text()
    (sections / "apps.html").write_text(default.replace("<h2>", "<h2 class='apps-heading'>"))
    (sections / "numbers_broken.html").write_text("<section id='{{ block.id }}'>\n<h2>{{ block.title }}</h2>\n{{ block.no_such_field.upper() }}\n</section>\n")
    (sections / "policy_tracker.html").write_text("<section>\n{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}\n</section>\n")
    (sections / "unused.html").write_text("<section>\n\n{{ nothing_here + 1 }}\n</section>\n")
    return config


def test_a_broken_section_template_costs_only_its_section_in_every_layout(fetched_sample):
    config = _edition_with_templates(fetched_sample)
    started = time.monotonic()
    result = run_cli("--config", str(config), "build", "--week", "2025-W05", check=False)
    elapsed = time.monotonic() - started
    out = fetched_sample.parent / "briefings" / "2025-W05"
    for name in ("index.html", "email.html"):
        page = (out / name).read_text()
        assert "apps-heading" in page, f"{name} lost the good custom section"
        assert 'id="numbers"' in page or "id='numbers'" in page, f"{name} lost the broken section instead of drawing it plainly"
    assert "apps-heading" in _pdf_html(config)
    assert "numbers_broken.html:3" in result.stderr and "policy_tracker.html" in result.stderr
    assert "default section layout" in result.stderr and result.returncode == 1   # built, and told
    assert elapsed < 60, "a runaway section is stopped once for the build, not once per output"


def test_check_names_every_broken_section_template_with_file_and_line(fetched_sample):
    config = _edition_with_templates(fetched_sample)
    result = run_cli("--config", str(config), "check", "--week", "2025-W05", check=False)
    assert result.returncode != 0
    text = result.stdout + result.stderr
    assert "partials/sections/numbers_broken.html:3" in text and "no_such_field" in text
    assert "partials/sections/unused.html:3" in text, "a partial no section uses this week is tried too"
    assert "policy_tracker.html" in text and "longer than" in text


def _pdf_html(config: Path) -> str:
    from whalewatch.config import load_edition
    from whalewatch.pipeline import make_issue, renderer_for
    from whalewatch.weeks import Week

    edition = load_edition(config)
    issue, _, _ = make_issue(edition, Week.parse("2025-W05"))
    return renderer_for(edition).render_pdf_html(issue)
