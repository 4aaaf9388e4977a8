"""Protobuf <-> the funding domain: fundings, methods, hires, and funding events as envelopes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from google.protobuf.message import Message

from payouts.adapters import sponsorship_wire
from payouts.domain.funding import (
    FUNDING_PREFIX,
    Funding,
    FundingEvent,
    FundingEventKind,
    FundingMethod,
    FundingStatus,
    MethodKind,
    funding_id_for,
)
from payouts.domain.hire import HiredEngagement
from payouts.domain.settlement import refund_total, released_fee, released_total
from payouts.handlers.funding_writer import FundingNotFound
from stint.applications.v1.events_pb2 import CandidateHired
from stint.kit.actor import Cause
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.ids import suffix
from stint.kit.wire import enum_number, event_context, money_message, money_of, timestamp
from stint.payouts.v1 import events_pb2 as ev
from stint.payouts.v1 import funding_pb2 as pb

_STATUS = {
    s: pb.FundingStatus.ValueType(enum_number(pb.FundingStatus, s.value, "FUNDING_STATUS_"))
    for s in FundingStatus
}
_STATUS_BACK: dict[int, FundingStatus] = {int(v): k for k, v in _STATUS.items()}
_KIND = {
    k: pb.FundingMethodKind.ValueType(
        enum_number(pb.FundingMethodKind, k.value, "FUNDING_METHOD_KIND_")
    )
    for k in MethodKind
}
_KIND_BACK: dict[int, MethodKind] = {int(v): k for k, v in _KIND.items()}


def status_from_pb(value: int) -> FundingStatus | None:
    """None for UNSPECIFIED (no filter)."""
    return _STATUS_BACK.get(value)


def kind_from_pb(value: int) -> str:
    """The kind's name, or "" for UNSPECIFIED / unknown (refused by validation)."""
    kind = _KIND_BACK.get(value)
    return kind.value if kind else ""


def engagement_id_of(hire: CandidateHired) -> str:
    """The engagement a hire starts: eng_<application suffix>, as submissions names it."""
    return f"eng_{suffix(hire.application.id)}"


def funding_id_of(engagement_or_funding_id: str) -> str:
    """GetFunding and RetryFunding take either the engagement's id or the funding's; any
    other id names no funding (NOT_FOUND, as for one the caller may not see)."""
    if engagement_or_funding_id.startswith(f"{FUNDING_PREFIX}_"):
        return engagement_or_funding_id
    if engagement_or_funding_id.startswith("eng_"):
        return funding_id_for(engagement_or_funding_id)
    raise FundingNotFound(f"funding {engagement_or_funding_id} not found")


def hired_from_pb(event: CandidateHired) -> HiredEngagement:
    terms, application = event.terms, event.application
    return HiredEngagement(
        engagement_id=engagement_id_of(event),
        application_id=application.id,
        company_id=terms.company_id or application.company_id,
        student_id=application.student_id,
        title=terms.posting_title,
        fee=money_of(terms.fee),
        university_id=application.university_id,
        posting_id=terms.posting_id or application.posting_id,
    )


def funding_to_pb(f: Funding) -> pb.Funding:
    decline = f.decline
    return pb.Funding(
        id=f.id,
        engagement_id=f.engagement_id,
        application_id=f.application_id,
        company_id=f.company_id,
        student_id=f.student_id,
        posting_title=f.posting_title,
        fee=money_message(f.fee),
        platform_fee=money_message(f.platform_fee),
        total=money_message(f.total),
        status=_STATUS[f.status],
        method=_KIND[f.method] if f.method else pb.FUNDING_METHOD_KIND_UNSPECIFIED,
        attempts=f.attempts,
        decline_code=decline.code if decline else "",
        decline_message=decline.message if decline else "",
        provider=f.provider,
        provider_reference=f.provider_reference,
        created_at=timestamp(f.created_at),
        updated_at=timestamp(f.updated_at),
        funded_at=timestamp(f.funded_at),
        released_at=timestamp(f.released_at),
        refunded_at=timestamp(f.refunded_at),
        version=f.version,
        released_fee=money_message(released_fee(f)),
        released_total=money_message(released_total(f)),
        refunded_total=money_message(refund_total(f)),
        paid_at=timestamp(f.paid_at),
        payment_due_at=timestamp(f.payment_due_at),
        sponsor=sponsorship_wire.part_to_pb(f.sponsor) if f.sponsor else None,
        company_total=money_message(f.company_total),
        goodwill_refund=money_message(f.goodwill.amount) if f.goodwill else None,
        goodwill_refunded_at=timestamp(f.goodwill.at) if f.goodwill else None,
    )


def method_to_pb(m: FundingMethod) -> pb.FundingMethod:
    return pb.FundingMethod(
        company_id=m.company_id,
        kind=_KIND[m.kind],
        provider=m.provider,
        token_hint=m.token_hint,
        currency=m.currency,
        created_at=timestamp(m.created_at),
        updated_at=timestamp(m.updated_at),
        version=m.version,
        credit_limit=money_message(m.credit_limit) if m.credit_limit else None,
        net_days=m.net_days,
    )


def event_message(e: FundingEvent, cause: Cause) -> Message:
    context = event_context(cause)
    funding = funding_to_pb(e.funding)
    match e.kind:
        case FundingEventKind.SECURED:
            return ev.FundingSecured(context=context, funding=funding)
        case FundingEventKind.DECLINED:
            return ev.FundingDeclined(context=context, funding=funding)
        case FundingEventKind.RELEASED:
            return ev.FundingReleased(context=context, funding=funding)
        case FundingEventKind.REFUNDED:
            return ev.FundingRefunded(context=context, funding=funding, reason=e.reason)
        case FundingEventKind.CANCELLED:
            return ev.FundingCancelled(context=context, funding=funding, reason=e.reason)


def envelopes(
    factory: EventFactory, events: Sequence[FundingEvent], cause: Cause | None, version: int
) -> list[Envelope]:
    """As `wire.envelopes` for payouts: each snapshot at the version written, keyed by id."""
    cause = cause or Cause.system()
    snapshots = (replace(e, funding=replace(e.funding, version=version)) for e in events)
    return [factory(event_message(e, cause), e.funding.id) for e in snapshots]
