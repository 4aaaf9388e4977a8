"""Storing payout changes: version-checked writes with their domain events, then the ledger.

The repository stores the new state and its events in one write (it makes the events envelopes,
through the service's wire); a lost race loads, decides and writes again
(`stint.kit.conflicts.retry_on_conflict`). A change whose state needs journal entries sets
`ledger_due_at` (at least `repair_delay` ahead, so the repair timer does not race the writer)
and then has them posted at once (`ledger.Ledger.post_and_clear`); the timer is cleared only at
the version whose plan was posted (a version check), so entries required by a later
transition are never skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

from payouts import metrics
from payouts.domain.errors import PayoutNotFound
from payouts.domain.model import Decision, Payout, Transition
from payouts.handlers.ledger import Ledger
from payouts.handlers.ports import Repository
from stint.kit.actor import Cause
from stint.kit.clock import Clock
from stint.kit.conflicts import retry_on_conflict

log = logging.getLogger(__name__)


@dataclass
class PayoutWriter:
    repo: Repository
    clock: Clock
    repair_delay: timedelta = timedelta(seconds=30)
    ledger: Ledger = field(init=False)

    def __post_init__(self) -> None:
        self.ledger = Ledger(self.repo, self.clock)

    async def create(self, transition: Transition, cause: Cause) -> Payout:
        """Insert a new payout (version 1); AlreadyExists when a redelivery got there first."""
        payout, events = transition
        stored = await self.repo.insert_payout(payout, events, cause)
        _count(None, stored)
        return await self.ledger.post_and_clear(stored)

    async def change(
        self,
        payout_id: str,
        decide: Callable[[Payout], Decision],
        cause: Cause,
        known: Payout | None = None,
    ) -> Payout:
        """Load, decide, store; a lost race reloads and decides again. `known`: the payout as
        the caller just read it, decided on first instead of a reload."""

        async def once() -> tuple[Payout, bool]:
            nonlocal known
            current, known = known or await self.repo.get_payout(payout_id), None
            if current is None:
                raise PayoutNotFound(f"payout {payout_id} not found")
            decision = decide(current)
            if decision is None:
                return current, False
            new, events = decision
            if new.ledger_due_at is not None and new.ledger_due_at != current.ledger_due_at:
                # A safety net for a crash before posting: not due while we post right now.
                repair_at = max(new.ledger_due_at, self.clock.now() + self.repair_delay)
                new = replace(new, ledger_due_at=repair_at)
            stored = await self.repo.update_payout(new, current.version, events, cause)
            _count(current, stored)
            due = stored.ledger_due_at
            return stored, due is not None and due != current.ledger_due_at

        stored, post = await retry_on_conflict(once)
        return await self.ledger.post_and_clear(stored) if post else stored


def _count(before: Payout | None, after: Payout) -> None:
    if after.blocked_reason and not (before and before.blocked_reason):
        metrics.PAYOUTS_BLOCKED.inc()
        log.error("payout blocked", extra={"payout": after.id, "reason": after.blocked_reason})
    if before is None or before.status is not after.status:
        status = after.status.value
        metrics.PAYOUT_TRANSITIONS.labels(status).inc()
        if not after.blocked_reason:  # an absurd amount would swamp the sum for good
            amount = after.amount
            metrics.PAYOUT_AMOUNT.labels(status, amount.currency).inc(amount.amount_minor)
