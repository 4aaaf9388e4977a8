"""The journal follows the payouts: posting the entries a payout requires, and checking it all.

Crash safety (no multi-document transactions): the payout document is the source of truth.
A transition that needs journal entries sets `ledger_due_at` in the same write that changes the
state and enqueues the event (see `writer.py`); the entries are then posted at once (`post`),
each an immutable insert with a deterministic id, in `ledger.plan` order, and `ledger_due_at`
is cleared at the version whose plan was posted. If the process dies in between, the
ledger-repair timer finds `ledger_due_at` and posts whatever is missing; a duplicate id means
"already posted".

A posting that fails is recorded on the payout (`ledger_error`, in a write of its own) before
the error propagates, so CheckLedger reports entries that could not be posted instead of
counting them as a repair in progress while the repair timer fails forever.
"""

from __future__ import annotations

import contextlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from payouts import metrics
from payouts.domain.ledger import Balances, JournalEntry, malformed_postings, plan
from payouts.domain.ledger import unbalanced_currencies as unbalanced
from payouts.domain.model import Payout
from payouts.domain.values import PayoutStatus
from payouts.handlers.ports import Repository
from stint.kit.clock import Clock
from stint.kit.errors import ConcurrencyConflict

MAX_ERROR = 300
log = logging.getLogger(__name__)


@dataclass
class Ledger:
    repo: Repository
    clock: Clock

    async def post_and_clear(self, stored: Payout) -> Payout:
        """Post the entries `stored` requires, then clear its repair timer at that version (a
        concurrent change keeps the timer, and the repair posts whatever it then requires)."""
        if stored.ledger_due_at is None:
            return stored
        await self.post(stored)
        try:
            return await self.repo.update_payout(stored.ledger_posted(), stored.version)
        except ConcurrencyConflict:
            return stored

    async def post(self, payout: Payout) -> None:
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
            await self.repo.update_payout(payout.ledger_failed(error), payout.version)


@dataclass
class CheckReport:
    entries: int = 0
    payouts: int = 0
    repairs_pending: int = 0
    violations: list[tuple[str, str, str]] = field(default_factory=list)


async def check(repo: Repository) -> CheckReport:
    """The ledger invariants over the whole journal (a full scan: an operator tool)."""
    report = CheckReport()
    balances = Balances()
    by_payout: dict[str, dict[str, JournalEntry]] = defaultdict(dict)
    async for entry in repo.all_entries():
        report.entries += 1
        for currency in unbalanced(entry):
            report.violations.append(("unbalanced_entry", entry.id, f"{currency} does not balance"))
        if malformed_postings(entry):
            report.violations.append(("unbalanced_entry", entry.id, "malformed posting"))
        balances.add(entry)
        by_payout[entry.payout_id][entry.id] = entry
    for account, currency, overdrawn in balances.negative_payables():
        report.violations.append(
            ("negative_payable", account, f"overdrawn by {-overdrawn} {currency} minor units")
        )
    for account, currency, net in balances.out_of_range():
        report.violations.append(
            ("balance_out_of_range", account, f"{net} {currency} minor units exceeds int64")
        )
    async for payout in repo.all_payouts():
        report.payouts += 1
        _compare(payout, by_payout.pop(payout.id, {}), report)
    for payout_id, orphans in by_payout.items():
        for orphan in orphans:
            report.violations.append(("unexpected_entry", orphan, f"payout {payout_id} missing"))
    return report


def _compare(payout: Payout, stored: dict[str, JournalEntry], report: CheckReport) -> None:
    """The payout's stored entries against those its state requires."""
    if payout.blocked_reason:
        _blocked(payout, stored, report)
        return
    missing = False
    for expected in plan(payout, payout.updated_at):
        found = stored.pop(expected.id, None)
        if found is None:
            missing = True
        elif not found.same_content(expected):
            report.violations.append(("entry_mismatch", expected.id, "differs from plan"))
    if missing and payout.ledger_error:  # the last attempt failed: not merely in progress
        report.violations.append(("ledger_post_failed", payout.id, payout.ledger_error))
    elif missing and payout.ledger_due_at is not None:
        report.repairs_pending += 1  # the repair timer will post them
    elif missing:
        report.violations.append(("missing_entry", payout.id, "required entry not posted"))
    for extra in stored:
        report.violations.append(("unexpected_entry", extra, "not required by the payout"))


def _blocked(payout: Payout, stored: dict[str, JournalEntry], report: CheckReport) -> None:
    """A blocked payout's amount could not be posted: reported until an admin cancels it,
    with any entries posted before it was blocked (stored before the bound existed)."""
    if payout.status is not PayoutStatus.CANCELLED:
        report.violations.append(("amount_out_of_bounds", payout.id, payout.blocked_reason))
    for extra in stored:
        report.violations.append(
            ("unexpected_entry", extra, "posted before the payout was blocked")
        )
