"""Use cases the platform runs on its own when a due time passes (entrypoints/timers.py fires
them): each reloads the engagement, decides on its current state, and saves as the system."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from stint.kit.actor import Cause
from stint.kit.clock import Clock
from stint.kit.conflicts import retry_on_conflict
from submissions import metrics
from submissions.domain import events as ev
from submissions.domain import feedback as fb
from submissions.domain import schedule
from submissions.domain.model import Engagement, Windows
from submissions.handlers.ports import EngagementStore

Decide = Callable[[Engagement, datetime], list[ev.Event]]


class TimerHandlers:
    def __init__(self, repo: EngagementStore, clock: Clock, windows: Windows) -> None:
        self._repo = repo
        self._clock = clock
        self._windows = windows

    async def auto_approve(self, engagement_id: str) -> None:
        """The review window passed without a review; emits SubmissionApproved
        (auto_approved) and EngagementCompleted."""
        if await self._decide(engagement_id, lambda e, now: e.auto_approve(now, self._windows)):
            metrics.SUBMISSIONS_APPROVED.labels("auto").inc()

    async def overdue(self, engagement_id: str) -> None:
        """The due date passed with nothing submitted; emits EngagementOverdue once."""
        if await self._decide(engagement_id, schedule.mark_overdue):
            metrics.ENGAGEMENTS_OVERDUE.inc()

    async def milestones_due(self, engagement_id: str) -> None:
        """An open milestone's due time passed while the work is in progress; emits
        MilestoneDue once per milestone."""
        if await self._decide(engagement_id, schedule.announce_due_milestones):
            metrics.MILESTONES_DUE.inc()

    async def funding_expired(self, engagement_id: str) -> None:
        """The funding window passed with no money in escrow; emits EngagementCancelled
        (reason FUNDING_EXPIRED), so applications and payouts react as to any cancellation."""
        if await self._decide(engagement_id, lambda e, now: e.expire_funding(now)):
            metrics.ENGAGEMENTS_FUNDING_EXPIRED.inc()

    async def reveal(self, engagement_id: str) -> None:
        """The feedback window closed; emits FeedbackRevealed."""
        if await self._decide(engagement_id, fb.reveal_if_due):
            metrics.FEEDBACK_REVEALED.labels("window_passed").inc()

    async def _decide(self, engagement_id: str, decide: Decide) -> bool:
        """Reload, decide on the current state, save; run again when a user's write won a
        race (the decision is then made on the new state). Whether anything happened."""

        async def attempt() -> bool:
            e = await self._repo.get(engagement_id)
            events = decide(e, self._clock.now()) if e else []
            if e is None or not events:
                return False
            await self._repo.save(e, events, Cause.system())
            return True

        return await retry_on_conflict(attempt)
