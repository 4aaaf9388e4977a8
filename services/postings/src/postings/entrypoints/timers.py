"""The expiry timer: `expires_at` on the posting itself (the application deadline while OPEN,
absent otherwise), claimed by the kit's TimerWorker so any number of replicas is safe."""

from __future__ import annotations

from datetime import timedelta

from postings.adapters.repository import EXPIRES_AT
from postings.handlers import Handlers
from stint.kit.clock import Clock
from stint.kit.docguard import DocumentGuard
from stint.kit.mongo import Collection, Document
from stint.kit.timers import DueTimer, TimerWorker


def expiry_timer(collection: Collection, handlers: Handlers, lease: timedelta) -> DueTimer:
    async def expire(doc: Document) -> None:
        """Due posting -> PostingExpired (no hire) or PostingClosed (some hires)."""
        await handlers.expire(doc["_id"])

    return DueTimer("posting-expiry", collection, EXPIRES_AT, expire, lease=lease)


def build_timers(
    service: str,
    collection: Collection,
    handlers: Handlers,
    clock: Clock,
    *,
    poll_seconds: float,
    lease: timedelta,
    guard: DocumentGuard,
) -> TimerWorker:
    timer = expiry_timer(collection, handlers, lease)
    return TimerWorker(service, [timer], clock, poll_seconds=poll_seconds, guard=guard)
