"""Deliver: one built issue to every recipient, exactly once, with a log an operator can read.

Each (week, recipient) send is recorded in the store before the message is handed to the
server ("sending") and after the server accepts it ("sent"), or marked "failed" with the
server's words. A rerun skips everyone already sent, retries the rest, and re-sends the rare
"sending" ones (killed between handing over and hearing back) with the same Message-ID, so mail
clients that see both keep one. Temporary failures (4xx, dropped connections) are retried with
backoff on a fresh connection; permanent ones (5xx) are not.
"""

from __future__ import annotations

import csv
import html
import hashlib
import os
import re
import smtplib
import socket
import ssl
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Callable, Iterator

from .config import Edition, Recipient, Smtp
from .errors import WhalewatchError, display_path
from .store import Store

ENV_PREFIX = "WHALEWATCH_SMTP_"


@dataclass
class BuiltIssue:
    """The files of one issue as written by build; the email is made from these, nothing else."""

    week: str
    number: int
    subject: str
    html: str
    text: str
    pdf: bytes | None


@dataclass
class SendReport:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    resent_uncertain: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    not_reached: list[str] = field(default_factory=list)   # left for the next run: asked to stop, out of time, no server
    stopped_because: str = ""                               # why not_reached, when it is not empty


def header_text(value: str, limit: int = 250) -> str:
    """Text from feeds or notes made safe for a header: one line, no encoded-word smuggling.

    Python's email package turns an encoded word containing CR/LF into a real header line
    (CVE-2024-6923), so ``=?...?=`` sequences are broken up and every line break becomes a space.
    """
    value = re.sub(r"[\r\n\x00-\x1f\x7f\u2028\u2029\x85]+", " ", value)
    value = value.replace("=?", "=\u200b?").replace("?=", "?\u200b=")
    value = " ".join(value.split())
    return value[:limit]


def load_recipients(edition: Edition) -> list[Recipient]:
    """feeds.yaml's list plus the CSV file it names (columns: email, name, format)."""
    email = edition.config.email
    found = list(email.recipients)
    if email.recipients_file:
        path = edition._dir(email.recipients_file)  # noqa: SLF001 - edition-relative path
        if not path.is_file():
            raise WhalewatchError(f"{display_path(path)}: recipients file not found (email.recipients_file)")
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    found.append(Recipient(email=(row.get("email") or "").strip(), name=(row.get("name") or "").strip(),
                                           format=(row.get("format") or "html").strip() or "html"))
                except ValueError as exc:
                    message = "; ".join(e["msg"] for e in getattr(exc, "errors", lambda: [])()) or str(exc)
                    raise WhalewatchError(f"{display_path(path)}:{line}: {message}") from None
    unique: dict[str, Recipient] = {}
    for recipient in found:
        unique.setdefault(recipient.email.lower(), recipient)
    return list(unique.values())


def smtp_settings(base: Smtp) -> tuple[Smtp, str | None, str | None]:
    """The edition's SMTP settings with WHALEWATCH_SMTP_* environment variables on top.

    Credentials exist only in the environment: never in feeds.yaml, never in the repository.
    """
    env = os.environ
    values = base.model_dump()
    if env.get(ENV_PREFIX + "HOST"):
        values["host"] = env[ENV_PREFIX + "HOST"]
    if env.get(ENV_PREFIX + "PORT"):
        if not env[ENV_PREFIX + "PORT"].isdigit():
            raise WhalewatchError(f"{ENV_PREFIX}PORT must be a number, not {env[ENV_PREFIX + 'PORT']!r}")
        values["port"] = int(env[ENV_PREFIX + "PORT"])
    if env.get(ENV_PREFIX + "TLS"):
        if env[ENV_PREFIX + "TLS"] not in ("none", "starttls", "ssl"):
            raise WhalewatchError(f"{ENV_PREFIX}TLS must be none, starttls or ssl")
        values["tls"] = env[ENV_PREFIX + "TLS"]
    return Smtp(**values), env.get(ENV_PREFIX + "USER") or None, env.get(ENV_PREFIX + "PASSWORD") or None


def message_id(week: str, recipient: str, domain: str) -> str:
    """The same for every attempt at one (issue, recipient): a resend is recognisably the same mail."""
    digest = hashlib.sha256(f"{week}\x1f{recipient.lower()}".encode()).hexdigest()[:24]
    return f"<{week}.{digest}@{domain}>"


def build_message(edition: Edition, issue: BuiltIssue, recipient: Recipient, now: datetime,
                  proof: bool = False, proof_note: str = "") -> EmailMessage:
    """A proof gets a Message-ID of its own: sharing the real one would make the reader's mail
    client treat the real issue, when it comes, as a copy of the proof and hide it."""
    email = edition.config.email
    domain = email.from_address.rsplit("@", 1)[-1]
    msg = EmailMessage()
    msg["Subject"] = header_text(f"[Proof] {issue.subject}" if proof and proof_note else issue.subject)
    msg["From"] = _sender(edition)
    msg["To"] = Address(display_name=header_text(recipient.name, 100), addr_spec=recipient.email)
    if email.reply_to:
        msg["Reply-To"] = email.reply_to
    msg["Date"] = format_datetime(now.astimezone(timezone.utc))
    msg["Message-ID"] = make_msgid(f"proof.{issue.week}", domain) if proof else message_id(issue.week, recipient.email, domain)
    list_id = email.list_id or f"{re.sub(r'[^a-z0-9]+', '-', edition.config.briefing.title.lower()).strip('-')}.{domain}"
    msg["List-Id"] = f"{header_text(edition.config.briefing.title, 100)} <{list_id}>"
    unsubscribe = [f"<mailto:{email.unsubscribe_mailto}?subject=unsubscribe>"] if email.unsubscribe_mailto else []
    if email.unsubscribe_url:
        unsubscribe.insert(0, f"<{email.unsubscribe_url}>")
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if unsubscribe:
        msg["List-Unsubscribe"] = ", ".join(unsubscribe)
    msg["X-Whalewatch-Issue"] = f"{issue.week} #{issue.number}"
    text, body_html = issue.text, issue.html
    if proof and proof_note:
        text = f"{proof_note}\n\n{text}"
        banner = (f'<div style="background:#fff4ce;border:1px solid #e0c060;padding:10px 14px;margin:0 0 12px;'
                  f'font:14px/1.5 sans-serif;color:#3b2f00">{_linked(proof_note)}</div>')
        body_html = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + banner, body_html, count=1) if "<body" in body_html else banner + body_html
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    if recipient.format != "text":
        msg.add_alternative(body_html, subtype="html", charset="utf-8", cte="quoted-printable")
    wants_pdf = recipient.format == "html+pdf" or (email.attach_pdf and recipient.format != "text")
    if wants_pdf and issue.pdf:
        msg.add_attachment(issue.pdf, maintype="application", subtype="pdf", filename=f"whalewatch-{issue.week}.pdf")
    return msg


def _sender(edition: Edition) -> Address:
    email = edition.config.email
    return Address(display_name=header_text(email.from_name or edition.config.briefing.title, 100), addr_spec=email.from_address)


def _linked(text: str) -> str:
    """Escaped text with its http(s) addresses as links (the desk's address in a proof's banner)."""
    return re.sub(r"https?://[^\s<>&\"']+", lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', html.escape(text, quote=True))


class _Connection:
    """One SMTP connection, reused across recipients, reopened after a drop.

    The socket timeout bounds each wait for a byte, not a reply: a server that trickles one byte
    a second would hold a send for ever. So every exchange also runs under a deadline, and when
    it passes the socket is shut, which ends whatever read is waiting."""

    def __init__(self, settings: Smtp, user: str | None, password: str | None):
        self.settings, self.user, self.password = settings, user, password
        self.client: smtplib.SMTP | None = None
        self.connecting: smtplib.SMTP | None = None

    @contextmanager
    def deadline(self, seconds: float) -> Iterator[threading.Event]:
        """Yields an event that is set if the time ran out (a cut-off read may still look complete)."""
        expired = threading.Event()

        def cut() -> None:
            expired.set()
            for client in (self.client, self.connecting):
                sock = getattr(client, "sock", None)
                if sock is not None:
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        timer = threading.Timer(seconds, cut)
        timer.daemon = True
        timer.start()
        try:
            yield expired
        except (smtplib.SMTPException, OSError) as exc:
            if not expired.is_set() or isinstance(exc, NoServer):
                raise
            self.drop()
            raise TimeoutError(f"no complete answer within {seconds:g}s (smtp.deadline)") from exc
        finally:
            timer.cancel()

    def get(self) -> smtplib.SMTP:
        if self.client is None:
            s = self.settings
            try:
                with self.deadline(s.deadline) as expired:
                    client = self.connecting = (smtplib.SMTP_SSL(timeout=s.timeout, context=ssl.create_default_context())
                                                if s.tls == "ssl" else smtplib.SMTP(timeout=s.timeout))
                    code, text = client.connect(s.host, s.port)
                    if expired.is_set():
                        raise TimeoutError(f"no complete greeting within {s.deadline:g}s (smtp.deadline)")
                    if code != 220:
                        client.close()
                        raise NoServer(f"{s.host}:{s.port} greeted with {code} {_text(text)}")
                    if s.tls == "starttls":
                        client.starttls(context=ssl.create_default_context())
                    if self.user:
                        client.login(self.user, self.password or "")
            except (smtplib.SMTPException, OSError) as exc:
                # Not answering, refusing TLS or refusing the login: nobody can be served through it now.
                if isinstance(exc, NoServer):
                    raise
                if self.connecting is not None:
                    self.connecting.close()
                if isinstance(exc, smtplib.SMTPResponseException):
                    raise NoServer(f"{s.host}:{s.port} refused the session: {exc.smtp_code} {_text(exc.smtp_error)}") from None
                raise NoServer(f"{s.host}:{s.port} did not answer ({exc or type(exc).__name__})") from None
            finally:
                self.connecting = None
            self.client = client
        return self.client

    def drop(self) -> None:
        if self.client is not None:
            try:
                self.client.close()
            finally:
                self.client = None

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except smtplib.SMTPException:
                pass
            except OSError:
                pass
            self.drop()


class TemporaryFailure(Exception):
    pass


class NoServer(OSError):
    """The server could not be reached or did not greet: no recipient can be served this run."""


class PermanentFailure(Exception):
    pass


def _send_one(connection: _Connection, msg: EmailMessage, sender: str, recipient: str) -> None:
    """One message under the exchange deadline. Any temporary failure, a 4xx at RCPT included,
    drops the connection: the retry starts afresh, as a server that deferred may expect."""
    try:
        client = connection.get()
        with connection.deadline(connection.settings.deadline):
            refused = client.send_message(msg, from_addr=sender, to_addrs=[recipient])
    except NoServer:
        connection.drop()
        raise
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = exc.recipients.get(recipient, (550, b"refused"))
        if code < 500:
            connection.drop()
        raise (PermanentFailure if code >= 500 else TemporaryFailure)(f"{code} {_text(text)}") from None
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500:
            raise PermanentFailure(f"{exc.smtp_code} {_text(exc.smtp_error)}") from None
        connection.drop()
        raise TemporaryFailure(f"{exc.smtp_code} {_text(exc.smtp_error)}") from None
    except (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError, OSError) as exc:
        connection.drop()
        raise TemporaryFailure(f"connection lost: {exc or type(exc).__name__}") from None
    if refused:
        code, text = refused[recipient]
        raise PermanentFailure(f"{code} {_text(text)}")


def _text(value: bytes | str) -> str:
    return (value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)).strip()


def send_issue(edition: Edition, issue: BuiltIssue, recipients: list[Recipient], store: Store, *,
               proof: bool = False, proof_note: str = "", dry_run_dir: Path | None = None,
               sleep: Callable[[float], None] = time.sleep, now: Callable[[], datetime] | None = None,
               should_stop: Callable[[], bool] = lambda: False) -> SendReport:
    """Send to each recipient not yet sent. ``proof`` sends (to a --to address) without touching the log.

    ``should_stop`` is asked between recipients: a daemon told to stop ends after the message in
    hand, and whoever was not reached is simply not in the log as sent, so the next run sends to them.
    """
    now = now or (lambda: datetime.now(timezone.utc))
    report = SendReport()
    if dry_run_dir is not None:
        dry_run_dir.mkdir(parents=True, exist_ok=True)
        for recipient in recipients:
            path = dry_run_dir / f"{re.sub(r'[^A-Za-z0-9@._-]+', '_', recipient.email)}.eml"
            path.write_bytes(bytes(build_message(edition, issue, recipient, now())))
            report.written.append(path)
        return report
    settings, user, password = smtp_settings(edition.config.email.smtp)
    connection = _Connection(settings, user, password)
    interval = 60.0 / settings.rate_per_minute
    last_send = 0.0
    out_of_time = time.monotonic() + settings.budget
    try:
        for position, recipient in enumerate(recipients):
            reason = ("asked to stop" if should_stop() else
                      f"the run's time budget ({settings.budget:g}s, smtp.budget) was spent" if time.monotonic() > out_of_time else "")
            if reason:
                report.not_reached, report.stopped_because = [r.email for r in recipients[position:]], reason
                break
            state = None if proof else store.delivery_state(issue.week, recipient.email)
            if state == "sent":
                report.skipped.append(recipient.email)
                continue
            if state == "sending":
                report.resent_uncertain.append(recipient.email)
            msg = build_message(edition, issue, recipient, now(), proof=proof, proof_note=proof_note)
            attempt = 0
            while True:
                wait = last_send + interval - time.monotonic()
                if wait > 0:
                    sleep(wait)
                if not proof:
                    store.record_delivery(issue.week, recipient.email, "sending", now(), message_id=msg["Message-ID"])
                try:
                    _send_one(connection, msg, edition.config.email.from_address, recipient.email)
                except NoServer as exc:
                    # Nobody can be served: waiting out a timeout per recipient would only delay saying so.
                    if not proof:
                        store.record_delivery(issue.week, recipient.email, "pending", now(), error=str(exc))
                    report.not_reached = [r.email for r in recipients[position:]]
                    report.stopped_because = f"the SMTP server {exc}"
                    return report
                except TemporaryFailure as exc:
                    attempt += 1
                    if attempt > settings.retries:
                        _fail(store, issue.week, recipient.email, f"gave up after {attempt} attempts: {exc}", now(), proof, report)
                        break
                    if not proof:
                        store.record_delivery(issue.week, recipient.email, "retry", now(), error=str(exc))
                    sleep(min(settings.retry_delay * 2 ** (attempt - 1), 300.0))
                    continue
                except PermanentFailure as exc:
                    _fail(store, issue.week, recipient.email, str(exc), now(), proof, report)
                    break
                finally:
                    last_send = time.monotonic()
                if not proof:
                    store.record_delivery(issue.week, recipient.email, "sent", now())
                report.sent.append(recipient.email)
                break
    finally:
        connection.close()
    return report


def _fail(store: Store, week: str, email: str, error: str, when: datetime, proof: bool, report: SendReport) -> None:
    if not proof:
        store.record_delivery(week, email, "failed", when, error=error)
    report.failed.append((email, error))


@dataclass
class Standing:
    """Where one issue stands with every reader on the list, not only those the log has met."""
    week: str
    sent: list[str]
    failed: list[str]
    waiting: list[str]          # on the list, not sent and not permanently refused: never tried, pending, retrying
    uncertain: list[str]        # handed to the server when a run was killed: resent with the same Message-ID

    def line(self) -> str:
        shown = ", ".join(self.waiting[:5]) + (f" and {len(self.waiting) - 5} more" if len(self.waiting) > 5 else "")
        return (f"{self.week}: {len(self.sent)} sent, {len(self.failed)} failed, {len(self.waiting)} not yet sent"
                + (f" ({shown})" if self.waiting else "") + (f", {len(self.uncertain)} uncertain" if self.uncertain else ""))


def standing(edition: Edition, store: Store, week: str) -> Standing:
    rows = {row["recipient"]: row["state"] for row in store.deliveries(week)}
    try:
        listed = [r.email.lower() for r in load_recipients(edition)]
    except WhalewatchError:
        listed = []
    everyone = list(dict.fromkeys(listed + sorted(rows)))
    return Standing(week, [r for r in everyone if rows.get(r) == "sent"], [r for r in everyone if rows.get(r) == "failed"],
                    [r for r in everyone if rows.get(r) not in ("sent", "failed")],
                    [r for r in everyone if rows.get(r) == "sending"])


def send_notice(edition: Edition, to: list[str], subject: str, body: str) -> list[str]:
    """A short plain message to the editors (an issue held, a publish skipped). Returns the
    addresses it could not reach; a notice is never worth failing the job that sends it."""
    if not to:
        return []
    settings, user, password = smtp_settings(edition.config.email.smtp)
    connection = _Connection(settings, user, password)
    email = edition.config.email
    missed: list[str] = []
    try:
        for position, address in enumerate(to):
            msg = EmailMessage()
            msg["Subject"] = header_text(subject)
            msg["From"] = _sender(edition)
            msg["To"] = address
            msg["Date"] = format_datetime(datetime.now(timezone.utc))
            msg["Message-ID"] = make_msgid("notice", email.from_address.rsplit("@", 1)[-1])
            msg.set_content(body, charset="utf-8")
            try:
                _send_one(connection, msg, email.from_address, address)
            except (TemporaryFailure, PermanentFailure):
                missed.append(address)
            except NoServer:                     # nobody else can be told either: no timeout per editor
                missed += to[position:]
                break
    finally:
        connection.close()
    return missed
