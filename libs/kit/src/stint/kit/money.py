"""Bounds on money (design.md §10): a platform maximum per amount, and no sum beyond int64.

Amounts are integer minor units. Python ints never overflow; the edges do: MongoDB stores at
most 8-byte ints and protobuf's `int64` refuses anything wider, so an unchecked sum fails in
the driver (`OverflowError`) or the serializer (`ValueError`), far from its cause. Every
service refuses single amounts above the platform maximum (`KitSettings.max_amount_minor`,
``STINT_MAX_AMOUNT_MINOR``) where they enter, and checks sums against int64 before storing or
sending them (`checked_int64`).
"""

from __future__ import annotations

from dataclasses import dataclass

from stint.kit.errors import FailedPrecondition

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# 100,000.00 in a currency with two decimals: far above any 10-40 hour fixed fee, far below
# int64, so a fee plus its platform fee (at most 100 %) and many sums of them stay storable.
DEFAULT_MAX_AMOUNT_MINOR = 10_000_000
# The highest maximum a deployment may configure: 9,000 amounts at this ceiling still sum
# within int64, so even a wrong setting cannot bring single postings near the edge.
MAX_AMOUNT_CEILING = 10**15


@dataclass(frozen=True)
class Money:
    """An amount in a currency's minor unit (12500 = USD 125.00) and its ISO 4217 code."""

    amount_minor: int
    currency: str


class AmountOverflow(FailedPrecondition):
    """An amount or a sum of amounts does not fit int64, so it can be neither stored nor sent.

    FAILED_PRECONDITION, not INTERNAL: the caller asked for something the stored data cannot
    answer, and the message says which total.
    """


def fits_int64(value: int) -> bool:
    return INT64_MIN <= value <= INT64_MAX


def checked_int64(value: int, what: str) -> int:
    """`value` if it fits int64, else AmountOverflow naming `what` (e.g. "USD earnings total")."""
    if not fits_int64(value):
        raise AmountOverflow(f"{what} ({value} minor units) exceeds the int64 range")
    return value


def amount_problem(amount_minor: int, maximum: int) -> str | None:
    """Why a single amount is refused, as a field description; None when it is acceptable."""
    if amount_minor <= 0:
        return "must be positive"
    if amount_minor > maximum:
        return f"must be at most {maximum} minor units (the platform maximum per amount)"
    return None
