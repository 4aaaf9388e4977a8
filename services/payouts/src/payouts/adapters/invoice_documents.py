"""MongoDB document <-> invoice (storage shape, not wire shape)."""

from __future__ import annotations

from typing import Any

from payouts.domain.invoice import Invoice, InvoiceKind, InvoiceStatus, Line, LineKind, Party
from stint.kit.money import Money, checked_int64

Doc = dict[str, Any]


def _party(p: Party) -> Doc:
    return {"kind": p.kind, "id": p.id, "name": p.name}


def invoice_fields(i: Invoice) -> Doc:
    """Every state field (no _id, no kit-owned fields); None means 'absent'."""
    lines = [
        {
            "kind": line.kind.value,
            "description": line.description,
            "amount_minor": checked_int64(line.amount.amount_minor, f"invoice {i.id} line"),
        }
        for line in i.lines
    ]
    return {
        "number": i.number,
        "series": i.series,
        "kind": i.kind.value,
        "status": i.status.value,
        "issuer": _party(i.issuer),
        "payer": _party(i.payer),
        "company_id": i.payer.id,  # the payer's id, indexed for listing
        "engagement_id": i.engagement_id,
        "funding_id": i.funding_id,
        "posting_title": i.posting_title,
        "currency": i.currency,
        "lines": lines,
        "issued_at": i.issued_at,
        "due_at": i.due_at,
        "paid_at": i.paid_at,
        "credited_at": i.credited_at,
        "credit_note_id": i.credit_note_id,
        "credits_invoice_id": i.credits_invoice_id,
    }


def invoice_from(d: Doc) -> Invoice:
    currency = d["currency"]
    return Invoice(
        id=d["_id"],
        kind=InvoiceKind(d["kind"]),
        status=InvoiceStatus(d["status"]),
        issuer=Party(**d["issuer"]),
        payer=Party(**d["payer"]),
        engagement_id=d["engagement_id"],
        funding_id=d["funding_id"],
        posting_title=d["posting_title"],
        lines=tuple(
            Line(LineKind(x["kind"]), x["description"], Money(x["amount_minor"], currency))
            for x in d["lines"]
        ),
        issued_at=d["issued_at"],
        number=d["number"],
        due_at=d.get("due_at"),
        paid_at=d.get("paid_at"),
        credited_at=d.get("credited_at"),
        credit_note_id=d.get("credit_note_id", ""),
        credits_invoice_id=d.get("credits_invoice_id", ""),
        version=d["version"],
    )
