"""The only module where protobuf meets the domain: requests in, snapshots and events out.

The primitives (timestamps to the millisecond, money, enums by prefix, the event context) are
the kit's (`stint.kit.wire`); this module maps the postings messages field by field.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, TypeVar

from google.protobuf.message import Message

from postings.domain.commands import ListQuery, Order
from postings.domain.events import DomainEvent, EventKind
from postings.domain.model import Posting
from postings.domain.review import Review, ReviewStatus
from postings.domain.skills import normalize_skills
from postings.domain.values import (
    DEFAULT_REVISION_LIMIT,
    AiPolicy,
    Category,
    Decision,
    MilestonePlan,
    Status,
    Terms,
    Visibility,
)
from stint.common.v1 import money_pb2, work_pb2
from stint.kit import wire as kit
from stint.kit.actor import Cause
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.errors import FieldViolation, InvalidArgument
from stint.kit.money import Money
from stint.postings.v1 import events_pb2, posting_pb2
from stint.postings.v1 import postings_service_pb2 as svc

E = TypeVar("E", bound=enum.Enum)

EVENT_TYPES: dict[EventKind, type[Message]] = {
    EventKind.CREATED: events_pb2.PostingCreated,
    EventKind.UPDATED: events_pb2.PostingUpdated,
    EventKind.PUBLISHED: events_pb2.PostingPublished,
    EventKind.DECISION_DEADLINE_PASSED: events_pb2.PostingDecisionDeadlinePassed,
    EventKind.APPROVED: events_pb2.PostingApprovedForUniversity,
    EventKind.DECLINED: events_pb2.PostingDeclinedForUniversity,
    EventKind.CLOSED: events_pb2.PostingClosed,
    EventKind.CANCELLED: events_pb2.PostingCancelled,
    EventKind.EXPIRED: events_pb2.PostingExpired,
    EventKind.FILLED: events_pb2.PostingFilled,
    EventKind.COMPLETED: events_pb2.PostingCompleted,
    EventKind.SUBMITTED_FOR_REVIEW: events_pb2.PostingSubmittedForReview,
    EventKind.REVIEW_APPROVED: events_pb2.PostingReviewApproved,
    EventKind.REVIEW_DECLINED: events_pb2.PostingReviewDeclined,
    EventKind.FLAGGED: events_pb2.PostingFlagged,
    EventKind.TAKEN_DOWN: events_pb2.PostingTakenDown,
}
_WITH_REASON = (
    EventKind.DECLINED,
    EventKind.CANCELLED,
    EventKind.REVIEW_DECLINED,
    EventKind.FLAGGED,
    EventKind.TAKEN_DOWN,
)
# Proto enum value name prefixes, e.g. CATEGORY_DATA_ANALYSIS <-> Category.DATA_ANALYSIS.
_PREFIXES: dict[type[enum.Enum], tuple[Any, str]] = {
    Category: (work_pb2.Category, "CATEGORY_"),
    AiPolicy: (work_pb2.AiPolicy, "AI_POLICY_"),
    Visibility: (posting_pb2.Visibility, "VISIBILITY_"),
    Decision: (posting_pb2.UniversityDecision, "UNIVERSITY_DECISION_"),
    Status: (posting_pb2.PostingStatus, "POSTING_STATUS_"),
    ReviewStatus: (posting_pb2.ReviewStatus, "REVIEW_STATUS_"),
}


def enum_in(kind: type[E], value: int) -> E | None:
    """A proto enum number as the domain enum; None for UNSPECIFIED or unknown numbers (the
    validation reports a missing value with every other problem)."""
    proto_enum, prefix = _PREFIXES[kind]
    if value == 0 or value not in proto_enum.values():
        return None
    return kind(kit.enum_name(proto_enum, value, prefix))


def enum_out(member: enum.Enum | None) -> Any:
    if member is None:
        return 0
    proto_enum, prefix = _PREFIXES[type(member)]
    return kit.enum_number(proto_enum, member.value, prefix)


def money_in(message: money_pb2.Money) -> Money:
    """The fee as written, with its currency code trimmed and upper-cased."""
    money = kit.money_of(message)
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
        application_deadline=kit.optional_time(p, "application_deadline"),
        due_date=kit.optional_time(p, "due_date"),
        acceptance_criteria=tuple(p.acceptance_criteria),
        ai_policy=enum_in(AiPolicy, p.ai_policy),
        visibility=enum_in(Visibility, p.visibility),
        university_ids=tuple(u.strip() for u in p.university_ids),
        kill_fee_percent=p.kill_fee_percent,
        pay_floor_exception=p.pay_floor_exception,
        decision_deadline=kit.optional_time(p, "decision_deadline"),
        revision_limit=p.revision_limit or DEFAULT_REVISION_LIMIT,
        milestones=tuple(
            MilestonePlan(m.title.strip(), m.due_offset_days, m.deliverable.strip())
            for m in p.milestones
        ),
    )


def posting_out(p: Posting) -> posting_pb2.Posting:
    t = p.terms
    return posting_pb2.Posting(
        id=p.id,
        company_id=p.company_id,
        created_by=p.created_by,
        title=t.title,
        summary=t.summary,
        description=t.description,
        category=enum_out(t.category),
        skills=t.skills,
        estimated_hours=t.estimated_hours,
        fee=kit.money_message(t.fee),
        positions=t.positions,
        application_deadline=kit.timestamp(t.application_deadline),
        due_date=kit.timestamp(t.due_date),
        acceptance_criteria=t.acceptance_criteria,
        ai_policy=enum_out(t.ai_policy),
        visibility=enum_out(t.visibility),
        kill_fee_percent=t.kill_fee_percent,
        universities=[
            posting_pb2.UniversityTarget(
                university_id=u.university_id,
                decision=enum_out(u.decision),
                reason=u.reason,
                decided_at=kit.timestamp(u.decided_at),
            )
            for u in p.universities
        ],
        status=enum_out(p.status),
        applications_count=p.applications_count,
        hired_count=p.hired_count,
        completed_count=p.completed_count,
        created_at=kit.timestamp(p.created_at),
        updated_at=kit.timestamp(p.updated_at),
        published_at=kit.timestamp(p.published_at),
        version=p.version,
        company_name=p.company_name,
        review=review_out(p.review),
        pay_floor_exception=t.pay_floor_exception,
        decision_deadline=kit.timestamp(t.decides_until),
        revision_limit=t.revision_limit,
        milestones=[
            work_pb2.MilestonePlan(
                title=m.title, due_offset_days=m.due_offset_days, deliverable=m.deliverable
            )
            for m in t.milestones
        ],
    )


def review_out(r: Review | None) -> posting_pb2.PostingReview | None:
    if r is None:
        return None
    return posting_pb2.PostingReview(
        status=enum_out(r.status),
        findings=[posting_pb2.ReviewFinding(code=f.code, message=f.message) for f in r.findings],
        reason=r.reason,
        submitted_at=kit.timestamp(r.submitted_at),
        decided_at=kit.timestamp(r.decided_at),
        decided_by=r.decided_by,
        flag_count=r.flag_count,
    )


def event_out(event: DomainEvent, posting: Posting, cause: Cause) -> Message:
    """The events.proto message for a domain event, carrying the posting snapshot."""
    fields: dict[str, Any] = {"context": kit.event_context(cause), "posting": posting_out(posting)}
    if event.kind is EventKind.UPDATED:
        fields["changed_fields"] = list(event.changed_fields)
    if event.kind in (EventKind.APPROVED, EventKind.DECLINED):
        fields["university_id"] = event.university_id
    if event.kind in _WITH_REASON:
        fields["reason"] = event.reason
    return EVENT_TYPES[event.kind](**fields)


def envelopes(
    factory: EventFactory, posting: Posting, events: Sequence[DomainEvent], cause: Cause
) -> list[Envelope]:
    """The envelopes of `events`, each carrying `posting` as saved; subject = the posting id."""
    return [factory(event_out(e, posting, cause), posting.id) for e in events]


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
