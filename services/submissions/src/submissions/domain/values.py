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
    late: bool = False  # a first delivery after the due date in force


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
    # How far past the later of the due date and now an extension may move the due date.
    max_extension: timedelta = timedelta(days=60)


class ExtensionStatus(StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    LAPSED = "LAPSED"  # unanswered when the work was delivered or the engagement ended
    WITHDRAWN = "WITHDRAWN"  # taken back by the side that asked, before an answer


@dataclass(frozen=True)
class Extension:
    """One side's request to move the due date; the other side answers it."""

    number: int
    requested_by: Party
    requester: str
    new_due_date: datetime
    previous_due_date: datetime
    reason: str
    requested_at: datetime
    status: ExtensionStatus = ExtensionStatus.PENDING
    answered_at: datetime | None = None
    answered_by: str = ""
    decline_reason: str = ""


class MilestoneStatus(StrEnum):
    OPEN = "OPEN"
    DONE = "DONE"  # the intern checked it off
    CONFIRMED = "CONFIRMED"  # the employer confirmed the check-off


@dataclass(frozen=True)
class MilestonePlan:
    """A milestone as the posting defines it (days after the work starts)."""

    title: str
    due_offset_days: int
    deliverable: str = ""


@dataclass(frozen=True)
class Milestone:
    number: int
    title: str
    due_offset_days: int
    deliverable: str = ""
    due_at: datetime | None = None  # started_at + the offset; None until the work starts
    status: MilestoneStatus = MilestoneStatus.OPEN
    due_notified: bool = False
    checked_off_at: datetime | None = None
    checked_off_by: str = ""
    note: str = ""
    artifact: Artifact | None = None
    confirmed_at: datetime | None = None
    confirmed_by: str = ""
    late: bool = False
