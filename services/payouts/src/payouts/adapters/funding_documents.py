"""MongoDB document <-> funding and funding method (storage shape, not wire shape)."""

from __future__ import annotations

from typing import Any

from payouts.domain.funding import Decline, Funding, FundingMethod, FundingStatus, MethodKind
from payouts.domain.goodwill import Goodwill
from payouts.domain.sponsor_part import SponsorKind, SponsorPart
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
        "paid_at": f.paid_at,
        "paid_amount_minor": f.paid_amount.amount_minor if f.paid_amount else None,
        "payment_reference": f.payment_reference,
        "net_days": f.net_days,
        "payment_due_at": f.payment_due_at,
        "sponsor": _sponsor_doc(f.sponsor),
        "sponsor_refusal": f.sponsor_refusal or None,
        "university_id": f.university_id,
        "posting_id": f.posting_id,
        "goodwill": _goodwill_doc(f.goodwill),
        "ledger_due_at": f.ledger_due_at,
        "ledger_error": f.ledger_error or None,
        "correlation_id": f.correlation_id,
    }


def funding_from(d: Doc) -> Funding:
    decline = d.get("decline")
    # A card or bank debit was paid by its charge (stored before `paid_at` existed too); only
    # invoice terms wait for a recorded payment.
    charged = d if d.get("method") != MethodKind.INVOICE.value else {}
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
        released_fee=_money(d.get("released_fee_minor"), currency),
        paid_at=d.get("paid_at") or charged.get("funded_at"),
        paid_amount=_money(d.get("paid_amount_minor") or _charged_total(charged), currency),
        payment_reference=d.get("payment_reference", ""),
        net_days=d.get("net_days", 0),
        payment_due_at=d.get("payment_due_at") or charged.get("funded_at"),
        sponsor=_sponsor_from(d.get("sponsor"), currency),
        sponsor_refusal=d.get("sponsor_refusal") or "",
        university_id=d.get("university_id", ""),
        posting_id=d.get("posting_id", ""),
        goodwill=_goodwill_from(d.get("goodwill"), currency),
        ledger_due_at=d.get("ledger_due_at"),
        ledger_error=d.get("ledger_error") or "",
        correlation_id=d.get("correlation_id", ""),
        version=d["version"],
    )


def _sponsor_doc(p: SponsorPart | None) -> Doc | None:
    if p is None:
        return None
    return {
        "sponsorship_id": p.sponsorship_id,
        "sponsor_kind": p.sponsor_kind.value,
        "sponsor_id": p.sponsor_id,
        "sponsor_name": p.sponsor_name,
        "share_minor": p.share.amount_minor,
        "paid_at": p.paid_at,
        "paid_amount_minor": p.paid_amount.amount_minor if p.paid_amount else None,
        "payment_reference": p.payment_reference,
    }


def _sponsor_from(d: Doc | None, currency: str) -> SponsorPart | None:
    if not d:
        return None
    return SponsorPart(
        d["sponsorship_id"],
        SponsorKind(d["sponsor_kind"]),
        d["sponsor_id"],
        d["sponsor_name"],
        Money(d["share_minor"], currency),
        paid_at=d.get("paid_at"),
        paid_amount=_money(d.get("paid_amount_minor"), currency),
        payment_reference=d.get("payment_reference", ""),
    )


def _goodwill_doc(g: Goodwill | None) -> Doc | None:
    if g is None:
        return None
    return {"amount_minor": g.amount.amount_minor, "reason": g.reason, "reference": g.reference,
            "at": g.at}  # fmt: skip


def _goodwill_from(d: Doc | None, currency: str) -> Goodwill | None:
    if not d:
        return None
    return Goodwill(Money(d["amount_minor"], currency), d["reason"], d["reference"], d["at"])


def _money(minor: int | None, currency: str) -> Money | None:
    return Money(minor, currency) if minor is not None else None


def _charged_total(charged: Doc) -> int | None:
    if charged.get("funded_at") is None:
        return None
    return int(charged["fee_minor"]) + int(charged["platform_fee_minor"])


def method_fields(m: FundingMethod) -> Doc:
    return {
        "kind": m.kind.value,
        "provider": m.provider,
        "token": m.token,
        "currency": m.currency,
        "created_at": m.created_at,
        "updated_at": m.updated_at,
        "credit_limit_minor": m.credit_limit.amount_minor if m.credit_limit else None,
        "net_days": m.net_days,
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
        credit_limit=_money(d.get("credit_limit_minor"), d["currency"]),
        net_days=d.get("net_days", 0),
    )
