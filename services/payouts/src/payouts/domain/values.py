"""The values a payout is made of (pure): its status, a failure, the platform fee."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from stint.kit.money import Money

PAYOUT_PREFIX = "pay"
# The failure code of a blocked payout: its amount can be neither sent nor posted.
AMOUNT_OUT_OF_BOUNDS = "amount_out_of_bounds"
# The failure code of a payout whose account takes another currency: it is not sent.
CURRENCY_MISMATCH = "currency_mismatch"


class PayoutStatus(enum.StrEnum):
    ON_HOLD = "ON_HOLD"
    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    PAID = "PAID"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class Failure:
    code: str
    message: str
    retryable: bool


def platform_fee(fee: Money, basis_points: int) -> Money:
    """`basis_points` of `fee`, rounded half up to a whole minor unit."""
    return Money((fee.amount_minor * basis_points + 5_000) // 10_000, fee.currency)


def shown(m: Money) -> str:
    """For people: "USD 1,234.50" (two decimals; the platform's currencies all have cents)."""
    sign = "-" if m.amount_minor < 0 else ""
    whole, cents = divmod(abs(m.amount_minor), 100)
    return f"{sign}{m.currency} {whole:,}.{cents:02d}"
