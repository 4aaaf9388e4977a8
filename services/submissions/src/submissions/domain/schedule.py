"""Time on an engagement (pure): the due date and what happens around it.

- Overdue: when the due date in force passes while the work is ACTIVE with nothing delivered,
  the engagement is flagged `overdue` (since `overdue_at`; the status stays ACTIVE) and
  `EngagementOverdue` is emitted once per due date. A delivery clears the flag (the first
  delivery after the due date is marked `late`).
- Extensions: either side asks to move the due date of ACTIVE work (one pending request at a
  time, at most `MAX_EXTENSIONS` requests); the other side accepts (the due date moves, the
  overdue flag clears and the overdue notice re-arms for the new date) or declines; the side
  that asked may withdraw it until then (so that it can ask for another date). A request
  still pending when the work is delivered or the engagement ends lapses.
- Milestones: the posting's plan, due `due_offset_days` after the work started. The intern
  checks one off (DONE, `MilestoneCompleted`); the employer may then confirm it (CONFIRMED, no
  event: the check-off was announced). An open milestone whose due time passes while the work
  is in progress is announced once (`MilestoneDue`).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from submissions.domain import events as ev
from submissions.domain import timing
from submissions.domain.errors import DisputeOpen, NotAllowed, WrongState
from submissions.domain.model import Engagement
from submissions.domain.values import (
    Artifact,
    Extension,
    ExtensionStatus,
    Milestone,
    MilestoneStatus,
    Party,
    Status,
)

MAX_EXTENSIONS = 10
IN_PROGRESS = (Status.ACTIVE, Status.REVISION_REQUESTED)  # milestone notices
CHECKABLE = (Status.ACTIVE, Status.SUBMITTED, Status.REVISION_REQUESTED)


def overdue_due_at(e: Engagement) -> datetime | None:
    """The overdue timer: ACTIVE only (unfunded work cannot be late; funded after its due
    date, it is overdue at once), nothing delivered, not announced for this due date."""
    pending = e.status is Status.ACTIVE and not e.submissions
    return e.due_date if pending and not e.overdue_notified else None


def mark_overdue(e: Engagement, now: datetime) -> list[ev.Event]:
    """Flag it overdue (since the due date, or the start when funded later) and announce it,
    once per due date in force."""
    due = overdue_due_at(e)
    if due is None or now < due:
        return []
    e.overdue_notified, e.overdue = True, True
    e.overdue_at = max(due, e.started_at or due)
    return [ev.EngagementOverdue(e.snapshot())]


def _check_active(e: Engagement, what: str) -> None:
    if e.status is Status.DISPUTED:
        raise DisputeOpen()
    if e.status is not Status.ACTIVE:
        raise WrongState(f"{what} only while the work is ACTIVE (it is {e.status.value})")


def check_extendable(e: Engagement) -> datetime:
    """The due date in force, when the due date may be moved."""
    _check_active(e, "an extension can be asked for")
    if e.due_date is None:
        raise WrongState("the engagement has no due date to extend")
    if timing.pending(e.extensions) is not None:
        raise WrongState("an extension request is pending: it must be answered first")
    if len(e.extensions) >= MAX_EXTENSIONS:
        raise WrongState(f"at most {MAX_EXTENSIONS} extension requests per engagement")
    return e.due_date


def request_extension(
    e: Engagement, by: Party, requester: str, new_due_date: datetime, reason: str, now: datetime
) -> tuple[Extension, list[ev.Event]]:
    """A side asks for `new_due_date` (the bounds are checked by validation first)."""
    current = check_extendable(e)
    number = len(e.extensions) + 1
    x = Extension(number, by, requester, new_due_date, current, reason, now)
    e.extensions.append(x)
    return x, [ev.ExtensionRequested(e.snapshot(), x)]


def extension(e: Engagement, number: int) -> Extension | None:
    return e.extensions[number - 1] if 1 <= number <= len(e.extensions) else None


def answer_extension(
    e: Engagement,
    x: Extension,
    by: Party,
    subject: str,
    now: datetime,
    *,
    accept: bool,
    reason: str = "",
) -> tuple[Extension, list[ev.Event]]:
    """The side that did not ask grants or declines a pending request."""
    if by is x.requested_by:
        raise NotAllowed("the other side answers an extension request")
    _check_active(e, "an extension can be answered")
    if x.status is not ExtensionStatus.PENDING:
        raise WrongState(f"extension {x.number} is {x.status.value}, not PENDING")
    if accept and x.new_due_date <= now:
        raise WrongState("the proposed date has passed: ask for a new one")
    status = ExtensionStatus.ACCEPTED if accept else ExtensionStatus.DECLINED
    answered = dataclasses.replace(
        x, status=status, answered_at=now, answered_by=subject, decline_reason=reason
    )
    e.extensions[x.number - 1] = answered
    if not accept:
        return answered, [ev.ExtensionDeclined(e.snapshot(), answered)]
    # The new date is in the future: no longer overdue, and its own notice re-arms.
    e.due_date = x.new_due_date
    e.overdue, e.overdue_at, e.overdue_notified = False, None, False
    return answered, [ev.ExtensionGranted(e.snapshot(), answered)]


def withdraw_extension(
    e: Engagement, x: Extension, by: Party, subject: str, now: datetime
) -> tuple[Extension, list[ev.Event]]:
    """The side that asked takes back its pending request (the due date stays). Any state of
    the engagement: a request that is still PENDING is one the work has not made lapse."""
    if by is not x.requested_by:
        raise NotAllowed("only the side that asked withdraws an extension request")
    if x.status is not ExtensionStatus.PENDING:
        raise WrongState(f"extension {x.number} is {x.status.value}, not PENDING")
    withdrawn = dataclasses.replace(
        x, status=ExtensionStatus.WITHDRAWN, answered_at=now, answered_by=subject
    )
    e.extensions[x.number - 1] = withdrawn
    return withdrawn, [ev.ExtensionWithdrawn(e.snapshot(), withdrawn)]


def milestone(e: Engagement, number: int) -> Milestone | None:
    return e.milestones[number - 1] if 1 <= number <= len(e.milestones) else None


def check_off(
    e: Engagement,
    m: Milestone,
    by: Party,
    subject: str,
    now: datetime,
    note: str = "",
    artifact: Artifact | None = None,
) -> tuple[Milestone, list[ev.Event]]:
    """The intern checks an open milestone off (MilestoneCompleted); the employer confirms a
    checked-off one (no event)."""
    if e.status is Status.DISPUTED:
        raise DisputeOpen()
    if e.status not in CHECKABLE:
        raise WrongState(
            f"milestones are checked off while the work is in progress, not {e.status}"
        )
    if by is Party.STUDENT:
        if m.status is not MilestoneStatus.OPEN:
            raise WrongState(f"milestone {m.number} is already checked off")
        late = m.due_at is not None and now > m.due_at
        done = dataclasses.replace(
            m,
            status=MilestoneStatus.DONE,
            checked_off_at=now,
            checked_off_by=subject,
            note=note,
            artifact=artifact,
            late=late,
        )
        e.milestones[m.number - 1] = done
        return done, [ev.MilestoneCompleted(e.snapshot(), done)]
    if m.status is not MilestoneStatus.DONE:
        raise WrongState(f"milestone {m.number} is {m.status}: the intern checks it off first")
    confirmed = dataclasses.replace(
        m, status=MilestoneStatus.CONFIRMED, confirmed_at=now, confirmed_by=subject
    )
    e.milestones[m.number - 1] = confirmed
    return confirmed, []


def milestone_due_at(e: Engagement) -> datetime | None:
    """The milestone timer: the earliest open milestone not announced yet, while the work is
    in progress."""
    if e.status not in IN_PROGRESS:
        return None
    times = [m.due_at for m in timing.milestones_pending_notice(e.milestones) if m.due_at]
    return min(times) if times else None


def announce_due_milestones(e: Engagement, now: datetime) -> list[ev.Event]:
    """MilestoneDue for each open milestone whose due time passed, once each."""
    if e.status not in IN_PROGRESS:
        return []
    due = [
        m for m in timing.milestones_pending_notice(e.milestones) if m.due_at and m.due_at <= now
    ]
    for m in due:
        e.milestones[m.number - 1] = dataclasses.replace(m, due_notified=True)
    snapshot = e.snapshot()
    return [ev.MilestoneDue(snapshot, e.milestones[m.number - 1]) for m in due]
