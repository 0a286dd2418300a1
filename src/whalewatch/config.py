"""feeds.yaml: the edition's one schema, declared once, validated at load.

Every option has its type, default and check here; errors name the file, the line, the key
path and what to write instead. The rest of the engine receives a validated ``Edition``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ConfigError, Problem, display_path
from .weeks import Week
from .yamlsafe import YamlProblem, load_with_lines, nearest_line

SECTION_ID = r"^[a-z0-9][a-z0-9_-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Briefing(Strict):
    title: str = "Whale Watch"
    tagline: str = ""
    timezone: str = "UTC"
    language: str = "en"
    first_week: str = Field("2025-W01", description="the week of issue #1; issue numbers count up from it")
    top_stories: int = Field(3, ge=0, le=20)
    top_title: str = "Top stories"
    max_per_section: int = Field(8, ge=1, le=100)
    paper: Literal["A4", "Letter"] = "A4"
    base_url: str = ""
    remote_images: bool = False
    show_build_time: bool = False
    author: str = ""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'; use an IANA name such as Asia/Shanghai or Europe/London")
        return value

    @field_validator("first_week")
    @classmethod
    def _week(cls, value: str) -> str:
        return str(Week.parse(value))

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if value and not re.match(r"^https?://", value):
            raise ValueError("base_url must start with http:// or https://")
        return value.rstrip("/") + "/" if value else value


class Section(Strict):
    id: Annotated[str, Field(pattern=SECTION_ID)]
    title: str
    description: str = ""
    keywords: list[str] = []
    patterns: list[str] = Field([], description="regular expressions, case-insensitive")
    tags: list[str] = []
    template: str | None = Field(None, description="partial under partials/sections/ used instead of the default")
    max_stories: int | None = Field(None, ge=1, le=100)
    fallback: bool = False
    rank: Literal["score", "date"] = "score"

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, values: list[str]) -> list[str]:
        for pattern in values:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern {pattern!r} is not a valid regular expression: {exc}")
        return values

    @field_validator("template")
    @classmethod
    def _template_name(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^[A-Za-z0-9_-]+$", value):
            raise ValueError("template is a plain name such as policy_tracker (no slashes or extension)")
        return value


class Feed(Strict):
    name: str
    url: str | None = None
    file: str | None = Field(None, description="a local snapshot, relative to feeds.yaml (offline editions)")
    section: str | None = None
    language: str = Field("", description="the feed's language when it does not declare one; empty: its own <language>, else English")
    weight: float = Field(1.0, ge=0, le=10)
    include: list[str] = []
    exclude: list[str] = []
    enabled: bool = True

    @model_validator(mode="after")
    def _one_source(self) -> "Feed":
        if bool(self.url) == bool(self.file):
            raise ValueError("give exactly one of url: (http or https) or file: (a local snapshot)")
        if self.url and not re.match(r"^https?://", self.url):
            raise ValueError(f"url must start with http:// or https://, not {self.url!r}")
        return self


class Fetch(Strict):
    timeout: float = Field(20.0, gt=0, le=300, description="seconds to connect and between bytes")
    total_timeout: float = Field(60.0, gt=0, le=3600, description="seconds for one feed, all retries included")
    budget: float = Field(900.0, gt=0, description="seconds for a whole fetch run")
    max_bytes: int = Field(10_000_000, ge=1024)
    max_items: int = Field(500, ge=1)
    concurrency: int = Field(128, ge=1, le=512)  # over all hosts; per_host keeps each server's load polite
    per_host: int = Field(6, ge=1, le=64)        # as many as a browser opens to one server
    retries: int = Field(2, ge=0, le=10)
    user_agent: str = "whalewatch/0.1 (+https://github.com/whalewatch)"


_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")    # no spaces, line breaks or header separators


def _email_address(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError(f"{value!r} is not an email address")
    return value


class Recipient(Strict):
    email: str
    name: str = ""
    format: Literal["html", "text", "html+pdf"] = "html"

    @field_validator("email")
    @classmethod
    def _address(cls, value: str) -> str:
        return _email_address(value)


class Smtp(Strict):
    host: str = "localhost"
    port: int = Field(587, ge=1, le=65535)
    tls: Literal["none", "starttls", "ssl"] = "starttls"
    timeout: float = Field(10.0, gt=0, le=300, description="seconds to connect, and to wait for each reply")
    deadline: float = Field(60.0, gt=0, le=3600, description="seconds for one message, from connecting to the server's last reply")
    budget: float = Field(1800.0, gt=0, description="seconds for a whole send run; who is left waits for the next run")
    rate_per_minute: int = Field(60, ge=1)
    retries: int = Field(4, ge=0, le=20)
    retry_delay: float = Field(2.0, ge=0, le=600, description="first backoff in seconds; doubles per attempt")


class Email(Strict):
    from_address: str = Field("briefing@example.org", alias="from")
    from_name: str = ""
    reply_to: str = ""
    list_id: str = ""
    unsubscribe_url: str = ""
    unsubscribe_mailto: str = ""
    attach_pdf: bool = False
    recipients: list[Recipient] = []
    recipients_file: str | None = Field(None, description="CSV with columns email,name,format")
    editors: list[str] = Field([], description="who gets the proof of each draft and notices about held issues")
    smtp: Smtp = Smtp()

    @field_validator("editors")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        return [_email_address(address) for address in value]

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Schedule(Strict):
    collect: str = Field("0 */3 * * *", description="cron expression, edition time zone")
    publish: str = Field("0 7 * * mon", description="cron expression, edition time zone")
    draft: str | None = Field(None, description="cron expression: build the coming issue and mail the editors a proof")
    review: Literal["auto", "required"] = Field("auto", description="required: publish sends only an approved issue")
    min_stories: int = Field(0, ge=0, le=1000, description="a draft with fewer stories is held")
    desk_url: str = Field("", description="where editors reach `whalewatch serve`, linked from the proof")
    grace_hours: float = Field(12.0, ge=0, le=24 * 6)
    log_file: str | None = None

    @field_validator("collect", "publish", "draft")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(
                f"{value!r} is not a cron expression ({exc}); write five fields: minute hour day month weekday, "
                "for example '0 7 * * mon'"
            )
        return value


class Config(Strict):
    briefing: Briefing = Briefing()
    sections: list[Section]
    feeds: list[Feed] = []
    notes_dir: str = "notes"
    templates_dir: str = "templates"
    output_dir: str = "briefings"
    state_dir: str = ".whalewatch"
    fetch: Fetch = Fetch()
    email: Email = Email()
    schedule: Schedule = Schedule()
    # The editor's names: a canonical name and the other ways feeds write it (深度求索 = DeepSeek).
    glossary: dict[str, list[str] | str] = {}

    @field_validator("glossary")
    @classmethod
    def _glossary(cls, glossary: dict[str, list[str] | str]) -> dict[str, list[str]]:
        owner: dict[str, str] = {}
        cleaned: dict[str, list[str]] = {}
        for name, aliases in glossary.items():
            if not str(name).strip():
                raise ValueError("a glossary entry needs a name before the colon, e.g. 'DeepSeek: [深度求索]'")
            aliases = [aliases] if isinstance(aliases, str) else aliases
            for alias in [name, *aliases]:
                key = alias.strip().casefold()
                if not key:
                    raise ValueError(f"glossary entry '{name}' has an empty alias; remove it")
                if key in owner and owner[key] != name:
                    raise ValueError(f"'{alias}' is listed under both '{owner[key]}' and '{name}'; a term can mean one thing")
                owner[key] = name
            cleaned[name] = [a.strip() for a in aliases]
        return cleaned

    @field_validator("sections")
    @classmethod
    def _sections(cls, sections: list[Section]) -> list[Section]:
        if not sections:
            raise ValueError("an edition needs at least one section")
        ids = [s.id for s in sections]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"section ids must be unique; repeated: {', '.join(dupes)}")
        if sum(1 for s in sections if s.fallback) > 1:
            raise ValueError("only one section can be the fallback")
        return sections

    @model_validator(mode="after")
    def _feed_refs(self) -> "Config":
        known = {s.id for s in self.sections}
        names: set[str] = set()
        for index, feed in enumerate(self.feeds):
            if feed.section and feed.section not in known:
                raise _located(("feeds", index, "section"), f"unknown section '{feed.section}'; known: {', '.join(sorted(known))}")
            if feed.name in names:
                raise _located(("feeds", index, "name"), f"two feeds are named '{feed.name}'; feed names must be unique")
            names.add(feed.name)
        return self

    def fallback_section(self) -> Section:
        return next((s for s in self.sections if s.fallback), self.sections[-1])

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)


class _LocatedError(ValueError):
    def __init__(self, loc: tuple[Any, ...], message: str):
        self.loc = loc
        super().__init__(message)


def _located(loc: tuple[Any, ...], message: str) -> _LocatedError:
    return _LocatedError(loc, message)


@dataclass(frozen=True)
class Edition:
    """A validated feeds.yaml plus the folder it lives in; every path the engine uses comes from here."""

    config_path: Path
    config: Config

    @property
    def root(self) -> Path:
        return self.config_path.parent

    def _dir(self, value: str) -> Path:
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.root / path

    @property
    def notes_dir(self) -> Path:
        return self._dir(self.config.notes_dir)

    @property
    def templates_dir(self) -> Path:
        return self._dir(self.config.templates_dir)

    @property
    def output_dir(self) -> Path:
        return self._dir(self.config.output_dir)

    @property
    def state_dir(self) -> Path:
        return self._dir(self.config.state_dir)

    @property
    def store_path(self) -> Path:
        return self.state_dir / "store.sqlite"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.config.briefing.timezone)

    @property
    def first_week(self) -> Week:
        return Week.parse(self.config.briefing.first_week)

    def feed_path(self, feed: Feed) -> Path | None:
        return self._dir(feed.file) if feed.file else None


def load_edition(config_path: Path | str) -> Edition:
    path = Path(config_path)
    shown = display_path(path)
    if not path.is_file():
        raise ConfigError([Problem(shown, None, "no such file; run `whalewatch init DIR` to start an edition, or pass --config PATH")])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError([Problem(shown, None, f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8")])
    return Edition(path.resolve(), parse_config(text, shown))


def parse_config(text: str, shown: str) -> Config:
    try:
        data, lines = load_with_lines(text)
    except YamlProblem as exc:
        raise ConfigError([Problem(shown, exc.line, str(exc))])
    if not isinstance(data, dict):
        raise ConfigError([Problem(shown, 1, "feeds.yaml must be a mapping with at least a 'sections:' key")])
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError([_problem(shown, lines, err, data) for err in exc.errors()]) from None


def _problem(shown: str, lines: dict, err: dict, data: Any) -> Problem:
    loc = tuple(err["loc"])
    ctx_error = (err.get("ctx") or {}).get("error")
    if isinstance(ctx_error, _LocatedError):
        loc, message = ctx_error.loc, str(ctx_error)
    else:
        message = _friendly(err, loc, data)
    key_path = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")
    return Problem(shown, nearest_line(lines, loc), f"{key_path}: {message}" if key_path else message)


def _friendly(err: dict, loc: tuple[Any, ...], data: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean '{guess[0]}'?" if guess else f"; allowed here: {', '.join(sorted(allowed))}"
        return f"unknown key '{loc[-1]}'{hint}"
    if kind == "missing":
        return "is required"
    message = err["msg"].removeprefix("Value error, ")
    if kind == "string_type" and isinstance(err.get("input"), (bool, int, float)):
        return f"{message}; YAML read {err['input']!r} as a {type(err['input']).__name__}: put the value in quotes"
    return message


def _allowed_keys(parent: tuple[Any, ...]) -> list[str]:
    model: Any = Config
    for part in parent:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        annotation = field.annotation
        inner = getattr(annotation, "__args__", None)
        model = inner[0] if inner else annotation
    if not hasattr(model, "model_fields"):
        return []
    return [f.alias or name for name, f in model.model_fields.items()]
