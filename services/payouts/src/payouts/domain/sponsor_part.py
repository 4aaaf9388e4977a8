"""A sponsor's part of one funding (pure): who pays how much of the total, and whether its
invoice was paid. The company is charged the rest (`Funding.company_total`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from stint.kit.money import Money


class SponsorKind(enum.StrEnum):
    UNIVERSITY = "UNIVERSITY"
    GRANT_PROGRAM = "GRANT_PROGRAM"


@dataclass(frozen=True)
class SponsorPart:
    sponsorship_id: str
    sponsor_kind: SponsorKind
    sponsor_id: str
    sponsor_name: str
    share: Money  # of the funding's total (fee + platform fee)
    paid_at: datetime | None = None  # the sponsor's transfer for its invoice was recorded
    paid_amount: Money | None = None
    payment_reference: str = ""

    @property
    def account(self) -> str:
        """The sponsor's ledger account: what it owes (debit) or is owed back (credit)."""
        return f"sponsor:{self.sponsor_kind.value.lower()}:{self.sponsor_id}"

    @property
    def party_kind(self) -> str:
        """The payer kind on its invoices."""
        return self.sponsor_kind.value.lower()


def split(amount: Money, part: SponsorPart | None, total: Money) -> tuple[Money, Money]:
    """(company's, sponsor's) shares of `amount` out of `total`, in proportion to what each
    paid in; the sponsor's rounded down, so the two always add up to `amount`."""
    if part is None or total.amount_minor == 0:
        return amount, Money(0, amount.currency)
    sponsor = amount.amount_minor * part.share.amount_minor // total.amount_minor
    return Money(amount.amount_minor - sponsor, amount.currency), Money(sponsor, amount.currency)
