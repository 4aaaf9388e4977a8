"""What happened to an engagement, in domain terms; the repository turns these into the
Protobuf events of `stint.submissions.v1` through `adapters/wire.py` (`envelopes_for`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from stint.kit.money import Money

if TYPE_CHECKING:
    from submissions.domain.dispute import Dispute
    from submissions.domain.model import Engagement, Party
    from submissions.domain.offer import Offer
    from submissions.domain.values import Extension, Milestone


@dataclass(frozen=True)
class EngagementStarted:
    engagement: Engagement


@dataclass(frozen=True)
class WorkSubmitted:
    engagement: Engagement
    submission_number: int


@dataclass(frozen=True)
class RevisionRequested:
    engagement: Engagement
    submission_number: int


@dataclass(frozen=True)
class SubmissionApproved:
    engagement: Engagement
    submission_number: int
    auto_approved: bool


@dataclass(frozen=True)
class EngagementCompleted:
    engagement: Engagement


@dataclass(frozen=True)
class EngagementCancelled:
    engagement: Engagement
    reason: str
    kill_fee: Money | None = None  # the intern's share when the employer cancelled mid-work


@dataclass(frozen=True)
class EngagementOverdue:
    engagement: Engagement


@dataclass(frozen=True)
class FeedbackGiven:
    engagement_id: str
    company_id: str
    student_id: str
    author: Party


@dataclass(frozen=True)
class FeedbackRevealed:
    engagement: Engagement


@dataclass(frozen=True)
class ExperienceRecordIssued:
    engagement_id: str
    student_id: str
    company_id: str
    key_id: str
    issued_at: datetime


@dataclass(frozen=True)
class DisputeOpened:
    dispute: Dispute
    engagement: Engagement


@dataclass(frozen=True)
class DisputeAnswered:
    dispute: Dispute


@dataclass(frozen=True)
class DisputeEscalated:
    dispute: Dispute


@dataclass(frozen=True)
class DisputeResolved:
    dispute: Dispute
    engagement: Engagement


@dataclass(frozen=True)
class OfferMade:
    offer: Offer


@dataclass(frozen=True)
class OfferAccepted:
    offer: Offer


@dataclass(frozen=True)
class OfferDeclined:
    offer: Offer


@dataclass(frozen=True)
class OfferWithdrawn:
    offer: Offer


@dataclass(frozen=True)
class ExtensionRequested:
    engagement: Engagement
    extension: Extension


@dataclass(frozen=True)
class ExtensionGranted:
    engagement: Engagement
    extension: Extension


@dataclass(frozen=True)
class ExtensionDeclined:
    engagement: Engagement
    extension: Extension


@dataclass(frozen=True)
class ExtensionWithdrawn:
    engagement: Engagement
    extension: Extension


@dataclass(frozen=True)
class MilestoneDue:
    engagement: Engagement
    milestone: Milestone


@dataclass(frozen=True)
class MilestoneCompleted:
    engagement: Engagement
    milestone: Milestone


Event = (
    EngagementStarted
    | WorkSubmitted
    | RevisionRequested
    | SubmissionApproved
    | EngagementCompleted
    | EngagementCancelled
    | EngagementOverdue
    | FeedbackGiven
    | FeedbackRevealed
    | ExperienceRecordIssued
    | DisputeOpened
    | DisputeAnswered
    | DisputeEscalated
    | DisputeResolved
    | OfferMade
    | OfferAccepted
    | OfferDeclined
    | OfferWithdrawn
    | ExtensionRequested
    | ExtensionGranted
    | ExtensionDeclined
    | ExtensionWithdrawn
    | MilestoneDue
    | MilestoneCompleted
)
