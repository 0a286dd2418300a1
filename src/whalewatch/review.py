"""Review: an issue's way from draft to readers, with a person in the loop.

The draft job builds the coming issue ahead of the publish job and mails the editors a proof;
the editors approve it or hold it (from the command line or the desk); the publish job sends
only what the edition's ``schedule.review`` allows. Every change of state is a row in the store,
so ``status`` can show where each issue stands and why, and nothing depends on a process that
may have been restarted in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from apscheduler.triggers.cron import CronTrigger

from .config import Edition, Recipient
from .errors import WhalewatchError
from .store import Store
from .weeks import Week, latest_complete_week

DRAFTED, PROOF_SENT, APPROVED, HELD, SENDING, SENT = "drafted", "proof sent", "approved", "held", "sending", "sent"


@dataclass
class Decision:
    """Whether the publish job may send a week, and the words for the log and the editors."""
    send: bool
    reason: str = ""
    frozen: bool = False        # approved: send the issue the editors saw, do not rebuild it


def week_to_publish(edition: Edition, now: datetime) -> Week:
    """The week the next publish will send: a draft on Sunday evening is of the week that
    Monday's publish closes, not of the week before."""
    trigger = CronTrigger.from_crontab(edition.config.schedule.publish, timezone=edition.tz)
    upcoming = trigger.get_next_fire_time(None, now.astimezone(edition.tz)) or now
    return latest_complete_week(upcoming, edition.tz)


def state_of(store: Store, week: str) -> tuple[str | None, str]:
    row = store.issue_state(week)
    return (row["state"], row["detail"]) if row else (None, "")


def decide(edition: Edition, store: Store, week: str) -> Decision:
    state, detail = state_of(store, week)
    if state == HELD:
        return Decision(False, f"held{': ' + detail if detail else ''}; approve it to send (whalewatch approve --week {week})")
    if state in (APPROVED, SENDING, SENT):
        return Decision(True, frozen=True)
    if edition.config.schedule.review == "required":
        return Decision(False, f"not approved (schedule.review is required); approve it to send (whalewatch approve --week {week})")
    return Decision(True)


def approve(edition: Edition, store: Store, week: str, now: datetime, who: str = "") -> str:
    state, _ = state_of(store, week)
    if state in (SENDING, SENT):
        raise WhalewatchError(f"{week} is already {state}: there is nothing left to approve")
    if not (edition.output_dir / week / "issue.json").is_file():
        raise WhalewatchError(f"{week} is not built yet: build it (whalewatch build --week {week}) and read it first")
    store.record_issue_state(week, APPROVED, now, f"approved{' by ' + who if who else ''}")
    return f"{week} approved: the next publish sends it as built"


def hold(edition: Edition, store: Store, week: str, now: datetime, reason: str = "") -> str:
    state, _ = state_of(store, week)
    if state in (SENDING, SENT):
        raise WhalewatchError(f"{week} is already {state}: it can no longer be held")
    store.record_issue_state(week, HELD, now, reason or "held by an editor")
    return f"{week} held: nothing goes to readers until it is approved"


def hold_thin(edition: Edition, store: Store, week: str, stories: int, now: datetime) -> str:
    """Hold an issue thinner than schedule.min_stories and tell the editors why; returns the line
    for the job's record, or '' when the issue is not thin."""
    floor = edition.config.schedule.min_stories
    if not floor or stories >= floor:
        return ""
    reason = f"thin draft: {stories} stor{'y' if stories == 1 else 'ies'}, fewer than schedule.min_stories ({floor})"
    store.record_issue_state(week, HELD, now, reason)
    told = tell_editors(edition, f"[Held] {edition.config.briefing.title} {week}: {reason}",
                        f"The issue of {week} was held and will not go to readers: {reason}.\n"
                        f"Add notes or stories, then run `whalewatch approve --week {week}` to send it anyway.")
    return f"held: {week}: {reason}{told}"


def proof_note(edition: Edition, week: str) -> str:
    plan, briefing = edition.config.schedule, edition.config.briefing
    desk = plan.desk_url.rstrip("/")
    where = (f" Review it in the desk: {desk}/desk/{week}" if desk else
             f" Read it at {briefing.base_url.rstrip('/')}/{week}/" if briefing.base_url else "")
    then = ("It goes to readers only once approved (whalewatch approve --week {w})." if plan.review == "required" else
            "It goes to readers at the next publish unless held (whalewatch hold --week {w}).").format(w=week)
    return f"Proof of {briefing.title} {week}: not yet sent to readers.{where} {then}"


def editors(edition: Edition) -> list[Recipient]:
    return [Recipient(email=address) for address in edition.config.email.editors]


def tell_editors(edition: Edition, subject: str, body: str) -> str:
    """Mail the editors a notice; returns a note for the log when some could not be told."""
    from .deliver import send_notice

    if not edition.config.email.editors:
        return "; no editors listed (email.editors) to tell"
    missed = send_notice(edition, edition.config.email.editors, subject, body)
    return f"; could not tell {', '.join(missed)}" if missed else ""


def now_utc() -> datetime:
    return datetime.now(timezone.utc)
