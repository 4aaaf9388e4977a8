"""Invoice terms: only an admin grants them, with a credit limit in the method's currency; a
hire is funded on credit (nothing charged, the invoice ISSUED and due net_days later) while
the company's unpaid invoices stay within the limit, refused clearly beyond it; the recorded
transfer pays the invoice once and frees the credit; the ledger moves the debt, not cash."""

from __future__ import annotations

from datetime import timedelta

import pytest

from payouts.domain.commands import SetFundingMethod
from payouts.domain.errors import InvalidTransition
from payouts.domain.escrow import escrow, invoiced
from payouts.domain.funding import FundingStatus as F
from payouts.domain.invoice import InvoiceStatus as I
from payouts.domain.invoice_terms import CREDIT_LIMIT_EXCEEDED
from payouts.domain.ledger import Balances, clearing, receivable
from payouts.handlers import check
from stint.kit.errors import InvalidArgument, PermissionDenied
from stint.kit.money import Money

from .world import ADMIN, World, employer

TERMS = SetFundingMethod("cmp_c1", "INVOICE", "", "po-2026-0042", "USD", Money(100_000, "USD"))


def net(w: World) -> dict[tuple[str, str], int]:
    b = Balances()
    for entry in w.repo.entries.values():
        b.add(entry)
    return b.net


async def test_only_an_admin_grants_terms_and_they_need_a_limit_in_the_currency() -> None:
    w = World()
    with pytest.raises(PermissionDenied):
        await w.handlers.funding.set_method(employer("cmp_c1"), TERMS)
    for bad in (
        SetFundingMethod("cmp_c1", "INVOICE", "", "po-1", "USD"),
        SetFundingMethod("cmp_c1", "INVOICE", "", "po-1", "USD", Money(100_000, "EUR")),
        SetFundingMethod("cmp_c1", "INVOICE", "", "po-1", "USD", Money(1, "USD"), 91),
        SetFundingMethod("cmp_c1", "CARD", "", "tok_card_1", "USD", Money(1, "USD")),
    ):
        with pytest.raises(InvalidArgument):
            await w.handlers.funding.set_method(ADMIN, bad)
    method = await w.handlers.funding.set_method(ADMIN, TERMS)
    assert (method.provider, method.net_days, method.credit_limit) == (
        "invoice",
        30,
        Money(100_000, "USD"),
    )


async def test_hires_on_credit_within_the_limit_and_the_transfer_pays_the_invoice_once() -> None:
    w = World()
    await w.handlers.funding.set_method(ADMIN, TERMS)
    first = await w.hire("eng_01", fee=60_000)  # 66_000 with the platform fee
    assert first is not None
    assert (first.status, first.paid_at) == (F.FUNDED, None)
    assert first.payment_due_at == first.funded_at + timedelta(days=30)  # type: ignore[operator]
    invoice = w.invoices.invoices["inv_01"]
    assert (invoice.status, invoice.due_at, invoice.paid_at) == (
        I.ISSUED,
        first.payment_due_at,
        None,
    )
    assert net(w)[(invoiced("cmp_c1"), "USD")] == 66_000  # owed, not charged
    assert -net(w)[(escrow("cmp_c1"), "USD")] == 66_000

    second = await w.hire("eng_02", fee=60_000)  # 132_000 > 100_000
    assert second is not None
    assert second.status is F.AWAITING_FUNDING
    assert second.decline is not None
    assert second.decline.code == CREDIT_LIMIT_EXCEEDED
    assert "USD 660.00 is owed" in second.decline.message, second.decline.message

    paid = await w.handlers.invoice_payments.record(ADMIN, "inv_01", " TRF-889 ")
    assert (paid.status, paid.paid_at is not None) == (I.PAID, True)
    assert w.funding("eng_01").payment_reference == "TRF-889"
    with pytest.raises(InvalidTransition):
        await w.handlers.invoice_payments.record(ADMIN, "inv_01", "TRF-889")
    with pytest.raises(PermissionDenied):
        await w.handlers.invoice_payments.record(employer("cmp_c1"), "inv_01", "TRF-1")
    assert net(w)[(invoiced("cmp_c1"), "USD")] == 0
    assert net(w)[(clearing("invoice"), "USD")] == 66_000  # the transfer received

    retried = await w.handlers.funding.retry(employer("cmp_c1"), "fnd_02")  # credit freed
    assert retried.status is F.FUNDED
    await w.approve_funded("eng_01", fee=60_000)
    assert net(w).get((receivable("cmp_c1"), "USD"), 0) == 0
    report = await check(w.repo, w.fundings)
    assert (report.violations, report.repairs_pending) == ([], 0)


async def test_a_refund_before_payment_cancels_the_debt_and_credits_the_invoice() -> None:
    w = World()
    await w.handlers.funding.set_method(ADMIN, TERMS)
    await w.hire("eng_03", fee=60_000)
    await w.cancel("eng_03", "project dropped")
    assert w.funding("eng_03").status is F.REFUNDED
    assert w.invoices.invoices["inv_03"].status is I.CREDITED
    assert net(w).get((invoiced("cmp_c1"), "USD"), 0) == 0  # nothing owed, nothing paid
    with pytest.raises(InvalidTransition):  # nothing due any more
        await w.handlers.invoice_payments.record(ADMIN, "inv_03", "TRF-1")
    events = [e.type.rsplit(".", 1)[1] for e in w.repo.published if e.subject == "inv_03"]
    assert events == ["InvoiceIssued", "InvoiceCredited"]  # never paid
