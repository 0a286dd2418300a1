"""Delivery against a real SMTP server on loopback (aiosmtpd): messages parsed back, failures, a kill."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from whalewatch.deliver import header_text
from tests.conftest import WHALEWATCH, Recorder, StuckSmtp, run_cli

RECIPIENTS = [f"reader{n}@example.org" for n in range(8)]


@pytest.fixture
def edition(sample_edition: Path) -> Path:
    text = sample_edition.read_text() + f"""
email:
  from: briefing@whalewatch.example
  from_name: Whale Watch
  reply_to: editor@whalewatch.example
  unsubscribe_url: https://whalewatch.example/unsubscribe
  unsubscribe_mailto: unsubscribe@whalewatch.example
  recipients_file: recipients.csv
  recipients:
    - {{email: {RECIPIENTS[0]}, name: "Reader Zero", format: html+pdf}}
    - {{email: {RECIPIENTS[1]}, format: text}}
  smtp: {{host: smtp.invalid, port: 25, tls: starttls, rate_per_minute: 60000, retries: 3, retry_delay: 0.05}}
"""
    sample_edition.write_text(text)
    rows = "\n".join(f"{address},Reader {n},html" for n, address in enumerate(RECIPIENTS[2:], start=2))
    (sample_edition.parent / "recipients.csv").write_text("email,name,format\n" + rows + "\n")
    run_cli("--config", str(sample_edition), "fetch")
    run_cli("--config", str(sample_edition), "build", "--week", "2025-W05")
    return sample_edition


def send(edition: Path, smtp: Recorder, *args: str, check: bool = True):  # noqa: ANN201
    return run_cli("--config", str(edition), "send", "--week", "2025-W05", *args, env=smtp.env, check=check)


def test_message_parts_encodings_and_headers(edition, smtp):
    result = send(edition, smtp)
    assert "8 sent, 0 already had it, 0 failed" in result.stdout
    by_to = {m["To"].addresses[0].addr_spec: m for m in smtp.parsed()}
    assert sorted(by_to) == sorted(RECIPIENTS)
    html_pdf = by_to[RECIPIENTS[0]]
    assert html_pdf.get_content_type() == "multipart/mixed"
    body = html_pdf.get_body(preferencelist=("html",))
    assert body.get_content_charset() == "utf-8" and "<script" not in body.get_content()
    assert html_pdf.get_body(preferencelist=("plain",)).get_content().startswith("WHALE WATCH #5")
    (attachment,) = list(html_pdf.iter_attachments())
    assert attachment.get_content_type() == "application/pdf" and attachment.get_content()[:5] == b"%PDF-"
    text_only = by_to[RECIPIENTS[1]]
    assert text_only.get_content_type() == "text/plain"
    plain = by_to[RECIPIENTS[2]]
    assert plain.get_content_type() == "multipart/alternative"
    assert plain["Subject"] == "Whale Watch #5 — DeepSeek and China AI, week of 27 Jan"
    assert plain["From"].addresses[0].display_name == "Whale Watch"
    assert plain["Reply-To"] == "editor@whalewatch.example"
    assert plain["List-Id"].endswith("<whale-watch.whalewatch.example>")
    assert plain["List-Unsubscribe"] == "<https://whalewatch.example/unsubscribe>, <mailto:unsubscribe@whalewatch.example?subject=unsubscribe>"
    assert plain["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert plain["Message-ID"].startswith("<2025-W05.") and plain["Date"]
    assert len({m["Message-ID"] for m in smtp.parsed()}) == len(RECIPIENTS)


def test_a_rerun_sends_nothing_twice(edition, smtp):
    send(edition, smtp)
    again = send(edition, smtp)
    assert "0 sent, 8 already had it" in again.stdout
    assert len(smtp.messages) == len(RECIPIENTS)
    log = run_cli("--config", str(edition), "deliveries", "--week", "2025-W05").stdout
    assert "8 sent, 0 failed" in log


def test_temporary_failures_are_retried_and_a_dropped_connection_resumes(edition, smtp):
    smtp.temporary_failures = 2
    smtp.drop_at = 4
    result = send(edition, smtp)
    assert "8 sent" in result.stdout
    assert all(smtp.count_to(address) == 1 for address in RECIPIENTS)


def test_a_permanent_rejection_is_recorded_with_the_servers_words(edition, smtp):
    smtp.reject = {RECIPIENTS[3]}
    result = send(edition, smtp, check=False)
    assert result.returncode == 1
    assert f"{RECIPIENTS[3]}: 550 5.1.1" in result.stderr and "mailbox unavailable" in result.stderr
    assert len(smtp.messages) == len(RECIPIENTS) - 1
    log = run_cli("--config", str(edition), "deliveries", "--week", "2025-W05").stdout
    assert "7 sent, 1 failed" in log and "mailbox unavailable" in log
    smtp.reject = set()
    retry = send(edition, smtp)
    assert "1 sent, 7 already had it" in retry.stdout


def test_killed_mid_batch_then_rerun_delivers_to_everyone_exactly_once(edition, smtp):
    """Killed while the server holds the fourth recipient, so three are sent and recorded.

    (Killed in the instant between the server accepting a message and the store recording it,
    a rerun sends that one again with the same Message-ID: at least once, by design. Waiting for
    the third message to arrive and killing then landed in that instant on a busy machine.)
    """
    smtp.hold = RECIPIENTS[3]
    env = dict(os.environ, **smtp.env)
    process = subprocess.Popen(WHALEWATCH + ["--config", str(edition), "send", "--week", "2025-W05"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not smtp.held and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    smtp.hold = None
    assert smtp.held == [RECIPIENTS[3]] and len(smtp.messages) == 3
    send(edition, smtp)
    assert sorted(smtp.count_to(a) for a in RECIPIENTS) == [1] * len(RECIPIENTS)


def test_proof_and_dry_run_leave_the_log_alone(edition, smtp):
    proof = send(edition, smtp, "--to", "editor@example.org")
    assert "1 sent" in proof.stdout and smtp.count_to("editor@example.org") == 1
    dry = run_cli("--config", str(edition), "send", "--week", "2025-W05", "--dry-run")
    assert "8 messages written; nothing sent." in dry.stdout
    outbox = edition.parent / ".whalewatch" / "outbox" / "2025-W05"
    eml = email.message_from_bytes((outbox / f"{RECIPIENTS[2]}.eml").read_bytes(), policy=email.policy.default)
    assert eml["To"].addresses[0].addr_spec == RECIPIENTS[2]
    assert "8 sent" in send(edition, smtp).stdout


def test_header_injection_through_a_title_is_neutralised():
    hostile = "Breaking\r\nBcc: victim@example.org =?utf-8?q?x=0D=0ABcc:_evil@example.org?="
    value = header_text(hostile)
    assert "\r" not in value and "\n" not in value and "=?" not in value
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["Subject"] = value
    msg["To"] = "reader@example.org"
    msg.set_content("x")
    wire = bytes(msg)
    headers = wire.split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in headers and b"\r\nBcc:" not in headers
    parsed = email.message_from_bytes(wire, policy=email.policy.default)
    assert parsed["Bcc"] is None and parsed["To"] == "reader@example.org"


def test_smtp_settings_come_from_the_environment_only(edition, smtp, monkeypatch):
    monkeypatch.setenv("WHALEWATCH_SMTP_PORT", "not-a-port")
    result = run_cli("--config", str(edition), "send", "--week", "2025-W05",
                     env={**smtp.env, "WHALEWATCH_SMTP_PORT": "nope"}, check=False)
    assert result.returncode == 2 and "WHALEWATCH_SMTP_PORT must be a number" in result.stderr


def test_a_chinese_subject_and_sender_are_encoded_and_read_back_intact(edition, smtp):
    edition.write_text(edition.read_text().replace("  title: Whale Watch\n", "  title: 鲸鱼观察 Whale Watch\n", 1)
                       .replace("  from_name: Whale Watch\n", "  from_name: 鲸鱼观察\n", 1))
    send(edition, smtp, "--to", "proof@example.org", "--rebuild")
    raw = smtp.messages[-1]
    headers = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    assert headers.isascii(), "headers travel as ASCII (RFC 2047 encoded words)"
    assert b"=?utf-8?" in headers.lower()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"].startswith("鲸鱼观察 Whale Watch #5")
    assert message["From"].addresses[0].display_name == "鲸鱼观察"
    assert "鲸鱼观察" in message.get_body(("plain",)).get_content()


def _short_limits(edition: Path, budget: float = 600) -> None:
    edition.write_text(edition.read_text().replace(
        "rate_per_minute: 60000, retries: 3, retry_delay: 0.05}",
        f"rate_per_minute: 60000, retries: 3, retry_delay: 0.05, timeout: 1, deadline: 3, budget: {budget}}}"))


def test_a_stalled_server_is_given_up_on_in_seconds_and_nobody_is_marked_served(edition, stuck_smtp):
    _short_limits(edition)
    started = time.monotonic()
    result = run_cli("--config", str(edition), "send", "--week", "2025-W05", env=stuck_smtp.env, check=False)
    elapsed = time.monotonic() - started
    assert result.returncode == 1 and "8 not reached" in result.stderr and "did not answer" in result.stderr
    assert stuck_smtp.connections <= 2, "one stalled connection ends the run, not one per recipient"
    assert elapsed < 30, f"took {elapsed:.0f}s"
    log = run_cli("--config", str(edition), "deliveries", "--week", "2025-W05").stdout
    assert "0 sent" in log and "8 not yet sent" in log


def test_a_reply_that_trickles_is_cut_off_by_the_deadline_and_the_run_by_its_budget(edition):
    """Each byte comes within the 1 s timeout, so only the 3 s deadline ends an exchange; after
    the 5 s budget nobody else is tried, and the rest wait for the next run."""
    _short_limits(edition, budget=5)
    server = StuckSmtp("after-greeting")
    try:
        started = time.monotonic()
        result = run_cli("--config", str(edition), "send", "--week", "2025-W05", env=server.env, check=False)
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert result.returncode == 1 and "smtp.deadline" in result.stderr
    assert "not reached" in result.stderr and "smtp.budget" in result.stderr
    assert elapsed < 45, f"took {elapsed:.0f}s"


def test_a_4xx_at_rcpt_is_retried_on_a_fresh_connection(edition, smtp):
    smtp.defer = {RECIPIENTS[2]: 1}
    result = send(edition, smtp)
    assert "8 sent" in result.stdout and smtp.count_to(RECIPIENTS[2]) == 1
    tries = [peer for address, peer in smtp.rcpt_from if address == RECIPIENTS[2]]
    assert len(tries) == 2 and tries[0] != tries[1], "the retry must come on a new connection"


def test_a_proof_has_its_own_message_id(edition, smtp):
    send(edition, smtp, "--to", RECIPIENTS[2])
    send(edition, smtp)
    ids = [m["Message-ID"] for m in smtp.parsed() if RECIPIENTS[2] in m["To"]]
    assert len(ids) == 2 and ids[0] != ids[1]
