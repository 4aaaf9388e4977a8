"""An admin's goodwill refund (pure): once the work was paid for (RELEASED, or SETTLED by a
kill fee or a dispute), the platform may give the company back (part of) the platform fee it
paid on the released work, out of its revenue — never the intern's money, never twice.

    goodwill_refund  Dr revenue:platform   Cr the company's source (clearing:<provider>, or
                                            invoiced:company:<id> on invoice terms)

Before the work is paid for, money goes back through a cancellation (in full) or a dispute's
decision (in part) instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from payouts.domain.errors import InvalidTransition
from payouts.domain.funding import (
    Funding,
    FundingEvent,
    FundingEventKind,
    FundingStatus,
    FundingTransition,
)
from payouts.domain.settlement import platform_share, released_fee
from payouts.domain.sponsor_part import split
from payouts.domain.values import shown
from stint.kit.errors import InvalidArgument
from stint.kit.money import Money

PAID_FOR = (FundingStatus.RELEASED, FundingStatus.SETTLED)


@dataclass(frozen=True)
class Goodwill:
    amount: Money
    reason: str
    reference: str
    at: datetime


def refundable(f: Funding) -> Money:
    """The platform fee the company itself paid on the released work (a sponsor's part of it
    is not the company's to get back)."""
    if f.status not in PAID_FOR:
        return Money(0, f.fee.currency)
    kept = platform_share(f, released_fee(f))
    company_part, _ = split(kept, f.sponsor, f.total)
    return company_part


def check(f: Funding, amount: Money) -> None:
    """Raise unless `amount` may be refunded now (InvalidTransition for the state,
    InvalidArgument for the amount)."""
    if f.status not in PAID_FOR:
        raise InvalidTransition(
            f"funding {f.id} is {f.status.value}: before the work is paid for, cancel the "
            "engagement or resolve its dispute"
        )
    if f.goodwill is not None:
        raise InvalidTransition(f"funding {f.id} already had a goodwill refund")
    most = refundable(f)
    if amount.currency != f.fee.currency:
        raise InvalidArgument.of("amount.currency", f"must be {f.fee.currency}")
    if not 0 < amount.amount_minor <= most.amount_minor:
        raise InvalidArgument.of("amount.amount_minor", f"must be positive, at most {shown(most)}")


def refunded(f: Funding, g: Goodwill) -> FundingTransition:
    """Recorded after the provider refunded it (FundingRefunded, the reason saying so)."""
    check(f, g.amount)
    new = replace(f, goodwill=g, updated_at=g.at, ledger_due_at=g.at)
    return new, [FundingEvent(FundingEventKind.REFUNDED, new, f"goodwill: {g.reason}")]
