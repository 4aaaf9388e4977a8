"""The dispute rules, pure: opening, what a DISPUTED engagement refuses, answer, escalation,
resolution amounts and how the engagement ends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from stint.kit.errors import AlreadyExists
from stint.kit.money import Money
from submissions.domain import cancellation, disputes, schedule
from submissions.domain import dispute_validation as dv
from submissions.domain import events as ev
from submissions.domain.commands import EvidenceRef
from submissions.domain.dispute import (
    REPAIR_AFTER,
    DisputeStatus,
    EvidenceKind,
    Outcome,
    Reason,
    Resolution,
    Statement,
)
from submissions.domain.errors import DisputeOpen, NotAllowed, WrongState
from submissions.domain.model import (
    Artifact,
    Decision,
    Engagement,
    Party,
    Review,
    Status,
    Submission,
    Windows,
)
from submissions.domain.validation import Violations

from .fakes import T0, engagement, unfunded

WINDOW = timedelta(hours=96)
W = Windows()


def claim(party: Party = Party.EMPLOYER, at: timedelta = timedelta()) -> Statement:
    return Statement(party, "usr_1", "Two of five competitors only.", (), T0 + at)


def submitted() -> Engagement:
    e = engagement()
    art = (Artifact("memo.pdf", "https://files.example/memo.pdf"),)
    e.submit(Submission(1, "memo", art, False, "", T0), W)
    return e


def disputed(party: Party = Party.EMPLOYER) -> Engagement:
    e = submitted()
    disputes.open_dispute(e, Reason.QUALITY, claim(party), WINDOW)
    return e


def resolution(outcome: Outcome, released: int, fee: int = 50_000) -> Resolution:
    paid, back = disputes.settlement(outcome, Money(fee, "USD"), Money(released, "USD"))
    return Resolution(outcome, paid, back, "Decided.", "usr_ops", T0 + timedelta(days=1))


@pytest.mark.parametrize("stage", ["active", "submitted", "revision"])
def test_a_dispute_can_be_opened_once_the_work_started(stage: str) -> None:
    e = submitted() if stage != "active" else engagement()
    if stage == "revision":
        e.request_revision(Review(1, Decision.REVISION_REQUESTED, "more", (), "usr_b", T0))
    before = e.status
    events = disputes.open_dispute(e, Reason.QUALITY, claim(), WINDOW)
    d = e.opening
    assert d is not None
    assert [type(x) for x in events] == [ev.DisputeOpened]
    assert e.status is Status.DISPUTED
    assert e.review_due_at is None
    assert d.id == "dsp_" + e.id[4:]
    assert d.engagement_status_before is before
    assert d.title == e.title  # its notices name the project
    assert (d.status, d.opened_by, d.answer_due_at) == (
        DisputeStatus.OPEN,
        Party.EMPLOYER,
        T0 + WINDOW,
    )
    assert disputes.repair_due_at(e) == T0 + REPAIR_AFTER
    disputes.opened(e)
    assert disputes.repair_due_at(e) is None


def test_a_dispute_is_refused_before_the_work_started_after_the_end_and_twice() -> None:
    with pytest.raises(WrongState, match="has not started"):
        disputes.open_dispute(unfunded(), Reason.QUALITY, claim(), WINDOW)
    done = submitted()
    done.approve(Review(1, Decision.APPROVED, "", (), "usr_b", T0), W)
    with pytest.raises(WrongState, match="COMPLETED"):
        disputes.open_dispute(done, Reason.QUALITY, claim(), WINDOW)
    cancelled = engagement()
    cancelled.cancel("no", T0, Party.EMPLOYER)
    with pytest.raises(WrongState, match="CANCELLED"):
        disputes.open_dispute(cancelled, Reason.QUALITY, claim(), WINDOW)
    with pytest.raises(AlreadyExists, match="already open"):
        disputes.open_dispute(disputed(), Reason.QUALITY, claim(), WINDOW)


def test_a_disputed_engagement_refuses_work_reviews_and_cancellation_and_no_timer_acts() -> None:
    e = disputed()
    refusals = [
        lambda: e.submit(Submission(2, "again", (), False, "", T0), W),
        lambda: e.approve(Review(1, Decision.APPROVED, "", (), "usr_b", T0), W),
        lambda: e.request_revision(Review(1, Decision.REVISION_REQUESTED, "x", (), "b", T0)),
        lambda: e.cancel("admin", T0),
        lambda: e.cancel("leave", T0, Party.STUDENT),
    ]
    for refuse in refusals:
        with pytest.raises(DisputeOpen, match="a dispute is open"):
            refuse()
    later = T0 + timedelta(days=60)
    assert e.auto_approve(later, W) == []
    assert e.expire_funding(later) == []
    assert schedule.mark_overdue(e, later) == []
    assert e.status is Status.DISPUTED


def test_after_submission_the_cancellation_policy_points_to_a_dispute() -> None:
    for party in (Party.EMPLOYER, Party.STUDENT):
        with pytest.raises(WrongState, match="open a dispute"):
            cancellation.check(submitted(), party)


def test_only_the_other_side_answers_while_open_and_before_the_deadline() -> None:
    d = disputed(Party.STUDENT).opening
    assert d is not None
    with pytest.raises(NotAllowed):
        d.give_answer(claim(Party.STUDENT))
    late = d.snapshot()
    with pytest.raises(WrongState, match="deadline"):
        late.give_answer(claim(Party.EMPLOYER, WINDOW))
    events = d.give_answer(claim(Party.EMPLOYER, timedelta(hours=1)))
    assert [type(x) for x in events] == [ev.DisputeAnswered]
    assert d.status is DisputeStatus.AWAITING_DECISION
    assert d.answer is not None
    with pytest.raises(WrongState, match="AWAITING_DECISION"):
        d.give_answer(claim(Party.EMPLOYER, timedelta(hours=2)))
    assert d.escalate(T0 + WINDOW * 2) == []  # answered: nothing to escalate


def test_an_unanswered_dispute_escalates_once_when_the_deadline_passes() -> None:
    d = disputed().opening
    assert d is not None
    assert d.escalation_due_at() == T0 + WINDOW
    assert d.escalate(T0 + WINDOW - timedelta(seconds=1)) == []
    assert [type(x) for x in d.escalate(T0 + WINDOW)] == [ev.DisputeEscalated]
    assert d.status is DisputeStatus.AWAITING_DECISION
    assert d.escalation_due_at() is None
    assert d.escalate(T0 + WINDOW * 2) == []


@pytest.mark.parametrize(
    ("outcome", "released", "paid", "back"),
    [
        (Outcome.RELEASE_FULL, 0, 50_000, 0),
        (Outcome.PARTIAL_RELEASE, 30_000, 30_000, 20_000),
        (Outcome.REFUND_FULL, 0, 0, 50_000),
    ],
)
def test_settlement_amounts(outcome: Outcome, released: int, paid: int, back: int) -> None:
    r = resolution(outcome, released)
    assert (r.released, r.refunded) == (Money(paid, "USD"), Money(back, "USD"))


def test_resolving_before_the_answer_or_after_it_once() -> None:
    e = disputed()
    d = e.opening
    assert d is not None
    r = resolution(Outcome.PARTIAL_RELEASE, 30_000)
    events = d.resolve(r, e.snapshot())
    assert [type(x) for x in events] == [ev.DisputeResolved]
    assert d.status is DisputeStatus.RESOLVED
    assert d.settle_due_at() == r.resolved_at + REPAIR_AFTER
    with pytest.raises(WrongState, match="already resolved"):
        d.resolve(r, e.snapshot())
    d.mark_settled()
    assert d.settle_due_at() is None


def test_a_release_completes_the_engagement_without_an_approval_and_opens_feedback() -> None:
    e = disputed()
    r = resolution(Outcome.PARTIAL_RELEASE, 30_000)
    events = disputes.settle(e, r, W)
    assert [type(x) for x in events] == [ev.EngagementCompleted]  # never SubmissionApproved
    assert e.status is Status.COMPLETED
    assert e.completed_at == r.resolved_at
    assert e.reveal_due_at == r.resolved_at + W.reveal
    assert e.approved_at is None
    assert disputes.settle(e, r, W) == []  # a repeated settlement changes nothing


def test_a_full_refund_cancels_the_engagement_as_the_platform() -> None:
    e = disputed()
    r = resolution(Outcome.REFUND_FULL, 0)
    events = disputes.settle(e, r, W)
    assert [type(x) for x in events] == [ev.EngagementCancelled]
    assert (e.status, e.cancelled_by, e.cancel_reason) == (
        Status.CANCELLED,
        Party.PLATFORM,
        "Decided.",
    )


def fields(check: object) -> set[str]:
    v = Violations()
    check(v)  # type: ignore[operator]
    return {x.field for x in v.items}


def test_evidence_must_name_this_engagements_submissions_and_artifacts() -> None:
    e = submitted()
    good = (
        EvidenceRef(EvidenceKind.SUBMISSION, "1"),
        EvidenceRef(EvidenceKind.ARTIFACT, "1/memo.pdf"),
        EvidenceRef(EvidenceKind.MESSAGE, "msg_42"),
        EvidenceRef(EvidenceKind.LINK, "https://docs.example/thread"),
    )
    assert fields(lambda v: dv.statement(v, "why", good, e)) == set()
    bad = (
        EvidenceRef(EvidenceKind.SUBMISSION, "2"),
        EvidenceRef(EvidenceKind.ARTIFACT, "1/other.pdf"),
        EvidenceRef(EvidenceKind.MESSAGE, "  "),
        EvidenceRef(EvidenceKind.LINK, "ftp://x"),
        EvidenceRef(None, "1"),
    )
    assert fields(lambda v: dv.statement(v, " ", bad, e)) == {
        "statement",
        *(f"evidence[{i}].reference" for i in range(4)),
        "evidence[4].kind",
    }
    many = (EvidenceRef(EvidenceKind.SUBMISSION, "1"),) * 11
    assert fields(lambda v: dv.statement(v, "why", many, e)) == {"evidence"}


@pytest.mark.parametrize(
    ("outcome", "released", "expected"),
    [
        (Outcome.PARTIAL_RELEASE, Money(30_000, "USD"), set()),
        (Outcome.PARTIAL_RELEASE, None, {"released"}),
        (Outcome.PARTIAL_RELEASE, Money(30_000, "EUR"), {"released.currency"}),
        (Outcome.PARTIAL_RELEASE, Money(0, "USD"), {"released.amount_minor"}),
        (Outcome.PARTIAL_RELEASE, Money(50_000, "USD"), {"released.amount_minor"}),
        (Outcome.RELEASE_FULL, Money(1, "USD"), {"released"}),
        (Outcome.REFUND_FULL, None, set()),
        (None, None, {"outcome"}),
    ],
)
def test_resolution_rules(
    outcome: Outcome | None, released: Money | None, expected: set[str]
) -> None:
    fee = Money(50_000, "USD")
    assert fields(lambda v: dv.resolution(v, outcome, released, "Decided.", fee)) == expected
    assert "decision" in fields(lambda v: dv.resolution(v, outcome, released, "", fee))


def test_a_pending_extension_lapses_when_a_dispute_opens() -> None:
    e = engagement()
    assert e.due_date is not None
    later = e.due_date + timedelta(days=1)
    schedule.request_extension(e, Party.STUDENT, e.student_id, later, "more time", T0)
    disputes.open_dispute(e, Reason.QUALITY, claim(), WINDOW)
    assert [x.status.value for x in e.extensions] == ["LAPSED"]
    with pytest.raises(DisputeOpen):
        schedule.check_extendable(e)
