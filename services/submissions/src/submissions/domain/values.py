"""Value objects and enumerations of the engagement aggregate (pure, immutable)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Status(StrEnum):
    AWAITING_FUNDING = "AWAITING_FUNDING"  # hired; the company's money is not in escrow yet
    ACTIVE = "ACTIVE"
    SUBMITTED = "SUBMITTED"
    REVISION_REQUESTED = "REVISION_REQUESTED"
    APPROVED = "APPROVED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    DISPUTED = "DISPUTED"  # a dispute is open: nothing moves until an admin resolves it


class AiPolicy(StrEnum):
    UNSPECIFIED = "UNSPECIFIED"  # treated as ALLOWED: the posting set no rule
    ALLOWED = "ALLOWED"
    DISCLOSE = "DISCLOSE"
    NOT_ALLOWED = "NOT_ALLOWED"


class Decision(StrEnum):
    REVISION_REQUESTED = "REVISION_REQUESTED"
    APPROVED = "APPROVED"
    AUTO_APPROVED = "AUTO_APPROVED"


class Party(StrEnum):
    EMPLOYER = "EMPLOYER"
    STUDENT = "STUDENT"
    PLATFORM = "PLATFORM"  # an admin or the platform itself (never a feedback author)


@dataclass(frozen=True)
class Artifact:
    name: str
    url: str
    sha256: str = ""
    size_bytes: int = 0


@dataclass(frozen=True)
class Submission:
    number: int
    note: str
    artifacts: tuple[Artifact, ...]
    ai_used: bool
    ai_disclosure: str
    submitted_at: datetime


@dataclass(frozen=True)
class CriterionResult:
    criterion: str
    met: bool


@dataclass(frozen=True)
class Review:
    submission_number: int
    decision: Decision
    feedback: str
    criteria: tuple[CriterionResult, ...]
    reviewed_by: str
    reviewed_at: datetime


@dataclass(frozen=True)
class Feedback:
    author: Party
    rating: int
    comment: str
    endorsed_skills: tuple[str, ...]
    given_at: datetime


@dataclass(frozen=True)
class IssuedRecord:
    """The signed experience record last issued, kept so that repeated fetches are stable."""

    jws: str
    key_id: str
    issued_at: datetime
    includes_rating: bool


@dataclass(frozen=True)
class Windows:
    """Time limits of funding, review, feedback and disputes (service settings)."""

    review: timedelta = timedelta(days=7)
    reveal: timedelta = timedelta(days=14)
    funding: timedelta = timedelta(hours=72)
    # The other side's time to answer a dispute before an admin decides without the answer.
    dispute_answer: timedelta = timedelta(hours=96)
