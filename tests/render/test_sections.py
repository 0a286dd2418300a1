"""Journey 3 from the command line: a new section is a few lines of feeds.yaml and, if wanted, one template."""

from __future__ import annotations

import json
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
