"""MongoDB document <-> funding and funding method (storage shape, not wire shape)."""

from __future__ import annotations

from typing import Any

from payouts.domain.funding import Decline, Funding, FundingMethod, FundingStatus, MethodKind
from stint.kit.money import Money, checked_int64

Doc = dict[str, Any]


def funding_fields(f: Funding) -> Doc:
    """Every state field (no _id, no kit-owned fields); None means 'absent'."""
    d = f.decline
    return {
        "engagement_id": f.engagement_id,
        "application_id": f.application_id,
        "company_id": f.company_id,
        "student_id": f.student_id,
        "posting_title": f.posting_title,
        "fee_minor": checked_int64(f.fee.amount_minor, f"funding {f.id} fee"),
        "currency": f.fee.currency,
        "platform_fee_minor": checked_int64(f.platform_fee.amount_minor, f"funding {f.id} fee"),
        "status": f.status.value,
        "created_at": f.created_at,
        "updated_at": f.updated_at,
        "method": f.method.value if f.method else None,
        "attempts": f.attempts,
        "charging": f.charging,
        "charge_due_at": f.charge_due_at,
        "decline": {"code": d.code, "message": d.message} if d else None,
        "provider": f.provider,
        "provider_reference": f.provider_reference,
        "refund_reference": f.refund_reference,
        "funded_at": f.funded_at,
        "released_at": f.released_at,
        "refunded_at": f.refunded_at,
        "end_reason": f.end_reason,
        "released_fee_minor": f.released_fee.amount_minor if f.released_fee else None,
        "ledger_due_at": f.ledger_due_at,
        "ledger_error": f.ledger_error or None,
        "correlation_id": f.correlation_id,
    }


def funding_from(d: Doc) -> Funding:
    decline = d.get("decline")
    currency = d["currency"]
    return Funding(
        id=d["_id"],
        engagement_id=d["engagement_id"],
        application_id=d["application_id"],
        company_id=d["company_id"],
        student_id=d["student_id"],
        posting_title=d["posting_title"],
        fee=Money(d["fee_minor"], currency),
        platform_fee=Money(d["platform_fee_minor"], currency),
        status=FundingStatus(d["status"]),
        created_at=d["created_at"],
        updated_at=d["updated_at"],
        method=MethodKind(d["method"]) if d.get("method") else None,
        attempts=d.get("attempts", 0),
        charging=d.get("charging", False),
        charge_due_at=d.get("charge_due_at"),
        decline=Decline(decline["code"], decline["message"]) if decline else None,
        provider=d.get("provider", ""),
        provider_reference=d.get("provider_reference", ""),
        refund_reference=d.get("refund_reference", ""),
        funded_at=d.get("funded_at"),
        released_at=d.get("released_at"),
        refunded_at=d.get("refunded_at"),
        end_reason=d.get("end_reason", ""),
        released_fee=(
            Money(d["released_fee_minor"], currency)
            if d.get("released_fee_minor") is not None
            else None
        ),
        ledger_due_at=d.get("ledger_due_at"),
        ledger_error=d.get("ledger_error") or "",
        correlation_id=d.get("correlation_id", ""),
        version=d["version"],
    )


def method_fields(m: FundingMethod) -> Doc:
    return {
        "kind": m.kind.value,
        "provider": m.provider,
        "token": m.token,
        "currency": m.currency,
        "created_at": m.created_at,
        "updated_at": m.updated_at,
    }


def method_from(d: Doc) -> FundingMethod:
    return FundingMethod(
        d["_id"],
        MethodKind(d["kind"]),
        d["provider"],
        d["token"],
        d["currency"],
        d["created_at"],
        d["updated_at"],
        d["version"],
    )
