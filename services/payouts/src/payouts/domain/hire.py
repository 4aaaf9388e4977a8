"""A hire becomes a funding (pure): what the company owes before the work starts, and why it
cannot be charged at all (no provider is called then)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from payouts.domain.commands import id_violations, money_violations, raise_if
from payouts.domain.funding import (
    Decline,
    Funding,
    FundingMethod,
    FundingStatus,
    funding_id_for,
)
from payouts.domain.sponsorship import SPONSOR_BUDGET_EXHAUSTED
from payouts.domain.values import platform_fee
from stint.kit.errors import FieldViolation
from stint.kit.money import Money

NO_FUNDING_METHOD = "no_funding_method"
CURRENCY_MISMATCH = "currency_mismatch"
PROVIDER_UNAVAILABLE = "provider_unavailable"


@dataclass(frozen=True)
class HiredEngagement:
    """What payouts needs from a CandidateHired: the engagement's parties and fee, and what a
    sponsorship's scope looks at (the student's university, the posting)."""

    engagement_id: str
    application_id: str
    company_id: str
    student_id: str
    title: str
    fee: Money
    university_id: str = ""
    posting_id: str = ""

    def validate(self) -> None:
        v = id_violations("application.id", self.application_id)
        v += id_violations("terms.company_id", self.company_id)
        if not self.student_id:
            v.append(FieldViolation("application.student_id", "is required"))
        v += money_violations("terms.fee", self.fee)
        raise_if(v)


def hired_funding(
    hire: HiredEngagement, platform_fee_bps: int, now: datetime, correlation_id: str
) -> Funding:
    """The engagement's funding at hire: fee plus the platform fee, not charged yet."""
    return Funding(
        id=funding_id_for(hire.engagement_id),
        engagement_id=hire.engagement_id,
        application_id=hire.application_id,
        company_id=hire.company_id,
        student_id=hire.student_id,
        posting_title=hire.title,
        fee=hire.fee,
        platform_fee=platform_fee(hire.fee, platform_fee_bps),
        status=FundingStatus.AWAITING_FUNDING,
        created_at=now,
        updated_at=now,
        correlation_id=correlation_id,
        university_id=hire.university_id,
        posting_id=hire.posting_id,
    )


def refuse_before_charge(
    f: Funding, method: FundingMethod | None, providers: set[str]
) -> Decline | None:
    """Why the company cannot be charged at all, else None."""
    if f.sponsor_refusal:  # the sponsor's budget ran out: it tops up, or the company pays all
        return Decline(SPONSOR_BUDGET_EXHAUSTED, f.sponsor_refusal)
    if method is None:
        return Decline(
            NO_FUNDING_METHOD,
            "the company has no funding method: register one and the hire is charged at once",
        )
    if method.currency != f.fee.currency:
        return Decline(
            CURRENCY_MISMATCH,
            f"the project is priced in {f.fee.currency} and the funding method charges "
            f"{method.currency}: register a method in {f.fee.currency}",
        )
    if method.provider not in providers:
        return Decline(
            PROVIDER_UNAVAILABLE,
            f"payment provider {method.provider!r} is not available: register another method",
        )
    return None
