"""Protobuf meets the dispute here: requests in, the Dispute message and the dispute events
of `stint.submissions.v1` out (`wire.envelopes_for` routes dispute events to `event`)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from google.protobuf.message import Message

from stint.kit.actor import Cause
from stint.kit.wire import (
    enum_name,
    enum_number,
    event_context,
    money_message,
    money_of,
    paging,
    timestamp,
)
from stint.submissions.v1 import dispute_pb2 as pb
from stint.submissions.v1 import engagement_pb2 as eng_pb
from stint.submissions.v1 import events_pb2 as events
from stint.submissions.v1 import submissions_service_pb2 as api
from submissions.adapters.payloads import engagement
from submissions.domain import commands as cmd
from submissions.domain import dispute as d
from submissions.domain import events as ev

E = TypeVar("E", bound=StrEnum)
EVENTS = (ev.DisputeOpened, ev.DisputeAnswered, ev.DisputeEscalated, ev.DisputeResolved)


def _domain(kind: type[E], enum: Any, number: int, prefix: str) -> E | None:
    """The domain value of a wire enum; None for UNSPECIFIED or a value newer than us."""
    if number == 0 or number not in enum.values():
        return None
    return kind(enum_name(enum, number, prefix))


def _wire(enum: Any, value: StrEnum, prefix: str) -> Any:
    return enum.ValueType(enum_number(enum, value.value, prefix))


def _evidence(items: Any) -> tuple[cmd.EvidenceRef, ...]:
    return tuple(
        cmd.EvidenceRef(
            _domain(d.EvidenceKind, pb.EvidenceKind, e.kind, "EVIDENCE_KIND_"), e.reference, e.note
        )
        for e in items
    )


def open_dispute(r: api.OpenDisputeRequest) -> cmd.OpenDispute:
    reason = _domain(d.Reason, pb.DisputeReason, r.reason, "DISPUTE_REASON_")
    return cmd.OpenDispute(r.engagement_id, reason, r.statement, _evidence(r.evidence))


def answer_dispute(r: api.AnswerDisputeRequest) -> cmd.AnswerDispute:
    return cmd.AnswerDispute(r.dispute_id, r.statement, _evidence(r.evidence))


def resolve_dispute(r: api.ResolveDisputeRequest) -> cmd.ResolveDispute:
    outcome = _domain(d.Outcome, pb.DisputeOutcome, r.outcome, "DISPUTE_OUTCOME_")
    released = money_of(r.released) if r.HasField("released") else None
    return cmd.ResolveDispute(r.dispute_id, outcome, released, r.decision)


def dispute_query(r: api.ListDisputesRequest) -> cmd.DisputeQuery:
    """Unknown or unspecified statuses filter nothing; the page follows the kit's rule."""
    found = (_domain(d.DisputeStatus, pb.DisputeStatus, s, "DISPUTE_STATUS_") for s in r.statuses)
    statuses = tuple(s for s in found if s is not None)
    return cmd.DisputeQuery(statuses, r.company_id, r.student_id, paging(r.page))


def dispute(x: d.Dispute) -> pb.Dispute:
    r = x.resolution
    return pb.Dispute(
        id=x.id,
        engagement_id=x.engagement_id,
        company_id=x.company_id,
        student_id=x.student_id,
        university_id=x.university_id,
        title=x.title,
        fee=money_message(x.fee),
        opened_by=_wire(eng_pb.Party, x.opened_by, "PARTY_"),
        reason=_wire(pb.DisputeReason, x.reason, "DISPUTE_REASON_"),
        status=_wire(pb.DisputeStatus, x.status, "DISPUTE_STATUS_"),
        claim=_statement(x.claim),
        answer=_statement(x.answer) if x.answer else None,
        opened_at=timestamp(x.opened_at),
        answer_due_at=timestamp(x.answer_due_at),
        resolution=pb.DisputeResolution(
            outcome=_wire(pb.DisputeOutcome, r.outcome, "DISPUTE_OUTCOME_"),
            released=money_message(r.released),
            refunded=money_message(r.refunded),
            decision=r.decision,
            resolved_by=r.resolved_by,
            resolved_at=timestamp(r.resolved_at),
        )
        if r
        else None,
        engagement_status_before=_wire(
            eng_pb.EngagementStatus, x.engagement_status_before, "ENGAGEMENT_STATUS_"
        ),
        version=x.version,
    )


def _statement(s: d.Statement) -> pb.DisputeStatement:
    return pb.DisputeStatement(
        party=_wire(eng_pb.Party, s.party, "PARTY_"),
        author=s.author,
        statement=s.statement,
        evidence=[
            pb.Evidence(
                kind=_wire(pb.EvidenceKind, e.kind, "EVIDENCE_KIND_"),
                reference=e.reference,
                note=e.note,
            )
            for e in s.evidence
        ],
        given_at=timestamp(s.given_at),
    )


def event(e: ev.Event, cause: Cause) -> tuple[Message, str]:
    """A dispute event and its subject (the engagement id: the topic's key)."""
    c = event_context(cause)
    match e:
        case ev.DisputeOpened(snap, eng):
            msg: Message = events.DisputeOpened(
                context=c, dispute=dispute(snap), engagement=engagement(eng)
            )
        case ev.DisputeAnswered(snap):
            msg = events.DisputeAnswered(context=c, dispute=dispute(snap))
        case ev.DisputeEscalated(snap):
            msg = events.DisputeEscalated(context=c, dispute=dispute(snap))
        case ev.DisputeResolved(snap, eng):
            msg = events.DisputeResolved(
                context=c, dispute=dispute(snap), engagement=engagement(eng)
            )
        case _:
            raise TypeError(f"no wire form for {type(e).__name__}")
    return msg, snap.engagement_id
