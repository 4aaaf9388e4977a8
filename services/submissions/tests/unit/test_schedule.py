"""Time on an engagement (domain/schedule.py): overdue, late work, extensions, milestones, the
revision limit of the hire."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from stint.kit.errors import FailedPrecondition, PermissionDenied
from submissions.domain import events as ev
from submissions.domain import schedule, timing
from submissions.domain.model import Artifact, Status, Submission, Windows, start
from submissions.domain.values import ExtensionStatus, MilestonePlan, MilestoneStatus, Party

from .fakes import T0, hire

PLAN = (MilestonePlan("Outline", 2, "a one-page outline"), MilestonePlan("Draft", 5))


def active(**changes: object) -> schedule.Engagement:
    h = dataclasses.replace(hire(), milestones=PLAN, **changes)  # type: ignore[arg-type]
    e = start("eng_" + h.application_id[4:], h, 2, T0, Windows())
    e.fund(T0)
    return e


def work(at: object) -> Submission:
    return Submission(1, "done", (), False, "", at)  # type: ignore[arg-type]


def test_overdue_is_flagged_with_its_time_and_a_late_delivery_is_marked() -> None:
    e = active()
    assert e.due_date is not None
    assert schedule.mark_overdue(e, e.due_date - timedelta(seconds=1)) == []
    assert not e.overdue
    events = schedule.mark_overdue(e, e.due_date + timedelta(seconds=1))
    assert [type(x) for x in events] == [ev.EngagementOverdue]
    assert e.status is Status.ACTIVE
    assert e.overdue
    assert e.overdue_at == e.due_date
    assert events[0].engagement.overdue  # type: ignore[union-attr]
    assert schedule.mark_overdue(e, e.due_date + timedelta(days=1)) == []  # once
    e.submit(work(e.due_date + timedelta(hours=2)), Windows())
    assert e.submissions[0].late
    assert not e.overdue
    assert e.overdue_at == e.due_date


def test_a_delivery_on_time_is_not_late_and_a_revision_is_never_late() -> None:
    e = active()
    assert e.due_date is not None
    e.submit(work(e.due_date - timedelta(hours=1)), Windows())
    assert not e.submissions[0].late
    e.status = Status.REVISION_REQUESTED
    e.submit(dataclasses.replace(work(e.due_date + timedelta(days=3)), number=2), Windows())
    assert not e.submissions[1].late


def test_the_revision_limit_comes_from_the_hire_else_the_default() -> None:
    assert active(revision_limit=4).revision_limit == 4
    assert active().revision_limit == 2


def test_an_extension_granted_moves_the_due_date_and_clears_overdue() -> None:
    e = active()
    due = e.due_date
    assert due is not None
    now = due + timedelta(hours=1)
    schedule.mark_overdue(e, now)
    new = due + timedelta(days=3)
    x, events = schedule.request_extension(e, Party.STUDENT, e.student_id, new, "late data", now)
    assert x.number == 1
    assert x.previous_due_date == due
    assert x.status is ExtensionStatus.PENDING
    assert [type(i) for i in events] == [ev.ExtensionRequested]
    with pytest.raises(FailedPrecondition):  # one pending request at a time
        schedule.request_extension(e, Party.EMPLOYER, "usr_boss", new, "again", now)
    with pytest.raises(PermissionDenied):  # the requester does not answer it
        schedule.answer_extension(e, x, Party.STUDENT, e.student_id, now, accept=True)
    granted, events = schedule.answer_extension(e, x, Party.EMPLOYER, "usr_boss", now, accept=True)
    assert [type(i) for i in events] == [ev.ExtensionGranted]
    assert granted.status is ExtensionStatus.ACCEPTED
    assert granted.answered_by == "usr_boss"
    assert e.due_date == new
    assert not e.overdue
    assert e.overdue_at is None
    assert schedule.overdue_due_at(e) == new  # the notice re-arms for the new date
    with pytest.raises(FailedPrecondition):  # answered already
        schedule.answer_extension(e, granted, Party.EMPLOYER, "usr_boss", now, accept=False)


def test_a_declined_extension_keeps_the_date_and_a_pending_one_lapses_on_delivery() -> None:
    e = active()
    due = e.due_date
    assert due is not None
    x, _ = schedule.request_extension(e, Party.EMPLOYER, "usr_b", due + timedelta(days=1), "r", T0)
    declined, events = schedule.answer_extension(
        e, x, Party.STUDENT, e.student_id, T0, accept=False, reason="no need"
    )
    assert [type(i) for i in events] == [ev.ExtensionDeclined]
    assert declined.decline_reason == "no need"
    assert e.due_date == due
    schedule.request_extension(e, Party.STUDENT, e.student_id, due + timedelta(days=2), "r", T0)
    e.submit(work(T0 + timedelta(days=1)), Windows())
    assert [x.status for x in e.extensions] == [ExtensionStatus.DECLINED, ExtensionStatus.LAPSED]
    with pytest.raises(FailedPrecondition):  # only ACTIVE work is extended
        schedule.check_extendable(e)


def test_only_the_asker_withdraws_a_pending_request_and_may_then_ask_again() -> None:
    e = active()
    due = e.due_date
    assert due is not None
    x, _ = schedule.request_extension(
        e, Party.STUDENT, e.student_id, due + timedelta(days=3), "r", T0
    )
    with pytest.raises(PermissionDenied):
        schedule.withdraw_extension(e, x, Party.EMPLOYER, "usr_b", T0)
    withdrawn, events = schedule.withdraw_extension(e, x, Party.STUDENT, e.student_id, T0)
    assert [type(i) for i in events] == [ev.ExtensionWithdrawn]
    assert (withdrawn.status, withdrawn.answered_by) == (ExtensionStatus.WITHDRAWN, e.student_id)
    assert e.due_date == due
    with pytest.raises(FailedPrecondition):  # nothing left to answer
        schedule.answer_extension(e, withdrawn, Party.EMPLOYER, "usr_b", T0, accept=True)
    with pytest.raises(FailedPrecondition):
        schedule.withdraw_extension(e, withdrawn, Party.STUDENT, e.student_id, T0)
    again, _ = schedule.request_extension(
        e, Party.STUDENT, e.student_id, due + timedelta(days=1), "r", T0
    )
    assert again.number == 2


def test_milestones_are_due_from_the_start_announced_once_and_checked_off() -> None:
    e = active()
    assert [m.due_at for m in e.milestones] == [T0 + timedelta(days=2), T0 + timedelta(days=5)]
    assert schedule.milestone_due_at(e) == T0 + timedelta(days=2)
    assert schedule.announce_due_milestones(e, T0 + timedelta(days=1)) == []
    events = schedule.announce_due_milestones(e, T0 + timedelta(days=2))
    assert [(type(x), x.milestone.number) for x in events] == [(ev.MilestoneDue, 1)]  # type: ignore[union-attr]
    assert schedule.announce_due_milestones(e, T0 + timedelta(days=2, hours=1)) == []
    assert schedule.milestone_due_at(e) == T0 + timedelta(days=5)
    art = Artifact("outline.pdf", "https://files.example/o.pdf")
    m1 = e.milestones[0]
    with pytest.raises(FailedPrecondition):  # the intern checks it off first
        schedule.check_off(e, m1, Party.EMPLOYER, "usr_boss", T0)
    done, events = schedule.check_off(
        e, m1, Party.STUDENT, e.student_id, T0 + timedelta(days=3), "here", art
    )
    assert [type(x) for x in events] == [ev.MilestoneCompleted]
    assert done.status is MilestoneStatus.DONE
    assert done.late
    assert done.artifact == art
    with pytest.raises(FailedPrecondition):
        schedule.check_off(e, done, Party.STUDENT, e.student_id, T0)
    confirmed, events = schedule.check_off(e, done, Party.EMPLOYER, "usr_boss", T0)
    assert events == []
    assert confirmed.status is MilestoneStatus.CONFIRMED
    m2 = e.milestones[1]
    done2, _ = schedule.check_off(e, m2, Party.STUDENT, e.student_id, T0 + timedelta(days=4))
    assert not done2.late
    assert schedule.milestone_due_at(e) is None  # nothing open is left to announce


def test_unfunded_milestones_have_no_due_time_and_no_notice() -> None:
    h = dataclasses.replace(hire(), milestones=PLAN)
    e = start("eng_" + h.application_id[4:], h, 2, T0, Windows())
    assert [m.due_at for m in e.milestones] == [None, None]
    assert schedule.milestone_due_at(e) is None
    assert timing.planned(PLAN)[1].number == 2
