"""Inputs of the use cases, in domain terms (the gRPC and Kafka entrypoints build them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from submissions.domain.model import AiPolicy, Artifact, CriterionResult, Money, Status


@dataclass(frozen=True)
class Actor:
    """Who acts: a JWT subject, role and organisation; the platform itself has role system."""

    subject: str
    role: str
    org: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


SYSTEM = Actor(subject="", role="system")


@dataclass(frozen=True)
class Context:
    """Who caused a change and which request or event it belongs to (goes into EventContext)."""

    actor: Actor
    correlation_id: str = ""
    causation_id: str = ""


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
    page_size: int = 0
    page_token: str = ""
