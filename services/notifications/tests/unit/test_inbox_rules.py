"""Who an event notifies, with which words, and what the inbox reads from the snapshots."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from notifications.adapters.catalogue import INBOX_TYPES
from notifications.adapters.wire import inbox_event
from notifications.domain.access import inbox_of
from notifications.domain.errors import NotAnOwner
from notifications.domain.inbox import (
    KINDS,
    Channel,
    InboxEvent,
    effective,
    recipients,
    text,
)
from stint.kit.actor import Actor
from stint.kit.envelope import Envelope
from stint.payouts.v1.events_pb2 import PayoutFailed, PayoutPaid
from stint.payouts.v1.payout_pb2 import Payout
from stint.postings.v1.events_pb2 import PostingPublished
from stint.postings.v1.posting_pb2 import Posting, UniversityTarget

T = datetime(2026, 3, 1, tzinfo=UTC)


def event(kind: str, **fields: object) -> InboxEvent:
    return InboxEvent(kind, "evt_1", "app_1", "Market scan", T, **fields)  # type: ignore[arg-type]


def envelope(subject: str) -> Envelope:
    return Envelope("evt_1", "t", "/stint/x", subject, T, "topic", subject, b"")


def test_every_rule_is_a_catalogued_type() -> None:
    assert set(KINDS) <= INBOX_TYPES


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("candidate.hired", ["student:usr_1"]),
        ("application.submitted", ["company:cmp_1"]),
        ("engagement.overdue", ["student:usr_1", "company:cmp_1"]),
        ("posting.published", ["university:uni_1", "university:uni_2"]),
        ("posting.updated", []),
    ],
)
def test_recipients(kind: str, expected: list[str]) -> None:
    unis = frozenset({"uni_2", "uni_1"})
    assert recipients(event(kind, student_id="usr_1", company_id="cmp_1", university_ids=unis)) == (
        expected
    )


def test_text_names_the_project() -> None:
    assert text(event("candidate.hired")) == ("You are hired", "You were hired for “Market scan”.")


def test_inbox_owner() -> None:
    assert inbox_of(Actor("usr_1", "student", "uni_1")) == "student:usr_1"
    assert inbox_of(Actor("usr_2", "employer", "cmp_1")) == "company:cmp_1"
    assert inbox_of(Actor("usr_3", "university", "uni_1")) == "university:uni_1"
    with pytest.raises(NotAnOwner):
        inbox_of(Actor("usr_4", "admin", ""))


def test_preferences_fall_back_to_defaults() -> None:
    channels = effective({"candidate.hired": "off"})
    assert channels["candidate.hired"] is Channel.OFF
    assert channels["payout.paid"] is Channel.EMAIL
    assert channels["application.submitted"] is Channel.IN_APP
    assert set(channels) == set(KINDS)


def test_snapshots_give_title_and_people() -> None:
    paid = PayoutPaid(payout=Payout(student_id="usr_1", company_id="cmp_1", posting_title="Scan"))
    got = inbox_event("payout.paid", paid, envelope("pay_1"))
    assert (got.title, got.student_id, got.company_id, got.subject_id) == (
        "Scan",
        "usr_1",
        "cmp_1",
        "pay_1",
    )
    targets = [UniversityTarget(university_id="uni_1")]
    posting = PostingPublished(posting=Posting(title="Survey", universities=targets))
    published = inbox_event("posting.published", posting, envelope("pst_1"))
    assert (published.title, published.university_ids) == ("Survey", frozenset({"uni_1"}))


@pytest.mark.parametrize(
    ("retryable", "says", "never_says"),
    [
        (True, "retried automatically", "Update your payout account"),
        (False, "could not be sent (the account is closed). Update your payout", "retried"),
    ],
)
def test_a_payout_failure_notice_says_truthfully_what_happens_next(
    retryable: bool, says: str, never_says: str
) -> None:
    # account_closed told the student "it will be retried": it never was.
    payout = Payout(
        student_id="usr_s1",
        posting_title="Market scan",
        failure_code="account_closed",
        failure_message="the account is closed",
        retryable=retryable,
    )
    failed = inbox_event("payout.failed", PayoutFailed(payout=payout), envelope("pay_1"))
    _, body = text(failed)
    assert says in body
    assert never_says not in body
