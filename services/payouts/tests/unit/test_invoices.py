"""Invoices follow the fundings: a funded engagement gets its invoice, paid at once (the
receipt); a refund, a credit note and the invoice CREDITED; numbers are gapless per series;
a crash before the documents is repaired by the ledger timer; who may read them; the PDF."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from payouts.domain.invoice import InvoiceKind
from payouts.domain.invoice import InvoiceStatus as I
from payouts.handlers.invoice_ports import InvoiceQuery
from payouts.handlers.invoice_views import InvoiceNotFound
from stint.kit.errors import PermissionDenied
from stint.kit.paging import PageRequest

from .world import ADMIN, World, employer, student


def events(w: World, subject: str) -> list[str]:
    return [e.type.rsplit(".", 1)[1] for e in w.repo.published if e.subject == subject]


async def test_a_card_funded_hire_gets_a_paid_invoice_with_its_lines() -> None:
    w = World()
    await w.set_method()
    await w.hire("eng_01", fee=60_000)
    invoice = w.invoices.invoices["inv_01"]
    assert (invoice.number, invoice.kind, invoice.status) == (
        "INV-2026-000001",
        InvoiceKind.INVOICE,
        I.PAID,
    )
    assert [(line.kind.value, line.amount.amount_minor) for line in invoice.lines] == [
        ("PROJECT_FEE", 60_000),
        ("PLATFORM_FEE", 6_000),
    ]
    assert invoice.total.amount_minor == 66_000
    assert invoice.paid_at == w.funding("eng_01").funded_at
    assert events(w, "inv_01") == ["InvoiceIssued", "InvoicePaid"]
    await w.approve_funded("eng_01")  # release: no new document
    assert sorted(w.invoices.invoices) == ["inv_01"]


async def test_a_refund_issues_a_credit_note_and_credits_the_invoice() -> None:
    w = World()
    await w.set_method()
    await w.hire("eng_02")
    await w.cancel("eng_02", "project dropped")
    await w.cancel("eng_02", "project dropped")  # redelivered: one credit note
    credited, credit = w.invoices.invoices["inv_02"], w.invoices.invoices["crn_02"]
    assert (credited.status, credited.credit_note_id) == (I.CREDITED, "crn_02")
    assert (credit.number, credit.credits_invoice_id) == ("CRN-2026-000001", "inv_02")
    assert credit.total.amount_minor == -credited.total.amount_minor
    assert "project dropped" in credit.lines[0].description
    assert events(w, "inv_02") == ["InvoiceIssued", "InvoicePaid", "InvoiceCredited"]
    assert events(w, "crn_02") == ["InvoiceIssued", "InvoicePaid"]


async def test_numbers_are_gapless_per_series_and_nothing_unfunded_is_invoiced() -> None:
    w = World()
    await w.hire("eng_00")  # no method: awaiting, no invoice
    await w.set_method(company_id="cmp_other")
    await w.set_method()
    for n in (3, 4, 5):
        await w.hire(f"eng_0{n}")
    numbers = sorted(i.number for i in w.invoices.invoices.values())
    assert numbers == [f"INV-2026-00000{n}" for n in (1, 2, 3, 4)]


async def test_documents_lost_to_a_crash_are_stored_by_the_ledger_repair() -> None:
    w = World()
    await w.set_method()
    real = w.invoices.insert_invoice
    calls = 0

    async def crash_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database gone")
        return await real(*args, **kwargs)

    w.invoices.insert_invoice = crash_once  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        await w.hire("eng_06")
    assert "inv_06" not in w.invoices.invoices
    w.clock.advance(w.policy.ledger_repair_delay)
    await w.fire_timers()
    assert w.invoices.invoices["inv_06"].number == "INV-2026-000001"  # the number it claimed


async def test_only_the_payer_and_admins_see_invoices_and_the_pdf_reads_back() -> None:
    w = World()
    await w.set_method()
    await w.hire("eng_07", student_id="usr_s7")
    views = w.handlers.invoices
    mine = await views.list(employer("cmp_c1").actor, InvoiceQuery(), PageRequest(size=10))
    assert [i.id for i in mine.items] == ["inv_07"]
    other = employer("cmp_other", "usr_e2").actor
    assert (await views.list(other, InvoiceQuery(), PageRequest(size=10))).items == []
    with pytest.raises(InvoiceNotFound):
        await views.get(other, "inv_07")
    with pytest.raises(InvoiceNotFound):
        await views.get(student("usr_s7").actor, "inv_07")
    with pytest.raises(PermissionDenied):
        await views.list(student("usr_s7").actor, InvoiceQuery(), PageRequest(size=10))
    every = await views.list(ADMIN.actor, InvoiceQuery(status=I.PAID), PageRequest(size=10))
    assert [i.id for i in every.items] == ["inv_07"]
    pdf, name = await views.pdf(employer("cmp_c1").actor, "inv_07")
    assert name == "INV-2026-000001.pdf"
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for expected in ("Invoice INV-2026-000001", "Status: PAID", "USD 100.00", "USD 110.00"):
        assert expected in text, text
