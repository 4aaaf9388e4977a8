"""Timer entrypoints: the due-time fields the repositories derive from each engagement and
each dispute."""

from __future__ import annotations

from datetime import timedelta

from stint.kit.mongo import Document
from stint.kit.outbox import OutboxCollection
from stint.kit.timers import DueTimer
from submissions.adapters.dispute_repository import TIMER_ESCALATE, TIMER_SETTLE
from submissions.adapters.repository import (
    TIMER_AUTO_APPROVE,
    TIMER_DISPUTE_OPENING,
    TIMER_FUNDING,
    TIMER_MILESTONE,
    TIMER_OVERDUE,
    TIMER_REVEAL,
)
from submissions.handlers import DisputeWrites, TimerHandlers

# A claimed timer whose handler crashed fires again after this long.
LEASE = timedelta(seconds=60)


def timers(collection: OutboxCollection, handlers: TimerHandlers) -> list[DueTimer]:
    """The engagement's timers, each firing its use case with the document's id."""

    async def auto_approve(doc: Document) -> None:
        await handlers.auto_approve(doc["_id"])

    async def overdue(doc: Document) -> None:
        await handlers.overdue(doc["_id"])

    async def reveal(doc: Document) -> None:
        await handlers.reveal(doc["_id"])

    async def funding_expired(doc: Document) -> None:
        await handlers.funding_expired(doc["_id"])

    async def milestones_due(doc: Document) -> None:
        await handlers.milestones_due(doc["_id"])

    return [
        DueTimer("auto-approval", collection, TIMER_AUTO_APPROVE, auto_approve, LEASE),
        DueTimer("overdue", collection, TIMER_OVERDUE, overdue, LEASE),
        DueTimer("feedback-reveal", collection, TIMER_REVEAL, reveal, LEASE),
        DueTimer("funding-expiry", collection, TIMER_FUNDING, funding_expired, LEASE),
        DueTimer("milestone-due", collection, TIMER_MILESTONE, milestones_due, LEASE),
    ]


def dispute_timers(
    engagements: OutboxCollection, disputes: OutboxCollection, handlers: DisputeWrites
) -> list[DueTimer]:
    """The answer deadline of an open dispute, and the repairs of a dispute's two-document
    writes (the opened dispute's document; the resolved dispute's engagement)."""

    async def escalate(doc: Document) -> None:
        await handlers.escalate(doc["_id"])

    async def settle(doc: Document) -> None:
        await handlers.settle_due(doc["_id"])

    async def repair_opening(doc: Document) -> None:
        await handlers.repair_opening(doc["_id"])

    return [
        DueTimer("dispute-escalation", disputes, TIMER_ESCALATE, escalate, LEASE),
        DueTimer("dispute-settlement", disputes, TIMER_SETTLE, settle, LEASE),
        DueTimer("dispute-opening", engagements, TIMER_DISPUTE_OPENING, repair_opening, LEASE),
    ]
