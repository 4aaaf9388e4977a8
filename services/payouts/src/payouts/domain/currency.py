"""A payout is sent only to an account in its own currency. Pure.

A USD payout sent to an EUR account was marked PAID: the provider converted (or not) at a rate
nobody agreed to. Now the difference is refused before any provider sees it: the payout becomes
FAILED with code `currency_mismatch` (not retryable, the notice says what to do) and waits for
the student to register an account in the payout's currency, which resumes it.
"""

from __future__ import annotations

from datetime import datetime

from payouts.domain.account import PayoutAccount
from payouts.domain.model import Payout, Transition
from payouts.domain.values import CURRENCY_MISMATCH, Failure


def refuse_if_currency_differs(
    p: Payout, account: PayoutAccount, now: datetime
) -> Transition | None:
    """The payout refused (PayoutFailed) when `account` takes another currency; else None."""
    if account.currency == p.amount.currency:
        return None
    message = (
        f"the payout is in {p.amount.currency} and the payout account takes "
        f"{account.currency}: register an account in {p.amount.currency} to receive it"
    )
    return p.refuse(now, Failure(CURRENCY_MISMATCH, message, retryable=False))
