"""Review transitions of a posting: publish through the review queue, an admin's approval,
decline or takedown, and flags. Pure: each returns the new posting and its domain events.

The queue holds PENDING_REVIEW postings and OPEN ones with a pending review (flagged).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from postings.domain.errors import InvalidTransition
from postings.domain.events import DomainEvent, EventKind
from postings.domain.model import Posting
from postings.domain.review import FLAGGED, Finding, Review, ReviewStatus
from postings.domain.values import Status

# Bounds on what flags add to a posting document: distinct flaggers remembered (later ones
# are not counted again) and flag findings kept (the latest).
MAX_FLAGGERS = 200
MAX_FLAG_FINDINGS = 20

Transition = tuple[Posting, list[DomainEvent]]


def in_queue(posting: Posting) -> bool:
    """Whether the posting waits for an admin (the indexed review-queue state)."""
    review = posting.review
    return (
        review is not None
        and review.status is ReviewStatus.PENDING
        and posting.status in (Status.PENDING_REVIEW, Status.OPEN)
    )


def publish(posting: Posting, findings: tuple[Finding, ...], now: datetime) -> Transition:
    """DRAFT -> OPEN with no finding (PostingPublished), else -> PENDING_REVIEW
    (PostingSubmittedForReview); either way a new review starts."""
    opened, events = posting.publish(now)
    if not findings:
        return replace(opened, review=Review(ReviewStatus.NOT_REQUIRED, submitted_at=now)), events
    review = Review(ReviewStatus.PENDING, findings, submitted_at=now)
    pending = replace(posting, status=Status.PENDING_REVIEW, review=review, updated_at=now)
    return pending, [DomainEvent(EventKind.SUBMITTED_FOR_REVIEW)]


def approve(posting: Posting, admin: str, now: datetime) -> Transition:
    """A pending posting opens (PostingReviewApproved + PostingPublished); a flagged open one
    stays open, its flags dismissed (PostingReviewApproved)."""
    review = _queued(posting)
    decided = replace(review, status=ReviewStatus.APPROVED, decided_at=now, decided_by=admin)
    approved = [DomainEvent(EventKind.REVIEW_APPROVED)]
    if posting.status is Status.OPEN:
        return replace(posting, review=decided, updated_at=now), approved
    opened = replace(posting, status=Status.OPEN, published_at=now, review=decided, updated_at=now)
    return opened, [*approved, DomainEvent(EventKind.PUBLISHED)]


def decline(posting: Posting, reason: str, admin: str, now: datetime) -> Transition:
    """A pending posting returns to DRAFT with the reason (PostingReviewDeclined); a flagged
    open posting is approved (flags dismissed) or taken down instead."""
    review = _queued(posting)
    if posting.status is not Status.PENDING_REVIEW:
        raise InvalidTransition(
            "an open posting is not declined: approve it (dismissing the flags) or take it down"
        )
    decided = replace(
        review, status=ReviewStatus.DECLINED, reason=reason, decided_at=now, decided_by=admin
    )
    draft = replace(posting, status=Status.DRAFT, review=decided, updated_at=now)
    return draft, [DomainEvent(EventKind.REVIEW_DECLINED, reason=reason)]


def flag(posting: Posting, flagger: str, reason: str, now: datetime) -> Transition:
    """Someone reports an OPEN posting: it enters the queue and stays open (PostingFlagged).
    The same caller flagging again changes nothing."""
    if posting.status is not Status.OPEN:
        raise InvalidTransition(f"cannot flag a posting that is {posting.status.value}")
    if flagger in posting.flagged_by or len(posting.flagged_by) >= MAX_FLAGGERS:
        return posting, []
    review = posting.review or Review(ReviewStatus.NOT_REQUIRED)
    submitted = review.submitted_at if review.status is ReviewStatus.PENDING else now
    flags = [f for f in review.findings if f.code == FLAGGED][-(MAX_FLAG_FINDINGS - 1) :]
    others = [f for f in review.findings if f.code != FLAGGED]
    flagged = replace(
        review,
        status=ReviewStatus.PENDING,
        findings=(*others, *flags, Finding(FLAGGED, reason)),
        submitted_at=submitted,
        flag_count=review.flag_count + 1,
    )
    after = replace(
        posting, review=flagged, flagged_by=(*posting.flagged_by, flagger), updated_at=now
    )
    return after, [DomainEvent(EventKind.FLAGGED, reason=reason)]


def take_down(posting: Posting, reason: str, admin: str, now: datetime) -> Transition:
    """An admin removes an OPEN or PENDING_REVIEW posting: TAKEN_DOWN, terminal
    (PostingTakenDown; applications answers every waiting application)."""
    if posting.status not in (Status.OPEN, Status.PENDING_REVIEW):
        raise InvalidTransition(f"cannot take down a posting that is {posting.status.value}")
    review = posting.review or Review(ReviewStatus.NOT_REQUIRED)
    decided = replace(
        review, status=ReviewStatus.TAKEN_DOWN, reason=reason, decided_at=now, decided_by=admin
    )
    after = replace(posting, status=Status.TAKEN_DOWN, review=decided, updated_at=now)
    return after, [DomainEvent(EventKind.TAKEN_DOWN, reason=reason)]


def _queued(posting: Posting) -> Review:
    if not in_queue(posting) or posting.review is None:
        raise InvalidTransition("the posting is not awaiting review")
    return posting.review
