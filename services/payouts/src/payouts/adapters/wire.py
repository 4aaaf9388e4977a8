"""The only place where protobuf meets the domain: messages <-> domain objects."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from payouts.domain.commands import ApprovedEngagement
from payouts.domain.events import Cause, PayoutEvent, PayoutEventKind
from payouts.domain.ledger import EntryKind, JournalEntry
from payouts.domain.model import Money, Payout, PayoutAccount, PayoutStatus
from payouts.queries import CheckReport, Statement
from stint.common.v1.event_pb2 import Actor, EventContext
from stint.common.v1.money_pb2 import Money as PbMoney
from stint.payouts.v1 import events_pb2 as ev
from stint.payouts.v1 import payout_pb2 as pb
from stint.payouts.v1 import payouts_service_pb2 as svc
from stint.submissions.v1.engagement_pb2 import Engagement

_STATUS = {s: pb.PayoutStatus.Value(f"PAYOUT_STATUS_{s.value}") for s in PayoutStatus}
_STATUS_BACK: dict[int, PayoutStatus] = {int(v): k for k, v in _STATUS.items()}
_KIND = {k: svc.JournalEntryKind.Value(f"JOURNAL_ENTRY_KIND_{k.name}") for k in EntryKind}


def ts(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def money(value: Money) -> PbMoney:
    return PbMoney(amount_minor=value.amount_minor, currency=value.currency)


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
        amount=money(p.amount),
        platform_fee=money(p.platform_fee),
        status=_STATUS[p.status],
        failure_code=failure.code if failure else "",
        failure_message=failure.message if failure else "",
        retryable=bool(failure and failure.retryable),
        attempts=p.attempts,
        next_attempt_at=ts(p.next_attempt_at),
        provider=p.provider,
        provider_reference=p.provider_reference,
        created_at=ts(p.created_at),
        updated_at=ts(p.updated_at),
        paid_at=ts(p.paid_at),
        version=p.version,
    )


def account_to_pb(a: PayoutAccount) -> svc.PayoutAccount:
    return svc.PayoutAccount(
        student_id=a.student_id,
        provider=a.provider,
        destination_hint=a.destination_hint,
        country=a.country,
        currency=a.currency,
        created_at=ts(a.created_at),
        updated_at=ts(a.updated_at),
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
        created_at=ts(e.created_at),
    )


def statement_to_pb(s: Statement) -> svc.EarningsStatement:
    return svc.EarningsStatement(
        student_id=s.student_id,
        year=s.year,
        total_paid=[money(m) for m in s.totals],
        payout_count=s.count,
        by_company=[
            svc.CompanyEarnings(company_id=c, total_paid=money(m), payout_count=n)
            for c, m, n in s.by_company
        ],
        tax_form_threshold_reached=s.threshold_reached,
        tax_form_threshold=money(s.threshold),
    )


def check_to_pb(r: CheckReport) -> svc.CheckLedgerResponse:
    return svc.CheckLedgerResponse(
        ok=not r.violations,
        entries_checked=r.entries,
        payouts_checked=r.payouts,
        violations=[svc.LedgerViolation(kind=k, subject=s, detail=d) for k, s, d in r.violations],
        repairs_pending=r.repairs_pending,
    )


def approved_from_pb(engagement: Engagement) -> ApprovedEngagement:
    return ApprovedEngagement(
        engagement_id=engagement.id,
        company_id=engagement.company_id,
        student_id=engagement.student_id,
        title=engagement.title,
        fee=Money(engagement.fee.amount_minor, engagement.fee.currency),
    )


def cause_from_event(context: EventContext, ce_id: str) -> Cause:
    """A consumer acts as the platform, in the consumed event's correlation chain."""
    return Cause(correlation_id=context.correlation_id, causation_id=ce_id)


def event_message(e: PayoutEvent, cause: Cause) -> Message:
    context = EventContext(
        actor=Actor(subject=cause.subject, role=cause.role, org=cause.org),
        correlation_id=cause.correlation_id,
        causation_id=cause.causation_id,
    )
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
