"""Inputs of the use cases, in domain terms (the gRPC and Kafka entrypoints build them; who
acts and why is the kit's `Actor` / `Cause`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from stint.kit.money import Money
from stint.kit.paging import PageRequest
from submissions.domain.dispute import DisputeStatus, EvidenceKind, Outcome, Reason
from submissions.domain.model import AiPolicy, Artifact, CriterionResult, Status
from submissions.domain.offer import OfferKind, OfferStatus
from submissions.domain.values import MilestonePlan


@dataclass(frozen=True)
class Hire:
    """A CandidateHired event: everything needed to start an engagement."""

    application_id: str
    posting_id: str
    company_id: str
    student_id: str
    university_id: str
    title: str
    category: str
    skills: tuple[str, ...]
    estimated_hours: int
    fee: Money
    due_date: datetime | None
    acceptance_criteria: tuple[str, ...]
    ai_policy: AiPolicy
    hired_at: datetime | None
    kill_fee_percent: int = 0
    student_name: str = ""
    company_name: str = ""
    revision_limit: int = 0  # the posting's; 0: the service's default
    milestones: tuple[MilestonePlan, ...] = ()


@dataclass(frozen=True)
class Funded:
    """A FundingSecured event: the company's money for the engagement is in escrow."""

    engagement_id: str
    funding_id: str
    funded_at: datetime | None


@dataclass(frozen=True)
class SubmitWork:
    engagement_id: str
    note: str
    artifacts: tuple[Artifact, ...]
    ai_used: bool
    ai_disclosure: str


@dataclass(frozen=True)
class ReviewWork:
    """RequestRevision or ApproveSubmission of one submission."""

    engagement_id: str
    submission_number: int
    feedback: str
    criteria: tuple[CriterionResult, ...] = ()


@dataclass(frozen=True)
class Cancel:
    engagement_id: str
    reason: str


@dataclass(frozen=True)
class GiveFeedback:
    engagement_id: str
    rating: int
    comment: str
    endorsed_skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListQuery:
    student_id: str = ""
    company_id: str = ""
    university_id: str = ""
    statuses: tuple[Status, ...] = ()
    page: PageRequest = field(default_factory=PageRequest)


@dataclass(frozen=True)
class EvidenceRef:
    """Evidence as given; `kind` None: unspecified, or a kind newer than this code."""

    kind: EvidenceKind | None
    reference: str
    note: str = ""


@dataclass(frozen=True)
class OpenDispute:
    engagement_id: str
    reason: Reason | None  # None: unspecified or unknown
    statement: str
    evidence: tuple[EvidenceRef, ...] = ()


@dataclass(frozen=True)
class AnswerDispute:
    dispute_id: str
    statement: str
    evidence: tuple[EvidenceRef, ...] = ()


@dataclass(frozen=True)
class ResolveDispute:
    dispute_id: str
    outcome: Outcome | None  # None: unspecified or unknown
    released: Money | None  # None: not given
    decision: str


@dataclass(frozen=True)
class DisputeQuery:
    statuses: tuple[DisputeStatus, ...] = ()
    company_id: str = ""
    student_id: str = ""
    page: PageRequest = field(default_factory=PageRequest)


@dataclass(frozen=True)
class MakeOffer:
    engagement_id: str
    kind: OfferKind | None  # None: unspecified or unknown (a field violation)
    role_title: str
    details: str = ""
    start_date: datetime | None = None
    compensation: Money | None = None


@dataclass(frozen=True)
class OfferQuery:
    statuses: tuple[OfferStatus, ...] = ()
    company_id: str = ""
    student_id: str = ""
    university_id: str = ""
    page: PageRequest = field(default_factory=PageRequest)


@dataclass(frozen=True)
class RequestExtension:
    engagement_id: str
    new_due_date: datetime | None  # None: not given
    reason: str


@dataclass(frozen=True)
class AnswerExtension:
    """AcceptExtension, DeclineExtension or WithdrawExtension (`number` as given in the
    path)."""

    engagement_id: str
    number: str
    accept: bool
    reason: str = ""


@dataclass(frozen=True)
class CheckOffMilestone:
    engagement_id: str
    number: str
    note: str = ""
    artifact: Artifact | None = None
