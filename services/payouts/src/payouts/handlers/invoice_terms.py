"""Invoice terms as a charge provider: the `Charger` asks it like a card provider (the same
begun-attempt, idempotency-key and repair machinery), and it approves the hire on credit while
the company's unpaid invoices plus this one stay within the admin's credit limit. No money
moves at hire or on a refund (the debt shrinks instead, `invoice_terms.py`)."""

from __future__ import annotations

from payouts.domain.funding import MethodKind
from payouts.domain.funding_method import INVOICE_PROVIDER
from payouts.domain.invoice_terms import CREDIT_LIMIT_EXCEEDED, owed, refuse_over_limit
from payouts.handlers.funding_ports import ChargeRequest, ChargeResult, FundingStore
from stint.kit.money import Money


class InvoiceTerms:
    name = INVOICE_PROVIDER

    def __init__(self, store: FundingStore) -> None:
        self.store = store

    async def charge(self, request: ChargeRequest) -> ChargeResult:
        """Approved on credit (reference `terms_<key>`), or declined `credit_limit_exceeded`.
        Asked again after a crash, it decides again: nothing was charged either way."""
        f = await self.store.get_funding(request.funding_id)
        method = await self.store.get_method(f.company_id) if f else None
        if f is None or method is None or method.kind is not MethodKind.INVOICE:
            return ChargeResult(
                False, "", CREDIT_LIMIT_EXCEEDED, "the company has no invoice terms any more"
            )
        outstanding = 0
        async for unpaid in self.store.unpaid_on_terms(f.company_id):
            if unpaid.id != f.id:
                outstanding += owed(unpaid).amount_minor
        decline = refuse_over_limit(method, Money(outstanding, f.fee.currency), request.amount)
        if decline is not None:
            return ChargeResult(False, "", decline.code, decline.message)
        return ChargeResult(True, f"terms_{request.idempotency_key}")

    async def refund(self, refund_key: str, charge_reference: str, amount: Money) -> str:
        """Nothing to send back before the invoice is paid: the credit note lowers the debt.
        (After payment, the credit is owed to the company by transfer: README, weak points.)"""
        return f"terms_credit_{refund_key}"
