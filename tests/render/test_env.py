"""The template sandbox: escapes refused, memory and time bounded, every error named by file and line."""

from __future__ import annotations

import threading
import time

import pytest

from whalewatch.errors import TemplateError
from whalewatch.render import env as template_env
from whalewatch.render.env import make_environment, render

ESCAPES = {
    "class chain": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "globals": "{{ cycler.__init__.__globals__.os }}",
    "template internals": "{{ self._TemplateReference__context }}",
    "format escape": "{{ '{0.__class__.__init__.__globals__}'.format(cycler) }}",
    "absolute include": "{% include '/etc/passwd' %}",
    "relative include": "{% include '../../../../../../etc/passwd' %}",
    "mutation": "{% set x = [] %}{{ x.append(1) }}",
}
EXHAUSTION = {
    "repetition": "{{ 'x' * 10**10 }}",
    "list repetition": "{{ [1] * 100000000 }}",
    "center filter": "{{ 'x'|center(1000000000) }}",
    "indent filter": "{{ 'x\\ny'|indent(1000000000) }}",
    "format filter": "{{ '%999999999s'|format(1) }}",
    "percent width": "{{ '%999999999d' % 1 }}",
    "method width": "{{ 'x'.ljust(1000000000) }}",
    "format width": "{{ '{:>999999999}'.format(1) }}",
    "big range": "{{ range(10**9)|list|length }}",
    "lipsum": "{{ lipsum(100000) }}",
}


def write_template(folder, text: str) -> None:  # noqa: ANN001
    (folder / "t.html").write_text("<p>line one</p>\n" + text + "\n")


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_escapes_are_refused_with_the_file_and_line(tmp_path, name):
    write_template(tmp_path, ESCAPES[name])
    with pytest.raises(TemplateError) as caught:
        render(make_environment(tmp_path), "t.html", {})
    assert str(tmp_path / "t.html") in str(caught.value)
    assert "root:" not in str(caught.value)


@pytest.mark.parametrize("name", sorted(EXHAUSTION))
def test_calls_that_would_exhaust_memory_are_refused_quickly(tmp_path, name):
    write_template(tmp_path, EXHAUSTION[name])
    started = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        render(make_environment(tmp_path), "t.html", {})
    assert time.monotonic() - started < 5
    assert f"{tmp_path / 't.html'}:2" in str(caught.value) or "is undefined" in str(caught.value)


def test_ordinary_uses_of_the_same_filters_still_work(tmp_path):
    write_template(tmp_path, "{{ 'x'|center(9) }}|{{ '%5s'|format('ab') }}|{{ 'a b c'|wordwrap(3) }}|{{ range(3)|list }}")
    assert "    x    |   ab|a b\nc|[0, 1, 2]" in render(make_environment(tmp_path), "t.html", {})


@pytest.mark.parametrize("in_thread", [False, True], ids=["main thread", "worker thread"])
def test_a_loop_that_never_ends_is_stopped_in_any_thread(tmp_path, monkeypatch, in_thread):
    monkeypatch.setattr(template_env, "RENDER_SECONDS", 1)
    write_template(tmp_path, "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}")
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            render(make_environment(tmp_path), "t.html", {})
        except TemplateError as exc:
            outcome.append(exc)

    started = time.monotonic()
    if in_thread:
        worker = threading.Thread(target=attempt)
        worker.start()
        worker.join(timeout=30)
    else:
        attempt()
    assert time.monotonic() - started < 10
    assert outcome and "longer than 1s" in str(outcome[0]) and str(tmp_path / "t.html") in str(outcome[0])


def test_a_finished_render_is_never_interrupted_afterwards(tmp_path, monkeypatch):
    monkeypatch.setattr(template_env, "RENDER_SECONDS", 0.2)
    write_template(tmp_path, "{{ 1 + 1 }}")
    assert "2" in render(make_environment(tmp_path), "t.html", {})
    time.sleep(0.5)          # the timer was cancelled: nothing is raised here


def test_text_that_merely_looks_like_a_format_is_not_refused(tmp_path):
    write_template(tmp_path, "{{ text|truncate(40) }}|{{ text|wordwrap(20) }}|{{ text|center(10) }}")
    text = "Shares fell 50% 100000 times {:>999999} over"
    assert "Shares fell 50% 100000 times" in render(make_environment(tmp_path), "t.html", {"text": text})


def test_a_template_that_is_not_utf8_costs_only_itself(fetched_sample):
    from tests.conftest import run_cli

    templates = fetched_sample.parent / "templates"
    (templates / "partials" / "sections").mkdir(parents=True, exist_ok=True)
    (templates / "partials" / "sections" / "numbers.html").write_bytes(b"\xff\xfe{{ block.title }}")
    (templates / "briefing.md").write_bytes(b"\x00\x9f binary")
    result = run_cli("--config", str(fetched_sample), "build", "--week", "2025-W05", "--no-pdf", check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr and "a bug" not in result.stderr
    assert "partials/sections/numbers.html:1: error: syntax error: the file is not UTF-8" in result.stderr
    assert "templates/briefing.md:1" in result.stderr
    built = fetched_sample.parent / "briefings" / "2025-W05"
    assert "# Whale Watch #5" in (built / "briefing.md").read_text() and 'id="numbers"' in (built / "index.html").read_text()
