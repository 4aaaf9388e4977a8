"""The posting state machine: every legal and illegal transition, hires, completion, expiry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from postings.domain.errors import InvalidTransition
from postings.domain.events import EventKind
from postings.domain.model import Posting
from postings.domain.values import Decision, Status, Terms, Visibility

MakePosting = Callable[..., Posting]
ALL = list(Status)


def kinds(events: list) -> list[EventKind]:  # type: ignore[type-arg]
    return [e.kind for e in events]


def test_a_draft_is_created_with_pending_university_targets(
    make_terms: Callable[..., Terms], now: datetime
) -> None:
    terms = make_terms(visibility=Visibility.UNIVERSITIES, university_ids=("uni_a", "uni_b"))
    posting, events = Posting.draft("pst_1", "cmp_1", "usr_1", terms, now)
    assert posting.status is Status.DRAFT
    assert [t.decision for t in posting.universities] == [Decision.PENDING, Decision.PENDING]
    assert kinds(events) == [EventKind.CREATED]
    assert posting.expires_at is None


def test_publish_opens_a_draft_and_arms_the_expiry_timer(
    make_posting: MakePosting, now: datetime
) -> None:
    opened, events = make_posting().publish(now)
    assert opened.status is Status.OPEN
    assert opened.published_at == now
    assert opened.expires_at == opened.terms.application_deadline
    assert kinds(events) == [EventKind.PUBLISHED]


@pytest.mark.parametrize("status", [s for s in ALL if s is not Status.DRAFT])
def test_only_drafts_can_be_published(
    make_posting: MakePosting, now: datetime, status: Status
) -> None:
    with pytest.raises(InvalidTransition, match="cannot publish"):
        make_posting(status).publish(now)


@pytest.mark.parametrize("status", [s for s in ALL if s is not Status.OPEN])
def test_only_open_postings_can_be_closed(
    make_posting: MakePosting, now: datetime, status: Status
) -> None:
    with pytest.raises(InvalidTransition, match="cannot close"):
        make_posting(status).close(now)


def test_closing_arms_the_decision_deadline(make_posting: MakePosting, now: datetime) -> None:
    closed, events = make_posting(Status.OPEN).close(now)
    assert closed.status is Status.CLOSED
    assert closed.expires_at == closed.terms.decides_until == now + timedelta(days=14)
    assert kinds(events) == [EventKind.CLOSED]


@pytest.mark.parametrize("status", [Status.DRAFT, Status.OPEN, Status.CLOSED])
def test_cancel_before_any_hire(make_posting: MakePosting, now: datetime, status: Status) -> None:
    cancelled, events = make_posting(status).cancel("budget cut", now)
    assert cancelled.status is Status.CANCELLED
    assert events[0].kind is EventKind.CANCELLED
    assert events[0].reason == "budget cut"


@pytest.mark.parametrize(
    "status", [Status.FILLED, Status.COMPLETED, Status.CANCELLED, Status.EXPIRED]
)
def test_cancel_is_refused_in_other_states(
    make_posting: MakePosting, now: datetime, status: Status
) -> None:
    with pytest.raises(InvalidTransition, match="cannot cancel"):
        make_posting(status).cancel("", now)


def test_cancel_is_refused_once_someone_was_hired(make_posting: MakePosting, now: datetime) -> None:
    hired, _ = make_posting(Status.OPEN).record_hire("app_1", now)
    with pytest.raises(InvalidTransition, match="with hires"):
        hired.cancel("", now)


@pytest.mark.parametrize("status", [s for s in ALL if s not in (Status.DRAFT, Status.OPEN)])
def test_only_drafts_and_open_postings_can_be_edited(
    make_posting: MakePosting, make_terms: Callable[..., Terms], now: datetime, status: Status
) -> None:
    with pytest.raises(InvalidTransition, match="cannot update"):
        make_posting(status).edit(make_terms(title="New title"), ("title",), now)


def test_an_open_posting_only_changes_description_skills_and_deadline(
    make_posting: MakePosting, make_terms: Callable[..., Terms], now: datetime
) -> None:
    posting = make_posting(Status.OPEN)
    with pytest.raises(InvalidTransition, match="fee, title"):
        posting.edit(make_terms(), ("title", "fee", "description"), now)
    later = posting.terms.application_deadline + timedelta(days=1)  # type: ignore[operator]
    edited, events = posting.edit(
        make_terms(application_deadline=later), ("application_deadline",), now
    )
    assert edited.expires_at == later
    assert events[0].kind is EventKind.UPDATED
    assert events[0].changed_fields == ("application_deadline",)


def test_an_open_posting_deadline_cannot_move_earlier(
    make_posting: MakePosting, make_terms: Callable[..., Terms], now: datetime
) -> None:
    posting = make_posting(Status.OPEN)
    earlier = posting.terms.application_deadline - timedelta(hours=1)  # type: ignore[operator]
    with pytest.raises(InvalidTransition, match="extended"):
        posting.edit(make_terms(application_deadline=earlier), ("application_deadline",), now)


def test_an_edit_without_changes_emits_nothing(make_posting: MakePosting, now: datetime) -> None:
    posting = make_posting()
    same, events = posting.edit(posting.terms, (), now)
    assert same is posting
    assert events == []


def test_hires_count_once_per_application_and_fill_at_positions(
    make_posting: MakePosting, now: datetime
) -> None:
    posting = make_posting(Status.OPEN, positions=2)
    once, events = posting.record_hire("app_1", now)
    assert (once.hired_count, once.status, events) == (1, Status.OPEN, [])
    again, events = once.record_hire("app_1", now)
    assert again is once
    assert events == []
    filled, events = once.record_hire("app_2", now)
    assert (filled.hired_count, filled.status) == (2, Status.FILLED)
    assert kinds(events) == [EventKind.FILLED]
    assert filled.expires_at is None


def test_a_hire_that_beat_the_expiry_turns_it_into_closed(
    make_posting: MakePosting, now: datetime
) -> None:
    expired = make_posting(Status.EXPIRED, positions=2)
    closed, events = expired.record_hire("app_1", now)
    assert closed.status is Status.CLOSED
    assert kinds(events) == [EventKind.CLOSED]


def test_completed_when_every_hire_ended_in_any_order(
    make_posting: MakePosting, now: datetime
) -> None:
    posting = make_posting(Status.OPEN, positions=2)
    # The engagement of app_2 ends before its hire is even counted (different topics).
    posting, events = posting.record_engagement_end("eng_2", False, now)
    assert events == []
    posting, _ = posting.record_hire("app_1", now)
    posting, events = posting.record_hire("app_2", now)
    assert posting.status is Status.FILLED
    assert kinds(events) == [EventKind.FILLED]
    posting, events = posting.record_engagement_end("eng_1", True, now)
    assert posting.status is Status.COMPLETED
    assert kinds(events) == [EventKind.COMPLETED]
    assert posting.completed_count == 1
    duplicate, events = posting.record_engagement_end("eng_1", True, now)
    assert duplicate is posting
    assert events == []


def test_closing_after_every_hire_ended_completes_at_the_decision_deadline(
    make_posting: MakePosting, now: datetime
) -> None:
    posting, _ = make_posting(Status.OPEN, positions=3).record_hire("app_1", now)
    posting, _ = posting.record_engagement_end("eng_1", True, now)
    closed, events = posting.close(now)
    assert closed.status is Status.CLOSED  # still choosing: another hire may come
    assert kinds(events) == [EventKind.CLOSED]
    assert closed.expires_at is not None
    done, events = closed.expire(closed.expires_at)
    assert done.status is Status.COMPLETED
    assert kinds(events) == [EventKind.DECISION_DEADLINE_PASSED, EventKind.COMPLETED]


def test_application_deadline_closes_and_the_decision_deadline_expires(
    make_posting: MakePosting, now: datetime
) -> None:
    posting = make_posting(Status.OPEN)
    deadline = posting.terms.application_deadline
    assert deadline is not None
    closed, events = posting.expire(deadline)
    assert closed.status is Status.CLOSED
    assert kinds(events) == [EventKind.CLOSED]
    assert closed.expires_at == closed.terms.decides_until
    expired, events = closed.expire(closed.expires_at)  # type: ignore[arg-type]
    assert expired.status is Status.EXPIRED
    assert kinds(events) == [EventKind.DECISION_DEADLINE_PASSED, EventKind.EXPIRED]
    assert expired.selection_over
    assert expired.expires_at is None


def test_decision_deadline_with_some_hires_stays_closed(
    make_posting: MakePosting, now: datetime
) -> None:
    posting, _ = make_posting(Status.OPEN, positions=2).record_hire("app_1", now)
    closed, events = posting.expire(now + timedelta(days=30))  # both deadlines at once
    assert closed.status is Status.CLOSED
    assert closed.selection_over
    assert kinds(events) == [EventKind.CLOSED, EventKind.DECISION_DEADLINE_PASSED]
    assert closed.expires_at is None


@pytest.mark.parametrize("status", [s for s in ALL if s not in (Status.OPEN, Status.CLOSED)])
def test_a_stale_timer_changes_nothing(
    make_posting: MakePosting, now: datetime, status: Status
) -> None:
    posting = make_posting(status)
    same, events = posting.expire(now + timedelta(days=30))
    assert same is posting
    assert events == []


def test_an_early_timer_changes_nothing(make_posting: MakePosting, now: datetime) -> None:
    posting = make_posting(Status.OPEN)
    same, events = posting.expire(now)
    assert same is posting
    assert events == []


def test_university_decisions(make_posting: MakePosting, now: datetime) -> None:
    posting = make_posting(
        Status.OPEN, visibility=Visibility.UNIVERSITIES, university_ids=("uni_a", "uni_b")
    )
    approved, events = posting.decide("uni_a", Decision.APPROVED, "", now)
    assert [t.decision for t in approved.universities] == [Decision.APPROVED, Decision.PENDING]
    assert kinds(events) == [EventKind.APPROVED]
    assert events[0].university_id == "uni_a"
    with pytest.raises(InvalidTransition, match="already approved"):
        approved.decide("uni_a", Decision.APPROVED, "", now)
    declined, events = approved.decide("uni_a", Decision.DECLINED, "not for us", now)
    assert declined.universities[0].reason == "not for us"
    assert kinds(events) == [EventKind.DECLINED]


@pytest.mark.parametrize("status", [s for s in ALL if s is not Status.OPEN])
def test_university_decisions_only_on_open_postings(
    make_posting: MakePosting, now: datetime, status: Status
) -> None:
    with pytest.raises(InvalidTransition, match="cannot review"):
        make_posting(status).decide("uni_a", Decision.APPROVED, "", now)


def test_the_revision_limit_and_milestones_are_frozen_once_open(make_posting: MakePosting) -> None:
    make_posting(Status.DRAFT).check_editable(("revision_limit", "milestones"))
    for name in ("revision_limit", "milestones"):
        with pytest.raises(InvalidTransition, match=name):
            make_posting(Status.OPEN).check_editable((name,))
