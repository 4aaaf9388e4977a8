"""The facts the read model keeps, one document each, stored per university.

Every fact has a deterministic id (the posting and university of an approval, the application,
the engagement), so a redelivered or out-of-order event lands on the same fact. Events of one
fact arrive in any order across topics (a payout before the hire is seen): each event fills
only its own fields, and identifying fields (university, student, company, category) are
filled by whichever event carries them first, the hire's taking precedence.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from stint.kit.money import Money


@dataclass(frozen=True)
class PostingInfo:
    """What the reports need of a posting: its company and category (latest version wins)."""

    posting_id: str
    company_id: str = ""
    company_name: str = ""
    category: str = ""
    posting_version: int = 0


@dataclass(frozen=True)
class Approval:
    """A posting aimed at a university, and whether it is approved for it (`approved_at`
    None: pending or declined). Id: ``<university>/<posting>``."""

    university_id: str
    posting_id: str
    company_id: str = ""
    company_name: str = ""
    category: str = ""
    approved_at: datetime | None = None
    posting_version: int = 0

    @property
    def id(self) -> str:
        return approval_id(self.university_id, self.posting_id)


def approval_id(university_id: str, posting_id: str) -> str:
    return f"{university_id}/{posting_id}"


@dataclass(frozen=True)
class Applied:
    """A student's application (id = the application id). Its category comes from the
    posting (PostingInfo) when the report is made, unless an event carried it."""

    application_id: str
    university_id: str
    student_id: str
    posting_id: str
    company_id: str
    applied_at: datetime
    company_name: str = ""
    category: str = ""


@dataclass(frozen=True)
class Payment:
    """A payout paid to the intern of an engagement."""

    payout_id: str
    amount: Money
    paid_at: datetime


@dataclass(frozen=True)
class EngagementFact:
    """Everything about one hire (id = the engagement id, ``eng_<application suffix>``)."""

    engagement_id: str
    university_id: str = ""
    student_id: str = ""
    company_id: str = ""
    company_name: str = ""
    posting_id: str = ""
    category: str = ""
    hired_at: datetime | None = None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    # The employer's rating of the student (1-5), when the feedback was revealed.
    rating: int = 0
    rated_at: datetime | None = None
    payments: tuple[Payment, ...] = ()
    # The university that sponsored part of it, its share, and when the work was released.
    sponsor_university_id: str = ""
    sponsor_share: Money | None = None
    sponsored_at: datetime | None = None
    offer_made_at: datetime | None = None
    offer_accepted_at: datetime | None = None


@dataclass(frozen=True)
class Parties:
    """Identifying fields an event carries about an engagement (empty: unknown)."""

    university_id: str = ""
    student_id: str = ""
    company_id: str = ""
    company_name: str = ""
    posting_id: str = ""
    category: str = ""


def with_parties(
    fact: EngagementFact, parties: Parties, *, authoritative: bool = False
) -> EngagementFact:
    """`fact` with the identifying fields it lacks filled from `parties` (all of the set
    ones when `authoritative`: the hire's terms)."""
    changes = {
        name: value
        for name, value in vars(parties).items()
        if value and (authoritative or not getattr(fact, name))
    }
    return replace(fact, **changes) if changes else fact


def with_payment(fact: EngagementFact, payment: Payment) -> EngagementFact:
    """`fact` with `payment` recorded once (a redelivered PayoutPaid changes nothing)."""
    others = tuple(p for p in fact.payments if p.payout_id != payment.payout_id)
    return replace(fact, payments=(*others, payment))


@dataclass(frozen=True)
class Facts:
    """What one report is made of: the university's facts, and the postings they refer to."""

    approvals: list[Approval] = field(default_factory=list)
    applied: list[Applied] = field(default_factory=list)
    engagements: list[EngagementFact] = field(default_factory=list)
    sponsored: list[EngagementFact] = field(default_factory=list)
    postings: dict[str, PostingInfo] = field(default_factory=dict)
