"""The values a posting is made of: its states, the employer's terms, university targets."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from stint.kit.money import Money

# The decision deadline: how long a company may still choose after applications close.
DEFAULT_DECISION_WINDOW = timedelta(days=7)
MAX_DECISION_WINDOW = timedelta(days=30)


class Status(enum.Enum):
    DRAFT = "DRAFT"
    OPEN = "OPEN"
    FILLED = "FILLED"
    COMPLETED = "COMPLETED"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"
    PENDING_REVIEW = "PENDING_REVIEW"
    TAKEN_DOWN = "TAKEN_DOWN"


class Category(enum.Enum):
    MARKET_RESEARCH = "MARKET_RESEARCH"
    DATA_ANALYSIS = "DATA_ANALYSIS"
    CONTENT_WRITING = "CONTENT_WRITING"
    DESIGN = "DESIGN"
    SOFTWARE = "SOFTWARE"
    SALES = "SALES"
    OPERATIONS = "OPERATIONS"
    OTHER = "OTHER"


class AiPolicy(enum.Enum):
    ALLOWED = "ALLOWED"
    DISCLOSE = "DISCLOSE"
    NOT_ALLOWED = "NOT_ALLOWED"


class Visibility(enum.Enum):
    PUBLIC = "PUBLIC"
    UNIVERSITIES = "UNIVERSITIES"


class Decision(enum.Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"


@dataclass(frozen=True)
class UniversityTarget:
    university_id: str
    decision: Decision = Decision.PENDING
    reason: str = ""
    decided_at: datetime | None = None


DEFAULT_REVISION_LIMIT = 2


@dataclass(frozen=True)
class MilestonePlan:
    """A check-in on the way to the delivery: due `due_offset_days` after the work starts."""

    title: str
    due_offset_days: int
    deliverable: str = ""


@dataclass(frozen=True)
class Terms:
    """What the employer writes; validated as a whole (see `validation.validate_terms`)."""

    title: str
    summary: str
    description: str
    category: Category | None
    skills: tuple[str, ...]
    estimated_hours: int
    fee: Money
    positions: int
    application_deadline: datetime | None
    due_date: datetime | None
    acceptance_criteria: tuple[str, ...]
    ai_policy: AiPolicy | None
    visibility: Visibility | None
    university_ids: tuple[str, ...]
    # The cancellation policy: the percent of the fee paid to the intern when the employer
    # cancels work in progress (frozen once open: applicants accept it).
    kill_fee_percent: int = 0
    # Why a fee below the pay floor is fair; empty means the floor applies. With one, the
    # posting always goes to review.
    pay_floor_exception: str = ""
    # Until when the company may still hire after applications close (None: the default,
    # see `decides_until`).
    decision_deadline: datetime | None = None
    # Revisions the employer may request before approving (an input of 0 means the default),
    # and the milestones; both frozen once open, carried to the engagement by the hire.
    revision_limit: int = DEFAULT_REVISION_LIMIT
    milestones: tuple[MilestonePlan, ...] = ()

    @property
    def decides_until(self) -> datetime | None:
        """The effective decision deadline: the one given, else the application deadline +
        DEFAULT_DECISION_WINDOW, or halfway to the due date when that is sooner."""
        deadline, due = self.application_deadline, self.due_date
        if self.decision_deadline is not None or deadline is None:
            return self.decision_deadline
        default = deadline + DEFAULT_DECISION_WINDOW
        if due is not None and default >= due:
            return deadline + (due - deadline) / 2
        return default
