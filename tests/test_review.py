"""The review flow against the real SMTP server on loopback, with the clock the tests give:
a proof to the editors only, an unapproved issue not sent, an approved one sent once, a thin draft held."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from whalewatch.config import load_edition
from whalewatch.review import state_of
from whalewatch.schedule import run_collect, run_draft, run_publish
from whalewatch.store import Store
from whalewatch.weeks import latest_complete_week
from tests.conftest import Recorder, run_cli
from tests.test_schedule import scheduled_edition

READERS = [f"reader{n}@example.org" for n in range(3)]
EDITORS = ["editor@example.org", "deputy@example.org"]
WEEK = latest_complete_week(datetime.now(timezone.utc), timezone.utc)
START, _ = WEEK.window(timezone.utc)
SUNDAY_EVENING = START + timedelta(days=6, hours=18)      # the draft job's time
MONDAY_MORNING = START + timedelta(days=7, hours=7)       # the publish job's time


def make_edition(folder: Path, review: str = "required", min_stories: int = 0) -> Path:
    return scheduled_edition(folder, READERS, email=f"\n  editors: [{', '.join(EDITORS)}]", schedule=(
        f'draft: "0 18 * * sun"\n  publish: "0 7 * * mon"\n  review: {review}\n  min_stories: {min_stories}\n'
        "  desk_url: http://127.0.0.1:8000"))


def state(config: Path) -> str | None:
    with Store(load_edition(config).store_path) as store:
        return state_of(store, str(WEEK))[0]


def to_readers(smtp: Recorder) -> int:
    return sum(smtp.count_to(address) for address in READERS)


def test_the_proof_reaches_the_editors_only_with_a_link_to_the_desk(tmp_path, smtp_env):
    config = make_edition(tmp_path / "ed")
    run_draft(str(config), now=SUNDAY_EVENING)
    assert to_readers(smtp_env) == 0
    assert [smtp_env.count_to(e) for e in EDITORS] == [1, 1]
    proof = smtp_env.parsed()[0]
    assert proof["Subject"].startswith("[Proof]")
    body = proof.get_body(("plain",)).get_content()
    assert f"http://127.0.0.1:8000/desk/{WEEK}" in body and "approve --week" in body
    banner = proof.get_body(("html",)).get_content()
    assert f'<a href="http://127.0.0.1:8000/desk/{WEEK}">' in banner and banner.index("Proof of") < banner.index("Whale Watch</")
    assert state(config) == "proof sent"


def test_an_unapproved_issue_is_not_sent_and_the_editors_are_told(tmp_path, smtp_env):
    config = make_edition(tmp_path / "ed")
    run_draft(str(config), now=SUNDAY_EVENING)
    run_publish(str(config), now=MONDAY_MORNING)
    assert to_readers(smtp_env) == 0
    notices = [m for m in smtp_env.parsed() if m["Subject"].startswith("[Not sent]")]
    assert len(notices) == len(EDITORS) and "not approved" in notices[0].get_content()
    status = run_cli("--config", str(config), "status").stdout
    assert "proof sent" in status and "skipped" in status


def test_an_approved_issue_is_sent_once_to_every_reader_as_approved(tmp_path, smtp_env):
    config = make_edition(tmp_path / "ed")
    run_draft(str(config), now=SUNDAY_EVENING)
    approved = run_cli("--config", str(config), "approve", "--week", str(WEEK))
    assert "approved" in approved.stdout and state(config) == "approved"
    # A story arriving after approval does not slip into the approved issue.
    feed = config.parent / "feeds" / "news.xml"
    feed.write_text(feed.read_text().replace("</channel>", "<item><title>Late unapproved story</title>"
                                             "<link>https://news.example/late</link></item></channel>"))
    run_publish(str(config), now=MONDAY_MORNING)
    run_publish(str(config), now=MONDAY_MORNING + timedelta(minutes=5))       # a second run sends nothing twice
    assert [smtp_env.count_to(r) for r in READERS] == [1, 1, 1]
    sent = [m for m in smtp_env.parsed() if READERS[0] in m["To"]][0]
    assert "Late unapproved story" not in sent.get_body(("plain",)).get_content()
    assert state(config) == "sent"
    with Store(load_edition(config).store_path) as store:
        history = [row["state"] for row in store.issue_history(str(WEEK))]
    assert history[:4] == ["drafted", "proof sent", "approved", "sending"] and history[-1] == "sent"


def test_a_thin_draft_is_held_and_not_published_even_under_auto_review(tmp_path, smtp_env):
    config = make_edition(tmp_path / "ed", review="auto", min_stories=10)
    run_draft(str(config), now=SUNDAY_EVENING)
    assert state(config) == "held"
    held = [m for m in smtp_env.parsed() if m["Subject"].startswith("[Held]")]
    assert len(held) == len(EDITORS) and "fewer than schedule.min_stories (10)" in held[0].get_content()
    run_publish(str(config), now=MONDAY_MORNING)
    assert to_readers(smtp_env) == 0


def test_under_auto_review_a_hold_stops_the_publish_and_an_approval_releases_it(tmp_path, smtp_env):
    config = make_edition(tmp_path / "ed", review="auto")
    run_draft(str(config), now=SUNDAY_EVENING)
    run_cli("--config", str(config), "hold", "--week", str(WEEK), "--reason", "checking a figure")
    run_publish(str(config), now=MONDAY_MORNING)
    assert to_readers(smtp_env) == 0 and state(config) == "held"
    run_cli("--config", str(config), "approve", "--week", str(WEEK))
    run_publish(str(config), now=MONDAY_MORNING + timedelta(hours=1))
    assert [smtp_env.count_to(r) for r in READERS] == [1, 1, 1]
    refused = run_cli("--config", str(config), "hold", "--week", str(WEEK), check=False)
    assert refused.returncode != 0 and "already sent" in refused.stderr


def test_the_schedule_shows_the_draft_job_and_the_review_rule(tmp_path, smtp_env):
    config = make_edition(tmp_path / "ed")
    shown = run_cli("--config", str(config), "schedule", "--show").stdout
    assert "draft" in shown and "0 18 * * sun" in shown and "only if approved" in shown
    valid = run_cli("--config", str(config), "check", check=False)
    assert valid.returncode == 0, valid.stderr
    config.write_text(config.read_text().replace("review: required", "review: sometimes"))
    refused = run_cli("--config", str(config), "check", check=False)
    assert refused.returncode != 0 and "review" in refused.stderr + refused.stdout


def test_an_issue_approved_after_its_publish_was_skipped_goes_out_at_the_next_collect(tmp_path, smtp_env):
    config = make_edition(tmp_path / "ed")
    run_draft(str(config), now=SUNDAY_EVENING)
    run_publish(str(config), now=MONDAY_MORNING)                 # not approved in time: skipped
    assert to_readers(smtp_env) == 0
    run_cli("--config", str(config), "approve", "--week", str(WEEK))
    run_collect(str(config))
    assert [smtp_env.count_to(r) for r in READERS] == [1, 1, 1] and state(config) == "sent"
    run_collect(str(config))                                     # and only once
    assert [smtp_env.count_to(r) for r in READERS] == [1, 1, 1]


def test_approving_late_says_when_it_will_go_out(tmp_path, smtp_env):
    config = make_edition(tmp_path / "ed")
    run_draft(str(config), now=SUNDAY_EVENING)
    run_publish(str(config), now=MONDAY_MORNING)
    said = run_cli("--config", str(config), "approve", "--week", str(WEEK)).stdout
    assert "already passed" in said and f"whalewatch send --week {WEEK}" in said
