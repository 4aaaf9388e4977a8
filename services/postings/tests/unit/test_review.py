"""The automatic review checks and the review transitions (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from postings.domain import moderation
from postings.domain.errors import InvalidTransition
from postings.domain.events import EventKind
from postings.domain.model import Posting
from postings.domain.review import (
    DEFAULT_PROHIBITED_WORK,
    MISSING_ACCEPTANCE_CRITERIA,
    PAY_FLOOR_EXCEPTION,
    PROHIBITED_WORK,
    UNVERIFIED_COMPANY,
    ReviewStatus,
    automatic_findings,
)
from postings.domain.validation import Policy, validate_terms
from postings.domain.values import Status, Terms
from stint.kit.errors import InvalidArgument
from stint.kit.money import Money

Make = Callable[..., Terms]


def codes(terms: Terms, verified: bool = True) -> list[str]:
    return [f.code for f in automatic_findings(terms, verified, DEFAULT_PROHIBITED_WORK)]


def test_a_clean_posting_of_a_verified_company_has_no_finding(make_terms: Make) -> None:
    assert codes(make_terms()) == []


def test_an_unverified_company_is_a_finding(make_terms: Make) -> None:
    assert codes(make_terms(), verified=False) == [UNVERIFIED_COMPANY]


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("title", "Unpaid TRIAL week for designers"),
        ("summary", "Commission only sales, great upside"),
        ("description", "Go door-to-door in your town"),
        ("skills", ("multi-level-marketing",)),
        ("description", "Essay writing for others, fast turnaround"),
    ],
)
def test_prohibited_work_is_found_in_any_text_field(
    make_terms: Make, field: str, text: object
) -> None:
    found = automatic_findings(make_terms(**{field: text}), True, DEFAULT_PROHIBITED_WORK)
    assert [f.code for f in found] == [PROHIBITED_WORK]
    assert "“" in found[0].message


def test_phrases_match_whole_words_only(make_terms: Make) -> None:
    assert codes(make_terms(title="Farmlmap analysis", summary="A trial balance review")) == []


def test_the_prohibited_list_is_configurable(make_terms: Make) -> None:
    terms = make_terms(description="Crypto pump promotion")
    assert automatic_findings(terms, True, ("crypto pump",))[0].code == PROHIBITED_WORK
    assert automatic_findings(terms, True, ()) == ()


def test_missing_acceptance_criteria_and_pay_floor_exception_are_findings(
    make_terms: Make,
) -> None:
    terms = make_terms(acceptance_criteria=(), pay_floor_exception="non-profit, volunteer rate")
    assert codes(terms) == [PAY_FLOOR_EXCEPTION, MISSING_ACCEPTANCE_CRITERIA]


def test_a_fee_below_the_floor_passes_validation_only_with_an_exception_reason(
    make_terms: Make, now: datetime
) -> None:
    low = make_terms(fee=Money(10_000, "USD"))
    with pytest.raises(InvalidArgument):
        validate_terms(low, Policy(), now)
    validate_terms(replace(low, pay_floor_exception="student society budget"), Policy(), now)
    with pytest.raises(InvalidArgument) as caught:
        validate_terms(replace(low, pay_floor_exception="x" * 501), Policy(), now)
    assert [v.field for v in caught.value.violations] == ["pay_floor_exception"]


def draft(make_posting: Callable[..., Posting]) -> Posting:
    return make_posting(Status.DRAFT)


def test_publish_without_findings_opens(
    make_posting: Callable[..., Posting], now: datetime
) -> None:
    after, events = moderation.publish(draft(make_posting), (), now)
    assert after.status is Status.OPEN
    assert after.published_at == now
    assert after.review is not None
    assert after.review.status is ReviewStatus.NOT_REQUIRED
    assert [e.kind for e in events] == [EventKind.PUBLISHED]
    assert not moderation.in_queue(after)


def pending(make_posting: Callable[..., Posting], make_terms: Make, now: datetime) -> Posting:
    findings = automatic_findings(make_terms(), False, ())
    after, events = moderation.publish(draft(make_posting), findings, now)
    assert [e.kind for e in events] == [EventKind.SUBMITTED_FOR_REVIEW]
    return after


def test_publish_with_findings_waits_for_review_unpublished(
    make_posting: Callable[..., Posting], make_terms: Make, now: datetime
) -> None:
    after = pending(make_posting, make_terms, now)
    assert after.status is Status.PENDING_REVIEW
    assert after.published_at is None
    assert after.expires_at is None  # no expiry timer while in review
    assert moderation.in_queue(after)


def test_approving_a_pending_posting_opens_it(
    make_posting: Callable[..., Posting], make_terms: Make, now: datetime
) -> None:
    later = now + timedelta(hours=1)
    after, events = moderation.approve(pending(make_posting, make_terms, now), "usr_root", later)
    assert after.status is Status.OPEN
    assert after.published_at == later
    assert after.review is not None
    assert (after.review.status, after.review.decided_by) == (ReviewStatus.APPROVED, "usr_root")
    assert [e.kind for e in events] == [EventKind.REVIEW_APPROVED, EventKind.PUBLISHED]
    assert not moderation.in_queue(after)
    with pytest.raises(InvalidTransition):
        moderation.approve(after, "usr_root", later)


def test_declining_returns_to_draft_and_publishing_again_resubmits(
    make_posting: Callable[..., Posting], make_terms: Make, now: datetime
) -> None:
    after, events = moderation.decline(
        pending(make_posting, make_terms, now), "fix the fee", "usr_root", now
    )
    assert after.status is Status.DRAFT
    assert after.review is not None
    assert after.review.status is ReviewStatus.DECLINED
    assert after.review.reason == "fix the fee"
    assert [(e.kind, e.reason) for e in events] == [(EventKind.REVIEW_DECLINED, "fix the fee")]
    again, _ = moderation.publish(after, automatic_findings(after.terms, False, ()), now)
    assert again.status is Status.PENDING_REVIEW
    assert again.review is not None
    assert again.review.status is ReviewStatus.PENDING


def test_flags_put_an_open_posting_in_the_queue_once_per_caller(
    make_posting: Callable[..., Posting], now: datetime
) -> None:
    opened = make_posting(Status.OPEN)
    flagged, events = moderation.flag(opened, "usr_kim", "asks for a deposit", now)
    assert flagged.status is Status.OPEN
    assert moderation.in_queue(flagged)
    assert [e.kind for e in events] == [EventKind.FLAGGED]
    assert flagged.review is not None
    assert flagged.review.flag_count == 1
    same, none = moderation.flag(flagged, "usr_kim", "again", now)
    assert same is flagged
    assert none == []
    second, _ = moderation.flag(flagged, "usr_lee", "spam", now + timedelta(minutes=1))
    assert second.review is not None
    assert second.review.flag_count == 2
    assert second.review.submitted_at == now  # its place in the queue is kept
    with pytest.raises(InvalidTransition):
        moderation.decline(second, "no", "usr_root", now)
    dismissed, events = moderation.approve(second, "usr_root", now)
    assert dismissed.status is Status.OPEN
    assert not moderation.in_queue(dismissed)
    assert [e.kind for e in events] == [EventKind.REVIEW_APPROVED]


def test_only_open_postings_are_flagged(
    make_posting: Callable[..., Posting], now: datetime
) -> None:
    with pytest.raises(InvalidTransition):
        moderation.flag(make_posting(Status.DRAFT), "usr_kim", "x", now)


@pytest.mark.parametrize("status", [Status.OPEN, Status.PENDING_REVIEW])
def test_take_down_is_terminal(
    make_posting: Callable[..., Posting], now: datetime, status: Status
) -> None:
    after, events = moderation.take_down(make_posting(status), "scam", "usr_root", now)
    assert after.status is Status.TAKEN_DOWN
    assert after.expires_at is None
    assert after.review is not None
    assert after.review.status is ReviewStatus.TAKEN_DOWN
    assert [(e.kind, e.reason) for e in events] == [(EventKind.TAKEN_DOWN, "scam")]
    with pytest.raises(InvalidTransition):
        moderation.take_down(after, "again", "usr_root", now)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.CLOSED, Status.FILLED, Status.EXPIRED])
def test_take_down_needs_an_open_or_pending_posting(
    make_posting: Callable[..., Posting], now: datetime, status: Status
) -> None:
    with pytest.raises(InvalidTransition):
        moderation.take_down(make_posting(status), "scam", "usr_root", now)


def test_the_prohibited_list_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from postings.config import Settings

    assert "door-to-door" in Settings().policy().prohibited_work
    monkeypatch.setenv("STINT_PROHIBITED_WORK", '[" Crypto Pump ", ""]')
    assert Settings().policy().prohibited_work == ("crypto pump",)


def test_the_review_travels_on_the_posting_snapshot(
    make_posting: Callable[..., Posting], now: datetime
) -> None:
    from postings.adapters import wire
    from stint.postings.v1 import posting_pb2

    flagged, _ = moderation.flag(make_posting(Status.OPEN), "usr_kim", "deposit", now)
    out = wire.posting_out(replace(flagged, company_name="Acme"))
    assert out.company_name == "Acme"
    assert out.review.status == posting_pb2.REVIEW_STATUS_PENDING
    assert [(f.code, f.message) for f in out.review.findings] == [("flagged", "deposit")]
    assert out.review.flag_count == 1
    assert wire.posting_out(make_posting(Status.DRAFT)).HasField("review") is False
