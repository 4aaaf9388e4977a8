"""The platform's bounds on money (design.md §10, `stint.kit.money`) applied to payouts. Pure.

A fee above the platform maximum reaches payouts only in a consumed event (the posting that set
it predates the bound, or a producer is wrong): the event cannot be refused, so the payout is
created *blocked* — visible as FAILED with code `amount_out_of_bounds` and reported by
CheckLedger — instead of failing in the database on every retry. The same check heals payouts
stored before the bound: the ledger-repair and submit timers, which only ever see payouts with
pending work, block them before posting or sending.
"""

from __future__ import annotations

from datetime import datetime

from payouts.domain.model import Payout, Transition
from payouts.domain.values import PayoutStatus
from stint.kit.money import Money, amount_problem


def refusal(fee: Money, maximum: int) -> str | None:
    """Why a payout of `fee` can be neither sent nor posted; None when it can."""
    problem = amount_problem(fee.amount_minor, maximum)
    if problem is None:
        return None
    return f"fee of {fee.amount_minor} {fee.currency} minor units refused: it {problem}"


def block_if_out_of_bounds(p: Payout, now: datetime, maximum: int) -> Transition | None:
    """The payout blocked, with its PayoutFailed, if its fee is out of bounds; None when the
    fee is fine or there is nothing left to block (already blocked, or cancelled)."""
    if p.blocked_reason or p.status is PayoutStatus.CANCELLED:
        return None
    reason = refusal(p.amount, maximum)
    if reason is None:
        return None
    return p.block(now, reason)
