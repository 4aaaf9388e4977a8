"""What happened to a posting, as the domain says it; adapters/wire.py turns each into the
matching events.proto message carrying the posting snapshot."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class EventKind(enum.Enum):
    CREATED = "PostingCreated"
    UPDATED = "PostingUpdated"
    PUBLISHED = "PostingPublished"
    APPROVED = "PostingApprovedForUniversity"
    DECLINED = "PostingDeclinedForUniversity"
    CLOSED = "PostingClosed"
    CANCELLED = "PostingCancelled"
    EXPIRED = "PostingExpired"
    FILLED = "PostingFilled"
    COMPLETED = "PostingCompleted"
    SUBMITTED_FOR_REVIEW = "PostingSubmittedForReview"
    REVIEW_APPROVED = "PostingReviewApproved"
    REVIEW_DECLINED = "PostingReviewDeclined"
    FLAGGED = "PostingFlagged"
    TAKEN_DOWN = "PostingTakenDown"
    DECISION_DEADLINE_PASSED = "PostingDecisionDeadlinePassed"


@dataclass(frozen=True)
class DomainEvent:
    kind: EventKind
    changed_fields: tuple[str, ...] = ()
    university_id: str = ""
    reason: str = ""
