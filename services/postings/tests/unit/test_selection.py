"""Choosing after applications close: the decision deadline, its bounds and default, the
selection's end, and the terminal status of a posting whose engagements were all cancelled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from postings.adapters import documents, wire
from postings.domain.events import EventKind
from postings.domain.model import ENGAGEMENTS_CANCELLED, Posting
from postings.domain.validation import Policy, validate_terms
from postings.domain.values import Status, Terms
from stint.kit.errors import InvalidArgument

MakePosting = Callable[..., Posting]
MakeTerms = Callable[..., Terms]


def kinds(events: list) -> list[EventKind]:
    return [e.kind for e in events]


def decision_violation(terms: Terms, now: datetime) -> str:
    with pytest.raises(InvalidArgument) as caught:
        validate_terms(terms, Policy(), now)
    found = {v.field: v.description for v in caught.value.violations}
    return found["decision_deadline"]


def test_decision_deadline_bounds(make_terms: MakeTerms, now: datetime) -> None:
    deadline = now + timedelta(days=7)
    ok = make_terms(decision_deadline=deadline + timedelta(days=3))
    validate_terms(ok, Policy(), now)
    at = make_terms(decision_deadline=deadline)
    assert decision_violation(at, now) == "must be after the application deadline"
    late = make_terms(
        decision_deadline=deadline + timedelta(days=31), due_date=deadline + timedelta(days=60)
    )
    assert "at most 30 days" in decision_violation(late, now)
    after_due = make_terms(decision_deadline=now + timedelta(days=21))  # the due date
    assert decision_violation(after_due, now) == "must be before the due date"


def test_default_decision_deadline(make_terms: MakeTerms, now: datetime) -> None:
    deadline = now + timedelta(days=7)
    assert make_terms().decides_until == deadline + timedelta(days=7)
    short = make_terms(due_date=deadline + timedelta(days=4))
    assert short.decides_until == deadline + timedelta(days=2)  # halfway to the due date
    given = make_terms(decision_deadline=deadline + timedelta(days=1))
    assert given.decides_until == deadline + timedelta(days=1)


def test_the_snapshot_carries_the_effective_decision_deadline(make_posting: MakePosting) -> None:
    posting = make_posting(Status.OPEN)
    message = wire.posting_out(posting)
    assert message.decision_deadline.ToDatetime().replace(tzinfo=None) == (
        posting.terms.decides_until.replace(tzinfo=None)  # type: ignore[union-attr]
    )
    closed = documents.from_document(documents.to_document(posting))
    assert closed.terms.decision_deadline is None  # the default is not frozen into the document


def test_hires_while_closed_still_fill(make_posting: MakePosting, now: datetime) -> None:
    closed, _ = make_posting(Status.OPEN, positions=2).close(now)
    one, events = closed.record_hire("app_1", now + timedelta(days=2))
    assert (one.status, events) == (Status.CLOSED, [])
    filled, events = one.record_hire("app_2", now + timedelta(days=3))
    assert filled.status is Status.FILLED
    assert kinds(events) == [EventKind.FILLED]
    assert filled.expires_at is None


def test_a_closed_posting_does_not_complete_while_choosing(
    make_posting: MakePosting, now: datetime
) -> None:
    closed, _ = make_posting(Status.OPEN, positions=3).close(now)
    hired, _ = closed.record_hire("app_1", now)
    ended, events = hired.record_engagement_end("eng_1", True, now)
    assert (ended.status, events) == (Status.CLOSED, [])
    done, events = ended.expire(ended.terms.decides_until)  # type: ignore[arg-type]
    assert done.status is Status.COMPLETED
    assert kinds(events) == [EventKind.DECISION_DEADLINE_PASSED, EventKind.COMPLETED]
    again, events = done.expire(now + timedelta(days=60))
    assert (again, events) == (done, [])


def test_every_engagement_cancelled_ends_cancelled_not_completed(
    make_posting: MakePosting, now: datetime
) -> None:
    posting, _ = make_posting(Status.OPEN, positions=2).record_hire("app_1", now)
    posting, _ = posting.record_hire("app_2", now)
    assert posting.status is Status.FILLED
    posting, _ = posting.record_engagement_end("eng_1", False, now)
    ended, events = posting.record_engagement_end("eng_2", False, now)
    assert ended.status is Status.CANCELLED
    assert ended.completed_count == 0
    assert kinds(events) == [EventKind.CANCELLED]
    assert events[0].reason == ENGAGEMENTS_CANCELLED


def test_one_completed_engagement_is_enough_to_complete(
    make_posting: MakePosting, now: datetime
) -> None:
    posting, _ = make_posting(Status.OPEN, positions=2).record_hire("app_1", now)
    posting, _ = posting.record_hire("app_2", now)
    posting, _ = posting.record_engagement_end("eng_1", False, now)
    ended, events = posting.record_engagement_end("eng_2", True, now)
    assert (ended.status, ended.completed_count) == (Status.COMPLETED, 1)
    assert kinds(events) == [EventKind.COMPLETED]


def test_the_decision_deadline_is_editable_while_open(
    make_posting: MakePosting, make_terms: MakeTerms, now: datetime
) -> None:
    posting = make_posting(Status.OPEN)
    later = now + timedelta(days=10)
    edited, events = posting.edit(make_terms(decision_deadline=later), ("decision_deadline",), now)
    assert edited.terms.decides_until == later
    assert events[0].changed_fields == ("decision_deadline",)
