"""axe-core (from the npm registry, installed by `make setup` into .venv/node) run in real Chromium
on what readers open: the web page, the email, a background page and the archive, light and dark.
No serious or critical violation is allowed."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT, copy_sample, run_cli

AXE = ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def briefings(tmp_path_factory):
    assert AXE.is_file(), f"axe-core is missing at {AXE}: run `make setup`"
    config = copy_sample(tmp_path_factory.mktemp("axe") / "edition", seeds=True)
    run_cli("--config", str(config), "fetch")
    run_cli("--config", str(config), "build", "--week", "2025-W05", "--no-pdf")
    return config.parent / "briefings"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", ["2025-W05/index.html", "2025-W05/email.html", "background/deepseek.html", "index.html"])
def test_no_serious_or_critical_accessibility_violations(browser, briefings, name, scheme):
    context = browser.new_context(viewport={"width": 390, "height": 900}, color_scheme=scheme, is_mobile=True)
    try:
        page = context.new_page()
        page.goto((briefings / name).as_uri())
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id} (${v.impact}): ${v.nodes.length} nodes, e.g. ${v.nodes[0].html.slice(0, 120)}`)""")
        assert violations == [], violations
    finally:
        context.close()
