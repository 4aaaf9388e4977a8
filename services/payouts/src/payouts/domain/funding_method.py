"""How a company pays for the work it hires (pure): a card or bank-debit token charged at
hire, or invoice terms an admin grants (a credit limit, payment due `net_days` after issue)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from stint.kit.money import Money

INVOICE_PROVIDER = "invoice"  # the "provider" of invoice terms: nothing is charged at hire


class MethodKind(enum.StrEnum):
    CARD = "CARD"
    BANK_DEBIT = "BANK_DEBIT"
    INVOICE = "INVOICE"  # invoice terms: invoiced at hire, paid later by bank transfer


@dataclass(frozen=True)
class FundingMethod:
    """How one company pays; `token` is the provider's opaque token (never returned)."""

    company_id: str
    kind: MethodKind
    provider: str
    token: str
    currency: str
    created_at: datetime
    updated_at: datetime
    version: int = 0
    credit_limit: Money | None = None  # invoice terms: the most owed on unpaid invoices
    net_days: int = 0  # invoice terms: days from issue to due

    @property
    def token_hint(self) -> str:
        return "…" + self.token[-4:]


@dataclass(frozen=True)
class Decline:
    code: str
    message: str
