"""Protobuf <-> invoices, and invoice events as the envelopes the repository stores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from google.protobuf.message import Message

from payouts.domain.invoice import (
    Invoice,
    InvoiceEvent,
    InvoiceEventKind,
    InvoiceKind,
    InvoiceStatus,
    LineKind,
    Party,
)
from stint.kit.actor import Cause
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.wire import enum_number, event_context, money_message, timestamp
from stint.payouts.v1 import events_pb2 as ev
from stint.payouts.v1 import invoice_pb2 as pb

_KIND = {
    k: pb.InvoiceKind.ValueType(enum_number(pb.InvoiceKind, k.value, "INVOICE_KIND_"))
    for k in InvoiceKind
}
_STATUS = {
    s: pb.InvoiceStatus.ValueType(enum_number(pb.InvoiceStatus, s.value, "INVOICE_STATUS_"))
    for s in InvoiceStatus
}
_STATUS_BACK: dict[int, InvoiceStatus] = {int(v): k for k, v in _STATUS.items()}
_LINE = {
    k: pb.InvoiceLineKind.ValueType(enum_number(pb.InvoiceLineKind, k.value, "INVOICE_LINE_KIND_"))
    for k in LineKind
}


def status_from_pb(value: int) -> InvoiceStatus | None:
    """None for UNSPECIFIED (no filter)."""
    return _STATUS_BACK.get(value)


def _party(p: Party) -> pb.InvoiceParty:
    return pb.InvoiceParty(kind=p.kind, id=p.id, name=p.name)


def invoice_to_pb(i: Invoice) -> pb.Invoice:
    return pb.Invoice(
        id=i.id,
        number=i.number,
        kind=_KIND[i.kind],
        status=_STATUS[i.status],
        issuer=_party(i.issuer),
        payer=_party(i.payer),
        engagement_id=i.engagement_id,
        funding_id=i.funding_id,
        posting_title=i.posting_title,
        lines=[
            pb.InvoiceLine(
                kind=_LINE[line.kind],
                description=line.description,
                amount=money_message(line.amount),
            )
            for line in i.lines
        ],
        total=money_message(i.total),
        issued_at=timestamp(i.issued_at),
        due_at=timestamp(i.due_at),
        paid_at=timestamp(i.paid_at),
        credited_at=timestamp(i.credited_at),
        credit_note_id=i.credit_note_id,
        credits_invoice_id=i.credits_invoice_id,
        version=i.version,
        company_id=i.payer.id if i.payer.kind == "company" else "",
    )


def event_message(e: InvoiceEvent, cause: Cause) -> Message:
    context = event_context(cause)
    invoice = invoice_to_pb(e.invoice)
    match e.kind:
        case InvoiceEventKind.ISSUED:
            return ev.InvoiceIssued(context=context, invoice=invoice)
        case InvoiceEventKind.PAID:
            return ev.InvoicePaid(context=context, invoice=invoice)
        case InvoiceEventKind.CREDITED:
            return ev.InvoiceCredited(context=context, invoice=invoice)


def envelopes(
    factory: EventFactory, events: Sequence[InvoiceEvent], cause: Cause | None, version: int
) -> list[Envelope]:
    """Each snapshot at the version written, keyed by invoice id."""
    cause = cause or Cause.system()
    snapshots = (replace(e, invoice=replace(e.invoice, version=version)) for e in events)
    return [factory(event_message(e, cause), e.invoice.id) for e in snapshots]
