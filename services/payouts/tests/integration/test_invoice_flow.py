"""Invoices on real Kafka + FerretDB: a funded hire's invoice (paid: the receipt) is listed,
read and rendered as a PDF that reads back; a refund issues a credit note; the events reach
the broker; numbers are gapless across concurrent hires."""

from __future__ import annotations

import asyncio
import io

import grpc
import pytest
from pypdf import PdfReader

from stint.kit.testing.poll import eventually
from stint.payouts.v1 import funding_pb2 as fpb
from stint.payouts.v1 import invoice_pb2 as ipb
from stint.payouts.v1 import payouts_service_pb2 as svc

from .conftest import ADMIN, Service, engagement, md, student
from .test_funding_flow import employer, events_keyed, funding_of, set_card


async def invoice(s: Service, invoice_id: str, status: int) -> ipb.Invoice:
    async def probe() -> ipb.Invoice | None:
        try:
            request = svc.GetInvoiceRequest(invoice_id=invoice_id)
            return (await s.stub.GetInvoice(request, metadata=md(ADMIN))).invoice
        except grpc.aio.AioRpcError as err:
            if err.code() is grpc.StatusCode.NOT_FOUND:
                return None
            raise

    return await eventually(  # type: ignore[no-any-return]
        probe, until=lambda i: i is not None and i.status == status, what=f"{invoice_id}"
    )


async def test_a_funded_hire_is_invoiced_paid_and_a_refund_credited(
    service: Service, unique: str
) -> None:
    eng = engagement(f"usr_{unique}", fee=40_000)
    await set_card(service, eng.company_id)
    await service.hire(eng)
    funded = await funding_of(service, eng, fpb.FUNDING_STATUS_FUNDED)
    suffix = funded.id.removeprefix("fnd_")
    paid = await invoice(service, f"inv_{suffix}", ipb.INVOICE_STATUS_PAID)
    assert (paid.number, paid.company_id, paid.total.amount_minor) == (
        "INV-" + paid.issued_at.ToDatetime().strftime("%Y") + "-000001",
        eng.company_id,
        44_000,
    )
    boss = md(employer(eng.company_id))
    listed = await service.stub.ListInvoices(svc.ListInvoicesRequest(), metadata=boss)
    assert [i.id for i in listed.invoices] == [paid.id]
    rendered = await service.stub.RenderInvoicePdf(
        svc.RenderInvoicePdfRequest(invoice_id=paid.id), metadata=boss
    )
    assert rendered.filename == f"{paid.number}.pdf"
    text = PdfReader(io.BytesIO(rendered.pdf)).pages[0].extract_text()
    assert paid.number in text, text
    assert "USD 440.00" in text, text
    with pytest.raises(grpc.aio.AioRpcError) as hidden:
        await service.stub.GetInvoice(
            svc.GetInvoiceRequest(invoice_id=paid.id), metadata=md(student(eng.student_id))
        )
    assert hidden.value.code() is grpc.StatusCode.NOT_FOUND

    await service.cancel(eng)
    credited = await invoice(service, paid.id, ipb.INVOICE_STATUS_CREDITED)
    credit = await invoice(service, credited.credit_note_id, ipb.INVOICE_STATUS_PAID)
    assert credit.kind == ipb.INVOICE_KIND_CREDIT_NOTE
    assert credit.total.amount_minor == -44_000
    assert await events_keyed(service, paid.id, 3) == [
        "InvoiceIssued",
        "InvoicePaid",
        "InvoiceCredited",
    ]


async def test_concurrent_hires_get_gapless_distinct_numbers(service: Service, unique: str) -> None:
    engagements = [engagement(f"usr_{unique}_{n}") for n in range(6)]
    for eng in engagements:
        await set_card(service, eng.company_id)
    await asyncio.gather(*(service.hire(eng) for eng in engagements))
    numbers = []
    for eng in engagements:
        funded = await funding_of(service, eng, fpb.FUNDING_STATUS_FUNDED)
        doc = await invoice(
            service, "inv_" + funded.id.removeprefix("fnd_"), ipb.INVOICE_STATUS_PAID
        )
        numbers.append(int(doc.number.rsplit("-", 1)[1]))
    assert sorted(numbers) == list(range(1, 7))
