"""The only module that touches MongoDB: engagements (through the kit's outbox), the markers
of funded engagements and the development signing key.

An engagement is one document: its state, its pending events (`outbox`) and four timer
fields derived from the state on every write (`timer_*`), which the TimerWorker claims. The
timer fields are never read back into the domain: a claim moves them, the domain keeps its
own due times.

A funding marker (`funded_engagements`, `_id` = engagement id) is inserted once when payouts'
FundingSecured arrives and never changed: it is how a hire handled after its funding learns
that the money is already in escrow (the two events travel on different topics).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from stint.kit.actor import Cause
from stint.kit.envelope import Envelope
from stint.kit.money import Money
from stint.kit.mongo import Collection, Document, IndexSpec
from stint.kit.outbox import OutboxCollection
from stint.kit.paging import PageRequest
from submissions.adapters import dispute_repository as disputes_db
from submissions.adapters import schedule_documents as schedule_db
from submissions.domain import disputes, schedule
from submissions.domain import feedback as fb
from submissions.domain.events import Event
from submissions.domain.model import (
    AiPolicy,
    Artifact,
    CriterionResult,
    Decision,
    Engagement,
    Feedback,
    IssuedRecord,
    Party,
    Review,
    Status,
    Submission,
)

# Domain events → envelopes: `wire.envelopes_for` bound to the service's EventFactory.
Envelopes = Callable[[Sequence[Event], Cause], list[Envelope]]

TIMER_AUTO_APPROVE = "timer_auto_approve"
TIMER_OVERDUE = "timer_overdue"
TIMER_REVEAL = "timer_reveal"
TIMER_FUNDING = "timer_funding"
TIMER_DISPUTE_OPENING = "timer_dispute_opening"  # the opened dispute's document is missing
TIMER_MILESTONE = "timer_milestone"  # the earliest open milestone not announced yet
TIMERS = (
    TIMER_AUTO_APPROVE,
    TIMER_OVERDUE,
    TIMER_REVEAL,
    TIMER_FUNDING,
    TIMER_DISPUTE_OPENING,
    TIMER_MILESTONE,
)
INDEXES = [
    IndexSpec([("student_id", 1), ("_id", -1)]),
    IndexSpec([("company_id", 1), ("_id", -1)]),
    IndexSpec([("university_id", 1), ("_id", -1)]),
]


class EngagementRepository:
    def __init__(
        self, engagements: OutboxCollection, funded: Collection, envelopes: Envelopes
    ) -> None:
        self._engagements = engagements
        self._funded = funded
        self._envelopes = envelopes

    async def ensure_indexes(self) -> None:
        await self._engagements.ensure_indexes(INDEXES)

    async def get(self, engagement_id: str) -> Engagement | None:
        doc = await self._engagements.get(engagement_id)
        return from_document(doc) if doc else None

    async def add(
        self, engagement: Engagement, events: Sequence[Event], cause: Cause, applied: str
    ) -> None:
        """Insert a new engagement; AlreadyExists when its (deterministic) id is taken."""
        envelopes = self._envelopes(events, cause)
        await self._engagements.insert(to_document(engagement), envelopes, applied_event=applied)
        engagement.version = 1

    async def save(self, engagement: Engagement, events: Sequence[Event], cause: Cause) -> None:
        """Write the new state and its events in one versioned update (ConcurrencyConflict
        when someone else changed the engagement since it was loaded)."""
        state = to_document(engagement)
        timers = {k: state.pop(k) for k in TIMERS}
        state.pop("_id")
        unset = [k for k, v in timers.items() if v is None]
        state |= {k: v for k, v in timers.items() if v is not None}
        engagement.version = await self._engagements.update(
            engagement.id, engagement.version, state, self._envelopes(events, cause), unset=unset
        )

    async def mark_funded(self, engagement_id: str, funding_id: str, at: datetime) -> None:
        """Insert the immutable marker; a duplicate key means it is already recorded."""
        marker = {"_id": str(engagement_id), "funding_id": str(funding_id), "funded_at": at}
        with contextlib.suppress(DuplicateKeyError):
            await self._funded.insert_one(marker)

    async def is_funded(self, engagement_id: str) -> bool:
        return await self._funded.find_one({"_id": str(engagement_id)}) is not None

    async def list(
        self, filters: dict[str, str], statuses: Sequence[Status], page: PageRequest
    ) -> list[Engagement]:
        """Newest first (ids are time-ordered), after the id `page.after`, `page.limit` rows."""
        query: dict[str, Any] = {k: str(v) for k, v in filters.items()}
        if statuses:
            query["status"] = {"$in": [s.value for s in statuses]}
        if page.after:
            query["_id"] = {"$lt": str(page.after)}
        cursor = self._engagements.collection.find(query).sort("_id", -1).limit(page.limit)
        return [from_document(doc) async for doc in cursor]


class SigningKeyStore:
    """Development only: one signing key shared by every replica through the database, so
    records stay verifiable across restarts. Insert-once: the first replica's key wins."""

    def __init__(self, collection: Collection) -> None:
        self._collection = collection

    async def get_or_create(self, kid: str, seed: bytes) -> tuple[str, bytes]:
        with contextlib.suppress(DuplicateKeyError):
            await self._collection.insert_one({"_id": "dev", "kid": kid, "seed": seed})
        doc = await self._collection.find_one({"_id": "dev"})
        assert doc is not None  # inserted above or by another replica; never deleted
        return str(doc["kid"]), bytes(doc["seed"])


def to_document(e: Engagement) -> Document:
    doc = {k: v for k, v in asdict(e).items() if k not in ("id", "version", "opening")}
    doc["opening"] = disputes_db.state_of(e.opening) if e.opening else None
    doc["_id"] = e.id
    doc["skills"] = list(e.skills)
    doc["acceptance_criteria"] = list(e.acceptance_criteria)
    for item in doc["submissions"]:
        item["artifacts"] = list(item["artifacts"])
    for item in doc["reviews"]:
        item["criteria"] = list(item["criteria"])
    for item in doc["feedback"]:
        item["endorsed_skills"] = list(item["endorsed_skills"])
    doc[TIMER_AUTO_APPROVE] = e.review_due_at if e.status is Status.SUBMITTED else None
    doc[TIMER_OVERDUE] = schedule.overdue_due_at(e)
    doc[TIMER_REVEAL] = fb.reveal_due_at(e)
    doc[TIMER_FUNDING] = e.funding_due_at if e.status is Status.AWAITING_FUNDING else None
    doc[TIMER_DISPUTE_OPENING] = disputes.repair_due_at(e)
    doc[TIMER_MILESTONE] = schedule.milestone_due_at(e)
    return doc


def _dt(value: Any) -> datetime | None:
    return value if isinstance(value, datetime) else None


def from_document(d: Document) -> Engagement:
    record = d.get("record")
    return Engagement(
        id=d["_id"],
        application_id=d["application_id"],
        posting_id=d["posting_id"],
        company_id=d["company_id"],
        student_id=d["student_id"],
        university_id=d["university_id"],
        title=d["title"],
        category=d["category"],
        skills=tuple(d["skills"]),
        estimated_hours=d["estimated_hours"],
        fee=Money(**d["fee"]),
        due_date=_dt(d.get("due_date")),
        acceptance_criteria=tuple(d["acceptance_criteria"]),
        ai_policy=AiPolicy(d["ai_policy"]),
        revision_limit=d["revision_limit"],
        # Engagements stored before funding existed were started at creation.
        created_at=d.get("created_at") or d["started_at"],
        started_at=_dt(d.get("started_at")),
        funding_due_at=_dt(d.get("funding_due_at")),
        revisions_used=d["revisions_used"],
        status=Status(d["status"]),
        submissions=[_submission(s) for s in d["submissions"]],
        reviews=[_review(r) for r in d["reviews"]],
        feedback=[_feedback(f) for f in d["feedback"]],
        feedback_revealed=d["feedback_revealed"],
        review_due_at=_dt(d.get("review_due_at")),
        reveal_due_at=_dt(d.get("reveal_due_at")),
        overdue_notified=d["overdue_notified"],
        # Stored before the flag (issue 20): overdue if announced and still undelivered.
        overdue=bool(d.get("overdue", d["overdue_notified"] and d["status"] == "ACTIVE")),
        overdue_at=_dt(d.get("overdue_at")),
        extensions=[schedule_db.extension(x) for x in d.get("extensions", [])],
        milestones=[schedule_db.milestone(x) for x in d.get("milestones", [])],
        cancel_reason=d["cancel_reason"],
        cancelled_by=Party(d["cancelled_by"]) if d.get("cancelled_by") else None,
        kill_fee_percent=d.get("kill_fee_percent", 0),
        kill_fee=Money(**d["kill_fee"]) if d.get("kill_fee") else None,
        student_name=d.get("student_name", ""),
        company_name=d.get("company_name", ""),
        approved_at=_dt(d.get("approved_at")),
        completed_at=_dt(d.get("completed_at")),
        cancelled_at=_dt(d.get("cancelled_at")),
        record=IssuedRecord(**record) if record else None,
        opening=disputes_db.from_document(d["opening"], 1) if d.get("opening") else None,
        version=d["version"],
    )


def _submission(s: Document) -> Submission:
    artifacts = tuple(Artifact(**a) for a in s["artifacts"])
    return Submission(
        s["number"],
        s["note"],
        artifacts,
        s["ai_used"],
        s["ai_disclosure"],
        s["submitted_at"],
        s.get("late", False),
    )


def _review(r: Document) -> Review:
    criteria = tuple(CriterionResult(**c) for c in r["criteria"])
    return Review(
        r["submission_number"],
        Decision(r["decision"]),
        r["feedback"],
        criteria,
        r["reviewed_by"],
        r["reviewed_at"],
    )


def _feedback(f: Document) -> Feedback:
    return Feedback(
        Party(f["author"]), f["rating"], f["comment"], tuple(f["endorsed_skills"]), f["given_at"]
    )
