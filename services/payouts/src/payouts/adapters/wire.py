"""The only place where protobuf meets the domain: messages <-> domain objects, and the
payout events as the envelopes the repository stores with each write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from google.protobuf.message import Message

from payouts.domain.account import PayoutAccount
from payouts.domain.commands import ApprovedEngagement
from payouts.domain.events import PayoutEvent, PayoutEventKind
from payouts.domain.ledger import EntryKind, JournalEntry
from payouts.domain.model import Payout
from payouts.domain.values import PayoutStatus
from payouts.handlers import CheckReport, Statement
from stint.kit.actor import Cause
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.wire import enum_number, event_context, money_message, money_of, timestamp
from stint.payouts.v1 import events_pb2 as ev
from stint.payouts.v1 import payout_pb2 as pb
from stint.payouts.v1 import payouts_service_pb2 as svc
from stint.submissions.v1.engagement_pb2 import Engagement

_STATUS = {
    s: pb.PayoutStatus.ValueType(enum_number(pb.PayoutStatus, s.value, "PAYOUT_STATUS_"))
    for s in PayoutStatus
}
_STATUS_BACK: dict[int, PayoutStatus] = {int(v): k for k, v in _STATUS.items()}
_KIND = {
    k: svc.JournalEntryKind.ValueType(
        enum_number(svc.JournalEntryKind, k.name, "JOURNAL_ENTRY_KIND_")
    )
    for k in EntryKind
}


def status_from_pb(value: int) -> PayoutStatus | None:
    """None for UNSPECIFIED (no filter); unknown numbers also read as no filter."""
    return _STATUS_BACK.get(value)


def payout_to_pb(p: Payout) -> pb.Payout:
    failure = p.failure
    return pb.Payout(
        id=p.id,
        engagement_id=p.engagement_id,
        company_id=p.company_id,
        student_id=p.student_id,
        posting_title=p.posting_title,
        amount=money_message(p.amount),
        platform_fee=money_message(p.platform_fee),
        status=_STATUS[p.status],
        failure_code=failure.code if failure else "",
        failure_message=failure.message if failure else "",
        retryable=bool(failure and failure.retryable),
        attempts=p.attempts,
        next_attempt_at=timestamp(p.next_attempt_at),
        provider=p.provider,
        provider_reference=p.provider_reference,
        created_at=timestamp(p.created_at),
        updated_at=timestamp(p.updated_at),
        paid_at=timestamp(p.paid_at),
        version=p.version,
    )


def account_to_pb(a: PayoutAccount) -> svc.PayoutAccount:
    return svc.PayoutAccount(
        student_id=a.student_id,
        provider=a.provider,
        destination_hint=a.destination_hint,
        country=a.country,
        currency=a.currency,
        created_at=timestamp(a.created_at),
        updated_at=timestamp(a.updated_at),
        version=a.version,
    )


def entry_to_pb(e: JournalEntry) -> svc.JournalEntry:
    postings = [
        svc.LedgerPosting(
            account=p.account, debit_minor=p.debit, credit_minor=p.credit, currency=p.currency
        )
        for p in e.postings
    ]
    return svc.JournalEntry(
        id=e.id,
        payout_id=e.payout_id,
        kind=_KIND[e.kind],
        postings=postings,
        created_at=timestamp(e.created_at),
        funding_id=e.funding_id,
    )


def statement_to_pb(s: Statement) -> svc.EarningsStatement:
    return svc.EarningsStatement(
        student_id=s.student_id,
        year=s.year,
        total_paid=[money_message(m) for m in s.totals],
        payout_count=s.count,
        by_company=[
            svc.CompanyEarnings(company_id=c, total_paid=money_message(m), payout_count=n)
            for c, m, n in s.by_company
        ],
        tax_form_threshold_reached=s.threshold_reached,
        tax_form_threshold=money_message(s.threshold),
        tax_form_threshold_year=s.threshold_year,
    )


def check_to_pb(r: CheckReport) -> svc.CheckLedgerResponse:
    return svc.CheckLedgerResponse(
        ok=not r.violations,
        entries_checked=r.entries,
        payouts_checked=r.payouts,
        fundings_checked=r.fundings,
        violations=[svc.LedgerViolation(kind=k, subject=s, detail=d) for k, s, d in r.violations],
        repairs_pending=r.repairs_pending,
    )


def approved_from_pb(engagement: Engagement) -> ApprovedEngagement:
    return ApprovedEngagement(
        engagement_id=engagement.id,
        company_id=engagement.company_id,
        student_id=engagement.student_id,
        title=engagement.title,
        fee=money_of(engagement.fee),
    )


def event_message(e: PayoutEvent, cause: Cause) -> Message:
    context = event_context(cause)
    payout = payout_to_pb(e.payout)
    match e.kind:
        case PayoutEventKind.SCHEDULED:
            return ev.PayoutScheduled(context=context, payout=payout)
        case PayoutEventKind.ON_HOLD:
            return ev.PayoutOnHold(context=context, payout=payout)
        case PayoutEventKind.PAID:
            return ev.PayoutPaid(context=context, payout=payout)
        case PayoutEventKind.FAILED:
            return ev.PayoutFailed(context=context, payout=payout)
        case PayoutEventKind.CANCELLED:
            return ev.PayoutCancelled(context=context, payout=payout, reason=e.reason)


def envelopes(
    factory: EventFactory, events: Sequence[PayoutEvent], cause: Cause | None, version: int
) -> list[Envelope]:
    """The envelopes of a write at `version`: each payout snapshot carries the version being
    written, and the context the change's cause (the platform when there is none)."""
    cause = cause or Cause.system()
    snapshots = (replace(e, payout=replace(e.payout, version=version)) for e in events)
    return [factory(event_message(e, cause), e.payout.id) for e in snapshots]
