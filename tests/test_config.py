"""feeds.yaml validation: every mistake names the file, the line and what to write."""

from __future__ import annotations

import pytest

from whalewatch.config import parse_config
from whalewatch.errors import ConfigError
from tests.conftest import MINIMAL_SECTIONS, ROOT, run_cli


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "feeds.yaml")
    return [str(p) for p in caught.value.problems]


def test_typo_is_located_and_a_fix_suggested():
    text = MINIMAL_SECTIONS + "feeds:\n  - name: x\n    url: https://x.example/f\n    wieght: 2\n"
    line = text.splitlines().index("    wieght: 2") + 1
    (message,) = problems(text)
    assert message.startswith(f"feeds.yaml:{line}:") and "did you mean 'weight'" in message


def test_yaml_traps_are_explained():
    (syntax,) = problems("sections: [\n")
    assert "YAML syntax error" in syntax
    (boolean,) = problems("sections:\n  - id: a\n    title: NO\n")
    assert "feeds.yaml:3" in boolean and "put the value in quotes" in boolean
    (duplicate,) = problems("sections: []\nsections: []\n")
    assert "appears twice" in duplicate


def test_semantic_checks():
    assert any("unknown time zone" in m for m in problems("briefing:\n  timezone: Mars/Olympus\n" + MINIMAL_SECTIONS))
    assert any("not a valid regular expression" in m for m in problems("sections:\n  - {id: a, title: A, patterns: ['(']}\n"))
    assert any("unknown section 'nope'" in m for m in problems(MINIMAL_SECTIONS + "feeds:\n  - {name: a, url: 'https://a.example', section: nope}\n"))
    assert any("cron expression" in m for m in problems(MINIMAL_SECTIONS + "schedule:\n  publish: 'every monday'\n"))


def test_the_root_edition_passes_check_and_writes_nothing(tmp_path):
    edition = tmp_path / "root"
    edition.mkdir()
    for name in ("feeds.yaml",):
        (edition / name).write_text((ROOT / name).read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("--config", str(edition / "feeds.yaml"), "check")
    assert "0 errors" in result.stdout
    assert sorted(p.name for p in edition.iterdir()) == ["feeds.yaml"]


def test_a_broken_config_exits_with_the_message(tmp_path):
    (tmp_path / "feeds.yaml").write_text("sections:\n  - id: a\n    titel: A\n")
    result = run_cli("--config", str(tmp_path / "feeds.yaml"), "build", "--week", "2025-W05", check=False)
    assert result.returncode == 2
    assert "feeds.yaml:3" in result.stderr and "did you mean 'title'" in result.stderr


def test_the_sample_and_new_editions_share_the_root_editions_default_sections():
    from whalewatch.config import load_edition
    from tests.conftest import ROOT, SAMPLES

    sections = [load_edition(path).config.model_dump()["sections"]
                for path in (ROOT / "feeds.yaml", SAMPLES / "feeds.yaml", ROOT / "src" / "whalewatch" / "skeleton" / "feeds.yaml")]
    assert sections[0] == sections[1] == sections[2], "keep the three copies of the default sections in step"


def test_the_glossary_takes_one_meaning_per_term_and_names_the_clash():
    config = parse_config(MINIMAL_SECTIONS + "glossary:\n  DeepSeek: [深度求索]\n  Moonshot AI: 月之暗面\n", "feeds.yaml")
    assert config.glossary == {"DeepSeek": ["深度求索"], "Moonshot AI": ["月之暗面"]}
    text = MINIMAL_SECTIONS + "glossary:\n  DeepSeek: [深度求索]\n  Moonshot AI: [深度求索]\n"
    (message,) = problems(text)
    assert "glossary" in message and "'深度求索' is listed under both 'DeepSeek' and 'Moonshot AI'" in message


def test_readers_and_editors_addresses_are_checked_by_one_rule():
    for address in ("editor@news.example", "a.b+c@sub.news.example"):
        config = parse_config(MINIMAL_SECTIONS + f"email:\n  editors: ['{address}']\n  recipients: [{{email: '{address}'}}]\n",
                              "feeds.yaml")
        assert config.email.editors == [address] and config.email.recipients[0].email == address
    for address in ("no-at-sign.example", "two words@news.example", 'quote"d@news.example', "a@b,c@news.example"):
        found = problems(MINIMAL_SECTIONS + f"email:\n  editors: ['{address}']\n  recipients: [{{email: '{address}'}}]\n")
        assert sum("is not an email address" in m for m in found) == 2, (address, found)
