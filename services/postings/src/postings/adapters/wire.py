"""The only module where protobuf meets the domain: requests in, snapshots and events out."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, TypeVar

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from postings.domain.commands import Context, ListQuery, Order
from postings.domain.events import DomainEvent, EventKind
from postings.domain.model import (
    AiPolicy,
    Category,
    Decision,
    Money,
    Posting,
    Status,
    Terms,
    Visibility,
)
from postings.domain.skills import normalize_skills
from stint.common.v1 import event_pb2, money_pb2, work_pb2
from stint.kit.errors import FieldViolation, InvalidArgument
from stint.postings.v1 import events_pb2, posting_pb2
from stint.postings.v1 import postings_service_pb2 as svc

E = TypeVar("E", bound=enum.Enum)

EVENT_TYPES: dict[EventKind, type[Message]] = {
    EventKind.CREATED: events_pb2.PostingCreated,
    EventKind.UPDATED: events_pb2.PostingUpdated,
    EventKind.PUBLISHED: events_pb2.PostingPublished,
    EventKind.APPROVED: events_pb2.PostingApprovedForUniversity,
    EventKind.DECLINED: events_pb2.PostingDeclinedForUniversity,
    EventKind.CLOSED: events_pb2.PostingClosed,
    EventKind.CANCELLED: events_pb2.PostingCancelled,
    EventKind.EXPIRED: events_pb2.PostingExpired,
    EventKind.FILLED: events_pb2.PostingFilled,
    EventKind.COMPLETED: events_pb2.PostingCompleted,
}
# Proto enum value name prefixes, e.g. CATEGORY_DATA_ANALYSIS <-> Category.DATA_ANALYSIS.
_PREFIXES: dict[type[enum.Enum], tuple[Any, str]] = {
    Category: (work_pb2.Category, "CATEGORY_"),
    AiPolicy: (work_pb2.AiPolicy, "AI_POLICY_"),
    Visibility: (posting_pb2.Visibility, "VISIBILITY_"),
    Decision: (posting_pb2.UniversityDecision, "UNIVERSITY_DECISION_"),
    Status: (posting_pb2.PostingStatus, "POSTING_STATUS_"),
}


def enum_in(kind: type[E], value: int) -> E | None:
    """A proto enum number as the domain enum; None for UNSPECIFIED or unknown numbers."""
    proto_enum, prefix = _PREFIXES[kind]
    try:
        name = proto_enum.Name(value)
    except ValueError:
        return None
    return next((member for member in kind if prefix + member.name == name), None)


def enum_out(member: enum.Enum | None) -> int:
    if member is None:
        return 0
    proto_enum, prefix = _PREFIXES[type(member)]
    return int(proto_enum.Value(prefix + member.name))


def time_in(ts: Timestamp) -> datetime:
    # MongoDB keeps milliseconds: truncate now so that what is read back equals what was sent.
    moment = ts.ToDatetime(tzinfo=UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _time_out(target: Timestamp, moment: datetime | None) -> None:
    if moment is not None:
        target.FromDatetime(moment)


def money_in(money: money_pb2.Money) -> Money:
    return Money(money.amount_minor, money.currency.strip().upper())


def terms_in(p: svc.PostingInput) -> Terms:
    return Terms(
        title=p.title,
        summary=p.summary,
        description=p.description,
        category=enum_in(Category, p.category),
        skills=tuple(p.skills),
        estimated_hours=p.estimated_hours,
        fee=money_in(p.fee),
        positions=p.positions,
        application_deadline=time_in(p.application_deadline)
        if p.HasField("application_deadline")
        else None,
        due_date=time_in(p.due_date) if p.HasField("due_date") else None,
        acceptance_criteria=tuple(p.acceptance_criteria),
        ai_policy=enum_in(AiPolicy, p.ai_policy),
        visibility=enum_in(Visibility, p.visibility),
        university_ids=tuple(u.strip() for u in p.university_ids),
    )


def posting_out(p: Posting) -> posting_pb2.Posting:
    t = p.terms
    out = posting_pb2.Posting(
        id=p.id,
        company_id=p.company_id,
        created_by=p.created_by,
        title=t.title,
        summary=t.summary,
        description=t.description,
        category=enum_out(t.category),  # type: ignore[arg-type]
        skills=t.skills,
        estimated_hours=t.estimated_hours,
        fee=money_pb2.Money(amount_minor=t.fee.amount_minor, currency=t.fee.currency),
        positions=t.positions,
        acceptance_criteria=t.acceptance_criteria,
        ai_policy=enum_out(t.ai_policy),  # type: ignore[arg-type]
        visibility=enum_out(t.visibility),  # type: ignore[arg-type]
        status=enum_out(p.status),  # type: ignore[arg-type]
        applications_count=p.applications_count,
        hired_count=p.hired_count,
        completed_count=p.completed_count,
        version=p.version,
    )
    for u in p.universities:
        target = out.universities.add(
            university_id=u.university_id,
            decision=enum_out(u.decision),
            reason=u.reason,
        )
        _time_out(target.decided_at, u.decided_at)
    _time_out(out.application_deadline, t.application_deadline)
    _time_out(out.due_date, t.due_date)
    _time_out(out.created_at, p.created_at)
    _time_out(out.updated_at, p.updated_at)
    _time_out(out.published_at, p.published_at)
    return out


def context_out(ctx: Context) -> event_pb2.EventContext:
    a = ctx.actor
    return event_pb2.EventContext(
        actor=event_pb2.Actor(subject=a.subject, role=a.role, org=a.org),
        correlation_id=ctx.correlation_id,
        causation_id=ctx.causation_id,
    )


def event_out(event: DomainEvent, posting: Posting, ctx: Context) -> Message:
    """The events.proto message for a domain event, carrying the posting snapshot."""
    fields: dict[str, Any] = {"context": context_out(ctx), "posting": posting_out(posting)}
    if event.kind is EventKind.UPDATED:
        fields["changed_fields"] = list(event.changed_fields)
    if event.kind in (EventKind.APPROVED, EventKind.DECLINED):
        fields["university_id"] = event.university_id
    if event.kind in (EventKind.DECLINED, EventKind.CANCELLED):
        fields["reason"] = event.reason
    return EVENT_TYPES[event.kind](**fields)


def _members(kind: type[E], values: Any, name: str, bad: list[FieldViolation]) -> tuple[E, ...]:
    """Filter values as domain enums; an unknown value is refused rather than dropped, since
    dropping it would widen the filter."""
    members = [enum_in(kind, v) for v in values]
    bad += [FieldViolation(f"{name}[{i}]", "unknown value") for i, m in enumerate(members) if not m]
    return tuple(m for m in members if m is not None)


def list_query_in(r: svc.ListPostingsRequest) -> ListQuery:
    bad: list[FieldViolation] = []
    statuses = _members(Status, r.statuses, "statuses", bad)
    categories = _members(Category, r.categories, "categories", bad)
    if bad:
        raise InvalidArgument("unknown filter value", bad)
    return ListQuery(
        statuses=statuses,
        categories=categories,
        skills=normalize_skills(tuple(r.skills)),
        match_all_skills=r.skill_match == svc.SKILL_MATCH_ALL,
        company_id=r.company_id,
        fee_min=money_in(r.fee_min) if r.HasField("fee_min") else None,
        fee_max=money_in(r.fee_max) if r.HasField("fee_max") else None,
        hours_min=r.hours_min,
        hours_max=r.hours_max,
        words=tuple(r.query.split()),
        order=Order.DEADLINE if r.order == svc.POSTING_ORDER_DEADLINE else Order.NEWEST,
        page_size=r.page.page_size,
        page_token=r.page.page_token,
    )
