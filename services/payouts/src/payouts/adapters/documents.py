"""MongoDB document <-> domain object mapping (storage shape, not wire shape).

Every amount is checked against int64 before it is stored (`checked_int64`): MongoDB holds at
most 8-byte ints, and a clear AmountOverflow naming the amount beats the driver's OverflowError.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from payouts.domain.account import PayoutAccount
from payouts.domain.ledger import EntryKind, JournalEntry, LedgerPosting
from payouts.domain.model import Payout
from payouts.domain.values import Failure, PayoutStatus
from stint.kit.money import Money, checked_int64
from stint.kit.mongo import Collection
from stint.kit.paging import Page, PageRequest

Doc = dict[str, Any]
T = TypeVar("T")


def payout_fields(p: Payout) -> Doc:
    """Every state field (no _id, no kit-owned fields); None means 'absent'."""
    f = p.failure
    return {
        "engagement_id": p.engagement_id,
        "company_id": p.company_id,
        "student_id": p.student_id,
        "posting_title": p.posting_title,
        "amount_minor": checked_int64(p.amount.amount_minor, f"payout {p.id} amount"),
        "currency": p.amount.currency,
        "platform_fee_minor": checked_int64(
            p.platform_fee.amount_minor, f"payout {p.id} platform fee"
        ),
        "status": p.status.value,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "attempts": p.attempts,
        "payments": p.payments,
        "returns": p.returns,
        "failure": {"code": f.code, "message": f.message, "retryable": f.retryable} if f else None,
        "next_attempt_at": p.next_attempt_at,
        "next_poll_at": p.next_poll_at,
        "ledger_due_at": p.ledger_due_at,
        "provider": p.provider,
        "provider_reference": p.provider_reference,
        "paid_at": p.paid_at,
        "cancel_reason": p.cancel_reason,
        "account_version": p.account_version,
        "correlation_id": p.correlation_id,
        "blocked_reason": p.blocked_reason or None,
        "ledger_error": p.ledger_error or None,
    }


def payout_from(d: Doc) -> Payout:
    f = d.get("failure")
    return Payout(
        id=d["_id"],
        engagement_id=d["engagement_id"],
        company_id=d["company_id"],
        student_id=d["student_id"],
        posting_title=d["posting_title"],
        amount=Money(d["amount_minor"], d["currency"]),
        platform_fee=Money(d["platform_fee_minor"], d["currency"]),
        status=PayoutStatus(d["status"]),
        created_at=d["created_at"],
        updated_at=d["updated_at"],
        attempts=d["attempts"],
        payments=d["payments"],
        returns=d["returns"],
        failure=Failure(f["code"], f["message"], f["retryable"]) if f else None,
        next_attempt_at=d.get("next_attempt_at"),
        next_poll_at=d.get("next_poll_at"),
        ledger_due_at=d.get("ledger_due_at"),
        provider=d.get("provider", ""),
        provider_reference=d.get("provider_reference", ""),
        paid_at=d.get("paid_at"),
        cancel_reason=d.get("cancel_reason", ""),
        account_version=d.get("account_version", 0),
        correlation_id=d.get("correlation_id", ""),
        blocked_reason=d.get("blocked_reason", ""),
        ledger_error=d.get("ledger_error", ""),
        version=d["version"],
    )


def account_fields(a: PayoutAccount) -> Doc:
    return {
        "provider": a.provider,
        "destination_token": a.destination_token,
        "country": a.country,
        "currency": a.currency,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    }


def account_from(d: Doc) -> PayoutAccount:
    return PayoutAccount(
        d["_id"],
        d["provider"],
        d["destination_token"],
        d["country"],
        d["currency"],
        d["created_at"],
        d["updated_at"],
        d["version"],
    )


def entry_doc(e: JournalEntry) -> Doc:
    postings = [
        {
            "account": p.account,
            "debit": checked_int64(p.debit, f"entry {e.id} debit"),
            "credit": checked_int64(p.credit, f"entry {e.id} credit"),
            "currency": p.currency,
        }
        for p in e.postings
    ]
    return {
        "_id": e.id,
        "payout_id": e.payout_id,
        **({"funding_id": e.funding_id} if e.funding_id else {}),
        "kind": e.kind.value,
        "postings": postings,
        "accounts": sorted({p.account for p in e.postings}),
        "created_at": e.created_at,
    }


def entry_from(d: Doc) -> JournalEntry:
    postings = tuple(
        LedgerPosting(p["account"], p["debit"], p["credit"], p["currency"]) for p in d["postings"]
    )
    return JournalEntry(
        d["_id"],
        d["payout_id"],
        EntryKind(d["kind"]),
        postings,
        d["created_at"],
        funding_id=d.get("funding_id", ""),
    )


def split_absent(fields: Doc) -> tuple[Doc, list[str]]:
    """The fields to $set, and the names of those that are None (absent: to $unset)."""
    return {k: v for k, v in fields.items() if v is not None}, [
        k for k, v in fields.items() if v is None
    ]


async def newest_first(
    collection: Collection,
    filt: dict[str, str],
    page: PageRequest,
    read: Callable[[Doc], T],
    key: Callable[[T], str],
) -> Page[T]:
    """One page in id order, descending, of the documents matching `filt` (its empty values
    are no filter), after `page.after`; reads `page.limit` rows (one more than the page)."""
    query: Doc = {k: str(v) for k, v in filt.items() if v}
    if page.after:
        query["_id"] = {"$lt": str(page.after)}
    cursor = collection.find(query, sort=[("_id", -1)], limit=page.limit)
    return Page.of([read(d) async for d in cursor], page, key)
