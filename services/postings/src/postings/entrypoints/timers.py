"""The posting timer: `expires_at` on the posting itself (the application deadline while OPEN,
the decision deadline while CLOSED and still choosing, absent otherwise), claimed by the kit's
TimerWorker so any number of replicas is safe."""

from __future__ import annotations

from datetime import timedelta

from postings.adapters.repository import EXPIRES_AT
from postings.handlers import PostingReactions
from stint.kit.mongo import Document
from stint.kit.outbox import OutboxCollection
from stint.kit.timers import DueTimer


def timers(
    postings: OutboxCollection, reactions: PostingReactions, lease: timedelta
) -> list[DueTimer]:
    async def expire(doc: Document) -> None:
        """Due posting -> PostingClosed, or PostingDecisionDeadlinePassed (see reactions)."""
        await reactions.expire(doc["_id"])

    return [DueTimer("posting-expiry", postings, EXPIRES_AT, expire, lease=lease)]
