"""The only place protobuf meets the domain: consumed events into facts and changes, reports
into messages.

Company names: the posting, application, engagement and offer snapshots carry `company_name`
(empty for a company that saved no profile yet); the report shows the latest one seen.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from outcomes.domain.changes import (
    Cancelled,
    Completed,
    Hired,
    OfferAccepted,
    OfferMade,
    Paid,
    Rated,
    SponsorReleased,
)
from outcomes.domain.facts import Applied, Approval, Parties, Payment, PostingInfo
from stint.applications.v1.events_pb2 import CandidateHired
from stint.common.v1.work_pb2 import Category
from stint.kit.ids import suffix
from stint.kit.money import Money
from stint.kit.wire import enum_name, money_of, optional_time
from stint.payouts.v1.events_pb2 import FundingReleased, PayoutPaid
from stint.payouts.v1.sponsorship_pb2 import SPONSOR_KIND_UNIVERSITY
from stint.postings.v1.posting_pb2 import UNIVERSITY_DECISION_APPROVED, Posting
from stint.submissions.v1.engagement_pb2 import PARTY_EMPLOYER, Engagement
from stint.submissions.v1.events_pb2 import (
    EngagementCancelled,
    EngagementCompleted,
    FeedbackRevealed,
)

CATEGORY = "CATEGORY_"


def category(number: int) -> str:
    return enum_name(Category, number, CATEGORY) if number else ""


def company_name(message: Any) -> str:
    """The snapshot's company display name (the posting, application, engagement or offer)."""
    return str(message.company_name)


def posting_info(p: Posting) -> PostingInfo:
    return PostingInfo(p.id, p.company_id, company_name(p), category(p.category), p.version)


def decision(p: Posting, university_id: str, seen_at: datetime) -> Approval:
    """The posting's current decision for `university_id` (approved_at None unless approved)."""
    approved_at = None
    for target in p.universities:
        if (
            target.university_id == university_id
            and target.decision == UNIVERSITY_DECISION_APPROVED
        ):
            approved_at = optional_time(target, "decided_at") or seen_at
    return Approval(
        university_id,
        p.id,
        p.company_id,
        company_name(p),
        category(p.category),
        approved_at,
        p.version,
    )


def applied(app: Any, seen_at: datetime) -> Applied:
    return Applied(
        app.id,
        app.university_id,
        app.student_id,
        app.posting_id,
        app.company_id,
        optional_time(app, "created_at") or seen_at,
        company_name(app),
    )


def _engagement_parties(e: Engagement) -> Parties:
    return Parties(
        e.university_id,
        e.student_id,
        e.company_id,
        company_name(e),
        e.posting_id,
        category(e.category),
    )


def hired(event: CandidateHired, seen_at: datetime) -> Hired:
    app, terms = event.application, event.terms
    parties = Parties(
        app.university_id,
        app.student_id,
        terms.company_id or app.company_id,
        company_name(app),
        app.posting_id,
        category(terms.category),
    )
    return Hired(f"eng_{suffix(app.id)}", parties, optional_time(event, "hired_at") or seen_at)


def completed(event: EngagementCompleted, seen_at: datetime) -> Completed:
    e = event.engagement
    return Completed(e.id, _engagement_parties(e), optional_time(e, "completed_at") or seen_at)


def cancelled(event: EngagementCancelled, seen_at: datetime) -> Cancelled:
    e = event.engagement
    return Cancelled(e.id, _engagement_parties(e), optional_time(e, "cancelled_at") or seen_at)


def rated(event: FeedbackRevealed, seen_at: datetime) -> Rated | None:
    """The employer's rating of the student, revealed now; None when there is none."""
    e = event.engagement
    for f in e.feedback:
        if f.author == PARTY_EMPLOYER and 1 <= f.rating <= 5:
            return Rated(e.id, _engagement_parties(e), f.rating, seen_at)
    return None


def paid(event: PayoutPaid, seen_at: datetime) -> Paid:
    p = event.payout
    parties = Parties(student_id=p.student_id, company_id=p.company_id)
    when = optional_time(p, "paid_at") or seen_at
    return Paid(p.engagement_id, parties, Payment(p.id, money_of(p.amount), when))


def sponsor_released(event: FundingReleased, seen_at: datetime) -> SponsorReleased | None:
    """A university sponsor's share of released work (pro rata when part was released)."""
    f = event.funding
    s = f.sponsor
    if not f.HasField("sponsor") or s.sponsor_kind != SPONSOR_KIND_UNIVERSITY or not s.sponsor_id:
        return None
    share = money_of(s.share)
    total, released = f.total.amount_minor, f.released_total.amount_minor
    if f.HasField("released_total") and 0 <= released < total:
        share = Money(share.amount_minor * released // total, share.currency)
    parties = Parties(student_id=f.student_id, company_id=f.company_id)
    when = optional_time(f, "released_at") or seen_at
    return SponsorReleased(f.engagement_id, parties, s.sponsor_id, share, when)


def _offer_parties(o: Any) -> Parties:
    return Parties(
        o.university_id,
        o.student_id,
        o.company_id,
        company_name(o),
        o.posting_id,
        category(o.category),
    )


def offer_made(event: Any, seen_at: datetime) -> OfferMade:
    o = event.offer
    return OfferMade(o.engagement_id, _offer_parties(o), optional_time(o, "made_at") or seen_at)


def offer_accepted(event: Any, seen_at: datetime) -> OfferAccepted:
    o = event.offer
    when = optional_time(o, "answered_at") or seen_at
    return OfferAccepted(o.engagement_id, _offer_parties(o), when, optional_time(o, "made_at"))
