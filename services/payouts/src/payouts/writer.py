"""Storing payout changes: version-checked writes with their events, then the ledger.

Crash safety (no multi-document transactions): the payout document is the source of truth.
A transition that needs journal entries sets `ledger_due_at` in the same write that changes the
state and enqueues the event (at least `repair_delay` ahead, so the repair timer does not race
the writer); the entries are then posted at once (`post_ledger`), each an immutable insert with
a deterministic id, in `ledger.plan` order, and the writer clears `ledger_due_at` at the
version whose plan it posted. If the process dies in between, the ledger-repair timer finds
`ledger_due_at` and posts whatever is missing; a duplicate id means "already posted". The
timer is cleared only at the version whose plan was posted (a version check), so entries
required by a later transition are never skipped.

A posting that fails is recorded on the payout (`ledger_error`, in a write of its own) before
the error propagates, so CheckLedger reports entries that could not be posted instead of
counting them as a repair in progress while the repair timer fails forever.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from payouts import metrics
from payouts.adapters import wire
from payouts.domain.errors import PayoutNotFound
from payouts.domain.events import Cause, PayoutEvent
from payouts.domain.ledger import plan
from payouts.domain.model import Payout
from payouts.ports import Repository
from stint.kit.clock import Clock
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.errors import ConcurrencyConflict

MAX_ERROR = 300
log = logging.getLogger(__name__)

Decision = tuple[Payout, list[PayoutEvent]] | None
WRITE_ATTEMPTS = 3


@dataclass
class PayoutWriter:
    repo: Repository
    events: EventFactory
    clock: Clock
    repair_delay: timedelta = timedelta(seconds=30)

    def envelopes(self, events: list[PayoutEvent], cause: Cause, version: int) -> list[Envelope]:
        """Envelopes whose payout snapshot carries `version`, the version being written."""
        return [
            self.events(
                wire.event_message(replace(e, payout=replace(e.payout, version=version)), cause),
                e.payout.id,
            )
            for e in events
        ]

    async def create(self, payout: Payout, events: list[PayoutEvent], cause: Cause) -> Payout:
        """Insert a new payout (version 1); AlreadyExists when a redelivery got there first."""
        await self.repo.insert_payout(payout, self.envelopes(events, cause, 1), cause.causation_id)
        stored = replace(payout, version=1)
        _count(None, stored)
        return await self._post_and_clear(stored)

    async def change(
        self,
        payout_id: str,
        decide: Callable[[Payout], Decision],
        cause: Cause,
        known: Payout | None = None,
    ) -> Payout:
        """Load, decide, store; a lost race reloads and decides again (a few times). `known`:
        the payout as the caller just read it, decided on first instead of a reload."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            current, known = known or await self.repo.get_payout(payout_id), None
            if current is None:
                raise PayoutNotFound(f"payout {payout_id} not found")
            decision = decide(current)
            if decision is None:
                return current
            new, events = decision
            if new.ledger_due_at is not None and new.ledger_due_at != current.ledger_due_at:
                # A safety net for a crash before posting: not due while we post right now.
                repair_at = max(new.ledger_due_at, self.clock.now() + self.repair_delay)
                new = replace(new, ledger_due_at=repair_at)
            try:
                stored = await self.repo.update_payout(
                    new, current.version, self.envelopes(events, cause, current.version + 1)
                )
            except ConcurrencyConflict:
                if attempt == WRITE_ATTEMPTS:
                    raise
                continue
            _count(current, stored)
            if stored.ledger_due_at is not None and stored.ledger_due_at != current.ledger_due_at:
                return await self._post_and_clear(stored)
            return stored
        raise AssertionError("unreachable")

    async def _post_and_clear(self, stored: Payout) -> Payout:
        """Post the entries `stored` requires, then clear its repair timer at that version (a
        concurrent change keeps the timer, and the repair posts whatever it then requires)."""
        if stored.ledger_due_at is None:
            return stored
        await self.post_ledger(stored)
        try:
            return await self.repo.update_payout(stored.ledger_posted(), stored.version, [])
        except ConcurrencyConflict:
            return stored

    async def post_ledger(self, payout: Payout) -> None:
        """Insert every entry the payout requires that is not there yet, in plan order. On a
        failure, record it on the payout (best effort) and re-raise: the repair timer retries."""
        try:
            for entry in plan(payout, self.clock.now()):
                stored = await self.repo.insert_entry(entry)
                if stored is None:
                    metrics.LEDGER_ENTRIES.labels(entry.kind.value).inc()
                elif not stored.same_content(entry):
                    metrics.LEDGER_CONFLICTS.inc()
                    log.error(
                        "journal entry differs from the payout's plan", extra={"entry": entry.id}
                    )
        except Exception as exc:
            metrics.LEDGER_POST_FAILURES.inc()
            await self._record_failure(payout, f"{type(exc).__name__}: {exc}"[:MAX_ERROR])
            raise

    async def _record_failure(self, payout: Payout, error: str) -> None:
        # Best effort: a lost race means a newer change posts (and records) on its own, and a
        # database that refuses this write too is already loud; the original error is raised.
        with contextlib.suppress(Exception):
            await self.repo.update_payout(payout.ledger_failed(error), payout.version, [])


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
