"""The template environment: edition templates first, package defaults second, in a sandbox.

One loader chain serves build, check, serve and ``templates list``. Templates are editable by
the editor, so they run in Jinja2's immutable sandbox with strict undefined variables, string
and list repetition capped, and errors turned into messages that name the template and line.
"""

from __future__ import annotations

import ctypes
import html
import re
import textwrap
import sys
import threading
import time
import traceback
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from ..errors import TemplateError

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
RENDER_SECONDS = 5
MAX_REPEAT = 100_000
FORMATS = {"html": "html", "md": "md", "txt": "txt"}


MAX_SIZE_ARGUMENT = 10_000     # a width or count handed to a filter or string method
_SIZED_FILTERS = ("center", "indent", "wordwrap", "truncate", "batch", "slice", "format", "wrap")
_SIZED_METHODS = {"ljust", "rjust", "center", "zfill", "expandtabs", "format", "format_map"}
_HUGE_WIDTH = re.compile(r"%[-#0 +]*\*|%[-#0 +]*\d{5,}|%[-#0 +]*\d*\.\d{5,}|\{[^{}]*:[^{}]*\d{5,}")


def _refuse_huge(values: tuple[Any, ...], what: str) -> None:
    """Sandbox escapes are not the only attack: one filter call can ask for gigabytes."""
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SIZE_ARGUMENT:
            raise SecurityError(f"{what} with a size of {value} (the limit is {MAX_SIZE_ARGUMENT})")


def _refuse_huge_format(template: str, what: str) -> None:
    if _HUGE_WIDTH.search(template):
        raise SecurityError(f"{what} with a format width over {MAX_SIZE_ARGUMENT}")


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, also refusing the calls that exhaust memory rather than escape.

    Intercepting an operator also stops Jinja2 from folding it while compiling, which is where
    ``'x' * 10**10`` would otherwise be evaluated.
    """

    intercepted_binops = frozenset(["*", "**", "%"])

    def call_binop(self, context, operator, left, right):  # noqa: ANN001, ANN201
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 64:
            raise SecurityError("exponent too large in a template")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > MAX_REPEAT:
                    raise SecurityError(f"repetition longer than {MAX_REPEAT} in a template")
        if operator == "%" and isinstance(left, str):
            _refuse_huge_format(left, "string formatting")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Any:
        """``'{:>999999999}'.format(1)``: Jinja2 swaps str.format for its own wrapper when it is looked up."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        _refuse_huge_format(value.__self__, "str.format")

        def checked(*args: Any, **kwargs: Any) -> Any:
            mapped = tuple(args[0].values()) if args and isinstance(args[0], dict) else ()
            _refuse_huge(args + mapped + tuple(kwargs.values()), "str.format")
            return wrapped(*args, **kwargs)

        return checked

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN204, N805
        if getattr(__obj, "__name__", "") in _SIZED_METHODS and isinstance(getattr(__obj, "__self__", None), str):
            _refuse_huge((*args, *kwargs.values()), f"str.{__obj.__name__}")
        return super().call(__context, __obj, *args, **kwargs)


def _size_capped(name: str, function: Any) -> Any:
    """The filter, refusing sizes over the limit (and, for ``format``, format widths over it)."""
    value_at = 1 if hasattr(function, "jinja_pass_arg") else 0     # pass_environment filters get env first

    def capped(*args: Any, **kwargs: Any) -> Any:
        if name == "format" and len(args) > value_at and isinstance(args[value_at], str):
            _refuse_huge_format(args[value_at], "the format filter")
        _refuse_huge(args[value_at + 1:] + tuple(kwargs.values()), f"the {name} filter")
        return function(*args, **kwargs)

    capped.__wrapped__ = function  # type: ignore[attr-defined]
    if hasattr(function, "jinja_pass_arg"):
        capped.jinja_pass_arg = function.jinja_pass_arg  # type: ignore[attr-defined]
    return capped


def loader_dirs(edition_templates: Path | None) -> list[tuple[str, Path]]:
    dirs = []
    if edition_templates is not None and edition_templates.is_dir():
        dirs.append(("edition", edition_templates))
    dirs.append(("default", PACKAGE_TEMPLATES))
    return dirs


_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def chinese_lang(text: str | None) -> str:
    """The language tag for a piece of Chinese in a page of another language (zh-Hans or zh-Hant),
    so screen readers and font fallback treat it as Chinese; "" for text that is not Chinese."""
    if not text or len(_HAN.findall(text)) < max(2, len(text) // 5):
        return ""
    import hanzidentifier

    return "zh-Hant" if hanzidentifier.is_traditional(text) and not hanzidentifier.is_simplified(text) else "zh-Hans"


class _Loader(jinja2.FileSystemLoader):
    """A template file that is not UTF-8 (a binary saved under a template's name) is a syntax
    error of that file, so it costs only that template, like any other broken one."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            path = next((str(Path(folder) / template) for folder in self.searchpath if (Path(folder) / template).is_file()), template)
            raise jinja2.TemplateSyntaxError(f"the file is not UTF-8 text (byte {exc.start}); save it as UTF-8",
                                             1, template, path) from None


def make_environment(edition_templates: Path | None) -> jinja2.Environment:
    env = _Sandbox(
        loader=_Loader([str(p) for _, p in loader_dirs(edition_templates)]),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xml", "htm"), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_within_time,
    )
    env.filters.update(md=md_escape, mdurl=md_url, wrap=wrap, longdate=long_date, shortdate=short_date,
                       indent_text=indent_text, markdown=markdown_from_html, text=text_with_references,
                       blockquote=blockquote, chinese=chinese_lang)
    for name in _SIZED_FILTERS:
        env.filters[name] = _size_capped(name, env.filters[name])
    env.globals.pop("lipsum", None)          # placeholder text of any length: nothing a briefing needs
    return env


def list_templates(edition_templates: Path | None) -> list[tuple[str, str, Path]]:
    """Every template name with where it comes from; an edition file shadows the default of the same name."""
    seen: dict[str, tuple[str, Path]] = {}
    for origin, folder in loader_dirs(edition_templates):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith(".") and not path.name.startswith("README"):
                seen.setdefault(path.relative_to(folder).as_posix(), (origin, path))
    return [(name, origin, path) for name, (origin, path) in sorted(seen.items())]


_RUNAWAY_AT: dict[int, tuple[str, int] | None] = {}
_DEADLINE = threading.local()


def _within_time(value: Any) -> Any:
    """Called for every {{ output }}: a loop that writes output is stopped here, in the template
    that loops, so the report names it (an exception delivered asynchronously lands wherever the
    output happens to be, often in the template that included the looping one)."""
    if time.monotonic() > getattr(_DEADLINE, "at", float("inf")):
        raise TimeoutError("template time limit")
    return value


def _innermost_template(frame: Any) -> tuple[str, int] | None:
    while frame is not None:
        name = frame.f_code.co_filename
        template = frame.f_globals.get("__jinja_template__")
        if template is not None and name and not name.endswith(".py") and "<" not in name:
            return name, template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """A wall-clock limit on rendering, in whatever thread renders (the CLI's, the scheduler's, the preview's).

    A template loop is pure Python, so a timer raises TimeoutError in the rendering thread at its
    next bytecode (CPython's PyThreadState_SetAsyncExc); signals would only reach the main thread.
    """
    thread_id = threading.get_ident()
    guard = threading.Lock()
    finished = False

    def expire() -> None:
        time.sleep(1)        # a loop that writes output stops itself at the deadline; this is for one that does not
        with guard:
            if not finished:
                # Where the loop is now: the exception lands at some later bytecode, which may be the
                # including template's frame, and the report must name the template that loops.
                _RUNAWAY_AT[thread_id] = _innermost_template(sys._current_frames().get(thread_id))
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(TimeoutError))

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    outer = getattr(_DEADLINE, "at", None)
    _DEADLINE.at = time.monotonic() + seconds
    timer.start()
    try:
        yield
    finally:
        if outer is None:
            del _DEADLINE.at
        else:
            _DEADLINE.at = outer
        with guard:
            finished = True
        timer.cancel()


def render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    try:
        with _time_limit(RENDER_SECONDS):
            template = env.get_template(name)
            return template.render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise _located(env, exc.name or name, exc.lineno, f"syntax error: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        template_name, line = _template_frame(exc, name)
        raise _located(env, template_name, line,
                       f"includes '{exc.name}', which is not in templates/ or the package defaults") from None
    except (jinja2.UndefinedError, SecurityError, TimeoutError, TypeError, ValueError, AttributeError,
            KeyError, IndexError, ArithmeticError, RecursionError, MemoryError) as exc:
        template_name, line = _template_frame(exc, name)
        if isinstance(exc, TimeoutError):
            template_name, line = _RUNAWAY_AT.pop(threading.get_ident(), None) or (template_name, line)
            detail = f"rendering took longer than {RENDER_SECONDS}s (a loop that never ends?)"
        else:
            detail = f"{'refused by the sandbox' if isinstance(exc, SecurityError) else type(exc).__name__}: {exc}"
        raise _located(env, template_name, line, detail, isinstance(exc, TimeoutError)) from None


def _located(env: jinja2.Environment, name: str, line: int | None, detail: str, timed_out: bool = False) -> TemplateError:
    path = source_path(env, name)
    where = f"{path}:{line}" if line else path
    return TemplateError(f"{where}: {detail}", path=path, line=line, detail=detail, timed_out=timed_out)


def _template_frame(exc: BaseException, fallback: str) -> tuple[str, int | None]:
    found = (fallback, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename and not frame.filename.endswith(".py") and "<" not in frame.filename:
            found = (frame.filename, frame.lineno)
    return found


def source_path(env: jinja2.Environment, name: str) -> str:
    if Path(name).is_absolute():
        return name
    try:
        source = env.loader.get_source(env, name)[1] if env.loader else None
    except jinja2.TemplateNotFound:
        source = None
    except jinja2.TemplateSyntaxError as exc:       # unreadable: the loader named the file it found
        source = exc.filename
    return source or name


# -- filters ---------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-=])")
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])")     # "1. " starts a list: escape the dot, not the digit
_ENTITY = re.compile(r"&(#?\w+;)")


def md_escape(value: Any) -> str:
    """Text from feeds, made inert in Markdown: no emphasis, links, raw HTML or headings it did not ask for."""
    text = re.sub(r"[\r\n\u2028\u2029]+", " ", str(value))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _ENTITY.sub(r"&amp;\1", text)
    text = _MD_ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def markdown_from_html(value: Any) -> str:
    """A note's (sanitised) HTML as Markdown: the editor's links, emphasis and lists survive into
    briefing.md, and text that would read as Markdown syntax is escaped."""
    from markdownify import markdownify

    converted = markdownify(str(value), heading_style="ATX", bullets="-", escape_asterisks=True,
                            escape_underscores=True, escape_misc=True, strip=["img"])
    return re.sub(r"\n{3,}", "\n\n", converted).strip()


_ANCHOR = re.compile(r'<a\s[^>]*?href="([^"]*)"[^>]*>(.*?)</a>', re.S)


def text_with_references(value: Any, refs: "References") -> str:
    """A note's (sanitised) HTML as plain text, each link's text followed by its reference number."""
    from ..sanitize import html_to_text

    def numbered(match: re.Match) -> str:
        return f"{match.group(2)} [{refs.ref(html.unescape(match.group(1)))}]"

    return html_to_text(_ANCHOR.sub(numbered, str(value)))


def blockquote(value: Any) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in str(value).splitlines())


def md_url(value: Any) -> str:
    return quote(str(value), safe=":/?#@!$&'*+,;=%-._~")


def wrap(value: Any, width: int = 72, indent: str = "") -> str:
    paragraphs = [p for p in str(value).split("\n\n") if p.strip()]
    return "\n\n".join(
        textwrap.fill(" ".join(p.split()), width=width, initial_indent=indent, subsequent_indent=indent,
                      break_long_words=False, break_on_hyphens=False)
        for p in paragraphs
    )


def indent_text(value: Any, prefix: str = "  ") -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in str(value).splitlines())


def long_date(value: Any) -> str:
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%B %Y}"


def short_date(value: Any) -> str:
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%b}"


class References:
    """Numbered link references for plain text: 'DeepSeek releases R1 [3]' and a list at the end."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}

    def ref(self, url: str) -> int:
        return self._numbers.setdefault(url, len(self._numbers) + 1)

    def items(self) -> list[tuple[int, str]]:
        return [(n, url) for url, n in self._numbers.items()]


def markup(value: str) -> Markup:
    """Mark already-sanitised HTML as safe for autoescaping templates."""
    return Markup(value)
