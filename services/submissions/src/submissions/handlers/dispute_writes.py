"""The second write of a dispute's two-document changes, and the timers that finish them.

Opening writes the engagement first (DISPUTED, the new dispute kept in `opening`, with
DisputeOpened), then the dispute's document, then clears `opening`. Resolving writes the
dispute first (RESOLVED, with DisputeResolved), then ends the engagement, then marks the
dispute `settled`. Each first write is the decision and carries every event of it; each
later step is idempotent (an insert that finds the document, a settlement of an engagement
no longer DISPUTED, a marker already set), so a request retried, the timer and the request
racing, or a crash anywhere in between all end in the same pair of documents.
"""

from __future__ import annotations

import contextlib

from stint.kit.actor import Cause
from stint.kit.clock import Clock
from stint.kit.conflicts import retry_on_conflict
from stint.kit.errors import AlreadyExists
from submissions import metrics
from submissions.domain import disputes
from submissions.domain.dispute import Dispute
from submissions.domain.model import Engagement, Windows
from submissions.handlers.ports import DisputeStore, EngagementStore


class DisputeWrites:
    def __init__(
        self, engagements: EngagementStore, disputes: DisputeStore, clock: Clock, windows: Windows
    ) -> None:
        self._engagements = engagements
        self._disputes = disputes
        self._clock = clock
        self._windows = windows

    async def finish_opening(self, e: Engagement, cause: Cause) -> Dispute | None:
        """Write the dispute the engagement opened (unless already written) and clear
        `opening`; the dispute, or None when the engagement carries none. ConcurrencyConflict
        when the engagement moved meanwhile (the dispute is written either way)."""
        dispute = e.opening
        if dispute is None:
            return None
        with contextlib.suppress(AlreadyExists):  # a retry or the timer wrote it
            await self._disputes.add(dispute.snapshot(), [], cause)
        disputes.opened(e)
        await self._engagements.save(e, [], cause)
        return await self._disputes.get(dispute.id) or dispute

    async def settle(self, d: Dispute, cause: Cause) -> Engagement | None:
        """End the engagement as the resolved dispute says (once), then mark the dispute
        settled; ConcurrencyConflict when the dispute moved meanwhile (the engagement is
        settled either way)."""
        resolution = d.resolution
        if resolution is None:
            return None

        async def attempt() -> Engagement | None:
            e = await self._engagements.get(d.engagement_id)
            events = disputes.settle(e, resolution, self._windows) if e else []
            if e is not None and events:
                await self._engagements.save(e, events, cause)
            return e

        e = await retry_on_conflict(attempt)
        if not d.settled:
            d.mark_settled()
            await self._disputes.save(d, [], cause)
        return e

    # --- timers (entrypoints/timers.py) ---------------------------------------------------

    async def repair_opening(self, engagement_id: str) -> None:
        """The opener stopped after the engagement's write: write the dispute's document."""

        async def attempt() -> Dispute | None:
            e = await self._engagements.get(engagement_id)
            return await self.finish_opening(e, Cause.system()) if e else None

        if await retry_on_conflict(attempt):
            metrics.DISPUTE_REPAIRS.labels("opening").inc()

    async def settle_due(self, dispute_id: str) -> None:
        """The resolver stopped before the engagement ended, or before the dispute was marked
        settled: finish both."""

        async def attempt() -> bool:
            d = await self._disputes.get(dispute_id)
            if d is None or d.resolution is None or d.settled:
                return False
            await self.settle(d, Cause.system())
            return True

        if await retry_on_conflict(attempt):
            metrics.DISPUTE_REPAIRS.labels("settlement").inc()

    async def escalate(self, dispute_id: str) -> None:
        """The answer deadline passed unanswered; emits DisputeEscalated (once)."""

        async def attempt() -> bool:
            d = await self._disputes.get(dispute_id)
            events = d.escalate(self._clock.now()) if d else []
            if d is None or not events:
                return False
            await self._disputes.save(d, events, Cause.system())
            return True

        if await retry_on_conflict(attempt):
            metrics.DISPUTES_ESCALATED.inc()
