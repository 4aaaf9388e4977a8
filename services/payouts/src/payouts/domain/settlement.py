"""How a funding's total divides between the intern's side and the company's (pure).

Released in full, the whole total leaves escrow for the intern's payout and the platform's
revenue; refunded, the whole total goes back. SETTLED (a kill fee, a dispute's partial
release) releases `released_fee` with the same fraction of the platform fee and refunds the
rest, so `released_total + refund_total == total` in every state and nothing is created or
lost by rounding.
"""

from __future__ import annotations

from payouts.domain.funding import Funding, FundingStatus
from payouts.domain.sponsor_part import split
from stint.kit.money import Money


def platform_share(f: Funding, released_fee: Money) -> Money:
    """The platform fee on `released_fee`: its fraction of the funding's platform fee, rounded
    half up (so the whole fee carries exactly the whole platform fee)."""
    fee, pf = f.fee.amount_minor, f.platform_fee.amount_minor
    return Money((pf * released_fee.amount_minor * 2 + fee) // (2 * fee), f.fee.currency)


def refund_for(f: Funding, released_fee: Money | None) -> Money:
    """What a refund returns to the company when `released_fee` (or nothing) goes to the
    intern."""
    if released_fee is None:
        return f.total
    kept = released_fee.amount_minor + platform_share(f, released_fee).amount_minor
    return Money(f.total.amount_minor - kept, f.fee.currency)


def released_total(f: Funding) -> Money:
    """What left escrow for the intern and the platform (0 unless released or settled)."""
    if f.status is FundingStatus.RELEASED:
        return f.total
    if f.status is FundingStatus.SETTLED and f.released_fee is not None:
        return Money(
            f.total.amount_minor - refund_for(f, f.released_fee).amount_minor, f.fee.currency
        )
    return Money(0, f.fee.currency)


def refund_total(f: Funding) -> Money:
    """What went back to the company (0 unless refunded or settled)."""
    if f.status not in (FundingStatus.REFUNDED, FundingStatus.SETTLED):
        return Money(0, f.fee.currency)
    return Money(f.total.amount_minor - released_total(f).amount_minor, f.fee.currency)


def released_fee(f: Funding) -> Money:
    """The share of the fee paid to the intern: all of it once released, part once settled."""
    if f.status is FundingStatus.RELEASED:
        return f.fee
    if f.status is FundingStatus.SETTLED and f.released_fee is not None:
        return f.released_fee
    return Money(0, f.fee.currency)


def refund_shares(f: Funding) -> tuple[Money, Money]:
    """(company's, sponsor's) parts of what was refunded, in proportion to what each paid."""
    return split(refund_total(f), f.sponsor, f.total)


def sponsor_spent(f: Funding) -> Money:
    """What the sponsor's share paid for: its part of what was released (0 until ended)."""
    return split(released_total(f), f.sponsor, f.total)[1]
