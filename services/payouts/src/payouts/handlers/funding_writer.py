"""Storing funding changes: version-checked writes with their events, then the escrow entries.

The same discipline as `writer.PayoutWriter`: a lost race loads, decides and writes again; a
state that needs journal entries sets `ledger_due_at` (pushed `repair_delay` ahead so the repair
timer does not race this writer), the entries are posted at once, and the timer is cleared only
at the version whose plan was posted.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from payouts import metrics
from payouts.domain import escrow
from payouts.domain.funding import Funding, FundingTransition
from payouts.handlers.funding_ports import FundingStore
from payouts.handlers.ledger import MAX_ERROR, insert_planned
from payouts.handlers.ports import Repository
from stint.kit.actor import Cause
from stint.kit.clock import Clock
from stint.kit.conflicts import retry_on_conflict
from stint.kit.errors import ConcurrencyConflict, NotFound

FundingDecision = FundingTransition | None
# What else follows a funding's state once its entries are posted (the invoices).
Follower = Callable[[Funding, Cause], Awaitable[None]]


async def _nothing(f: Funding, cause: Cause) -> None:
    return None


class FundingNotFound(NotFound):
    """No such funding, or the caller may not know it exists."""


@dataclass
class FundingWriter:
    store: FundingStore
    journal: Repository
    clock: Clock
    repair_delay: timedelta = timedelta(seconds=30)
    follow: Follower = _nothing

    async def create(self, funding: Funding, cause: Cause) -> Funding:
        """Insert at version 1 (AlreadyExists when a redelivery got there first)."""
        stored = await self.store.insert_funding(funding, [], cause)
        metrics.FUNDING_TRANSITIONS.labels(stored.status.value).inc()
        return stored

    async def change(
        self, funding_id: str, decide: Callable[[Funding], FundingDecision], cause: Cause
    ) -> Funding:
        """Load, decide, store (None = nothing to do); post the entries the new state needs."""

        async def once() -> tuple[Funding, bool]:
            current = await self.store.get_funding(funding_id)
            if current is None:
                raise FundingNotFound(f"funding {funding_id} not found")
            decision = decide(current)
            if decision is None:
                return current, False
            new, events = decision
            if new.ledger_due_at is not None and new.ledger_due_at != current.ledger_due_at:
                repair_at = max(new.ledger_due_at, self.clock.now() + self.repair_delay)
                new = replace(new, ledger_due_at=repair_at)
            stored = await self.store.update_funding(new, current.version, events, cause)
            if stored.status is not current.status:
                metrics.FUNDING_TRANSITIONS.labels(stored.status.value).inc()
            due = stored.ledger_due_at
            return stored, due is not None and due != current.ledger_due_at

        stored, post = await retry_on_conflict(once)
        return await self.post_and_clear(stored, cause) if post else stored

    async def post_and_clear(self, stored: Funding, cause: Cause | None = None) -> Funding:
        """Post the escrow entries `stored` requires and its documents (`follow`), then clear
        its repair timer at that version; a failure is recorded on the funding (best effort)
        and re-raised, and the repair timer tries again."""
        if stored.ledger_due_at is None:
            return stored
        cause = cause or Cause.system(correlation_id=stored.correlation_id)
        try:
            await insert_planned(self.journal, escrow.plan(stored, self.clock.now()))
            await self.follow(stored, cause)
        except Exception as exc:
            metrics.LEDGER_POST_FAILURES.inc()
            error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR]
            with contextlib.suppress(Exception):
                await self.store.update_funding(stored.ledger_failed(error), stored.version)
            raise
        try:
            return await self.store.update_funding(stored.ledger_posted(), stored.version)
        except ConcurrencyConflict:
            return stored
