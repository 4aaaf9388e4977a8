"""Invoice terms (pure): an admin grants a company a credit limit; a hire is then funded on
credit (nothing charged, the invoice issued and due `net_days` later) while the company's
unpaid invoices stay within the limit, and the payment is recorded when the bank transfer
arrives.

The ledger treats credit like a charge from another source: the charge entry debits
`invoiced:company:<id>` (what the company owes on its invoices) instead of a provider's
clearing account, a refund credits it back (the debt shrinks), and the recorded payment moves
the amount due from it to `clearing:invoice` (money received by transfer).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from payouts.domain import escrow
from payouts.domain.errors import InvalidTransition
from payouts.domain.funding import Decline, Funding, FundingMethod, FundingTransition, MethodKind
from payouts.domain.settlement import refund_shares
from payouts.domain.values import shown
from stint.kit.money import Money

CREDIT_LIMIT_EXCEEDED = "credit_limit_exceeded"
DEFAULT_NET_DAYS = 30
MAX_NET_DAYS = 90


def on_terms(f: Funding) -> bool:
    return f.method is MethodKind.INVOICE


def owed(f: Funding) -> Money:
    """What the company still owes on this funding's invoice (0 once paid or not on terms)."""
    if not on_terms(f) or f.paid_at is not None or f.status not in escrow.FUNDED_ONCE:
        return Money(0, f.fee.currency)
    company_refund, _ = refund_shares(f)
    return Money(f.company_total.amount_minor - company_refund.amount_minor, f.fee.currency)


def refuse_over_limit(method: FundingMethod, outstanding: Money, needed: Money) -> Decline | None:
    """Why a hire cannot be funded on credit now, else None."""
    limit = method.credit_limit
    if limit is None or limit.currency != needed.currency:
        return Decline(CREDIT_LIMIT_EXCEEDED, "invoice terms have no credit limit in this currency")
    if outstanding.amount_minor + needed.amount_minor <= limit.amount_minor:
        return None
    return Decline(
        CREDIT_LIMIT_EXCEEDED,
        f"invoice terms: {shown(outstanding)} is owed on unpaid invoices of a {shown(limit)} "
        f"credit limit and this hire needs {shown(needed)}: pay an invoice or ask an admin for "
        "a higher limit",
    )


def record_payment(f: Funding, now: datetime, reference: str) -> FundingTransition:
    """The company's transfer for the invoice arrived: paid (the invoice moves to PAID), and
    the payment entry is due."""
    if not on_terms(f):
        raise InvalidTransition(f"funding {f.id} was charged at hire; its invoice is paid")
    if f.paid_at is not None:
        raise InvalidTransition(f"the invoice of funding {f.id} is already paid")
    due = owed(f)
    if due.amount_minor <= 0:
        raise InvalidTransition(f"nothing is due on the invoice of funding {f.id}")
    paid = replace(
        f,
        paid_at=now,
        paid_amount=due,
        payment_reference=reference,
        updated_at=now,
        ledger_due_at=now,
    )
    return paid, []


def record_sponsor_payment(f: Funding, now: datetime, reference: str) -> FundingTransition:
    """The sponsor's transfer for its invoice arrived: its share, less its part of any refund,
    is paid (the sponsor's invoice moves to PAID), and the sponsor_payment entry is due."""
    sponsor = f.sponsor
    if sponsor is None or f.status not in escrow.FUNDED_ONCE:
        raise InvalidTransition(f"funding {f.id} has no sponsor's invoice to pay")
    if sponsor.paid_at is not None:
        raise InvalidTransition(f"the sponsor's invoice of funding {f.id} is already paid")
    _, sponsor_refund = refund_shares(f)
    due = sponsor.share.amount_minor - sponsor_refund.amount_minor
    if due <= 0:
        raise InvalidTransition(f"nothing is due on the sponsor's invoice of funding {f.id}")
    paid = replace(
        sponsor, paid_at=now, paid_amount=Money(due, f.fee.currency), payment_reference=reference
    )
    return replace(f, sponsor=paid, updated_at=now, ledger_due_at=now), []
