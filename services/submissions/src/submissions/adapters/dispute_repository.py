"""Disputes in MongoDB: one document per dispute (`disputes`, `_id` = dsp_…) through the kit's
outbox, with optimistic versions like the engagement.

Two timer fields are derived from the state on every write, as on the engagement:
`timer_escalate` (the answer deadline, while OPEN) and `timer_settle` (a resolved dispute
whose engagement is not ended yet: the settlement repair). Each is cleared by the write that
makes it moot, so the timers only ever see disputes with pending work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from stint.kit.actor import Cause
from stint.kit.envelope import Envelope
from stint.kit.money import Money
from stint.kit.mongo import Document, IndexSpec
from stint.kit.outbox import OutboxCollection
from stint.kit.paging import PageRequest
from submissions.domain.dispute import (
    Dispute,
    DisputeStatus,
    Evidence,
    EvidenceKind,
    Outcome,
    Reason,
    Resolution,
    Statement,
)
from submissions.domain.events import Event
from submissions.domain.values import Party, Status

Envelopes = Callable[[Sequence[Event], Cause], list[Envelope]]

TIMER_ESCALATE = "timer_escalate"
TIMER_SETTLE = "timer_settle"
TIMERS = (TIMER_ESCALATE, TIMER_SETTLE)
INDEXES = [
    IndexSpec([("status", 1), ("_id", -1)]),
    IndexSpec([("company_id", 1), ("_id", -1)]),
    IndexSpec([("student_id", 1), ("_id", -1)]),
    IndexSpec([("university_id", 1), ("_id", -1)]),
]


class DisputeRepository:
    def __init__(self, disputes: OutboxCollection, envelopes: Envelopes) -> None:
        self._disputes = disputes
        self._envelopes = envelopes

    async def ensure_indexes(self) -> None:
        await self._disputes.ensure_indexes(INDEXES)

    async def get(self, dispute_id: str) -> Dispute | None:
        doc = await self._disputes.get(str(dispute_id))
        return from_document(doc) if doc else None

    async def add(self, dispute: Dispute, events: Sequence[Event], cause: Cause) -> None:
        """Insert; AlreadyExists when the engagement's dispute is already stored."""
        doc = to_document(dispute)
        if doc[TIMER_SETTLE] is None:
            del doc[TIMER_SETTLE]
        if doc[TIMER_ESCALATE] is None:
            del doc[TIMER_ESCALATE]
        await self._disputes.insert(doc, self._envelopes(events, cause))
        dispute.version = 1

    async def save(self, dispute: Dispute, events: Sequence[Event], cause: Cause) -> None:
        """The new state and its events in one versioned update (ConcurrencyConflict when
        someone changed the dispute since it was loaded)."""
        state = to_document(dispute)
        timers = {k: state.pop(k) for k in TIMERS}
        state.pop("_id")
        unset = [k for k, v in timers.items() if v is None]
        state |= {k: v for k, v in timers.items() if v is not None}
        dispute.version = await self._disputes.update(
            dispute.id, dispute.version, state, self._envelopes(events, cause), unset=unset
        )

    async def list(
        self, filters: dict[str, str], statuses: Sequence[DisputeStatus], page: PageRequest
    ) -> list[Dispute]:
        """Newest first (ids follow their engagements' time order), after `page.after`."""
        query: dict[str, Any] = {k: str(v) for k, v in filters.items()}
        if statuses:
            query["status"] = {"$in": [s.value for s in statuses]}
        if page.after:
            query["_id"] = {"$lt": str(page.after)}
        cursor = self._disputes.collection.find(query).sort("_id", -1).limit(page.limit)
        return [from_document(doc) async for doc in cursor]


def to_document(d: Dispute) -> Document:
    """The state (the engagement keeps the same shape in its `opening`), with its timers."""
    doc = state_of(d)
    doc[TIMER_ESCALATE] = d.escalation_due_at()
    doc[TIMER_SETTLE] = d.settle_due_at()
    return doc


def state_of(d: Dispute) -> Document:
    r = d.resolution
    return {
        "_id": d.id,
        "engagement_id": d.engagement_id,
        "company_id": d.company_id,
        "student_id": d.student_id,
        "university_id": d.university_id,
        "fee": _money(d.fee),
        "opened_by": d.opened_by.value,
        "reason": d.reason.value,
        "claim": _statement(d.claim),
        "opened_at": d.opened_at,
        "answer_due_at": d.answer_due_at,
        "engagement_status_before": d.engagement_status_before.value,
        "status": d.status.value,
        "answer": _statement(d.answer) if d.answer else None,
        "resolution": {
            "outcome": r.outcome.value,
            "released": _money(r.released),
            "refunded": _money(r.refunded),
            "decision": r.decision,
            "resolved_by": r.resolved_by,
            "resolved_at": r.resolved_at,
        }
        if r
        else None,
        "settled": d.settled,
        "title": d.title,
    }


def from_document(doc: Document, version: int | None = None) -> Dispute:
    r = doc.get("resolution")
    return Dispute(
        id=doc["_id"],
        engagement_id=doc["engagement_id"],
        company_id=doc["company_id"],
        student_id=doc["student_id"],
        university_id=doc["university_id"],
        fee=Money(**doc["fee"]),
        opened_by=Party(doc["opened_by"]),
        reason=Reason(doc["reason"]),
        claim=_statement_of(doc["claim"]),
        opened_at=doc["opened_at"],
        answer_due_at=doc["answer_due_at"],
        engagement_status_before=Status(doc["engagement_status_before"]),
        status=DisputeStatus(doc["status"]),
        answer=_statement_of(doc["answer"]) if doc.get("answer") else None,
        resolution=Resolution(
            Outcome(r["outcome"]),
            Money(**r["released"]),
            Money(**r["refunded"]),
            r["decision"],
            r["resolved_by"],
            r["resolved_at"],
        )
        if r
        else None,
        settled=bool(doc.get("settled")),
        title=doc.get("title", ""),
        version=doc.get("version", 1) if version is None else version,
    )


def _money(m: Money) -> Document:
    return {"amount_minor": m.amount_minor, "currency": m.currency}


def _statement(s: Statement) -> Document:
    return {
        "party": s.party.value,
        "author": s.author,
        "statement": s.statement,
        "evidence": [
            {"kind": e.kind.value, "reference": e.reference, "note": e.note} for e in s.evidence
        ],
        "given_at": s.given_at,
    }


def _statement_of(doc: Document) -> Statement:
    evidence = tuple(
        Evidence(EvidenceKind(e["kind"]), e["reference"], e["note"]) for e in doc["evidence"]
    )
    return Statement(
        Party(doc["party"]), doc["author"], doc["statement"], evidence, doc["given_at"]
    )
